package intset_test

import (
	"bytes"
	"flag"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/intset"
	"github.com/vestadb/vesta/internal/listpack/redistest"
)

var updateRedis = flag.Bool("update-redis", false, "re-record testdata/redis-7.0.15.txt from a real redis-server")

const fixturePath = "testdata/redis-7.0.15.txt"

// TestRedisFixtures replays each recorded case with this package and
// requires the exact bytes real Redis 7.0.15 produced.
func TestRedisFixtures(t *testing.T) {
	f, err := redistest.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	if *updateRedis {
		s := redistest.Start(t, "--rdbcompression", "no")
		if err := redistest.Record(s, f); err != nil {
			t.Fatal(err)
		}
		if err := redistest.WriteFile(fixturePath, f); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.Type != 11 || len(c.Blobs) != 1 {
				t.Fatalf("fixture type %d with %d blobs, want type 11 with 1 (re-record with -update-redis)", c.Type, len(c.Blobs))
			}
			want := c.Blobs[0]
			if err := intset.Validate(want, true); err != nil {
				t.Fatalf("Validate(redis blob) = %v, want nil", err)
			}
			s := intset.New()
			for _, cmd := range c.Cmds {
				for _, a := range cmd[2:] {
					v, err := strconv.ParseInt(a, 10, 64)
					if err != nil {
						t.Fatal(err)
					}
					switch cmd[0] {
					case "SADD":
						s, _ = s.Add(v)
					case "SREM":
						s, _ = s.Remove(v)
					default:
						t.Fatalf("unknown command %s", cmd[0])
					}
				}
			}
			if !bytes.Equal(s.Bytes(), want) {
				t.Fatalf("bytes differ\ngot  %x\nwant %x", s.Bytes(), want)
			}
		})
	}
}

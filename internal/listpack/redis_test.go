package listpack_test

import (
	"bytes"
	"flag"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
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
		s := redistest.Start(t,
			"--rdbcompression", "no",
			"--hash-max-listpack-value", "100000",
			"--zset-max-listpack-value", "100000",
			"--list-max-listpack-size", "-5")
		if err := redistest.Record(s, f); err != nil {
			t.Fatal(err)
		}
		if err := redistest.WriteFile(fixturePath, f); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if len(c.Blobs) != 1 {
				t.Fatalf("fixture has %d blobs, want 1 (re-record with -update-redis)", len(c.Blobs))
			}
			want := c.Blobs[0]
			if err := listpack.Validate(want, true, c.Type != 18); err != nil {
				t.Fatalf("Validate(redis blob) = %v, want nil", err)
			}
			got := replay(t, c.Cmds)
			if !bytes.Equal(got, want) {
				t.Fatalf("bytes differ\ngot  %x\nwant %x", []byte(got), want)
			}
		})
	}
}

// replay runs the fixture commands against one listpack and returns it.
func replay(t *testing.T, cmds [][]string) listpack.Listpack {
	t.Helper()
	lp := listpack.New()
	for _, tok := range cmds {
		a := make([][]byte, len(tok))
		for i, s := range tok {
			a[i] = []byte(redistest.ExpandArg(s))
		}
		name, args := strings.ToUpper(tok[0]), a[2:]
		switch name {
		case "RPUSH":
			for _, e := range args {
				lp = lp.Append(e)
			}
		case "LPUSH":
			lp = lp.Prepend(args...)
		case "LINSERT":
			p := lp.Find(args[1], 0)
			if p < 0 {
				t.Fatalf("LINSERT: pivot %q not found", args[1])
			}
			lp, _ = lp.Insert(p, args[2], strings.EqualFold(string(args[0]), "after"))
		case "LSET":
			p := lp.Seek(atoi(t, args[0]))
			lp = lp.Replace(p, args[1])
		case "LPOP":
			lp, _ = lp.Delete(lp.First())
		case "RPOP":
			lp, _ = lp.Delete(lp.Last())
		case "LREM":
			lp = lrem(lp, atoi(t, args[0]), args[1])
		case "LTRIM":
			n := lp.Len()
			start, stop := atoi(t, args[0]), atoi(t, args[1])
			if start < 0 {
				start += n
			}
			if stop < 0 {
				stop += n
			}
			lp = lp.DeleteRange(0, start)
			if r := n - stop - 1; r > 0 {
				lp = lp.DeleteRange(-r, r)
			}
		case "HSET":
			for i := 0; i+1 < len(args); i += 2 {
				lp, _ = lp.HashSet(args[i], args[i+1])
			}
		case "HDEL":
			for _, f := range args {
				lp, _ = lp.HashDelete(f)
			}
		case "ZADD":
			for i := 0; i+1 < len(args); i += 2 {
				lp, _, _ = lp.ZsetAdd(args[i+1], atof(t, args[i]))
			}
		case "ZREM":
			for _, m := range args {
				lp, _ = lp.ZsetDelete(m)
			}
		case "ZINCRBY":
			_, cur := lp.ZsetFind(args[1])
			lp, _, _ = lp.ZsetAdd(args[1], cur+atof(t, args[0]))
		default:
			t.Fatalf("replay: unknown command %s", name)
		}
		if err := listpack.Validate(lp, true, false); err != nil {
			t.Fatalf("after %v: Validate = %v", tok, err)
		}
	}
	return lp
}

// lrem removes entries equal to elem like LREM: count > 0 from the head,
// count < 0 from the tail, 0 all of them.
func lrem(lp listpack.Listpack, count int, elem []byte) listpack.Listpack {
	if count >= 0 {
		removed := 0
		for p := lp.First(); p >= 0 && (count == 0 || removed < count); {
			if lp.Equal(p, elem) {
				lp, p = lp.Delete(p)
				removed++
				continue
			}
			p = lp.Next(p)
		}
		return lp
	}
	for p, removed := lp.Last(), 0; p >= 0 && removed < -count; {
		prev := lp.Prev(p)
		if lp.Equal(p, elem) {
			lp, _ = lp.Delete(p)
			removed++
		}
		p = prev
	}
	return lp
}

func atoi(t *testing.T, b []byte) int {
	t.Helper()
	n, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func atof(t *testing.T, b []byte) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

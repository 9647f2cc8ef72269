package server

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/testutil"
	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

func fuzzServer(fs vfs.FS) *Server {
	cfg := config.Default()
	cfg.Dir = "/data"
	cfg.Save = nil
	cfg.AppendOnly = true
	s := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	s.eng.SetFS(fs)
	return s
}

// FuzzLoadRDB loads arbitrary bytes as dump.rdb, building real values of
// every type: it must never panic nor allocate far beyond the input, and a
// file that loads must save and load back to the same digest.
func FuzzLoadRDB(f *testing.F) {
	for _, seed := range rdbSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := fuzzServer(memfs.New())
		s.mu.Lock()
		defer s.mu.Unlock()
		_, err := persist.LoadRDB(bytes.NewReader(data), s.ks, persist.LoadOptions{
			Size: int64(len(data)), KeepExpired: true, Objects: s.objectLoader(),
		})
		if err != nil {
			return
		}
		want := s.datasetDigest()
		var out bytes.Buffer
		job := persist.StartSnapshot(&s.mu, s.ks, &out, persist.SaveOptions{Checksum: true, Compression: true})
		if err := job.Run(false); err != nil {
			t.Fatalf("a loaded dataset does not save: %v", err)
		}
		again := keyspace.New(16)
		if _, err := persist.LoadRDB(bytes.NewReader(out.Bytes()), again, persist.LoadOptions{KeepExpired: true, Objects: s.objectLoader()}); err != nil {
			t.Fatalf("a saved dataset does not load: %v", err)
		}
		s.ks = again
		if got := s.datasetDigest(); got != want {
			t.Fatalf("digest after save and load %s, want %s", got, want)
		}
	})
}

// rdbSeeds are RDB images of small datasets of every type and encoding.
func rdbSeeds(f *testing.F) [][]byte {
	s := fuzzServer(memfs.New())
	s.mu.Lock()
	defer s.mu.Unlock()
	ex := &loaderExec{s: s, cl: s.fakeClient()}
	do := func(args ...string) {
		b := make([][]byte, len(args))
		for i, a := range args {
			b[i] = []byte(a)
		}
		if err := ex.Exec(b); err != nil {
			f.Fatal(err)
		}
	}
	do("SET", "k", "v")
	do("SET", "n", "12345")
	do("RPUSH", "l", "a", "b", "1")
	do("HSET", "h", "f", "v", "g", "1")
	do("SADD", "si", "1", "2", "3")
	do("SADD", "ss", "a", "b")
	do("ZADD", "z", "1", "a", "2.5", "b")
	do("PEXPIREAT", "k", "99999999999999")
	snap := func() []byte {
		var out bytes.Buffer
		if err := persist.StartSnapshot(nopLock{}, s.ks, &out, persist.SaveOptions{Checksum: true, Compression: true}).Run(false); err != nil {
			f.Fatal(err)
		}
		return out.Bytes()
	}
	small := snap()
	for i := 0; i < 200; i++ { // past every listpack/intset limit
		v := string(rune('a'+i%26)) + string(rune('a'+i/26))
		do("HSET", "h", v, v)
		do("SADD", "ss", v)
		do("ZADD", "z", "1", v)
		do("RPUSH", "l", v)
	}
	do("SELECT", "3")
	do("SET", "other", "db")
	return [][]byte{small, snap()}
}

type nopLock struct{}

func (nopLock) Lock()   {}
func (nopLock) Unlock() {}

// FuzzLoadAOF loads arbitrary bytes as the only incr file of an AOF
// directory: no panic, and whatever loads is a consistent dataset that
// BGREWRITEAOF-style saving accepts.
func FuzzLoadAOF(f *testing.F) {
	f.Add([]byte("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"))
	f.Add([]byte("*1\r\n$5\r\nMULTI\r\n*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n*1\r\n$4\r\nEXEC\r\n"))
	f.Add([]byte("*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$3\r\n1.5\r\n$1\r\nm\r\n*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$1\r\nf\r\n$1\r\nv\r\n#TS:1\r\n*3\r\n$4\r\nSADD\r\n$1\r\ns\r\n$1\r\n7\r\n"))
	f.Add([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer testutil.Watchdog(func() string { return fmt.Sprintf("loading the AOF %q", data) }, testutil.HangLimit)()
		mem := memfs.New()
		d := &aof.Dir{FS: mem, Root: "/data", Name: "appendonlydir", Prefix: "appendonly.aof", M: &manifest.Manifest{}}
		inc := d.M.NewIncr(d.Prefix)
		if err := mem.MkdirAll(d.Path(), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := vfs.WriteFileAtomic(mem, d.File(inc.Name), data); err != nil {
			t.Fatal(err)
		}
		if err := d.Persist(); err != nil {
			t.Fatal(err)
		}
		s := fuzzServer(mem)
		s.mu.Lock()
		defer s.mu.Unlock()
		plan, _, err := d.Plan()
		if err != nil {
			t.Fatal(err)
		}
		s.eng.SetLoading(true)
		_, err = persist.LoadAOF(d, plan, s.ks, host{s}.AOFExec(), persist.AOFOptions{
			LoadTruncated: s.cfg.AOFLoadTruncated,
			RDB:           persist.LoadOptions{IgnoreChecksum: !s.cfg.RDBChecksum, Objects: s.objectLoader()},
		})
		if err != nil {
			return
		}
		s.eng.SetLoading(false)
		var out bytes.Buffer
		var mu sync.Mutex
		mu.Lock()
		if err := persist.StartSnapshot(&mu, s.ks, &out, persist.SaveOptions{Checksum: true}).Run(false); err != nil {
			t.Fatalf("a loaded AOF dataset does not save: %v", err)
		}
	})
}

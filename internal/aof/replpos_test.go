package aof

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/errorfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

const testID = "0123456789abcdef0123456789abcdef01234567"

// posDir returns an AOF directory on fsys with a base and one incr file
// holding some bytes.
func posDir(t *testing.T, fsys vfs.FS) *Dir {
	t.Helper()
	if err := fsys.MkdirAll("/data", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fsys.SyncDir("/"); err != nil {
		t.Fatal(err)
	}
	d, _, err := Open(fsys, "/data", "appendonlydir", "appendonly.aof")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.CreateBase(false, func(w io.Writer) error {
		_, err := w.Write([]byte("*1\r\n$4\r\nPING\r\n"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	f, _, _, err := d.NewIncr()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(bytes.Repeat([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"), 5000)); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return d
}

func record(t *testing.T, d *Dir) ReplPos {
	t.Helper()
	st, err := d.Stamps()
	if err != nil {
		t.Fatal(err)
	}
	p := ReplPos{ID: testID, Offset: 123456, StreamDB: 2, Files: st}
	if err := d.WriteReplPos(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReplPosRoundTrip(t *testing.T) {
	mem := memfs.New()
	d := posDir(t, mem)
	want := record(t, d)
	got, err := d.ReadReplPos()
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID || got.Offset != want.Offset || got.StreamDB != want.StreamDB || len(got.Files) != 2 {
		t.Fatalf("read %+v, wrote %+v", got, want)
	}
	for i := range want.Files {
		if got.Files[i] != want.Files[i] {
			t.Fatalf("file %d: read %+v, wrote %+v", i, got.Files[i], want.Files[i])
		}
	}
	if err := d.CheckReplPos(got); err != nil {
		t.Fatalf("an untouched AOF does not match: %v", err)
	}
	// A name that needs quoting survives.
	p := ReplPos{ID: testID, Files: []FileStamp{{Name: "a b\"c.aof", Size: 1, Tail: strings.Repeat("f", 64)}}}
	q, err := ParseReplPos(p.Marshal())
	if err != nil || q.Files[0] != p.Files[0] {
		t.Fatalf("quoted name: %+v %v", q, err)
	}
	if err := d.RemoveReplPos(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ReadReplPos(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("after remove: %v", err)
	}
	if err := d.RemoveReplPos(); err != nil {
		t.Fatalf("removing an absent file: %v", err)
	}
	// Removal is durable.
	record(t, d)
	if err := d.RemoveReplPos(); err != nil {
		t.Fatal(err)
	}
	c := mem.CrashClone()
	d2, _, err := Open(c, "/data", "appendonlydir", "appendonly.aof")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d2.ReadReplPos(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("after remove and crash: %v", err)
	}
}

// Every change to the AOF after the position was recorded makes it
// mismatch.
func TestReplPosMismatch(t *testing.T) {
	incr := "appendonly.aof.1.incr.aof"
	cases := []struct {
		name   string
		change func(t *testing.T, d *Dir)
		want   string
	}{
		{"appended", func(t *testing.T, d *Dir) {
			f, err := d.FS.OpenAppend(d.File(incr))
			if err != nil {
				t.Fatal(err)
			}
			f.Write([]byte("*1\r\n$4\r\nPING\r\n"))
			f.Close()
		}, "has 135014 bytes"},
		{"truncated", func(t *testing.T, d *Dir) {
			if err := d.FS.Truncate(d.File(incr), 1000); err != nil {
				t.Fatal(err)
			}
		}, "has 1000 bytes"},
		{"same size, other bytes", func(t *testing.T, d *Dir) {
			f, err := d.FS.OpenAppend(d.File(incr))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(134999); err != nil {
				t.Fatal(err)
			}
			f.Write([]byte("X"))
			f.Close()
		}, "last bytes"},
		{"new incr file", func(t *testing.T, d *Dir) {
			f, _, _, err := d.NewIncr()
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
		}, "lists 3 files"},
		{"rewritten", func(t *testing.T, d *Dir) {
			if err := vfs.WriteFileAtomic(d.FS, "/data/temp-rw", []byte("x")); err != nil {
				t.Fatal(err)
			}
			if _, err := d.InstallBase("/data/temp-rw", false, false, ""); err != nil {
				t.Fatal(err)
			}
			f, _, _, err := d.NewIncr()
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
		}, "file 1 is appendonly.aof.2.base.aof"},
		{"incr file missing", func(t *testing.T, d *Dir) {
			if err := d.FS.Remove(d.File(incr)); err != nil {
				t.Fatal(err)
			}
		}, "does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := posDir(t, memfs.New())
			p := record(t, d)
			tc.change(t, d)
			err := d.CheckReplPos(p)
			if !errors.Is(err, ErrReplPos) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckReplPos = %v, want an error naming %q", err, tc.want)
			}
		})
	}
}

// A damaged or incomplete position file is refused.
func TestReplPosParseErrors(t *testing.T) {
	good := ReplPos{ID: testID, Offset: 7, StreamDB: 0, Files: []FileStamp{{Name: "appendonly.aof.1.base.rdb", Size: 10, Tail: strings.Repeat("a", 64)}}}
	// reseal appends a valid checksum line to an edited body.
	reseal := func(body string) []byte {
		sum := sha256.Sum256([]byte(body))
		return []byte(body + "checksum " + hex.EncodeToString(sum[:]) + "\n")
	}
	body := string(good.Marshal())
	body = body[:strings.LastIndex(body, "checksum ")]
	cases := map[string][]byte{
		"empty":           nil,
		"no checksum":     []byte(body),
		"bad checksum":    append([]byte(body), "checksum "+strings.Repeat("0", 64)+"\n"...),
		"flipped byte":    bytes.Replace(good.Marshal(), []byte("offset 7"), []byte("offset 8"), 1),
		"torn":            good.Marshal()[:len(good.Marshal())-10],
		"other header":    reseal(strings.Replace(body, "vesta-aof-repl 1", "vesta-aof-repl 2", 1)),
		"short id":        reseal(strings.Replace(body, testID, "abc", 1)),
		"upper-case id":   reseal(strings.Replace(body, testID, strings.ToUpper(testID), 1)),
		"negative offset": reseal(strings.Replace(body, "repl-offset 7", "repl-offset -1", 1)),
		"huge offset":     reseal(strings.Replace(body, "repl-offset 7", "repl-offset 9223372036854775808", 1)),
		"bad db":          reseal(strings.Replace(body, "repl-stream-db 0", "repl-stream-db x", 1)),
		"no files":        reseal(body[:strings.Index(body, "file ")]),
		"no offset":       reseal(strings.Replace(body, "repl-offset 7\n", "", 1)),
		"twice":           reseal(strings.Replace(body, "repl-offset 7\n", "repl-offset 7\nrepl-offset 7\n", 1)),
		"unknown field":   reseal(body + "extra 1\n"),
		"path in name":    reseal(strings.Replace(body, `"appendonly.aof.1.base.rdb"`, `"../x"`, 1)),
		"bad size":        reseal(strings.Replace(body, " 10 ", " -10 ", 1)),
		"bad hash":        reseal(strings.Replace(body, strings.Repeat("a", 64), "zz", 1)),
	}
	for name, data := range cases {
		if _, err := ParseReplPos(data); !errors.Is(err, ErrReplPos) {
			t.Errorf("%s: ParseReplPos = %v, want ErrReplPos", name, err)
		}
	}
	if _, err := ParseReplPos(reseal(body)); err != nil {
		t.Fatalf("resealed good body refused: %v", err)
	}
}

// A failure at any step of writing the position file is reported, and a
// crash at that point (or after a successful write) leaves either no file
// or a complete one that matches the AOF, never a partial one.
func TestReplPosWriteFailures(t *testing.T) {
	write := func(inj errorfs.Injector) (*memfs.FS, error) {
		mem := memfs.New()
		d := posDir(t, mem)
		st, err := d.Stamps()
		if err != nil {
			t.Fatal(err)
		}
		d.FS = errorfs.New(mem, inj)
		return mem, d.WriteReplPos(ReplPos{ID: testID, Offset: 1, Files: st})
	}
	counter := errorfs.Count(errorfs.AllOps)
	if _, err := write(counter); err != nil {
		t.Fatal(err)
	}
	if counter.N() < 5 {
		t.Fatalf("only %d operations counted", counter.N())
	}
	for i := 0; i <= counter.N(); i++ {
		inj := errorfs.OnIndex(i, errorfs.AllOps, syscall.EIO)
		mem, err := write(inj)
		if inj.Fired() && err == nil {
			t.Fatalf("operation #%d failed but WriteReplPos returned nil", i)
		}
		if !inj.Fired() && err != nil {
			t.Fatalf("no failure injected but WriteReplPos returned %v", err)
		}
		for _, c := range []*memfs.FS{mem, mem.CrashClone()} {
			d2, _, oerr := Open(c, "/data", "appendonlydir", "appendonly.aof")
			if oerr != nil {
				t.Fatal(oerr)
			}
			p, rerr := d2.ReadReplPos()
			if errors.Is(rerr, fs.ErrNotExist) {
				if !inj.Fired() && c == mem {
					t.Fatal("a successful write left no file")
				}
				continue
			}
			if rerr != nil {
				t.Fatalf("operation #%d failed: a partial position file is left: %v", i, rerr)
			}
			if cerr := d2.CheckReplPos(p); cerr != nil {
				t.Fatalf("operation #%d failed: the file left does not match: %v", i, cerr)
			}
		}
		if !inj.Fired() {
			// Durable once WriteReplPos returned.
			if _, err := func() (ReplPos, error) {
				d2, _, _ := Open(mem.CrashClone(), "/data", "appendonlydir", "appendonly.aof")
				return d2.ReadReplPos()
			}(); err != nil {
				t.Fatalf("after a successful write and a crash: %v", err)
			}
		}
	}
}

// FuzzParseReplPos: any input is refused with ErrReplPos or parsed into a
// position that encodes back to the same bytes.
func FuzzParseReplPos(f *testing.F) {
	good := ReplPos{ID: testID, Offset: 7, StreamDB: 3, Files: []FileStamp{
		{Name: "appendonly.aof.1.base.rdb", Size: 10, Tail: strings.Repeat("a", 64)},
		{Name: "appendonly.aof.1.incr.aof", Size: 0, Tail: strings.Repeat("b", 64)},
	}}
	f.Add(good.Marshal())
	f.Add([]byte("vesta-aof-repl 1\nchecksum 00\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseReplPos(data)
		if err != nil {
			if !errors.Is(err, ErrReplPos) {
				t.Fatalf("error %v does not wrap ErrReplPos", err)
			}
			return
		}
		q, err := ParseReplPos(p.Marshal())
		if err != nil {
			t.Fatalf("re-encoded position refused: %v", err)
		}
		if q.ID != p.ID || q.Offset != p.Offset || q.StreamDB != p.StreamDB || len(q.Files) != len(p.Files) {
			t.Fatalf("round trip changed %+v into %+v", p, q)
		}
	})
}

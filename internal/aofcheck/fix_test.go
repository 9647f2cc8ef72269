package aofcheck_test

import (
	"errors"
	"syscall"
	"testing"

	"github.com/vestadb/vesta/internal/aofcheck"
	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/errorfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// Ensure that Fix cuts the torn tail, keeps it in .broken (then .broken.1),
// and leaves a file that checks as valid.
func TestFix(t *testing.T) {
	good := cmds("SET a 1", "SET b 2")
	torn := good + cmd("SET", "c", "3")[:9]
	fsys := memDir(t, map[string]string{"a.aof": torn, "a.aof.broken": "older"})
	res, err := aofcheck.CheckFile(fsys, "a.aof", aofcheck.Options{})
	if err != nil || res.Status != aofcheck.StatusTruncated {
		t.Fatalf("got %v, %v; want a truncated file", res, err)
	}
	saved, err := aofcheck.Fix(fsys, "a.aof", res.OKUpTo)
	if err != nil {
		t.Fatal(err)
	}
	if saved != "a.aof.broken.1" {
		t.Errorf("got saved name %q, want a.aof.broken.1 (a.aof.broken exists)", saved)
	}
	if got := readFile(t, fsys, "a.aof"); got != good {
		t.Errorf("got file %q, want %q", got, good)
	}
	if got := readFile(t, fsys, saved); got != torn[len(good):] {
		t.Errorf("got saved tail %q, want %q", got, torn[len(good):])
	}
	if got := readFile(t, fsys, "a.aof.broken"); got != "older" {
		t.Errorf("an existing .broken file was overwritten: %q", got)
	}
	res, err = aofcheck.CheckFile(fsys, "a.aof", aofcheck.Options{})
	if err != nil || res.Status != aofcheck.StatusValid {
		t.Fatalf("after the fix got %v, %v; want a valid file", res, err)
	}
}

// Ensure that Fix loses no byte whatever step fails and whenever the power
// goes: after a crash, the file is either whole, or cut with its tail
// durably saved.
func TestFix_FailAtEveryStep(t *testing.T) {
	good := cmds("SET a 1", "SET b 2")
	torn := good + "*3\r\n$3\r\nSE"
	scenario := func(inj errorfs.Injector) (*memfs.FS, error) {
		m := memDir(t, map[string]string{"d/a.aof": torn})
		_, err := aofcheck.Fix(errorfs.New(m, inj), "d/a.aof", int64(len(good)))
		return m, err
	}
	counter := errorfs.Count(errorfs.WriteOps)
	if _, err := scenario(counter); err != nil {
		t.Fatal(err)
	}
	if counter.N() < 5 {
		t.Fatalf("got %d write operations, want at least 5", counter.N())
	}
	for i := range counter.N() + 1 {
		m, err := scenario(errorfs.OnIndex(i, errorfs.WriteOps, syscall.EIO))
		switch {
		case err != nil && !errors.Is(err, syscall.EIO):
			t.Fatalf("step %d: got %v, want EIO", i, err)
		case err == nil && readFile(t, m, "d/a.aof") != good:
			// Only closing the read-only source may fail unnoticed.
			t.Fatalf("step %d: no error reported, but the file was not cut", i)
		}
		for _, fsys := range []vfs.FS{m, m.CrashClone()} {
			got := readFile(t, fsys, "d/a.aof")
			if got == torn {
				continue
			}
			saved, err := vfs.ReadFile(fsys, "d/a.aof.broken")
			if got != good || err != nil || string(saved) != torn[len(good):] {
				t.Fatalf("step %d: got file %q and saved %q (%v); want the whole file, or the cut file and its tail", i, got, saved, err)
			}
		}
	}
}

// Ensure that TruncateToTimestamp keeps every command up to the end of the
// requested second, cuts a transaction whole, and refuses the cuts
// redis-check-aof refuses.
func TestTruncateToTimestamp(t *testing.T) {
	sec := func(ts string, c ...string) string { return "#TS:" + ts + "\r\n" + cmds(c...) }
	one := sec("100", "SET a 1")
	two := sec("101", "SET a 2")
	three := sec("102", "SET a 3")
	txn := cmds("MULTI", "SET a 4") + "#TS:103\r\n" + cmds("SET b 4", "EXEC")
	tests := []struct {
		name  string
		files map[string]string // incr files after the base; incr2 is last
		ts    int64
		err   error
		cut   string // the file cut ("" none)
		want  string // its content afterwards
	}{
		{"middle of the last file", map[string]string{incr1: one, incr2: two + three}, 101, nil, incr2, two},
		{"before everything in the last file", map[string]string{incr1: one, incr2: two + three}, 100, nil, incr2, ""},
		{"after everything", map[string]string{incr1: one, incr2: two + three}, 200, nil, "", ""},
		{"inside a transaction", map[string]string{incr1: one, incr2: two + txn}, 102, nil, incr2, two},
		{"not the last file", map[string]string{incr1: one + two, incr2: three}, 100, aofcheck.ErrNotLastFile, "", ""},
		{"damaged file", map[string]string{incr1: one, incr2: two + "junk\r\n" + three}, 101, aofcheck.ErrNotFixable, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := aofDir(t, tt.files)
			before := map[string]string{incr1: readFile(t, fsys, "d/"+incr1), incr2: readFile(t, fsys, "d/"+incr2)}
			rep, err := aofcheck.TruncateToTimestamp(fsys, "d/"+mfName, tt.ts)
			if !errors.Is(err, tt.err) {
				t.Fatalf("got %v, want %v", err, tt.err)
			}
			for name, old := range before {
				got := readFile(t, fsys, "d/"+name)
				switch {
				case name == tt.cut && got != tt.want:
					t.Errorf("%s: got %q, want %q", name, got, tt.want)
				case name != tt.cut && got != old:
					t.Errorf("%s changed: got %q, want %q", name, got, old)
				}
			}
			if tt.cut != "" {
				f := rep.Files[2]
				if f.CutTo != int64(len(tt.want)) || readFile(t, fsys, f.Saved) != before[tt.cut][len(tt.want):] {
					t.Errorf("got CutTo %d and saved %q, want the cut at %d and the rest kept", f.CutTo, f.Saved, len(tt.want))
				}
			}
		})
	}
	t.Run("single file starting after the timestamp", func(t *testing.T) {
		fsys := memDir(t, map[string]string{"a.aof": two})
		if _, err := aofcheck.TruncateToTimestamp(fsys, "a.aof", 100); !errors.Is(err, aofcheck.ErrNothingBefore) {
			t.Fatalf("got %v, want ErrNothingBefore", err)
		}
	})
}

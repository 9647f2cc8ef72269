package aofcheck_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/aofcheck"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// FuzzCheckFile checks that no input makes the checker panic, that its
// offsets stay within the file, that cutting a file at OKUpTo always gives
// a file that checks OK, and that whatever the checker calls valid, the
// loader's reader reads without error, command for command.
func FuzzCheckFile(f *testing.F) {
	set := cmd("SET", "k", "v")
	for _, seed := range []string{
		"",
		set,
		"#TS:100\r\n" + set + "#TS:101\r\n" + set,
		set + cmd("MULTI") + cmd("INCR", "k") + cmd("EXEC"),
		set + set[:11],
		set + cmd("MULTI") + set,
		set + "junk\r\n" + set,
		"*1\r\n$4\r\nPINGxx",
		"*0\r\n",
		set + "\x00\x00\x00",
		"REDIS0010\xff" + strings.Repeat("\x00", 8) + set,
		"#" + strings.Repeat("x", 1100) + "\n",
	} {
		f.Add([]byte(seed), int64(100))
	}
	f.Fuzz(func(t *testing.T, data []byte, ts int64) {
		check := func(b []byte, ts int64) *aofcheck.Result {
			m := memfs.New()
			w, err := m.Create("f")
			if err != nil {
				t.Fatal(err)
			}
			w.Write(b)
			w.Close()
			res, err := aofcheck.CheckFile(m, "f", aofcheck.Options{Timestamp: ts})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		res := check(data, ts)
		if res.OKUpTo < 0 || res.OKUpTo > res.Size || res.Size != int64(len(data)) || res.OKUpToLine < 1 {
			t.Fatalf("offsets out of range: %+v", res)
		}
		if res.Status.OK() != (res.Err == nil) {
			t.Fatalf("status %v with error %v", res.Status, res.Err)
		}
		if res.TSCut >= 0 && res.TSCut != res.OKUpTo {
			t.Fatalf("timestamp cut %d but ok_up_to %d", res.TSCut, res.OKUpTo)
		}
		if res.Status == aofcheck.StatusValid && res.TSCut < 0 && res.OKUpTo != res.Size {
			t.Fatalf("valid but ok_up_to %d of %d", res.OKUpTo, res.Size)
		}
		if cut := check(data[:res.OKUpTo], 0); !cut.Status.OK() {
			t.Fatalf("the file cut at ok_up_to=%d is %v", res.OKUpTo, cut)
		}
		if res.Status != aofcheck.StatusValid || res.Format != aofcheck.FormatRESP {
			return
		}
		r := aof.NewReader(bytes.NewReader(data[:res.OKUpTo]), 0)
		var n int64
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("the checker calls it valid, the loader fails: %v", err)
			}
			n++
		}
		if n != res.Commands {
			t.Fatalf("the loader read %d commands, the checker %d", n, res.Commands)
		}
	})
}

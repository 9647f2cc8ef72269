package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/rdb"
)

func dump(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := rdb.NewWriter(&buf, rdb.WriterOptions{})
	w.Header()
	w.WriteStandardAux(rdb.RedisVersion, 1795324319, 1<<20, false)
	w.SelectDB(0)
	w.Type(rdb.TypeString)
	w.Str("k")
	w.Str("v")
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Ensure that the exit code is 0 for a sound file and 1 otherwise, and that
// the output has redis-check-rdb's shape.
func TestRun(t *testing.T) {
	good := dump(t)
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 1
	tests := []struct {
		name  string
		data  []byte
		code  int
		lines []string
	}{
		{"sound", good, 0, []string{"[offset 0] Checking RDB file ", "Checksum OK", "\\o/ RDB looks OK! \\o/", "[info] 1 keys read"}},
		{"bad checksum", bad, 1, []string{"--- RDB ERROR DETECTED ---", "RDB CRC error", "While doing: check-sum"}},
		{"truncated", good[:30], 1, []string{"--- RDB ERROR DETECTED ---", "Unexpected EOF reading RDB file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "dump.rdb")
			if err := os.WriteFile(p, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errOut strings.Builder
			if code := run([]string{p}, &out, &errOut); code != tt.code {
				t.Errorf("got exit code %d, want %d", code, tt.code)
			}
			for _, l := range tt.lines {
				if !strings.Contains(out.String(), l) {
					t.Errorf("output lacks %q:\n%s", l, out.String())
				}
			}
		})
	}
	var out, errOut strings.Builder
	if code := run(nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "Usage") {
		t.Errorf("no arguments: got %d, %q", code, errOut.String())
	}
	if code := run([]string{filepath.Join(t.TempDir(), "nope")}, &out, &errOut); code != 1 {
		t.Errorf("missing file: got exit code %d, want 1", code)
	}
}

package aofcheck_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/aofcheck"
	"github.com/vestadb/vesta/internal/rdb"
)

// Ensure that CheckFile tells valid, empty, truncated and corrupt RESP
// files apart and finds the offset a cut would keep.
func TestCheckFile_RESP(t *testing.T) {
	set := cmd("SET", "k", "v") // 27 bytes, 7 lines
	multi := cmd("MULTI")       // 15 bytes, 3 lines
	exec := cmd("EXEC")         // 14 bytes, 3 lines
	incr := cmd("INCR", "k")    // 21 bytes, 5 lines
	ts := "#TS:1795324319\r\n"  // 16 bytes, not counted as a line
	tests := []struct {
		name   string
		data   string
		status aofcheck.Status
		okUpTo int64
		okLine int64
		reason string // a substring of Result.Reason
	}{
		{"empty", "", aofcheck.StatusEmpty, 0, 1, ""},
		{"one command", set, aofcheck.StatusValid, 27, 8, ""},
		{"annotations", ts + set + ts + set, aofcheck.StatusValid, 86, 15, ""},
		{"only an annotation", ts, aofcheck.StatusValid, 16, 1, ""},
		{"transaction", set + multi + incr + exec, aofcheck.StatusValid, 77, 19, ""},
		{"binary payload with CRLF inside", cmd("SET", "k", "a\r\nb\n") + set, aofcheck.StatusValid, 58, 15, ""},

		{"torn in a payload", set + set[:10], aofcheck.StatusTruncated, 27, 8, "Expected to read 5 bytes, got 2 bytes"},
		{"torn in a number line", set + set[:6], aofcheck.StatusTruncated, 27, 8, "Expected \\r\\n"},
		{"torn after the count", set + "*3\r\n", aofcheck.StatusTruncated, 27, 8, "Unexpected end of file, expected '$'"},
		{"torn before the payload CRLF", set + set[:25], aofcheck.StatusTruncated, 27, 8, "Expected to read 3 bytes, got 1 bytes"},
		{"torn between payload CR and LF", set + set[:26], aofcheck.StatusTruncated, 27, 8, "Expected to read 3 bytes, got 2 bytes"},
		{"open MULTI at the end", set + multi + incr, aofcheck.StatusTruncated, 27, 8, "Reached EOF before reading EXEC for MULTI"},
		{"torn inside MULTI", set + multi + incr[:10], aofcheck.StatusTruncated, 27, 8, ""},
		{"torn annotation", set + ts[:7], aofcheck.StatusTruncated, 27, 8, "annotation"},
		{"zero tail", set + strings.Repeat("\x00", 4096), aofcheck.StatusTruncated, 27, 8, "zero bytes"},
		{"zero tail inside a command", set + set[:12] + strings.Repeat("\x00", 100), aofcheck.StatusTruncated, 27, 8, "zero bytes"},

		{"garbage between commands", set + "GARBAGE\r\n" + set, aofcheck.StatusCorrupt, 27, 8, "format error"},
		{"zeros then data", set + "\x00\x00" + set, aofcheck.StatusCorrupt, 27, 8, "format error"},
		{"bad payload terminator", "*1\r\n$4\r\nPINGxx" + set, aofcheck.StatusCorrupt, 0, 1, "Expected \\r\\n, got: 7878"},
		{"wrong prefix", "*1\r\n:4\r\nPING\r\n", aofcheck.StatusCorrupt, 0, 1, "Expected prefix '$', got: ':'"},
		{"bare LF", "*1\n$4\nPING\n", aofcheck.StatusCorrupt, 0, 1, "Expected \\r\\n, got: 0a00"},
		{"no number", set + "*\r\n" + set, aofcheck.StatusCorrupt, 27, 8, "Expected a number"},
		{"zero argc", set + "*0\r\n" + set, aofcheck.StatusCorrupt, 27, 8, "Invalid argument count 0"},
		{"negative argc", "*-1\r\n" + set, aofcheck.StatusCorrupt, 0, 1, "Invalid argument count -1"},
		{"negative length", "*1\r\n$-1\r\n" + set, aofcheck.StatusCorrupt, 0, 1, "not in the suitable range"},
		{"huge length", "*1\r\n$99999999999\r\n" + set, aofcheck.StatusCorrupt, 0, 1, "not in the suitable range"},
		{"space in number", "*1\r\n$ 4\r\nPING\r\n", aofcheck.StatusCorrupt, 0, 1, "Expected \\r\\n"},
		{"overlong number line", "*1\r\n$" + strings.Repeat("0", 200) + "4\r\nPING\r\n", aofcheck.StatusCorrupt, 0, 1, "longer than 127"},
		{"nested MULTI", set + multi + multi + exec, aofcheck.StatusCorrupt, 27, 8, "Unexpected MULTI"},
		{"stray EXEC", set + exec + set, aofcheck.StatusCorrupt, 27, 8, "Unexpected EXEC"},
		{"overlong annotation", "#" + strings.Repeat("x", 2000) + "\r\n" + set, aofcheck.StatusCorrupt, 0, 1, "annotation line longer"},
		{"annotation inside an open MULTI", set + multi + incr + ts + set, aofcheck.StatusCorrupt, 27, 8, "EXEC is missing"},
		{"garbage inside MULTI", set + multi + "xx\r\n" + exec, aofcheck.StatusCorrupt, 27, 8, "format error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := memDir(t, map[string]string{"a.aof": tt.data})
			res, err := aofcheck.CheckFile(fsys, "a.aof", aofcheck.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status || res.OKUpTo != tt.okUpTo || res.OKUpToLine != tt.okLine {
				t.Fatalf("got %v ok_up_to=%d line=%d (%s), want %v ok_up_to=%d line=%d",
					res.Status, res.OKUpTo, res.OKUpToLine, res.Reason, tt.status, tt.okUpTo, tt.okLine)
			}
			if !strings.Contains(res.Reason, tt.reason) {
				t.Errorf("got reason %q, want it to contain %q", res.Reason, tt.reason)
			}
			if res.Size != int64(len(tt.data)) {
				t.Errorf("got size %d, want %d", res.Size, len(tt.data))
			}
			switch tt.status {
			case aofcheck.StatusTruncated:
				if !errors.Is(res.Err, aofcheck.ErrTruncated) {
					t.Errorf("got err %v, want ErrTruncated", res.Err)
				}
			case aofcheck.StatusCorrupt:
				if !errors.Is(res.Err, aofcheck.ErrCorrupt) || res.ErrOffset < res.OKUpTo {
					t.Errorf("got err %v at %d, want ErrCorrupt at or after %d", res.Err, res.ErrOffset, res.OKUpTo)
				}
			default:
				if res.Err != nil {
					t.Errorf("got err %v, want none", res.Err)
				}
			}
		})
	}
}

// rdbImage returns a small RDB image with one string key.
func rdbImage(t *testing.T, aofBase bool) []byte {
	t.Helper()
	var sb strings.Builder
	w := rdb.NewWriter(&sb, rdb.WriterOptions{})
	w.Header()
	w.WriteStandardAux(rdb.RedisVersion, 1795324319, 1<<20, aofBase)
	w.SelectDB(0)
	w.ResizeDB(1, 0)
	w.Type(rdb.TypeString)
	w.Str("base")
	w.Str("value")
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	return []byte(sb.String())
}

// Ensure that an RDB preamble is checked with rdbcheck and the RESP tail
// after it like any AOF, with offsets counted from the start of the file.
func TestCheckFile_Preamble(t *testing.T) {
	img := rdbImage(t, true)
	n := int64(len(img))
	set := cmd("SET", "k", "v")
	bad := append([]byte(nil), img...)
	bad[len(bad)-3] ^= 0xff // in the CRC
	tests := []struct {
		name   string
		data   string
		status aofcheck.Status
		okUpTo int64
	}{
		{"bare base", string(img), aofcheck.StatusValid, n},
		{"with tail", string(img) + set + set, aofcheck.StatusValid, n + 54},
		{"torn tail", string(img) + set + set[:9], aofcheck.StatusTruncated, n + 27},
		{"bad checksum", string(bad) + set, aofcheck.StatusCorrupt, 0},
		{"torn RDB", string(img[:40]), aofcheck.StatusCorrupt, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := memDir(t, map[string]string{"a.aof": tt.data})
			res, err := aofcheck.CheckFile(fsys, "a.aof", aofcheck.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status || res.OKUpTo != tt.okUpTo {
				t.Fatalf("got %v ok_up_to=%d (%s), want %v ok_up_to=%d", res.Status, res.OKUpTo, res.Reason, tt.status, tt.okUpTo)
			}
			if res.Format != aofcheck.FormatRDB || res.RDB == nil {
				t.Fatalf("got format %v, want the RDB format with a report", res.Format)
			}
			if tt.status == aofcheck.StatusValid && res.RDB.Keys != 1 {
				t.Errorf("got %d keys in the RDB part, want 1", res.RDB.Keys)
			}
			if tt.status == aofcheck.StatusCorrupt && (res.ErrOffset <= 0 || !strings.HasPrefix(res.Reason, "RDB part")) {
				t.Errorf("got error at %d (%s), want an RDB error with its offset", res.ErrOffset, res.Reason)
			}
		})
	}
}

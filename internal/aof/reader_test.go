package aof

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func cmds(t *testing.T, data string, oneByte bool) ([]string, *Reader, error) {
	t.Helper()
	var src io.Reader = strings.NewReader(data)
	if oneByte {
		src = iotest.OneByteReader(src)
	}
	r := NewReader(src, 0)
	var out []string
	for {
		args, err := r.Next()
		if err != nil {
			if err == io.EOF {
				return out, r, nil
			}
			return out, r, err
		}
		parts := make([]string, len(args))
		for i, a := range args {
			parts[i] = string(a)
		}
		out = append(out, strings.Join(parts, " "))
	}
}

func enc(args ...string) string {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	return string(AppendCommand(nil, b))
}

func TestReader(t *testing.T) {
	set := enc("SET", "k", "v")
	tests := []struct {
		name   string
		in     string
		want   []string
		err    error
		offset int64
	}{
		{"empty", "", nil, nil, 0},
		{"two commands", set + enc("INCR", "n"), []string{"SET k v", "INCR n"}, nil, 0},
		{"annotation", "#TS:1795324319\r\n" + set, []string{"SET k v"}, nil, 0},
		{"binary arg", enc("SET", "k", "a\r\nb"), []string{"SET k a\r\nb"}, nil, 0},
		{"torn in payload", set + set[:len(set)-3], []string{"SET k v"}, ErrTruncated, int64(len(set))},
		{"torn in header", set + "*3\r\n$3", []string{"SET k v"}, ErrTruncated, int64(len(set))},
		{"torn count line", set + "*", []string{"SET k v"}, ErrTruncated, int64(len(set))},
		{"garbage", set + "hello\r\n", []string{"SET k v"}, ErrCorrupt, int64(len(set))},
		// A tail that no torn write of a valid file leaves, as Redis
		// judges it (Bad file format, not a truncation to cut).
		{"torn garbage", set + "xx", []string{"SET k v"}, ErrCorrupt, int64(len(set))},
		{"torn garbage after count", set + "*3\r\nxx", []string{"SET k v"}, ErrCorrupt, int64(len(set))},
		{"torn zero count", set + "*0", []string{"SET k v"}, ErrCorrupt, int64(len(set))},
		{"torn count with junk", set + "*ab", []string{"SET k v"}, ErrCorrupt, int64(len(set))},
		{"torn count digits", set + "*12", []string{"SET k v"}, ErrTruncated, int64(len(set))},
		{"torn length line", set + "*2\r\n$3\r\nSET\r\n$", []string{"SET k v"}, ErrTruncated, int64(len(set))},
		{"zero args", "*0\r\n", nil, ErrCorrupt, 0},
		{"missing dollar", "*1\r\nSET\r\n", nil, ErrCorrupt, 0},
		{"negative length", "*1\r\n$-1\r\n", nil, ErrCorrupt, 0},
		{"huge length", "*1\r\n$99999999999\r\n", nil, ErrCorrupt, 0},
		{"huge but plausible length torn", "*1\r\n$999999\r\nab", nil, ErrTruncated, 0},
	}
	for _, tt := range tests {
		for _, one := range []bool{false, true} {
			got, _, err := cmds(t, tt.in, one)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: got error %v, want %v", tt.name, err, tt.err)
				continue
			}
			var ae *Error
			if tt.err != nil && errors.As(err, &ae) && ae.Offset != tt.offset {
				t.Errorf("%s: offset %d, want %d", tt.name, ae.Offset, tt.offset)
			}
		}
	}
}

// Cutting a log at every byte offset gives either the whole commands before
// the cut (a torn tail, reported at the last command boundary) or a clean
// end exactly at a boundary; never corruption and never a partial command.
func TestReaderEveryCut(t *testing.T) {
	var log string
	var bounds []int
	for _, c := range [][]string{{"SELECT", "0"}, {"SET", "key", "value"}, {"RPUSH", "l", "a", "bb", "ccc"}, {"DEL", "x"}} {
		log += enc(c...)
		bounds = append(bounds, len(log))
	}
	for cut := 0; cut <= len(log); cut++ {
		got, _, err := cmds(t, log[:cut], false)
		whole := 0
		for _, b := range bounds {
			if b <= cut {
				whole++
			}
		}
		if len(got) != whole {
			t.Fatalf("cut %d: %d commands, want %d", cut, len(got), whole)
		}
		atBoundary := cut == 0
		for _, b := range bounds {
			atBoundary = atBoundary || b == cut
		}
		if atBoundary && err != nil {
			t.Fatalf("cut %d at a boundary: error %v", cut, err)
		}
		if !atBoundary {
			var ae *Error
			if !errors.As(err, &ae) || !errors.Is(err, ErrTruncated) {
				t.Fatalf("cut %d: error %v, want ErrTruncated", cut, err)
			}
			want := 0
			if whole > 0 {
				want = bounds[whole-1]
			}
			if ae.Offset != int64(want) {
				t.Fatalf("cut %d: offset %d, want %d", cut, ae.Offset, want)
			}
		}
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(enc("SET", "k", "v") + "#TS:1\r\n" + enc("DEL", "k")))
	f.Add([]byte("*2\r\n$3\r\nfoo"))
	f.Add([]byte("*1\r\n$999999999\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), 0)
		var out [][]byte
		for {
			args, err := r.Next()
			if err != nil {
				break
			}
			if len(args) == 0 {
				t.Fatal("a command with no arguments")
			}
			out = append(out, AppendCommand(nil, args))
			if r.Offset() > int64(len(data)) {
				t.Fatalf("offset %d past the input (%d)", r.Offset(), len(data))
			}
		}
		// Re-encoding what was read reads back the same.
		again := NewReader(bytes.NewReader(bytes.Join(out, nil)), 0)
		for i := range out {
			args, err := again.Next()
			if err != nil || !bytes.Equal(AppendCommand(nil, args), out[i]) {
				t.Fatalf("round trip of command %d: %v", i, err)
			}
		}
	})
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name string
		in   string
		argv []string
		used int
		err  error
	}{
		{"empty", "", nil, 0, nil},
		{"multibulk", "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", []string{"GET", "k"}, 20, nil},
		{"trailing bytes", "*1\r\n$4\r\nPING\r\n*1", []string{"PING"}, 14, nil},
		{"empty arg", "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", []string{"ECHO", ""}, 20, nil},
		{"binary arg", "*1\r\n$4\r\n\r\n\x00\xff\r\n", []string{"\r\n\x00\xff"}, 14, nil},
		{"zero count", "*0\r\n", nil, 4, nil},
		{"negative count", "*-1\r\n", nil, 5, nil},
		{"incomplete count", "*2", nil, 0, nil},
		{"incomplete count cr", "*2\r", nil, 0, nil},
		{"incomplete bulk header", "*1\r\n$4", nil, 0, nil},
		{"incomplete bulk", "*1\r\n$4\r\nPI", nil, 0, nil},
		{"incomplete bulk crlf", "*1\r\n$4\r\nPING\r", nil, 0, nil},
		{"missing arg", "*2\r\n$4\r\nPING\r\n", nil, 0, nil},
		{"inline", "PING\r\n", []string{"PING"}, 6, nil},
		{"inline lf", "SET  a\tb\n", []string{"SET", "a", "b"}, 9, nil},
		{"inline blank", "\r\n", nil, 2, nil},
		{"inline incomplete", "PING", nil, 0, nil},
		{"bad count", "*x\r\n", nil, 0, ErrMultibulkLen},
		{"count no cr", "*1\n", nil, 0, ErrMultibulkLen},
		{"count plus", "*+1\r\n", nil, 0, ErrMultibulkLen},
		{"huge count", "*1048577\r\n", nil, 0, ErrMultibulkLen},
		{"count overflow", "*99999999999999999999\r\n", nil, 0, ErrMultibulkLen},
		{"no dollar", "*1\r\n:4\r\nPING\r\n", nil, 0, ErrExpectDollar},
		{"bad bulk len", "*1\r\n$x\r\n", nil, 0, ErrBulkLen},
		{"negative bulk len", "*1\r\n$-1\r\n", nil, 0, ErrBulkLen},
		{"huge bulk len", "*1\r\n$536870913\r\n", nil, 0, ErrBulkLen},
		{"bulk without crlf", "*1\r\n$4\r\nPINGxx", nil, 0, ErrExpectCRLF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			argv, used, err := parseCommand([]byte(tt.in), nil)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err: got %v, want %v", err, tt.err)
			}
			if used != tt.used {
				t.Errorf("used: got %d, want %d", used, tt.used)
			}
			if got, want := fmt.Sprintf("%q", argv), fmt.Sprintf("%q", toArgv(tt.argv)); got != want {
				t.Errorf("argv: got %s, want %s", got, want)
			}
		})
	}
}

func TestParseCommandLongLine(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"count", append([]byte("*"), bytes.Repeat([]byte("1"), maxLineLen+1)...)},
		{"bulk header", append([]byte("*1\r\n$"), bytes.Repeat([]byte("1"), maxLineLen+1)...)},
		{"inline", bytes.Repeat([]byte("a"), maxLineLen+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseCommand(tt.in, nil)
			if !errors.Is(err, ErrLineTooLong) {
				t.Fatalf("got %v, want %v", err, ErrLineTooLong)
			}
		})
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"-1", -1, true},
		{"42", 42, true},
		{strconv.FormatInt(math.MaxInt64, 10), math.MaxInt64, true},
		{strconv.FormatInt(math.MinInt64, 10), math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"18446744073709551616", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"-0", 0, false},
		{"01", 0, false},
		{"+1", 0, false},
		{" 1", 0, false},
		{"1a", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseInt([]byte(tt.in))
			if got != tt.want || ok != tt.ok {
				t.Fatalf("got %d,%v, want %d,%v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// FuzzParseCommand checks that the parser never panics, never consumes more
// than it was given, and that re-encoding a parsed multibulk command parses
// back to the same arguments.
func FuzzParseCommand(f *testing.F) {
	f.Add([]byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"))
	f.Add([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*1\r\n$4\r\nPING\r\n"))
	f.Add([]byte("PING\r\n"))
	f.Add([]byte("*-1\r\n"))
	f.Add([]byte("*1\r\n$-5\r\n"))
	f.Add([]byte("*1\r\n$99999999999\r\n"))
	f.Add([]byte("*1\r\n$4\r\nPI"))
	f.Fuzz(func(t *testing.T, in []byte) {
		argv, used, err := parseCommand(in, nil)
		if used < 0 || used > len(in) {
			t.Fatalf("used: got %d, want within [0,%d]", used, len(in))
		}
		if err != nil || used == 0 {
			if len(argv) != 0 {
				t.Fatalf("argv: got %q, want none after err=%v used=%d", argv, err, used)
			}
			return
		}
		if len(argv) == 0 {
			return
		}
		enc := appendCommand(nil, argv...)
		again, used2, err := parseCommand(enc, nil)
		if err != nil || used2 != len(enc) {
			t.Fatalf("re-parse: got used=%d err=%v, want used=%d err=nil", used2, err, len(enc))
		}
		if fmt.Sprintf("%q", again) != fmt.Sprintf("%q", argv) {
			t.Fatalf("re-parse: got %q, want %q", again, argv)
		}
		// Every strict prefix of a complete command is incomplete.
		for i := range enc {
			if a, u, err := parseCommand(enc[:i], nil); err != nil || u != 0 || len(a) != 0 {
				t.Fatalf("prefix %d: got argv=%q used=%d err=%v, want incomplete", i, a, u, err)
			}
		}
	})
}

func BenchmarkParseCommand(b *testing.B) {
	var in []byte
	for range 16 {
		in = appendCommand(in, []byte("SET"), []byte("key:__rand_int__"), []byte("VXK"))
	}
	argv := make([][]byte, 0, 64)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		argv = argv[:0]
		for p := in; len(p) > 0; {
			var n int
			var err error
			argv, n, err = parseCommand(p, argv)
			if err != nil || n == 0 {
				b.Fatalf("got used=%d err=%v", n, err)
			}
			p = p[n:]
		}
	}
}

func toArgv(ss []string) [][]byte {
	if ss == nil {
		return nil
	}
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

package main

import (
	"bufio"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestReadReply(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want reply
	}{
		{"simple", "+OK\r\n", reply{Kind: '+', Str: "OK"}},
		{"error", "-ERR unknown command 'X'\r\n", reply{Kind: '-', Str: "ERR unknown command 'X'"}},
		{"integer", ":-42\r\n", reply{Kind: ':', Int: -42}},
		{"bulk", "$5\r\nhe\r\no\r\n", reply{Kind: '$', Str: "he\r\no"}},
		{"empty bulk", "$0\r\n\r\n", reply{Kind: '$'}},
		{"null bulk", "$-1\r\n", reply{Kind: '$', Null: true}},
		{"null array", "*-1\r\n", reply{Kind: '*', Null: true}},
		{"array", "*2\r\n:1\r\n$1\r\na\r\n", reply{Kind: '*', Arr: []reply{{Kind: ':', Int: 1}, {Kind: '$', Str: "a"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readReply(bufio.NewReader(strings.NewReader(tt.in)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReadReplyErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		proto bool // errProtocol rather than an I/O error
	}{
		{"no CRLF", "+OK\n", true},
		{"empty line", "\r\n", true},
		{"bad type", "!x\r\n", true},
		{"bad integer", ":x\r\n", true},
		{"huge bulk", "$99999999999\r\n", true},
		{"negative bulk", "$-2\r\n", true},
		{"short bulk", "$10\r\nabc\r\n", false},
		{"bad array", "*x\r\n", true},
		{"short array", "*3\r\n:1\r\n", false},
		{"eof", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readReply(bufio.NewReader(strings.NewReader(tt.in)))
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if got := errors.Is(err, errProtocol); got != tt.proto {
				t.Errorf("got protocol error %v (%v), want %v", got, err, tt.proto)
			}
			if !tt.proto && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("got %v, want an EOF", err)
			}
		})
	}
}

func FuzzReadReply(f *testing.F) {
	for _, s := range []string{"+OK\r\n", "$3\r\nabc\r\n", "*2\r\n:1\r\n$-1\r\n", "-ERR x\r\n", "$100000000\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := readReply(bufio.NewReader(strings.NewReader(string(b))))
		if err == nil && !strings.ContainsRune("+-:$*", rune(r.Kind)) {
			t.Errorf("got kind %q without an error", r.Kind)
		}
	})
}

func TestInfoField(t *testing.T) {
	info := "# Persistence\r\nloading:0\r\naof_enabled:1\r\naof_rewrite_in_progress:0\r\n"
	tests := []struct{ field, want string }{
		{"aof_enabled", "1"},
		{"loading", "0"},
		{"aof_rewrite_in_progress", "0"},
		{"aof", ""},
		{"missing", ""},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			if got := infoField(info, tt.field); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnsupported(t *testing.T) {
	tests := []struct {
		r    reply
		want bool
	}{
		{reply{Kind: '-', Str: "ERR unknown command 'LPUSH', with args beginning with: "}, true},
		{reply{Kind: '-', Str: "ERR Unknown subcommand or wrong number of arguments for 'POPULATE'."}, true},
		{reply{Kind: '-', Str: "WRONGTYPE Operation against a key holding the wrong kind of value"}, false},
		{reply{Kind: '+', Str: "OK"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.r.Str, func(t *testing.T) {
			if got := unsupported(tt.r) != ""; got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

package sds

import (
	"bytes"
	"strings"
	"testing"
)

// Ensure that SplitArgs splits and unescapes as sdssplitargs does.
func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{`a b  c`, []string{"a", "b", "c"}, true},
		{`"a b" c`, []string{"a b", "c"}, true},
		{`"\x41\n\t\\\"" x`, []string{"A\n\t\\\"", "x"}, true},
		{`'it\'s' x`, []string{"it's", "x"}, true},
		{`'a\nb'`, []string{`a\nb`}, true},
		{`a"b c"`, []string{"ab c"}, true},
		{`""`, []string{""}, true},
		{`"abc`, nil, false},
		{`"abc"d`, nil, false},
		{`'abc`, nil, false},
		{"a\x00b c", []string{"a"}, true},
		{"", nil, true},
		{"\"a\\\x00b\"", nil, false}, // C sees the line end after the backslash
		{"a\vb\fc \v d", []string{"a\vb\fc", "d"}, true},
		{`"\xZZ" 'x''`, nil, false},
		{`"\xZZ"`, []string{"xZZ"}, true},
	}
	for _, tt := range tests {
		got, ok := SplitArgs([]byte(tt.in), nil)
		if ok != tt.ok {
			t.Errorf("SplitArgs(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		var gs []string
		for _, g := range got {
			gs = append(gs, string(g))
		}
		if strings.Join(gs, "|") != strings.Join(tt.want, "|") || len(gs) != len(tt.want) {
			t.Errorf("SplitArgs(%q) = %q, want %q", tt.in, gs, tt.want)
		}
	}
}

// Ensure that AppendRepr quotes as sdscatrepr does, for strings and bytes.
func TestAppendRepr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"abc", `"abc"`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"\n\r\t\a\b", `"\n\r\t\a\b"`},
		{"\x00\x7f\xff é", `"\x00\x7f\xff \xc3\xa9"`},
	}
	for _, tt := range tests {
		if got := string(AppendRepr(nil, tt.in)); got != tt.want {
			t.Errorf("AppendRepr(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if got := string(AppendRepr([]byte("x"), []byte(tt.in))); got != "x"+tt.want {
			t.Errorf("AppendRepr([]byte %q) = %s", tt.in, got)
		}
	}
}

// FuzzRepr checks that SplitArgs reads back what AppendRepr wrote, and that
// SplitArgs never panics nor returns an argument with bytes the line lacks.
func FuzzRepr(f *testing.F) {
	f.Add([]byte("a b"), []byte("x\x00\"'"))
	f.Add([]byte(`"\x4"'a\'`), []byte{})
	f.Fuzz(func(t *testing.T, line, arg []byte) {
		args, ok := SplitArgs(line, nil)
		if ok {
			for _, a := range args {
				if len(a) > len(line) {
					t.Fatalf("argument %q longer than the line %q", a, line)
				}
			}
		}
		q := AppendRepr(nil, arg)
		back, ok := SplitArgs(q, nil)
		if !ok || len(back) != 1 || !bytes.Equal(back[0], arg) {
			t.Fatalf("AppendRepr(%q) = %s read back as %q, %v", arg, q, back, ok)
		}
	})
}

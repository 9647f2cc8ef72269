package rdb

import (
	"errors"
	"testing"
)

// Ensure that DecodeValue reads one value without a key, reports how many
// bytes it used, ignores what follows, and refuses what is not a value.
func TestDecodeValue(t *testing.T) {
	tests := []struct {
		name, in string
		typ      byte
		used     int
		err      error
	}{
		{"string", "\x00\x05hello\x0a\x00", TypeString, 7, nil},
		{"int string", "\x00\xc1\x39\x30", TypeString, 4, nil},
		{"set", "\x02\x02\x01a\x01b", TypeSet, 6, nil},
		{"zset2", "\x05\x01\x01a\x00\x00\x00\x00\x00\x00\xf0?", TypeZSet2, 12, nil},
		{"empty", "", 0, 0, ErrTruncated},
		{"opcode", "\xff", 0, 0, ErrCorrupt},
		{"unknown", "\x08\x00", 0, 0, ErrCorrupt},
		{"truncated", "\x00\x05hel", 0, 0, ErrTruncated},
		{"stream", "\x13\x00", 0, 0, ErrTruncated},
		{"empty stream", "\x13\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", TypeStreamListpacks2, 11, nil},
		{"huge count", "\x02\x81\xff\xff\xff\xff\xff\xff\xff\xff", 0, 0, ErrTruncated},
	}
	for _, tc := range tests {
		k, n, err := DecodeValue([]byte(tc.in))
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: error %v, want %v", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || k.Type != tc.typ || n != tc.used {
			t.Errorf("%s: type %v, used %d, err %v; want type %d, used %d", tc.name, k, n, err, tc.typ, tc.used)
		}
	}
	k, _, _ := DecodeValue([]byte("\x00\x05hello"))
	if string(k.Value.Str) != "hello" || k.ExpireMs != -1 || len(k.Key) != 0 {
		t.Errorf("string value decoded as %+v", k)
	}
}

// FuzzDecodeValue checks that any input decodes or fails cleanly, never
// uses more bytes than it has, and that a decoded value written back with
// the Encoder decodes to the same value.
func FuzzDecodeValue(f *testing.F) {
	for _, s := range []string{"\x00\x05hello", "\x02\x02\x01a\x01b", "\x04\x01\x01f\x01v",
		"\x05\x01\x01a\x00\x00\x00\x00\x00\x00\xf0?", "\x12\x01\x02\x01x", "\x0b\x02ab",
		"\x00\xc3\x03\x05\x01xx\x20\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		k, n, err := DecodeValue(p)
		if err != nil {
			return
		}
		if n > len(p) || n < 1 || k.Type != p[0] {
			t.Fatalf("used %d of %d bytes, type %d", n, len(p), k.Type)
		}
		if k.Type != TypeString {
			return
		}
		var e Encoder
		e.Type(TypeString)
		e.String(k.Value.Str)
		k2, n2, err := DecodeValue(e.Bytes())
		if err != nil || n2 != e.Size() || string(k2.Value.Str) != string(k.Value.Str) {
			t.Fatalf("re-encoded string does not decode back: %v", err)
		}
	})
}

package listpack_test

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
)

// TestValidateCorrupt starts from a good listpack, applies one corruption
// per case, and checks the error kind for both depths.
func TestValidateCorrupt(t *testing.T) {
	good := build("hello", "7", "world", "-70000") // 4 entries
	setTotal := func(b []byte, n int) { binary.LittleEndian.PutUint32(b, uint32(n)) }
	tests := []struct {
		name      string
		corrupt   func([]byte) []byte
		deep      bool
		pairs     bool
		wantErr   error
		shallowOK bool // the shallow check does not see it
	}{
		{"short", func(b []byte) []byte { return b[:6] }, true, false, listpack.ErrShort, false},
		{"nil", func([]byte) []byte { return nil }, true, false, listpack.ErrShort, false},
		{"size mismatch", func(b []byte) []byte { setTotal(b, len(b)+1); return b }, true, false, listpack.ErrSize, false},
		{"trailing byte", func(b []byte) []byte { b = append(b, 0xff); return b }, true, false, listpack.ErrSize, false},
		{"no terminator", func(b []byte) []byte { b[len(b)-1] = 0; return b }, true, false, listpack.ErrTerminator, false},
		{"bad encoding first", func(b []byte) []byte { b[6] = 0xF5; return b }, true, false, listpack.ErrEncoding, false},
		{"bad encoding later", func(b []byte) []byte { b[13] = 0xFE; return b }, true, false, listpack.ErrEncoding, true},
		{"first string too long", func(b []byte) []byte { b[6] = 0x80 | 63; return b }, true, false, listpack.ErrBounds, false},
		{"backlen wrong", func(b []byte) []byte { b[12] = 5; return b }, true, false, listpack.ErrBacklen, false},
		{"count wrong", func(b []byte) []byte { b[4] = 3; return b }, true, false, listpack.ErrCount, true},
		{"odd pairs", func([]byte) []byte { return build("a", "b", "c") }, true, true, listpack.ErrOddPairs, true},
		{"early terminator", func([]byte) []byte {
			b := build("a")
			b = append(b[:len(b)-1], 0xff, 0x01, 0xff)
			setTotal(b, len(b))
			return b
		}, true, false, listpack.ErrBounds, true},
		{"32-bit string length huge", func([]byte) []byte {
			b := []byte{0, 0, 0, 0, 1, 0, 0xF0, 0xff, 0xff, 0xff, 0xff, 1, 0xff}
			setTotal(b, len(b))
			return b
		}, true, false, listpack.ErrBounds, false},
		{"length bytes cut", func([]byte) []byte {
			b := []byte{0, 0, 0, 0, 1, 0, 0xF0, 0x01, 0xff}
			setTotal(b, len(b))
			return b
		}, true, false, listpack.ErrBounds, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.corrupt(append([]byte(nil), good...))
			err := listpack.Validate(b, tc.deep, tc.pairs)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("deep: got %v, want %v", err, tc.wantErr)
			}
			err = listpack.Validate(b, false, tc.pairs)
			if tc.shallowOK && err != nil {
				t.Fatalf("shallow: got %v, want nil", err)
			}
			if !tc.shallowOK && !errors.Is(err, tc.wantErr) {
				t.Fatalf("shallow: got %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestValidateSaturatedCountAcceptsAnyCount(t *testing.T) {
	b := build("a", "b")
	b[4], b[5] = 0xff, 0xff
	if err := listpack.Validate(b, true, true); err != nil {
		t.Fatalf("got %v, want nil", err)
	}
}

func TestCheckUniqueFields(t *testing.T) {
	tests := []struct {
		name  string
		elems []string
		dup   bool
	}{
		{"unique", []string{"a", "1", "b", "1", "7", "x"}, false},
		{"values may repeat", []string{"a", "v", "b", "v"}, false},
		{"duplicate string", []string{"a", "1", "b", "2", "a", "3"}, true},
		{"duplicate int", []string{"12", "x", "12", "y"}, true},
		{"odd count", []string{"a", "1", "a"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := listpack.CheckUniqueFields(build(tc.elems...))
			if got := errors.Is(err, listpack.ErrDuplicate); got != tc.dup {
				t.Fatalf("got %v, want duplicate=%v", err, tc.dup)
			}
		})
	}
}

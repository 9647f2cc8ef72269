package intset_test

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/vestadb/vesta/internal/intset"
)

// FuzzIntset has two halves. The blob half feeds arbitrary bytes to
// Validate, which must not panic; an accepted blob must read back sorted
// and support every method. The ops half interprets ops as little-endian
// int64 values to add (or remove, for odd indexes) and compares the result
// with a sorted-slice model.
func FuzzIntset(f *testing.F) {
	f.Add([]byte{2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0}, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{4, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, []byte{})
	f.Fuzz(func(t *testing.T, blob, ops []byte) {
		if intset.Validate(blob, false) == nil && intset.Validate(blob, true) == nil {
			s := intset.FromBytes(blob)
			vals := slices.Collect(s.All())
			if len(vals) != s.Len() || !slices.IsSorted(vals) {
				t.Fatalf("accepted blob reads back %v", vals)
			}
			for _, v := range vals {
				if !s.Contains(v) {
					t.Fatalf("Contains(%d) = false for a member", v)
				}
			}
			c := intset.FromBytes(slices.Clone(blob))
			c, _ = c.Add(vals[0] - 1)
			if err := intset.Validate(c.Bytes(), true); err != nil {
				t.Fatalf("after Add: %v", err)
			}
		}
		s := intset.New()
		var model []int64
		for i := 0; i+8 <= len(ops) && i < 8*300; i += 8 {
			v := int64(binary.LittleEndian.Uint64(ops[i:]))
			if (i/8)%3 == 2 && len(model) > 0 {
				v = model[int(uint64(v)%uint64(len(model)))]
				s, _ = s.Remove(v)
				if j, ok := slices.BinarySearch(model, v); ok {
					model = slices.Delete(model, j, j+1)
				}
			} else {
				s, _ = s.Add(v)
				if j, ok := slices.BinarySearch(model, v); !ok {
					model = slices.Insert(model, j, v)
				}
			}
			if s.Len() != len(model) {
				t.Fatalf("Len = %d, want %d", s.Len(), len(model))
			}
		}
		if got := slices.Collect(s.All()); !slices.Equal(got, model) {
			t.Fatalf("elements %v, want %v", got, model)
		}
	})
}

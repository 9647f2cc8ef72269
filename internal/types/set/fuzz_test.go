package set

import (
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/intset"
)

// FuzzOps applies byte-coded SADD/SREM operations to a set and a map.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7}, uint8(4))
	f.Add([]byte{0, 200, 1, 200, 2, 3}, uint8(0))
	f.Fuzz(func(t *testing.T, ops []byte, maxIntset uint8) {
		max := int(maxIntset % 16)
		s := NewIntset()
		m := map[string]bool{}
		for i := 0; i+1 < len(ops); i += 2 {
			x := []byte(strconv.Itoa(int(int8(ops[i+1]))))
			if ops[i+1]%17 == 0 {
				x = []byte{'s', ops[i+1]}
			}
			if ops[i]%3 == 2 {
				s.Remove(x)
				delete(m, string(x))
			} else {
				s.Add(x, max)
				m[string(x)] = true
			}
		}
		check(t, s, m)
		if b, ok := s.IntSet(); ok {
			if len(m) > max {
				t.Fatalf("intset with %d members over a limit of %d", len(m), max)
			}
			if len(m) > 0 {
				if err := intset.Validate(b, true); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

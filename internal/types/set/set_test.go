package set

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vestadb/vesta/internal/intset"
)

func check(t testing.TB, s *Set, m map[string]bool) {
	t.Helper()
	if s.Len() != len(m) {
		t.Fatalf("Len = %d, want %d", s.Len(), len(m))
	}
	n := 0
	s.Each(func(x []byte) bool {
		n++
		if !m[string(x)] {
			t.Fatalf("Each returned %q, not in the model", x)
		}
		return true
	})
	if n != len(m) {
		t.Fatalf("Each visited %d, want %d", n, len(m))
	}
	for x := range m {
		if !s.Has([]byte(x)) {
			t.Fatalf("Has(%q) = false", x)
		}
	}
}

// Ensure that random operations agree with a map and that the encoding
// changes exactly when Redis's rules say.
func TestModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	const maxIntset = 10
	for round := 0; round < 300; round++ {
		first := []byte(fmt.Sprint(r.IntN(20)))
		if r.IntN(4) == 0 {
			first = []byte("a")
		}
		s := New(first)
		wantHT := s.Encoding() == "hashtable"
		m := map[string]bool{}
		for i := 0; i < 40; i++ {
			x := fmt.Sprint(r.IntN(20) - 5)
			switch r.IntN(30) {
			case 0:
				x = "str"
			case 1:
				x = "-0"
			case 2:
				x = "9223372036854775807"
			}
			if r.IntN(3) == 0 {
				if s.Remove([]byte(x)) != m[x] {
					t.Fatalf("Remove(%q) disagrees", x)
				}
				delete(m, x)
			} else {
				if s.Add([]byte(x), maxIntset) == m[x] {
					t.Fatalf("Add(%q) disagrees", x)
				}
				m[x] = true
				if x == "str" || x == "-0" || len(m) > maxIntset {
					wantHT = true
				}
			}
			if got := s.Encoding() == "hashtable"; got != wantHT {
				t.Fatalf("encoding %s after %q, want hashtable=%v", s.Encoding(), x, wantHT)
			}
			check(t, s, m)
		}
		check(t, s.Clone().(*Set), m)
	}
}

func TestIntsetBytes(t *testing.T) {
	s := NewIntset()
	for _, x := range []string{"3", "1", "2"} {
		s.Add([]byte(x), 512)
	}
	b, ok := s.IntSet()
	want := []byte{2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0}
	if !ok || !bytes.Equal(b, want) {
		t.Fatalf("intset % x, want % x", b, want)
	}
	if got := FromIntset(bytes.Clone(b), 2); got.Encoding() != "hashtable" || got.Len() != 3 {
		t.Fatalf("FromIntset over the limit: %s %d", got.Encoding(), got.Len())
	}
	if got := FromIntset(bytes.Clone(b), 3); got.Encoding() != "intset" {
		t.Fatalf("FromIntset: %s", got.Encoding())
	}
	if err := intset.Validate(b, true); err != nil {
		t.Fatal(err)
	}
}

func TestFromMembers(t *testing.T) {
	tests := []struct {
		members []string
		max     int
		enc     string
		err     error
	}{
		{[]string{"1", "2"}, 512, "intset", nil},
		{[]string{"1", "a"}, 512, "hashtable", nil},
		{[]string{"1", "2", "3"}, 2, "hashtable", nil},
		{[]string{"1", "1"}, 512, "", ErrDuplicate},
		{[]string{"a", "a"}, 512, "", ErrDuplicate},
		{[]string{"1", "a", "1"}, 512, "", ErrDuplicate},
	}
	for _, tc := range tests {
		var ms [][]byte
		for _, x := range tc.members {
			ms = append(ms, []byte(x))
		}
		s, err := FromMembers(ms, tc.max)
		if err != tc.err || (err == nil && s.Encoding() != tc.enc) {
			t.Fatalf("%v: %v %v", tc.members, s, err)
		}
	}
}

func TestSampleUnique(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, member := range []string{"1", "a"} {
		s := New([]byte(member))
		for i := 0; i < 30; i++ {
			s.Add(fmt.Appendf(nil, "%d", i), 512)
		}
		for count := 1; count < s.Len(); count++ {
			seen := map[string]bool{}
			s.SampleUnique(count, r.Uint64N, func(x []byte) {
				if seen[string(x)] || !s.Has(x) {
					t.Fatalf("bad pick %q", x)
				}
				seen[string(x)] = true
			})
			if len(seen) != count {
				t.Fatalf("%s: %d picks, want %d", s.Encoding(), len(seen), count)
			}
		}
		hits := map[string]int{}
		for i := 0; i < 30000; i++ {
			s.Random(r.Uint64N, func(x []byte) { hits[string(x)]++ })
		}
		for x, c := range hits {
			if c < 600 || c > 1400 {
				t.Errorf("%s: %s drawn %d times of ~1000", s.Encoding(), x, c)
			}
		}
	}
}

// Ensure that an intset keeps no spare capacity beyond one element, as
// Redis resizes intsets exactly.
func TestIntsetExactSize(t *testing.T) {
	s := NewIntset()
	for i := 0; i < 300; i++ {
		s.Add(fmt.Appendf(nil, "%d", i*1000), 512)
		if b, _ := s.IntSet(); cap(b) != len(b) || len(b) != 8+(i+1)*s.ints().Encoding() {
			t.Fatalf("after %d members the intset slice is %d bytes, capacity %d", i+1, len(b), cap(b))
		}
	}
}

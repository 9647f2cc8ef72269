package hash

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

var small = Limits{MaxEntries: 8, MaxValue: 16}

// check compares h with the model m.
func check(t testing.TB, h *Hash, m map[string]string) {
	t.Helper()
	if h.Len() != len(m) {
		t.Fatalf("Len = %d, want %d", h.Len(), len(m))
	}
	n := 0
	h.Each(func(f, v []byte) bool {
		n++
		if want, ok := m[string(f)]; !ok || want != string(v) {
			t.Fatalf("Each: %q=%q, model %q (present %v)", f, v, want, ok)
		}
		return true
	})
	if n != len(m) {
		t.Fatalf("Each visited %d pairs, want %d", n, len(m))
	}
	for f, v := range m {
		got, ok := h.Get(nil, []byte(f))
		if !ok || string(got) != v {
			t.Fatalf("Get(%q) = %q, %v; want %q", f, got, ok, v)
		}
		if h.StrLen([]byte(f)) != len(v) || !h.Exists([]byte(f)) {
			t.Fatalf("StrLen/Exists(%q) wrong", f)
		}
	}
}

// Ensure that random operations agree with a map and that the encoding
// changes exactly when the limits are crossed.
func TestModel(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := 0; round < 200; round++ {
		h := New()
		m := map[string]string{}
		converted := false
		for i := 0; i < 60; i++ {
			f := fmt.Sprint(r.IntN(12))
			v := fmt.Sprint(r.IntN(1000))
			if r.IntN(40) == 0 {
				v = string(bytes.Repeat([]byte("x"), 17))
			}
			if r.IntN(3) == 0 {
				_, had := m[f]
				if h.Delete([]byte(f)) != had {
					t.Fatalf("Delete(%q) disagrees", f)
				}
				delete(m, f)
			} else {
				_, had := m[f]
				if h.Set([]byte(f), []byte(v), small) == had {
					t.Fatalf("Set(%q) disagrees", f)
				}
				m[f] = v
				if len(v) > small.MaxValue || len(m) > small.MaxEntries {
					converted = true
				}
			}
			if want := map[bool]string{false: "listpack", true: "hashtable"}[converted]; h.Encoding() != want {
				t.Fatalf("encoding %s, want %s", h.Encoding(), want)
			}
			check(t, h, m)
		}
		check(t, h.Clone().(*Hash), m)
	}
}

func TestListpackBytes(t *testing.T) {
	h := New()
	h.Set([]byte("a"), []byte("1"), small)
	h.Set([]byte("b"), []byte("x"), small)
	h.Set([]byte("a"), []byte("2"), small)
	b, ok := h.Listpack()
	if !ok {
		t.Fatal("not a listpack")
	}
	// a,2,b,x as Redis lays it out: 4 entries, integers as 7-bit uints.
	want := []byte{0x13, 0, 0, 0, 4, 0, 0x81, 'a', 2, 0x02, 1, 0x81, 'b', 2, 0x81, 'x', 2, 0xff}
	want[0] = byte(len(want))
	if !bytes.Equal(b, want) {
		t.Fatalf("listpack % x, want % x", b, want)
	}
	h2 := FromListpack(bytes.Clone(b), small)
	check(t, h2, map[string]string{"a": "2", "b": "x"})
	if h3 := FromListpack(bytes.Clone(b), Limits{MaxEntries: 1, MaxValue: 64}); h3.Encoding() != "hashtable" {
		t.Fatalf("FromListpack over the limit: %s", h3.Encoding())
	}
}

func TestFromPairs(t *testing.T) {
	tests := []struct {
		pairs []string
		lim   Limits
		enc   string
		err   error
	}{
		{[]string{"a", "1", "b", "2"}, small, "listpack", nil},
		{[]string{"a", "1", "b", "0123456789abcdefg"}, small, "hashtable", nil},
		{[]string{"a", "1", "b", "2"}, Limits{MaxEntries: 1, MaxValue: 64}, "hashtable", nil},
		{[]string{"a", "1", "a", "2"}, small, "", ErrDuplicate},
		{[]string{"a", "1", "a", "2"}, Limits{MaxEntries: 0, MaxValue: 64}, "", ErrDuplicate},
	}
	for _, tc := range tests {
		var pairs [][]byte
		for _, p := range tc.pairs {
			pairs = append(pairs, []byte(p))
		}
		h, err := FromPairs(pairs, tc.lim)
		if err != tc.err {
			t.Fatalf("%v: err %v, want %v", tc.pairs, err, tc.err)
		}
		if err == nil && h.Encoding() != tc.enc {
			t.Fatalf("%v: encoding %s, want %s", tc.pairs, h.Encoding(), tc.enc)
		}
	}
}

func TestSampling(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, lim := range []Limits{small, {MaxEntries: 0, MaxValue: 0}} {
		h := New()
		for i := 0; i < 8; i++ {
			h.Set(fmt.Appendf(nil, "f%d", i), fmt.Appendf(nil, "v%d", i), lim)
		}
		for count := 1; count < 8; count++ {
			seen := map[string]bool{}
			last := -1
			h.SampleUnique(count, r.Uint64N, func(f, v []byte) {
				if seen[string(f)] || "v"+string(f[1:]) != string(v) {
					t.Fatalf("%s: bad or repeated pick %s=%s", h.Encoding(), f, v)
				}
				seen[string(f)] = true
				if h.Encoding() == "listpack" {
					// Listpack picks come in listpack order.
					i := int(f[1] - '0')
					if i < last {
						t.Fatalf("listpack picks out of order")
					}
					last = i
				}
			})
			if len(seen) != count {
				t.Fatalf("%s: %d picks, want %d", h.Encoding(), len(seen), count)
			}
		}
		n := 0
		h.Sample(50, r.Uint64N, func(f, v []byte) { n++ })
		if n != 50 {
			t.Fatalf("Sample gave %d", n)
		}
		// A uniform unique sample hits every field about equally.
		hits := map[string]int{}
		for i := 0; i < 8000; i++ {
			h.SampleUnique(2, r.Uint64N, func(f, _ []byte) { hits[string(f)]++ })
		}
		for f, c := range hits {
			if c < 1400 || c > 2600 {
				t.Errorf("%s: %s picked %d times of ~2000", h.Encoding(), f, c)
			}
		}
	}
}

func TestScan(t *testing.T) {
	h := New()
	for i := 0; i < 5; i++ {
		h.Set(fmt.Appendf(nil, "%d", i), []byte("v"), small)
	}
	n := 0
	if c := h.Scan(0, func(f, v []byte) { n++ }); c != 0 || n != 5 {
		t.Fatalf("listpack scan: cursor %d, %d pairs", c, n)
	}
}

// Ensure that a listpack keeps no more spare capacity than one pair, as
// Redis reallocates listpacks to their exact size.
func TestListpackExactSize(t *testing.T) {
	h := New()
	for i := 0; i < 100; i++ {
		h.Set(fmt.Appendf(nil, "field:%d", i), fmt.Appendf(nil, "value:%d", i), Limits{MaxEntries: 128, MaxValue: 64})
		if b, _ := h.Listpack(); cap(b) != len(b) {
			t.Fatalf("after %d fields the listpack slice has capacity %d for %d bytes", i+1, cap(b), len(b))
		}
	}
	for i := 0; i < 90; i++ {
		h.Delete(fmt.Appendf(nil, "field:%d", i))
	}
	if b, ok := h.Listpack(); !ok || h.Len() != 10 || len(b) > 256 {
		t.Fatalf("after deletes the listpack has %d bytes", len(b))
	}
}

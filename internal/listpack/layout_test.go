package listpack_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
)

func TestHash(t *testing.T) {
	lp := listpack.New()
	var added bool
	lp, added = lp.HashSet([]byte("f"), []byte("1"))
	if !added {
		t.Fatal("HashSet(new) added = false")
	}
	lp, _ = lp.HashSet([]byte("1"), []byte("f")) // value "f" must not match field "f"
	lp, added = lp.HashSet([]byte("f"), []byte("two"))
	if added {
		t.Fatal("HashSet(existing) added = true")
	}
	if got, want := entries(lp), []string{"f", "two", "1", "f"}; !equalStrings(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if p := lp.HashFind([]byte("two")); p != -1 {
		t.Fatalf("HashFind(value) = %d, want -1", p)
	}
	var ok bool
	lp, ok = lp.HashDelete([]byte("f"))
	if !ok {
		t.Fatal("HashDelete(f) = false")
	}
	if _, ok = lp.HashDelete([]byte("nope")); ok {
		t.Fatal("HashDelete(missing) = true")
	}
	if got, want := entries(lp), []string{"1", "f"}; !equalStrings(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestFindSkip(t *testing.T) {
	lp := build("a", "b", "b", "a", "7", "x")
	tests := []struct {
		elem string
		skip int
		want int // entry index or -1
	}{
		{"b", 0, 1},
		{"b", 1, 2},
		{"a", 1, 0},
		{"7", 1, 4},
		{"x", 1, -1},
		{"x", 0, 5},
		{"07", 0, -1},
	}
	for _, tc := range tests {
		t.Run(tc.elem+"/"+strconv.Itoa(tc.skip), func(t *testing.T) {
			p := lp.Find([]byte(tc.elem), tc.skip)
			want := -1
			if tc.want >= 0 {
				want = lp.Seek(tc.want)
			}
			if p != want {
				t.Fatalf("Find(%q, %d) = %d, want %d", tc.elem, tc.skip, p, want)
			}
		})
	}
}

func TestAppendScore(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{1.5, "1.5"},
		{2, "2"},
		{0.1, "0.10000000000000001"},
		{math.Copysign(0, -1), "0"},
		{1 << 62, "4611686018427387904"},
		{-(1 << 62), "-4611686018427387904"},
		{math.Nextafter(1<<62, math.Inf(1)), "4.6116860184273889e+18"},
		{1e20, "1e+20"},
		{1e-4, "0.0001"},
		{1e-5, "1.0000000000000001e-05"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{math.NaN(), "nan"},
		{5e-324, "4.9406564584124654e-324"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := string(listpack.AppendScore(nil, tc.in)); got != tc.want {
				t.Fatalf("AppendScore(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestZset(t *testing.T) {
	lp := listpack.New()
	add := func(m string, s float64) (bool, bool) {
		var added, changed bool
		lp, added, changed = lp.ZsetAdd([]byte(m), s)
		return added, changed
	}
	add("b", 2)
	add("a", 1.5)
	add("c", 2)
	add("10", 2) // ties sort by member bytes: "10" < "b" < "c"
	if got, want := entries(lp), []string{"a", "1.5", "10", "2", "b", "2", "c", "2"}; !equalStrings(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if added, changed := add("a", 1.5); added || changed {
		t.Fatalf("same score: added %v changed %v", added, changed)
	}
	if added, changed := add("a", 3); added || !changed {
		t.Fatalf("new score: added %v changed %v", added, changed)
	}
	if got, want := entries(lp), []string{"10", "2", "b", "2", "c", "2", "a", "3"}; !equalStrings(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if p, s := lp.ZsetFind([]byte("a")); p < 0 || s != 3 {
		t.Fatalf("ZsetFind(a) = %d, %v, want score 3", p, s)
	}
	if p, _ := lp.ZsetFind([]byte("2")); p != -1 {
		t.Fatalf("ZsetFind(score text) = %d, want -1", p)
	}
	var ok bool
	if lp, ok = lp.ZsetDelete([]byte("b")); !ok {
		t.Fatal("ZsetDelete(b) = false")
	}
	if got, want := entries(lp), []string{"10", "2", "c", "2", "a", "3"}; !equalStrings(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if err := listpack.Validate(lp, true, true); err != nil {
		t.Fatalf("Validate = %v", err)
	}
}

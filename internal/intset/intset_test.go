package intset_test

import (
	"encoding/hex"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vestadb/vesta/internal/intset"
)

func TestLayout(t *testing.T) {
	tests := []struct {
		name string
		add  []int64
		want string
	}{
		{"spec example", []int64{3, 1, 2}, "0200000003000000010002000300"},
		{"empty", nil, "0200000000000000"},
		{"int32", []int64{70000}, "040000000100000070110100"},
		{"int64 negative", []int64{-1, math.MinInt64}, "08000000020000000000000000000080ffffffffffffffff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := intset.New()
			for _, v := range tc.add {
				s, _ = s.Add(v)
			}
			if got := hex.EncodeToString(s.Bytes()); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestAddRemoveContains(t *testing.T) {
	s := intset.New()
	var added bool
	if s, added = s.Add(7); !added {
		t.Fatal("Add(7) added = false")
	}
	if s, added = s.Add(7); added {
		t.Fatal("Add(7) again added = true")
	}
	s, _ = s.Add(1 << 40)
	if s.Encoding() != 8 || !s.Contains(7) || !s.Contains(1<<40) || s.Contains(8) {
		t.Fatalf("after upgrade: encoding %d, contains 7 %v", s.Encoding(), s.Contains(7))
	}
	var removed bool
	if s, removed = s.Remove(1 << 40); !removed || s.Len() != 1 || s.Encoding() != 8 {
		t.Fatalf("Remove(1<<40): removed %v len %d encoding %d", removed, s.Len(), s.Encoding())
	}
	if _, removed = s.Remove(1 << 41); removed {
		t.Fatal("Remove(missing) = true")
	}
	small := intset.New()
	small, _ = small.Add(1)
	if small.Contains(1<<40) || small.Contains(-1<<40) {
		t.Fatal("Contains reports a value wider than the encoding")
	}
	if _, removed = small.Remove(1 << 40); removed {
		t.Fatal("Remove(wide value) = true")
	}
	if small.Min() != 1 || small.Max() != 1 {
		t.Fatalf("Min/Max = %d/%d, want 1/1", small.Min(), small.Max())
	}
}

// TestRandomOpsAgainstModel compares random Add/Remove sequences with a
// sorted-slice model, checking order, encoding and validity at every step.
func TestRandomOpsAgainstModel(t *testing.T) {
	seed := uint64(11)
	rng := rand.New(rand.NewPCG(seed, seed))
	t.Logf("seed %d", seed)
	s := intset.New()
	var model []int64
	widest := 2
	for step := range 4000 {
		v := randomValue(rng)
		if rng.IntN(3) == 0 && len(model) > 0 {
			v = model[rng.IntN(len(model))]
			var removed bool
			s, removed = s.Remove(v)
			i, found := slices.BinarySearch(model, v)
			if removed != found {
				t.Fatalf("step %d: Remove(%d) = %v, want %v", step, v, removed, found)
			}
			if found {
				model = slices.Delete(model, i, i+1)
			}
		} else {
			var added bool
			s, added = s.Add(v)
			i, found := slices.BinarySearch(model, v)
			if added == found {
				t.Fatalf("step %d: Add(%d) = %v, want %v", step, v, added, !found)
			}
			if !found {
				model = slices.Insert(model, i, v)
			}
			widest = max(widest, encodingOf(v))
		}
		if s.Encoding() != widest {
			t.Fatalf("step %d: encoding %d, want %d", step, s.Encoding(), widest)
		}
		if got := slices.Collect(s.All()); !slices.Equal(got, model) {
			t.Fatalf("step %d: elements %v, want %v", step, got, model)
		}
		if len(model) > 0 {
			if err := intset.Validate(s.Bytes(), true); err != nil {
				t.Fatalf("step %d: Validate = %v", step, err)
			}
		}
	}
}

func randomValue(rng *rand.Rand) int64 {
	switch rng.IntN(4) {
	case 0:
		return rng.Int64N(200) - 100
	case 1:
		return rng.Int64N(1<<17) - 1<<16
	case 2:
		return rng.Int64N(1<<33) - 1<<32
	}
	return int64(rng.Uint64())
}

func encodingOf(v int64) int {
	switch {
	case v < math.MinInt32 || v > math.MaxInt32:
		return 8
	case v < math.MinInt16 || v > math.MaxInt16:
		return 4
	}
	return 2
}

func TestRandom(t *testing.T) {
	s := intset.New()
	if _, ok := s.Random(nil); ok {
		t.Fatal("Random on empty set: ok = true")
	}
	for _, v := range []int64{-3, 10, 99} {
		s, _ = s.Add(v)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[int64]int{}
	for range 3000 {
		v, ok := s.Random(rng)
		if !ok || !s.Contains(v) {
			t.Fatalf("Random = %d, %v", v, ok)
		}
		seen[v]++
	}
	for _, v := range []int64{-3, 10, 99} {
		if seen[v] < 800 {
			t.Fatalf("value %d drawn %d times of 3000", v, seen[v])
		}
	}
	if v, ok := s.Random(nil); !ok || !s.Contains(v) {
		t.Fatalf("Random(nil) = %d, %v", v, ok)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		hex     string
		deep    bool
		wantErr error
	}{
		{"ok", "0200000003000000010002000300", true, nil},
		{"short", "02000000030000", true, intset.ErrShort},
		{"bad encoding", "0300000001000000010000", true, intset.ErrEncoding},
		{"zero encoding", "0000000001000000", true, intset.ErrEncoding},
		{"size too big", "020000000300000001000200", true, intset.ErrSize},
		{"size trailing", "020000000100000001000200", true, intset.ErrSize},
		{"huge length", "08000000ffffffff", true, intset.ErrSize},
		{"empty", "0200000000000000", false, intset.ErrEmpty},
		{"duplicate", "020000000200000005000500", true, intset.ErrOrder},
		{"descending", "020000000200000006000500", true, intset.ErrOrder},
		{"descending shallow", "020000000200000006000500", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := hex.DecodeString(tc.hex)
			if err != nil {
				t.Fatal(err)
			}
			err = intset.Validate(b, tc.deep)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestGetPanicsOutOfRange(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Get(5) on a 1-element set did not panic")
		}
	}()
	s, _ := intset.New().Add(1)
	s.Get(5)
}

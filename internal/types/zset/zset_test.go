package zset

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
)

var defaults = Limits{MaxListpackEntries: 128, MaxListpackValue: 64}

func negZero() float64 { return math.Copysign(0, -1) }

// TestConversion checks that the encoding changes exactly when Redis's does:
// before the member that would exceed either limit is added, never back.
func TestConversion(t *testing.T) {
	z := New()
	for i := range 128 {
		z.Add(fmt.Appendf(nil, "m%d", i), float64(i), 0, defaults)
	}
	if z.Encoding() != "listpack" {
		t.Fatalf("128 members: %s", z.Encoding())
	}
	z.Add([]byte("m0"), 5, 0, defaults) // an update does not convert
	if z.Encoding() != "listpack" {
		t.Fatalf("after update: %s", z.Encoding())
	}
	z.Add([]byte("m128"), 1, 0, defaults)
	if z.Encoding() != "skiplist" || z.Len() != 129 {
		t.Fatalf("129 members: %s %d", z.Encoding(), z.Len())
	}
	z.DeleteRangeByRank(0, 127)
	if z.Encoding() != "skiplist" || z.Len() != 1 {
		t.Fatalf("after deletes: %s %d", z.Encoding(), z.Len())
	}

	long := New()
	long.Add(make([]byte, 64), 1, 0, defaults)
	if long.Encoding() != "listpack" {
		t.Fatalf("64-byte member: %s", long.Encoding())
	}
	long.Add(make([]byte, 65), 1, 0, defaults)
	if long.Encoding() != "skiplist" {
		t.Fatalf("65-byte member: %s", long.Encoding())
	}
	// XX never adds, so it never converts.
	xx := New()
	xx.Add([]byte("a"), 1, 0, defaults)
	xx.Add(make([]byte, 100), 1, AddXX, defaults)
	if xx.Encoding() != "listpack" || xx.Len() != 1 {
		t.Fatalf("XX: %s %d", xx.Encoding(), xx.Len())
	}
}

// TestNegativeZero reproduces Redis's quirk: a listpack stores -0 as 0, a
// skiplist keeps the sign.
func TestNegativeZero(t *testing.T) {
	z := New()
	if s, res := z.Add([]byte("a"), negZero(), 0, defaults); res != Added || !math.Signbit(s) {
		t.Fatalf("Add returned %v %v, want the -0 given", s, res)
	}
	if s, _ := z.Score([]byte("a")); math.Signbit(s) {
		t.Fatalf("listpack kept -0")
	}
	big := New()
	big.Add([]byte("a"), negZero(), 0, Limits{})
	if s, _ := big.Score([]byte("a")); !math.Signbit(s) {
		t.Fatalf("skiplist lost the sign of -0")
	}
	// Updating 0 to -0 is no change at all.
	if _, res := big.Add([]byte("a"), 0, 0, Limits{}); res != Kept {
		t.Fatalf("0 over -0: %v", res)
	}
	// Converting to a listpack loses the sign, as Redis's ZUNIONSTORE
	// does for a small result.
	b := NewBuilder(1)
	b.Add([]byte("a"), negZero())
	small, _ := b.Build(defaults)
	if s, _ := small.Score([]byte("a")); math.Signbit(s) || small.Encoding() != "listpack" {
		t.Fatalf("built listpack: %v %s", s, small.Encoding())
	}
}

func TestAddFlags(t *testing.T) {
	tests := []struct {
		flags     AddFlags
		cur, in   float64
		wantScore float64
		wantRes   AddResult
	}{
		{0, 1, 2, 2, Updated},
		{0, 1, 1, 1, Kept},
		{AddNX, 1, 2, 1, Nop},
		{AddXX, 1, 2, 2, Updated},
		{AddGT, 1, 2, 2, Updated},
		{AddGT, 2, 1, 2, Nop},
		{AddGT, 2, 2, 2, Nop},
		{AddLT, 2, 1, 1, Updated},
		{AddLT, 1, 2, 1, Nop},
		{AddIncr, 1, 2, 3, Updated},
		{AddIncr, 1, 0, 1, Kept},
		{AddIncr | AddGT, 1, -1, 1, Nop},
		{AddIncr, math.Inf(1), math.Inf(-1), 0, NaN},
	}
	for _, enc := range []Limits{defaults, {}} {
		for _, tc := range tests {
			z := New()
			z.Add([]byte("m"), tc.cur, 0, enc)
			s, res := z.Add([]byte("m"), tc.in, tc.flags, enc)
			if res != tc.wantRes || (res != NaN && s != tc.wantScore) {
				t.Errorf("%s: flags %b, %v then %v: got %v %v, want %v %v",
					z.Encoding(), tc.flags, tc.cur, tc.in, s, res, tc.wantScore, tc.wantRes)
			}
			if cur, _ := z.Score([]byte("m")); res == NaN && cur != tc.cur {
				t.Errorf("NaN changed the score to %v", cur)
			}
		}
	}
	z := New()
	if _, res := z.Add([]byte("m"), math.NaN(), 0, defaults); res != NaN || z.Len() != 0 {
		t.Errorf("NaN score added: %v", res)
	}
}

func TestFromListpack(t *testing.T) {
	lp := listpack.New().Append([]byte("a"), []byte("1"), []byte("b"), []byte("2.5"))
	z, err := FromListpack(lp.Clone(), defaults)
	if err != nil || z.Encoding() != "listpack" || z.Len() != 2 {
		t.Fatalf("got %v %v", z, err)
	}
	if s, _ := z.Score([]byte("b")); s != 2.5 {
		t.Fatalf("score of b: %v", s)
	}
	// Too many members for the limits: converted, as the RDB loader does.
	z, err = FromListpack(lp.Clone(), Limits{MaxListpackEntries: 1, MaxListpackValue: 64})
	if err != nil || z.Encoding() != "skiplist" || z.Len() != 2 {
		t.Fatalf("over the limit: %v %v", z, err)
	}
	for name, bad := range map[string]listpack.Listpack{
		"empty":     listpack.New(),
		"odd":       listpack.New().Append([]byte("a")),
		"duplicate": listpack.New().Append([]byte("a"), []byte("1"), []byte("a"), []byte("2")),
	} {
		if _, err := FromListpack(bad, defaults); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if blob, ok := New().Listpack(); !ok || len(blob) != listpack.EmptySize {
		t.Errorf("Listpack of an empty set: %v %v", blob, ok)
	}
}

func TestBuilder(t *testing.T) {
	b := NewBuilder(3)
	b.Add([]byte("c"), 3)
	b.Add([]byte("a"), 1)
	b.Add([]byte("b"), 1)
	z, err := b.Build(defaults)
	if err != nil || z.Encoding() != "listpack" {
		t.Fatalf("got %v %v", z, err)
	}
	var got []string
	z.Each(func(m []byte, s float64) bool { got = append(got, fmt.Sprintf("%s %v", m, s)); return true })
	if fmt.Sprint(got) != "[a 1 b 1 c 3]" {
		t.Fatalf("order: %v", got)
	}
	if _, err := NewBuilder(0).Build(defaults); !errors.Is(err, ErrCorrupt) {
		t.Errorf("empty: %v", err)
	}
	dup := NewBuilder(2)
	dup.Add([]byte("a"), 1)
	dup.Add([]byte("a"), 2)
	if _, err := dup.Build(Limits{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("duplicate: %v", err)
	}
	nan := NewBuilder(1)
	nan.Add([]byte("a"), math.NaN())
	if _, err := nan.Build(defaults); !errors.Is(err, ErrCorrupt) {
		t.Errorf("NaN: %v", err)
	}
	long := NewBuilder(1)
	long.Add(make([]byte, 65), 1)
	if z, _ := long.Build(defaults); z.Encoding() != "skiplist" {
		t.Errorf("long member built as %s", z.Encoding())
	}
}

// TestScanDuringResize checks the ZSCAN guarantee on the skiplist encoding:
// members present for the whole scan are returned even while the member
// index grows and shrinks between calls.
func TestScanDuringResize(t *testing.T) {
	z := New()
	for i := range 1000 {
		z.Add(fmt.Appendf(nil, "keep%d", i), float64(i+1), 0, defaults)
	}
	seen := map[string]bool{}
	cur, round := uint64(0), 0
	for {
		cur = z.Scan(cur, func(m []byte, _ float64) { seen[string(m)] = true })
		round++
		// Alternate growth and shrinkage so that resizes start and run
		// between scan calls.
		if round%20 < 10 {
			for i := range 1000 {
				z.Add(fmt.Appendf(nil, "tmp%d-%d", round, i), 0, 0, defaults)
			}
		} else {
			z.DeleteRangeByScore(&ScoreRange{Min: 0, Max: 0})
		}
		if cur == 0 {
			break
		}
	}
	for i := range 1000 {
		if !seen[fmt.Sprint("keep", i)] {
			t.Fatalf("keep%d was never returned", i)
		}
	}
	if err := z.check(); err != nil {
		t.Fatal(err)
	}
}

package server

import (
	"math"
	"testing"
)

func TestGoMemoryLimit(t *testing.T) {
	tests := []struct {
		maxmemory uint64
		want      int64
	}{
		{1 << 20, 17 << 20},    // the 16 MiB floor
		{100 << 20, 125 << 20}, // a quarter more
		{8 << 30, 10 << 30},    // likewise
		{math.MaxUint64, math.MaxInt64},
		{math.MaxInt64, math.MaxInt64},
	}
	for _, tc := range tests {
		if got := goMemoryLimit(tc.maxmemory); got != tc.want {
			t.Errorf("goMemoryLimit(%d) = %d, want %d", tc.maxmemory, got, tc.want)
		}
	}
}

// TestMemGauge checks that the gauge sees allocations and subtracts what
// evictions released.
func TestMemGauge(t *testing.T) {
	var g memGauge
	before := g.used(0)
	c0 := g.cycles
	keep := make([][]byte, 0, 64)
	for range 64 {
		keep = append(keep, make([]byte, 64<<10))
	}
	after := g.used(0)
	if after < before+3<<20 && g.cycles == c0 {
		// No collection ran in between: all 4 MiB must show.
		t.Errorf("used %d -> %d after allocating 4 MiB", before, after)
	}
	c1 := g.cycles
	g.freed += 1 << 20
	if got := g.used(0); got > after && g.cycles == c1 {
		t.Errorf("used %d after an eviction released 1 MiB, was %d", got, after)
	}
	_ = keep[63]
}

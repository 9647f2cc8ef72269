package main

import (
	"math"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"odd", []float64{3, 1, 2}, 2},
		{"even", []float64{4, 1, 3, 2}, 2.5},
		{"one", []float64{7}, 7},
		{"nan ignored", []float64{nan, 1, 5, 3}, 3},
		{"empty", nil, nan},
		{"all nan", []float64{nan}, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := median(tt.in)
			if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRatiosAndSpread(t *testing.T) {
	r := ratios([]float64{2, 3, 1}, []float64{1, 0, 4})
	if r[0] != 2 || !math.IsNaN(r[1]) || r[2] != 0.25 {
		t.Errorf("got %v, want [2 NaN 0.25]", r)
	}
	lo, hi := spread(r)
	if lo != 0.25 || hi != 2 {
		t.Errorf("got spread %v–%v, want 0.25–2", lo, hi)
	}
	if got, want := ratioSpread(r), "**1.12** (0.25–2.00)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := medSpread([]float64{1000, 2000, 1500}), "1500 (1000–2000)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNum(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{123456.7, "123457"}, {123.45, "123.5"}, {12.345, "12.35"}, {1.2345, "1.234"}, {math.NaN(), "–"},
	}
	for _, tt := range tests {
		if got := num(tt.in); got != tt.want {
			t.Errorf("num(%v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHistBuckets(t *testing.T) {
	prev := -1
	for _, v := range []int64{0, 1, 63, 64, 65, 127, 128, 129, 1000, 1 << 20, 1<<40 + 12345, math.MaxInt64} {
		b := bucket(v)
		if b < prev {
			t.Errorf("bucket(%d) = %d, below the previous %d", v, b, prev)
		}
		prev = b
		if hi := bucketHigh(b); hi < v {
			t.Errorf("bucketHigh(bucket(%d)) = %d, want >= %d", v, hi, v)
		} else if v >= histSub && float64(hi-v) > float64(v)/histSub {
			t.Errorf("bucketHigh(bucket(%d)) = %d, more than 1/%d above", v, hi, histSub)
		}
	}
}

func TestHistQuantiles(t *testing.T) {
	var h hist
	for i := 1; i <= 10000; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0.5, 5000 * time.Microsecond},
		{0.99, 9900 * time.Microsecond},
		{0.999, 9990 * time.Microsecond},
		{1, 10000 * time.Microsecond},
	}
	for _, tt := range tests {
		got := h.quantile(tt.q)
		if got < tt.want || float64(got-tt.want) > float64(tt.want)/histSub {
			t.Errorf("quantile(%v): got %v, want %v within 1/%d above", tt.q, got, tt.want, histSub)
		}
	}
	var o hist
	o.record(time.Second)
	h.merge(&o)
	if h.n != 10001 || h.quantile(1) != time.Second {
		t.Errorf("after merge got n=%d max=%v, want 10001 and 1s", h.n, h.quantile(1))
	}
	var empty hist
	if empty.quantile(0.5) != 0 || empty.mean() != 0 {
		t.Errorf("empty histogram: got %v and %v, want 0", empty.quantile(0.5), empty.mean())
	}
}

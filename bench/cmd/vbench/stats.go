package main

import (
	"math"
	"slices"
)

// median returns the median of xs, or NaN for none. NaN values are
// ignored.
func median(xs []float64) float64 {
	v := finite(xs)
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// spread returns the minimum and maximum of xs, NaN for none.
func spread(xs []float64) (lo, hi float64) {
	v := finite(xs)
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	return slices.Min(v), slices.Max(v)
}

// finite returns a copy of xs without NaN and infinities.
func finite(xs []float64) []float64 {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			v = append(v, x)
		}
	}
	return v
}

// ratios returns a[i]/b[i] for each pair, NaN where b[i] is 0.
func ratios(a, b []float64) []float64 {
	n := min(len(a), len(b))
	out := make([]float64, n)
	for i := range n {
		if b[i] == 0 {
			out[i] = math.NaN()
		} else {
			out[i] = a[i] / b[i]
		}
	}
	return out
}

package main

import (
	"math"
	"math/bits"
	"time"
)

// histSub is the number of linear sub-buckets per power of two; 64 gives a
// relative error under 1.6%.
const histSub = 64

// hist is a log-linear latency histogram over nanoseconds, in the manner of
// HDR histograms: values below histSub are exact, larger ones fall into one
// of histSub buckets per power of two. The zero value is ready to use. It
// is not safe for concurrent use; merge per-goroutine histograms instead.
type hist struct {
	counts [64 * histSub]uint64
	n      uint64
	max    int64
	sum    float64
}

// bucket returns the bucket index of v >= 0.
func bucket(v int64) int {
	if v < histSub {
		return int(v)
	}
	e := bits.Len64(uint64(v)) - 7 // v >> e lies in [64, 128)
	return (e+1)*histSub + int(v>>e) - histSub
}

// bucketHigh returns the largest value in bucket i.
func bucketHigh(i int) int64 {
	if i < histSub {
		return int64(i)
	}
	e := i/histSub - 1
	m := int64(i%histSub + histSub)
	return (m+1)<<e - 1
}

// record adds one latency.
func (h *hist) record(d time.Duration) {
	v := max(int64(d), 0)
	h.counts[bucket(v)]++
	h.n++
	h.max = max(h.max, v)
	h.sum += float64(v)
}

// merge adds o's counts to h.
func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
	h.sum += o.sum
}

// quantile returns the smallest bucket upper bound at or below which a
// fraction q of the values lie, capped at the maximum; NaN-free: 0 when
// empty.
func (h *hist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	want := uint64(math.Ceil(q * float64(h.n)))
	want = max(want, 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= want {
			return time.Duration(min(bucketHigh(i), h.max))
		}
	}
	return time.Duration(h.max)
}

// mean returns the average latency.
func (h *hist) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

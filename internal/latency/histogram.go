// Package latency holds Redis's latency instruments: the per-command
// latency histograms behind INFO latencystats and LATENCY HISTOGRAM
// (Histogram), and the latency monitor behind LATENCY LATEST, HISTORY,
// RESET, GRAPH and DOCTOR (Monitor).
package latency

import "math/bits"

// Histogram is a log-linear histogram laid out as Redis's HdrHistogram is
// for command latencies: values in nanoseconds from 1 to 1e9, two
// significant digits. A value v falls in bucket b = bitlen(v|255) - 8,
// whose sub-buckets are 2^b wide, so every value is kept to within 1/128
// of itself, and the percentiles and bucket bounds reported are those
// Redis reports. The zero value is empty; counts are allocated on the
// first Record (24 KiB).
type Histogram struct {
	counts []int64
	total  int64
}

const (
	subHalfMag  = 7                           // log2 of half the sub-buckets
	subHalf     = 1 << subHalfMag             // 128
	subMask     = 2*subHalf - 1               // 255
	bucketCount = 23                          // 256<<22 > 1e9
	countsLen   = (bucketCount + 1) * subHalf // 3072

	// MinValue and MaxValue bound what Record keeps, in nanoseconds.
	MinValue = 1
	MaxValue = 1_000_000_000
)

func bucketOf(v int64) int { return bits.Len64(uint64(v)|subMask) - (subHalfMag + 1) }

func indexOf(v int64) int {
	b := bucketOf(v)
	return (b+1)<<subHalfMag + int(v>>b) - subHalf
}

func valueAt(i int) int64 {
	b := i>>subHalfMag - 1
	sub := i&(subHalf-1) + subHalf
	if b < 0 {
		sub -= subHalf
		b = 0
	}
	return int64(sub) << b
}

// lowest and highest are the bounds of the values counted with v.
func lowest(v int64) int64 {
	b := bucketOf(v)
	return v >> b << b
}

func highest(v int64) int64 { return lowest(v) + 1<<bucketOf(v) - 1 }

// Record counts one value, clamped to [MinValue, MaxValue].
func (h *Histogram) Record(ns int64) {
	ns = min(max(ns, MinValue), MaxValue)
	if h.counts == nil {
		h.counts = make([]int64, countsLen)
	}
	h.counts[indexOf(ns)]++
	h.total++
}

// Count is how many values were recorded.
func (h *Histogram) Count() int64 { return h.total }

// Percentile returns the value at percentile p (0 to 100) as
// HdrHistogram does: the highest value equivalent to the value below
// which p percent of the recorded values fall (the lowest for p == 0).
// It is 0 for an empty histogram.
func (h *Histogram) Percentile(p float64) int64 {
	if h.total == 0 {
		return 0
	}
	req := min(p, 100)
	want := max(int64(req/100*float64(h.total)+0.5), 1)
	var sum int64
	for i, c := range h.counts {
		sum += c
		if sum >= want {
			v := valueAt(i)
			if p == 0 {
				return lowest(v)
			}
			return highest(v)
		}
	}
	return 0
}

// Step is one point of the cumulative distribution: Count values were at
// most UpTo nanoseconds.
type Step struct {
	UpTo  int64
	Count int64
}

// Cumulative returns the distribution at powers of two from 1024 ns, as
// Redis's LATENCY HISTOGRAM reports it (HdrHistogram's logarithmic
// iteration): each level's bound is the highest value equivalent to
// 1024·2^k, and only the levels whose count grew are listed. Like Redis,
// it stops at the last level the histogram's range holds, so values over
// 541,065,215 ns are counted in Count but in no step.
func (h *Histogram) Cumulative() []Step {
	var out []Step
	if h.total == 0 {
		return out
	}
	var cum, prev int64
	i := 0
	for level := int64(1024); ; level <<= 1 {
		idx := indexOf(level)
		if idx >= countsLen {
			break
		}
		for ; i <= idx; i++ {
			cum += h.counts[i]
		}
		if cum > prev {
			out = append(out, Step{UpTo: highest(level), Count: cum})
		}
		prev = cum
		if cum == h.total {
			break
		}
	}
	return out
}

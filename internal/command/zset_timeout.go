package command

import (
	"math"
	"math/big"
	"time"
)

// blockDeadline parses argument i as a blocking command's timeout in
// seconds, the way Redis 7.0.15's getTimeoutFromObjectOrReply does: the
// text is read as a long double, multiplied by 1000 and rounded up to whole
// milliseconds (so 0.0001 waits 1 ms, while -0.0001 rounds to 0 and waits
// forever). Negative values are refused; a value too large for an int64 of
// milliseconds (including inf) converts, as on x86, to the smallest int64
// and is refused as negative too. A deadline past the int64 range never
// comes, as in Redis. The zero time means no timeout.
func (c *Ctx) blockDeadline(i int) (time.Time, bool) {
	v, ok := ParseLongDouble(c.Args[i])
	if !ok {
		c.Error(ErrTimeout)
		return time.Time{}, false
	}
	ms := ceilMillis(v)
	if ms < 0 {
		c.Error(ErrNegTimeout)
		return time.Time{}, false
	}
	if ms == 0 || ms > math.MaxInt64-c.KS.Now {
		return time.Time{}, true
	}
	return time.UnixMilli(c.KS.Now + ms), true
}

// ceilMillis computes (long long) ceill(v * 1000.0) in x87 arithmetic.
func ceilMillis(v *LongDouble) int64 {
	if v.f.IsInf() {
		return math.MinInt64
	}
	var ms big.Float
	ms.SetPrec(ldPrec).SetMode(big.ToNearestEven).Mul(&v.f, big.NewFloat(1000))
	if ms.Cmp(maxInt64Float) > 0 || ms.Cmp(minInt64Float) < 0 {
		return math.MinInt64 // out of range: x87's "integer indefinite"
	}
	n, acc := ms.Int64()
	if acc == big.Below {
		n++ // a positive fraction: round up
	}
	return n
}

var (
	maxInt64Float = new(big.Float).SetInt64(math.MaxInt64)
	minInt64Float = new(big.Float).SetInt64(math.MinInt64)
)

package geo

import "math"

// Redis computes distances with glibc's sin, cos and asin, which return the
// correctly rounded result (the double nearest the true value). Go's math
// package is accurate to about one unit in the last place, and a last-bit
// difference shows in STOREDIST scores and at the edge of a radius. So the
// functions here compute in double-double arithmetic (about 106 bits) and
// round once, which gives glibc's results (compared with glibc over random
// arguments in libm_test.go).

// dd is an unevaluated sum hi+lo with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	return dd{s, (a - (s - bb)) + (b - bb)}
}

func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

func twoProd(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

func (a dd) add(b dd) dd {
	s := twoSum(a.hi, b.hi)
	t := twoSum(a.lo, b.lo)
	s.lo += t.hi
	s = quickTwoSum(s.hi, s.lo)
	s.lo += t.lo
	return quickTwoSum(s.hi, s.lo)
}

func (a dd) neg() dd { return dd{-a.hi, -a.lo} }

func (a dd) sub(b dd) dd { return a.add(b.neg()) }

func (a dd) mul(b dd) dd {
	p := twoProd(a.hi, b.hi)
	p.lo += a.hi*b.lo + a.lo*b.hi
	return quickTwoSum(p.hi, p.lo)
}

func (a dd) mulF(b float64) dd {
	p := twoProd(a.hi, b)
	p.lo += a.lo * b
	return quickTwoSum(p.hi, p.lo)
}

func (a dd) div(b dd) dd {
	q1 := a.hi / b.hi
	r := a.sub(b.mulF(q1))
	q2 := r.hi / b.hi
	r = r.sub(b.mulF(q2))
	q3 := r.hi / b.hi
	return quickTwoSum(q1, q2).add(dd{q3, 0})
}

// The value of pi/2 in three parts, and 1/n! for the Taylor series.
var (
	pio2 = [3]float64{
		1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33,
	}
	invFact [40]dd
)

func init() {
	f := dd{1, 0}
	invFact[0] = f
	for n := 1; n < len(invFact); n++ {
		f = f.div(dd{float64(n), 0})
		invFact[n] = f
	}
}

// sinCosSeries returns sin(r) and cos(r) for |r| <= pi/2 or so, by their
// Taylor series to beyond double-double precision.
func sinCosSeries(r dd) (s, c dd) {
	r2 := r.mul(r)
	// Horner from the highest term: sin r = r * sum (-1)^k r^2k/(2k+1)!,
	// cos r = sum (-1)^k r^2k/(2k)!.
	const terms = 18
	s, c = dd{}, dd{}
	for k := terms; k >= 0; k-- {
		ts, tc := invFact[2*k+1], invFact[2*k]
		if k%2 == 1 {
			ts, tc = ts.neg(), tc.neg()
		}
		s = s.mul(r2).add(ts)
		c = c.mul(r2).add(tc)
	}
	return s.mul(r), c
}

// reduce returns k and r with x = k*pi/2 + r, |r| <= pi/4 (about), for
// moderate |x|.
func reduce(x float64) (int, dd) {
	k := math.RoundToEven(x / pio2[0])
	r := twoSum(x, 0)
	for _, p := range pio2 {
		r = r.sub(twoProd(k, p))
	}
	return int(int64(k)) & 3, r
}

// largeArg bounds the arguments reduced here; beyond it (never reached by
// the distances and bounding boxes Redis computes when their result
// matters) Go's functions are used.
const largeArg = 1 << 20

// Sin is glibc's sin: correctly rounded.
func Sin(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > largeArg {
		return math.Sin(x)
	}
	if x == 0 {
		return x
	}
	k, r := reduce(x)
	s, c := sinCosSeries(r)
	var v dd
	switch k {
	case 0:
		v = s
	case 1:
		v = c
	case 2:
		v = s.neg()
	default:
		v = c.neg()
	}
	return v.hi + v.lo
}

// Cos is glibc's cos: correctly rounded.
func Cos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > largeArg {
		return math.Cos(x)
	}
	k, r := reduce(x)
	s, c := sinCosSeries(r)
	var v dd
	switch k {
	case 0:
		v = c
	case 1:
		v = s.neg()
	case 2:
		v = c.neg()
	default:
		v = s
	}
	return v.hi + v.lo
}

// Asin is glibc's asin: correctly rounded; NaN outside [-1, 1].
func Asin(x float64) float64 {
	switch {
	case math.IsNaN(x) || x > 1 || x < -1:
		return math.NaN()
	case x == 0:
		return x
	case x == 1:
		return math.Pi / 2
	case x == -1:
		return -math.Pi / 2
	case x < 0:
		return -Asin(-x)
	}
	// Newton's method on sin(y) = x from Go's estimate; each step squares
	// the error.
	y := dd{math.Asin(x), 0}
	for i := 0; i < 3; i++ {
		s, c := sinCosSeries(y)
		y = y.sub(s.sub(dd{x, 0}).div(c))
	}
	return y.hi + y.lo
}

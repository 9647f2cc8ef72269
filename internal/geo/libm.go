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

// slowSin is sin correctly rounded, from the full double-double series.
func slowSin(x float64) float64 {
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

// slowCos is cos correctly rounded, from the full double-double series.
func slowCos(x float64) float64 {
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

// slowAsin is asin correctly rounded, by Newton's method in double-double.
func slowAsin(x float64) float64 {
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
		return -slowAsin(-x)
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

// Coefficients of the fast series: sin r = r * S(r^2), cos r = C(r^2),
// with the first terms in double-double and the tail in double.
var (
	sinHead, cosHead [5]dd      // (-1)^k/(2k+1)! and (-1)^k/(2k)!, k = 0..4
	sinTail, cosTail [8]float64 // the same for k = 4..11 and 5..12
)

func init() {
	for k := 0; k < 5; k++ {
		sinHead[k], cosHead[k] = invFact[2*k+1], invFact[2*k]
		if k%2 == 1 {
			sinHead[k], cosHead[k] = sinHead[k].neg(), cosHead[k].neg()
		}
	}
	for i := range sinTail {
		k := 4 + i
		sinTail[i] = invFact[2*k+1].hi
		cosTail[i] = invFact[2*k+2].hi
		if k%2 == 1 {
			sinTail[i] = -sinTail[i]
		} else {
			cosTail[i] = -cosTail[i]
		}
	}
}

// fastSin and fastCos are sin and cos of r (|r| <= pi/4 or a little
// more) with a relative error below 2^-70.
func fastSin(r dd) dd {
	z := r.mul(r)
	t := 0.0
	for i := len(sinTail) - 1; i >= 1; i-- {
		t = (t + sinTail[i]) * z.hi
	}
	acc := twoSum(sinHead[4].hi, t) // k = 4 joins the tail's sum
	acc.lo += sinHead[4].lo
	for k := 3; k >= 0; k-- {
		acc = acc.mul(z).add(sinHead[k])
	}
	return acc.mul(r)
}

func fastCos(r dd) dd {
	z := r.mul(r)
	t := 0.0
	for i := len(cosTail) - 1; i >= 0; i-- {
		t = (t + cosTail[i]) * z.hi
	}
	acc := dd{t, 0}.add(cosHead[4])
	for k := 3; k >= 0; k-- {
		acc = acc.mul(z).add(cosHead[k])
	}
	return acc
}

// roundsSafely reports whether every value within e of v rounds to the
// same double.
func roundsSafely(v dd, e float64) bool {
	return v.hi+(v.lo+e) == v.hi+(v.lo-e)
}

const fastRelErr = 0x1p-68

// Sin is sin correctly rounded.
func Sin(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > largeArg || x == 0 {
		return slowSin(x)
	}
	k, r := reduce(x)
	var v dd
	switch k {
	case 0:
		v = fastSin(r)
	case 1:
		v = fastCos(r)
	case 2:
		v = fastSin(r).neg()
	default:
		v = fastCos(r).neg()
	}
	if roundsSafely(v, math.Abs(v.hi)*fastRelErr) {
		return v.hi + v.lo
	}
	return slowSin(x)
}

// Cos is cos correctly rounded.
func Cos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > largeArg {
		return slowCos(x)
	}
	k, r := reduce(x)
	var v dd
	switch k {
	case 0:
		v = fastCos(r)
	case 1:
		v = fastSin(r).neg()
	case 2:
		v = fastCos(r).neg()
	default:
		v = fastSin(r)
	}
	if roundsSafely(v, math.Abs(v.hi)*fastRelErr) {
		return v.hi + v.lo
	}
	return slowCos(x)
}

// Asin is asin correctly rounded; NaN outside [-1, 1].
func Asin(x float64) float64 {
	if !(x > 0 && x < 1) {
		return slowAsin(x)
	}
	// One Newton step on sin(y) = x from Go's estimate, whose error (a
	// unit in the last place or so) it squares.
	y0 := math.Asin(x)
	k, r := reduce(y0)
	var s, c dd
	if k == 0 {
		s, c = fastSin(r), fastCos(r)
	} else { // y0 > pi/4: r = y0 - pi/2
		s, c = fastCos(r), fastSin(r).neg()
	}
	if c.hi <= 0 {
		return slowAsin(x)
	}
	dy := s.sub(dd{x, 0}).hi / c.hi
	y := twoSum(y0, -dy)
	// The error of sin and cos, magnified by 1/cos near 1, plus what the
	// step leaves of the estimate's error.
	e := (fastRelErr+0x1p-100)/c.hi + dy*dy/c.hi + math.Abs(dy)*0x1p-50
	if roundsSafely(y, e) {
		return y.hi + y.lo
	}
	return slowAsin(x)
}

package geo

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// Values from Redis 7.0 (GEOADD Sicily 13.361389 38.115556 Palermo
// 15.087269 37.502669 Catania, then ZSCORE, GEOPOS, GEOHASH, GEODIST).
func TestRedisValues(t *testing.T) {
	cases := []struct {
		long, lat float64
		score     uint64
		hash      string
		pos       [2]string
	}{
		{13.361389, 38.115556, 3479099956230698, "sqc8b49rny0", [2]string{"13.36138933897018433", "38.11555639549629859"}},
		{15.087269, 37.502669, 3479447370796909, "sqdtr74hyu0", [2]string{"15.08726745843887329", "37.50266842333162032"}},
	}
	for _, c := range cases {
		s := Encode(c.long, c.lat)
		if s != c.score {
			t.Errorf("Encode(%v, %v) = %d, want %d", c.long, c.lat, s, c.score)
		}
		if h := GeohashString(float64(s)); string(h[:]) != c.hash {
			t.Errorf("GeohashString = %s, want %s", h[:], c.hash)
		}
		long, lat := Decode(float64(s))
		if got := strconv.FormatFloat(long, 'f', 17, 64); got != c.pos[0] {
			t.Errorf("longitude %s, want %s", got, c.pos[0])
		}
		if got := strconv.FormatFloat(lat, 'f', 17, 64); got != c.pos[1] {
			t.Errorf("latitude %s, want %s", got, c.pos[1])
		}
	}
	l1, a1 := Decode(3479099956230698)
	l2, a2 := Decode(3479447370796909)
	if d := strconv.FormatFloat(Distance(l1, a1, l2, a2), 'f', 4, 64); d != "166274.1516" {
		t.Errorf("Palermo-Catania = %s m, want 166274.1516", d)
	}
}

// Ensure that out-of-range scores convert as x86-64 converts them.
func TestScoreBits(t *testing.T) {
	cases := []struct {
		f    float64
		want uint64
	}{
		{0, 0}, {5, 5}, {-5, math.MaxUint64 - 4}, {math.Inf(1), 0}, {math.Inf(-1), 1 << 63},
		{1e300, 0}, {9223372036854775808, 1 << 63}, {1.8446744073709552e19, 0},
	}
	for _, c := range cases {
		if got := ScoreBits(c.f); got != c.want {
			t.Errorf("ScoreBits(%v) = %#x, want %#x", c.f, got, c.want)
		}
	}
}

// bigSinCos computes sin and cos to 300 bits.
func bigSinCos(x float64) (float64, float64) {
	const prec = 300
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	x2 := new(big.Float).SetPrec(prec).Mul(bx, bx)
	s := new(big.Float).SetPrec(prec).Set(bx)
	c := new(big.Float).SetPrec(prec).SetInt64(1)
	ts := new(big.Float).SetPrec(prec).Set(bx)
	tc := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := int64(1); n < 200; n++ {
		ts.Mul(ts, x2)
		ts.Quo(ts, new(big.Float).SetInt64((2*n)*(2*n+1)))
		ts.Neg(ts)
		s.Add(s, ts)
		tc.Mul(tc, x2)
		tc.Quo(tc, new(big.Float).SetInt64((2*n-1)*(2*n)))
		tc.Neg(tc)
		c.Add(c, tc)
	}
	fs, _ := s.Float64()
	fc, _ := c.Float64()
	return fs, fc
}

// Ensure that Sin, Cos and Asin are correctly rounded.
func TestLibmCorrectlyRounded(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 3000; i++ {
		x := (rnd.Float64()*2 - 1) * []float64{1e-8, 0.01, 1, 3.2, 40}[i%5]
		ws, wc := bigSinCos(x)
		if got := Sin(x); got != ws {
			t.Fatalf("Sin(%v) = %v, want %v", x, got, ws)
		}
		if got := Cos(x); got != wc {
			t.Fatalf("Cos(%v) = %v, want %v", x, got, wc)
		}
	}
	for i := 0; i < 2000; i++ {
		x := rnd.Float64()
		if i%3 == 0 {
			x = 1 - x*1e-12
		}
		y := Asin(x)
		// y is correctly rounded if sin of the midpoints around it
		// brackets x.
		mid := func(a, b float64) *big.Float {
			m := new(big.Float).SetPrec(300).SetFloat64(a)
			m.Add(m, new(big.Float).SetPrec(300).SetFloat64(b))
			return m.Quo(m, big.NewFloat(2))
		}
		slo := bigSin(mid(y, math.Nextafter(y, 0)))
		shi := bigSin(mid(y, math.Nextafter(y, 2)))
		bx := new(big.Float).SetPrec(300).SetFloat64(x)
		if slo.Cmp(bx) > 0 || shi.Cmp(bx) < 0 {
			t.Fatalf("Asin(%v) = %v is not the nearest double", x, y)
		}
	}
	if Asin(1.0000000000000002) == Asin(1.0000000000000002) {
		t.Error("Asin above 1 is not NaN")
	}
}

// bigSin is sin of x to 300 bits.
func bigSin(bx *big.Float) *big.Float {
	const prec = 300
	x2 := new(big.Float).SetPrec(prec).Mul(bx, bx)
	s := new(big.Float).SetPrec(prec).Set(bx)
	ts := new(big.Float).SetPrec(prec).Set(bx)
	for n := int64(1); n < 200; n++ {
		ts.Mul(ts, x2)
		ts.Quo(ts, new(big.Float).SetInt64((2*n)*(2*n+1)))
		ts.Neg(ts)
		s.Add(s, ts)
	}
	return s
}

type item struct {
	name string
	d    float64
}

func cmpItem(a, b *item) int {
	switch {
	case a.d > b.d:
		return 1
	case a.d == b.d:
		return 0
	}
	return -1
}

// Ensure that PartialSort leaves ties in Redis's order (a case compared
// with redis-server: GEORADIUSBYMEMBER ... COUNT 7 over eight points, four
// of them at distance 0), and that the requested range is always sorted.
func TestPartialSort(t *testing.T) {
	a := []item{{"-5", 0}, {"Catania", 0}, {"m", 0}, {"x y", 0}, {"2", 474.5}, {"c", 1088.7}, {"b", 13853}, {"a", 18486}}
	PartialSort(a, cmpItem, 0, 6)
	var got []string
	for _, it := range a {
		got = append(got, it.name)
	}
	want := []string{"-5", "Catania", "m", "x y", "2", "c", "b", "a"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	rnd := rand.New(rand.NewPCG(2, 2))
	for i := 0; i < 2000; i++ {
		n := 1 + rnd.IntN(120)
		a := make([]item, n)
		for j := range a {
			a[j] = item{strconv.Itoa(j), float64(rnd.IntN(1 + n/3))}
		}
		full := slices.Clone(a)
		slices.SortStableFunc(full, func(x, y item) int { return cmpItem(&x, &y) })
		hi := rnd.IntN(n)
		PartialSort(a, cmpItem, 0, hi)
		for j := 0; j <= hi; j++ {
			if a[j].d != full[j].d {
				t.Fatalf("n=%d hi=%d: position %d holds %v, want %v", n, hi, j, a[j].d, full[j].d)
			}
		}
	}
}

// Ensure that every point within the radius falls in one of the search
// cells, away from the poles (near them Redis's cells can miss points
// within the radius, and Vesta's the same ones), and that the distance
// from a point to itself is zero.
func TestAreasCover(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 3000; i++ {
		s := Shape{Kind: Circle, Long: rnd.Float64()*360 - 180, Lat: rnd.Float64()*120 - 60, Conversion: 1,
			Radius: math.Pow(10, rnd.Float64()*6.5)}
		cells := s.Areas()
		for j := 0; j < 5; j++ {
			// Not at the east or north limit, whose cells lie past the
			// 52 bits (in Redis too).
			long := min(max(s.Long+(rnd.Float64()*2-1)*s.Radius/50000, -180), 179.9)
			lat := min(max(s.Lat+(rnd.Float64()*2-1)*s.Radius/100000, -60), 60)
			score := Encode(long, lat)
			pl, pa := Decode(float64(score))
			if _, in := s.Contains(pl, pa); !in {
				continue
			}
			found := false
			for _, c := range cells {
				if c.IsZero() {
					continue
				}
				lo, hi := ScoreRange(c)
				if score >= lo && score < hi {
					found = true
				}
			}
			if !found {
				t.Fatalf("shape %+v: point (%v, %v) within the radius is in no search cell", s, pl, pa)
			}
		}
		if d := Distance(s.Long, s.Lat, s.Long, s.Lat); d != 0 {
			t.Fatalf("distance to itself %v", d)
		}
	}
}

// FuzzSearch feeds arbitrary scores and shapes to the decoder and the
// search-area computation: nothing may panic, and decoded positions stay
// within the limits.
func FuzzSearch(f *testing.F) {
	f.Add(3479099956230698.0, 15.0, 37.0, 200.0, 1000.0, 0.0)
	f.Add(math.Inf(1), 180.0, 85.05112878, 0.0, 1.0, 1e300)
	f.Add(-1.0, -180.0, -85.05112878, 1e-300, 1609.34, 5.0)
	f.Fuzz(func(t *testing.T, score, long, lat, radius, conv, height float64) {
		l, a := Decode(score)
		if !(l >= LongMin && l <= LongMax && a >= LatMin && a <= LatMax) {
			t.Fatalf("Decode(%v) = %v, %v", score, l, a)
		}
		_ = GeohashString(score)
		if long < LongMin || long > LongMax || lat < LatMin || lat > LatMax || !(radius >= 0) || !(height >= 0) || !(conv > 0) {
			return
		}
		for _, s := range []Shape{
			{Kind: Circle, Long: long, Lat: lat, Radius: radius, Conversion: conv},
			{Kind: Box, Long: long, Lat: lat, Width: radius, Height: height, Conversion: conv},
		} {
			s.Areas()
			s.Contains(l, a)
		}
	})
}

// Ensure that the fast paths of Sin, Cos and Asin round as the full
// double-double evaluations do (which TestLibmCorrectlyRounded checks),
// over arguments like those distances use and hard ones near pi/4
// multiples and 1.
func TestLibmFastMatchesSlow(t *testing.T) {
	rnd := rand.New(rand.NewPCG(4, 4))
	n := 300000
	if testing.Short() {
		n = 30000
	}
	for i := 0; i < n; i++ {
		var x float64
		switch i % 6 {
		case 0:
			x = (rnd.Float64()*2 - 1) * math.Pi
		case 1:
			x = (rnd.Float64()*2 - 1) * 1e-4
		case 2:
			x = float64(rnd.IntN(9)-4)*math.Pi/4 + (rnd.Float64()*2-1)*1e-9
		case 3:
			x = (rnd.Float64()*2 - 1) * 1000
		case 4:
			x = math.Ldexp(rnd.Float64(), -rnd.IntN(60))
		default:
			x = (rnd.Float64()*2 - 1) * 1.6
		}
		if a, b := Sin(x), slowSin(x); a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
			t.Fatalf("Sin(%v): fast %v, full %v", x, a, b)
		}
		if a, b := Cos(x), slowCos(x); a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
			t.Fatalf("Cos(%v): fast %v, full %v", x, a, b)
		}
		y := rnd.Float64()
		switch i % 4 {
		case 1:
			y = 1 - math.Ldexp(rnd.Float64(), -rnd.IntN(52))
		case 2:
			y = math.Ldexp(rnd.Float64(), -rnd.IntN(60))
		}
		if a, b := Asin(y), slowAsin(y); a != b {
			t.Fatalf("Asin(%v): fast %v, full %v", y, a, b)
		}
	}
}

// The search's prefilter may only drop points the exact distance puts
// outside: the approximate distance must never exceed the exact one by
// the margin, over the whole globe and at every scale.
func TestApproxDistanceIsConservative(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	worst := 0.0
	for i := range 200000 {
		long1, lat1 := rng.Float64()*360-180, rng.Float64()*170.1-85.05
		// Nearby points at several scales, and far ones.
		scale := []float64{1e-7, 1e-4, 1e-2, 1, 180}[i%5]
		long2 := math.Max(-180, math.Min(180, long1+(rng.Float64()*2-1)*scale))
		lat2 := math.Max(-85.05, math.Min(85.05, lat1+(rng.Float64()*2-1)*scale))
		d := Distance(long1, lat1, long2, lat2)
		a := approxDistance(long1, lat1, long2, lat2)
		if surelyBeyond(a, d) {
			t.Fatalf("(%v,%v)-(%v,%v): approximate %v is beyond the exact %v", long1, lat1, long2, lat2, a, d)
		}
		if d > 1 {
			worst = math.Max(worst, math.Abs(a-d)/d)
		}
	}
	if worst > 1e-12 {
		t.Errorf("approximate distance is off by a relative %g: the margin assumes 1e-15", worst)
	}
}

package geo

import "math"

// Redis's constants.
const (
	EarthRadius = 6372797.560856 // meters
	mercatorMax = 20037726.37
)

// degToRad is C's M_PI / 180.0: the double nearest pi, divided by 180 in
// double (a constant expression in Go would round only once).
var degToRad = pi / 180.0

var pi float64 = math.Pi

func degRad(a float64) float64 { return a * degToRad }
func radDeg(a float64) float64 { return a / degToRad }

// latDistance is the distance along a meridian.
func latDistance(lat1, lat2 float64) float64 {
	return EarthRadius * math.Abs(degRad(lat2)-degRad(lat1))
}

// Distance is the haversine great-circle distance in meters.
func Distance(long1, lat1, long2, lat2 float64) float64 {
	l1 := degRad(long1)
	l2 := degRad(long2)
	v := Sin((l2 - l1) / 2)
	if v == 0 {
		return latDistance(lat1, lat2)
	}
	r1 := degRad(lat1)
	r2 := degRad(lat2)
	u := Sin((r2 - r1) / 2)
	a := float64(u*u) + float64(float64(float64(Cos(r1)*Cos(r2))*v)*v)
	return 2.0 * EarthRadius * Asin(math.Sqrt(a))
}

// approxDistance is Distance computed with Go's math functions instead of
// the glibc-identical ones, which are several times slower. The two agree
// to within a few units in the last place, so a point that approxDistance
// puts beyond a limit by more than [approxMargin] is beyond it for
// Distance too: searches use it to drop most candidates of a cell without
// the exact computation, and compute the exact distance (the one replies
// show and sort by) only for the points that may be inside.
func approxDistance(long1, lat1, long2, lat2 float64) float64 {
	l1 := degRad(long1)
	l2 := degRad(long2)
	v := math.Sin((l2 - l1) / 2)
	if v == 0 {
		return latDistance(lat1, lat2)
	}
	r1 := degRad(lat1)
	r2 := degRad(lat2)
	u := math.Sin((r2 - r1) / 2)
	a := u*u + math.Cos(r1)*math.Cos(r2)*v*v
	return 2.0 * EarthRadius * math.Asin(math.Sqrt(a))
}

// surelyBeyond reports whether approximate distance d is certainly
// greater than limit as Distance computes it: by a relative margin far
// above the functions' disagreement (about 1e-15), plus a micrometre for
// limits near zero.
func surelyBeyond(d, limit float64) bool { return d > limit*(1+1e-9)+1e-6 }

// surelyWithin reports whether approximate distance d is certainly at most
// limit as Distance computes it (the mirror of surelyBeyond).
func surelyWithin(d, limit float64) bool { return d < limit*(1-1e-9)-1e-6 }

// SurelyLess reports whether approximate distances a < b imply that the
// exact distances compare the same way: they differ by more than both
// approximations can be off.
func SurelyLess(a, b float64) bool { return a*(1+1e-9)+1e-6 < b*(1-1e-9)-1e-6 }

// Locate is Contains for searches that may not need the exact distance:
// it reports whether the point is in the shape, its approximate distance
// from the centre, and the exact one when deciding membership needed it
// (exact > 0 or haveExact). Exact computes it otherwise.
func (s *Shape) Locate(long, lat float64) (approx, exact float64, haveExact, in bool) {
	if s.Kind == Circle {
		f := s.circle
		if f == nil {
			f = newCircleFilter(s)
			s.circle = f
		}
		r2 := degRad(lat)
		if math.Abs(r2-f.lat0) > f.maxDLat {
			return 0, 0, false, false
		}
		v := math.Sin((degRad(long) - f.long0) / 2)
		u := math.Sin((r2 - f.lat0) / 2)
		t := u*u + f.cosLat0*math.Cos(r2)*v*v
		if t > f.aBeyond {
			return 0, 0, false, false
		}
		a := 2.0 * EarthRadius * math.Asin(math.Sqrt(t))
		if v == 0 {
			a = latDistance(s.Lat, lat)
		}
		if t < f.aWithin {
			return a, 0, false, true
		}
		d := Distance(s.Long, s.Lat, long, lat)
		return a, d, true, d <= f.limit
	}
	w, h := float64(s.Width*s.Conversion), float64(s.Height*s.Conversion)
	if latDistance(lat, s.Lat) > h/2 {
		return 0, 0, false, false
	}
	if a := approxDistance(long, lat, s.Long, lat); surelyBeyond(a, w/2) || !surelyWithin(a, w/2) && Distance(long, lat, s.Long, lat) > w/2 {
		return 0, 0, false, false
	}
	return approxDistance(s.Long, s.Lat, long, lat), 0, false, true
}

// Exact is the exact distance of a point from the shape's centre.
func (s *Shape) Exact(long, lat float64) float64 { return Distance(s.Long, s.Lat, long, lat) }

// ShapeKind is the kind of search area.
type ShapeKind uint8

// Search areas.
const (
	Circle ShapeKind = iota + 1
	Box
)

// Shape is a search area around a centre: a circle of Radius, or a box of
// Width by Height, in the unit whose size in meters is Conversion.
type Shape struct {
	Kind                  ShapeKind
	Long, Lat             float64
	Conversion            float64
	Radius, Width, Height float64

	circle *circleFilter // Locate's precomputed bounds, made on first use
}

// circleFilter holds what Locate needs to decide most points of a circle
// search without a square root or an arcsine: the haversine term a of a
// point at distance d is sin²(d/2R), increasing in d, so comparing a with
// the terms of the radius (widened by surelyBeyond's margins) decides
// "surely outside" and "surely inside" directly.
type circleFilter struct {
	limit            float64 // the radius in meters
	long0, lat0      float64 // the centre in radians
	cosLat0          float64
	maxDLat          float64 // a larger latitude difference (radians) is surely outside
	aBeyond, aWithin float64
}

func newCircleFilter(s *Shape) *circleFilter {
	limit := float64(s.Radius * s.Conversion)
	f := &circleFilter{limit: limit, long0: degRad(s.Long), lat0: degRad(s.Lat)}
	f.cosLat0 = math.Cos(f.lat0)
	hi := limit*(1+1e-9) + 1e-6 // surelyBeyond's bound
	lo := limit*(1-1e-9) - 1e-6 // surelyWithin's
	// The great-circle distance is at least the meridian distance.
	f.maxDLat = hi / EarthRadius
	term := func(d float64) float64 {
		x := math.Sin(d / (2 * EarthRadius))
		return x * x
	}
	f.aBeyond = math.Inf(1)
	if hi/(2*EarthRadius) < math.Pi/2 {
		f.aBeyond = term(hi) * (1 + 1e-12)
	}
	f.aWithin = -1
	if lo > 0 {
		f.aWithin = term(lo) * (1 - 1e-12)
		if lo/(2*EarthRadius) >= math.Pi/2 {
			f.aWithin = 2 // every distance is within
		}
	}
	return f
}

// Contains reports whether the point is in the shape and its distance from
// the centre in meters.
func (s *Shape) Contains(long, lat float64) (float64, bool) {
	if s.Kind == Circle {
		if surelyBeyond(approxDistance(s.Long, s.Lat, long, lat), float64(s.Radius*s.Conversion)) {
			return 0, false
		}
		d := Distance(s.Long, s.Lat, long, lat)
		if d > float64(s.Radius*s.Conversion) {
			return 0, false
		}
		return d, true
	}
	w, h := float64(s.Width*s.Conversion), float64(s.Height*s.Conversion)
	if latDistance(lat, s.Lat) > h/2 {
		return 0, false
	}
	if surelyBeyond(approxDistance(long, lat, s.Long, lat), w/2) || Distance(long, lat, s.Long, lat) > w/2 {
		return 0, false
	}
	return Distance(s.Long, s.Lat, long, lat), true
}

// estimateSteps is geohashEstimateStepsByRadius.
func estimateSteps(meters, lat float64) uint8 {
	if meters == 0 {
		return 26
	}
	step := 1
	for meters < mercatorMax {
		meters *= 2
		step++
	}
	step -= 2
	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	step = max(1, min(step, 26))
	return uint8(step)
}

// boundingBox is geohashBoundingBox: min long, min lat, max long, max lat.
func (s *Shape) boundingBox() [4]float64 {
	var height, width float64
	if s.Kind == Circle {
		height = float64(s.Conversion * s.Radius)
		width = height
	} else {
		height = s.Conversion * (s.Height / 2)
		width = s.Conversion * (s.Width / 2)
	}
	latDelta := radDeg(height / EarthRadius)
	longDeltaTop := radDeg(width / EarthRadius / Cos(degRad(s.Lat+latDelta)))
	longDeltaBottom := radDeg(width / EarthRadius / Cos(degRad(s.Lat-latDelta)))
	var b [4]float64
	if s.Lat < 0 {
		b[0] = s.Long - longDeltaBottom
		b[2] = s.Long + longDeltaBottom
	} else {
		b[0] = s.Long - longDeltaTop
		b[2] = s.Long + longDeltaTop
	}
	b[1] = s.Lat - latDelta
	b[3] = s.Lat + latDelta
	return b
}

// Areas returns the cells to scan for a search, Redis's
// geohashCalculateAreasByShapeWGS84: the centre's cell at the step that
// fits the shape (one step coarser if a neighbour would not reach the
// bounding box), then its eight neighbours, those wholly outside the
// bounding box cleared. Cleared cells are zero and are skipped.
func (s *Shape) Areas() [9]Hash {
	b := s.boundingBox()
	minLong, minLat, maxLong, maxLat := b[0], b[1], b[2], b[3]
	var meters float64
	if s.Kind == Circle {
		meters = s.Radius
	} else {
		hw, hh := s.Width/2, s.Height/2
		meters = math.Sqrt(float64(hw*hw) + float64(hh*hh))
	}
	meters *= s.Conversion
	steps := estimateSteps(meters, s.Lat)

	hash, _ := encode(wgsLong, wgsLat, s.Long, s.Lat, steps)
	nb := neighboursOf(hash)
	area, _ := decode(wgsLong, wgsLat, hash)

	decrease := false
	if a, _ := decode(wgsLong, wgsLat, nb.north); a.Lat.Max < maxLat {
		decrease = true
	}
	if a, _ := decode(wgsLong, wgsLat, nb.south); a.Lat.Min > minLat {
		decrease = true
	}
	if a, _ := decode(wgsLong, wgsLat, nb.east); a.Long.Max < maxLong {
		decrease = true
	}
	if a, _ := decode(wgsLong, wgsLat, nb.west); a.Long.Min > minLong {
		decrease = true
	}
	if steps > 1 && decrease {
		steps--
		hash, _ = encode(wgsLong, wgsLat, s.Long, s.Lat, steps)
		nb = neighboursOf(hash)
		area, _ = decode(wgsLong, wgsLat, hash)
	}
	if steps >= 2 {
		if area.Lat.Min < minLat {
			nb.south, nb.southWest, nb.southEast = Hash{}, Hash{}, Hash{}
		}
		if area.Lat.Max > maxLat {
			nb.north, nb.northEast, nb.northWest = Hash{}, Hash{}, Hash{}
		}
		if area.Long.Min < minLong {
			nb.west, nb.southWest, nb.northWest = Hash{}, Hash{}, Hash{}
		}
		if area.Long.Max > maxLong {
			nb.east, nb.southEast, nb.northEast = Hash{}, Hash{}, Hash{}
		}
	}
	return [9]Hash{hash, nb.north, nb.south, nb.east, nb.west,
		nb.northEast, nb.northWest, nb.southEast, nb.southWest}
}

// ScoreRange returns the scores [min, max) of the points in a cell.
func ScoreRange(h Hash) (min, max uint64) {
	min = align52(h)
	h.Bits++
	return min, align52(h)
}

// IsZero reports a cell cleared from the search.
func (h Hash) IsZero() bool { return h.isZero() }

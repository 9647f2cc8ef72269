// Package geo is Redis 7.0's geospatial index: the 52-bit interleaved
// geohash that GEOADD stores as a sorted-set score (latitude limited to
// ±85.05112878 as in EPSG:900913), its decoding to the centre of the cell,
// the standard base-32 geohash GEOHASH prints, the search areas (a cell of
// the step that fits the radius, and its eight neighbours, some of them
// excluded) that GEOSEARCH scans by score range, haversine distances with
// Redis's earth radius, and the partial quicksort Redis orders a limited
// result with. Numbers follow Redis's C operation by operation, so that
// scores, positions and distances are the same doubles.
package geo

import "math"

// Limits of the coordinates GEOADD accepts.
const (
	LongMin = -180.0
	LongMax = 180.0
	LatMin  = -85.05112878
	LatMax  = 85.05112878
	// StepMax is the precision of stored hashes: 26 bits per coordinate.
	StepMax = 26
)

// Hash is a geohash of step bits per coordinate, longitude bits in the odd
// positions and latitude bits in the even ones.
type Hash struct {
	Bits uint64
	Step uint8
}

// isZero reports a hash cleared from the search (Redis's HASHISZERO).
func (h Hash) isZero() bool { return h.Bits == 0 && h.Step == 0 }

// Range is an interval of one coordinate.
type Range struct{ Min, Max float64 }

// Area is the cell a hash stands for.
type Area struct {
	Hash      Hash
	Long, Lat Range
}

var (
	wgsLong = Range{LongMin, LongMax}
	wgsLat  = Range{LatMin, LatMax}
)

// spread moves the 32 bits of v to the even bit positions.
func spread(v uint64) uint64 {
	v = (v | v<<16) & 0x0000FFFF0000FFFF
	v = (v | v<<8) & 0x00FF00FF00FF00FF
	v = (v | v<<4) & 0x0F0F0F0F0F0F0F0F
	v = (v | v<<2) & 0x3333333333333333
	v = (v | v<<1) & 0x5555555555555555
	return v
}

// squash gathers the even bits of v into its low 32 bits.
func squash(v uint64) uint64 {
	v &= 0x5555555555555555
	v = (v | v>>1) & 0x3333333333333333
	v = (v | v>>2) & 0x0F0F0F0F0F0F0F0F
	v = (v | v>>4) & 0x00FF00FF00FF00FF
	v = (v | v>>8) & 0x0000FFFF0000FFFF
	v = (v | v>>16) & 0x00000000FFFFFFFF
	return v
}

// toUint32 converts a non-negative offset as C's conversion to uint32_t
// does on x86-64 (through a 64-bit integer).
func toUint32(f float64) uint64 { return uint64(uint32(int64(f))) }

// encode is geohashEncode: the cell of (long, lat) at step bits per
// coordinate within the given ranges; ok is false outside them.
func encode(longR, latR Range, long, lat float64, step uint8) (Hash, bool) {
	if step > 32 || step == 0 {
		return Hash{}, false
	}
	if long > 180 || long < -180 || lat > 85.05112878 || lat < -85.05112878 {
		return Hash{}, false
	}
	h := Hash{Step: step}
	if lat < latR.Min || lat > latR.Max || long < longR.Min || long > longR.Max {
		return h, false
	}
	latOff := (lat - latR.Min) / (latR.Max - latR.Min)
	longOff := (long - longR.Min) / (longR.Max - longR.Min)
	latOff *= float64(uint64(1) << step)
	longOff *= float64(uint64(1) << step)
	h.Bits = spread(toUint32(latOff)) | spread(toUint32(longOff))<<1
	return h, true
}

// Encode returns the 52-bit score GEOADD stores for a position, which must
// be within the limits.
func Encode(long, lat float64) uint64 {
	h, _ := encode(wgsLong, wgsLat, long, lat, StepMax)
	return align52(h)
}

// align52 shifts a hash to 52 bits.
func align52(h Hash) uint64 { return h.Bits << (52 - 2*uint(h.Step)) }

// decode is geohashDecode: the cell a hash stands for.
func decode(longR, latR Range, h Hash) (Area, bool) {
	if h.isZero() {
		return Area{}, false
	}
	a := Area{Hash: h}
	lat := uint32(squash(h.Bits))
	long := uint32(squash(h.Bits >> 1))
	div := float64(uint64(1) << h.Step)
	latScale := latR.Max - latR.Min
	longScale := longR.Max - longR.Min
	// Each product is rounded on its own (float64() keeps the compiler
	// from fusing it with the addition), as in C.
	a.Lat.Min = latR.Min + float64(float64(lat)/div*latScale)
	a.Lat.Max = latR.Min + float64(float64(lat+1)/div*latScale)
	a.Long.Min = longR.Min + float64(float64(long)/div*longScale)
	a.Long.Max = longR.Min + float64(float64(long+1)/div*longScale)
	return a, true
}

// center is geohashDecodeAreaToLongLat: the middle of the cell, clamped to
// the limits.
func (a Area) center() (long, lat float64) {
	long = (a.Long.Min + a.Long.Max) / 2
	long = min(max(long, LongMin), LongMax) // the builtins: math.Min and math.Max are calls
	lat = (a.Lat.Min + a.Lat.Max) / 2
	lat = min(max(lat, LatMin), LatMax)
	return long, lat
}

// ScoreBits converts a sorted-set score to the hash bits as C's
// (uint64_t) cast does on x86-64, out-of-range scores included.
func ScoreBits(score float64) uint64 {
	const two63 = 9223372036854775808.0
	if score >= two63 {
		return uint64(cvttsd2si(score-two63)) ^ 1<<63
	}
	return uint64(cvttsd2si(score))
}

// cvttsd2si is x86-64's truncating conversion: the "integer indefinite"
// value 1<<63 for NaN and out-of-range values.
func cvttsd2si(f float64) int64 {
	if f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(f)
}

// Decode returns the position a score stands for: the centre of its cell.
func Decode(score float64) (long, lat float64) {
	a, _ := decode(wgsLong, wgsLat, Hash{Bits: ScoreBits(score), Step: StepMax})
	return a.center()
}

// GeohashString is what GEOHASH prints for a score: the position
// re-encoded with the standard latitude range ±90, in 11 base-32
// characters, the last always '0'.
func GeohashString(score float64) [11]byte {
	const alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"
	long, lat := Decode(score)
	h, _ := encode(Range{-180, 180}, Range{-90, 90}, long, lat, 26)
	var out [11]byte
	for i := 0; i < 11; i++ {
		idx := uint64(0)
		if i < 10 {
			idx = h.Bits >> (52 - (i+1)*5) & 0x1f
		}
		out[i] = alphabet[idx]
	}
	return out
}

// neighbours of a cell, in Redis's order of use.
type neighbours struct {
	north, south, east, west                   Hash
	northEast, northWest, southEast, southWest Hash
}

func moveX(h Hash, d int) Hash {
	if d == 0 {
		return h
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := uint64(0x5555555555555555) >> (64 - 2*uint(h.Step))
	if d > 0 {
		x += zz + 1
	} else {
		x |= zz
		x -= zz + 1
	}
	x &= 0xaaaaaaaaaaaaaaaa >> (64 - 2*uint(h.Step))
	h.Bits = x | y
	return h
}

func moveY(h Hash, d int) Hash {
	if d == 0 {
		return h
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := uint64(0xaaaaaaaaaaaaaaaa) >> (64 - 2*uint(h.Step))
	if d > 0 {
		y += zz + 1
	} else {
		y |= zz
		y -= zz + 1
	}
	y &= 0x5555555555555555 >> (64 - 2*uint(h.Step))
	h.Bits = x | y
	return h
}

func neighboursOf(h Hash) neighbours {
	return neighbours{
		east:      moveX(h, 1),
		west:      moveX(h, -1),
		south:     moveY(h, -1),
		north:     moveY(h, 1),
		northWest: moveY(moveX(h, -1), 1),
		southWest: moveY(moveX(h, -1), -1),
		northEast: moveY(moveX(h, 1), 1),
		southEast: moveY(moveX(h, 1), -1),
	}
}

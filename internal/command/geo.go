package command

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/vestadb/vesta/internal/geo"
	"github.com/vestadb/vesta/internal/types/zset"
)

// Geo commands. A geo set is a sorted set whose scores are 52-bit geohashes
// (internal/geo); GEOADD is ZADD with the positions encoded, and is
// propagated as that ZADD, as Redis does. The searches (GEORADIUS and
// GEORADIUSBYMEMBER with their _RO forms, GEOSEARCH, GEOSEARCHSTORE) share
// Redis's georadiusGeneric: its argument parsing and error order, the
// scan of the nine cells by score range, the sort (stable for a full sort,
// Redis's partial quicksort when COUNT cuts the result), and the reply or
// the stored set. The stores are propagated as the commands themselves.

// Error replies of the geo commands, worded as Redis 7.0 words them.
const (
	ErrGeoUnit        = "ERR unsupported unit provided. please use M, KM, FT, MI"
	ErrGeoRadius      = "ERR need numeric radius"
	ErrGeoRadiusNeg   = "ERR radius cannot be negative"
	ErrGeoWidth       = "ERR need numeric width"
	ErrGeoHeight      = "ERR need numeric height"
	ErrGeoBoxNeg      = "ERR height or width cannot be negative"
	ErrGeoMember      = "ERR could not decode requested zset member"
	ErrGeoCount       = "ERR COUNT must be > 0"
	ErrGeoAnyCount    = "ERR the ANY argument requires COUNT argument"
	ErrGeoStoreWith   = "ERR %s is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
	ErrGeoFrom        = "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for %s"
	ErrGeoBy          = "ERR exactly one of BYRADIUS and BYBOX can be specified for %s"
	ErrGeoInvalidPair = "ERR invalid longitude,latitude pair %s,%s"
)

// Variants of the search.
const (
	geoCoords  = 1 << iota // center given as longitude, latitude
	geoMember              // center given as a member
	geoNoStore             // no STORE/STOREDIST (the _RO forms)
	geoSearch              // GEOSEARCH argument syntax
	geoSearchStore
)

func registerGeo(t *Table) {
	t.Define("geoadd", cmdGeoAdd)
	t.Define("geodist", cmdGeoDist)
	t.Define("geohash", cmdGeoHash)
	t.Define("geopos", cmdGeoPos)
	t.Define("georadius", func(c *Ctx) { geoSearchGeneric(c, 1, geoCoords) })
	t.Define("georadius_ro", func(c *Ctx) { geoSearchGeneric(c, 1, geoCoords|geoNoStore) })
	t.Define("georadiusbymember", func(c *Ctx) { geoSearchGeneric(c, 1, geoMember) })
	t.Define("georadiusbymember_ro", func(c *Ctx) { geoSearchGeneric(c, 1, geoMember|geoNoStore) })
	t.Define("geosearch", func(c *Ctx) { geoSearchGeneric(c, 1, geoSearch) })
	t.Define("geosearchstore", func(c *Ctx) { geoSearchGeneric(c, 2, geoSearch|geoSearchStore) })
}

// cFloat formats f as C's printf("%f") does.
func cFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}

// geoLongLat parses a longitude and a latitude as extractLongLatOrReply.
func geoLongLat(c *Ctx, args [][]byte) (long, lat float64, ok bool) {
	var xy [2]float64
	for i := range xy {
		if xy[i], ok = zset.ParseScore(args[i]); !ok {
			c.Error(ErrNotFloat)
			return 0, 0, false
		}
	}
	if xy[0] < geo.LongMin || xy[0] > geo.LongMax || xy[1] < geo.LatMin || xy[1] > geo.LatMax {
		c.Error(fmt.Sprintf(ErrGeoInvalidPair, cFloat(xy[0]), cFloat(xy[1])))
		return 0, 0, false
	}
	return xy[0], xy[1], true
}

// geoUnit returns the size of a unit in meters, or replies the error.
func geoUnit(c *Ctx, u []byte) (float64, bool) {
	switch {
	case eq(u, "M"):
		return 1, true
	case eq(u, "KM"):
		return 1000, true
	case eq(u, "FT"):
		return 0.3048, true
	case eq(u, "MI"):
		return 1609.34, true
	}
	c.Error(ErrGeoUnit)
	return 0, false
}

// geoDistanceArg parses "<radius> <unit>".
func geoDistanceArg(c *Ctx, args [][]byte) (radius, conversion float64, ok bool) {
	radius, ok = zset.ParseScore(args[0])
	if !ok {
		c.Error(ErrGeoRadius)
		return 0, 0, false
	}
	if radius < 0 {
		c.Error(ErrGeoRadiusNeg)
		return 0, 0, false
	}
	conversion, ok = geoUnit(c, args[1])
	return radius, conversion, ok
}

// geoBoxArg parses "<width> <height> <unit>".
func geoBoxArg(c *Ctx, args [][]byte) (width, height, conversion float64, ok bool) {
	width, ok = zset.ParseScore(args[0])
	if !ok {
		c.Error(ErrGeoWidth)
		return 0, 0, 0, false
	}
	height, ok = zset.ParseScore(args[1])
	if !ok {
		c.Error(ErrGeoHeight)
		return 0, 0, 0, false
	}
	if height < 0 || width < 0 {
		c.Error(ErrGeoBoxNeg)
		return 0, 0, 0, false
	}
	conversion, ok = geoUnit(c, args[2])
	return width, height, conversion, ok
}

// geoDistanceText is addReplyDoubleDistance's "%.4f".
func geoDistanceText(d float64) []byte {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return []byte(cFloat(d))
	}
	return strconv.AppendFloat(nil, d, 'f', 4, 64)
}

// geoCoord replies a coordinate as addReplyHumanLongDouble: "%.17Lf" with
// the trailing zeros cut, a bulk string in RESP2 and a double in RESP3.
func geoCoord(c *Ctx, f float64) {
	s := strconv.FormatFloat(f, 'f', 17, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		s = "0"
	}
	if c.W.Proto >= 3 {
		c.W.Raw([]byte("," + s + "\r\n"))
		return
	}
	c.W.BulkString(s)
}

func cmdGeoAdd(c *Ctx) {
	xx, nx := false, false
	i := 2
options:
	for ; i < len(c.Args); i++ {
		switch a := c.Args[i]; {
		case eq(a, "NX"):
			nx = true
		case eq(a, "XX"):
			xx = true
		case eq(a, "CH"):
		default:
			break options
		}
	}
	if (len(c.Args)-i)%3 != 0 || (xx && nx) {
		c.SyntaxError()
		return
	}
	n := (len(c.Args) - i) / 3
	args := make([][]byte, 0, i+2*n)
	args = append(args, []byte("zadd"))
	args = append(args, c.Args[1:i]...)
	for j := 0; j < n; j++ {
		el := c.Args[i+3*j:]
		long, lat, ok := geoLongLat(c, el)
		if !ok {
			return
		}
		args = append(args, strconv.AppendUint(nil, geo.Encode(long, lat), 10), el[2])
	}
	// Redis turns the command into ZADD, which it runs and propagates.
	orig := c.Args
	c.Args = args
	zaddGeneric(c, 0)
	c.Args = orig
	c.Rewrite(args...)
}

func cmdGeoDist(c *Ctx) {
	toMeters := 1.0
	if len(c.Args) == 5 {
		var ok bool
		if toMeters, ok = geoUnit(c, c.Args[4]); !ok {
			return
		}
	} else if len(c.Args) > 5 {
		c.SyntaxError()
		return
	}
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Null()
		return
	}
	s1, ok1 := z.Score(c.Args[2])
	s2, ok2 := z.Score(c.Args[3])
	if !ok1 || !ok2 {
		c.W.Null()
		return
	}
	long1, lat1 := geo.Decode(s1)
	long2, lat2 := geo.Decode(s2)
	c.W.Bulk(geoDistanceText(geo.Distance(long1, lat1, long2, lat2) / toMeters))
}

func cmdGeoHash(c *Ctx) {
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		if z != nil {
			if s, found := z.Score(m); found {
				h := geo.GeohashString(s)
				c.W.Bulk(h[:])
				continue
			}
		}
		c.W.Null()
	}
}

func cmdGeoPos(c *Ctx) {
	z, ok := zsetRead(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		if z != nil {
			if s, found := z.Score(m); found {
				long, lat := geo.Decode(s)
				c.W.Array(2)
				geoCoord(c, long)
				geoCoord(c, lat)
				continue
			}
		}
		c.W.NullArray()
	}
}

// geoPoint is a search result.
type geoPoint struct {
	long, lat, dist, score float64
	member                 []byte
	// approx is the distance by Go's math functions; dist is the exact
	// one (Redis's, glibc-identical) once exact is set. The exact
	// functions cost several times more, so a search computes dist only
	// where approx cannot decide: a point near the radius, two points
	// whose order is within approx's error, and the points it returns.
	approx float64
	exact  bool
}

// exactDist returns p's exact distance from the shape's centre, computing
// it on first use.
func (p *geoPoint) exactDist(shape *geo.Shape) float64 {
	if !p.exact {
		p.dist, p.exact = shape.Exact(p.long, p.lat), true
	}
	return p.dist
}

// geoMemberPos is longLatFromMember.
func geoMemberPos(z *zset.ZSet, member []byte) (long, lat float64, ok bool) {
	s, found := z.Score(member)
	if !found {
		return 0, 0, false
	}
	long, lat = geo.Decode(s)
	return long, lat, true
}

// geoSearchGeneric is Redis's georadiusGeneric.
func geoSearchGeneric(c *Ctx, srcIdx int, flags int) {
	z, ok := zsetRead(c, c.Args[srcIdx])
	if !ok {
		return
	}
	var shape geo.Shape
	var storeKey []byte
	storeDist := false
	var base int
	switch {
	case flags&geoCoords != 0:
		base = 6
		shape.Kind = geo.Circle
		if shape.Long, shape.Lat, ok = geoLongLat(c, c.Args[2:]); !ok {
			return
		}
		if shape.Radius, shape.Conversion, ok = geoDistanceArg(c, c.Args[base-2:]); !ok {
			return
		}
	case flags&geoMember != 0 && z == nil:
		base = 5
	case flags&geoMember != 0:
		base = 5
		shape.Kind = geo.Circle
		if shape.Long, shape.Lat, ok = geoMemberPos(z, c.Args[2]); !ok {
			c.Error(ErrGeoMember)
			return
		}
		if shape.Radius, shape.Conversion, ok = geoDistanceArg(c, c.Args[base-2:]); !ok {
			return
		}
	default: // GEOSEARCH, GEOSEARCHSTORE
		base = 2
		if flags&geoSearchStore != 0 {
			base = 3
			storeKey = c.Args[1]
		}
	}

	withDist, withHash, withCoord := false, false, false
	fromMember, fromLoc, byRadius, byBox := false, false, false, false
	sortOrder := 0 // 0 none, 1 asc, 2 desc
	anyOpt := false
	var count int64
	rest := c.Args[base:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		left := len(rest) - i - 1 // arguments after this one
		switch {
		case eq(a, "WITHDIST"):
			withDist = true
		case eq(a, "WITHHASH"):
			withHash = true
		case eq(a, "WITHCOORD"):
			withCoord = true
		case eq(a, "ANY"):
			anyOpt = true
		case eq(a, "ASC"):
			sortOrder = 1
		case eq(a, "DESC"):
			sortOrder = 2
		case eq(a, "COUNT") && left >= 1:
			n, ok := ParseInt(rest[i+1])
			if !ok {
				c.Error(ErrNotInt)
				return
			}
			if n <= 0 {
				c.Error(ErrGeoCount)
				return
			}
			count = n
			i++
		case eq(a, "STORE") && left >= 1 && flags&(geoNoStore|geoSearch) == 0:
			storeKey, storeDist = rest[i+1], false
			i++
		case eq(a, "STOREDIST") && left >= 1 && flags&(geoNoStore|geoSearch) == 0:
			storeKey, storeDist = rest[i+1], true
			i++
		case eq(a, "STOREDIST") && flags&geoSearch != 0 && flags&geoSearchStore != 0:
			storeDist = true
		case eq(a, "FROMMEMBER") && left >= 1 && flags&geoSearch != 0 && !fromLoc:
			if z != nil {
				if shape.Long, shape.Lat, ok = geoMemberPos(z, rest[i+1]); !ok {
					c.Error(ErrGeoMember)
					return
				}
			}
			fromMember = true
			i++
		case eq(a, "FROMLONLAT") && left >= 2 && flags&geoSearch != 0 && !fromMember:
			if shape.Long, shape.Lat, ok = geoLongLat(c, rest[i+1:]); !ok {
				return
			}
			fromLoc = true
			i += 2
		case eq(a, "BYRADIUS") && left >= 2 && flags&geoSearch != 0 && !byBox:
			if shape.Radius, shape.Conversion, ok = geoDistanceArg(c, rest[i+1:]); !ok {
				return
			}
			shape.Kind = geo.Circle
			byRadius = true
			i += 2
		case eq(a, "BYBOX") && left >= 3 && flags&geoSearch != 0 && !byRadius:
			if shape.Width, shape.Height, shape.Conversion, ok = geoBoxArg(c, rest[i+1:]); !ok {
				return
			}
			shape.Kind = geo.Box
			byBox = true
			i += 3
		default:
			c.SyntaxError()
			return
		}
	}

	if storeKey != nil && (withDist || withHash || withCoord) {
		what := "STORE option in GEORADIUS"
		if flags&geoSearchStore != 0 {
			what = "GEOSEARCHSTORE"
		}
		c.Error(fmt.Sprintf(ErrGeoStoreWith, what))
		return
	}
	if flags&geoSearch != 0 && !(fromMember || fromLoc) {
		c.Error(fmt.Sprintf(ErrGeoFrom, string(cString(c.Args[0]))))
		return
	}
	if flags&geoSearch != 0 && !(byRadius || byBox) {
		c.Error(fmt.Sprintf(ErrGeoBy, string(cString(c.Args[0]))))
		return
	}
	if anyOpt && count == 0 {
		c.Error(ErrGeoAnyCount)
		return
	}

	if z == nil {
		if storeKey != nil {
			if c.DB.Unlink(storeKey) != nil {
				c.Changed(storeKey)
				c.Notify(NotifyGeneric, "del", storeKey)
			}
			c.W.Int(0)
		} else {
			c.W.Array(0)
		}
		return
	}

	if count != 0 && sortOrder == 0 && !anyOpt {
		sortOrder = 1
	}
	limit := int64(0)
	if anyOpt {
		limit = count
	}
	points := geoScan(z, &shape, limit)
	if len(points) == 0 && storeKey == nil {
		c.W.Array(0)
		return
	}
	returned := int64(len(points))
	if count != 0 && count < returned {
		returned = count
	}
	if sortOrder != 0 {
		// Ordered by the exact distances, as Redis orders them: approx
		// decides a comparison when it is certain, the exact distances
		// of both points otherwise (so the sort makes the same
		// comparisons with the same outcomes, ties included).
		asc := func(x, y *geoPoint) int {
			switch {
			case geo.SurelyLess(x.approx, y.approx):
				return -1
			case geo.SurelyLess(y.approx, x.approx):
				return 1
			}
			dx, dy := x.exactDist(&shape), y.exactDist(&shape)
			switch {
			case dx > dy:
				return 1
			case dx == dy:
				return 0
			}
			return -1
		}
		cmp := asc
		if sortOrder == 2 {
			cmp = func(x, y *geoPoint) int { return -asc(x, y) }
		}
		if returned == int64(len(points)) {
			// glibc's qsort is a merge sort: stable.
			sort.SliceStable(points, func(i, j int) bool { return cmp(&points[i], &points[j]) < 0 })
		} else {
			geo.PartialSort(points, cmp, 0, int(returned-1))
		}
	}
	points = points[:returned]
	for i := range points {
		points[i].dist = points[i].exactDist(&shape) / shape.Conversion
	}

	if storeKey == nil {
		options := 0
		for _, w := range []bool{withDist, withCoord, withHash} {
			if w {
				options++
			}
		}
		c.W.Array(len(points))
		for i := range points {
			p := &points[i]
			if options > 0 {
				c.W.Array(options + 1)
			}
			c.W.Bulk(p.member)
			if withDist {
				c.W.Bulk(geoDistanceText(p.dist))
			}
			if withHash {
				c.W.Int(int64(geo.ScoreBits(p.score)))
			}
			if withCoord {
				c.W.Array(2)
				geoCoord(c, p.long)
				geoCoord(c, p.lat)
			}
		}
		return
	}

	if len(points) == 0 {
		if c.DB.Unlink(storeKey) != nil {
			c.Changed(storeKey)
			c.Notify(NotifyGeneric, "del", storeKey)
		}
		c.W.Int(0)
		return
	}
	b := zset.NewBuilder(len(points))
	for i := range points {
		score := points[i].score
		if storeDist {
			score = points[i].dist
		}
		b.Add(points[i].member, score)
	}
	dst, err := b.Build(c.zsetLimits())
	if err != nil {
		c.Error(ErrZAddNaN) // a NaN distance, which Redis would not survive
		return
	}
	c.DB.LookupWrite(storeKey) // expires a stale key first, as setKey does
	c.DB.SetObject(storeKey, dst, false)
	c.DB.Signal(storeKey)
	if flags&geoSearch != 0 {
		c.Notify(NotifyZSet, "geosearchstore", storeKey)
	} else {
		c.Notify(NotifyZSet, "georadiusstore", storeKey)
	}
	c.Dirty(len(points))
	c.W.Int(int64(len(points)))
}

// geoScan collects the members in the search cells that fall in the shape,
// cell by cell in Redis's order, stopping once limit (0: none) are found.
func geoScan(z *zset.ZSet, shape *geo.Shape, limit int64) []geoPoint {
	cells := shape.Areas()
	var points []geoPoint
	// The members are copied into one growing buffer, not one allocation
	// each: a search returning hundreds of points made as much garbage
	// as it has points, and the collections it set off were an eighth of
	// GEOSEARCH's CPU. A member's slice keeps the array it was copied
	// into when the buffer grows.
	var names []byte
	last := 0
	full := func() bool { return len(points) > 0 && limit > 0 && int64(len(points)) >= limit }
	for i, h := range cells {
		if h.IsZero() {
			continue
		}
		if last != 0 && h == cells[last] {
			continue
		}
		if full() {
			break
		}
		min, max := geo.ScoreRange(h)
		r := zset.ScoreRange{Min: float64(min), Max: float64(max), MaxEx: true}
		z.RangeByScore(&r, false, 0, -1, func(m []byte, score float64) bool {
			long, lat := geo.Decode(score)
			if approx, d, exact, in := shape.Locate(long, lat); in {
				start := len(names)
				names = append(names, m...)
				member := names[start:len(names):len(names)]
				points = append(points, geoPoint{long: long, lat: lat, dist: d, exact: exact, approx: approx, score: score, member: member})
			}
			return !full()
		})
		last = i
	}
	return points
}

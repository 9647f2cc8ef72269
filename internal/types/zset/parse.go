package zset

import (
	"bytes"
	"math"

	"github.com/vestadb/vesta/internal/cfloat"
)

// ParseScore parses a score argument the way Redis 7.0's getDoubleFromObject
// does: the whole argument must be a number strtod accepts, with no leading
// white space; NaN, an overflow and an underflow to zero are refused; "inf",
// "-inf", "+inf" and "infinity" (any case) are accepted, and so are
// hexadecimal numbers ("0x10", "0x1p-3").
func ParseScore(b []byte) (float64, bool) {
	if len(b) == 0 || cfloat.IsSpace(b[0]) {
		return 0, false
	}
	f, n, erange := cfloat.Strtod(b)
	if n != len(b) || math.IsNaN(f) || (erange && (f == 0 || math.IsInf(f, 0))) {
		return 0, false
	}
	return f, true
}

// ScoreRange is an interval of scores, as ZRANGEBYSCORE's min and max give
// it; MinEx and MaxEx make an end exclusive.
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

// gteMin reports whether v is at or above the range's lower end.
func (r *ScoreRange) gteMin(v float64) bool {
	if r.MinEx {
		return v > r.Min
	}
	return v >= r.Min
}

// lteMax reports whether v is at or below the range's upper end.
func (r *ScoreRange) lteMax(v float64) bool {
	if r.MaxEx {
		return v < r.Max
	}
	return v <= r.Max
}

// Contains reports whether v is in the range.
func (r *ScoreRange) Contains(v float64) bool { return r.gteMin(v) && r.lteMax(v) }

// Empty reports whether no score can be in the range.
func (r *ScoreRange) Empty() bool {
	return r.Min > r.Max || (r.Min == r.Max && (r.MinEx || r.MaxEx))
}

// ParseScoreRange parses ZRANGEBYSCORE-style min and max arguments: a
// number, optionally preceded by '(' for an exclusive end. The rules are
// Redis's and looser than [ParseScore]: strtod reads the C string, so
// leading white space is skipped, anything after a NUL byte is ignored, an
// empty number reads as 0, and overflow gives an infinity; only NaN and
// trailing junk are refused.
func ParseScoreRange(min, max []byte) (ScoreRange, bool) {
	var r ScoreRange
	var ok bool
	if r.Min, r.MinEx, ok = parseRangeEnd(min); !ok {
		return r, false
	}
	if r.Max, r.MaxEx, ok = parseRangeEnd(max); !ok {
		return r, false
	}
	return r, true
}

func parseRangeEnd(b []byte) (v float64, ex, ok bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i] // C string
	}
	if len(b) > 0 && b[0] == '(' {
		ex = true
		b = b[1:]
	}
	v, n, _ := cfloat.Strtod(b)
	if n != len(b) || math.IsNaN(v) {
		return 0, false, false
	}
	return v, ex, true
}

// Lex range ends: a member, or the "-" and "+" ends below and above every
// member.
const (
	lexValue = iota
	lexMinusInf
	lexPlusInf
)

// LexRange is an interval of members for ZRANGEBYLEX and friends, which
// assume that all members have the same score.
type LexRange struct {
	Min, Max         []byte
	minKind, maxKind uint8
	MinEx, MaxEx     bool
}

// ParseLexRange parses ZRANGEBYLEX-style min and max arguments: "[m"
// (inclusive) or "(m" (exclusive) for a member m, "-" for below everything
// and "+" for above everything. Like Redis, a '-' or '+' followed by a NUL
// byte counts as the bare symbol.
func ParseLexRange(min, max []byte) (LexRange, bool) {
	var r LexRange
	var ok bool
	if r.Min, r.minKind, r.MinEx, ok = parseLexEnd(min); !ok {
		return r, false
	}
	if r.Max, r.maxKind, r.MaxEx, ok = parseLexEnd(max); !ok {
		return r, false
	}
	return r, true
}

func parseLexEnd(b []byte) (v []byte, kind uint8, ex, ok bool) {
	if len(b) == 0 {
		return nil, 0, false, false
	}
	switch b[0] {
	case '+', '-':
		if len(b) > 1 && b[1] != 0 {
			return nil, 0, false, false
		}
		if b[0] == '+' {
			return nil, lexPlusInf, true, true
		}
		return nil, lexMinusInf, true, true
	case '(':
		return b[1:], lexValue, true, true
	case '[':
		return b[1:], lexValue, false, true
	}
	return nil, 0, false, false
}

// cmpLex compares a member or range end (kind, v) with another, "-" being
// below and "+" above every member.
func cmpLex(ak uint8, a []byte, bk uint8, b []byte) int {
	if ak == bk && ak != lexValue {
		return 0
	}
	switch {
	case ak == lexMinusInf || bk == lexPlusInf:
		return -1
	case ak == lexPlusInf || bk == lexMinusInf:
		return 1
	}
	return bytes.Compare(a, b)
}

// gteMin reports whether member m is at or above the range's lower end.
func (r *LexRange) gteMin(m []byte) bool {
	c := cmpLex(lexValue, m, r.minKind, r.Min)
	if r.MinEx {
		return c > 0
	}
	return c >= 0
}

// lteMax reports whether member m is at or below the range's upper end.
func (r *LexRange) lteMax(m []byte) bool {
	c := cmpLex(lexValue, m, r.maxKind, r.Max)
	if r.MaxEx {
		return c < 0
	}
	return c <= 0
}

// Contains reports whether member m is in the range.
func (r *LexRange) Contains(m []byte) bool { return r.gteMin(m) && r.lteMax(m) }

// Empty reports whether no member can be in the range.
func (r *LexRange) Empty() bool {
	c := cmpLex(r.minKind, r.Min, r.maxKind, r.Max)
	return c > 0 || (c == 0 && (r.MinEx || r.MaxEx))
}

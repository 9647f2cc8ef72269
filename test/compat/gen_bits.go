package compat

import "strings"

// The "bits" family: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
// BITFIELD_RO on the shared key space, so that bitmaps meet strings of
// every encoding (ints, binary values) and the other types (WRONGTYPE).
// Offsets stay below 100000 bits, so that no command allocates much; the
// errors for offsets past proto-max-bulk-len come from offsets Redis
// refuses before allocating. Ranges and BITFIELD values come from the
// edges the parsers care about (negative, int64 limits, junk).

var bitOffsets = []string{"0", "1", "3", "7", "8", "15", "31", "63", "64", "100", "1000", "4095", "99999"}

var bitBadOffsets = []string{"-1", "x", "4294967296", "1.5", "", "0x10", " 1", "9223372036854775807"}

var bitRangeEnds = []string{
	"0", "1", "2", "-1", "-2", "-3", "5", "-5", "8", "-9", "100", "-100",
	"9223372036854775807", "-9223372036854775808", "x",
}

var bitfieldTypes = []string{"u1", "i1", "u3", "i5", "u8", "i8", "u16", "i16", "u32", "i32", "u63", "i64"}

var bitfieldBadTypes = []string{"u64", "i65", "i0", "u0", "x8", "U8", "", "i", "u-1", "i08"}

var bitfieldOffsets = []string{"0", "1", "5", "7", "8", "13", "64", "#0", "#1", "#2", "#7", "1000", "#100"}

func (g *Gen) bitOffset() string {
	if g.Chance(0.05) {
		return g.Pick(bitBadOffsets...)
	}
	return g.Pick(bitOffsets...)
}

func (g *Gen) bitfieldOp(readOnly bool) []string {
	typ := g.Pick(bitfieldTypes...)
	if g.Chance(0.04) {
		typ = g.Pick(bitfieldBadTypes...)
	}
	off := g.Pick(bitfieldOffsets...)
	if g.Chance(0.04) {
		off = g.Pick("-1", "#-1", "x", "##1", "4294967296")
	}
	switch {
	case readOnly && !g.Chance(0.05), g.Chance(0.4):
		return []string{"GET", typ, off}
	case g.Chance(0.15):
		return []string{"OVERFLOW", g.Pick("WRAP", "SAT", "FAIL", "wrap", "sat", "fail", "bogus")}
	case g.Chance(0.5):
		return []string{"SET", typ, off, g.Pick(append(intValues, "200", "-200", "255", "256", "x")...)}
	}
	return []string{"INCRBY", typ, off, g.Pick(append(intValues, "1", "-1", "100", "-100", "x")...)}
}

func init() {
	const f = "bits"
	Register(f, "SETBIT", 6, true, func(g *Gen) Cmd {
		v := g.Pick("0", "1")
		if g.Chance(0.05) {
			v = g.Pick("2", "-1", "x", "01", "")
		}
		return C("SETBIT", g.Key(), g.bitOffset(), v)
	})
	Register(f, "GETBIT", 3, true, func(g *Gen) Cmd {
		off := g.bitOffset()
		if g.Chance(0.05) {
			off = "4294967295" // the last valid offset: read, not allocated
		}
		return C("GETBIT", g.Key(), off)
	})
	Register(f, "BITCOUNT", 3, true, func(g *Gen) Cmd {
		args := []string{"BITCOUNT", g.Key()}
		switch g.R.IntN(4) {
		case 0:
		case 1:
			args = append(args, g.Pick(bitRangeEnds...), g.Pick(bitRangeEnds...))
		case 2:
			args = append(args, g.Pick(bitRangeEnds...), g.Pick(bitRangeEnds...), g.Pick("BIT", "BYTE", "bit", "byte", "bits"))
		default:
			args = append(args, g.Pick(bitRangeEnds...)) // a syntax error, or 0 for a missing key
		}
		return C(args...)
	})
	Register(f, "BITPOS", 3, true, func(g *Gen) Cmd {
		bit := g.Pick("0", "1")
		if g.Chance(0.05) {
			bit = g.Pick("2", "-1", "x")
		}
		args := []string{"BITPOS", g.Key(), bit}
		switch g.R.IntN(4) {
		case 0:
		case 1:
			args = append(args, g.Pick(bitRangeEnds...))
		case 2:
			args = append(args, g.Pick(bitRangeEnds...), g.Pick(bitRangeEnds...))
		default:
			args = append(args, g.Pick(bitRangeEnds...), g.Pick(bitRangeEnds...), g.Pick("BIT", "BYTE", "bit", "nope"))
		}
		return C(args...)
	})
	Register(f, "BITOP", 3, true, func(g *Gen) Cmd {
		op := g.Pick("AND", "OR", "XOR", "NOT", "and", "or", "xor", "not")
		if g.Chance(0.03) {
			op = g.Pick("NAND", "", "ANDOR")
		}
		args := []string{"BITOP", op, g.Key(), g.Key()}
		n := 0
		if !strings.EqualFold(op, "NOT") || g.Chance(0.05) {
			n = g.Int(0, 2)
		}
		for range n {
			args = append(args, g.Key())
		}
		return C(args...)
	})
	Register(f, "BITFIELD", 4, true, func(g *Gen) Cmd {
		args := []string{"BITFIELD", g.Key()}
		for range g.Int(0, 4) {
			args = append(args, g.bitfieldOp(false)...)
		}
		if g.Chance(0.03) {
			args = append(args, g.Pick("GET", "SET", "OVERFLOW", "FOO")) // incomplete: a syntax error
		}
		return C(args...)
	})
	Register(f, "BITFIELD_RO", 2, true, func(g *Gen) Cmd {
		args := []string{"BITFIELD_RO", g.Key()}
		for range g.Int(0, 3) {
			args = append(args, g.bitfieldOp(true)...)
		}
		return C(args...)
	})
}

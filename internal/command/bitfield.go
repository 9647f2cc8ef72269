package command

import (
	"bytes"
	"math"

	"github.com/vestadb/vesta/internal/keyspace"
)

// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type
// offset increment] [OVERFLOW WRAP|SAT|FAIL] ... and BITFIELD_RO (GET
// only). Types are i1..i64 and u1..u63; an offset "#n" means n times the
// type's width. Every operation is parsed before any runs. OVERFLOW applies
// to the SET and INCRBY operations after it; with FAIL an overflowing
// operation replies null and writes nothing. The string is created or grown
// to the highest bit written before the operations run, even if all of
// them then fail, but only writes that changed a value (or any write once
// the string grew) count as changes: with none, nothing is propagated.

type overflow uint8

const (
	ovfWrap overflow = iota
	ovfSat
	ovfFail
)

type bfOpKind uint8

const (
	bfGet bfOpKind = iota
	bfSet
	bfIncr
)

type bfOp struct {
	kind   bfOpKind
	signed bool
	width  uint
	offset uint64
	value  int64
	ovf    overflow
}

// bitfieldType parses "i<n>" (1..64) or "u<n>" (1..63). Redis reads the
// width as a C string: it stops at a NUL byte.
func bitfieldType(c *Ctx, arg []byte) (signed bool, width uint, ok bool) {
	if i := bytes.IndexByte(arg, 0); i >= 0 {
		arg = arg[:i]
	}
	if len(arg) > 0 && (arg[0] == 'i' || arg[0] == 'u') {
		signed = arg[0] == 'i'
		n, ok := ParseInt(arg[1:])
		if ok && n >= 1 && (n <= 63 || signed && n == 64) {
			return signed, uint(n), true
		}
	}
	c.Error(ErrBitfieldType)
	return false, 0, false
}

// parseBitfield parses the operations of a BITFIELD command.
func parseBitfield(c *Ctx) (ops []bfOp, write bool, highest uint64, ok bool) {
	ovf := ovfWrap
	for j := 2; j < len(c.Args); j++ {
		rest := len(c.Args) - j - 1
		var kind bfOpKind
		switch a := c.Args[j]; {
		case EqFold(a, "get") && rest >= 2:
			kind = bfGet
		case EqFold(a, "set") && rest >= 3:
			kind = bfSet
		case EqFold(a, "incrby") && rest >= 3:
			kind = bfIncr
		case EqFold(a, "overflow") && rest >= 1:
			j++
			switch o := c.Args[j]; {
			case EqFold(o, "wrap"):
				ovf = ovfWrap
			case EqFold(o, "sat"):
				ovf = ovfSat
			case EqFold(o, "fail"):
				ovf = ovfFail
			default:
				c.Error(ErrBitfieldOvf)
				return nil, false, 0, false
			}
			continue
		default:
			c.SyntaxError()
			return nil, false, 0, false
		}
		signed, width, ok := bitfieldType(c, c.Args[j+1])
		if !ok {
			return nil, false, 0, false
		}
		off, ok := bitOffsetArg(c, c.Args[j+2], true, int(width))
		if !ok {
			return nil, false, 0, false
		}
		op := bfOp{kind: kind, signed: signed, width: width, offset: off, ovf: ovf}
		if kind != bfGet {
			write = true
			highest = max(highest, off+uint64(width)-1)
			if op.value, ok = c.intArg(j + 3); !ok {
				return nil, false, 0, false
			}
			j++
		}
		ops = append(ops, op)
		j += 2
	}
	return ops, write, highest, true
}

func bitfieldGeneric(c *Ctx, readOnly bool) {
	key := c.Args[1]
	ops, write, highest, ok := parseBitfield(c)
	if !ok {
		return
	}
	var val []byte
	grown := false
	if !write {
		e, ok := c.lookupRead(key, keyspace.TypeString)
		if !ok {
			return
		}
		if e != nil {
			val = e.Str()
		}
	} else {
		if readOnly {
			c.Error(ErrBitfieldRO)
			return
		}
		if _, val, grown, ok = stringForBits(c, key, highest); !ok {
			return
		}
	}
	c.W.Array(len(ops))
	changes := 0
	for _, op := range ops {
		if op.kind == bfGet {
			v := getBits(val, op.offset, op.width)
			if op.signed {
				c.W.Int(signExtend(v, op.width))
			} else {
				c.W.Int(int64(v))
			}
			continue
		}
		old := getBits(val, op.offset, op.width)
		var next uint64
		var reply int64
		var over bool
		if op.signed {
			o := signExtend(old, op.width)
			var n int64
			if op.kind == bfIncr {
				n, over = signedOverflow(o, op.value, op.width, op.ovf)
				reply = n
			} else {
				n, over = signedOverflow(op.value, 0, op.width, op.ovf)
				reply = o
			}
			next = uint64(n)
		} else {
			if op.kind == bfIncr {
				next, over = unsignedOverflow(old, op.value, op.width, op.ovf)
				reply = int64(next)
			} else {
				next, over = unsignedOverflow(uint64(op.value), 0, op.width, op.ovf)
				reply = int64(old)
			}
		}
		if over && op.ovf == ovfFail {
			c.W.Null()
			continue
		}
		c.W.Int(reply)
		setBits(val, op.offset, op.width, next)
		if grown || next&widthMask(op.width) != old {
			changes++
		}
	}
	if changes > 0 {
		c.DB.Signal(key)
		c.Notify(NotifyString, "setbit", key)
		c.Dirty(changes)
	}
}

func widthMask(width uint) uint64 {
	if width == 64 {
		return math.MaxUint64
	}
	return 1<<width - 1
}

// getBits reads width bits at offset, the first bit read being the most
// significant; bits past the end of p read as zero.
func getBits(p []byte, offset uint64, width uint) uint64 {
	var v uint64
	for i := uint(0); i < width; i, offset = i+1, offset+1 {
		bit := uint64(0)
		if b := offset >> 3; b < uint64(len(p)) {
			bit = uint64(p[b]>>(7-offset&7)) & 1
		}
		v = v<<1 | bit
	}
	return v
}

// setBits writes the low width bits of v at offset, which p covers.
func setBits(p []byte, offset uint64, width uint, v uint64) {
	for i := uint(0); i < width; i, offset = i+1, offset+1 {
		mask := byte(0x80) >> (offset & 7)
		if v>>(width-1-i)&1 != 0 {
			p[offset>>3] |= mask
		} else {
			p[offset>>3] &^= mask
		}
	}
}

// signExtend turns the low width bits of v into a signed value.
func signExtend(v uint64, width uint) int64 {
	if width < 64 && v&(1<<(width-1)) != 0 {
		v |= math.MaxUint64 << width
	}
	return int64(v)
}

// unsignedOverflow adds incr to value (a u<width> value, or an argument
// to SET that may not fit) and returns the result under the overflow
// policy, and whether it overflowed. With FAIL the result is unused. The
// bounds are computed with Redis's wrapping arithmetic.
func unsignedOverflow(value uint64, incr int64, width uint, ovf overflow) (uint64, bool) {
	limit := widthMask(width)
	maxIncr := int64(limit - value)
	minIncr := -int64(value)
	var over bool
	switch {
	case value > limit || incr > 0 && incr > maxIncr:
		over = true
	case incr < 0 && incr < minIncr:
	default:
		return value + uint64(incr), false
	}
	switch {
	case ovf != ovfSat:
		return (value + uint64(incr)) & limit, true
	case over:
		return limit, true
	}
	return 0, true
}

// signedOverflow is unsignedOverflow for an i<width> value. Its bounds
// wrap as Redis's do, which matters for SET arguments close to the int64
// minimum: Redis sees those as overflowing upwards (SAT gives the maximum).
func signedOverflow(value, incr int64, width uint, ovf overflow) (int64, bool) {
	maxv := int64(math.MaxInt64)
	if width < 64 {
		maxv = 1<<(width-1) - 1
	}
	minv := -maxv - 1
	maxIncr := int64(uint64(maxv) - uint64(value))
	minIncr := minv - value
	var over bool
	switch {
	case value > maxv || width != 64 && incr > maxIncr || value >= 0 && incr > 0 && incr > maxIncr:
		over = true
	case value < minv || width != 64 && incr < minIncr || value < 0 && incr < 0 && incr < minIncr:
	default:
		return value + incr, false
	}
	switch {
	case ovf != ovfSat:
		// Two's complement addition, keeping the low width bits
		// sign-extended.
		return signExtend((uint64(value)+uint64(incr))&widthMask(width), width), true
	case over:
		return maxv, true
	}
	return minv, true
}

package command

import (
	"encoding/binary"
	"math/bits"

	"github.com/vestadb/vesta/internal/keyspace"
)

// Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS (BITOP and BITFIELD
// have files of their own). A bitmap is a string; bit 0 is the most
// significant bit of the first byte. Writes grow the string with zero bytes
// and leave it "raw"; reads see a missing key as an endless run of zeros.

func registerBits(t *Table) {
	t.Define("setbit", cmdSetBit)
	t.Define("getbit", cmdGetBit)
	t.Define("bitcount", cmdBitCount)
	t.Define("bitpos", cmdBitPos)
	t.Define("bitop", cmdBitOp)
	t.Define("bitfield", func(c *Ctx) { bitfieldGeneric(c, false) })
	t.Define("bitfield_ro", func(c *Ctx) { bitfieldGeneric(c, true) })
}

// bitOffsetArg parses a bit offset. With hash, a "#n" offset counts in
// units of width bits (BITFIELD); the product wraps like Redis's. Offsets
// whose byte lies at or beyond proto-max-bulk-len are refused, except
// while loading (Redis obeys its AOF client whatever the limit).
func bitOffsetArg(c *Ctx, arg []byte, hash bool, width int) (uint64, bool) {
	useHash := hash && width > 0 && len(arg) > 0 && arg[0] == '#'
	if useHash {
		arg = arg[1:]
	}
	n, ok := ParseInt(arg)
	if ok && useHash {
		n *= int64(width)
	}
	if !ok || n < 0 || (!c.KS.Loading && n>>3 >= c.Env.Limits().ProtoMaxBulkLen) {
		c.Error(ErrBitOffset)
		return 0, false
	}
	return uint64(n), true
}

// stringForBits looks key up for writing and returns its entry and value,
// created or padded with zero bytes so that bit maxBit exists, and whether
// it had to be created or grown. ok is false after a WRONGTYPE reply.
func stringForBits(c *Ctx, key []byte, maxBit uint64) (e *keyspace.Entry, val []byte, grown, ok bool) {
	e, ok = c.lookupWrite(key, keyspace.TypeString)
	if !ok {
		return nil, nil, false, false
	}
	if e == nil {
		e = c.DB.Add(key, nil)
	}
	n := int(maxBit>>3) + 1
	grown = len(e.Str()) < n
	return e, c.DB.StringForWrite(e, n), grown, true
}

func cmdSetBit(c *Ctx) {
	key := c.Args[1]
	off, ok := bitOffsetArg(c, c.Args[2], false, 0)
	if !ok {
		return
	}
	on, ok := ParseInt(c.Args[3])
	if !ok || on&^1 != 0 {
		c.Error(ErrBitValue)
		return
	}
	_, val, grown, ok := stringForBits(c, key, off)
	if !ok {
		return
	}
	mask := byte(0x80) >> (off & 7)
	p := &val[off>>3]
	old := *p&mask != 0
	// Redis counts a change only when the bit flips or the string grew.
	if grown || old != (on == 1) {
		if on == 1 {
			*p |= mask
		} else {
			*p &^= mask
		}
		c.Changed(key)
		c.Notify(NotifyString, "setbit", key)
	}
	c.W.Int(b2i(old))
}

func cmdGetBit(c *Ctx) {
	off, ok := bitOffsetArg(c, c.Args[2], false, 0)
	if !ok {
		return
	}
	e, ok := c.lookupRead(c.Args[1], keyspace.TypeString)
	if !ok {
		return
	}
	bit := false
	if e != nil {
		if s := e.Str(); off>>3 < uint64(len(s)) {
			bit = s[off>>3]&(0x80>>(off&7)) != 0
		}
	}
	c.W.Int(b2i(bit))
}

// bitRange turns BITCOUNT/BITPOS start and end (bytes, or bits with isBit;
// negative counting from the end) into an inclusive range of bit
// positions within a string of n bytes. empty is set when nothing is left.
func bitRange(start, end int64, n int, isBit bool) (first, last int64, empty bool) {
	total := int64(n)
	if isBit {
		total *= 8
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	end = min(end, total-1)
	if start > end {
		return 0, 0, true
	}
	if isBit {
		return start, end, false
	}
	return start * 8, end*8 + 7, false
}

// unitArg parses BITCOUNT/BITPOS's BYTE|BIT argument.
func unitArg(c *Ctx, arg []byte) (isBit, ok bool) {
	switch {
	case EqFold(arg, "bit"):
		return true, true
	case EqFold(arg, "byte"):
		return false, true
	}
	c.SyntaxError()
	return false, false
}

func cmdBitCount(c *Ctx) {
	e, ok := c.lookupRead(c.Args[1], keyspace.TypeString)
	if !ok {
		return
	}
	if e == nil {
		c.W.Int(0)
		return
	}
	s := e.Str()
	first, last, empty := int64(0), int64(len(s))*8-1, len(s) == 0
	switch len(c.Args) {
	case 2:
	case 4, 5:
		start, ok := c.intArg(2)
		if !ok {
			return
		}
		end, ok := c.intArg(3)
		if !ok {
			return
		}
		if start < 0 && end < 0 && start > end {
			c.W.Int(0)
			return
		}
		isBit := false
		if len(c.Args) == 5 {
			if isBit, ok = unitArg(c, c.Args[4]); !ok {
				return
			}
		}
		first, last, empty = bitRange(start, end, len(s), isBit)
	default:
		c.SyntaxError()
		return
	}
	if empty {
		c.W.Int(0)
		return
	}
	c.W.Int(countBits(s, first, last))
}

func cmdBitPos(c *Ctx) {
	bit, ok := c.intArg(2)
	if !ok {
		return
	}
	if bit != 0 && bit != 1 {
		c.Error(ErrBitArg)
		return
	}
	e, ok := c.lookupRead(c.Args[1], keyspace.TypeString)
	if !ok {
		return
	}
	if e == nil {
		c.W.Int(-bit) // -1 for a set bit, 0 for a clear one
		return
	}
	s := e.Str()
	first, last, empty := int64(0), int64(len(s))*8-1, len(s) == 0
	endGiven := false
	switch len(c.Args) {
	case 3:
	case 4, 5, 6:
		start, ok := c.intArg(3)
		if !ok {
			return
		}
		isBit := false
		if len(c.Args) == 6 {
			if isBit, ok = unitArg(c, c.Args[5]); !ok {
				return
			}
		}
		end := int64(len(s)) - 1
		if len(c.Args) >= 5 {
			if end, ok = c.intArg(4); !ok {
				return
			}
			endGiven = true
		}
		first, last, empty = bitRange(start, end, len(s), isBit)
	default:
		c.SyntaxError()
		return
	}
	if empty {
		c.W.Int(-1)
		return
	}
	pos := findBit(s, byte(bit), first, last)
	if pos < 0 && bit == 0 && !endGiven {
		// Without an explicit end the string counts as padded with
		// zeros: the first clear bit is the one right after it.
		pos = (last>>3 + 1) * 8
	}
	c.W.Int(pos)
}

// popcount counts the set bits of p.
func popcount(p []byte) int64 {
	n := 0
	for len(p) >= 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(p))
		p = p[8:]
	}
	for _, b := range p {
		n += bits.OnesCount8(b)
	}
	return int64(n)
}

// countBits counts the set bits of s from bit position first to last,
// both included and within s.
func countBits(s []byte, first, last int64) int64 {
	fb, lb := first>>3, last>>3
	n := popcount(s[fb : lb+1])
	n -= int64(bits.OnesCount8(s[fb] &^ (0xff >> (first & 7))))
	n -= int64(bits.OnesCount8(s[lb] & (0xff >> (last&7 + 1))))
	return n
}

// findBit returns the position of the first bit equal to bit in s from
// position first to last (both included and within s), or -1.
func findBit(s []byte, bit byte, first, last int64) int64 {
	flip := byte(0)
	if bit == 0 {
		flip = 0xff
	}
	// match returns the bits of byte i that equal bit and lie in range.
	match := func(i int64) byte {
		b := (s[i] ^ flip)
		if i == first>>3 {
			b &= 0xff >> (first & 7)
		}
		if i == last>>3 {
			b &^= 0xff >> (last&7 + 1)
		}
		return b
	}
	i, lb := first>>3, last>>3
	if b := match(i); b != 0 {
		return i*8 + int64(bits.LeadingZeros8(b))
	}
	i++
	// Whole words that hold no match are skipped eight bytes at a time.
	skip := uint64(0)
	if bit == 0 {
		skip = ^uint64(0)
	}
	for i+8 <= lb && binary.LittleEndian.Uint64(s[i:]) == skip {
		i += 8
	}
	for ; i <= lb; i++ {
		if b := match(i); b != 0 {
			return i*8 + int64(bits.LeadingZeros8(b))
		}
	}
	return -1
}

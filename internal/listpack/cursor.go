package listpack

import (
	"encoding/binary"
	"strconv"
)

// encodedSize returns the encoding+data size of the entry starting at pos,
// or 0 for the terminator or an invalid encoding byte. The caller must know
// that the encoding's length bytes are inside lp.
func encodedSize(lp []byte, pos int) uint64 {
	b := lp[pos]
	switch {
	case b < 0x80:
		return 1
	case b < 0xC0:
		return 1 + uint64(b&0x3F)
	case b < 0xE0:
		return 2
	case b < 0xF0:
		return 2 + (uint64(b&0x0F)<<8 | uint64(lp[pos+1]))
	}
	switch b {
	case enc32BitStr:
		return 5 + uint64(binary.LittleEndian.Uint32(lp[pos+1:]))
	case enc16BitInt:
		return 3
	case enc24BitInt:
		return 4
	case enc32BitInt:
		return 5
	case enc64BitInt:
		return 9
	}
	return 0
}

// lengthBytes returns how many bytes at the start of an entry must be read
// to learn its size (the encoding byte plus any length bytes), or 0 for the
// terminator or an invalid encoding byte.
func lengthBytes(b byte) int {
	switch {
	case b < 0xE0:
		return 1
	case b < 0xF0:
		return 2
	case b == enc32BitStr:
		return 5
	case b <= enc64BitInt:
		return 1
	}
	return 0
}

// decodeBacklen reads a backlen whose last byte is at lp[i]. It reads at
// most five bytes and returns ^uint64(0) if the fifth still has bit 7 set.
func decodeBacklen(lp []byte, i int) uint64 {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		b := lp[i]
		v |= uint64(b&127) << shift
		if b&128 == 0 {
			return v
		}
		if shift == 28 {
			return ^uint64(0)
		}
		i--
	}
}

// entryLen returns the full size of the entry at pos, backlen included.
func entryLen(lp []byte, pos int) int {
	n := encodedSize(lp, pos)
	return int(n) + backlenSize(n)
}

// First returns the position of the first entry, or -1 if there is none.
func (lp Listpack) First() int {
	if lp[HeaderSize] == eof {
		return -1
	}
	return HeaderSize
}

// Last returns the position of the last entry, or -1 if there is none.
func (lp Listpack) Last() int {
	return lp.Prev(len(lp) - 1)
}

// Next returns the position of the entry after pos, or -1 if pos is the
// last entry.
func (lp Listpack) Next(pos int) int {
	p := pos + entryLen(lp, pos)
	if lp[p] == eof {
		return -1
	}
	return p
}

// Prev returns the position of the entry before pos, or -1 if pos is the
// first entry. Prev of the terminator's position is the last entry.
func (lp Listpack) Prev(pos int) int {
	if pos <= HeaderSize {
		return -1
	}
	n := decodeBacklen(lp, pos-1)
	return pos - int(n) - backlenSize(n)
}

// Seek returns the position of the entry at index, or -1 if it is out of
// range. A negative index counts from the tail: -1 is the last entry. Like
// Redis, it walks from whichever end is nearer when the count is known.
func (lp Listpack) Seek(index int) int {
	forward := true
	if n := lp.HeaderCount(); n != CountUnknown {
		if index < 0 {
			index += n
		}
		if index < 0 || index >= n {
			return -1
		}
		if index > n/2 {
			forward = false
			index -= n
		}
	} else if index < 0 {
		forward = false
	}
	if forward {
		p := lp.First()
		for ; index > 0 && p >= 0; index-- {
			p = lp.Next(p)
		}
		return p
	}
	p := lp.Last()
	for ; index < -1 && p >= 0; index++ {
		p = lp.Prev(p)
	}
	return p
}

// Get decodes the entry at pos. For a string entry it returns the bytes,
// which alias the listpack (their capacity is clipped, so appending to them
// cannot overwrite the listpack), and isInt false. For an integer entry it
// returns the value and isInt true. Get does not allocate.
func (lp Listpack) Get(pos int) (s []byte, n int64, isInt bool) {
	b := lp[pos]
	switch {
	case b < 0x80:
		return nil, int64(b), true
	case b < 0xC0:
		l := pos + 1 + int(b&0x3F)
		return lp[pos+1 : l : l], 0, false
	case b < 0xE0:
		u := uint64(b&0x1F)<<8 | uint64(lp[pos+1])
		return nil, int64(u<<51) >> 51, true
	case b < 0xF0:
		l := pos + 2 + (int(b&0x0F)<<8 | int(lp[pos+1]))
		return lp[pos+2 : l : l], 0, false
	}
	switch b {
	case enc32BitStr:
		l := pos + 5 + int(binary.LittleEndian.Uint32(lp[pos+1:]))
		return lp[pos+5 : l : l], 0, false
	case enc16BitInt:
		return nil, int64(int16(binary.LittleEndian.Uint16(lp[pos+1:]))), true
	case enc24BitInt:
		u := uint32(lp[pos+1]) | uint32(lp[pos+2])<<8 | uint32(lp[pos+3])<<16
		return nil, int64(int32(u<<8) >> 8), true
	case enc32BitInt:
		return nil, int64(int32(binary.LittleEndian.Uint32(lp[pos+1:]))), true
	case enc64BitInt:
		return nil, int64(binary.LittleEndian.Uint64(lp[pos+1:])), true
	}
	return nil, 0, false
}

// AppendGet appends the string form of the entry at pos to dst: the bytes
// of a string entry, or the decimal text of an integer entry.
func (lp Listpack) AppendGet(dst []byte, pos int) []byte {
	s, n, isInt := lp.Get(pos)
	if isInt {
		return strconv.AppendInt(dst, n, 10)
	}
	return append(dst, s...)
}

// Iterator walks the entries of a listpack from head to tail:
//
//	for it := lp.Iter(); it.Next(); {
//		s, n, isInt := it.Entry()
//		...
//	}
//
// It must not be used across a mutation of the listpack.
type Iterator struct {
	lp  Listpack
	pos int
	ok  bool
}

// Iter returns an iterator positioned before the first entry.
func (lp Listpack) Iter() Iterator {
	return Iterator{lp: lp, pos: -1}
}

// Next advances to the next entry and reports whether there is one.
func (it *Iterator) Next() bool {
	if it.pos < 0 {
		if it.ok {
			return false
		}
		it.pos = it.lp.First()
	} else {
		it.pos = it.lp.Next(it.pos)
	}
	it.ok = true
	return it.pos >= 0
}

// Pos returns the position of the current entry.
func (it *Iterator) Pos() int {
	return it.pos
}

// Entry decodes the current entry, as [Listpack.Get] does.
func (it *Iterator) Entry() (s []byte, n int64, isInt bool) {
	return it.lp.Get(it.pos)
}

package ziplist

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/vestadb/vesta/internal/listpack"
)

const (
	headerSize = 10
	end        = 0xFF
	bigPrevlen = 0xFE
)

// entry is one decoded ziplist entry.
type entry struct {
	size  int    // prevlen + encoding + data
	str   []byte // string data, aliasing the ziplist, if !isInt
	v     int64
	isInt bool
}

// decodeEntry decodes and bounds-checks the entry at p. term is the offset
// of the final 0xFF, which no entry may reach.
func decodeEntry(zl []byte, p, term int) (entry, uint64, error) {
	var e entry
	prevSize := 1
	if zl[p] >= bigPrevlen {
		prevSize = 5
	}
	if p+prevSize > term {
		return e, 0, fmt.Errorf("%w: prevlen at offset %d", ErrBounds, p)
	}
	prevlen := uint64(zl[p])
	if prevSize == 5 {
		prevlen = uint64(binary.LittleEndian.Uint32(zl[p+1:]))
	}
	q := p + prevSize
	b := zl[q]
	lenSize, dataLen := 1, uint64(0)
	switch {
	case b < 0x40:
		dataLen = uint64(b & 0x3F)
	case b < 0x80:
		lenSize = 2
	case b < 0xC0:
		lenSize = 5
	default:
		e.isInt = true
		switch {
		case b == 0xC0:
			dataLen = 2
		case b == 0xD0:
			dataLen = 4
		case b == 0xE0:
			dataLen = 8
		case b == 0xF0:
			dataLen = 3
		case b == 0xFE:
			dataLen = 1
		case b >= 0xF1 && b <= 0xFD:
			e.v = int64(b&0x0F) - 1
		default:
			return e, 0, fmt.Errorf("%w: byte 0x%02x at offset %d", ErrEncoding, b, q)
		}
	}
	if q+lenSize > term {
		return e, 0, fmt.Errorf("%w: encoding at offset %d", ErrBounds, q)
	}
	switch lenSize {
	case 2:
		dataLen = uint64(b&0x3F)<<8 | uint64(zl[q+1])
	case 5:
		dataLen = uint64(binary.BigEndian.Uint32(zl[q+1:]))
	}
	data := uint64(q+lenSize) + dataLen
	if data > uint64(term) {
		return e, 0, fmt.Errorf("%w: entry at offset %d needs %d data bytes", ErrBounds, p, dataLen)
	}
	d := zl[q+lenSize : data]
	if e.isInt {
		switch b {
		case 0xC0:
			e.v = int64(int16(binary.LittleEndian.Uint16(d)))
		case 0xD0:
			e.v = int64(int32(binary.LittleEndian.Uint32(d)))
		case 0xE0:
			e.v = int64(binary.LittleEndian.Uint64(d))
		case 0xF0:
			u := uint32(d[0]) | uint32(d[1])<<8 | uint32(d[2])<<16
			e.v = int64(int32(u<<8) >> 8)
		case 0xFE:
			e.v = int64(int8(d[0]))
		}
	} else {
		e.str = d
	}
	e.size = int(data) - p
	return e, prevlen, nil
}

// walk validates zl fully and calls fn for every entry in order.
func walk(zl []byte, fn func(i int, e entry) error) error {
	if len(zl) < headerSize+1 {
		return fmt.Errorf("%w: %d bytes", ErrShort, len(zl))
	}
	if n := binary.LittleEndian.Uint32(zl); uint64(n) != uint64(len(zl)) {
		return fmt.Errorf("%w: zlbytes %d, blob has %d", ErrSize, n, len(zl))
	}
	term := len(zl) - 1
	if zl[term] != end {
		return fmt.Errorf("%w: last byte is 0x%02x", ErrTerminator, zl[term])
	}
	tail := binary.LittleEndian.Uint32(zl[4:])
	if uint64(tail) > uint64(term) {
		return fmt.Errorf("%w: zltail %d past the end", ErrTail, tail)
	}
	count, prevSize, last := 0, 0, -1
	p := headerSize
	for zl[p] != end {
		e, prevlen, err := decodeEntry(zl, p, term)
		if err != nil {
			return err
		}
		if prevlen != uint64(prevSize) {
			return fmt.Errorf("%w: entry at offset %d says %d, previous is %d bytes", ErrPrevlen, p, prevlen, prevSize)
		}
		if fn != nil {
			if err := fn(count, e); err != nil {
				return err
			}
		}
		last, prevSize = p, e.size
		p += e.size
		count++
	}
	if p != term {
		return fmt.Errorf("%w: entries end at offset %d, blob at %d", ErrTerminator, p, term)
	}
	if last >= 0 && uint32(last) != tail {
		return fmt.Errorf("%w: zltail %d, last entry at %d", ErrTail, tail, last)
	}
	if hc := binary.LittleEndian.Uint16(zl[8:]); hc != 0xFFFF && int(hc) != count {
		return fmt.Errorf("%w: header says %d, found %d", ErrCount, hc, count)
	}
	return nil
}

// Validate checks zl the way Redis's deep ziplist check does: header sizes,
// terminator, tail offset, every entry's encoding and bounds, prevlen
// consistency, and the count unless it is 65535. It never panics.
func Validate(zl []byte) error {
	return walk(zl, nil)
}

// ToListpack validates zl and returns a listpack holding the same entries,
// encoded exactly as Redis encodes them when it converts a ziplist on load.
// An empty ziplist yields an empty listpack.
func ToListpack(zl []byte) (listpack.Listpack, error) {
	return convert(zl, false)
}

// ToListpackPairs is [ToListpack] for the pair layouts of hashes (RDB type
// 13) and sorted sets (type 12): it also requires an even number of entries
// and no repeated field or member, compared by string form.
func ToListpackPairs(zl []byte) (listpack.Listpack, error) {
	return convert(zl, true)
}

func convert(zl []byte, pairs bool) (listpack.Listpack, error) {
	size := listpack.EmptySize
	var seen map[string]struct{}
	if pairs {
		seen = make(map[string]struct{})
	}
	count := 0
	err := walk(zl, func(i int, e entry) error {
		count++
		if e.isInt {
			size += listpack.IntEntrySize(e.v)
		} else {
			size += listpack.EntrySize(e.str)
		}
		if size > listpack.MaxBytes {
			return fmt.Errorf("%w: more than %d bytes", ErrTooLarge, listpack.MaxBytes)
		}
		if pairs && i%2 == 0 {
			var buf [20]byte
			f := e.str
			if e.isInt {
				f = strconv.AppendInt(buf[:0], e.v, 10)
			}
			if _, dup := seen[string(f)]; dup {
				return fmt.Errorf("%w: %q (entry %d)", ErrDuplicate, f, i)
			}
			seen[string(f)] = struct{}{}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if pairs && count%2 != 0 {
		return nil, fmt.Errorf("%w: %d entries", ErrOddPairs, count)
	}
	lp := listpack.NewWithCapacity(size)
	// zl is known to be valid now, so this walk cannot fail.
	_ = walk(zl, func(_ int, e entry) error {
		if e.isInt {
			lp = lp.AppendInt(e.v)
		} else {
			lp = lp.Append(e.str)
		}
		return nil
	})
	return lp, nil
}

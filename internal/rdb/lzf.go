package rdb

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
)

// LZF limits. They are the format's: a back-reference reaches at most
// 8 KiB back and copies 3..264 bytes; a literal run holds 1..32 bytes.
const (
	lzfHashLog  = 16
	lzfMaxOff   = 1 << 13
	lzfMaxLit   = 1 << 5
	lzfMaxRef   = 7 + 255 + 2   // longest back-reference copy
	lzfMaxRatio = lzfMaxRef / 3 // most output bytes per input byte (88)

	// lzfMaxInput bounds what the compressor accepts, so that positions
	// fit the table's uint32 entries with room for the generation base.
	lzfMaxInput = 1 << 30
)

// lzfCompressor holds the hash table of 3-byte prefixes. It is reused
// across calls without clearing: each entry stores base+position+1, and
// base moves past every input, so entries from earlier inputs compare as
// stale.
type lzfCompressor struct {
	htab [1 << lzfHashLog]uint32
	base uint32
}

var lzfPool = sync.Pool{New: func() any { return new(lzfCompressor) }}

// LZFCompress appends the LZF compression of src to dst and returns the
// extended slice. Following Redis, compression is only worth it if it saves
// at least 4 bytes: when src is 4 bytes or shorter, or when the compressed
// form would not fit in len(src)-4 bytes, it returns nil.
func LZFCompress(dst, src []byte) []byte {
	if len(src) <= 4 {
		return nil
	}
	c := lzfPool.Get().(*lzfCompressor)
	out := c.compress(dst, src, len(src)-4)
	lzfPool.Put(c)
	return out
}

// lzfHash maps a 24-bit prefix to a table slot. It is liblzf's IDX (in
// its VERY_FAST configuration, which Redis builds): which earlier position
// a slot remembers decides which matches are found, so the compressed
// bytes equal Redis's only with the same hash.
func lzfHash(v uint32) uint32 {
	return ((v >> (3*8 - lzfHashLog)) - v*5) & (1<<lzfHashLog - 1)
}

// bytestring is a string or a byte slice: the compressor reads either
// without copying.
type bytestring interface{ ~string | ~[]byte }

// compress appends the compressed form of src to dst, or returns nil when
// it would be longer than limit bytes.
func (c *lzfCompressor) compress(dst, src []byte, limit int) []byte {
	return lzfCompress(c, dst, src, limit)
}

// lzfCompress is the compressor, generic so that Go strings need no copy.
func lzfCompress[T bytestring](c *lzfCompressor, dst []byte, src T, limit int) []byte {
	n := len(src)
	if n == 0 || n > lzfMaxInput || limit <= 0 {
		return nil
	}
	if uint64(c.base)+uint64(n)+2 > math.MaxUint32 {
		clear(c.htab[:])
		c.base = 0
	}
	base := c.base
	c.base += uint32(n) + 1

	start := len(dst)
	buf := slices.Grow(dst, limit)[:start+limit]
	out := buf[start:]

	// op points past the control byte of the current literal run; the
	// control byte itself is written when the run is closed.
	op, lit, ip := 1, 0, 0
	for ip+2 < n {
		v := uint32(src[ip])<<16 | uint32(src[ip+1])<<8 | uint32(src[ip+2])
		h := lzfHash(v)
		e := c.htab[h]
		c.htab[h] = base + uint32(ip) + 1
		if e > base {
			ref := int(e - base - 1)
			off := ip - ref - 1
			// liblzf never refers back to the first byte of the input.
			if off < lzfMaxOff && ref > 0 && src[ref] == src[ip] && src[ref+1] == src[ip+1] && src[ref+2] == src[ip+2] {
				l := matchLen(src, ref, ip)
				// liblzf's room check, which decides when compression
				// fails: room for the longest reference and the next
				// control byte, and one byte more.
				if lit > 0 && op+4 >= limit || lit == 0 && op+3 >= limit {
					return nil
				}
				// Close the pending literal run, or drop its unused
				// control byte.
				if lit > 0 {
					out[op-lit-1] = byte(lit - 1)
				} else {
					op--
				}
				enc := l - 2
				if enc < 7 {
					out[op] = byte(off>>8 | enc<<5)
					out[op+1] = byte(off)
					op += 2
				} else {
					out[op] = byte(off>>8 | 7<<5)
					out[op+1] = byte(enc - 7)
					out[op+2] = byte(off)
					op += 3
				}
				lit = 0
				op++ // control byte of the next literal run
				ip += l
				// Index the last two positions of the match so that
				// repeats right after it are found.
				for p := ip - 2; p < ip; p++ {
					if p+2 < n {
						v := uint32(src[p])<<16 | uint32(src[p+1])<<8 | uint32(src[p+2])
						c.htab[lzfHash(v)] = base + uint32(p) + 1
					}
				}
				continue
			}
		}
		if op >= limit {
			return nil
		}
		out[op] = src[ip]
		op++
		ip++
		lit++
		if lit == lzfMaxLit {
			out[op-lit-1] = lzfMaxLit - 1
			lit = 0
			op++
		}
	}
	// At most the last two bytes are left, which liblzf copies after
	// checking for three bytes of room.
	if op+3 > limit {
		return nil
	}
	for ; ip < n; ip++ {
		out[op] = src[ip]
		op++
		lit++
		if lit == lzfMaxLit {
			out[op-lit-1] = lzfMaxLit - 1
			lit = 0
			op++
		}
	}
	if lit > 0 {
		out[op-lit-1] = byte(lit - 1)
	} else {
		op--
	}
	return buf[:start+op]
}

// matchLen returns how many bytes from src[ip:] equal those from src[ref:]
// (ref < ip; the caller checked the first 3), bounded as liblzf bounds
// them, since the bound changes the bytes written: at most the LZF maximum
// and what is left of src but its last two bytes, except that when that
// bound is above 16 liblzf first compares 16 more bytes unconditionally
// and, if they all match, takes one byte more without comparing it to the
// bound, so a match may then reach one byte further.
func matchLen[T bytestring](src T, ref, ip int) int {
	maxLen := min(len(src)-ip-2, lzfMaxRef)
	l := 2
	if maxLen > 16 {
		for range 16 {
			l++
			if src[ref+l] != src[ip+l] {
				return l
			}
		}
	}
	l++
	for l < maxLen {
		if l+8 <= maxLen {
			if x := load64(src, ip+l) ^ load64(src, ref+l); x != 0 {
				return l + bits.TrailingZeros64(x)/8
			}
			l += 8
			continue
		}
		if src[ref+l] != src[ip+l] {
			break
		}
		l++
	}
	return l
}

// load64 reads 8 bytes little-endian at i (the compiler merges the loads).
func load64[T bytestring](s T, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// LZFDecompress appends to dst the decompression of src, which must produce
// exactly outLen bytes, and returns the extended slice. Every reference is
// bounds-checked: a literal run or back-reference that reads past the end
// of src, a back-reference before the start of the output, output growing
// past outLen, or a final size other than outLen is an error wrapping
// [ErrCorrupt]. On error dst is returned unextended.
//
// The output is allocated at once, but only after checking that src could
// possibly expand to outLen bytes (LZF expands at most 88-fold), so a
// forged outLen cannot cost more than 88 times the input's size.
func LZFDecompress(dst, src []byte, outLen int) ([]byte, error) {
	if outLen <= 0 || len(src) == 0 {
		return dst, fmt.Errorf("%w: invalid LZF compressed string: %d bytes to expand to %d", ErrCorrupt, len(src), outLen)
	}
	if outLen/lzfMaxRatio > len(src) {
		return dst, fmt.Errorf("%w: invalid LZF compressed string: %d bytes cannot expand to %d", ErrCorrupt, len(src), outLen)
	}
	start := len(dst)
	buf := slices.Grow(dst, outLen)[:start+outLen]
	out := buf[start:]
	op, ip := 0, 0
	for ip < len(src) {
		ctrl := int(src[ip])
		ip++
		if ctrl < lzfMaxLit {
			run := ctrl + 1
			if op+run > outLen {
				return dst, lzfError("literal run overflows the output", ip-1)
			}
			if ip+run > len(src) {
				return dst, lzfError("literal run past the end of the input", ip-1)
			}
			copy(out[op:op+run], src[ip:ip+run])
			op += run
			ip += run
			continue
		}
		l := ctrl >> 5
		if ip >= len(src) {
			return dst, lzfError("back-reference cut short", ip-1)
		}
		if l == 7 {
			l += int(src[ip])
			ip++
			if ip >= len(src) {
				return dst, lzfError("back-reference cut short", ip-2)
			}
		}
		ref := op - (ctrl&0x1f)<<8 - 1 - int(src[ip])
		ip++
		l += 2
		if op+l > outLen {
			return dst, lzfError("back-reference overflows the output", ip-3)
		}
		if ref < 0 {
			return dst, lzfError("back-reference before the start of the output", ip-3)
		}
		// Overlapping copies repeat a pattern of period op-ref; copying
		// from the growing window doubles the chunk each time.
		for l > 0 {
			k := copy(out[op:op+l], out[ref:op])
			op += k
			l -= k
		}
	}
	if op != outLen {
		return dst, fmt.Errorf("%w: invalid LZF compressed string: expands to %d bytes, want %d", ErrCorrupt, op, outLen)
	}
	return buf, nil
}

func lzfError(what string, at int) error {
	return fmt.Errorf("%w: invalid LZF compressed string: %s at byte %d", ErrCorrupt, what, at)
}

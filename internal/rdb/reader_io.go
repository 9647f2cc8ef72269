package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
)

// The Reader's byte-level primitives. Bytes enter the checksum lazily: the
// region buf[crcPos:pos] is added whenever the buffer is compacted and at
// the EOF opcode; bytes read directly into a caller's slice are added at
// once.

// syncCRC adds the consumed, not yet summed bytes to the checksum.
func (r *Reader) syncCRC() {
	if !r.noCRC && r.pos > r.crcPos {
		r.crc = CRC64(r.crc, r.buf[r.crcPos:r.pos])
	}
	r.crcPos = r.pos
}

// fill makes at least n (≤ len(buf)) unread bytes available.
func (r *Reader) fill(n int) error {
	zeroReads := 0
	for r.end-r.pos < n {
		if r.eof {
			return ErrTruncated
		}
		if len(r.buf)-r.pos < n {
			r.syncCRC()
			r.end = copy(r.buf, r.buf[r.pos:r.end])
			r.base += int64(r.pos)
			r.pos, r.crcPos = 0, 0
		}
		m, err := r.r.Read(r.buf[r.end:])
		r.end += m
		switch {
		case err == io.EOF:
			r.eof = true
		case err != nil:
			return err
		case m == 0:
			if zeroReads++; zeroReads > 100 {
				return io.ErrNoProgress
			}
		}
	}
	return nil
}

// next consumes n (≤ len(buf)) bytes and returns them; the slice is valid
// until the next read.
func (r *Reader) next(n int) ([]byte, error) {
	if r.end-r.pos < n {
		if err := r.fill(n); err != nil {
			return nil, err
		}
	}
	b := r.buf[r.pos : r.pos+n]
	r.pos += n
	return b, nil
}

func (r *Reader) readByte() (byte, error) {
	if r.pos == r.end {
		if err := r.fill(1); err != nil {
			return 0, err
		}
	}
	b := r.buf[r.pos]
	r.pos++
	return b, nil
}

// readInto fills dst from the stream. Large reads bypass the buffer.
func (r *Reader) readInto(dst []byte) error {
	k := copy(dst, r.buf[r.pos:r.end])
	r.pos += k
	dst = dst[k:]
	if len(dst) == 0 {
		return nil
	}
	if len(dst) <= len(r.buf)/2 {
		if err := r.fill(len(dst)); err != nil {
			return err
		}
		r.pos += copy(dst, r.buf[r.pos:r.end])
		return nil
	}
	// The buffer is empty: retire it and read straight into dst.
	r.syncCRC()
	r.base += int64(r.pos)
	r.pos, r.end, r.crcPos = 0, 0, 0
	if r.eof {
		return ErrTruncated
	}
	n, err := io.ReadFull(r.r, dst)
	if !r.noCRC {
		r.crc = CRC64(r.crc, dst[:n])
	}
	r.base += int64(n)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		r.eof = true
		return ErrTruncated
	}
	return err
}

// skip consumes n bytes without keeping them.
func (r *Reader) skip(n uint64) error {
	if err := r.checkRemaining(n); err != nil {
		return err
	}
	for n > 0 {
		if r.pos == r.end {
			if err := r.fill(1); err != nil {
				return err
			}
		}
		k := min(n, uint64(r.end-r.pos))
		r.pos += int(k)
		n -= k
	}
	return nil
}

// checkRemaining rejects a claim of n more bytes when the size hint says
// they cannot exist.
func (r *Reader) checkRemaining(n uint64) error {
	if r.opts.Size <= 0 {
		return nil
	}
	left := r.opts.Size - r.Offset()
	if left < 0 || n > uint64(left) {
		return fmt.Errorf("%w: %d bytes claimed, %d remain", ErrTruncated, n, max(left, 0))
	}
	return nil
}

// readLenSpecial reads a length, or the number of a special string
// encoding (special = true).
func (r *Reader) readLenSpecial() (n uint64, special bool, err error) {
	c, err := r.readByte()
	if err != nil {
		return 0, false, err
	}
	switch c >> 6 {
	case len6Bit:
		return uint64(c & 0x3f), false, nil
	case len14Bit:
		b, err := r.readByte()
		if err != nil {
			return 0, false, err
		}
		return uint64(c&0x3f)<<8 | uint64(b), false, nil
	case lenEnc:
		return uint64(c & 0x3f), true, nil
	}
	switch c {
	case len32Bit:
		b, err := r.next(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(b)), false, nil
	case len64Bit:
		b, err := r.next(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(b), false, nil
	}
	return 0, false, fmt.Errorf("%w: unknown length encoding 0x%02x", ErrCorrupt, c)
}

// readLen reads a plain length. A byte of the special form 11xxxxxx,
// which only makes sense before a string, reads as the length xxxxxx:
// Redis's loader takes it that way wherever it expects a length (it ignores
// the "encoded" flag), so files and DUMP payloads holding it load in Redis,
// and they load here too.
func (r *Reader) readLen() (uint64, error) {
	n, _, err := r.readLenSpecial()
	return n, err
}

// readCount reads an element count. Each element takes at least minBytes
// bytes, which the size hint checks. It also returns a safe capacity to
// preallocate.
func (r *Reader) readCount(minBytes uint64) (n uint64, prealloc int, err error) {
	n, err = r.readLen()
	if err != nil {
		return 0, 0, err
	}
	if r.opts.Size > 0 {
		left := r.opts.Size - r.Offset()
		if left < 0 || n > uint64(left)/minBytes {
			return 0, 0, fmt.Errorf("%w: %d elements claimed, %d bytes remain", ErrTruncated, n, max(left, 0))
		}
	}
	return n, int(min(n, maxCountPrealloc)), nil
}

// readString reads a string in any encoding. With Alias the result points
// into the arena; otherwise it is freshly allocated.
func (r *Reader) readString() ([]byte, error) {
	if r.opts.Alias {
		old := len(r.arena)
		a, err := r.appendString(r.arena)
		if err != nil {
			return nil, err
		}
		r.arena = a
		return a[old:len(a):len(a)], nil
	}
	s, err := r.appendString(nil)
	if s == nil && err == nil {
		s = []byte{}
	}
	return s, err
}

// appendString reads a string in any encoding and appends it to dst.
func (r *Reader) appendString(dst []byte) ([]byte, error) {
	n, special, err := r.readLenSpecial()
	if err != nil {
		return dst, err
	}
	if !special {
		return r.appendRaw(dst, n)
	}
	var v int64
	switch n {
	case encInt8:
		b, err := r.readByte()
		if err != nil {
			return dst, err
		}
		v = int64(int8(b))
	case encInt16:
		b, err := r.next(2)
		if err != nil {
			return dst, err
		}
		v = int64(int16(binary.LittleEndian.Uint16(b)))
	case encInt32:
		b, err := r.next(4)
		if err != nil {
			return dst, err
		}
		v = int64(int32(binary.LittleEndian.Uint32(b)))
	case encLZF:
		return r.appendLZF(dst)
	default:
		return dst, fmt.Errorf("%w: unknown string encoding %d", ErrCorrupt, n)
	}
	return strconv.AppendInt(dst, v, 10), nil
}

// appendRaw appends n raw bytes from the stream to dst. Without a size
// hint, a large claim is read in growing steps, so memory follows the
// bytes that actually arrive.
func (r *Reader) appendRaw(dst []byte, n uint64) ([]byte, error) {
	if err := r.checkRemaining(n); err != nil {
		return dst, err
	}
	if n > math.MaxInt32*16 {
		return dst, fmt.Errorf("%w: string length %d", ErrCorrupt, n)
	}
	left := int(n)
	for left > 0 {
		step := left
		if r.opts.Size <= 0 {
			step = min(left, max(len(dst), maxStringPrealloc))
		}
		dst = slices.Grow(dst, step)
		l := len(dst)
		if err := r.readInto(dst[l : l+step]); err != nil {
			return dst[:l], err
		}
		dst = dst[:l+step]
		left -= step
	}
	return dst, nil
}

// appendLZF reads the rest of an LZF string (after its 0xC3 marker) and
// appends the decompressed bytes to dst.
func (r *Reader) appendLZF(dst []byte) ([]byte, error) {
	clen, err := r.readLen()
	if err != nil {
		return dst, err
	}
	ulen, err := r.readLen()
	if err != nil {
		return dst, err
	}
	if ulen == 0 {
		// Redis decompresses into a buffer of ulen bytes and only checks
		// that the output has that length: with 0, any compressed bytes
		// give the empty string.
		return dst, r.skip(clen)
	}
	if clen == 0 || ulen/lzfMaxRatio > clen {
		return dst, fmt.Errorf("%w: invalid LZF compressed string: %d bytes to expand to %d", ErrCorrupt, clen, ulen)
	}
	comp, err := r.appendRaw(r.scratch[:0], clen)
	if err != nil {
		return dst, err
	}
	if cap(comp) <= 4<<20 {
		r.scratch = comp
	} else {
		r.scratch = nil // do not pin a huge buffer
	}
	return LZFDecompress(dst, comp, int(ulen))
}

// skipString consumes a string in any encoding without decoding it.
func (r *Reader) skipString() error {
	n, special, err := r.readLenSpecial()
	if err != nil {
		return err
	}
	if !special {
		return r.skip(n)
	}
	switch n {
	case encInt8:
		return r.skip(1)
	case encInt16:
		return r.skip(2)
	case encInt32:
		return r.skip(4)
	case encLZF:
		clen, err := r.readLen()
		if err != nil {
			return err
		}
		if _, err := r.readLen(); err != nil {
			return err
		}
		return r.skip(clen)
	}
	return fmt.Errorf("%w: unknown string encoding %d", ErrCorrupt, n)
}

package listpack

import (
	"encoding/binary"
	"fmt"
)

// Validate checks that b is a well-formed listpack. It never panics and
// never allocates, whatever b holds.
//
// The shallow check (deep false) is the one Redis runs on every load: the
// blob is at least 7 bytes, total_bytes equals len(b), the last byte is
// 0xFF, and the first entry, if any, is well formed. The deep check (what
// redis-check-rdb and sanitize-dump-payload run) also walks every entry:
// each encoding byte is valid, each entry lies before the terminator, each
// backlen matches its entry, and the header count matches unless it is
// 65535. With pairs set, the entry count must also be even (hash and
// sorted-set layouts); [CheckUniqueFields] checks for duplicate fields.
//
// The deep check is slightly stricter than Redis's in one respect: the first
// 0xFF found at an entry boundary must be the final byte, so that walking
// forward and walking backward always visit the same entries.
//
// Errors wrap one of the Err* values of this package with the offset.
func Validate(b []byte, deep, pairs bool) error {
	if len(b) < EmptySize {
		return fmt.Errorf("%w: %d bytes", ErrShort, len(b))
	}
	if total := binary.LittleEndian.Uint32(b); uint64(total) != uint64(len(b)) {
		return fmt.Errorf("%w: header says %d, blob has %d", ErrSize, total, len(b))
	}
	end := len(b) - 1
	if b[end] != eof {
		return fmt.Errorf("%w: last byte is 0x%02x", ErrTerminator, b[end])
	}
	if !deep {
		if b[HeaderSize] == eof {
			return nil
		}
		_, err := validateEntry(b, HeaderSize)
		return err
	}
	count := 0
	p := HeaderSize
	for b[p] != eof {
		next, err := validateEntry(b, p)
		if err != nil {
			return err
		}
		p = next
		count++
	}
	if p != end {
		return fmt.Errorf("%w: terminator at offset %d, blob ends at %d", ErrBounds, p, end)
	}
	if hc := int(binary.LittleEndian.Uint16(b[4:])); hc != CountUnknown && hc != count {
		return fmt.Errorf("%w: header says %d, found %d", ErrCount, hc, count)
	}
	if pairs && count%2 != 0 {
		return fmt.Errorf("%w: %d entries", ErrOddPairs, count)
	}
	return nil
}

// validateEntry checks the entry at p, which is before the terminator at
// len(b)-1, and returns the position after it.
func validateEntry(b []byte, p int) (int, error) {
	end := uint64(len(b) - 1)
	lb := lengthBytes(b[p])
	if lb == 0 {
		return 0, fmt.Errorf("%w: byte 0x%02x at offset %d", ErrEncoding, b[p], p)
	}
	if uint64(p+lb) > end {
		return 0, fmt.Errorf("%w: length bytes of entry at offset %d", ErrBounds, p)
	}
	n := encodedSize(b, p)
	next := uint64(p) + n + uint64(backlenSize(n))
	if next > end {
		return 0, fmt.Errorf("%w: entry at offset %d needs %d bytes", ErrBounds, p, next-uint64(p))
	}
	if got := decodeBacklen(b, int(next)-1); got != n {
		return 0, fmt.Errorf("%w: entry at offset %d has size %d, backlen says %d", ErrBacklen, p, n, got)
	}
	return int(next), nil
}

// CheckUniqueFields reports an error wrapping [ErrDuplicate] if a pair
// layout (hash or sorted set) holds the same field or member twice, compared
// by string form. The listpack must already have passed a deep [Validate].
// It allocates a set of the fields.
func CheckUniqueFields(lp Listpack) error {
	seen := make(map[string]struct{}, lp.Len()/2)
	var buf [20]byte
	for p := lp.First(); p >= 0; {
		f := lp.AppendGet(buf[:0], p)
		if _, dup := seen[string(f)]; dup {
			return fmt.Errorf("%w: %q at offset %d", ErrDuplicate, f, p)
		}
		seen[string(f)] = struct{}{}
		p = lp.Next(p)
		if p < 0 {
			break
		}
		p = lp.Next(p)
	}
	return nil
}

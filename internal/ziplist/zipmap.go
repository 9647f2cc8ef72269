package ziplist

import (
	"encoding/binary"
	"fmt"

	"github.com/vestadb/vesta/internal/listpack"
)

const zipmapBigLen = 254

// zipmapLen decodes a zipmap length at p and returns it and its size, or
// an error if its bytes reach the terminator at term or if it uses the
// 5-byte form for a value below 254.
func zipmapLen(zm []byte, p, term int) (uint64, int, error) {
	if zm[p] < zipmapBigLen {
		if p+1 > term {
			return 0, 0, fmt.Errorf("%w: zipmap length at offset %d", ErrBounds, p)
		}
		return uint64(zm[p]), 1, nil
	}
	if p+5 > term {
		return 0, 0, fmt.Errorf("%w: zipmap length at offset %d", ErrBounds, p)
	}
	n := binary.LittleEndian.Uint32(zm[p+1:])
	if n < zipmapBigLen {
		// Redis's validator would accept this, but its reader sizes the
		// length field from the value and would then misread the rest;
		// real Redis 7.0.15 rejects such a zipmap, and so do we.
		return 0, 0, fmt.Errorf("%w: 5-byte zipmap length %d at offset %d", ErrEncoding, n, p)
	}
	return uint64(n), 5, nil
}

// walkZipmap validates zm the way Redis's deep zipmap check does and calls
// fn for each key and value.
func walkZipmap(zm []byte, fn func(key, value []byte) error) error {
	if len(zm) < 2 {
		return fmt.Errorf("%w: %d bytes", ErrShort, len(zm))
	}
	term := len(zm) - 1
	if zm[term] != end {
		return fmt.Errorf("%w: last byte is 0x%02x", ErrTerminator, zm[term])
	}
	count := 0
	p := 1
	for zm[p] != end {
		klen, s, err := zipmapLen(zm, p, term)
		if err != nil {
			return err
		}
		kstart := uint64(p + s)
		kend := kstart + klen
		if kend > uint64(term) {
			return fmt.Errorf("%w: key of %d bytes at offset %d", ErrBounds, klen, p)
		}
		p = int(kend)
		vlen, s, err := zipmapLen(zm, p, term)
		if err != nil {
			return err
		}
		free := uint64(zm[p+s])
		vstart := uint64(p+s) + 1
		vend := vstart + vlen
		if vend+free > uint64(term) {
			return fmt.Errorf("%w: value of %d bytes (+%d free) at offset %d", ErrBounds, vlen, free, p)
		}
		if fn != nil {
			if err := fn(zm[kstart:kend], zm[vstart:vend]); err != nil {
				return err
			}
		}
		p = int(vend + free)
		count++
	}
	if count == 0 {
		return ErrEmpty
	}
	if zm[0] != zipmapBigLen && int(zm[0]) != count {
		return fmt.Errorf("%w: zipmap header says %d, found %d", ErrCount, zm[0], count)
	}
	return nil
}

// ValidateZipmap checks zm the way Redis's deep zipmap check does: the
// terminator, every length and value within bounds, at least one pair, and
// the count byte unless it is 254 or more. It never panics.
func ValidateZipmap(zm []byte) error {
	return walkZipmap(zm, nil)
}

// ZipmapToListpack validates a zipmap (RDB type 9, the hash encoding of
// Redis before 2.6) and returns the equivalent hash listpack of
// field,value pairs. Like Redis's loader it rejects repeated fields.
func ZipmapToListpack(zm []byte) (listpack.Listpack, error) {
	size := listpack.EmptySize
	seen := make(map[string]struct{})
	err := walkZipmap(zm, func(k, v []byte) error {
		if _, dup := seen[string(k)]; dup {
			return fmt.Errorf("%w: %q", ErrDuplicate, k)
		}
		seen[string(k)] = struct{}{}
		size += listpack.EntrySize(k) + listpack.EntrySize(v)
		if size > listpack.MaxBytes {
			return fmt.Errorf("%w: more than %d bytes", ErrTooLarge, listpack.MaxBytes)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	lp := listpack.NewWithCapacity(size)
	_ = walkZipmap(zm, func(k, v []byte) error {
		lp = lp.Append(k, v)
		return nil
	})
	return lp, nil
}

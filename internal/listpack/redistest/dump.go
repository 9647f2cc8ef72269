package redistest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc64"
)

// ErrDump is wrapped by errors about DUMP payloads this package cannot read.
var ErrDump = errors.New("redistest: unsupported dump payload")

// ParseDump splits a DUMP payload into its RDB type byte and the raw blobs
// it carries: one blob for types 11 (intset), 16 (hash listpack) and 17
// (zset listpack), one per node for type 18 (quicklist of listpacks). The
// trailing RDB version and CRC64 are skipped, not checked. LZF-compressed
// strings are rejected: fixtures are made with rdbcompression off.
func ParseDump(p []byte) (typ byte, blobs [][]byte, err error) {
	if len(p) < 11 {
		return 0, nil, fmt.Errorf("%w: %d bytes", ErrDump, len(p))
	}
	typ = p[0]
	body := p[1 : len(p)-10]
	switch typ {
	case 11, 16, 17:
		s, rest, err := rdbString(body)
		if err != nil {
			return 0, nil, err
		}
		if len(rest) != 0 {
			return 0, nil, fmt.Errorf("%w: %d trailing bytes", ErrDump, len(rest))
		}
		return typ, [][]byte{s}, nil
	case 18:
		n, rest, err := rdbLen(body)
		if err != nil {
			return 0, nil, err
		}
		for range n {
			var container uint64
			if container, rest, err = rdbLen(rest); err != nil {
				return 0, nil, err
			}
			if container != 2 {
				return 0, nil, fmt.Errorf("%w: quicklist container %d", ErrDump, container)
			}
			var s []byte
			if s, rest, err = rdbString(rest); err != nil {
				return 0, nil, err
			}
			blobs = append(blobs, s)
		}
		return typ, blobs, nil
	}
	return 0, nil, fmt.Errorf("%w: type %d", ErrDump, typ)
}

func rdbLen(b []byte) (uint64, []byte, error) {
	if len(b) == 0 {
		return 0, nil, fmt.Errorf("%w: missing length", ErrDump)
	}
	switch b[0] >> 6 {
	case 0:
		return uint64(b[0] & 0x3F), b[1:], nil
	case 1:
		if len(b) < 2 {
			return 0, nil, fmt.Errorf("%w: short 14-bit length", ErrDump)
		}
		return uint64(b[0]&0x3F)<<8 | uint64(b[1]), b[2:], nil
	}
	switch b[0] {
	case 0x80:
		if len(b) < 5 {
			return 0, nil, fmt.Errorf("%w: short 32-bit length", ErrDump)
		}
		return uint64(binary.BigEndian.Uint32(b[1:])), b[5:], nil
	case 0x81:
		if len(b) < 9 {
			return 0, nil, fmt.Errorf("%w: short 64-bit length", ErrDump)
		}
		return binary.BigEndian.Uint64(b[1:]), b[9:], nil
	}
	return 0, nil, fmt.Errorf("%w: special encoding 0x%02x where a length was expected", ErrDump, b[0])
}

func rdbString(b []byte) ([]byte, []byte, error) {
	if len(b) > 0 && b[0]>>6 == 3 {
		return nil, nil, fmt.Errorf("%w: string encoding 0x%02x (int or LZF)", ErrDump, b[0])
	}
	n, rest, err := rdbLen(b)
	if err != nil {
		return nil, nil, err
	}
	if uint64(len(rest)) < n {
		return nil, nil, fmt.Errorf("%w: string of %d bytes, %d left", ErrDump, n, len(rest))
	}
	return rest[:n], rest[n:], nil
}

// AppendLen appends n in the RDB length encoding (shortest form).
func AppendLen(dst []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(dst, byte(n))
	case n < 1<<14:
		return append(dst, 0x40|byte(n>>8), byte(n))
	case n <= 1<<32-1:
		dst = append(dst, 0x80)
		return binary.BigEndian.AppendUint32(dst, uint32(n))
	}
	dst = append(dst, 0x81)
	return binary.BigEndian.AppendUint64(dst, n)
}

// AppendString appends s as a raw RDB string (length, then bytes).
func AppendString(dst, s []byte) []byte {
	return append(AppendLen(dst, uint64(len(s))), s...)
}

var jones = crc64.MakeTable(0x95AC9329AC4BC9B5)

// Payload builds a DUMP/RESTORE payload for an RDB type and its encoded
// value: the type byte, the value, RDB version 10 and the CRC64 (Jones)
// trailer Redis checks.
func Payload(typ byte, value []byte) []byte {
	p := append([]byte{typ}, value...)
	p = append(p, 10, 0)
	crc := ^crc64.Update(^uint64(0), jones, p)
	return binary.LittleEndian.AppendUint64(p, crc)
}

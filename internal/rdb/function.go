package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// Function payloads: FUNCTION DUMP's reply and FUNCTION RESTORE's argument
// are a run of FUNCTION2 items (OpFunction and the library's source as an
// RDB string) followed by the RDB version (2 bytes, little endian) and the
// CRC64 of everything before it (8 bytes, little endian), as a key's DUMP
// payload ends.

// AppendFunctionPayload returns the payload holding the libraries' sources
// (strings LZF-compressed as in a file when compress).
func AppendFunctionPayload(codes []string, compress bool) []byte {
	e := NewEncoder(compress)
	for _, c := range codes {
		e.Function(c)
	}
	b := e.Take()
	b = binary.LittleEndian.AppendUint16(b, Version)
	return binary.LittleEndian.AppendUint64(b, CRC64(0, b))
}

// Errors of ParseFunctionPayload, worded as Redis's FUNCTION RESTORE
// words them.
var (
	ErrPayloadFooter   = errors.New("DUMP payload version or checksum are wrong")
	ErrPayloadType     = errors.New("can not read data type")
	ErrPayloadPreGA    = errors.New("Pre-GA function format not supported")
	ErrPayloadNotFunc  = errors.New("given type is not a function")
	ErrPayloadLibrary  = errors.New("failed loading the given functions payload")
	errPayloadTooShort = ErrPayloadFooter
)

// ParseFunctionPayload checks a function payload's footer and returns the
// library sources it holds. No input makes it panic or allocate more than
// the payload can back.
func ParseFunctionPayload(p []byte) ([]string, error) {
	if len(p) < 10 {
		return nil, errPayloadTooShort
	}
	footer := p[len(p)-10:]
	if binary.LittleEndian.Uint16(footer) > Version {
		return nil, ErrPayloadFooter
	}
	if CRC64(0, p[:len(p)-8]) != binary.LittleEndian.Uint64(footer[2:]) {
		return nil, ErrPayloadFooter
	}
	var codes []string
	pos := 0
	for len(p)-pos > 10 {
		switch p[pos] {
		case OpFunctionOld:
			return nil, ErrPayloadPreGA
		case OpFunction:
		default:
			return nil, ErrPayloadNotFunc
		}
		pos++
		s, n, err := decodeString(p[pos:])
		if err != nil {
			return nil, ErrPayloadLibrary
		}
		pos += n
		codes = append(codes, string(s))
	}
	return codes, nil
}

// decodeString reads one RDB string from the start of p (which may run
// into the footer, as Redis's reader may).
func decodeString(p []byte) ([]byte, int, error) {
	size := min(max(len(p), minReadBuffer), defaultReadBuffer)
	r := &Reader{
		r:       bytes.NewReader(p),
		opts:    ReaderOptions{Size: int64(len(p))},
		buf:     make([]byte, size),
		noCRC:   true,
		version: Version,
		expire:  -1,
		idle:    -1,
		freq:    -1,
	}
	s, err := r.readString()
	if err != nil {
		return nil, 0, err
	}
	return s, int(r.Offset()), nil
}

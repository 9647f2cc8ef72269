package rdb

import (
	"bytes"
	"fmt"
)

// DecodeValue decodes a single value that is not framed by a file: the
// value type byte, then the value as it follows the key in a file. This is
// the start of a DUMP payload, which Redis decodes the same way. It returns
// the value in a *Key whose Key is empty (ExpireMs, Idle and Freq -1) and
// the number of bytes it used. Bytes after the value are not looked at:
// a DUMP payload goes on with its version and CRC, and a value that claims
// more bytes than it has may read into them, as in Redis.
//
// Errors are *[Error] values as from [Reader]; a module value
// gives one wrapping [ErrUnsupportedType]. No input makes DecodeValue
// panic, and no claimed length or count makes it allocate more than the
// input can back: p is the size hint.
func DecodeValue(p []byte) (*Key, int, error) {
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
	t, err := r.readByte()
	if err != nil {
		return nil, 0, r.fail(err)
	}
	if !IsValueType(t) {
		return nil, 0, r.failAt(0, fmt.Errorf("%w: unknown value type %d", ErrCorrupt, t))
	}
	k := &Key{Type: t, Key: []byte{}, ExpireMs: -1, Idle: -1, Freq: -1}
	if err := r.readValue(k); err != nil {
		return nil, 0, r.fail(fmt.Errorf("value (%s): %w", TypeName(t), err))
	}
	return k, int(r.Offset()), nil
}

package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ReaderOptions configures a [Reader].
type ReaderOptions struct {
	// Size, when positive, is the total size of the input (for a file,
	// its size). A string length or element count that claims more
	// bytes than remain is then rejected at once with ErrTruncated,
	// before anything is allocated for it.
	Size int64

	// Alias makes the byte slices in returned items (key names, values)
	// point into buffers owned by the Reader, and reuses the *Key and its
	// slices. They are valid only until the next call to Next or
	// SkipValue. This avoids an allocation per string when loading.
	Alias bool

	// IgnoreChecksum skips computing and verifying the CRC64 trailer
	// (Redis's rdbchecksum no). EOF.Verified is then false.
	IgnoreChecksum bool

	// BufferSize is the read buffer size (default 128 KiB).
	BufferSize int
}

const (
	defaultReadBuffer = 128 << 10
	minReadBuffer     = 512

	// Without a size hint, allocations for a claimed length grow as the
	// bytes arrive, starting from these caps.
	maxStringPrealloc = 1 << 20
	maxCountPrealloc  = 4096
)

// pendingKind says what SkipValue would step over.
type pendingKind uint8

const (
	pendingNone    pendingKind = iota
	pendingModule2             // module id already read
	pendingModuleAux
	pendingModule1 // cannot be skipped
)

// errNotConsumed is returned by Next while an unsupported value is waiting
// for SkipValue.
var errNotConsumed = errors.New("rdb: the previous unsupported value was not skipped: call SkipValue")

// Reader parses an RDB stream one item at a time. It reads through its own
// buffer, computes the CRC64 as it goes and checks it at the end, and
// reports problems as *[Error] values carrying the stream offset.
//
// After an error other than one wrapping [ErrUnsupportedType], the Reader
// is spent: Next returns the same error again.
type Reader struct {
	r    io.Reader
	opts ReaderOptions

	buf      []byte
	pos, end int   // unread bytes are buf[pos:end]
	base     int64 // stream offset of buf[0]
	crc      uint64
	crcPos   int // buf[:crcPos] is already in crc
	noCRC    bool
	eof      bool // the underlying reader reported io.EOF

	version int
	db      uint64
	done    bool // EOF opcode seen
	err     error
	pending pendingKind
	pendKey []byte

	// Metadata opcodes waiting for the next key.
	expire int64
	idle   int64
	freq   int

	key     Key    // reused with Alias
	arena   []byte // string storage with Alias
	scratch []byte // compressed bytes of LZF strings
}

// NewReader reads and checks the header (magic "REDIS" and a version of 1
// to 10) and returns a Reader positioned at the first item.
func NewReader(r io.Reader, opts ReaderOptions) (*Reader, error) {
	size := opts.BufferSize
	if size <= 0 {
		size = defaultReadBuffer
	}
	if opts.Size > 0 && opts.Size < int64(size) {
		size = int(opts.Size) // no use for a buffer beyond the input
	}
	size = max(size, minReadBuffer)
	rd := &Reader{
		r:      r,
		opts:   opts,
		buf:    make([]byte, size),
		noCRC:  opts.IgnoreChecksum,
		expire: -1,
		idle:   -1,
		freq:   -1,
	}
	hdr, err := rd.next(9)
	if err != nil {
		return nil, rd.fail(err)
	}
	if !bytes.Equal(hdr[:5], []byte("REDIS")) {
		return nil, rd.failAt(0, fmt.Errorf("%w: wrong signature %q", ErrCorrupt, hdr[:5]))
	}
	rd.version = atoi(hdr[5:9])
	if rd.version < 1 || rd.version > Version {
		return nil, rd.failAt(5, fmt.Errorf("%w: Can't handle RDB format version %d", ErrVersion, rd.version))
	}
	return rd, nil
}

// atoi parses leading decimal digits like C's atoi (which Redis uses on the
// version field): leading white space, an optional sign, then digits up to
// the first non-digit.
func atoi(b []byte) int {
	for len(b) > 0 && (b[0] == ' ' || b[0] >= '\t' && b[0] <= '\r') {
		b = b[1:]
	}
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// Version returns the RDB version from the header.
func (r *Reader) Version() int { return r.version }

// Offset returns the number of bytes consumed so far.
func (r *Reader) Offset() int64 { return r.base + int64(r.pos) }

// Next returns the next item. Metadata opcodes (expire, idle, freq) are
// folded into the *Key they precede. After the [EOF] item, Next returns
// io.EOF.
//
// For a module value, or module AUX data, Next returns the item
// (a *Key without a value, or a [ModuleAux]) together with an error
// wrapping [ErrUnsupportedType]; call [Reader.SkipValue] to step over it
// and go on.
func (r *Reader) Next() (Item, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.pending != pendingNone {
		return nil, errNotConsumed
	}
	if r.done {
		return nil, io.EOF
	}
	if r.opts.Alias {
		r.arena = r.arena[:0]
	}
	for {
		start := r.Offset()
		t, err := r.readByte()
		if err != nil {
			return nil, r.fail(err)
		}
		switch t {
		case OpExpireTimeMs:
			b, err := r.next(8)
			if err != nil {
				return nil, r.fail(err)
			}
			r.expire = int64(binary.LittleEndian.Uint64(b))
		case OpExpireTime:
			b, err := r.next(4)
			if err != nil {
				return nil, r.fail(err)
			}
			r.expire = int64(int32(binary.LittleEndian.Uint32(b))) * 1000
		case OpFreq:
			b, err := r.readByte()
			if err != nil {
				return nil, r.fail(err)
			}
			r.freq = int(b)
		case OpIdle:
			n, err := r.readLen()
			if err != nil {
				return nil, r.fail(err)
			}
			r.idle = int64(min(n, 1<<62))
		case OpEOF:
			return r.readEOF()
		case OpSelectDB:
			n, err := r.readLen()
			if err != nil {
				return nil, r.fail(err)
			}
			r.db = n
			return SelectDB{N: n}, nil
		case OpResizeDB:
			keys, err := r.readLen()
			if err != nil {
				return nil, r.fail(err)
			}
			expires, err := r.readLen()
			if err != nil {
				return nil, r.fail(err)
			}
			return ResizeDB{Keys: keys, Expires: expires}, nil
		case OpAux:
			k, err := r.readString()
			if err != nil {
				return nil, r.fail(fmt.Errorf("AUX key: %w", err))
			}
			v, err := r.readString()
			if err != nil {
				return nil, r.fail(fmt.Errorf("AUX %q value: %w", k, err))
			}
			return Aux{Key: string(k), Val: string(v)}, nil
		case OpFunction:
			code, err := r.readString()
			if err != nil {
				return nil, r.fail(fmt.Errorf("function library: %w", err))
			}
			return Function{Code: string(code)}, nil
		case OpFunctionOld:
			return r.readOldFunction()
		case OpModuleAux:
			return r.readModuleAux(start)
		default:
			if !IsValueType(t) {
				return nil, r.failAt(start, fmt.Errorf("%w: unknown value type or opcode %d", ErrCorrupt, t))
			}
			return r.readKey(t)
		}
	}
}

// readEOF handles the EOF opcode: it checks the CRC64 trailer.
func (r *Reader) readEOF() (Item, error) {
	r.syncCRC()
	computed := r.crc
	r.noCRC = true // the trailer is not part of the checksum
	r.done = true
	if r.version < 5 {
		return EOF{}, nil
	}
	b, err := r.next(8)
	if err != nil {
		return nil, r.fail(err)
	}
	stored := binary.LittleEndian.Uint64(b)
	if stored == 0 || r.opts.IgnoreChecksum {
		return EOF{Checksum: stored}, nil
	}
	if stored != computed {
		return nil, r.failAt(r.Offset()-8, fmt.Errorf("%w: Wrong RDB checksum expected: (%x) but got (%x)", ErrChecksum, computed, stored))
	}
	return EOF{Checksum: stored, Verified: true}, nil
}

// readOldFunction reads the 7.0-rc FUNCTION opcode and converts it to the
// FUNCTION2 payload, as Redis does when loading it.
func (r *Reader) readOldFunction() (Item, error) {
	name, err := r.readString()
	if err != nil {
		return nil, r.fail(fmt.Errorf("function name: %w", err))
	}
	engine, err := r.readString()
	if err != nil {
		return nil, r.fail(fmt.Errorf("function engine: %w", err))
	}
	hasDesc, err := r.readLen()
	if err != nil {
		return nil, r.fail(err)
	}
	if hasDesc != 0 {
		if err := r.skipString(); err != nil {
			return nil, r.fail(fmt.Errorf("function description: %w", err))
		}
	}
	code, err := r.readString()
	if err != nil {
		return nil, r.fail(fmt.Errorf("function code: %w", err))
	}
	return Function{Code: "#!" + string(engine) + " name=" + string(name) + "\n" + string(code)}, nil
}

// readModuleAux reads the header of module AUX data and leaves the rest
// for SkipValue.
func (r *Reader) readModuleAux(start int64) (Item, error) {
	id, err := r.readLen()
	if err != nil {
		return nil, r.fail(err)
	}
	whenOp, err := r.readLen()
	if err != nil {
		return nil, r.fail(err)
	}
	when, err := r.readLen()
	if err != nil {
		return nil, r.fail(err)
	}
	if whenOp != moduleOpUInt {
		return nil, r.failAt(start, fmt.Errorf("%w: module AUX with bad when opcode %d", ErrCorrupt, whenOp))
	}
	item := ModuleAux{ModuleID: id, Module: ModuleName(id), When: when}
	r.pending = pendingModuleAux
	return item, &Error{Offset: start, Err: fmt.Errorf("%w: module AUX data of module %q", ErrUnsupportedType, item.Module)}
}

// fail records err as the Reader's sticky error at the current offset.
func (r *Reader) fail(err error) error {
	return r.failAt(r.Offset(), err)
}

func (r *Reader) failAt(off int64, err error) error {
	if e, ok := err.(*Error); ok {
		r.err = e
		return e
	}
	r.err = &Error{Offset: off, Err: err}
	return r.err
}

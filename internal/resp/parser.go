package resp

import (
	"bytes"
	"fmt"

	"github.com/vestadb/vesta/internal/sds"
)

// Limits that Redis 7.0 applies to requests (networking.c).
const (
	// MaxInlineSize bounds an inline request line and every multibulk or bulk
	// header line that is still missing its terminator.
	MaxInlineSize = 64 * 1024
	// MaxUnauthMultibulk and MaxUnauthBulk bound what a client that still has
	// to authenticate may send.
	MaxUnauthMultibulk = 10
	MaxUnauthBulk      = 16384
	// maxMultibulk is INT_MAX, the largest argc Redis accepts.
	maxMultibulk = 1<<31 - 1

	minReadSpace = 16 * 1024
)

// ProtocolError is a malformed request. Its text is what Redis replies after
// "-ERR ", and the connection must be closed once the reply is sent.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "Protocol error: " + e.Msg }

// ErrQueryBufferLimit reports a client whose pending request outgrew
// client-query-buffer-limit; Redis closes such clients without a reply.
var ErrQueryBufferLimit = fmt.Errorf("resp: query buffer limit reached")

// Parser incrementally parses requests from bytes read off a connection.
// It owns a buffer: callers read into [Parser.Space], report the count with
// [Parser.Advance], then call [Parser.Next] until it returns no command.
//
// The argument slices returned by Next alias the buffer and stay valid until
// the next call to Space.
type Parser struct {
	// MaxBulkLen is proto-max-bulk-len; MaxQueryBuf is client-query-buffer-limit.
	MaxBulkLen  int64
	MaxQueryBuf int64

	buf        []byte
	start, end int // unconsumed bytes are buf[start:end]

	// State of a multibulk request that is only partly in the buffer.
	// Offsets are relative to start so that compaction keeps them valid.
	inMulti bool
	argc    int   // arguments still to read
	bulk    int64 // length of the bulk being read, or -1 while reading its header
	pos     int   // next byte to examine, relative to start
	offs    []int // start/end pairs of complete arguments, relative to start

	args [][]byte
}

// NewParser returns a parser with Redis's default limits.
func NewParser() *Parser {
	return &Parser{MaxBulkLen: 512 * 1024 * 1024, MaxQueryBuf: 1024 * 1024 * 1024, bulk: -1}
}

// Space returns a writable region for the next read. It may move buffered
// bytes, which invalidates argument slices returned earlier.
func (p *Parser) Space() []byte {
	if p.start == p.end {
		p.start, p.end = 0, 0
	}
	want := minReadSpace
	if p.inMulti && p.bulk >= 0 {
		// Reading a bulk: try to fit the rest of it, but let the buffer grow
		// with the data rather than trusting the announced size.
		need := int64(p.pos) + p.bulk + 2 - int64(p.end-p.start)
		if need > int64(want) {
			want = int(min(need, int64(len(p.buf)+minReadSpace)))
			want = max(want, minReadSpace)
		}
	}
	if len(p.buf)-p.end >= want {
		return p.buf[p.end:]
	}
	pending := p.end - p.start
	if p.start > 0 && len(p.buf)-pending >= want {
		copy(p.buf, p.buf[p.start:p.end])
	} else {
		nb := make([]byte, max(2*len(p.buf), pending+want))
		copy(nb, p.buf[p.start:p.end])
		p.buf = nb
	}
	p.start, p.end = 0, pending
	return p.buf[p.end:]
}

// Advance records that n bytes were read into the region Space returned.
func (p *Parser) Advance(n int) { p.end += n }

// Buffered reports the number of received bytes not yet consumed.
func (p *Parser) Buffered() int { return p.end - p.start }

// Consumed returns the last n bytes Next consumed (the raw bytes of the
// request it returned, when n is the drop of Buffered across the call).
// Valid until the next call to Space.
func (p *Parser) Consumed(n int) []byte { return p.buf[p.start-n : p.start] }

// Free reports the room left in the buffer after the received bytes
// (CLIENT LIST qbuf-free).
func (p *Parser) Free() int { return len(p.buf) - p.end }

// Size reports the size of the buffer (CLIENT LIST tot-mem).
func (p *Parser) Size() int { return len(p.buf) }

// Shrink releases a large buffer when it holds nothing, so an idle client that
// once sent a big value does not pin the memory.
func (p *Parser) Shrink() {
	if p.start == p.end && !p.inMulti && cap(p.buf) > 4*minReadSpace {
		p.buf, p.start, p.end = nil, 0, 0
	}
}

// Next parses the next complete request. It returns nil, nil when more bytes
// are needed. needAuth applies the stricter pre-authentication limits.
// Empty requests (a blank line, "*0") are skipped.
func (p *Parser) Next(needAuth bool) ([][]byte, error) {
	for p.start < p.end {
		var args [][]byte
		var err error
		if p.inMulti || p.buf[p.start] == '*' {
			args, err = p.multibulk(needAuth)
		} else {
			args, err = p.inline()
		}
		if err != nil || args == nil {
			return nil, err
		}
		if len(args) > 0 {
			return args, nil
		}
	}
	return nil, nil
}

func (p *Parser) inline() ([][]byte, error) {
	data := p.buf[p.start:p.end]
	nl := bytes.IndexByte(data, '\n')
	// Redis reads at most 16 KiB at a time and refuses an inline request
	// once more than 64 KiB are buffered without a newline, so a longer
	// line never runs there, however it arrives.
	if nl > MaxInlineSize || (nl < 0 && len(data) > MaxInlineSize) {
		return nil, &ProtocolError{"too big inline request"}
	}
	if nl < 0 {
		return nil, nil
	}
	line := data[:nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, ok := sds.SplitArgs(line, p.args[:0])
	if !ok {
		return nil, &ProtocolError{"unbalanced quotes in request"}
	}
	p.args = args
	p.start += nl + 1
	if args == nil {
		return [][]byte{}, nil // consumed an empty line
	}
	return args, nil
}

func (p *Parser) multibulk(needAuth bool) ([][]byte, error) {
	if !p.inMulti {
		n, next, err := p.header(p.start, "too big mbulk count string")
		if err != nil || next < 0 {
			return nil, err
		}
		if !n.ok || n.v > maxMultibulk {
			return nil, &ProtocolError{"invalid multibulk length"}
		}
		if needAuth && n.v > MaxUnauthMultibulk {
			return nil, &ProtocolError{"unauthenticated multibulk length"}
		}
		if n.v <= 0 {
			p.start = next
			return [][]byte{}, nil
		}
		p.inMulti = true
		p.argc = int(n.v)
		p.bulk = -1
		p.pos = next - p.start
		p.offs = p.offs[:0]
	}
	for p.argc > 0 {
		if p.bulk < 0 {
			at := p.start + p.pos
			if at >= p.end {
				return nil, nil
			}
			n, next, err := p.header(at, "too big bulk count string")
			if err != nil || next < 0 {
				return nil, err
			}
			if p.buf[at] != '$' {
				return nil, &ProtocolError{fmt.Sprintf("expected '$', got '%c'", p.buf[at])}
			}
			if !n.ok || n.v < 0 || n.v > p.MaxBulkLen {
				return nil, &ProtocolError{"invalid bulk length"}
			}
			if needAuth && n.v > MaxUnauthBulk {
				return nil, &ProtocolError{"unauthenticated bulk length"}
			}
			p.bulk = n.v
			p.pos = next - p.start
		}
		have := int64(p.end - p.start - p.pos)
		if have < p.bulk+2 {
			if int64(p.pos)+p.bulk+2 > p.MaxQueryBuf {
				return nil, ErrQueryBufferLimit
			}
			return nil, nil
		}
		p.offs = append(p.offs, p.pos, p.pos+int(p.bulk))
		// Like Redis, the two bytes after the payload are skipped unchecked.
		p.pos += int(p.bulk) + 2
		p.bulk = -1
		p.argc--
	}
	args := p.args[:0]
	base := p.buf[p.start:]
	for i := 0; i < len(p.offs); i += 2 {
		args = append(args, base[p.offs[i]:p.offs[i+1]:p.offs[i+1]])
	}
	p.args = args
	p.start += p.pos
	p.inMulti = false
	p.pos = 0
	return args, nil
}

type parsedInt struct {
	v  int64
	ok bool
}

// header parses the number on the line starting at buf[at] (after its type
// byte). It returns next = -1 when the line is not complete yet. Like Redis,
// it looks for '\r' and then skips one more byte without checking it.
func (p *Parser) header(at int, tooBig string) (parsedInt, int, error) {
	data := p.buf[at:p.end]
	cr := bytes.IndexByte(data, '\r')
	if cr > MaxInlineSize {
		return parsedInt{}, -1, &ProtocolError{tooBig}
	}
	if cr < 0 || cr+1 >= len(data) {
		if len(data) > MaxInlineSize {
			return parsedInt{}, -1, &ProtocolError{tooBig}
		}
		if int64(p.end-p.start) > p.MaxQueryBuf {
			return parsedInt{}, -1, ErrQueryBufferLimit
		}
		return parsedInt{}, -1, nil
	}
	if cr == 0 {
		return parsedInt{}, at + 2, nil // no type byte: the caller reports it
	}
	v, ok := ParseInt(data[1:cr])
	return parsedInt{v, ok}, at + cr + 2, nil
}

// ParseInt parses a decimal int64 exactly as Redis's string2ll does: an
// optional '-', no '+', no leading zeros (except "0" itself), no spaces, and
// no overflow. "-0" is rejected.
func ParseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := false
	i := 0
	if b[0] == '-' {
		neg = true
		i = 1
		if len(b) == 1 {
			return 0, false
		}
	}
	if b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	var u uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (1<<63-d)/10 {
			return 0, false // beyond what either sign can hold
		}
		u = u*10 + d
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

// PeekKeys appends to dst the second argument (for most commands, the
// first key) of each complete multibulk request that Next has yet to
// return, up to max requests, without consuming anything. The server
// uses it to load the hash-table buckets those keys hash to into the CPU
// cache before it executes the requests (keyspace.Dict.Prefetch): the
// bucket, entry and key of a large keyspace are cache misses that a
// pipeline can overlap rather than pay one after another.
//
// It is a hint: it stops at the first inline, malformed, oversized or
// incomplete request, and the slices it returns alias the buffer, valid
// until the next Space or Shrink.
func (p *Parser) PeekKeys(dst [][]byte, max int) [][]byte {
	if p.inMulti {
		return dst
	}
	buf := p.buf[:p.end]
	at := p.start
	for n := 0; n < max && at < len(buf) && buf[at] == '*'; n++ {
		argc, next := peekHeader(buf, at)
		if argc <= 0 || argc > peekMaxArgs {
			return dst
		}
		at = next
		var key []byte
		for i := int64(0); i < argc; i++ {
			if at >= len(buf) || buf[at] != '$' {
				return dst
			}
			blen, next := peekHeader(buf, at)
			if blen < 0 || blen > int64(len(buf)-next)-2 {
				return dst
			}
			if i == 1 {
				key = buf[next : next+int(blen) : next+int(blen)]
			}
			at = next + int(blen) + 2
		}
		if key != nil {
			dst = append(dst, key)
		}
	}
	return dst
}

// peekMaxArgs bounds the arguments PeekKeys walks through to reach the next
// request: it stops at a request with more (a long MSET or RPUSH) rather
// than scan it once more before Next parses it.
const peekMaxArgs = 1024

// peekHeader parses the number on the line at buf[at] after its type byte
// and returns it with the offset of the next line; -1 if the line is
// incomplete or not a number.
func peekHeader(buf []byte, at int) (int64, int) {
	end := min(len(buf), at+1+20+2)
	line := buf[at+1 : end]
	cr := bytes.IndexByte(line, '\r')
	if cr < 0 || at+1+cr+1 >= len(buf) {
		return -1, 0
	}
	v, ok := ParseInt(line[:cr])
	if !ok {
		return -1, 0
	}
	return v, at + 1 + cr + 2
}

package testutil

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Limits on replies read by [ReadFrame] and [Parse]. They are far above what
// tests exchange and exist so that a corrupt stream ends in an error rather
// than an unbounded allocation or recursion.
const (
	// MaxLine bounds a type line (everything before its \r\n).
	MaxLine = 1 << 20
	// MaxBulk bounds a bulk string, verbatim string or blob error.
	MaxBulk = 1 << 30
	// MaxDepth bounds the nesting of aggregates.
	MaxDepth = 64
)

// Errors returned for malformed replies. They are wrapped with the offset at
// which the problem was found.
var (
	ErrBadType   = errors.New("testutil: unknown reply type byte")
	ErrBadLength = errors.New("testutil: bad length in reply")
	ErrBadLine   = errors.New("testutil: malformed reply line")
	ErrTooDeep   = errors.New("testutil: reply nested too deeply")
	ErrTruncated = errors.New("testutil: reply truncated")
	ErrTrailing  = errors.New("testutil: bytes after the reply")
)

// ReadFrame reads exactly one reply from r and returns its raw bytes. An
// attribute (|) and the reply it annotates form one frame; a push message
// (>) is a frame of its own. The bytes of a bulk are read as they arrive, so
// a huge announced length costs nothing until the data exists.
func ReadFrame(r *bufio.Reader) ([]byte, error) {
	return readFrame(r, nil, 0)
}

func readFrame(r *bufio.Reader, dst []byte, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return dst, ErrTooDeep
	}
	start := len(dst)
	dst, err := readLine(r, dst)
	if err != nil {
		return dst, err
	}
	line := dst[start : len(dst)-2]
	typ := line[0]
	switch typ {
	case '+', '-', ':', '_', '#', ',', '(':
		if err := checkSimple(typ, line[1:]); err != nil {
			return dst, fmt.Errorf("%w at byte %d", err, start)
		}
		return dst, nil
	case '$', '!', '=':
		n, err := parseLen(line[1:], typ == '$')
		if err != nil {
			return dst, fmt.Errorf("%w at byte %d", err, start)
		}
		if n < 0 {
			return dst, nil
		}
		if n > MaxBulk {
			return dst, fmt.Errorf("%w: %d at byte %d", ErrBadLength, n, start)
		}
		body := len(dst)
		dst, err = readN(r, dst, n+2)
		if err != nil {
			return dst, err
		}
		if dst[len(dst)-2] != '\r' || dst[len(dst)-1] != '\n' {
			return dst, fmt.Errorf("%w: bulk not followed by CRLF at byte %d", ErrBadLine, len(dst)-2)
		}
		if typ == '=' && (n < 4 || dst[body+3] != ':') {
			return dst, fmt.Errorf("%w: verbatim string without format at byte %d", ErrBadLine, body)
		}
		return dst, nil
	case '*', '~', '>', '%', '|':
		n, err := parseLen(line[1:], typ == '*')
		if err != nil {
			return dst, fmt.Errorf("%w at byte %d", err, start)
		}
		if n < 0 {
			return dst, nil
		}
		if typ == '%' || typ == '|' {
			n *= 2
		}
		for i := int64(0); i < n; i++ {
			if dst, err = readFrame(r, dst, depth+1); err != nil {
				return dst, err
			}
		}
		if typ == '|' {
			// The attribute annotates the reply that follows it.
			return readFrame(r, dst, depth+1)
		}
		return dst, nil
	default:
		return dst, fmt.Errorf("%w %q at byte %d", ErrBadType, typ, start)
	}
}

// readLine appends one line including its \r\n.
func readLine(r *bufio.Reader, dst []byte) ([]byte, error) {
	start := len(dst)
	for {
		chunk, err := r.ReadSlice('\n')
		dst = append(dst, chunk...)
		if len(dst)-start > MaxLine+2 {
			return dst, fmt.Errorf("%w: line longer than %d bytes", ErrBadLine, MaxLine)
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if len(dst) == start {
				return dst, io.EOF
			}
			return dst, ErrTruncated
		}
		return dst, err
	}
	n := len(dst) - start
	if n < 3 || dst[len(dst)-2] != '\r' {
		return dst, fmt.Errorf("%w: %q", ErrBadLine, dst[start:])
	}
	return dst, nil
}

// readN appends exactly n bytes, growing dst only as bytes arrive.
func readN(r *bufio.Reader, dst []byte, n int64) ([]byte, error) {
	for n > 0 {
		chunk := int(min(n, 64*1024))
		if cap(dst)-len(dst) < chunk {
			grown := make([]byte, len(dst), max(2*cap(dst), len(dst)+chunk))
			copy(grown, dst)
			dst = grown
		}
		got, err := io.ReadFull(r, dst[len(dst):len(dst)+chunk])
		dst = dst[:len(dst)+got]
		n -= int64(got)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return dst, ErrTruncated
			}
			return dst, err
		}
	}
	return dst, nil
}

// parseLen parses the length of a bulk or aggregate; -1 is allowed (a RESP2
// null) when nullOK.
func parseLen(b []byte, nullOK bool) (int64, error) {
	if nullOK && string(b) == "-1" {
		return -1, nil
	}
	n, ok := parseDecimal(b)
	if !ok || n < 0 {
		return 0, fmt.Errorf("%w: %q", ErrBadLength, b)
	}
	return n, nil
}

// parseDecimal parses a plain decimal int64 with an optional '-'.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (1<<63-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	if neg {
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

// checkSimple validates the payload of a one-line reply.
func checkSimple(typ byte, b []byte) error {
	switch typ {
	case ':':
		if _, ok := parseDecimal(b); !ok {
			return fmt.Errorf("%w: integer %q", ErrBadLine, b)
		}
	case '_':
		if len(b) != 0 {
			return fmt.Errorf("%w: null with payload %q", ErrBadLine, b)
		}
	case '#':
		if len(b) != 1 || (b[0] != 't' && b[0] != 'f') {
			return fmt.Errorf("%w: boolean %q", ErrBadLine, b)
		}
	case ',':
		if _, err := parseDouble(b); err != nil {
			return err
		}
	case '(':
		if _, err := parseBig(b); err != nil {
			return err
		}
	}
	for _, c := range b {
		if c == '\r' || c == '\n' {
			return fmt.Errorf("%w: line break inside %q", ErrBadLine, b)
		}
	}
	return nil
}

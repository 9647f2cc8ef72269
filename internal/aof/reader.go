package aof

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Errors returned by Reader, wrapped in an *Error carrying the offset.
var (
	// ErrTruncated reports a file that ends inside a command.
	ErrTruncated = errors.New("aof: unexpected end of file")
	// ErrCorrupt reports bytes that are not a valid command.
	ErrCorrupt = errors.New("aof: bad file format")
)

// Error locates a read error in the file.
type Error struct {
	// Offset is where the bad record starts; for ErrTruncated it is the end
	// of the last whole command, where the file may be cut.
	Offset int64
	Line   int64 // 1-based line number of Offset
	Err    error
	Reason string
}

func (e *Error) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%v at offset %d: %s", e.Err, e.Offset, e.Reason)
	}
	return fmt.Sprintf("%v at offset %d", e.Err, e.Offset)
}

func (e *Error) Unwrap() error { return e.Err }

// maxArgLen bounds a single argument; Redis's proto-max-bulk-len is at most
// this too. Larger claims are corruption, not a reason to allocate.
const maxArgLen = 1 << 32

// Reader reads commands from a RESP AOF stream.
type Reader struct {
	r    *bufio.Reader
	off  int64 // bytes consumed
	line int64 // lines consumed
	args [][]byte
	buf  []byte

	// Annotations, when set, is called for each "#…" line (without "#" and
	// the line end), with its offset.
	Annotations func(text []byte, offset int64)
}

// NewReader reads commands from r, which starts at offset base of the file
// (after an RDB preamble, for instance).
func NewReader(r io.Reader, base int64) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64*1024), off: base, line: 0}
}

// Offset is the offset just after the last command returned.
func (r *Reader) Offset() int64 { return r.off }

// Line is the number of lines consumed so far.
func (r *Reader) Line() int64 { return r.line }

// Next returns the next command. The argument slices are valid until the
// following call. At a clean end it returns io.EOF.
func (r *Reader) Next() ([][]byte, error) {
	for {
		start, startLine := r.off, r.line
		line, err := r.readLine()
		if err == io.EOF && len(line) == 0 {
			return nil, io.EOF
		}
		if err != nil {
			// The file ends inside this line. Like Redis, look at what
			// there is: a line that cannot begin a command is corruption
			// (Redis's "Bad file format"), not a torn write to cut.
			if len(line) > 0 && line[0] != '#' {
				if line[0] != '*' {
					return nil, r.fail(start, startLine, ErrCorrupt, "expected '*'")
				}
				if len(line) > 1 && atoi(line[1:]) < 1 {
					return nil, r.fail(start, startLine, ErrCorrupt, "bad argument count")
				}
			}
			return nil, r.fail(start, startLine, ErrTruncated, "")
		}
		if len(line) > 0 && line[0] == '#' {
			if r.Annotations != nil {
				r.Annotations(line[1:], start)
			}
			continue
		}
		if len(line) == 0 || line[0] != '*' {
			return nil, r.fail(start, startLine, ErrCorrupt, "expected '*'")
		}
		argc, ok := parseNum(line[1:])
		if !ok || argc < 1 {
			return nil, r.fail(start, startLine, ErrCorrupt, "bad argument count")
		}
		r.args = r.args[:0]
		r.buf = r.buf[:0]
		offs := make([]int, 0, min(argc, 64)*2)
		for i := int64(0); i < argc; i++ {
			line, err := r.readLine()
			if err != nil {
				if len(line) > 0 && line[0] != '$' {
					return nil, r.fail(start, startLine, ErrCorrupt, "expected '$'")
				}
				return nil, r.fail(start, startLine, ErrTruncated, "")
			}
			if len(line) == 0 || line[0] != '$' {
				return nil, r.fail(start, startLine, ErrCorrupt, "expected '$'")
			}
			n, ok := parseNum(line[1:])
			if !ok || n < 0 || n > maxArgLen {
				return nil, r.fail(start, startLine, ErrCorrupt, "bad argument length")
			}
			from := len(r.buf)
			if err := r.readN(n); err != nil {
				return nil, r.fail(start, startLine, ErrTruncated, "")
			}
			offs = append(offs, from, len(r.buf))
			// The two bytes after the payload are skipped unchecked.
			if err := r.skip(2); err != nil {
				return nil, r.fail(start, startLine, ErrTruncated, "")
			}
		}
		for i := 0; i < len(offs); i += 2 {
			r.args = append(r.args, r.buf[offs[i]:offs[i+1]:offs[i+1]])
		}
		return r.args, nil
	}
}

func (r *Reader) fail(off, line int64, kind error, reason string) error {
	e := &Error{Offset: off, Line: line + 1, Err: kind, Reason: reason}
	return e
}

// readLine reads up to and including '\n' and returns the line without its
// terminator ("\r\n" or "\n"). A line missing its '\n' at EOF returns the
// bytes read and io.ErrUnexpectedEOF (or io.EOF if none).
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.r.ReadSlice('\n')
	for err == bufio.ErrBufferFull {
		// Lines this long are never valid; keep consuming to report it.
		r.off += int64(len(line))
		var more []byte
		more, err = r.r.ReadSlice('\n')
		line = append(append([]byte(nil), line...), more...)
	}
	r.off += int64(len(line))
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			return line, io.ErrUnexpectedEOF
		}
		return line, err
	}
	r.line++
	line = line[:len(line)-1]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, nil
}

// readN appends exactly n bytes to r.buf, growing it as data arrives rather
// than trusting n.
func (r *Reader) readN(n int64) error {
	for n > 0 {
		chunk := int(min(n, 1<<20))
		start := len(r.buf)
		r.buf = append(r.buf, make([]byte, chunk)...)
		m, err := io.ReadFull(r.r, r.buf[start:])
		r.off += int64(m)
		for _, c := range r.buf[start : start+m] {
			if c == '\n' {
				r.line++
			}
		}
		if err != nil {
			r.buf = r.buf[:start+m]
			return io.ErrUnexpectedEOF
		}
		n -= int64(chunk)
	}
	return nil
}

func (r *Reader) skip(n int) error {
	for i := 0; i < n; i++ {
		c, err := r.r.ReadByte()
		if err != nil {
			return io.ErrUnexpectedEOF
		}
		r.off++
		if c == '\n' {
			r.line++
		}
	}
	return nil
}

// atoi is C's atoi, which Redis's loader applies to a count line it read
// only part of: optional blanks and sign, then the leading digits (0 when
// there are none; saturating, where C's is undefined).
func atoi(b []byte) int64 {
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	var n int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if n < 1<<58 {
			n = n*10 + int64(b[i]-'0')
		}
	}
	if neg {
		return -n
	}
	return n
}

// parseNum parses a decimal count the way Redis's loader does (atoi/strtol
// over the line): here strictly, digits with an optional sign.
func parseNum(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

// AppendCommand appends args encoded as a RESP array of bulk strings.
func AppendCommand(dst []byte, args [][]byte) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}

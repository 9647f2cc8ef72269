package aofcheck

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// maxArgLen is the largest argument the checker accepts: the loader's
// limit (package aof). A larger claim is corruption.
const maxArgLen = 1 << 32

// maxNumberLine is the longest "*<n>" or "$<n>" line, terminator included,
// that redis-check-aof can read (a 128-byte fgets buffer).
const maxNumberLine = 127

// maxAnnotationLine is the longest annotation line, terminator included,
// that Redis reads in one piece (AOF_ANNOTATION_LINE_MAX_LEN - 1).
const maxAnnotationLine = 1023

// respPart is the outcome of checking the RESP part of a file.
type respPart struct {
	status Status
	// okUpTo is the end of the last whole command (or the start of an
	// unclosed MULTI); okLine is the line number there.
	okUpTo, okLine int64
	// line is the line counter where checking stopped, as redis-check-aof
	// counts lines (only the lines of commands, from 1).
	line int64
	// errOff is where the problem was seen, or -1; bad is the offset of
	// the first offending byte.
	errOff, bad int64
	reason      string
	// tsCut is the offset to cut at for a timestamp truncation, or -1.
	tsCut int64
	// commands counts whole commands; firstTS and lastTS are the first
	// and last #TS annotations (0 if none).
	commands        int64
	firstTS, lastTS int64
}

// scanner checks a RESP command stream as redis-check-aof does, with the
// extra rules of Vesta's loader (see the package documentation).
type scanner struct {
	r    *bufio.Reader
	pos  int64
	line int64
	name string // for messages, as redis-check-aof names the file
	ts   int64  // truncate-to-timestamp target, 0 for none
	out  respPart
	buf  [maxAnnotationLine]byte // the current line
	arg  [5]byte                 // a short first argument
}

// stopKind says why a step ended the scan; the reason is in s.out.
type stopKind int

const (
	stopNone stopKind = iota
	stopTruncated
	stopCorrupt
)

// scanRESP checks r, which starts at offset base of the file.
func scanRESP(r io.Reader, base int64, name string, ts int64) respPart {
	s := &scanner{r: bufio.NewReaderSize(r, 64<<10), pos: base, line: 1, name: name, ts: ts}
	s.out = respPart{errOff: -1, bad: -1, tsCut: -1}
	s.run()
	s.out.line = s.line
	return s.out
}

func (s *scanner) run() {
	var (
		multi                 bool
		multiStart, multiLine int64
		// annotated records an annotation inside the open MULTI. Redis
		// writes a transaction in one piece with one timestamp before it,
		// so an annotation inside means that the EXEC is missing, not
		// torn off.
		annotated bool
	)
	for {
		if !multi {
			s.out.okUpTo, s.out.okLine = s.pos, s.line
		}
		start := s.pos
		c, err := s.r.Peek(1)
		if err != nil {
			break // a clean end between records
		}
		switch c[0] {
		case '#':
			cut, kind := s.annotation()
			if kind != stopNone {
				s.stopped(kind)
				return
			}
			annotated = annotated || multi
			if cut {
				s.out.tsCut = start
				if multi {
					s.out.tsCut = multiStart
				}
				s.out.okUpTo, s.out.okLine = s.out.tsCut, s.line
				if multi {
					s.out.okLine = multiLine
				}
				s.out.status = StatusValid
				return
			}
		case '*':
			name, kind := s.command()
			if kind != stopNone {
				s.stopped(kind)
				return
			}
			s.out.commands++
			switch {
			case equalFold(name, "multi"):
				if multi {
					s.corrupt(start, start, fmt.Sprintf("Unexpected MULTI in AOF %s", s.name))
					s.stopped(stopCorrupt)
					return
				}
				multi, multiStart, multiLine, annotated = true, start, s.out.okLine, false
			case equalFold(name, "exec"):
				if !multi {
					s.corrupt(start, start, fmt.Sprintf("Unexpected EXEC in AOF %s", s.name))
					s.stopped(stopCorrupt)
					return
				}
				multi = false
			}
		default:
			s.corrupt(start, start, fmt.Sprintf("AOF %s format error", s.name))
			s.stopped(stopCorrupt)
			return
		}
	}
	if multi {
		s.out.errOff, s.out.bad = s.pos, s.pos
		s.out.reason = "Reached EOF before reading EXEC for MULTI"
		if annotated {
			s.out.errOff, s.out.bad = multiStart, multiStart
			s.out.reason += " (an annotation inside the transaction shows that its EXEC is missing or damaged, not torn off)"
			s.stopped(stopCorrupt)
			return
		}
		s.stopped(stopTruncated)
		return
	}
	s.out.status = StatusValid
}

func (s *scanner) stopped(kind stopKind) {
	if kind == stopTruncated {
		s.out.status = StatusTruncated
	} else {
		s.out.status = StatusCorrupt
	}
}

func (s *scanner) corrupt(errOff, bad int64, reason string) stopKind {
	s.out.errOff, s.out.bad, s.out.reason = errOff, bad, reason
	return stopCorrupt
}

func (s *scanner) truncated(errOff int64, reason string) stopKind {
	s.out.errOff, s.out.bad, s.out.reason = errOff, -1, reason
	return stopTruncated
}

// annotation consumes a "#..." line. It reports whether the line is the
// timestamp annotation to cut at.
func (s *scanner) annotation() (cut bool, kind stopKind) {
	start := s.pos
	line, complete := s.readLine(maxAnnotationLine)
	if !complete {
		if len(line) == maxAnnotationLine {
			return false, s.corrupt(start, start+int64(len(line)), "annotation line longer than 1023 bytes")
		}
		return false, s.truncated(start, "Unexpected end of file inside an annotation line")
	}
	text := bytes.TrimRight(line, "\r\n")
	if !bytes.HasPrefix(text, []byte("#TS:")) {
		return false, stopNone
	}
	ts, err := strconv.ParseInt(string(text[4:]), 10, 64)
	if err != nil {
		if s.ts != 0 {
			return false, s.corrupt(start, start, "Invalid timestamp annotation")
		}
		return false, stopNone
	}
	if s.out.firstTS == 0 {
		s.out.firstTS = ts
	}
	s.out.lastTS = ts
	return s.ts != 0 && ts > s.ts, stopNone
}

// command consumes one "*<argc>" record and returns its first argument when
// it is short enough to be MULTI or EXEC.
func (s *scanner) command() ([]byte, stopKind) {
	argc, kind := s.number('*')
	if kind != stopNone {
		return nil, kind
	}
	var first []byte
	for i := int64(0); i < argc; i++ {
		arg, kind := s.argument(i == 0)
		if kind != stopNone {
			return nil, kind
		}
		if i == 0 {
			first = arg
		}
	}
	return first, stopNone
}

// number reads a "<prefix><digits>\r\n" line.
func (s *scanner) number(prefix byte) (int64, stopKind) {
	start := s.pos
	line, complete := s.readLine(maxNumberLine)
	if len(line) == 0 {
		return 0, s.truncated(start, fmt.Sprintf("Unexpected end of file, expected '%c'", prefix))
	}
	if line[0] != prefix {
		return 0, s.corrupt(start, start, fmt.Sprintf("Expected prefix '%c', got: '%s'", prefix, printable(line[:1])))
	}
	i := 1
	if i < len(line) && (line[i] == '-' || line[i] == '+') {
		i++
	}
	digits := i
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	// The two bytes after the number must be "\r\n", ending the line.
	var got [2]byte
	n := copy(got[:], line[i:])
	if n < 2 || got != [2]byte{'\r', '\n'} {
		for k := 0; k < n; k++ {
			if got[k] != "\r\n"[k] {
				return 0, s.corrupt(start, start+int64(i+k), fmt.Sprintf("Expected \\r\\n, got: %02x%02x", got[0], got[1]))
			}
		}
		if !complete && len(line) < maxNumberLine {
			return 0, s.truncated(start, fmt.Sprintf("Expected \\r\\n, got: %02x%02x (end of file)", got[0], got[1]))
		}
		return 0, s.corrupt(start, start+int64(i), "number line longer than 127 bytes")
	}
	if i == digits {
		return 0, s.corrupt(start, start+1, fmt.Sprintf("Expected a number after '%c'", prefix))
	}
	if i-1 > 20 { // the loader reads at most 20 characters
		return 0, s.corrupt(start, start+1, fmt.Sprintf("Number after '%c' longer than 20 characters", prefix))
	}
	v, ok := parseInt(line[1:i])
	if !ok {
		return 0, s.corrupt(start, start+1, fmt.Sprintf("Number out of range after '%c'", prefix))
	}
	if prefix == '*' && v < 1 {
		return 0, s.corrupt(start, start+1, fmt.Sprintf("Invalid argument count %d", v))
	}
	s.line++
	return v, stopNone
}

// argument reads a "$<len>\r\n<payload>\r\n" bulk string. The payload is
// returned only when keep is set and it is at most 5 bytes (enough to
// recognise MULTI and EXEC); other payloads are skipped, never allocated.
func (s *scanner) argument(keep bool) ([]byte, stopKind) {
	n, kind := s.number('$')
	if kind != stopNone {
		return nil, kind
	}
	if n < 0 || n > maxArgLen {
		return nil, s.corrupt(s.pos, s.pos, fmt.Sprintf("Expected to read string of %d bytes, which is not in the suitable range", n))
	}
	start := s.pos
	var payload []byte
	var got int64
	if keep && n <= 5 {
		m, _ := io.ReadFull(s.r, s.arg[:n])
		payload, got = s.arg[:m], int64(m)
	} else {
		m, _ := s.r.Discard(int(n))
		got = int64(m)
	}
	s.pos += got
	if got < n {
		return nil, s.truncated(start, fmt.Sprintf("Expected to read %d bytes, got %d bytes", n+2, got))
	}
	// The terminator, read byte by byte: a local buffer passed to an
	// io.Reader would be allocated for every argument.
	var crlf [2]byte
	m := 0
	for ; m < 2; m++ {
		c, err := s.r.ReadByte()
		if err != nil {
			break
		}
		crlf[m] = c
	}
	s.pos += int64(m)
	for k := 0; k < m; k++ {
		if crlf[k] != "\r\n"[k] {
			return nil, s.corrupt(start, start+n+int64(k), fmt.Sprintf("Expected \\r\\n, got: %02x%02x", crlf[0], crlf[1]))
		}
	}
	if m < 2 {
		return nil, s.truncated(start, fmt.Sprintf("Expected to read %d bytes, got %d bytes", n+2, n+int64(m)))
	}
	s.line++
	return payload, stopNone
}

// readLine reads up to and including the next '\n', at most max bytes. It
// reports whether the line ended with '\n'; a line cut by the end of the
// file or by max is returned without it.
func (s *scanner) readLine(max int) ([]byte, bool) {
	line := s.buf[:0]
	for len(line) < max {
		c, err := s.r.ReadByte()
		if err != nil {
			break
		}
		s.pos++
		line = append(line, c)
		if c == '\n' {
			return line, true
		}
	}
	return line, false
}

// parseInt parses an optional sign and decimal digits (already checked),
// reporting overflow of int64.
func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	var v uint64
	for _, c := range b {
		d := uint64(c - '0')
		if v > (1<<63-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// printable renders bytes for a message: printable ASCII as is, other
// bytes as \xNN.
func printable(b []byte) string {
	var out []byte
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			out = append(out, c)
		} else {
			out = fmt.Appendf(out, `\x%02x`, c)
		}
	}
	return string(out)
}

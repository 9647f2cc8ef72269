package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// Protocol limits. They bound what a client can make the server hold; the
// read buffer only ever grows to fit bytes that have actually arrived.
const (
	maxArgs      = 1 << 20   // most arguments in one multibulk command
	maxBulkLen   = 512 << 20 // longest single argument
	maxLineLen   = 64 << 10  // longest header or inline command line
	maxInlineArg = 1 << 10   // most arguments of an inline command
)

// Protocol errors. The connection replies with the error text and closes.
var (
	ErrMultibulkLen = errors.New("Protocol error: invalid multibulk length")
	ErrBulkLen      = errors.New("Protocol error: invalid bulk length")
	ErrExpectDollar = errors.New("Protocol error: expected '$'")
	ErrExpectCRLF   = errors.New("Protocol error: expected CRLF after bulk")
	ErrLineTooLong  = errors.New("Protocol error: too big request line")
	ErrInlineArgs   = errors.New("Protocol error: too many inline arguments")
)

// parseCommand parses the first command in p. It appends the command's
// arguments, which alias p, to argv and returns the extended slice and the
// number of bytes consumed. When p does not yet hold a complete command it
// returns argv unchanged and 0. An empty command (an empty inline line or a
// multibulk count of zero or less) consumes its bytes and appends nothing.
func parseCommand(p []byte, argv [][]byte) ([][]byte, int, error) {
	if len(p) == 0 {
		return argv, 0, nil
	}
	if p[0] != '*' {
		return parseInline(p, argv)
	}
	count, pos, err := parseHeader(p, 0)
	if err != nil || pos == 0 {
		if errors.Is(err, errBadNumber) {
			err = ErrMultibulkLen
		}
		return argv, 0, err
	}
	if count > maxArgs {
		return argv, 0, fmt.Errorf("%w: %d at offset 0", ErrMultibulkLen, count)
	}
	if count <= 0 {
		return argv, pos, nil
	}
	orig := len(argv)
	for i := int64(0); i < count; i++ {
		if pos >= len(p) {
			return argv[:orig], 0, nil
		}
		if p[pos] != '$' {
			return argv[:orig], 0, fmt.Errorf("%w, got %q at offset %d", ErrExpectDollar, p[pos], pos)
		}
		n, next, err := parseHeader(p, pos)
		if errors.Is(err, errBadNumber) || (err == nil && next != 0 && (n < 0 || n > maxBulkLen)) {
			return argv[:orig], 0, fmt.Errorf("%w at offset %d", ErrBulkLen, pos)
		}
		if err != nil {
			return argv[:orig], 0, err
		}
		if next == 0 || int64(len(p)-next) < n+2 {
			return argv[:orig], 0, nil
		}
		end := next + int(n)
		if p[end] != '\r' || p[end+1] != '\n' {
			return argv[:orig], 0, fmt.Errorf("%w at offset %d", ErrExpectCRLF, end)
		}
		argv = append(argv, p[next:end:end])
		pos = end + 2
	}
	return argv, pos, nil
}

// errBadNumber reports a header whose number does not parse.
var errBadNumber = errors.New("bad number")

// parseHeader parses a "*N\r\n" or "$N\r\n" line that starts at p[at]. It
// returns N and the offset just past the line, or a zero offset when the line
// is not complete yet.
func parseHeader(p []byte, at int) (int64, int, error) {
	nl := bytes.IndexByte(p[at:], '\n')
	if nl < 0 {
		if len(p)-at > maxLineLen {
			return 0, 0, fmt.Errorf("%w at offset %d", ErrLineTooLong, at)
		}
		return 0, 0, nil
	}
	line := p[at+1 : at+nl]
	if len(line) == 0 || line[len(line)-1] != '\r' {
		return 0, 0, errBadNumber
	}
	n, ok := parseInt(line[:len(line)-1])
	if !ok {
		return 0, 0, errBadNumber
	}
	return n, at + nl + 1, nil
}

// parseInline parses a space-separated command line such as "PING\r\n".
func parseInline(p []byte, argv [][]byte) ([][]byte, int, error) {
	nl := bytes.IndexByte(p, '\n')
	if nl < 0 {
		if len(p) > maxLineLen {
			return argv, 0, fmt.Errorf("%w at offset 0", ErrLineTooLong)
		}
		return argv, 0, nil
	}
	line := p[:nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	orig := len(argv)
	for len(line) > 0 {
		i := 0
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		if j > i {
			if len(argv)-orig >= maxInlineArg {
				return argv[:orig], 0, fmt.Errorf("%w at offset 0", ErrInlineArgs)
			}
			argv = append(argv, line[i:j:j])
		}
		line = line[j:]
	}
	return argv, nl + 1, nil
}

// parseInt parses a canonical base-10 int64: an optional '-', no '+', no
// leading zeros and no spaces, like the integers Redis accepts for INCR.
func parseInt(b []byte) (int64, bool) {
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
	if b[0] == '0' && (len(b) > 1 || neg) {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (1<<64-1-d)/10 {
			return 0, false
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

// appendSimple appends a "+s\r\n" status reply.
func appendSimple(out []byte, s string) []byte {
	out = append(out, '+')
	out = append(out, s...)
	return append(out, '\r', '\n')
}

// appendError appends a "-msg\r\n" error reply; msg starts with its code.
func appendError(out []byte, msg string) []byte {
	out = append(out, '-')
	out = append(out, msg...)
	return append(out, '\r', '\n')
}

// appendInt appends a ":n\r\n" integer reply.
func appendInt(out []byte, n int64) []byte {
	out = append(out, ':')
	out = strconv.AppendInt(out, n, 10)
	return append(out, '\r', '\n')
}

// appendBulk appends a "$len\r\nb\r\n" bulk reply.
func appendBulk(out []byte, b []byte) []byte {
	out = append(out, '$')
	out = strconv.AppendInt(out, int64(len(b)), 10)
	out = append(out, '\r', '\n')
	out = append(out, b...)
	return append(out, '\r', '\n')
}

// appendBulkString is appendBulk for a string.
func appendBulkString(out []byte, s string) []byte {
	out = append(out, '$')
	out = strconv.AppendInt(out, int64(len(s)), 10)
	out = append(out, '\r', '\n')
	out = append(out, s...)
	return append(out, '\r', '\n')
}

// appendNull appends the RESP2 null bulk reply.
func appendNull(out []byte) []byte {
	return append(out, "$-1\r\n"...)
}

// appendArrayLen appends a "*n\r\n" array header.
func appendArrayLen(out []byte, n int) []byte {
	out = append(out, '*')
	out = strconv.AppendInt(out, int64(n), 10)
	return append(out, '\r', '\n')
}

// appendCommand encodes argv as a multibulk command; tests use it.
func appendCommand(out []byte, argv ...[]byte) []byte {
	out = appendArrayLen(out, len(argv))
	for _, a := range argv {
		out = appendBulk(out, a)
	}
	return out
}

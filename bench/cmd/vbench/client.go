package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// errProtocol reports a reply that is not valid RESP2.
var errProtocol = errors.New("vbench: protocol error")

// reply is one RESP2 reply. Kind is the type byte: '+', '-', ':', '$' or
// '*'. A null bulk string or array has Null set.
type reply struct {
	Kind byte
	Str  string
	Int  int64
	Arr  []reply
	Null bool
}

// isError reports whether r is an error reply.
func (r reply) isError() bool { return r.Kind == '-' }

// String renders r for messages.
func (r reply) String() string {
	switch r.Kind {
	case ':':
		return strconv.FormatInt(r.Int, 10)
	case '*':
		return fmt.Sprintf("array(%d)", len(r.Arr))
	}
	if r.Null {
		return "(nil)"
	}
	return r.Str
}

// client is a minimal RESP2 client for probes, INFO and loaders. It is not
// safe for concurrent use.
type client struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
}

// dial connects to addr with a short timeout.
func dial(addr string) (*client, error) {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return nil, err
	}
	return &client{conn: conn, r: bufio.NewReaderSize(conn, 64<<10), w: bufio.NewWriterSize(conn, 64<<10)}, nil
}

// Close closes the connection.
func (c *client) Close() error { return c.conn.Close() }

// send buffers one command; flush sends what is buffered.
func (c *client) send(args ...string) {
	c.w.WriteByte('*')
	c.w.WriteString(strconv.Itoa(len(args)))
	c.w.WriteString("\r\n")
	for _, a := range args {
		c.w.WriteByte('$')
		c.w.WriteString(strconv.Itoa(len(a)))
		c.w.WriteString("\r\n")
		c.w.WriteString(a)
		c.w.WriteString("\r\n")
	}
}

func (c *client) flush() error { return c.w.Flush() }

// do sends one command and reads its reply. An error reply is returned as
// a reply, not as an error; err is for I/O and protocol failures.
func (c *client) do(args ...string) (reply, error) {
	c.send(args...)
	if err := c.flush(); err != nil {
		return reply{}, err
	}
	return readReply(c.r)
}

// doTimeout is do with a deadline for the whole round trip.
func (c *client) doTimeout(d time.Duration, args ...string) (reply, error) {
	c.conn.SetDeadline(time.Now().Add(d))
	defer c.conn.SetDeadline(time.Time{})
	return c.do(args...)
}

// readReply reads one RESP2 reply.
func readReply(r *bufio.Reader) (reply, error) {
	line, err := readLine(r)
	if err != nil {
		return reply{}, err
	}
	if len(line) == 0 {
		return reply{}, fmt.Errorf("%w: empty line", errProtocol)
	}
	rep := reply{Kind: line[0]}
	body := string(line[1:])
	switch rep.Kind {
	case '+', '-':
		rep.Str = body
	case ':':
		if rep.Int, err = strconv.ParseInt(body, 10, 64); err != nil {
			return reply{}, fmt.Errorf("%w: integer %q", errProtocol, body)
		}
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 || n > 512<<20 {
			return reply{}, fmt.Errorf("%w: bulk length %q", errProtocol, body)
		}
		if n == -1 {
			rep.Null = true
			return rep, nil
		}
		buf := make([]byte, 0, min(n+2, 64<<10))
		for len(buf) < n+2 {
			chunk := min(n+2-len(buf), 64<<10)
			start := len(buf)
			buf = append(buf, make([]byte, chunk)...)
			if _, err := io.ReadFull(r, buf[start:]); err != nil {
				return reply{}, err
			}
		}
		rep.Str = string(buf[:n])
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 {
			return reply{}, fmt.Errorf("%w: array length %q", errProtocol, body)
		}
		if n == -1 {
			rep.Null = true
			return rep, nil
		}
		for range n {
			el, err := readReply(r)
			if err != nil {
				return reply{}, err
			}
			rep.Arr = append(rep.Arr, el)
		}
	default:
		return reply{}, fmt.Errorf("%w: type byte %q", errProtocol, rep.Kind)
	}
	return rep, nil
}

// readLine reads a CRLF-terminated line without its terminator.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("%w: line without CRLF", errProtocol)
	}
	return line[:len(line)-2], nil
}

// infoField returns field name from an INFO reply body, or "" if absent.
func infoField(info, name string) string {
	for line := range strings.Lines(info) {
		line = strings.TrimRight(line, "\r\n")
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	return ""
}

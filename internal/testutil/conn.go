package testutil

import (
	"bufio"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// DefaultTimeout bounds every read and write of a [Conn], so that a test
// talking to a stuck server fails instead of hanging.
const DefaultTimeout = 10 * time.Second

// Conn is a raw RESP client connection. Its methods fail the test on I/O
// errors, so they must be called from the test's goroutine; the *Err
// variants return errors instead and may be used anywhere.
type Conn struct {
	// Timeout bounds each read or write; DefaultTimeout unless changed.
	Timeout time.Duration

	t  testing.TB
	nc net.Conn
	br *bufio.Reader
	wb []byte
}

// Dial connects to addr and closes the connection when the test ends.
func Dial(t testing.TB, addr string) *Conn {
	t.Helper()
	c, err := DialErr(t, addr)
	if err != nil {
		t.Fatalf("testutil: dial %s: %v", addr, err)
	}
	return c
}

// DialErr is Dial returning the error instead of failing the test.
func DialErr(t testing.TB, addr string) (*Conn, error) {
	nc, err := net.DialTimeout("tcp", addr, DefaultTimeout)
	if err != nil {
		return nil, err
	}
	c := &Conn{Timeout: DefaultTimeout, t: t, nc: nc, br: bufio.NewReaderSize(nc, 64*1024)}
	t.Cleanup(func() { nc.Close() })
	return c, nil
}

// Do sends one command and returns the raw bytes of its reply.
func (c *Conn) Do(args ...string) []byte {
	c.t.Helper()
	c.Send(args...)
	return c.ReadReply()
}

// DoValue sends one command and returns its reply parsed by [Parse].
func (c *Conn) DoValue(args ...string) any {
	c.t.Helper()
	return c.value(c.Do(args...))
}

// DoErr is Do returning I/O errors instead of failing the test.
func (c *Conn) DoErr(args ...string) ([]byte, error) {
	if err := c.SendErr(args...); err != nil {
		return nil, err
	}
	return c.ReadReplyErr()
}

// Send writes one command without reading its reply (pipelining).
func (c *Conn) Send(args ...string) {
	c.t.Helper()
	if err := c.SendErr(args...); err != nil {
		c.t.Fatalf("testutil: send %q: %v", args, err)
	}
}

// SendErr is Send returning the error.
func (c *Conn) SendErr(args ...string) error {
	c.wb = AppendCommand(c.wb[:0], args...)
	return c.WriteRawErr(c.wb)
}

// WriteRaw writes bytes as they are: malformed requests, inline commands.
func (c *Conn) WriteRaw(b []byte) {
	c.t.Helper()
	if err := c.WriteRawErr(b); err != nil {
		c.t.Fatalf("testutil: write: %v", err)
	}
}

// WriteRawErr is WriteRaw returning the error.
func (c *Conn) WriteRawErr(b []byte) error {
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.Timeout))
	_, err := c.nc.Write(b)
	return err
}

// ReadReply reads the raw bytes of the next reply or push message.
func (c *Conn) ReadReply() []byte {
	c.t.Helper()
	b, err := c.ReadReplyErr()
	if err != nil {
		c.t.Fatalf("testutil: read reply from %s: %v (got so far %q)", c.nc.RemoteAddr(), err, Escape(b))
	}
	return b
}

// ReadValue reads the next reply and parses it.
func (c *Conn) ReadValue() any {
	c.t.Helper()
	return c.value(c.ReadReply())
}

// ReadReplyErr is ReadReply returning the error; io.EOF means the server
// closed the connection before sending anything.
func (c *Conn) ReadReplyErr() ([]byte, error) {
	_ = c.nc.SetReadDeadline(time.Now().Add(c.Timeout))
	return ReadFrame(c.br)
}

// ExpectClosed reads until the server closes the connection, and fails the
// test if that does not happen within d or if the server sends anything.
func (c *Conn) ExpectClosed(d time.Duration) {
	c.t.Helper()
	if b, err := c.WaitClosed(d); err != nil {
		c.t.Fatalf("testutil: connection not closed: %v (received %q)", err, Escape(b))
	} else if len(b) > 0 {
		c.t.Fatalf("testutil: received %q before the connection closed, want nothing", Escape(b))
	}
}

// WaitClosed reads until the server closes the connection or d passes. It
// returns what was received meanwhile, and an error if the connection was
// still open at the deadline (or failed otherwise than by being closed).
func (c *Conn) WaitClosed(d time.Duration) ([]byte, error) {
	_ = c.nc.SetReadDeadline(time.Now().Add(d))
	var got []byte
	buf := make([]byte, 4096)
	for {
		n, err := c.br.Read(buf)
		got = append(got, buf[:n]...)
		if err == nil {
			continue
		}
		if errors.Is(err, io.EOF) || isReset(err) {
			return got, nil
		}
		return got, err
	}
}

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.nc }

func (c *Conn) value(raw []byte) any {
	c.t.Helper()
	v, err := Parse(raw)
	if err != nil {
		c.t.Fatalf("testutil: parse reply %q: %v", Escape(raw), err)
	}
	return v
}

// isReset reports a connection reset by the peer, which is how a server's
// close looks when unread request bytes were still queued.
func isReset(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Op == "read" && !oe.Timeout()
	}
	return false
}

package compat

import (
	"bufio"
	"net"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// conn is one script connection to one server. Unlike testutil.Conn it can
// tell whether a reply has arrived without consuming it (ready), which the
// runner needs to decide whether a command blocked.
type conn struct {
	nc      net.Conn
	r       *bufio.Reader
	timeout time.Duration
	id      string // CLIENT ID, for ClientID placeholders
}

func dialConn(addr string, timeout time.Duration) (*conn, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, r: bufio.NewReaderSize(nc, 64<<10), timeout: timeout}, nil
}

func (c *conn) Close() error { return c.nc.Close() }

// write sends raw request bytes.
func (c *conn) write(b []byte) error {
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return err
	}
	_, err := c.nc.Write(b)
	return err
}

// send writes one command.
func (c *conn) send(args ...string) error { return c.write(testutil.AppendCommand(nil, args...)) }

// read returns the raw bytes of the next reply or push message.
func (c *conn) read() ([]byte, error) {
	if err := c.nc.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return nil, err
	}
	return testutil.ReadFrame(c.r)
}

// do sends one command and reads one frame.
func (c *conn) do(args ...string) ([]byte, error) {
	if err := c.send(args...); err != nil {
		return nil, err
	}
	return c.read()
}

// ready reports whether at least one byte of a reply has arrived, waiting
// at most d. Nothing is consumed.
func (c *conn) ready(d time.Duration) bool {
	if c.r.Buffered() > 0 {
		return true
	}
	if err := c.nc.SetReadDeadline(time.Now().Add(d)); err != nil {
		return false
	}
	_, err := c.r.Peek(1)
	return err == nil
}

package server

import (
	"crypto/tls"
	"io"
	"net"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vestadb/vesta/internal/engine"
)

// TLS clients on the event loop (loop.go; docs/ARCHITECTURE.md, "TLS").
//
// crypto/tls runs a connection over any net.Conn. Every TLS connection runs
// over a tlsShim: during the handshake (on the accept goroutine, acceptTLS)
// the shim passes everything to the TCP connection; once the loop adopts the
// client, the shim reads and writes the loop's descriptor without ever
// blocking. The loop then decrypts with tls.Conn.Read until the shim says
// "would block" (a temporary net.Error, which crypto/tls does not keep as
// the connection's error) and encrypts the replies with tls.Conn.Write into
// the socket. What the socket does not take is kept in the shim and the
// client leaves the loop; on its goroutine the shim passes to a TCP
// connection again, sending what it kept first.

// tlsShim is the transport under a TLS connection.
type tlsShim struct {
	real  net.Conn // the TCP connection, while a goroutine serves the client
	fd    int      // the loop's descriptor, while the loop serves it (real == nil)
	laddr net.Addr
	raddr net.Addr

	canRead bool   // the loop saw the socket readable and it may hold more
	out     []byte // ciphertext the socket did not take yet
}

func newTLSShim(c net.Conn) *tlsShim {
	return &tlsShim{real: c, fd: -1, laddr: c.LocalAddr(), raddr: c.RemoteAddr()}
}

// errWouldBlock is the shim's read error when the loop's socket has nothing
// more for now.
var errWouldBlock net.Error = wouldBlock{}

type wouldBlock struct{}

func (wouldBlock) Error() string   { return "tls shim: no data ready" }
func (wouldBlock) Timeout() bool   { return true }
func (wouldBlock) Temporary() bool { return true }

func (c *tlsShim) Read(p []byte) (int, error) {
	if c.real != nil {
		return c.real.Read(p)
	}
	if !c.canRead || c.fd < 0 {
		return 0, errWouldBlock
	}
	n, err := readFD(c.fd, p)
	switch {
	case n > 0:
		if n < len(p) {
			// Drained, most likely: the loop's epoll says when more comes.
			c.canRead = false
		}
		return n, nil
	case err == unix.EAGAIN:
		c.canRead = false
		return 0, errWouldBlock
	case err != nil:
		return 0, err
	default:
		return 0, io.EOF
	}
}

// Write never fails on the loop: crypto/tls keeps a failed write as the
// connection's error, so what the socket does not take now is kept for
// the client's goroutine (flushOut), and a dead socket shows at the loop's
// next read.
func (c *tlsShim) Write(p []byte) (int, error) {
	if c.real != nil {
		if err := c.flushOut(); err != nil {
			return 0, err
		}
		return c.real.Write(p)
	}
	if len(c.out) > 0 || c.fd < 0 {
		c.out = append(c.out, p...)
		return len(p), nil
	}
	// An error other than a full socket also leaves the rest here: the
	// loop's next read sees the dead socket.
	sent, _ := writeFD(c.fd, p)
	if sent < len(p) {
		c.out = append(c.out, p[sent:]...)
	}
	return len(p), nil
}

// flushOut writes the ciphertext kept while on the loop. Goroutine only.
func (c *tlsShim) flushOut() error {
	if len(c.out) == 0 || c.real == nil {
		return nil
	}
	_, err := c.real.Write(c.out)
	c.out = nil
	return err
}

func (c *tlsShim) Close() error {
	if c.real != nil {
		return c.real.Close()
	}
	return nil
}

func (c *tlsShim) LocalAddr() net.Addr  { return c.laddr }
func (c *tlsShim) RemoteAddr() net.Addr { return c.raddr }

func (c *tlsShim) SetDeadline(t time.Time) error {
	if c.real != nil {
		return c.real.SetDeadline(t)
	}
	return nil
}

func (c *tlsShim) SetReadDeadline(t time.Time) error {
	if c.real != nil {
		return c.real.SetReadDeadline(t)
	}
	return nil
}

func (c *tlsShim) SetWriteDeadline(t time.Time) error {
	if c.real != nil {
		return c.real.SetWriteDeadline(t)
	}
	return nil
}

// tlsShimOf returns the shim under a TLS connection the loop can adopt.
func tlsShimOf(conn net.Conn) (*tls.Conn, *tlsShim) {
	tc, ok := conn.(*tls.Conn)
	if !ok {
		return nil, nil
	}
	sh, ok := tc.NetConn().(*tlsShim)
	if !ok || sh.real == nil {
		return nil, nil
	}
	if _, ok := sh.real.(*net.TCPConn); !ok {
		return nil, nil
	}
	return tc, sh
}

// maxTLSDrain bounds the plaintext the loop takes from one TLS client in
// one pass; the rest waits for the next pass (eventLoop.tlsAgain).
const maxTLSDrain = 256 << 10

// readTLS decrypts what a TLS client sent. fromSocket: epoll reported the
// socket readable. It reports whether plaintext arrived; on an error or
// the end of the stream the client is closed.
func (l *eventLoop) readTLS(cl *client, fromSocket bool) bool {
	lc := cl.lc
	if fromSocket {
		lc.shim.canRead = true
	}
	got := 0
	for got < maxTLSDrain {
		n, err := lc.tls.Read(cl.parser.Space())
		if n > 0 {
			cl.parser.Advance(n)
			got += n
		}
		if err == errWouldBlock {
			break
		}
		if err != nil {
			l.s.stats.netInput.Add(int64(got))
			l.close(cl, err)
			return false
		}
	}
	l.s.stats.netInput.Add(int64(got))
	if got >= maxTLSDrain && !cl.tlsAgain {
		cl.tlsAgain = true
		l.tlsAgain = append(l.tlsAgain, cl)
	}
	if got == 0 && len(lc.shim.out) > 0 {
		// Reading made crypto/tls answer (a key update, an alert) and
		// the socket did not take it all: the client's goroutine sends it.
		l.leave(cl)
		l.handOff(cl, batchState{})
		return false
	}
	return got > 0
}

// writeTLS encrypts cl's replies into its socket. It reports whether cl is
// still the loop's (see write).
func (l *eventLoop) writeTLS(cl *client, st batchState) bool {
	lc := cl.lc
	if cl.w.Len() > 0 {
		n, err := lc.tls.Write(cl.w.B)
		l.s.stats.netOutput.Add(int64(n))
		if err != nil {
			l.close(cl, err)
			return false
		}
		if cap(cl.w.B) > 4*maxBatchReply {
			cl.w.B = nil
		} else {
			cl.w.Reset()
		}
	}
	if len(lc.shim.out) == 0 {
		return true
	}
	l.leave(cl)
	st.dur = engine.Durability{}
	l.handOff(cl, st)
	return false
}

package server

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/tlsconf"
)

// TLS on the tls-port listeners (see docs/ARCHITECTURE.md, "TLS").
//
// The listeners are plain TCP listeners marked as TLS (tlsListener); the
// accept loop stays the same for both and hands every connection to its own
// goroutine, where acceptTLS runs the handshake under a deadline before
// serveConn sees a *tls.Conn. A handshake that stalls therefore costs one
// goroutine and its buffers for at most the handshake timeout, and at most
// maxclients handshakes run at once: others are closed at once.
//
// The certificates and settings live in a tlsconf.Bundle behind an atomic
// pointer. CONFIG SET of a tls-* directive builds a new Bundle and swaps it
// in; a Bundle that fails to build leaves the old one and CONFIG SET
// replies Redis's "Unable to update TLS configuration. Check server logs.".
// Established connections keep the configuration they shook hands with.

// tlsHandshakeTimeout bounds a TLS handshake: a client that has not
// finished it by then is closed.
const tlsHandshakeTimeout = 10 * time.Second

// tlsState is the server's TLS state.
type tlsState struct {
	bundle  atomic.Pointer[tlsconf.Bundle]
	pending atomic.Int64 // handshakes in progress
	// handshakeTimeout overrides tlsHandshakeTimeout when non-zero, in
	// nanoseconds (tests).
	handshakeTimeout atomic.Int64

	ctxOnce sync.Once
	ctx     context.Context // cancelled when the server stops
}

// tlsListener marks a TCP listener of tls-port.
type tlsListener struct{ net.Listener }

func isTLSListener(ln net.Listener) bool {
	_, ok := ln.(tlsListener)
	return ok
}

// errTLSConfigure is the startup refusal when the TLS configuration does
// not load (the reason was logged before it).
var errTLSConfigure = errors.New("Failed to configure TLS. Check logs for more info.")

// tlsInUse reports whether the configuration needs TLS set up: a TLS port,
// or TLS on outgoing links.
func tlsInUse(t *config.TLS) bool { return t.Port != 0 || t.Replication || t.Cluster }

// configureTLS builds the TLS configuration and installs it, logging
// Redis's reason when it fails.
func (s *Server) configureTLS(t config.TLS) error {
	b, err := tlsconf.Build(t)
	if err != nil {
		s.log.Warn(err.Error())
		return err
	}
	s.tls.bundle.Store(b)
	return nil
}

// TLSBundle returns the TLS configuration in use, nil when TLS is not
// configured. The replica side of replication takes its outgoing
// configuration from it: TLSBundle().Client(masterHost).
func (s *Server) TLSBundle() *tlsconf.Bundle { return s.tls.bundle.Load() }

// listenTLS sets up TLS at startup and opens the tls-port listeners; it is
// called by Listen with the plain TCP listeners already open.
func (s *Server) listenTLS() ([]net.Listener, error) {
	s.mu.Lock()
	t := s.cfg.TLS
	binds := append([]string(nil), s.cfg.Bind...)
	s.mu.Unlock()
	if !tlsInUse(&t) {
		return nil, nil
	}
	if err := s.configureTLS(t); err != nil {
		s.log.Warn(errTLSConfigure.Error())
		return nil, errTLSConfigure
	}
	return listenTLSAll(binds, t.Port)
}

// listenTLSAll opens the TLS listeners on every bind address.
func listenTLSAll(binds []string, port int) ([]net.Listener, error) {
	lns, err := listenAll(binds, port)
	for i, ln := range lns {
		lns[i] = tlsListener{ln}
	}
	return lns, err
}

// registerTLSHooks makes CONFIG SET of the tls-* directives take effect.
func (s *Server) registerTLSHooks() {
	reconfigure := func(c *config.Config) error {
		if !tlsInUse(&c.TLS) {
			return nil
		}
		if s.configureTLS(c.TLS) != nil {
			return errString("Unable to update TLS configuration. Check server logs.")
		}
		return nil
	}
	for _, name := range []string{"tls-cert-file", "tls-key-file", "tls-key-file-pass",
		"tls-client-cert-file", "tls-client-key-file", "tls-client-key-file-pass",
		"tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols",
		"tls-ciphers", "tls-ciphersuites", "tls-prefer-server-ciphers", "tls-session-caching",
		"tls-session-cache-size", "tls-session-cache-timeout", "tls-replication", "tls-cluster"} {
		s.cfg.OnApply(name, reconfigure)
	}
	relisten := func(c *config.Config) error {
		if c.TLS.Port != 0 && s.tls.bundle.Load() == nil {
			if s.configureTLS(c.TLS) != nil {
				return errString("Unable to update TLS configuration. Check server logs.")
			}
		}
		var lns []net.Listener
		if c.TLS.Port != 0 {
			var err error
			if lns, err = listenTLSAll(c.Bind, c.TLS.Port); err != nil {
				s.log.Warn("Failed to listen", "err", err)
				return errString("Unable to listen on this port. Check server logs.")
			}
		}
		for _, ln := range s.replaceListeners(lns, isTLSListener) {
			ln.Close()
		}
		for _, ln := range lns {
			go s.acceptLoop(ln)
		}
		return nil
	}
	s.cfg.OnApply("tls-port", relisten)
	s.cfg.OnApply("bind", relisten)
}

// shutdownCtx is a context cancelled when the server stops, which ends
// the handshakes in progress.
func (s *Server) shutdownCtx() context.Context {
	s.tls.ctxOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		s.tls.ctx = ctx
		go func() {
			<-s.shutdown
			cancel()
		}()
	})
	return s.tls.ctx
}

// acceptTLS runs in the goroutine of a connection accepted on ln. For a
// TLS listener it performs the handshake, bounded by the handshake timeout
// and the number of handshakes in progress, and returns the *tls.Conn, or
// nil when the connection was closed. Other connections pass through.
func (s *Server) acceptTLS(ln net.Listener, conn net.Conn) net.Conn {
	if !isTLSListener(ln) {
		return conn
	}
	defer s.crashOnPanic("client", nil)
	s.mu.Lock()
	maxPending, ka, auth := s.cfg.MaxClients, s.cfg.TCPKeepAlive, s.cfg.TLS.AuthClients
	s.mu.Unlock()
	b := s.tls.bundle.Load()
	if b == nil || s.tls.pending.Add(1) > maxPending {
		if b != nil {
			s.tls.pending.Add(-1)
		}
		s.stats.rejectedConns.Add(1)
		conn.Close()
		return nil
	}
	defer s.tls.pending.Add(-1)
	if tc, ok := conn.(*net.TCPConn); ok {
		if ka > 0 {
			_ = tc.SetKeepAlive(true)
			_ = tc.SetKeepAlivePeriod(time.Duration(ka) * time.Second)
		} else {
			_ = tc.SetKeepAlive(false)
		}
		_ = tc.SetNoDelay(true)
	}
	timeout := time.Duration(s.tls.handshakeTimeout.Load())
	if timeout == 0 {
		timeout = tlsHandshakeTimeout
	}
	ctx, cancel := context.WithTimeout(s.shutdownCtx(), timeout)
	defer cancel()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	// Over a shim, so that the event loop can adopt the connection once
	// the handshake is done (tlsloop.go).
	tc := tls.Server(newTLSShim(conn), b.Server(auth))
	if err := tc.HandshakeContext(ctx); err != nil {
		s.log.Warn("Error accepting a client connection: "+err.Error(), "addr", conn.RemoteAddr().String())
		conn.Close()
		return nil
	}
	_ = conn.SetDeadline(time.Time{})
	return tc
}

// tlsOnPlainPort reports whether the first bytes a client sent are a TLS
// handshake record (0x16, version 3.x), which no RESP or inline command
// starts with; the client is then closed at once instead of waiting for a
// newline that a ClientHello may never contain.
func (s *Server) tlsOnPlainPort(cl *client, first []byte) bool {
	if len(first) < 2 || first[0] != 0x16 || first[1] != 0x03 || isTLSConn(cl.conn) {
		return false
	}
	s.log.Debug("Closing a client that began a TLS handshake on a plaintext port", "addr", cl.addr)
	return true
}

func isTLSConn(c net.Conn) bool {
	_, ok := c.(*tls.Conn)
	return ok
}

// TLSAddrs returns the addresses of the TLS listeners.
func (s *Server) TLSAddrs() []net.Addr {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	var out []net.Addr
	for _, ln := range s.listeners {
		if isTLSListener(ln) {
			out = append(out, ln.Addr())
		}
	}
	return out
}

// infoTCPPort is INFO's tcp_port: port, or tls-port when port is 0, as in
// Redis (under mu).
func (s *Server) infoTCPPort() string {
	if s.cfg.Port == 0 {
		return strconv.Itoa(s.cfg.TLS.Port)
	}
	return strconv.Itoa(s.cfg.Port)
}

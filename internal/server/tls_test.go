package server

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/testutil"
)

// tlsTestServer is a test server with a TLS listener beside its plain one.
type tlsTestServer struct {
	*testServer
	tlsAddr string
	files   *testutil.TLSFiles
}

func startTLSServer(t *testing.T, mutate func(c *config.Config)) *tlsTestServer {
	t.Helper()
	f := testutil.GenTLS(t, t.TempDir(), "a")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ts := startServer(t, func(c *config.Config) {
		c.TLS.Port = port
		c.TLS.CertFile, c.TLS.KeyFile, c.TLS.CAFile = f.ServerCert, f.ServerKey, f.CA
		if mutate != nil {
			mutate(c)
		}
	})
	ts.s.mu.Lock()
	err = ts.s.configureTLS(ts.s.cfg.TLS)
	ts.s.mu.Unlock()
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	tl := tlsListener{ln}
	ts.s.lnMu.Lock()
	ts.s.listeners = append(ts.s.listeners, tl)
	ts.s.lnMu.Unlock()
	go ts.s.acceptLoop(tl)
	return &tlsTestServer{testServer: ts, tlsAddr: ln.Addr().String(), files: f}
}

// dialTLS connects with cfg and completes the handshake (and, for TLS 1.3
// client certificate checks, one round trip).
func (ts *tlsTestServer) dialTLS(t *testing.T, cfg *tls.Config) (*conn, error) {
	t.Helper()
	nc, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", ts.tlsAddr, cfg)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { nc.Close() })
	c := &conn{t: t, c: nc, r: bufio.NewReader(nc)}
	_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := nc.Write([]byte("PING\r\n")); err != nil {
		return nil, err
	}
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if line != "+PONG\r\n" {
		t.Fatalf("PING over TLS: %q", line)
	}
	_ = nc.SetDeadline(time.Time{})
	return c, nil
}

func TestTLSClients(t *testing.T) {
	// port 0: the test's plain listener is opened by hand.
	ts := startTLSServer(t, func(c *config.Config) { c.Port = 0 })
	f := ts.files
	c, err := ts.dialTLS(t, f.ClientConfig(t, true))
	if err != nil {
		t.Fatal(err)
	}
	c.expect("+OK", "SET", "k", "v")
	c.expect("$v", "GET", "k")
	// Asked before a second client connects: CLIENT LIST reading an idle
	// client's query buffer races with its reader goroutine (a known race
	// of CLIENT LIST, not of TLS).
	list := c.do("CLIENT", "LIST")
	if !strings.Contains(list, "laddr="+ts.tlsAddr) || !strings.Contains(list, "cmd=client|list") {
		t.Errorf("CLIENT LIST does not show the TLS client normally:\n%s", list)
	}
	plain := ts.dial(t)
	plain.expect("$v", "GET", "k")
	_, tlsPort, _ := net.SplitHostPort(ts.tlsAddr)
	if info := plain.do("INFO", "server"); !strings.Contains(info, "tcp_port:"+tlsPort+"\r\n") {
		t.Errorf("INFO tcp_port with port 0 is not tls-port %s: %q", tlsPort, info)
	}

	// No certificate with tls-auth-clients yes: refused, others unaffected.
	if _, err := ts.dialTLS(t, f.ClientConfig(t, false)); err == nil {
		t.Fatal("a client without a certificate got through tls-auth-clients yes")
	}
	c.expect("$v", "GET", "k")
	plain.expect("+OK", "CONFIG", "SET", "tls-auth-clients", "optional")
	if _, err := ts.dialTLS(t, f.ClientConfig(t, false)); err != nil {
		t.Fatalf("tls-auth-clients optional, no certificate: %v", err)
	}
	other := testutil.GenTLS(t, t.TempDir(), "b")
	foreign := other.ClientConfig(t, true)
	foreign.RootCAs = f.ClientConfig(t, false).RootCAs
	foreign.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		return &foreign.Certificates[0], nil // send it whatever CAs the server names
	}
	if _, err := ts.dialTLS(t, foreign); err == nil {
		t.Fatal("tls-auth-clients optional took a certificate from another CA")
	}
	plain.expect("+OK", "CONFIG", "SET", "tls-auth-clients", "no")
	if _, err := ts.dialTLS(t, foreign); err != nil {
		t.Fatalf("tls-auth-clients no: %v", err)
	}
	plain.expect("+OK", "CONFIG", "SET", "tls-auth-clients", "yes")

	// A plaintext client on the TLS port is closed.
	raw, err := net.Dial("tcp", ts.tlsAddr)
	if err != nil {
		t.Fatal(err)
	}
	raw.Write([]byte("PING\r\n"))
	raw.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := io.ReadAll(raw); err != nil && !isConnReset(err) {
		t.Errorf("plaintext client on the TLS port: %v (got %q)", err, b)
	}
	raw.Close()
	// A TLS client on the plain port fails its handshake, and the server
	// closes it (the ClientHello is not a command) without harm.
	nc, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	tc := tls.Client(nc, f.ClientConfig(t, true))
	tc.SetDeadline(time.Now().Add(5 * time.Second))
	t0 := time.Now()
	if err := tc.Handshake(); err == nil {
		t.Error("a TLS handshake succeeded on the plain port")
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("a TLS client on the plain port waited %v to be closed", d)
	}
	nc.Close()
	c.expect("$v", "GET", "k")
	plain.expect("$v", "GET", "k")
}

func isConnReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) && strings.Contains(err.Error(), "reset")
}

// serverCN returns the common name of the certificate the server presents.
func serverCN(t *testing.T, ts *tlsTestServer, cfg *tls.Config) string {
	t.Helper()
	nc, err := tls.Dial("tcp", ts.tlsAddr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	return nc.ConnectionState().PeerCertificates[0].Subject.CommonName
}

func TestTLSCertificateRotation(t *testing.T) {
	ts := startTLSServer(t, nil)
	f := ts.files
	cfg := f.ClientConfig(t, true)
	old, err := ts.dialTLS(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	plain := ts.dial(t)
	if cn := serverCN(t, ts, cfg); cn != "localhost" {
		t.Fatalf("server CN %q", cn)
	}
	crt, key := f.Issue(t, "rotated", "rotated", x509.ExtKeyUsageServerAuth)
	plain.expect("+OK", "CONFIG", "SET", "tls-cert-file", crt, "tls-key-file", key)
	if cn := serverCN(t, ts, cfg); cn != "rotated" {
		t.Errorf("after CONFIG SET the server presents %q", cn)
	}
	old.expect("+PONG", "PING") // established connections are untouched

	// A bad file changes nothing.
	const unable = "-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration. Check server logs."
	plain.expect(unable, "CONFIG", "SET", "tls-cert-file", f.Dir+"/missing.crt")
	plain.expect(unable, "CONFIG", "SET", "tls-cert-file", f.ServerCert) // key mismatch
	plain.expect("[$tls-cert-file $"+crt+"]", "CONFIG", "GET", "tls-cert-file")
	if cn := serverCN(t, ts, cfg); cn != "rotated" {
		t.Errorf("after a failed CONFIG SET the server presents %q", cn)
	}
	plain.expect("-ERR CONFIG SET failed (possibly related to argument 'tls-protocols') - Unable to update TLS configuration. Check server logs.",
		"CONFIG", "SET", "tls-protocols", "TLSv1.9")
	plain.expect("-ERR CONFIG SET failed (possibly related to argument 'tls-ca-cert-file') - Unable to update TLS configuration. Check server logs.",
		"CONFIG", "SET", "tls-ca-cert-file", "")

	// A new CA: clients with certificates of the old one are refused.
	other := testutil.GenTLS(t, t.TempDir(), "b")
	plain.expect("+OK", "CONFIG", "SET", "tls-ca-cert-file", other.CA)
	if _, err := ts.dialTLS(t, cfg); err == nil {
		t.Error("a client certificate of the replaced CA got through")
	}
	ocfg := other.ClientConfig(t, true)
	ocfg.RootCAs = cfg.RootCAs // the server certificate is still from CA a
	if _, err := ts.dialTLS(t, ocfg); err != nil {
		t.Errorf("a client certificate of the new CA: %v", err)
	}

	// tls-port moves the listener; 0 closes it.
	plain.expect("+OK", "CONFIG", "SET", "tls-port", "0")
	if _, err := net.DialTimeout("tcp", ts.tlsAddr, time.Second); err == nil {
		t.Error("the TLS port still accepts after tls-port 0")
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	plain.expect("+OK", "CONFIG", "SET", "tls-port", strconv.Itoa(port))
	ts.tlsAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if _, err := ts.dialTLS(t, ocfg); err != nil {
		t.Errorf("after CONFIG SET tls-port: %v", err)
	}
}

// TestTLSStalledHandshakes opens 250 connections to the TLS port that never
// finish their handshake (silent ones, and ones that announce a full-size
// record and stop) while a TLS client keeps working, and checks that they
// are all dropped at the handshake deadline.
func TestTLSStalledHandshakes(t *testing.T) {
	ts := startTLSServer(t, nil)
	const deadline = 2 * time.Second
	ts.s.tls.handshakeTimeout.Store(int64(deadline))
	good, err := ts.dialTLS(t, ts.files.ClientConfig(t, true))
	if err != nil {
		t.Fatal(err)
	}

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	goBefore := runtime.NumGoroutine()

	const n = 250
	stalled := make([]net.Conn, 0, n)
	start := time.Now()
	for i := range n {
		nc, err := net.Dial("tcp", ts.tlsAddr)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			// A handshake record header announcing 16 KiB, then silence.
			nc.Write([]byte{0x16, 0x03, 0x01, 0x40, 0x00, 0x01})
		}
		stalled = append(stalled, nc)
	}
	defer func() {
		for _, nc := range stalled {
			nc.Close()
		}
	}()
	waitFor(t, 5*time.Second, func() bool { return ts.s.tls.pending.Load() == n })

	var during runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&during)
	perConn := (int64(during.HeapInuse+during.StackInuse) - int64(before.HeapInuse+before.StackInuse)) / n
	t.Logf("%d stalled handshakes: %d goroutines more, about %d bytes each (heap+stacks, client side included)",
		n, runtime.NumGoroutine()-goBefore, perConn)
	if perConn > 64<<10 {
		t.Errorf("a stalled handshake holds %d bytes", perConn)
	}

	// The good client is served throughout, and new clients get in.
	var worst time.Duration
	for time.Since(start) < deadline/2 {
		t0 := time.Now()
		good.expect("+PONG", "PING")
		worst = max(worst, time.Since(t0))
	}
	if _, err := ts.dialTLS(t, ts.files.ClientConfig(t, true)); err != nil {
		t.Fatalf("a new client during the stall: %v", err)
	}
	t.Logf("slowest PING while stalled: %v", worst)

	// Every stalled connection is closed by the server at the deadline.
	var closed atomic.Int64
	var last atomic.Int64
	var wg sync.WaitGroup
	for _, nc := range stalled {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nc.SetReadDeadline(time.Now().Add(3 * deadline))
			if _, err := io.ReadAll(nc); err == nil || isConnReset(err) {
				closed.Add(1)
				last.Store(int64(time.Since(start)))
			}
		}()
	}
	wg.Wait()
	if closed.Load() != n {
		t.Fatalf("%d of %d stalled connections were closed", closed.Load(), n)
	}
	t.Logf("all %d dropped %v after the first connected (deadline %v)", n, time.Duration(last.Load()), deadline)
	if d := time.Duration(last.Load()); d < deadline || d > deadline+2*time.Second {
		t.Errorf("dropped after %v, deadline %v", d, deadline)
	}
	waitFor(t, 5*time.Second, func() bool { return ts.s.tls.pending.Load() == 0 })
	good.expect("+PONG", "PING")
}

// TestTLSHandshakeLimit checks that handshakes beyond maxclients are closed
// at once.
func TestTLSHandshakeLimit(t *testing.T) {
	ts := startTLSServer(t, func(c *config.Config) { c.MaxClients = 5 })
	var conns []net.Conn
	for range 5 {
		nc, err := net.Dial("tcp", ts.tlsAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		conns = append(conns, nc)
	}
	waitFor(t, 5*time.Second, func() bool { return ts.s.tls.pending.Load() == 5 })
	nc, err := net.Dial("tcp", ts.tlsAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.ReadAll(nc); err != nil && !isConnReset(err) {
		t.Errorf("the handshake over maxclients was not closed at once: %v", err)
	}
	for _, c := range conns {
		c.Close()
	}
	waitFor(t, 5*time.Second, func() bool { return ts.s.tls.pending.Load() == 0 })
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatal("condition not reached")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

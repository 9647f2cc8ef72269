package server

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The listeners: TCP on every bind address at port, TLS on every bind
// address at tls-port (tls.go), and the Unix domain socket of unixsocket. All listening code lives in this file; the accept
// loop hands every connection to serveConn, and newClient tells Unix-socket
// clients apart (addr and laddr "<unixsocket>:0", flag U, local for
// protected mode, as Redis shows them).

// Listen opens the configured listeners. A bind address prefixed with '-'
// may fail without failing the server, as in Redis; the Unix socket must
// open.
func (s *Server) Listen() error {
	s.mu.Lock()
	binds, port := append([]string(nil), s.cfg.Bind...), s.cfg.Port
	unixName, perm, dir := s.cfg.UnixSocket, s.cfg.UnixSocketPerm, s.cfg.Dir
	s.mu.Unlock()
	// tcp-backlog is not applied: the Go runtime listens with the kernel's
	// somaxconn.
	lns, err := listenAll(binds, port)
	if err != nil {
		return err
	}
	tlsLns, err := s.listenTLS()
	if err != nil {
		for _, l := range lns {
			l.Close()
		}
		return err
	}
	lns = append(lns, tlsLns...)
	if unixName != "" {
		ln, err := listenUnix(unixPath(dir, unixName), perm)
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return err
		}
		lns = append(lns, ln)
	}
	s.lnMu.Lock()
	s.listeners = lns
	s.unixName = unixName
	s.lnMu.Unlock()
	// "Ready to accept connections" is logged once the dataset is loaded
	// (logReady, logevents.go).
	return nil
}

// listenAll opens the TCP listeners.
func listenAll(binds []string, port int) ([]net.Listener, error) {
	if port == 0 {
		return nil, nil
	}
	var lns []net.Listener
	for _, b := range binds {
		optional := strings.HasPrefix(b, "-")
		addr := strings.TrimPrefix(b, "-")
		if addr == "*" {
			addr = "0.0.0.0"
		} else if addr == "::*" {
			addr = "::"
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
		if err != nil {
			if optional {
				continue
			}
			for _, l := range lns {
				l.Close()
			}
			return nil, fmt.Errorf("server: could not create server TCP listening socket %s: %w", net.JoinHostPort(addr, strconv.Itoa(port)), err)
		}
		lns = append(lns, ln)
	}
	return lns, nil
}

// unixPath resolves a relative unixsocket against dir, where Redis's
// chdir puts it.
func unixPath(dir, name string) string {
	if filepath.IsAbs(name) || dir == "" {
		return name
	}
	return filepath.Join(dir, name)
}

// listenUnix opens the Unix socket. A socket file left by a server that
// died is removed first, as Redis does; any other kind of file at the path
// is left alone and the listen fails. With perm non-zero the socket file
// gets those permission bits. Closing the listener removes the file.
func listenUnix(path string, perm uint32) (net.Listener, error) {
	fail := func(err error) error {
		return fmt.Errorf("server: failed opening Unix socket %s: %w", path, err)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fail(errors.New("the path exists and is not a socket"))
		}
		if err := os.Remove(path); err != nil {
			return nil, fail(err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fail(err)
	}
	if perm != 0 {
		if err := os.Chmod(path, fs.FileMode(perm)); err != nil {
			ln.Close()
			return nil, fail(err)
		}
	}
	return ln, nil
}

// replaceTCPListeners installs new plain TCP listeners after CONFIG SET
// port or bind, keeping the TLS listeners and the Unix socket, and returns
// the old plain TCP ones for the caller to close.
func (s *Server) replaceTCPListeners(lns []net.Listener) (old []net.Listener) {
	return s.replaceListeners(lns, func(ln net.Listener) bool {
		return ln.Addr().Network() != "unix" && !isTLSListener(ln)
	})
}

// replaceListeners installs lns in place of the listeners that match
// selects, and returns those for the caller to close.
func (s *Server) replaceListeners(lns []net.Listener, match func(net.Listener) bool) (old []net.Listener) {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	for _, ln := range s.listeners {
		if match(ln) {
			old = append(old, ln)
		} else {
			lns = append(lns, ln)
		}
	}
	s.listeners = lns
	return old
}

// Addrs returns the listening addresses, the Unix socket's included.
func (s *Server) Addrs() []net.Addr {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	var out []net.Addr
	for _, ln := range s.listeners {
		out = append(out, ln.Addr())
	}
	return out
}

// unixClientAddr is the addr and laddr Redis shows for a client on the
// Unix socket.
func (s *Server) unixClientAddr() string {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	return s.unixName + ":0"
}

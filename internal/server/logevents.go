package server

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/vestadb/vesta/internal/logging"
)

// The lifecycle lines of the server log, worded as Redis 7.0 words them:
// operators' log pipelines and alerts match these texts.

// logReady logs that clients are served, once the dataset is loaded (a
// load that fails never logs it): "Ready to accept connections" for TCP,
// and Redis's line for the Unix socket.
func (s *Server) logReady() {
	s.lnMu.Lock()
	tcp, unix := false, false
	for _, ln := range s.listeners {
		if ln.Addr().Network() == "unix" {
			unix = true
		} else {
			tcp = true
		}
	}
	unixName := s.unixName
	s.lnMu.Unlock()
	if tcp {
		s.log.Info("Ready to accept connections")
	}
	if unix {
		s.log.Info("The server is now ready to accept connections at " + unixName)
	}
}

// signalShutdownLine is Redis's line for a shutdown signal.
func signalShutdownLine(sig os.Signal) string {
	name := sig.String()
	switch sig {
	case syscall.SIGTERM:
		name = "SIGTERM"
	case syscall.SIGINT:
		name = "SIGINT"
	}
	return "Received " + name + " scheduling shutdown..."
}

// logAccepted logs a new client at verbose level, as Redis does:
// "Accepted <ip:port>", or "Accepted connection to <socket>" on the Unix
// socket. Called under mu.
func (s *Server) logAccepted(cl *client) {
	if !s.log.Enabled(context.Background(), logging.LevelVerbose) {
		return
	}
	if cl.unix {
		s.log.Debug("Accepted connection to " + strings.TrimSuffix(cl.addr, ":0"))
	} else {
		s.log.Debug("Accepted " + cl.addr)
	}
}

// logClientClosed logs, at verbose level, a client that closed its
// connection ("Client closed connection <CLIENT LIST line>"), or whose
// connection failed ("Reading from client: <error>"), as Redis does.
func (s *Server) logClientClosed(cl *client, err error) {
	if !s.log.Enabled(context.Background(), logging.LevelVerbose) {
		return
	}
	if !errors.Is(err, io.EOF) {
		s.log.Debug("Reading from client: " + err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cl.killed || s.clients[cl.id] != cl {
		return // closed by the server (CLIENT KILL, shutdown), not by the client
	}
	s.log.Debug("Client closed connection " + s.clientInfoString(cl))
}

package server

import (
	"os"
	"syscall"
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

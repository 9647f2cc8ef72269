package server

// Hooks are callbacks the binary registers to follow the server's life,
// for service-manager notifications (systemd's READY=1 and STOPPING=1,
// upstart's SIGSTOP) and the daemonized parent's wait. They run on the
// goroutine of Run, without the server's lock.
type Hooks struct {
	// Loading runs when Run starts, before the dataset is loaded.
	Loading func()
	// Ready runs once the dataset is loaded and clients are served.
	Ready func()
	// Stopping runs when shutdown begins, before the final flush.
	Stopping func()
}

// SetHooks registers the lifecycle callbacks; call it before Run.
func (s *Server) SetHooks(h Hooks) { s.hooks = h }

func (s *Server) runHook(fn func()) {
	if fn != nil {
		fn()
	}
}

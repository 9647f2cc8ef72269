package server

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vestadb/vesta/internal/engine"
	"github.com/vestadb/vesta/internal/keyspace"
)

// The event loop serves plain TCP and Unix-socket clients the way Redis's
// main thread does (docs/ARCHITECTURE.md, "Network layer"; the measurements
// behind it are in bench/execmodel/RESULTS.md and docs/BENCHMARKS.md). One
// goroutine waits in epoll_wait; each pass makes one
// read per readable socket, executes every client's complete requests under
// one hold of the server lock, waits once for the durability of the pass's
// writes (one AOF write, and under appendfsync always one fsync shared with
// the group commit), then writes each client's replies with one write.
// Compared with a goroutine per connection this saves the second read that
// Go's net package makes per request (it reads until EAGAIN before parking)
// and a goroutine park and wake-up per request.
//
// A client leaves the loop for a goroutine of its own (client.serve, the
// model every connection had before) as soon as it needs what only a
// goroutine does: waiting in a blocking command or a client pause, queued
// output (Pub/Sub, MONITOR, tracking, output buffer limits), a replica's
// stream, a reply the socket does not take at once. The hand-over happens on the loop's thread under the server lock (leaveLoop):
// the descriptor goes back to Go's poller as a net.Conn and the goroutine
// finishes the batch the loop started. TLS clients join the loop after
// their handshake (tlsloop.go).
//
// The loop owns the descriptors of its clients: only its thread reads,
// writes or closes them, so a descriptor number is never reused under it.
// Other goroutines act on a loop client through its loopConn (Close shuts
// the socket down; the loop then sees the end of stream and closes it) or
// through the loop's inbox (adoption, tracking wake-ups).

// eventLoop is the server's event loop; nil when disabled (loopDisabled).
type eventLoop struct {
	s      *Server
	epfd   int
	wakefd int // an eventfd: post and stop wake the loop with it

	mu      sync.Mutex
	inbox   []loopMsg // under mu
	stopped bool      // under mu

	// Owned by the loop's goroutine.
	conns  map[int32]*client
	events []unix.EpollEvent
	ready  []*client
	states []batchState
	pkeys  [][]byte // the keys prefetch collects, reused
	// passAt is the clock reading of the last pass, yieldAt that of the
	// last runtime.Gosched (see yieldEvery).
	passAt, yieldAt time.Time
	again           []*client // requests left after a batch's reply limit
	// TLS clients whose decrypted input may not all have been taken
	// (tlsloop.go): drained again at the next pass.
	tlsAgain []*client
	locked   bool // in busyPass: the caller holds mu
	spin     bool // the last pass served a TLS client: poll before sleeping
	closed   bool // under mu: wakefd is closed, kick must not write it
	msgs     []loopMsg
	cur      *client // executing, for a crash report and busy scripts
}

// loopMsg is a request to the loop from another goroutine.
type loopMsg struct {
	cl   *client
	wake bool // tracking wants the client on its own goroutine (wakeClient)
}

// loopDisabled reports whether VESTA_EVENT_LOOP=no asks for a goroutine per
// connection (the model before the loop; kept to compare the two).
func loopDisabled() bool { return os.Getenv("VESTA_EVENT_LOOP") == "no" }

// startLoop creates the event loop and starts its goroutine. Without one
// (epoll unavailable, or disabled) every client gets a goroutine.
func (s *Server) startLoop() {
	if loopDisabled() {
		return
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		s.log.Warn("Event loop unavailable, serving each client on its own goroutine", "err", err)
		return
	}
	wfd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err == nil {
		err = unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wfd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(wfd)})
	}
	if err != nil {
		unix.Close(epfd)
		if wfd > 0 {
			unix.Close(wfd)
		}
		s.log.Warn("Event loop unavailable, serving each client on its own goroutine", "err", err)
		return
	}
	l := &eventLoop{
		s: s, epfd: epfd, wakefd: wfd,
		conns:  map[int32]*client{},
		events: make([]unix.EpollEvent, 512),
	}
	s.loop = l
	s.connWG.Add(1)
	go func() {
		defer s.connWG.Done()
		l.run()
	}()
}

// loopConn returns the connection through which the loop will serve conn,
// or nil when conn is not for the loop (TLS, no loop). It duplicates the
// descriptor: once the caller closes conn, which takes the original out of
// Go's poller, the duplicate is the loop's alone. Under mu.
func (s *Server) loopConn(conn net.Conn) *loopConn {
	if s.loop == nil {
		return nil
	}
	raw := conn
	tc, shim := tlsShimOf(conn) // tlsloop.go
	switch {
	case tc != nil:
		raw = shim.real
	case isTLSConn(conn):
		return nil
	}
	switch raw.(type) {
	case *net.TCPConn, *net.UnixConn:
	default:
		return nil
	}
	rc, err := raw.(syscall.Conn).SyscallConn()
	if err != nil {
		return nil
	}
	fd, derr := -1, error(nil)
	if err := rc.Control(func(f uintptr) { fd, derr = unix.FcntlInt(f, unix.F_DUPFD_CLOEXEC, 0) }); err != nil || derr != nil {
		return nil
	}
	return &loopConn{fd: fd, laddr: conn.LocalAddr(), raddr: conn.RemoteAddr(), tls: tc, shim: shim}
}

// release closes the connection the loop's duplicate descriptor replaces
// and readies a TLS client's shim for the loop. Before adopt.
func (c *loopConn) release(conn net.Conn) {
	if c.shim == nil {
		conn.Close()
		return
	}
	// The TCP connection only: closing the *tls.Conn would send a
	// close_notify alert.
	c.shim.real.Close()
	c.shim.real, c.shim.fd = nil, c.fd
}

// adopt hands a new client to the loop.
func (l *eventLoop) adopt(cl *client) {
	if !l.post(loopMsg{cl: cl}) {
		// The server is stopping and the loop is gone.
		l.s.mu.Lock()
		l.s.detach(cl)
		l.s.mu.Unlock()
		cl.lc.closeFD()
	}
}

// post queues m for the loop and wakes it; false once the loop stopped.
func (l *eventLoop) post(m loopMsg) bool {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return false
	}
	l.inbox = append(l.inbox, m)
	first := len(l.inbox) == 1
	l.mu.Unlock()
	if first {
		l.kick()
	}
	return true
}

func (l *eventLoop) kick() {
	one := [8]byte{1} // an eventfd counter increment, little-endian
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		_, _ = unix.Write(l.wakefd, one[:])
	}
}

// stop ends the loop: its clients are closed and its goroutine returns.
func (l *eventLoop) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
	l.kick()
}

// crashed is the loop's panic handler (crash.go): the report names the
// client whose command was executing.
func (l *eventLoop) crashed() {
	if r := recover(); r != nil {
		l.s.crash("client", l.cur, r)
	}
}

func (l *eventLoop) run() {
	defer l.closeAll()
	defer l.crashed()
	for {
		wait := -1
		if len(l.again) > 0 || len(l.tlsAgain) > 0 {
			wait = 0
		}
		if l.passAt.Sub(l.yieldAt) >= yieldEvery {
			l.yieldAt = l.passAt
			runtime.Gosched()
		}
		n, err := l.poll(wait)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			// Not expected on a valid epoll descriptor; the clients
			// cannot be served any more.
			l.s.log.Warn("Event loop failed, closing its clients", "err", err)
			return
		}
		ready := append(l.ready[:0], l.again...)
		for _, cl := range l.again {
			cl.inPass = true
		}
		l.again = l.again[:0]
		if len(l.tlsAgain) > 0 {
			pending := l.tlsAgain
			l.tlsAgain = nil
			for _, cl := range pending {
				cl.tlsAgain = false
				if cl.lc != nil && l.readTLS(cl, false) && !cl.inPass {
					cl.inPass = true
					ready = append(ready, cl)
				}
			}
		}
		for i := range n {
			fd := l.events[i].Fd
			if int(fd) == l.wakefd {
				if l.takeInbox(false) {
					return
				}
				continue
			}
			cl := l.conns[fd]
			if cl == nil {
				continue
			}
			if l.readAny(cl) && !cl.inPass {
				cl.inPass = true
				ready = append(ready, cl)
			}
		}
		l.ready = ready
		if len(ready) > 0 {
			l.pass(ready)
		}
		clear(l.ready)
	}
}

// tlsSpin is how long the loop polls without sleeping after a pass that
// served a TLS client. A loop asleep in epoll_wait costs the peer that
// wakes it a wake-up in its write (an inter-processor interrupt to an idle
// CPU, expensive in a virtual machine), and a TLS client, slower to
// encrypt its next request than the loop is to answer it, found the loop
// asleep several times as often as redis-server's. Measured with 50
// clients at -P 1 (docs/BENCHMARKS.md, "TLS at -P 1"): polling for up to
// this long took throughput from 0.8-0.9x redis-server's to 1.0-1.1x for
// 1.2-1.5 us more server CPU per request, about Redis's own. Plain TCP
// clients gained 4% for 8% more CPU, so they do not make the loop spin.
const tlsSpin = 75 * time.Microsecond

// yieldEvery is how often a busy loop yields its processor to the Go
// scheduler. A loop that never blocks in the scheduler's sense (it sleeps in
// epoll_wait, a system call) looks to the runtime's monitor like a goroutine
// that has run for ever: every 10 ms the monitor preempted it (the loop
// went to the global run queue and often resumed on another thread) and,
// finding its processor in a system call, handed that processor to another
// thread, which reset the monitor's own back-off: it then woke every 20 us
// again, 2,000-5,000 times a second at -P 1, each a context switch (about
// 5% of the server's CPU on this machine). A yield every few milliseconds
// shows the monitor that the loop is scheduled, and it sleeps.
const yieldEvery = 2 * time.Millisecond

// poll waits for events: at most wait milliseconds (-1: no limit). After a
// pass that served a TLS client it first polls without blocking for up to
// tlsSpin.
func (l *eventLoop) poll(wait int) (int, error) {
	if l.spin && wait != 0 {
		l.spin = false
		start := time.Now()
		for {
			n, err := unix.EpollWait(l.epfd, l.events, 0)
			if n != 0 || err != nil {
				return n, err
			}
			if time.Since(start) >= tlsSpin {
				break
			}
		}
	}
	return unix.EpollWait(l.epfd, l.events, wait)
}

// readAny reads from a readable client, plain or TLS.
func (l *eventLoop) readAny(cl *client) bool {
	if cl.lc.tls != nil {
		return l.readTLS(cl, true) // tlsloop.go
	}
	return l.read(cl)
}

// writeAny writes a client's replies, plain or TLS.
func (l *eventLoop) writeAny(cl *client, st batchState) bool {
	if cl.lc.tls != nil {
		return l.writeTLS(cl, st) // tlsloop.go
	}
	return l.write(cl, st)
}

// leave is leaveLoop from the loop's own code, with or without mu held.
func (l *eventLoop) leave(cl *client) {
	if !l.locked {
		l.s.mu.Lock()
		defer l.s.mu.Unlock()
	}
	cl.leaveLoop()
}

// read makes one read from a readable client. It reports whether bytes
// arrived; at the end of the stream or on an error the client is closed.
func (l *eventLoop) read(cl *client) bool {
	s := l.s
	space := cl.parser.Space()
	n, err := readFD(cl.lc.fd, space)
	if n > 0 {
		if !cl.sawInput {
			cl.sawInput = true
			if s.tlsOnPlainPort(cl, space[:n]) {
				l.close(cl, nil)
				return false
			}
		}
		cl.parser.Advance(n)
		s.stats.netInput.Add(int64(n))
		return true
	}
	if err == unix.EAGAIN {
		return false
	}
	if err == nil {
		err = io.EOF
	}
	l.close(cl, err)
	return false
}

// Prefetching the keys of a pass (see keyspace.Dict.Prefetch): at most
// prefetchPerClient requests of each client (a -P 16 pipeline) and
// prefetchMax keys in all, and only in a database of at least
// prefetchMinKeys keys: a smaller table stays in the CPU cache, and hashing
// the keys twice would be all the prefetch did.
const (
	prefetchPerClient = 16
	prefetchMax       = 256
	prefetchMinKeys   = 1 << 16
)

// prefetch loads into the CPU cache the buckets of the keys the ready
// clients' buffered requests name, before the pass executes them. Under mu.
func (l *eventLoop) prefetch(ready []*client) {
	keys := l.pkeys[:0]
	var db *keyspace.DB
	for _, cl := range ready {
		if cl.killed || cl.lc == nil {
			continue
		}
		if cl.db != db {
			if len(keys) > 0 {
				db.Prefetch(keys)
			}
			keys, db = keys[:0], cl.db
		}
		if db.Len() < prefetchMinKeys {
			continue
		}
		keys = cl.parser.PeekKeys(keys, prefetchPerClient)
		if len(keys) >= prefetchMax {
			break
		}
	}
	if len(keys) > 0 {
		db.Prefetch(keys)
	}
	clear(keys) // they alias the clients' read buffers
	l.pkeys = keys[:0]
}

// pass executes the requests of the clients that sent some, then writes
// their replies.
func (l *eventLoop) pass(ready []*client) {
	s := l.s
	if cap(l.states) < len(ready) {
		l.states = make([]batchState, len(ready))
	}
	states := l.states[:len(ready)]
	now := s.mu.lockNow()
	l.passAt = now
	l.prefetch(ready)
	for i, cl := range ready {
		states[i] = batchState{}
		if !cl.killed && cl.lc != nil { // (closed while in the again list)
			l.spin = l.spin || cl.lc.tls != nil
			l.cur = cl
			states[i] = cl.execBatch(now)
		}
		// Read under mu: a CLIENT KILL, the idle cron or client eviction
		// may set it later, and the socket's shutdown then tells the loop.
		states[i].killed = cl.killed
	}
	l.cur = nil
	// The last batch's durability covers every earlier one: the AOF
	// offset only grows.
	dur := s.eng.Durability()
	s.mu.Unlock()
	werr := dur.WaitBatched()
	for i, cl := range ready {
		cl.inPass = false
		st := states[i]
		switch {
		case cl.handOver:
			l.handOff(cl, st)
		case st.killed || cl.lc == nil:
			l.close(cl, nil)
		default:
			if werr != nil {
				cl.failLogged(werr)
			}
			cl.marks = cl.marks[:0]
			if !l.writeAny(cl, st) {
				continue
			}
			s.clientMemAfterWrite(cl) // client_evict.go
			if cl.closeAfterReply {
				l.close(cl, nil)
				continue
			}
			if st.moreBuffered {
				l.again = append(l.again, cl)
			} else {
				cl.parser.Shrink()
			}
		}
	}
	clear(states)
}

// write sends cl's replies without waiting. It reports whether cl is still
// the loop's: a socket that takes only part of them sends the client to a
// goroutine that writes the rest, and a failed write closes it.
func (l *eventLoop) write(cl *client, st batchState) bool {
	s := l.s
	b := cl.w.B
	sent, err := writeFD(cl.lc.fd, b)
	s.stats.netOutput.Add(int64(sent))
	switch {
	case err == nil:
		if cap(cl.w.B) > 4*maxBatchReply {
			cl.w.B = nil
		} else {
			cl.w.Reset()
		}
		return true
	case err == unix.EAGAIN:
		// The peer reads slower than it asks: its goroutine writes the
		// rest (bounded by the output limits and timeouts there).
		cl.w.B = cl.w.B[:copy(cl.w.B, b[sent:])]
		l.leave(cl)
		st.dur = engine.Durability{}
		l.handOff(cl, st)
		return false
	default:
		l.close(cl, err)
		return false
	}
}

// readFD is read(2) on a non-blocking descriptor, retried on EINTR.
func readFD(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Read(fd, p)
		if err != unix.EINTR {
			return n, err
		}
	}
}

// writeFD writes as much of b as a non-blocking descriptor takes. It
// returns how much it wrote and the error that stopped it (EAGAIN: the
// socket buffer is full), nil when all of b went.
func writeFD(fd int, b []byte) (sent int, err error) {
	for sent < len(b) {
		n, err := unix.Write(fd, b[sent:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return sent, err
		}
		sent += n
	}
	return sent, nil
}

// handOff starts the goroutine that serves cl from now on, beginning with
// the rest of the batch the loop executed for it.
func (l *eventLoop) handOff(cl *client, st batchState) {
	cl.handOver = false
	cl.inPass = false
	s := l.s
	s.connWG.Add(1)
	go func() {
		defer s.connWG.Done()
		cl.serve(&st)
	}()
}

// close ends a loop client: it leaves the server and its socket closes.
func (l *eventLoop) close(cl *client, err error) {
	if cl.lc == nil {
		return
	}
	if l.locked {
		l.closeLocked(cl)
		return
	}
	if err != nil {
		l.s.logClientClosed(cl, err) // logevents.go
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	l.closeLocked(cl)
}

// closeLocked is close under mu.
func (l *eventLoop) closeLocked(cl *client) {
	lc := cl.lc
	if lc == nil {
		return
	}
	_ = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_DEL, lc.fd, nil)
	delete(l.conns, int32(lc.fd))
	l.s.detach(cl)
	cl.lc = nil
	lc.closeFD()
}

// busyPass serves the loop's other clients while a script run by one of
// them is past busy-reply-threshold (scripting.go, Tick), as Redis
// processes events while a script blocks it: they get -BUSY, or kill the
// script. Clients read earlier in the interrupted pass have their requests
// executed here and their replies written by that pass when the script
// ends. Under mu, on the loop's thread.
func (l *eventLoop) busyPass(caller *client) {
	n, err := unix.EpollWait(l.epfd, l.events, 0)
	if err != nil || n == 0 {
		return
	}
	cur := l.cur
	l.locked = true
	defer func() { l.cur, l.locked = cur, false }()
	now := time.Now()
	// The events array is the interrupted pass's too, but that pass is
	// done with it: it is executing the requests it read.
	for i := range n {
		fd := l.events[i].Fd
		if int(fd) == l.wakefd {
			// New clients must reach the loop to be told BUSY.
			if l.takeInbox(true) {
				l.kick() // the stop is for the loop's next turn
			}
			continue
		}
		cl := l.conns[fd]
		if cl == nil || cl == caller || cl.killed {
			continue
		}
		if !cl.inPass && !l.readAny(cl) {
			continue
		}
		l.cur = cl
		st := cl.execBatch(now)
		if cl.inPass {
			continue // the interrupted pass writes its replies
		}
		switch {
		case cl.handOver:
			l.handOff(cl, st)
		case cl.killed || cl.lc == nil:
			l.closeLocked(cl)
		default:
			cl.marks = cl.marks[:0]
			if !l.writeAny(cl, batchState{moreBuffered: st.moreBuffered}) {
				continue
			}
			if cl.closeAfterReply {
				l.closeLocked(cl)
			} else if st.moreBuffered {
				cl.inPass = true
				l.again = append(l.again, cl)
			}
		}
	}
}

// takeInbox registers adopted clients and serves wake-ups. It reports
// whether the loop must stop. locked: the caller holds mu (busyPass).
func (l *eventLoop) takeInbox(locked bool) bool {
	var b [8]byte
	_, _ = unix.Read(l.wakefd, b[:])
	l.mu.Lock()
	msgs, stop := l.inbox, l.stopped
	l.inbox = l.msgs[:0]
	l.mu.Unlock()
	l.msgs = msgs
	s := l.s
	for _, m := range msgs {
		cl := m.cl
		if m.wake {
			if cl.lc == nil || cl.inPass {
				// It left the loop meanwhile, or a pass a busy script
				// interrupted holds it: loopAfterBatch hands it over.
				continue
			}
			if !locked {
				s.mu.Lock()
			}
			if cl.wantAsync.Load() && !cl.killed {
				cl.wantAsync.Store(false)
				cl.startAsync() // leaves the loop
				cl.kickWriter()
			}
			if !locked {
				s.mu.Unlock()
			}
			if cl.handOver {
				l.handOff(cl, batchState{})
			}
			continue
		}
		fd := cl.lc.fd
		l.conns[int32(fd)] = cl
		if cl.lc.tls != nil && !cl.tlsAgain {
			// The handshake's reads may have taken requests too.
			cl.tlsAgain = true
			l.tlsAgain = append(l.tlsAgain, cl)
		}
		if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}); err != nil {
			s.log.Warn("Event loop cannot watch a client", "err", err)
			if locked {
				l.closeLocked(cl)
			} else {
				l.close(cl, nil)
			}
		}
	}
	clear(msgs)
	return stop
}

// closeAll closes every client of the loop when it stops.
func (l *eventLoop) closeAll() {
	l.mu.Lock()
	l.stopped = true
	msgs := l.inbox
	l.inbox = nil
	l.mu.Unlock()
	for _, m := range msgs {
		if !m.wake && m.cl.lc != nil {
			l.conns[int32(m.cl.lc.fd)] = m.cl
		}
	}
	for _, cl := range l.conns {
		l.close(cl, nil)
	}
	l.mu.Lock()
	l.closed = true // a post racing with the stop may still kick
	l.mu.Unlock()
	unix.Close(l.epfd)
	unix.Close(l.wakefd)
}

// leaveLoop moves a loop client to a goroutine of its own: the loop stops
// watching it, its descriptor becomes a net.Conn in Go's poller, and the
// loop starts the goroutine once the pass's lock hold ends (handOver).
// Under mu, on the loop's thread (only the loop executes its clients'
// commands); a no-op for other clients.
func (cl *client) leaveLoop() {
	lc := cl.lc
	if lc == nil {
		return
	}
	l := cl.s.loop
	_ = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_DEL, lc.fd, nil)
	delete(l.conns, int32(lc.fd))
	cl.lc = nil
	cl.handOver = true
	nc, err := lc.toNetConn()
	if err != nil {
		// Out of descriptors, most likely: the client is closed (its
		// goroutine's first write fails on the closed loopConn).
		cl.s.log.Warn("Closing a client that could not leave the event loop", "addr", cl.addr, "err", err)
		cl.closeAfterReply = true
		return
	}
	if lc.shim != nil {
		// crypto/tls goes on over the shim, now over nc (tlsloop.go).
		lc.shim.real, lc.shim.fd = nc, -1
		cl.conn = lc.tls
		return
	}
	cl.conn = nc
}

// loopAfterBatch sends a loop client to its own goroutine when the batch
// left it in a state only a goroutine serves. Under mu, on the loop's
// thread, at the end of execBatch.
func (s *Server) loopAfterBatch(cl *client, blocked bool) {
	if blocked || cl.async || cl.trk != nil || cl.rc.replica != nil || cl.resume != nil || cl.monitor ||
		cl.wantAsync.Load() {
		cl.leaveLoop()
	}
}

// errLoopConn is what a loopConn's Read and Write return: the loop alone
// does a loop client's I/O.
var errLoopConn = errors.New("connection served by the event loop")

// loopConn is cl.conn while the loop serves a client. Other goroutines
// use it as any net.Conn: Close shuts the socket down (the loop sees the
// end of the stream and closes the descriptor, so that its number is not
// reused under the loop), deadlines are no-ops (the loop never blocks on
// a client). Once the client left the loop, it forwards to the net.Conn it
// became.
type loopConn struct {
	mu    sync.Mutex
	fd    int      // -1 once closed or handed over
	next  net.Conn // the connection it became (leaveLoop)
	laddr net.Addr
	raddr net.Addr
	tls   *tls.Conn // a TLS client's connection, over shim (tlsloop.go)
	shim  *tlsShim
}

func (c *loopConn) Read([]byte) (int, error)  { return 0, errLoopConn }
func (c *loopConn) Write([]byte) (int, error) { return 0, errLoopConn }
func (c *loopConn) LocalAddr() net.Addr       { return c.laddr }
func (c *loopConn) RemoteAddr() net.Addr      { return c.raddr }

// Close shuts the socket down for reading and writing.
func (c *loopConn) Close() error { return c.shutdown(unix.SHUT_RDWR) }

// CloseRead shuts the socket down for reading.
func (c *loopConn) CloseRead() error { return c.shutdown(unix.SHUT_RD) }

func (c *loopConn) shutdown(how int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next != nil {
		if how == unix.SHUT_RD {
			if cr, ok := c.next.(interface{ CloseRead() error }); ok {
				return cr.CloseRead()
			}
		}
		return c.next.Close()
	}
	if c.fd < 0 {
		return net.ErrClosed
	}
	return unix.Shutdown(c.fd, how)
}

func (c *loopConn) SetDeadline(t time.Time) error      { return c.deadline(t, 3) }
func (c *loopConn) SetReadDeadline(t time.Time) error  { return c.deadline(t, 1) }
func (c *loopConn) SetWriteDeadline(t time.Time) error { return c.deadline(t, 2) }

func (c *loopConn) deadline(t time.Time, which int) error {
	c.mu.Lock()
	next := c.next
	c.mu.Unlock()
	switch {
	case next == nil:
		return nil
	case which == 1:
		return next.SetReadDeadline(t)
	case which == 2:
		return next.SetWriteDeadline(t)
	default:
		return next.SetDeadline(t)
	}
}

// closeFD closes the descriptor. The loop's thread only.
func (c *loopConn) closeFD() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fd >= 0 {
		unix.Close(c.fd)
		c.fd = -1
	}
}

// toNetConn turns the descriptor into a net.Conn served by Go's poller.
// The loop's thread only, after it stopped watching the descriptor.
func (c *loopConn) toNetConn() (net.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := os.NewFile(uintptr(c.fd), "")
	nc, err := net.FileConn(f) // a duplicate, in Go's poller
	f.Close()
	c.fd = -1
	if err != nil {
		return nil, err
	}
	c.next = nc
	return nc, nil
}

// loopIdleCron closes the loop's clients idle for longer than the timeout
// setting, as Redis's clientsCronHandleTimeout does (goroutine clients get
// a read deadline instead, client.serve). Under mu, from the cron once a
// second.
func (s *Server) loopIdleCron(now time.Time) {
	if s.loop == nil || s.cfg.Timeout <= 0 {
		return
	}
	limit := time.Duration(s.cfg.Timeout) * time.Second
	for _, cl := range s.clients {
		if cl.lc == nil || cl.killed || now.Sub(cl.lastActive) <= limit {
			continue
		}
		// Redis frees an idle client with whatever output it still has.
		s.log.Debug("Closing idle client", "addr", cl.addr)
		cl.killed = true // the loop closes it without logging a peer's close
		_ = cl.conn.Close()
	}
}

package server

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vestadb/vesta/internal/acl"
	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/engine"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/resp"
)

// maxBatchReply bounds the replies one batch accumulates before the lock is
// released and they are written out, so that a long pipeline neither holds
// the lock for long nor buffers unbounded replies.
const maxBatchReply = 64 * 1024

// client is one connection. Its goroutine reads requests, executes them
// under the server lock, and writes the replies. Fields marked "under mu"
// are also read by other clients' commands (CLIENT LIST, KILL).
type client struct {
	s      *Server
	id     int64
	conn   net.Conn
	addr   string
	laddr  string
	local  bool // connected over loopback or the Unix socket
	unix   bool // connected over the Unix socket
	parser *resp.Parser
	w      resp.Writer
	ctx    command.Ctx

	db            *keyspace.DB // under mu
	name          string       // under mu
	authenticated bool
	user          *acl.User // under mu: the ACL user (acl.go)
	created       time.Time
	lastActive    time.Time // under mu
	lastCmd       string    // under mu
	replyMode     replyMode
	noEvict       bool
	libName       string
	libVer        string

	closeAfterReply bool
	killed          bool // under mu: CLIENT KILL asked this client to go

	block     *blockState // waiting in a blocking command (under mu)
	multi     *multiState // inside MULTI
	inExec    bool
	watched   []watchedKey
	dirtyCAS  bool // a watched key changed: EXEC will fail
	subs      map[string]struct{}
	psubs     map[string]struct{}
	ssubs     map[string]struct{} // shard channels
	softSince time.Time           // when the output queue passed the soft limit

	marks []replyMark // per command of the batch, while the AOF is on

	bufs bufferSnapshot // for CLIENT LIST (client_mem.go), under mu

	memAcct clientMemAcct // client eviction (client_evict.go), under mu

	resume [][]byte // a command a client pause held, to process now (pause.go)

	trk       *clientTracking // CLIENT TRACKING, nil while off (tracking.go, under mu)
	wantAsync atomic.Bool     // switch to async output at the next wake (tracking.go)

	rc replClient // replication: REPLCONF, the replica it became (repl.go)

	// Served by the event loop (loop.go) while lc is set; cl.conn is then
	// lc. Only the loop's thread changes these.
	lc       *loopConn
	sawInput bool // the loop read bytes from it (the TLS-on-plain-port check is done)
	handOver bool // left the loop during this batch: a goroutine takes it over
	// The replies of the batch that ended in a blocking command
	// (execBatch, finishBatch): cl.w is then the serving side's.
	preBlock []byte

	inPass   bool // read in the loop's current pass, not written yet
	tlsAgain bool // in the loop's tlsAgain list

	// Read under mu at the end of each batch, for flush.
	outLimit    config.OutputBufferLimit
	idleTimeout time.Duration
	readTimeout time.Duration // for the next read; 0: none (hotpath.go)

	// Asynchronous output, used once the client can receive messages it did
	// not ask for (MONITOR): everything it gets is queued here in order and
	// written by a dedicated goroutine.
	outMu      sync.Mutex
	async      bool
	pending    []outChunk
	wake       chan struct{}
	writerDone chan struct{} // closed when the writer goroutine ends
	monitor    bool
	outAsync   int64 // bytes queued but not written
	outClosed  bool  // the queue takes nothing more; the writer finishes what it has
}

type replyMode uint8

const (
	replyOn replyMode = iota
	replyOff
	replySkip     // skip the next command's reply
	replySkipThis // set while the skipped command runs
)

func (s *Server) newClient(conn net.Conn) *client {
	cl := &client{
		s:       s,
		id:      s.nextID.Add(1),
		conn:    conn,
		addr:    conn.RemoteAddr().String(),
		laddr:   conn.LocalAddr().String(),
		parser:  resp.NewParser(),
		created: time.Now(),
	}
	cl.lastActive = cl.created
	if ta, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		cl.local = ta.IP.IsLoopback()
	}
	if _, ok := conn.(*net.UnixConn); ok {
		cl.unix, cl.local = true, true
		cl.addr = s.unixClientAddr()
		cl.laddr = cl.addr
	}
	cl.ctx.W = &cl.w
	cl.ctx.KS = s.ks
	cl.ctx.Env = s
	cl.ctx.Client = cl
	cl.w.Proto = 2
	cl.w.OnError = s.countError
	return cl
}

// needAuth reports whether the client must still authenticate. As in
// Redis, a client that connected while the default user had no password is
// authenticated, and stays so when CONFIG SET requirepass adds one.
func (cl *client) needAuth() bool {
	return !cl.authenticated && cl.s.defaultNeedsAuth()
}

// deniedMessage is Redis 7.0.15's reply to a non-loopback client in
// protected mode, byte for byte (clients and tools may show it).
const deniedMessage = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. " +
	"In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: " +
	"1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, " +
	"however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. " +
	"2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
	"3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
	"4) Setup a an authentication password for the default user. " +
	"NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

func (s *Server) serveConn(conn net.Conn) {
	defer s.crashOnPanic("client", nil)
	cl := s.newClient(conn)
	if tc, ok := conn.(*net.TCPConn); ok {
		s.mu.Lock()
		ka := s.cfg.TCPKeepAlive
		s.mu.Unlock()
		if ka > 0 {
			_ = tc.SetKeepAlive(true)
			_ = tc.SetKeepAlivePeriod(time.Duration(ka) * time.Second)
		} else {
			_ = tc.SetKeepAlive(false)
		}
		_ = tc.SetNoDelay(true)
	}
	s.mu.Lock()
	select {
	case <-s.shutdown:
		// Accepted before the listeners closed, but the server is
		// stopping and closeClients may already have run: this client
		// would keep Run waiting for its goroutine.
		s.mu.Unlock()
		conn.Close()
		return
	default:
	}
	cl.db = s.ks.DBs[0]
	cl.ctx.DB = cl.db
	cl.noteReadTimeout()
	s.setDefaultAuth(cl)
	reject := ""
	switch {
	case int64(len(s.clients)) >= s.cfg.MaxClients:
		reject = "-ERR max number of clients reached\r\n"
	case s.cfg.ProtectedMode && s.acl.Default().NoPass() && !cl.local:
		reject = deniedMessage
	}
	var lc *loopConn
	if reject == "" {
		// The event loop serves the client from here (loop.go); its
		// file descriptor is moved out of Go's poller first.
		if lc = s.loopConn(conn); lc != nil {
			cl.conn, cl.lc = lc, lc
		}
		s.clients[cl.id] = cl
		s.logAccepted(cl) // logevents.go
	}
	s.mu.Unlock()
	if reject != "" {
		s.stats.rejectedConns.Add(1)
		_ = conn.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = conn.Write([]byte(reject))
		conn.Close()
		return
	}
	if lc != nil {
		lc.release(conn) // the loop's duplicate keeps the socket open
		if lc.tls != nil {
			cl.sawInput = true // the TLS-on-plain-port check does not apply
		}
		s.loop.adopt(cl)
		return
	}
	cl.serve(nil)
}

// serve is the client's goroutine: it reads requests and runs them until
// the connection closes. A client the event loop hands over (loop.go)
// arrives with st, the batch the loop executed for it but did not finish.
func (cl *client) serve(st *batchState) {
	s := cl.s
	conn := cl.conn
	defer s.unlinkClient(cl)
	// Runs before unlinkClient, which takes the server lock: a command
	// that panicked still holds it (see crash.go).
	defer s.crashOnPanic("client", cl)

	if tc, ok := conn.(*tls.Conn); ok {
		// What crypto/tls wrote while the loop served the client and the
		// socket did not take (tlsloop.go) goes first.
		if sh, ok := tc.NetConn().(*tlsShim); ok && sh.flushOut() != nil {
			return
		}
	}
	if st != nil {
		ok, again := cl.finishBatch(*st)
		if !ok || (again && !cl.handleInput()) {
			return
		}
	}
	deadline := false     // whether a read deadline is set on conn
	first := !cl.sawInput // before the first bytes from the client
	for {
		// The idle timeout as the last batch left it (noteReadTimeout in
		// hotpath.go): no server lock per read.
		if timeout := cl.readTimeout; timeout > 0 {
			_ = conn.SetReadDeadline(time.Now().Add(timeout))
			deadline = true
		} else if deadline {
			_ = conn.SetReadDeadline(time.Time{})
			deadline = false
		}
		if cl.takeWake() {
			continue
		}
		space := cl.parser.Space()
		n, err := conn.Read(space)
		if n > 0 {
			if first && s.tlsOnPlainPort(cl, space[:n]) {
				return
			}
			first = false
			cl.parser.Advance(n)
			s.stats.netInput.Add(int64(n))
			if !cl.handleInput() {
				return
			}
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && cl.takeWake() {
				continue // woken to receive messages (tracking.go)
			}
			if errors.As(err, &ne) && ne.Timeout() {
				// Redis frees an idle client with whatever output it
				// still has: nothing is drained.
				s.log.Debug("Closing idle client", "addr", cl.addr)
				cl.conn.Close()
			} else {
				s.logClientClosed(cl, err) // logevents.go
			}
			return
		}
		cl.parser.Shrink()
		s.clientMemAfterWrite(cl) // client_evict.go
	}
}

// handleInput executes every complete request in the read buffer and writes
// the replies. It returns false when the connection must close.
func (cl *client) handleInput() bool {
	s := cl.s
	for {
		// One clock reading per batch, as Redis caches the time per event
		// loop iteration; the lock's watchdog stamp shares it.
		now := s.mu.lockNow()
		if cl.killed {
			s.mu.Unlock()
			return false
		}
		st := cl.execBatch(now)
		s.mu.Unlock()
		ok, again := cl.finishBatch(st)
		if !ok {
			return false
		}
		if !again {
			return true
		}
	}
}

// batchState is what a batch leaves for the steps after the lock.
type batchState struct {
	dur          engine.Durability // what the replies wait for
	blocked      bool              // the batch ended in a blocking command
	moreBuffered bool              // complete requests may be left
	killed       bool              // the client was killed (the loop's pass)
}

// execBatch executes the complete requests in the read buffer, up to
// maxBatchReply bytes of replies or a blocking command, and does the
// per-batch bookkeeping. Called under mu, now being the lock's reading.
func (cl *client) execBatch(now time.Time) batchState {
	s := cl.s
	more := false
	s.batchNow = now.UnixMilli()
	cl.lastActive = now
	s.chainCalls, s.callEnd = true, time.Time{}
	for !cl.closeAfterReply && cl.block == nil && cl.w.Len() < maxBatchReply {
		args, err := cl.parser.Next(cl.needAuth())
		if err != nil {
			var pe *resp.ProtocolError
			if errors.As(err, &pe) {
				cl.w.Error("ERR " + pe.Error())
				s.log.Debug("Protocol error from client", "addr", cl.addr, "err", pe.Msg)
			} else {
				s.log.Warn("Closing client that reached max query buffer length", "addr", cl.addr)
			}
			cl.closeAfterReply = true
			break
		}
		if args == nil {
			break
		}
		more = true
		s.processCommand(cl, args)
	}
	s.chainCalls, s.callEnd = false, time.Time{}
	if s.track.clients > 0 {
		s.trackingBroadcast(cl)
	}
	if cl.closeAfterReply {
		// The client leaves the server now, as Redis frees it right
		// after writing its last reply: no later command (PUBLISH,
		// CLIENT LIST) sees it while that reply is on its way.
		s.detach(cl)
	}
	if cl.rc.started {
		// A replica gets no replies: its socket carries the stream.
		cl.w.Reset()
		cl.marks = cl.marks[:0]
	}
	blocked := cl.block != nil
	if blocked && cl.w.Len() > 0 && !cl.async {
		// Whoever serves the blocked client writes its reply into cl.w,
		// under mu, maybe before the batch's replies are written: those
		// leave cl.w for preBlock, which finishBatch writes unlocked.
		cl.w.B, cl.preBlock = cl.preBlock[:0], cl.w.B
	}
	moreBuffered := more && cl.parser.Buffered() > 0 && !cl.closeAfterReply
	cl.outLimit = s.cfg.ClientOutputBufferLimit[config.ClassNormal]
	cl.idleTimeout = time.Duration(s.cfg.Timeout) * time.Second
	cl.noteReadTimeout()
	dur := s.eng.Durability()
	s.stats.errorReplies += cl.w.Errors
	cl.w.Errors = 0
	if !cl.async && (cl.outLimit.Hard > 0 || cl.outLimit.Soft > 0) {
		// With output limits for normal clients, keep executing
		// requests while replies wait to be sent, and drop the client
		// when too much piles up, as Redis does.
		cl.startAsync()
	}
	s.clientMemAfterBatch(cl) // client_evict.go
	if cl.async && cl.w.Len() > 0 {
		// Queue under the lock so that messages other clients
		// generate later come after these replies; the writer
		// goroutine waits for their durability before sending them.
		cl.queueWait(cl.w.B, dur.Wait)
		cl.w.Reset()
		dur = engine.Durability{}
		cl.marks = cl.marks[:0]
		if cl.pubsubCount() == 0 && !cl.monitor {
			s.checkOutputLimit(cl, cl.outLimit, "normal")
		}
	}
	cl.noteBuffers()
	if cl.lc != nil {
		s.loopAfterBatch(cl, blocked) // loop.go
	}
	return batchState{dur: dur, blocked: blocked, moreBuffered: moreBuffered}
}

// finishBatch is what follows a batch once the lock is released: wait for
// the durability of its writes, write the replies, serve a blocking
// command. ok is false when the connection must close; again, when
// complete requests may be left to execute.
func (cl *client) finishBatch(st batchState) (ok, again bool) {
	s := cl.s
	blocked, moreBuffered := st.blocked, st.moreBuffered
	if blocked {
		// cl.w is the serving side's now (execBatch): the replies before
		// the blocking command are in preBlock.
		w := resp.Writer{B: cl.preBlock, Proto: cl.w.Proto, OnError: cl.w.OnError}
		if err := st.dur.Wait(); err != nil {
			failLoggedIn(&w, cl.marks, err)
		}
		cl.marks = cl.marks[:0]
		ok := len(w.B) == 0 || cl.flushBytes(w.B)
		cl.preBlock = w.B[:0]
		if cap(cl.preBlock) > 4*maxBatchReply {
			cl.preBlock = nil
		}
		if !ok {
			return false, false
		}
	} else {
		if err := st.dur.Wait(); err != nil {
			cl.failLogged(err)
		}
		cl.marks = cl.marks[:0]
		if !cl.flush() {
			return false, false
		}
	}
	s.clientMemAfterWrite(cl) // client_evict.go
	if cl.closeAfterReply {
		return false, false
	}
	if r := cl.rc.replica; r != nil && !cl.rc.started {
		// The replies before PSYNC are out: the stream may follow.
		s.mu.Lock()
		cl.rc.started = true
		s.mu.Unlock()
		r.Start()
	}
	if blocked {
		if !cl.waitUnblocked() {
			return false, false
		}
		// Write the reply it was served with, then go on with what
		// it sent meanwhile.
		s.mu.Lock()
		cl.writeWaitReply()
		s.resumeHeld(cl)
		wait := s.eng.DurabilityWait()
		if cl.async && cl.w.Len() > 0 {
			cl.queueWait(cl.w.B, wait)
			cl.w.Reset()
			wait = noWait
		}
		s.mu.Unlock()
		if err := wait(); err != nil {
			cl.w.Reset()
			cl.w.Error("MISCONF Errors writing to the AOF file: " + engine.Strerror(err))
		}
		if !cl.flush() {
			return false, false
		}
		return true, true
	}
	return true, moreBuffered
}

// replyMark locates one command's reply in the batch.
type replyMark struct {
	start  int
	logged bool // the command reached the AOF buffer
}

// failLogged replaces the replies of the batch's logged commands with a
// MISCONF error: their AOF bytes could not be made durable, so they must
// not be acknowledged. Replies of commands that logged nothing stand.
func (cl *client) failLogged(err error) { failLoggedIn(&cl.w, cl.marks, err) }

// failLoggedIn is failLogged on the replies in w, located by marks.
func failLoggedIn(w *resp.Writer, marks []replyMark, err error) {
	if len(marks) == 0 {
		return
	}
	old := append([]byte(nil), w.B...)
	w.Reset()
	for i, m := range marks {
		end := len(old)
		if i+1 < len(marks) {
			end = marks[i+1].start
		}
		if m.logged {
			w.Error("MISCONF Errors writing to the AOF file: " + engine.Strerror(err))
		} else {
			w.B = append(w.B, old[m.start:end]...)
		}
	}
	// Anything before the first mark (nothing, normally) is dropped.
}

// pendingBytes is the size of the queued output not yet written.
func (cl *client) pendingBytes() int {
	cl.outMu.Lock()
	defer cl.outMu.Unlock()
	return int(cl.outAsync)
}

// queuedOutput reports whether queued output waits for the writer
// goroutine (not yet taken by it; what it is writing does not count).
func (cl *client) queuedOutput() bool {
	cl.outMu.Lock()
	defer cl.outMu.Unlock()
	return len(cl.pending) > 0
}

// flush writes the batch's replies. A client that does not read them is
// dropped the way Redis drops it: at once if the replies exceed the hard
// client-output-buffer-limit of normal clients, when they exceed the soft
// limit for longer than its seconds, or when it stays stuck for the idle
// timeout. (Vesta stops reading requests from a client whose replies are
// not consumed, so its memory stays bounded even without limits.)
func (cl *client) flush() bool {
	if cl.w.Len() == 0 {
		return true
	}
	if cl.async {
		cl.queue(cl.w.B)
		cl.w.Reset()
		return true
	}
	ok := cl.flushBytes(cl.w.B)
	if cap(cl.w.B) > 4*maxBatchReply {
		cl.w.B = nil
	} else {
		cl.w.Reset()
	}
	return ok
}

// flushBytes writes replies to the socket, within the output limits and
// the idle timeout (see flush).
func (cl *client) flushBytes(b []byte) bool {
	n64 := uint64(len(b))
	lim := cl.outLimit
	if lim.Hard > 0 && n64 > lim.Hard {
		cl.s.log.Warn("Client closed for overcoming of output buffer limits.", "addr", cl.addr, "class", "normal", "bytes", n64)
		return false
	}
	var deadline time.Duration
	if lim.Soft > 0 && n64 > lim.Soft {
		deadline = time.Duration(lim.SoftSeconds) * time.Second
	}
	if cl.idleTimeout > 0 && (deadline == 0 || cl.idleTimeout < deadline) {
		deadline = cl.idleTimeout
	}
	if deadline > 0 {
		_ = cl.conn.SetWriteDeadline(time.Now().Add(deadline))
		defer cl.conn.SetWriteDeadline(time.Time{})
	}
	n, err := cl.conn.Write(b)
	cl.s.stats.netOutput.Add(int64(n))
	return err == nil
}

// startAsync switches the client to queued output (MONITOR, Pub/Sub, output
// buffer limits), with a writer goroutine. Call under mu from the client's
// own goroutine.
func (cl *client) startAsync() {
	if cl.async || cl.killed {
		return
	}
	cl.leaveLoop() // the writer goroutine needs a net.Conn (loop.go)
	cl.async = true
	cl.wake = make(chan struct{}, 1)
	cl.writerDone = make(chan struct{})
	go cl.asyncWriter()
}

// outChunk is queued output; wait, if set, must succeed before the bytes
// may be sent (the AOF durability of the commands they acknowledge).
type outChunk struct {
	b    []byte
	wait func() error
}

// queue appends output for the writer goroutine. It may be called by any
// goroutine holding the server lock.
func (cl *client) queue(b []byte) { cl.queueWait(b, nil) }

// queueWait is queue for replies that must wait for durability.
func (cl *client) queueWait(b []byte, wait func() error) {
	cl.outMu.Lock()
	defer cl.outMu.Unlock()
	if cl.outClosed {
		return
	}
	if n := len(cl.pending); n > 0 && wait == nil && cl.pending[n-1].wait == nil {
		cl.pending[n-1].b = append(cl.pending[n-1].b, b...)
	} else {
		cl.pending = append(cl.pending, outChunk{append([]byte(nil), b...), wait})
	}
	cl.outAsync += int64(len(b))
	select {
	case cl.wake <- struct{}{}:
	default:
	}
}

func (cl *client) asyncWriter() {
	defer close(cl.writerDone)
	for range cl.wake {
		if !cl.writePending() {
			return
		}
	}
	// The queue is closed: send what the last wake-up announced.
	cl.writePending()
}

// writePending writes everything queued so far. It returns false, having
// closed the connection, when a write fails or the replies to send could
// not be made durable.
func (cl *client) writePending() bool {
	cl.outMu.Lock()
	chunks := cl.pending
	cl.pending = nil
	cl.outMu.Unlock()
	for _, ch := range chunks {
		if ch.wait != nil {
			if err := ch.wait(); err != nil {
				// The replies acknowledge commands that are not
				// durable: close rather than send them.
				cl.s.log.Warn("Closing a client whose replies could not be made durable", "addr", cl.addr, "err", err)
				cl.conn.Close()
				return false
			}
		}
		n, err := cl.conn.Write(ch.b)
		cl.s.stats.netOutput.Add(int64(n))
		cl.outMu.Lock()
		cl.outAsync -= int64(len(ch.b))
		cl.outMu.Unlock()
		if err != nil {
			cl.conn.Close()
			return false
		}
	}
	return true
}

// closeOutput closes the queue of an asynchronous client: later output is
// dropped, and the writer goroutine ends once it has written what was
// queued before. Idempotent.
func (cl *client) closeOutput() {
	cl.outMu.Lock()
	defer cl.outMu.Unlock()
	if cl.outClosed {
		return
	}
	cl.outClosed = true
	close(cl.wake)
}

// How long a closing connection may take to accept the output queued
// before it closed. Redis writes a client's pending replies before closing
// it after QUIT or a protocol error, and by the time another client's
// CLIENT KILL runs it has written whatever the socket would take; Vesta's
// writer goroutine may still hold such output, so the close waits for it,
// within these bounds, never for a client that stops reading.
const (
	// closeDrainTimeout bounds a client's own close (QUIT, a protocol
	// error, its peer's end of stream); the idle timeout bounds it too
	// when it is shorter.
	closeDrainTimeout = 10 * time.Second
	// killDrainTimeout bounds a close by CLIENT KILL.
	killDrainTimeout = time.Second
)

// detach removes a client from every server structure: the client table,
// monitors, blocked keys, watched keys, subscriptions. Idempotent; under mu.
func (s *Server) detach(cl *client) {
	delete(s.clients, cl.id)
	delete(s.monitors, cl)
	s.unblock(cl)
	s.unwatchAll(cl)
	s.unsubscribeAll(cl)
	s.trackingDetach(cl)
	s.unlinkClientMem(cl) // client_evict.go
	if cl.rc.replica != nil {
		s.repl.Drop(cl.rc.replica)
	}
}

// unlinkClient ends a connection once its goroutine is done with it: the
// client leaves the server, what its queue holds is written (bounded, see
// closeDrainTimeout), and the socket closes.
func (s *Server) unlinkClient(cl *client) {
	s.mu.Lock()
	s.detach(cl)
	killed := cl.killed
	drain := closeDrainTimeout
	if cl.idleTimeout > 0 && cl.idleTimeout < drain {
		drain = cl.idleTimeout
	}
	s.mu.Unlock()
	if cl.async {
		if !killed {
			// A killed client's deadline is already set.
			_ = cl.conn.SetWriteDeadline(time.Now().Add(drain))
		}
		cl.closeOutput()
		select {
		case <-cl.writerDone:
		case <-s.shutdown:
		}
	}
	cl.conn.Close()
}

// flagsString is the flags field of CLIENT LIST.
func (cl *client) flagsString() string {
	var b strings.Builder
	if cl.monitor {
		b.WriteByte('O')
	}
	if cl.rc.replica != nil {
		b.WriteByte('S')
	}
	if cl.pubsubCount() > 0 {
		b.WriteByte('P')
	}
	if cl.block != nil {
		b.WriteByte('b')
	}
	if cl.multi != nil {
		b.WriteByte('x')
	}
	b.WriteString(cl.trackingFlags())
	if cl.closeAfterReply {
		b.WriteByte('c')
	}
	if cl.unix {
		b.WriteByte('U')
	}
	if cl.noEvict {
		b.WriteByte('e')
	}
	if b.Len() == 0 {
		return "N"
	}
	return b.String()
}

func noWait() error { return nil }

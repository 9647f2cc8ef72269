package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/sds"
	"github.com/vestadb/vesta/internal/stream"
)

// propagation collects what the current top-level command propagates,
// Redis's server.also_propagate, until it is appended to the stream.
type propagation struct {
	depth int         // nesting of call(): EXEC runs commands inside a command
	ops   []stream.Op // queued operations
	arena propArena   // their arguments (hotpath.go)
}

var (
	argDEL   = []byte("DEL")
	argUNLNK = []byte("UNLINK")
)

// AlsoPropagate implements command.Env. Nothing is collected while no
// consumer listens to the stream, nor while the dataset is loading.
func (s *Server) AlsoPropagate(db int, args [][]byte) {
	if s.eng.Loading() || !s.stream.Active() {
		return
	}
	s.prop.ops = append(s.prop.ops, stream.Op{DB: db, Args: s.prop.clone(args)})
}

// cloneArgs copies arguments into one allocation. An empty argument stays
// a non-nil empty slice: parsers tell a missing argument (nil) from an
// empty one.
func cloneArgs(args [][]byte) [][]byte {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	buf := make([]byte, 0, n)
	cp := make([][]byte, len(args))
	for i, a := range args {
		start := len(buf)
		buf = append(buf, a...)
		cp[i] = buf[start:len(buf):len(buf)]
	}
	return cp
}

// Limits implements command.Env.
func (s *Server) Limits() *command.Limits { return &s.limits }

// propagatePending appends the queued operations to the stream (several
// are wrapped in MULTI/EXEC there).
func (s *Server) propagatePending() {
	ops := s.prop.ops
	if len(ops) == 0 {
		s.prop.release() // what a script dropped
		return
	}
	s.prop.ops = ops[:0]
	s.stream.Propagate(ops, s.clock())
	s.prop.release()
}

// keyExpired is the keyspace hook for a key deleted because its TTL passed:
// propagate DEL (or UNLINK), immediately when no command is running (the
// active cycle), otherwise together with the command that triggered it.
func (s *Server) keyExpired(db *keyspace.DB, key []byte) {
	del := argDEL
	if s.cfg.LazyfreeLazyExpire {
		del = argUNLNK
	}
	s.AlsoPropagate(db.ID, [][]byte{del, key})
	if s.prop.depth == 0 {
		s.propagatePending()
		if len(s.ready) > 0 {
			s.serveBlocked()
		}
	}
}

// keyModified is the keyspace hook for signalModifiedKey: it invalidates
// WATCHes, and marks the key ready for the stream readers blocked on it
// (Redis 7.0 signals a stream as ready on XADD, on XGROUP DESTROY and when
// it is deleted or overwritten). Clients blocked on a list or sorted set
// are marked ready only by the key's creation (keyAdded): in 7.0 a key
// that another type holds and a command overwrites (SET, then
// ZUNIONSTORE) does not wake them.
func (s *Server) keyModified(db *keyspace.DB, key []byte) {
	if len(s.watchers) > 0 {
		s.touchWatched(db, key)
	}
	if len(s.blocking) > 0 && s.streamWaiters(db.ID, key) {
		s.markReady(db.ID, key)
	}
	if len(s.track.table) > 0 || len(s.track.prefixes) > 0 {
		s.trackingInvalidate(key, true)
	}
}

// keyAdded is the keyspace hook for dbAdd: a new key may serve clients
// blocked on it.
func (s *Server) keyAdded(db *keyspace.DB, key []byte) {
	if len(s.blocking) > 0 {
		s.markReady(db.ID, key)
	}
}

// processCommand checks a request the way Redis's processCommand does and
// executes it. Called under mu.
func (s *Server) processCommand(cl *client, args [][]byte) {
	s.ks.Now = s.batchNow
	if s.eng.AOFOn() {
		// Remember where this reply starts and whether the command was
		// logged, so that a failed AOF write can turn its reply into an
		// error (see client.handleInput).
		offset := s.stream.Offset()
		cl.marks = append(cl.marks, replyMark{start: cl.w.Len()})
		defer func() { cl.marks[len(cl.marks)-1].logged = s.stream.Offset() != offset }()
	}
	if cl.replyMode == replySkip {
		cl.replyMode = replySkipThis
	}
	if cl.trk != nil {
		defer s.trackingAfterProcess(cl, args[0])
	}
	mark := cl.w.Len()
	defer func() {
		switch cl.replyMode {
		case replyOff:
			cl.w.B = cl.w.B[:mark]
		case replySkipThis:
			cl.w.B = cl.w.B[:mark]
			cl.replyMode = replyOn
		}
	}()

	spec, msg := s.table.Lookup(args)
	// reject replies with an error and, inside MULTI, dooms the
	// transaction (Redis's flagTransaction). A refused EXEC discards the
	// transaction instead, inside MULTI or not, and says why.
	reject := func(msg string) {
		if spec != nil && spec.Name == "exec" {
			cl.multi = nil
			s.unwatchAll(cl)
			// Redis words its own checks without the ERR prefix here.
			cl.w.Error("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR "))
			s.rejected(spec)
			return
		}
		cl.w.Error(msg)
		if cl.multi != nil {
			cl.multi.aborted = true
		}
		s.rejected(spec)
	}
	if msg != "" {
		reject(msg)
		return
	}
	if spec.Name == "debug" && !s.cfg.EnableDebugCommand.Allowed(cl.local) {
		reject(debugDenied)
		return
	}
	if cl.needAuth() && !spec.Has(command.NoAuth) {
		reject("NOAUTH Authentication required.")
		return
	}
	if msg := s.aclCheck(cl, spec, args); msg != "" {
		reject(msg)
		return
	}
	if s.clientEvictBeforeCommand(cl) { // client_evict.go
		return // cl was evicted
	}
	if msg := s.oomReject(cl, spec, args); msg != "" {
		reject(msg)
		return
	}
	if cl.w.Proto == 2 && cl.pubsubCount() > 0 && !allowedWhileSubscribed[spec.Name] {
		reject("ERR Can't execute '" + spec.Name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
		return
	}
	if spec.Has(command.Write) || spec.Name == "ping" || (spec.Name == "exec" && cl.multi.hasWrite()) {
		if msg := s.eng.WriteRefusal(); msg != "" {
			reject(msg)
			return
		}
		if spec.Name != "ping" {
			if msg := s.repl.WriteRefusal(); msg != "" {
				reject(msg)
				return
			}
		}
	}
	if msg := s.replicaRefusal(cl, spec); msg != "" {
		reject(msg)
		return
	}
	if s.eng.Loading() && !spec.Has(command.Loading) {
		reject("LOADING Redis is loading the dataset in memory")
		return
	}
	if cl.monitor && (spec.Flags&(command.Write|command.ReadOnly|command.MayReplicate) != 0 || mayReplicate[spec.Name]) {
		// Redis makes a MONITOR client a replica, and replicas may not
		// touch the keyspace.
		reject("ERR Replica can't interact with the keyspace")
		return
	}
	if msg := s.scriptBusyReject(cl, spec, args); msg != "" {
		reject(msg)
		return
	}
	s.trackingLimit()
	if s.pauseHold(cl, spec, args) {
		return
	}
	if cl.multi != nil {
		switch spec.Name {
		case "exec", "discard", "multi", "watch", "quit", "reset":
		default:
			if spec.Has(command.NoMulti) {
				reject("ERR Command not allowed inside a transaction")
				return
			}
			s.queueCommand(cl, spec, args)
			return
		}
	}
	s.call(cl, spec, args)
}

// mayReplicate are the commands Redis 7.0 flags may_replicate internally
// without COMMAND INFO showing it (a replica may not run them).
var mayReplicate = map[string]bool{
	"publish": true, "spublish": true, "pfcount": true, "eval": true, "evalsha": true, "fcall": true,
}

var allowedWhileSubscribed = map[string]bool{
	"subscribe": true, "psubscribe": true, "unsubscribe": true, "punsubscribe": true,
	"ssubscribe": true, "sunsubscribe": true, "ping": true, "quit": true, "reset": true,
}

// call executes a command and queues what it propagates. Called under mu.
func (s *Server) call(cl *client, spec *command.Spec, args [][]byte) {
	c := &cl.ctx
	c.Reset()
	c.Args = args
	c.Spec = spec
	c.DB = cl.db
	db := cl.db.ID
	cl.lastCmd = spec.Name
	dirty := s.ks.Dirty
	top := s.prop.depth == 0
	start := s.callEnd
	if !top || start.IsZero() {
		start = s.clock()
	}
	if s.prop.depth == 0 {
		s.executing.Store(cl)
	}
	s.prop.depth++
	spec.Run(c)
	s.trackingRemember(spec, args)
	s.prop.depth--
	if s.prop.depth == 0 {
		s.executing.Store(nil)
	}
	if cl.id >= 0 || (top && s.chainCalls) {
		end := s.clock()
		s.afterCall(cl, spec, args, start, end)
		if top && s.chainCalls {
			s.callEnd = end
		}
	}
	// Only a command that added changes propagates: SAVE and SHUTDOWN SAVE
	// reset the counter, which Redis's call() counts as no change.
	if pargs, ok, force := c.Propagated(); ok && (s.ks.Dirty > dirty || force) {
		s.AlsoPropagate(db, pargs)
	}
	s.stats.commandsProcessed++
	if len(s.monitors) > 0 && !spec.Has(command.SkipMonitor) && !spec.Has(command.Admin) {
		// The database after the command, as Redis shows it (SELECT 2
		// is shown in database 2).
		s.feedMonitors(cl, cl.db.ID, args)
	}
	if s.prop.depth == 0 {
		before := s.stream.Offset()
		s.propagatePending()
		if s.stream.Offset() != before {
			cl.rc.woff = s.stream.Offset() // WAIT waits for this
		}
		if len(s.ready) > 0 {
			s.serveBlocked()
		}
		if len(s.track.pending) > 0 {
			s.trackingAfterCommand(cl)
		}
	}
}

// feedMonitors sends the command line to MONITOR clients.
func (s *Server) feedMonitors(cl *client, db int, args [][]byte) {
	now := time.Now()
	var b []byte
	b = append(b, '+')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '.')
	us := strconv.Itoa(now.Nanosecond() / 1000)
	b = append(b, strings.Repeat("0", 6-len(us))...)
	b = append(b, us...)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(db), 10)
	b = append(b, ' ')
	b = append(b, cl.addr...)
	b = append(b, ']')
	for _, a := range args {
		b = append(b, ' ')
		b = sds.AppendRepr(b, a)
	}
	b = append(b, "\r\n"...)
	for m := range s.monitors {
		switch {
		case m != cl:
			m.queue(b)
		case !cl.closeAfterReply:
			// A monitor's own command: after its reply, which is still
			// in the batch buffer. A client about to close (QUIT) gets
			// nothing more, as in Redis.
			cl.w.Raw(b)
		}
	}
}

package server

import (
	"crypto/tls"
	"math"
	"math/bits"
	"strings"
	"sync/atomic"
	"time"
)

// Client eviction (maxmemory-clients), as Redis 7.0 does it: the memory of
// every normal and Pub/Sub client (its CLIENT LIST tot-mem, client_mem.go)
// is summed; when the sum reaches the limit, the clients using the most
// are disconnected, largest first, until it is under the limit again.
//
// Like Redis, Vesta does not sort clients: each evictable client sits in
// one of 19 buckets by the power of two of its memory (under 32 KiB, then
// 32-64 KiB, ..., 4 GiB and more), in the order it entered the bucket;
// eviction empties the top bucket first, oldest entry first. A client's
// figure is measured when it runs a command (its request, arguments and
// unsent replies), at the end of each of its batches, after a batch whose
// buffers shrank, and for every client once per cron tick (output queued
// for it by other clients' commands: Pub/Sub messages, MONITOR lines).
// Replicas and clients that ran CLIENT NO-EVICT on are never evicted; a
// no-evict client's memory still counts toward the sum, as in Redis.
//
// All of it is under mu, except evictActive, which a client's goroutine
// reads without the lock to skip the post-batch measurement when client
// eviction is off.

const (
	// clientMemBucketMinLog and clientMemBucketMaxLog bound the buckets:
	// the lowest holds clients under 2^15 bytes, the highest those of
	// 2^32 bytes and more (Redis's CLIENT_MEM_USAGE_BUCKET_MIN/MAX_LOG).
	clientMemBucketMinLog = 15
	clientMemBucketMaxLog = 33
	clientMemBuckets      = clientMemBucketMaxLog - clientMemBucketMinLog + 1
	// minClientEvictionLimit is the least limit in effect: a smaller
	// maxmemory-clients would leave no room to talk to the server at all.
	minClientEvictionLimit = 128 << 10
)

// clientEvictState is the server's client eviction state (under mu).
type clientEvictState struct {
	// active says that clients are being measured: maxmemory-clients was
	// in effect when last looked at. Also kept in evictActive.
	active      bool
	evictActive atomic.Bool
	// total is the memory of the normal and Pub/Sub clients as last
	// measured (Redis's stat_clients_type_memory of both types).
	total   int64
	buckets [clientMemBuckets]clientMemBucket
	// evicted counts the clients evicted (INFO evicted_clients).
	evicted int64
	// batches numbers the batches that ended with a large reply to write.
	batches uint64
	// lastWarn is when "Over client maxmemory after evicting all
	// evictable clients" was last logged.
	lastWarn time.Time
}

// clientMemBucket is a list of clients, oldest first.
type clientMemBucket struct{ head, tail *client }

// clientMemAcct is a client's part of the accounting (under mu).
type clientMemAcct struct {
	counted int64 // its memory as last measured, in total when inTotal
	inTotal bool
	bucket  int // 1 + the index of its bucket; 0 when in none
	prev    *client
	next    *client
	// flushing is the number of the batch whose large reply buffer is
	// being written, 0 when none: set at the end of the batch, cleared by
	// the client's goroutine once written (without the lock). cronSeen is
	// the one the last cron tick found.
	flushing atomic.Uint64
	cronSeen uint64
}

// bigReplyBuffer is the reply buffer capacity over which flush drops the
// buffer once written.
const bigReplyBuffer = 4 * maxBatchReply

// clientEvictionLimit is the limit in effect, 0 when client eviction is
// off: maxmemory-clients in bytes, or its percentage of maxmemory (off
// while maxmemory is 0), and at least 128 KiB (Redis's
// getClientEvictionLimit).
func (s *Server) clientEvictionLimit() int64 {
	v := s.cfg.MaxmemoryClients
	var limit int64
	switch {
	case v < 0 && s.cfg.Maxmemory > 0:
		f := float64(s.cfg.Maxmemory) * float64(-v) / 100
		if f >= math.MaxInt64 {
			limit = math.MaxInt64
		} else {
			limit = int64(f)
		}
	case v > 0:
		limit = v
	default:
		return 0
	}
	return max(limit, minClientEvictionLimit)
}

// clientMemBucketIndex is the bucket of a client using mem bytes.
func clientMemBucketIndex(mem int64) int {
	n := bits.Len64(uint64(max(mem, 0)))
	n = min(max(n, clientMemBucketMinLog), clientMemBucketMaxLog)
	return n - clientMemBucketMinLog
}

// evictable reports whether cl may be evicted: a normal or Pub/Sub client
// without CLIENT NO-EVICT on (Redis's clientEvictionAllowed).
func (cl *client) evictable() bool {
	return cl.rc.replica == nil && !cl.noEvict && !cl.killed
}

// syncClientEviction starts or stops the accounting when maxmemory-clients
// (or maxmemory, for a percentage) changed, and reports whether it is on.
// Starting measures every client from what its last batch left.
func (s *Server) syncClientEviction() bool {
	on := s.clientEvictionLimit() != 0
	if on == s.cev.active {
		return on
	}
	s.cev.active = on
	s.cev.evictActive.Store(on)
	for _, cl := range s.clients {
		if on {
			s.setClientMem(cl, s.measureClient(cl))
		} else {
			s.unlinkClientMem(cl)
		}
	}
	if !on {
		s.cev.total = 0
	}
	return on
}

// measureClient is cl's tot-mem as its last batch left it (the argument
// bytes of a command it is blocked in included).
func (s *Server) measureClient(cl *client) int64 {
	var argv int64
	if cl.block != nil {
		argv = argsBytes(cl.block.args)
	}
	return s.totMem(cl, cl.bufs.qbufSize, argv, cl.bufs.rbs)
}

// setClientMem records cl's memory: in the sum unless it is a replica,
// and in the bucket of its size if it may be evicted. A client moving to
// another bucket goes to the end of it.
func (s *Server) setClientMem(cl *client, mem int64) {
	if s.clients[cl.id] != cl {
		return // gone: detach took it out of the accounting
	}
	a := &cl.memAcct
	if a.inTotal {
		s.cev.total -= a.counted
	}
	a.counted = mem
	a.inTotal = cl.rc.replica == nil
	if a.inTotal {
		s.cev.total += mem
	}
	want := 0
	if a.inTotal && cl.evictable() {
		want = 1 + clientMemBucketIndex(mem)
	}
	if want == a.bucket {
		return
	}
	s.unbucket(cl)
	if want == 0 {
		return
	}
	b := &s.cev.buckets[want-1]
	a.bucket, a.prev, a.next = want, b.tail, nil
	if b.tail != nil {
		b.tail.memAcct.next = cl
	} else {
		b.head = cl
	}
	b.tail = cl
}

// unbucket takes cl out of its bucket, if any.
func (s *Server) unbucket(cl *client) {
	a := &cl.memAcct
	if a.bucket == 0 {
		return
	}
	b := &s.cev.buckets[a.bucket-1]
	if a.prev != nil {
		a.prev.memAcct.next = a.next
	} else {
		b.head = a.next
	}
	if a.next != nil {
		a.next.memAcct.prev = a.prev
	} else {
		b.tail = a.prev
	}
	a.bucket, a.prev, a.next = 0, nil, nil
}

// unlinkClientMem removes cl from the accounting: it leaves the server,
// or client eviction was turned off. Called by detach.
func (s *Server) unlinkClientMem(cl *client) {
	s.unbucket(cl)
	if cl.memAcct.inTotal {
		s.cev.total -= cl.memAcct.counted
	}
	cl.memAcct.inTotal, cl.memAcct.counted = false, 0
}

// evictClients disconnects the clients using the most memory, largest
// bucket first, while the sum is at or over the limit (Redis's
// evictClients). It reports whether self (the client whose goroutine
// runs this, or nil) was one of them.
func (s *Server) evictClients(self *client) bool {
	limit := s.clientEvictionLimit()
	if limit == 0 || s.scriptYielding() {
		// A busy script's caller is mid-command: nobody is freed while
		// it lets other clients in (Redis protects that client).
		return false
	}
	evictedSelf := false
	for s.cev.total >= limit {
		cl := s.evictionCandidate()
		if cl == nil {
			if now := time.Now(); now.Sub(s.cev.lastWarn) >= time.Second {
				s.cev.lastWarn = now
				s.log.Warn("Over client maxmemory after evicting all evictable clients")
			}
			break
		}
		s.evictClient(cl, cl == self)
		evictedSelf = evictedSelf || cl == self
	}
	return evictedSelf
}

// evictionCandidate is the next client to evict: the oldest entry of the
// highest bucket that is not empty, or nil.
func (s *Server) evictionCandidate() *client {
	for i := clientMemBuckets - 1; i >= 0; i-- {
		if cl := s.cev.buckets[i].head; cl != nil {
			return cl
		}
	}
	return nil
}

// evictClient disconnects cl at once, as Redis frees it: what it has not
// been sent yet is dropped. self says that cl's own goroutine runs this:
// it then stops executing what it has read.
func (s *Server) evictClient(cl *client, self bool) {
	s.log.Info("Evicting client: " + s.clientInfoString(cl))
	s.cev.evicted++
	cl.killed = true
	if self {
		cl.closeAfterReply = true
	}
	s.detach(cl)
	if cl.async {
		cl.outMu.Lock()
		cl.pending, cl.outAsync = nil, 0
		cl.outMu.Unlock()
		cl.closeOutput()
	}
	// The socket itself, without TLS's close_notify (as Redis frees a TLS
	// connection): that alert could wait under the lock on a peer that
	// does not read.
	nc := cl.conn
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	_ = nc.SetReadDeadline(time.Now())
	nc.Close()
}

// clientEvictBeforeCommand is processCommand's client eviction step, run
// before maxmemory's as in Redis: cl is measured as it stands (its request
// buffer, the command's arguments, the replies of the batch not sent yet)
// and clients are evicted while the sum is over the limit. It reports
// whether cl itself was evicted: the command must not run.
func (s *Server) clientEvictBeforeCommand(cl *client) bool {
	if !s.cev.active && s.clientEvictionLimit() == 0 {
		return false
	}
	if !s.syncClientEviction() {
		return false
	}
	// The arguments are slices of the request buffer: counted with it.
	s.setClientMem(cl, s.totMem(cl, int64(cl.parser.Size()), 0, int64(cap(cl.w.B))))
	return s.evictClients(cl)
}

// clientMemAfterBatch measures cl at the end of a batch, before its
// replies are written or queued, and evicts clients over the limit. Under
// mu, on cl's goroutine.
//
// A reply buffer that flush drops once written (over bigReplyBuffer) is
// left out: Redis writes a client's replies before it evicts, so a client
// is not evicted for a large reply the socket takes at once. The cron
// counts it if the write is still under way a tick later (clientEvictCron).
func (s *Server) clientMemAfterBatch(cl *client) {
	if !s.cev.active && s.clientEvictionLimit() == 0 {
		return
	}
	if !s.syncClientEviction() || cl.killed {
		return
	}
	cl.noteBuffers()
	inFlight := int64(0)
	if !cl.async && cl.w.Len() > 0 && cap(cl.w.B) > bigReplyBuffer {
		inFlight = cl.bufs.rbs
		s.cev.batches++
		cl.memAcct.flushing.Store(s.cev.batches)
	}
	s.setClientMem(cl, s.measureClient(cl)-inFlight)
	s.evictClients(cl)
}

// clientMemAfterWrite measures cl again once its replies are written and
// its buffers trimmed, when they changed since the end of the batch (a
// large reply buffer or request buffer released). Called by cl's
// goroutine without the lock; takes it only then.
func (s *Server) clientMemAfterWrite(cl *client) {
	if !s.cev.evictActive.Load() {
		return
	}
	cl.memAcct.flushing.Store(0)
	if int64(cl.parser.Size()) == cl.bufs.qbufSize && int64(cap(cl.w.B)) == cl.bufs.rbs {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cl.killed || !s.cev.active {
		return
	}
	cl.noteBuffers()
	s.setClientMem(cl, s.measureClient(cl))
}

// clientEvictCron measures every client again (output other clients'
// commands queued for it, its async queue drained by its writer) and
// evicts while the sum is over the limit. A large reply still being
// written is counted from the second tick that finds it so (the peer is
// not reading). Under mu, from cron.
func (s *Server) clientEvictCron() {
	if !s.syncClientEviction() {
		return
	}
	for _, cl := range s.clients {
		if cl == s.executing.Load() {
			continue
		}
		mem := s.measureClient(cl)
		if f := cl.memAcct.flushing.Load(); f != 0 && f != cl.memAcct.cronSeen {
			cl.memAcct.cronSeen = f
			mem -= cl.bufs.rbs
		}
		s.setClientMem(cl, mem)
	}
	s.evictClients(nil)
}

// clientsMemory sums the tot-mem of the normal and Pub/Sub clients, and of
// the replicas, as CLIENT LIST shows them (Redis's per-type client
// memory behind INFO mem_clients_normal/mem_clients_slaves and MEMORY
// STATS clients.normal/clients.slaves, which it keeps whether client
// eviction is on or not). Under mu.
func (s *Server) clientsMemory() (normal, replicas int64) {
	for _, cl := range s.clients {
		m := s.clientMemory(cl).totMem // the caller measured live, as CLIENT LIST does
		if cl.rc.replica != nil {
			replicas += m
		} else {
			normal += m
		}
	}
	return normal, replicas
}

// infoClientsMemory writes INFO memory's mem_clients_slaves and
// mem_clients_normal.
func (s *Server) infoClientsMemory(b *strings.Builder) {
	normal, replicas := s.clientsMemory()
	field(b, "mem_clients_slaves", replicas)
	field(b, "mem_clients_normal", normal)
}

// evictedClients is INFO's evicted_clients.
func (s *Server) evictedClients() int64 { return s.cev.evicted }

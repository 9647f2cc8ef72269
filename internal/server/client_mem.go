package server

import "unsafe"

// clientMem are the buffer fields of a CLIENT LIST / CLIENT INFO line, in
// Redis's order, measured on what Vesta's client holds:
//
//   - qbuf: request bytes received and not yet parsed into a command (Redis
//     also counts the command that is running; Vesta has consumed it);
//   - qbuf-free: room left in the request buffer;
//   - argv-mem: the argument bytes of the command the client is running or
//     is blocked in (0 between commands, as in Redis);
//   - multi-mem: the commands queued by MULTI: their argument bytes plus a
//     slice header per argument (Redis counts a pointer per argument);
//   - obl: reply bytes built in the current batch and not yet written;
//   - oll: chunks in the asynchronous output queue (MONITOR, Pub/Sub, a
//     reader that fell behind);
//   - omem: bytes in that queue;
//   - tot-mem: all of the above buffers at their allocated sizes plus the
//     client structure itself and the overhead of its subscriptions,
//     watched keys and tracking prefixes (totMem): what client eviction
//     counts (client_evict.go).
type clientMem struct {
	multi                             int // queued MULTI commands, -1 outside MULTI
	qbuf, qbufFree, argvMem, multiMem int64
	rbs, rbp, obl, oll, omem, totMem  int64
}

// sliceHeader is the size of a []byte header: what each argument costs
// beyond its bytes.
const sliceHeader = int64(unsafe.Sizeof([]byte(nil)))

// bufferSnapshot is the state of a client's request and reply buffers as
// its goroutine left them at the end of its last batch: other clients'
// CLIENT LIST reads it under mu, since the buffers themselves change
// outside the lock (reads into the request buffer, writes of the replies).
type bufferSnapshot struct {
	qbuf, qbufFree, qbufSize, rbs int64
}

// noteBuffers records the buffer snapshot. Called by the client's own
// goroutine under mu, at the end of each batch.
func (cl *client) noteBuffers() {
	cl.s.noteReplyBuffer(cl.bufs.rbs, int64(cap(cl.w.B))) // info_fields.go
	cl.bufs = bufferSnapshot{
		qbuf:     int64(cl.parser.Buffered()),
		qbufFree: int64(cl.parser.Free()),
		qbufSize: int64(cl.parser.Size()),
		rbs:      int64(cap(cl.w.B)),
	}
}

// clientMemory measures cl's buffers. Called under mu. The client running
// the command (CLIENT LIST's or CLIENT INFO's caller) is measured live;
// the others from their snapshot, with obl 0: their replies were handed
// to the socket when their batch ended.
func (s *Server) clientMemory(cl *client) clientMem {
	m := clientMem{multi: -1}
	self := s.executing.Load() == cl
	snap := cl.bufs
	if self {
		cl.noteBuffers()
		snap = cl.bufs
		m.obl = int64(cl.w.Len())
	}
	m.qbuf, m.qbufFree = snap.qbuf, snap.qbufFree
	switch {
	case s.executing.Load() == cl:
		m.argvMem = argsBytes(cl.ctx.Args)
	case cl.block != nil:
		m.argvMem = argsBytes(cl.block.args)
	}
	if cl.multi != nil {
		m.multi = len(cl.multi.cmds)
		m.multiMem = cl.multi.mem
	}
	m.rbs, m.rbp = snap.rbs, m.obl
	cl.outMu.Lock()
	m.oll, m.omem = int64(len(cl.pending)), cl.outAsync
	cl.outMu.Unlock()
	// The running command's arguments are slices of the request buffer,
	// counted with it; a blocked command's are copies.
	owned := int64(0)
	if cl.block != nil && !self {
		owned = m.argvMem
	}
	m.totMem = s.totMem(cl, snap.qbufSize, owned, m.rbs)
	return m
}

// Per-entry costs of what a client keeps besides its buffers, as Redis
// adds the overhead of its lists and dictionaries to tot-mem (the channel
// names and keys themselves are shared with the server's tables).
const (
	// subscriptionMem is a subscription's map entry: the name's string
	// header plus its share of the map bucket.
	subscriptionMem = int64(unsafe.Sizeof("")) + 8
	// watchedKeyMem is a WATCH entry.
	watchedKeyMem = int64(unsafe.Sizeof(watchedKey{}))
)

// totMem is CLIENT LIST's tot-mem, the memory client eviction counts: the
// client structure, the request buffer (its allocated size qbufSize), the
// copied arguments of the command it is blocked in (argvMem; a running
// command's arguments lie in the request buffer), its queued
// MULTI commands, its reply buffer (capacity rbs) and output queue, and
// the overhead of its subscriptions, watched keys and BCAST prefixes.
// Under mu.
func (s *Server) totMem(cl *client, qbufSize, argvMem, rbs int64) int64 {
	n := int64(unsafe.Sizeof(*cl)) + qbufSize + argvMem + rbs
	if cl.multi != nil {
		n += cl.multi.mem
	}
	cl.outMu.Lock()
	n += cl.outAsync
	cl.outMu.Unlock()
	n += int64(cl.pubsubCount())*subscriptionMem + int64(len(cl.watched))*watchedKeyMem
	if cl.trk != nil {
		for _, p := range cl.trk.prefixes {
			n += int64(unsafe.Sizeof(p)) + int64(len(p))
		}
	}
	return n
}

// argsBytes is the total length of a command's arguments.
func argsBytes(args [][]byte) int64 {
	var n int64
	for _, a := range args {
		n += int64(len(a))
	}
	return n
}

package repl

import (
	"strconv"
	"sync"
	"time"
)

// chunkSize is the size of the backlog's blocks.
const chunkSize = 64 << 10

// Backlog is the replication backlog: the propagation stream's bytes as
// replicas receive them (RESP, with a SELECT where the stream counts one),
// one copy shared by every replica. It is a stream consumer. It keeps at
// least the last repl-backlog-size bytes, for partial resynchronisations,
// and every byte a connected replica has not been sent yet, so a replica's
// output buffer is its position in the backlog rather than a copy (Redis
// 7.0's shared replication buffer). A replica that falls further behind
// than its client-output-buffer-limit is cut off (see Feed).
//
// Feed is called under the server lock; the replicas' sender goroutines
// read without it. mu guards the blocks and the readers.
type Backlog struct {
	mu      sync.Mutex
	cond    *sync.Cond
	chunks  [][]byte // blocks of the stream; all full but the last
	start   int64    // stream offset of chunks[0][0]
	end     int64    // stream offset after the last byte held
	size    int64    // repl-backlog-size
	readers map[*reader]struct{}

	dbKnown bool // the database of the last SELECT emitted is db
	db      int
	scratch []byte

	// limit is checked on every feed for every reader (under mu).
	limit func(r *reader, pending int64, now time.Time) bool
}

// reader is a replica's position in the backlog: the offset of the next
// byte it is to be sent.
type reader struct {
	pos       int64
	closed    bool
	softSince time.Time // when its pending bytes passed the soft limit
	owner     *Replica
	b         *Backlog
}

// newBacklog returns an empty backlog starting at stream offset off.
func newBacklog(off, size int64) *Backlog {
	b := &Backlog{start: off, end: off, size: size, readers: map[*reader]struct{}{}}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// Feed is the stream.Consumer: it appends the command as a replica
// receives it. Under the server lock.
func (b *Backlog) Feed(db int, args [][]byte, now time.Time) {
	buf := b.scratch[:0]
	if db >= 0 && (!b.dbKnown || db != b.db) {
		d := strconv.Itoa(db)
		buf = append(buf, "*2\r\n$6\r\nSELECT\r\n$"...)
		buf = strconv.AppendInt(buf, int64(len(d)), 10)
		buf = append(buf, "\r\n"...)
		buf = append(buf, d...)
		buf = append(buf, "\r\n"...)
		b.db, b.dbKnown = db, true
	}
	buf = append(buf, '*')
	buf = strconv.AppendInt(buf, int64(len(args)), 10)
	buf = append(buf, "\r\n"...)
	for _, a := range args {
		buf = append(buf, '$')
		buf = strconv.AppendInt(buf, int64(len(a)), 10)
		buf = append(buf, "\r\n"...)
		buf = append(buf, a...)
		buf = append(buf, "\r\n"...)
	}
	b.mu.Lock()
	b.appendLocked(buf)
	b.trimLocked(now)
	b.mu.Unlock()
	b.cond.Broadcast()
	if cap(buf) > 1<<20 {
		buf = nil
	}
	b.scratch = buf[:0]
}

// FeedRaw is the stream.RawConsumer: on a replica it appends the master's
// bytes as they came (they carry the master's SELECTs). Under the server
// lock.
func (b *Backlog) FeedRaw(raw []byte) {
	b.dbKnown = false
	b.mu.Lock()
	b.appendLocked(raw)
	b.trimLocked(time.Now())
	b.mu.Unlock()
	b.cond.Broadcast()
}

// forgetDB makes the next command start with a SELECT (with
// stream.Stream.ForgetDB, at a full synchronisation's cut). Under the
// server lock.
func (b *Backlog) forgetDB() { b.dbKnown = false }

func (b *Backlog) appendLocked(p []byte) {
	b.end += int64(len(p))
	for len(p) > 0 {
		n := len(b.chunks)
		if n == 0 || len(b.chunks[n-1]) == cap(b.chunks[n-1]) {
			b.chunks = append(b.chunks, make([]byte, 0, chunkSize))
			n++
		}
		last := b.chunks[n-1]
		k := min(cap(last)-len(last), len(p))
		b.chunks[n-1] = append(last, p[:k]...)
		p = p[k:]
	}
}

// trimLocked drops whole blocks that neither the backlog's size nor any
// reader needs, after cutting off readers over their output limit.
func (b *Backlog) trimLocked(now time.Time) {
	keep := b.end - b.size
	for r := range b.readers {
		if r.closed {
			continue
		}
		if b.limit != nil && b.limit(r, b.end-r.pos, now) {
			r.closed = true
			continue
		}
		keep = min(keep, r.pos)
	}
	for len(b.chunks) > 1 && b.start+int64(len(b.chunks[0])) <= keep {
		b.start += int64(len(b.chunks[0]))
		b.chunks[0] = nil
		b.chunks = b.chunks[1:]
	}
}

// holds reports whether a replica may continue from offset off (the
// offset of the next byte it wants).
func (b *Backlog) holds(off int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return off >= b.start && off <= b.end
}

// bounds returns the offsets of the first byte held and after the last.
func (b *Backlog) bounds() (start, end int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.start, b.end
}

// attach adds a reader at offset off, which the backlog must hold.
func (b *Backlog) attach(off int64, owner *Replica) *reader {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := &reader{pos: off, owner: owner, b: b}
	b.readers[r] = struct{}{}
	return r
}

// detach removes a reader and wakes it if it waits.
func (b *Backlog) detach(r *reader) {
	b.mu.Lock()
	r.closed = true
	delete(b.readers, r)
	b.mu.Unlock()
	b.cond.Broadcast()
}

// read copies the bytes from r's position into p and advances it,
// waiting for bytes if there are none yet. It returns false once r is
// closed.
func (b *Backlog) read(r *reader, p []byte) (n int, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for !r.closed && r.pos >= b.end {
		b.cond.Wait()
	}
	if r.closed {
		return 0, false
	}
	if r.pos < b.start {
		// Cannot happen: trimming keeps what readers need.
		r.closed = true
		return 0, false
	}
	at := r.pos - b.start
	for _, c := range b.chunks {
		if at >= int64(len(c)) {
			at -= int64(len(c))
			continue
		}
		k := copy(p[n:], c[at:])
		n += k
		at = 0
		if n == len(p) {
			break
		}
	}
	r.pos += int64(n)
	return n, true
}

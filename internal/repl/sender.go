package repl

import (
	"io"
	"strconv"
	"time"
)

// Start launches the replica's sender goroutine. The server calls it once
// the replies that preceded SYNC/PSYNC are written; from then on only the
// sender (and a diskless snapshot) writes to the connection.
func (r *Replica) Start() {
	go r.run()
}

// Done is closed when the replica is dropped.
func (r *Replica) Done() <-chan struct{} { return r.done }

// keepAlive is how often a replica waiting for its snapshot gets a newline.
const keepAlive = time.Second

func (r *Replica) run() {
	m := r.m
	defer func() {
		m.o.Mu.Lock()
		m.drop(r)
		if r.file != nil {
			r.file.Close()
			r.file = nil
		}
		m.o.Mu.Unlock()
	}()
	// Deferred last so that it runs first: a panic with the server lock
	// held must reach the crash report, not wait for the lock above.
	defer func() {
		if v := recover(); v != nil {
			r.m.o.Crashed("replica sender", v)
		}
	}()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		m.o.Mu.Lock()
		st, line, closed, onAck := r.state, r.firstLine, r.closed, r.putOnlineOnAck
		r.firstLine = ""
		disk := r.job == nil || r.job.disk
		f, size := r.file, r.fileSize
		m.o.Mu.Unlock()
		if closed {
			return
		}
		if line != "" {
			r.wmu.Lock()
			err := r.write([]byte(line))
			r.wmu.Unlock()
			if err != nil {
				return
			}
		}
		switch {
		case st == SendBulk:
			if !r.sendFile(f, size) {
				return
			}
			m.o.Mu.Lock()
			if r.file != nil {
				r.file.Close()
				r.file = nil
			}
			if r.conf.RDBOnly {
				m.o.Log.Info("RDB transfer completed, rdb only replica should be disconnected asap", "replica", r.Name())
				m.o.Mu.Unlock()
				return
			}
			r.state = Online
			r.ackTime = time.Now()
			m.o.Log.Info("Synchronization with replica succeeded", "replica", r.Name())
			m.o.Mu.Unlock()
			continue
		case st == Online && !onAck:
			r.stream()
			return
		case st == WaitBgsaveStart || (st == WaitBgsaveEnd && disk):
			select {
			case <-r.done:
				return
			case <-r.wake:
			case <-tick.C:
				// Newlines keep the link alive while the snapshot is
				// prepared; the replica ignores them.
				r.wmu.Lock()
				err := error(nil)
				if !r.preambled {
					err = r.write([]byte("\n"))
				}
				r.wmu.Unlock()
				if err != nil {
					return
				}
			}
		default:
			// A diskless transfer in progress, or waiting for the first
			// ACK after it.
			if st == WaitBgsaveEnd {
				r.wmu.Lock()
				err := r.preambleLocked()
				r.wmu.Unlock()
				if err != nil {
					return
				}
			}
			select {
			case <-r.done:
				return
			case <-r.wake:
			case <-tick.C:
			}
		}
	}
}

// sendFile sends dump.rdb as a bulk: $<len>, then the bytes.
func (r *Replica) sendFile(f io.Reader, size int64) bool {
	r.wmu.Lock()
	defer r.wmu.Unlock()
	if err := r.write([]byte("$" + strconv.FormatInt(size, 10) + "\r\n")); err != nil {
		r.m.o.Log.Warn("Write error sending RDB preamble to replica", "replica", r.Name(), "err", err)
		return false
	}
	buf := make([]byte, 256<<10)
	var sent int64
	for sent < size {
		n, err := f.Read(buf[:min(int64(len(buf)), size-sent)])
		if n > 0 {
			if werr := r.write(buf[:n]); werr != nil {
				r.m.o.Log.Warn("Write error sending DB to replica", "replica", r.Name(), "err", werr)
				return false
			}
			sent += int64(n)
		}
		if err != nil {
			if err == io.EOF && sent < size {
				r.m.o.Log.Warn("Read error sending DB to replica: premature EOF", "replica", r.Name())
				return false
			}
			if err != io.EOF {
				r.m.o.Log.Warn("Read error sending DB to replica", "replica", r.Name(), "err", err)
				return false
			}
		}
	}
	return true
}

// stream sends the backlog from the replica's position until the replica
// is dropped or a write fails.
func (r *Replica) stream() {
	buf := make([]byte, 64<<10)
	for {
		n, ok := r.rd.b.read(r.rd, buf)
		if !ok {
			return
		}
		r.wmu.Lock()
		err := r.write(buf[:n])
		r.wmu.Unlock()
		if err != nil {
			return
		}
	}
}

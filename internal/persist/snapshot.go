package persist

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/rdb"
)

// SaveOptions describe an RDB image to write.
type SaveOptions struct {
	Compression bool
	Checksum    bool
	// AOFBase marks the image as an AOF base (AUX aof-base 1).
	AOFBase bool
	// UsedMem is reported in the used-mem AUX field.
	UsedMem int64
	// KeySaveDelay slows the walker down by this much per key saved,
	// counting the keys that writes serialised before changing them
	// (rdb-key-save-delay, for tests).
	KeySaveDelay time.Duration
	// Repl, when set, is written as the repl-stream-db, repl-id and
	// repl-offset AUX fields (a master with a backlog, as Redis's
	// rdbPopulateSaveInfo): a restarted master continues its replicas'
	// history from them. Never written into an AOF base.
	Repl *ReplInfo
	// Functions are the sources of the function libraries, saved before
	// the keys: FUNCTION2 items in an RDB image, FUNCTION LOAD commands in
	// a RESP AOF base (as Redis's rdbSaveFunctions and rewriteFunctions).
	Functions []string
}

// ReplInfo is the replication position a snapshot records: the
// replication id and the stream offset of its cut.
type ReplInfo = rdb.ReplInfo

const (
	// stepBuckets bounds the buckets one walker step serialises while
	// holding the server lock.
	stepBuckets = 256
	// chunkLimit is how much encoded data a step may produce before it
	// stops and lets the bytes go to the file.
	chunkLimit = 1 << 20
)

// Job is a snapshot being written: the cut has been taken, and Run writes
// the image.
type Job struct {
	lock sync.Locker
	ks   *keyspace.Keyspace
	snap *keyspace.Snapshot
	enc  encoder
	out  io.Writer
	end  func() error // writes the trailer
	opts SaveOptions

	aborted bool // under lock: stop at the next step

	// CutTook is how long taking the cut held the lock (latest_fork_usec).
	CutTook time.Duration
	started time.Time
}

// StartSnapshot takes the cut of a point-in-time RDB image of ks that will
// be written to out, and writes the header. The caller holds lock (the
// server lock), which the job takes again for each step of Run.
func StartSnapshot(lock sync.Locker, ks *keyspace.Keyspace, out io.Writer, opts SaveOptions) *Job {
	t0 := time.Now()
	j := &Job{lock: lock, ks: ks, opts: opts, started: t0}
	e := rdb.NewEncoder(opts.Compression)
	sink := NewRDBSink(e)
	sink.KS = ks
	w := rdb.NewWriter(out, rdb.WriterOptions{NoCompression: !opts.Compression, NoChecksum: !opts.Checksum})
	e.Header()
	repl := opts.Repl
	if opts.AOFBase {
		repl = nil
	}
	e.StandardAux(rdb.RedisVersion, time.Now().Unix(), opts.UsedMem, repl, opts.AOFBase)
	for _, code := range opts.Functions {
		e.Function(code)
	}
	j.enc = rdbEncoder{e, sink}
	j.out = w
	j.end = w.End
	j.snap = ks.StartSnapshot(sink.Entry)
	sink.SetSizes(j.snap.DBs())
	j.CutTook = time.Since(t0)
	return j
}

// StartRESPSnapshot is StartSnapshot for the RESP form of an AOF base.
func StartRESPSnapshot(lock sync.Locker, ks *keyspace.Keyspace, out io.Writer, opts SaveOptions) *Job {
	t0 := time.Now()
	j := &Job{lock: lock, ks: ks, opts: opts, started: t0}
	sink := NewRESPSink()
	sink.Functions(opts.Functions)
	j.enc = sink
	j.out = out
	j.end = func() error { return nil }
	j.snap = ks.StartSnapshot(sink.Entry)
	j.CutTook = time.Since(t0)
	return j
}

// encoder is what a job needs from its sink. The job writes Bytes() out
// (outside the lock) and then Consumes them, so one buffer serves the whole
// snapshot: handing out a fresh chunk per step would leave megabytes of
// garbage per second, and the garbage collector's slack (up to the size of
// the live heap) would show up as memory growth during every snapshot.
type encoder interface {
	Size() int
	Bytes() []byte
	Consume(n int)
	Err() error
}

type rdbEncoder struct {
	e    *rdb.Encoder
	sink *RDBSink
}

func (r rdbEncoder) Size() int     { return r.e.Size() }
func (r rdbEncoder) Bytes() []byte { return r.e.Bytes() }
func (r rdbEncoder) Err() error    { return r.sink.Err() }

// Consume drops the first n bytes, keeping what was appended after them.
func (r rdbEncoder) Consume(n int) {
	rest := r.e.Bytes()[n:]
	r.e.Reset()
	r.e.Raw(rest)
}

// Yielder is a lock that can let the goroutines waiting for it go first.
// The server lock implements it (internal/server/lockwait.go): between two
// steps a background job calls Yield without the lock, so that clients
// waiting for it get their turn before the next step instead of the
// walker retaking the lock at once (see docs/ARCHITECTURE.md, "Snapshots
// under load").
type Yielder interface {
	Yield()
}

// yield lets waiting clients have the lock before the next step, when the
// lock knows about them.
func (j *Job) yield() {
	if y, ok := j.lock.(Yielder); ok {
		y.Yield()
	}
}

// Progress reports keys serialised and keys at the cut.
func (j *Job) Progress() (done, total int64) { return j.snap.Keys, j.snap.Total }

// ErrAborted is returned by Run after Abort.
var ErrAborted = errors.New("persist: snapshot aborted")

// Abort stops the job (FLUSHALL kills a running BGSAVE). Call under the
// lock; Run then returns ErrAborted.
func (j *Job) Abort() {
	j.aborted = true
	j.snap.End()
}

// Run writes the whole image. With background set it releases the lock
// between steps (BGSAVE); otherwise the caller holds the lock throughout
// (SAVE). It returns when the final byte (EOF and checksum) is written to
// the writer given to StartSnapshot.
func (j *Job) Run(background bool) error {
	lock := func() {
		if background {
			j.lock.Lock()
		}
	}
	unlock := func() {
		if background {
			j.lock.Unlock()
		}
	}
	var chunk []byte
	var seen int64
	var pace *pacer
	counter, _ := j.lock.(ActivityCounter)
	if background && counter != nil {
		pace = newPacer()
	}
	for {
		began := time.Now()
		lock()
		if pace != nil {
			pace.look(counter.Activity())
		}
		if chunk != nil {
			j.enc.Consume(len(chunk)) // written out last time round
			chunk = nil
		}
		if j.aborted {
			unlock()
			return ErrAborted
		}
		buckets := stepBuckets
		if j.opts.KeySaveDelay > 0 {
			buckets = 8 // slowed down for tests: interleave finely with writes
		}
		done := j.snap.Step(buckets, func() bool { return j.enc.Size() < chunkLimit })
		if done {
			j.snap.End()
		}
		chunk = j.enc.Bytes()
		err := j.enc.Err()
		// Keys serialised since the last step, by the walker or by writes
		// (a write serialises the bucket group it touches first): the
		// delay is per key of the save, wherever it was serialised.
		stepKeys := j.snap.Keys - seen // read under the lock: writers move it
		seen = j.snap.Keys
		unlock()
		if err != nil {
			if !done {
				lock()
				j.snap.End()
				unlock()
			}
			return err
		}
		if _, werr := j.out.Write(chunk); werr != nil {
			if !done {
				lock()
				j.snap.End()
				unlock()
			}
			return werr
		}
		if j.opts.KeySaveDelay > 0 {
			time.Sleep(time.Duration(stepKeys) * j.opts.KeySaveDelay)
		}
		if done {
			break
		}
		if pace != nil {
			pace.done(time.Since(began))
		}
		if background {
			j.yield()
		}
	}
	if err := j.end(); err != nil {
		return fmt.Errorf("persist: writing the trailer: %w", err)
	}
	return nil
}

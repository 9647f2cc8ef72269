package aof

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vestadb/vesta/internal/vfs"
)

// Policy is the appendfsync setting.
type Policy int32

// The fsync policies.
const (
	EverySec Policy = iota
	Always
	No
)

// maxRetained bounds the copy of written-but-unsynced bytes kept to recover
// from a failed fsync (see Writer). Past it, a failed fsync cannot be repaired
// from memory and the writer stays failed until the AOF is rewritten.
const maxRetained = 64 << 20

// Writer appends commands to the current incr file.
//
// Commands are appended to an in-memory buffer under the server lock
// ([Writer.Feed]); [Writer.Offset] tells how far the log reaches. A client
// that must not see its reply before its command is durable calls
// [Writer.Flush] with that offset after releasing the server lock:
//
//   - If someone else already wrote (and, for always, synced) past the
//     target, Flush returns at once. If another Flush holds the I/O lock,
//     it waits for that one to finish (all waiters are woken together, so
//     those it covered reply without queueing behind the next sync).
//   - Otherwise it takes the I/O lock and writes everything buffered so far and, under always,
//     fdatasyncs. Commands that were appended while the previous leader was
//     syncing all go out in this one write and one fdatasync: group commit.
//
// Under everysec a background goroutine fdatasyncs once a second, without
// holding the I/O lock, so writes continue meanwhile; under no the OS
// decides.
//
// Failures: a failed or short write is undone (the file is truncated back
// to its last good size) and the bytes stay buffered; a failed fdatasync
// cannot be trusted to be retried as is (the kernel may have dropped the
// dirty pages), so the file is truncated back to its last synced size and
// the retained copy of the unsynced bytes is written again. Until a retry
// succeeds, [Writer.Err] reports the error, every Flush fails, and the
// server refuses writes (MISCONF). [Writer.Retry] is called from the cron.
type Writer struct {
	fs vfs.FS

	// Guarded by mu (appends happen under the server lock, so mu is only
	// contended by the I/O path taking the buffer).
	mu       sync.Mutex
	buf      []byte
	spare    []byte
	appended int64 // logical offset reached by Feed
	// groupAt is where in buf the transaction being appended begins
	// (BeginGroup), -1 outside one; groupOff is appended at that point.
	groupAt  int
	groupOff int64
	lastDB   int
	tsOn     bool
	lastTS   int64

	// waitCh is closed (and replaced) each time the I/O lock is released,
	// waking the Flush calls that found it taken; guarded by waitMu.
	waitMu sync.Mutex
	waitCh chan struct{}

	// Guarded by ioMu. Release it with unlockIO, never ioMu.Unlock.
	ioMu     sync.Mutex
	f        vfs.File
	name     string
	size     int64  // bytes in the current file
	syncedSz int64  // size of the current file known to be synced
	retained []byte // written but not yet synced bytes, for fsync recovery
	tooBig   bool   // retained overflowed and was dropped
	lost     bool   // a failed sync could not be repaired from memory
	syncGen  uint64 // bumped by every completed sync or rewind

	policy    atomic.Int32
	noFsync   atomic.Bool  // no-appendfsync-on-rewrite while a rewrite runs
	written   atomic.Int64 // logical offset written to the kernel
	synced    atomic.Int64 // logical offset made durable
	errMu     sync.Mutex
	err       error        // last write error, nil when the last write succeeded
	syncErr   error        // last fsync error, nil once an fsync succeeded
	syncing   atomic.Int64 // unix nanos when the running background fsync began, 0 if none
	delayed   atomic.Int64 // aof_delayed_fsync
	lastFsync atomic.Int64
	// retainedCap is cap(retained) and inflightCap that of the buffer
	// being written, readable without ioMu (BufferAlloc).
	retainedCap atomic.Int64
	inflightCap atomic.Int64
	// OnSlowOp, if set, hears about fsyncs slower than a second.
	OnSlowOp func(op string, d time.Duration)
	// OnLatency, if set, hears how long each write and each fsync of the
	// always policy took, for the latency monitor: "aof-write" and
	// "aof-write-alone" (or "aof-write-pending-fsync" while a background
	// fsync runs), "aof-fsync-always".
	OnLatency func(event string, d time.Duration)
	stopBG    chan struct{}
	bgDone    chan struct{}
}

// NewWriter starts appending to f, an open incr file whose current size is
// size.
func NewWriter(fs vfs.FS, f vfs.File, name string, size int64, p Policy) *Writer {
	w := &Writer{fs: fs, f: f, name: name, size: size, syncedSz: size, lastDB: -1, groupAt: -1}
	w.policy.Store(int32(p))
	return w
}

// SetPolicy changes the fsync policy (CONFIG SET appendfsync).
func (w *Writer) SetPolicy(p Policy) { w.policy.Store(int32(p)) }

// SuspendFsync turns fsyncs off (and back on): no-appendfsync-on-rewrite
// while a background rewrite or save runs. Durability then degrades to
// "written to the kernel" for the duration, as in Redis.
func (w *Writer) SuspendFsync(on bool) { w.noFsync.Store(on) }

// Policy returns the current fsync policy.
func (w *Writer) Policy() Policy { return Policy(w.policy.Load()) }

// SetTimestamps turns #TS annotations on or off (aof-timestamp-enabled).
func (w *Writer) SetTimestamps(on bool) {
	w.mu.Lock()
	w.tsOn = on
	w.mu.Unlock()
}

// Feed appends one command executed in database db (-1: no SELECT needed,
// as for EXEC). Call under the server lock.
func (w *Writer) Feed(db int, args [][]byte, now time.Time) {
	w.mu.Lock()
	start := len(w.buf)
	if w.tsOn {
		if sec := now.Unix(); sec > w.lastTS {
			w.lastTS = sec
			w.buf = append(w.buf, "#TS:"...)
			w.buf = strconv.AppendInt(w.buf, sec, 10)
			w.buf = append(w.buf, '\r', '\n')
		}
	}
	if db >= 0 && db != w.lastDB {
		w.buf = append(w.buf, "*2\r\n$6\r\nSELECT\r\n$"...)
		d := strconv.AppendInt(nil, int64(db), 10)
		w.buf = strconv.AppendInt(w.buf, int64(len(d)), 10)
		w.buf = append(w.buf, '\r', '\n')
		w.buf = append(w.buf, d...)
		w.buf = append(w.buf, '\r', '\n')
		w.lastDB = db
	}
	w.buf = AppendCommand(w.buf, args)
	w.appended += int64(len(w.buf) - start)
	w.mu.Unlock()
}

// BeginGroup marks the start of a transaction being appended
// (stream.GroupConsumer): until EndGroup, a flush takes the buffer only up
// to here, so that no file ever holds part of a transaction that was not
// cut by a power loss in the middle of a write.
func (w *Writer) BeginGroup() {
	w.mu.Lock()
	w.groupAt, w.groupOff = len(w.buf), w.appended
	w.mu.Unlock()
}

// EndGroup marks the end of the transaction BeginGroup began.
func (w *Writer) EndGroup() {
	w.mu.Lock()
	w.groupAt = -1
	w.mu.Unlock()
}

// ResetDB forgets the last database written, so the next command starts
// with a SELECT (a new incr file must be self-contained).
func (w *Writer) ResetDB() {
	w.mu.Lock()
	w.lastDB = -1
	w.mu.Unlock()
}

// Offset is the logical offset reached by Feed.
func (w *Writer) Offset() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.appended
}

// BufferAlloc is the memory the writer's buffers hold, used or not: the
// appended bytes, the spare buffer and the copy of unsynced bytes (what
// maxmemory leaves out of account, as Redis leaves out its AOF buffer).
func (w *Writer) BufferAlloc() int {
	w.mu.Lock()
	n := cap(w.buf) + cap(w.spare)
	w.mu.Unlock()
	return n + int(w.retainedCap.Load()+w.inflightCap.Load())
}

// Buffered is the number of bytes appended but not yet written.
func (w *Writer) Buffered() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.buf)
}

// Written and Synced report progress as logical offsets.
func (w *Writer) Written() int64 { return w.written.Load() }
func (w *Writer) Synced() int64  { return w.synced.Load() }

// Size is the size of the current incr file.
func (w *Writer) Size() int64 {
	w.ioMu.Lock()
	defer w.unlockIO()
	return w.size
}

// DelayedFsyncs is aof_delayed_fsync.
func (w *Writer) DelayedFsyncs() int64 { return w.delayed.Load() }

// Err returns the error that makes the AOF unwritable, or nil. A failed
// write clears with the next successful write; a failed fdatasync only with
// the next successful one (Redis's aof_last_write_status and
// aof_bio_fsync_status).
func (w *Writer) Err() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	if w.err != nil {
		return w.err
	}
	return w.syncErr
}

func (w *Writer) setErr(err error) {
	w.errMu.Lock()
	w.err = err
	w.errMu.Unlock()
}

func (w *Writer) setSyncErr(err error) {
	w.errMu.Lock()
	w.syncErr = err
	w.errMu.Unlock()
}

// Flush makes the log durable up to target as the policy requires (written
// for everysec and no; fdatasynced for always). It returns nil when that is
// done and an error when it cannot be (the caller must not acknowledge).
func (w *Writer) Flush(target int64) error { return w.flush(target, true) }

// FlushBatched is Flush for a caller that has already gathered a batch of
// writes, the server's event loop after a pass: it leads the group without
// first yielding the processor to let other writers join. The yield would
// buy the loop nothing (its pass is the batch) and costs a scheduler round
// trip that wakes an idle thread: at -P 1 under everysec, three times
// redis-server's context switches.
func (w *Writer) FlushBatched(target int64) error { return w.flush(target, false) }

func (w *Writer) flush(target int64, yield bool) error {
	always := w.Policy() == Always && !w.noFsync.Load()
	for {
		if w.done(target, always) {
			return nil
		}
		if w.ioMu.TryLock() {
			return w.lead(target, always, yield)
		}
		// Someone else is writing or syncing. Take the wake-up channel
		// (allocated only now, under contention) and try the lock once
		// more: the holder may have let go before the channel existed,
		// and then nobody would close it.
		ch := w.waitChan()
		if w.ioMu.TryLock() {
			return w.lead(target, always, yield)
		}
		// Wait for the holder to finish, all waiters at once: those it
		// covered return without touching the lock, and one of the
		// others leads the next group.
		<-ch
	}
}

// lead flushes as the group's leader, holding ioMu, and releases it.
//
// Before taking the buffer it yields the processor once: the goroutines
// of other clients that are ready to run execute their batches, append to
// the buffer and queue behind ioMu, so that one write (and under always
// one fdatasync) covers them all, as Redis writes the AOF once per
// event-loop pass. With nothing else runnable the yield returns at once.
// Nobody's reply goes out before its bytes are written (and synced): the
// waiters are woken only by unlockIO, after the flush.
func (w *Writer) lead(target int64, always, yield bool) error {
	var err error
	if !w.done(target, always) {
		if yield {
			runtime.Gosched()
		}
		err = w.flushLocked(always)
	}
	w.unlockIO()
	return err
}

// unlockIO releases the I/O lock and wakes the Flush calls waiting for it.
func (w *Writer) unlockIO() {
	w.ioMu.Unlock()
	w.waitMu.Lock()
	if w.waitCh != nil {
		close(w.waitCh)
		w.waitCh = nil
	}
	w.waitMu.Unlock()
}

// waitChan returns the channel the next unlockIO closes.
func (w *Writer) waitChan() chan struct{} {
	w.waitMu.Lock()
	defer w.waitMu.Unlock()
	if w.waitCh == nil {
		w.waitCh = make(chan struct{})
	}
	return w.waitCh
}

func (w *Writer) done(target int64, always bool) bool {
	if always {
		return w.synced.Load() >= target
	}
	return w.written.Load() >= target
}

// flushLocked writes the buffer and, if sync, fdatasyncs. Holds ioMu.
func (w *Writer) flushLocked(sync bool) error {
	if w.lost {
		return w.Err()
	}
	w.mu.Lock()
	data := w.buf
	end := w.appended
	if w.groupAt >= 0 {
		// A transaction is being appended: it waits for the next flush.
		w.buf = append(w.spare[:0], data[w.groupAt:]...)
		data, end = data[:w.groupAt], w.groupOff
		w.groupAt = 0
	} else {
		w.buf = w.spare[:0]
	}
	w.spare = nil
	w.inflightCap.Store(int64(cap(data)))
	w.mu.Unlock()
	defer w.inflightCap.Store(0)

	if len(data) > 0 {
		start := time.Now()
		if err := w.writeAll(data); err != nil {
			w.requeue(data)
			return err
		}
		if w.OnLatency != nil {
			d := time.Since(start)
			w.OnLatency("aof-write", d)
			if w.syncing.Load() != 0 {
				w.OnLatency("aof-write-pending-fsync", d)
			} else {
				w.OnLatency("aof-write-alone", d)
			}
		}
		w.retain(data)
		w.written.Store(end)
		if p := w.Policy(); p == EverySec {
			if s := w.syncing.Load(); s != 0 && time.Since(time.Unix(0, s)) > 2*time.Second {
				w.delayed.Add(1)
			}
		}
	}
	if cap(data) <= 4<<20 {
		w.spare = data[:0]
	}
	if sync && w.synced.Load() < w.written.Load() {
		start := time.Now()
		err := w.syncLocked()
		if w.OnLatency != nil {
			w.OnLatency("aof-fsync-always", time.Since(start))
		}
		if err != nil {
			return err
		}
	}
	if !w.lost {
		w.setErr(nil) // a full write succeeded
	}
	return nil
}

// writeAll writes data at the end of the file, undoing a partial write.
func (w *Writer) writeAll(data []byte) error {
	n, err := w.f.Write(data)
	if err == nil && n < len(data) {
		err = fmt.Errorf("aof: short write of %d of %d bytes", n, len(data))
	}
	if err != nil {
		if n > 0 {
			// Cut the partial command off so the file ends on a boundary.
			if terr := w.truncate(w.size); terr != nil {
				err = errors.Join(err, fmt.Errorf("aof: truncating %s after a short write: %w", w.name, terr))
				w.lost = true
			}
		}
		w.setErr(err)
		return err
	}
	w.size += int64(n)
	return nil
}

// truncate cuts the file to size and moves the write position there (a file
// not opened with O_APPEND would otherwise keep writing past a hole).
func (w *Writer) truncate(size int64) error {
	if err := w.f.Truncate(size); err != nil {
		return err
	}
	_, err := w.f.Seek(size, io.SeekStart)
	return err
}

// requeue puts data back in front of what was appended meanwhile.
func (w *Writer) requeue(data []byte) {
	w.mu.Lock()
	w.buf = append(data, w.buf...)
	if w.groupAt >= 0 {
		w.groupAt += len(data)
	}
	w.mu.Unlock()
}

func (w *Writer) retain(data []byte) {
	if w.Policy() == No {
		return
	}
	if w.tooBig || len(w.retained)+len(data) > maxRetained {
		w.retained = nil
		w.tooBig = true
		w.retainedCap.Store(0)
		return
	}
	w.retained = append(w.retained, data...)
	w.retainedCap.Store(int64(cap(w.retained)))
}

// syncLocked fdatasyncs the file, holding ioMu (always, Close, Switch).
func (w *Writer) syncLocked() error {
	target, size := w.written.Load(), w.size
	start := time.Now()
	err := w.f.Sync()
	w.noteSlow(start)
	return w.syncDone(err, target, size, len(w.retained), w.syncGen)
}

// syncDone records the outcome of an fdatasync that covered the file up to
// size (logical offset target) when retained held rl bytes and the
// generation was gen. Holds ioMu.
//
// On success the covered bytes leave the retained copy. On failure the
// kernel may have dropped the dirty pages, so a retry of fsync proves
// nothing: the file is cut back to its last synced size and the retained
// bytes are queued to be written again. If another sync completed since gen
// (a foreground sync, or a file switch), this outcome is stale: a success
// only raises the synced offset, a failure is moot.
func (w *Writer) syncDone(err error, target, size int64, rl int, gen uint64) error {
	if gen != w.syncGen {
		if err == nil && target > w.synced.Load() {
			w.synced.Store(target)
		}
		return nil
	}
	w.syncGen++
	if err == nil {
		w.setSyncErr(nil)
		w.synced.Store(target)
		w.syncedSz = size
		if !w.tooBig {
			w.retained = append(w.retained[:0], w.retained[rl:]...)
		}
		w.lastFsync.Store(time.Now().UnixNano())
		return nil
	}
	err = fmt.Errorf("aof: fdatasync %s: %w", w.name, err)
	w.setSyncErr(err)
	if w.tooBig {
		w.lost = true
		return err
	}
	if terr := w.truncate(w.syncedSz); terr != nil {
		w.lost = true
		return errors.Join(err, terr)
	}
	w.size = w.syncedSz
	w.written.Store(w.synced.Load())
	pending := w.retained
	w.retained = nil
	w.retainedCap.Store(0)
	w.requeue(pending)
	return err
}

func (w *Writer) noteSlow(start time.Time) {
	if d := time.Since(start); d > time.Second && w.OnSlowOp != nil {
		w.OnSlowOp("fdatasync", d)
	}
}

// Retry attempts to write and sync what is pending after an error. It is
// called from the cron once a second.
func (w *Writer) Retry() error {
	w.ioMu.Lock()
	defer w.unlockIO()
	return w.flushLocked(w.Policy() != No)
}

// StartBackgroundSync starts the once-a-second fdatasync of everysec.
func (w *Writer) StartBackgroundSync() {
	w.stopBG = make(chan struct{})
	w.bgDone = make(chan struct{})
	go func() {
		defer close(w.bgDone)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-w.stopBG:
				return
			case <-t.C:
				w.backgroundSync()
			}
		}
	}()
}

// backgroundSync writes what is buffered (a second may pass without any
// client flushing, e.g. with only active expiry DELs) and fdatasyncs without
// holding the I/O lock, so writers are not held up by the sync.
func (w *Writer) backgroundSync() {
	if w.Policy() != EverySec || w.noFsync.Load() {
		return
	}
	w.ioMu.Lock()
	if w.Buffered() > 0 {
		_ = w.flushLocked(false)
	}
	f, target, size, rl, gen := w.f, w.written.Load(), w.size, len(w.retained), w.syncGen
	w.unlockIO()
	if w.synced.Load() >= target {
		return
	}
	start := time.Now()
	w.syncing.Store(start.UnixNano())
	err := f.Sync()
	w.syncing.Store(0)
	w.noteSlow(start)
	w.ioMu.Lock()
	_ = w.syncDone(err, target, size, rl, gen)
	w.unlockIO()
}

// Close writes and syncs everything pending, then closes the file.
func (w *Writer) Close() error {
	if w.stopBG != nil {
		close(w.stopBG)
		<-w.bgDone
		w.stopBG = nil
	}
	w.ioMu.Lock()
	defer w.unlockIO()
	err := w.flushLocked(w.Policy() != No)
	if err == nil {
		if serr := w.f.Sync(); serr != nil {
			err = serr
		}
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Sync writes and fdatasyncs everything appended so far, whatever the
// policy. A rewrite calls it under the server lock before it lists a new
// incr file in the manifest, so that a failure leaves the current file the
// last one listed.
func (w *Writer) Sync() error {
	w.ioMu.Lock()
	defer w.unlockIO()
	return w.flushLocked(true)
}

// Switch writes and syncs what is buffered to the current file and makes f
// the file further commands go to (a new incr file at a rewrite). It
// returns the old file, which the caller closes. The next command starts
// with a SELECT.
func (w *Writer) Switch(f vfs.File, name string, size int64) (vfs.File, error) {
	w.ioMu.Lock()
	defer w.unlockIO()
	if err := w.flushLocked(true); err != nil {
		return nil, err
	}
	old := w.f
	w.f, w.name, w.size, w.syncedSz = f, name, size, size
	w.retained = w.retained[:0]
	w.tooBig = false
	w.syncGen++
	w.mu.Lock()
	w.lastDB = -1
	w.mu.Unlock()
	return old, nil
}

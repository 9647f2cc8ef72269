package engine

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/persist"
)

// AOF rewrite without fork, following Redis 7.0's multi-part sequence:
//
//  1. Under the server lock, in one step: write and sync what the AOF
//     buffer holds, open a new incr file and persist a manifest that lists
//     it (from now on every write goes there), and take the snapshot cut.
//     The new incr file therefore holds exactly the writes after the cut.
//     (When AOF is being switched on, writes go to temp-F.incr instead.)
//     The sync comes first: if it fails, the rewrite stops before the
//     manifest changes, and the file the writer keeps appending to stays
//     the last one listed (TestRewriteFlushFailureKeepsLastIncr).
//  2. In the background, the snapshot writes the new base, as of the cut,
//     to temp-rewriteaof-bg-<pid>.aof in dir (an RDB with aof-base 1, or
//     RESP commands), and fsyncs it.
//  3. Under the lock: rename it into the AOF directory as the next base,
//     fsync both directories, then persist a manifest where the old base
//     and every incr but the last are history. Delete the history files.
//
// Crash reasoning: until the manifest of step 3 is durable, the manifest
// of step 1 names the old base, the old incr files and the new one, which
// together describe everything; a half-written temp file or a renamed but
// unlisted base is ignored. After it, the new base plus the last incr file
// describe everything, and leftover history files are only garbage.

// aofRewriteState tracks rewrites (under mu).
type aofRewriteState struct {
	scheduled    bool
	lastDuration time.Duration // -1 before the first
	failures     int           // consecutive
	lastFailure  time.Time
	tempIncr     string // temp-F.incr while AOF is being switched on
	switchingOn  bool   // WAIT_REWRITE
}

// rewriteTempName is where the base is written before it is installed.
func (e *Engine) rewriteTempName() string {
	return filepath.Join(e.cfg.Dir, fmt.Sprintf("temp-rewriteaof-bg-%d.aof", os.Getpid()))
}

// startRewrite starts a background AOF rewrite. Called under mu.
func (e *Engine) startRewrite() error {
	if e.rdb.bg != nil {
		return errors.New("a background job is running")
	}
	d := e.aof.dir
	if d == nil {
		var err error
		if d, _, err = e.aofDirFor(); err != nil {
			return err
		}
	}
	if err := e.fs.MkdirAll(d.Path(), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", d.Path(), err)
	}

	// Step 1: new incr file, then the cut, in the same lock hold.
	switch {
	case e.aof.w != nil:
		// Make what the current incr file should hold durable before the
		// manifest names a newer one: if that fails, the current file
		// stays the last one listed, where a torn tail is tolerated.
		if err := e.aof.w.Sync(); err != nil {
			return err
		}
		prev := d.M
		f, name, size, err := d.NewIncr()
		if err != nil {
			return err
		}
		old, err := e.aof.w.Switch(f, name, size)
		if err != nil {
			// Nothing was appended since Sync (we hold the lock), so this
			// is not expected; still, list the current file last again.
			f.Close()
			d.M = prev
			if perr := d.Persist(); perr != nil {
				e.log.Warn("Restoring the AOF manifest after a failed switch", "err", perr)
			}
			return err
		}
		if err := old.Close(); err != nil {
			e.log.Warn("Closing the previous AOF incr file", "err", err)
		}
	case e.cfg.AppendOnly && e.aof.rw.switchingOn:
		// AOF is being switched on: buffer writes into temp-F.incr.
		name := manifest.TempIncrName(e.cfg.AppendFilename)
		f, err := e.fs.Create(d.File(name))
		if err != nil {
			return err
		}
		w := aof.NewWriter(e.fs, f, name, 0, aofPolicy(e.cfg.AppendFsync))
		w.SetTimestamps(e.cfg.AOFTimestampEnabled)
		w.StartBackgroundSync()
		e.aof.w = w
		e.aof.rw.tempIncr = name
		e.stream.Attach(w)
	}
	e.aof.dir = d

	tmp := e.rewriteTempName()
	f, err := e.fs.Create(tmp)
	if err != nil {
		return err
	}
	var out io.Writer = f
	if e.cfg.AOFRewriteIncrementalFsync {
		out = &syncEvery{f: f, every: 4 << 20}
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	opts := e.saveOptions()
	opts.AOFBase = true
	rdbBase := e.cfg.AOFUseRDBPreamble
	var job *persist.Job
	if rdbBase {
		job = persist.StartSnapshot(e.mu, e.ks, bw, opts)
	} else {
		job = persist.StartRESPSnapshot(e.mu, e.ks, bw, opts)
	}
	bg := &bgJob{kind: "aof", job: job, start: time.Now(), dirty: e.ks.Dirty, offset: e.stream.Offset(), tmp: tmp}
	e.rdb.bg = bg
	e.rdb.latestCut = job.CutTook
	e.rdb.totalCuts++
	e.aof.rw.scheduled = false
	e.suspendFsyncIfConfigured()
	e.logJobStarted("Background append only file rewriting started", job.CutTook, bg.offset)

	go func() {
		defer e.crashOnPanic("background rewrite")
		// Step 2: the base, as of the cut.
		err := job.Run(true)
		if err == nil {
			err = bw.Flush()
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		e.rewriteDone(bg, rdbBase, err)
	}()
	return nil
}

// rewriteDone installs the new base (step 3) or records the failure.
// Called under mu.
func (e *Engine) rewriteDone(bg *bgJob, rdbBase bool, err error) {
	if e.rdb.bg == bg {
		e.rdb.bg = nil
	}
	e.resumeFsync()
	e.aof.rw.lastDuration = time.Since(bg.start)
	if bg.aborted && errors.Is(err, persist.ErrAborted) {
		// Stopped on purpose (a synchronous save, shutdown): not a
		// failure; a save scheduled it again.
		_ = e.fs.Remove(bg.tmp)
		e.log.Info("Background AOF rewrite terminated by request")
		e.startScheduledJobs()
		return
	}
	if err == nil {
		e.log.Info("Background AOF rewrite terminated with success")
		err = e.installBase(bg.tmp, rdbBase)
	} else {
		e.log.Warn("Background AOF rewrite terminated with error")
	}
	if err != nil {
		_ = e.fs.Remove(bg.tmp)
		e.aof.lastStatus = false
		e.aof.rw.failures++
		e.aof.rw.lastFailure = time.Now()
		e.log.Warn("Background AOF rewrite failed: " + err.Error())
		if e.aof.rw.switchingOn {
			// Try again later; writes keep going to temp-F.incr.
			e.aof.rw.scheduled = true
		}
	} else {
		e.aof.lastStatus = true
		e.aof.rw.failures = 0
		e.aof.rewrites++
		e.log.Info("Background AOF rewrite finished successfully")
	}
	e.startScheduledJobs()
}

// installBase renames the new base into place and switches the manifest
// (see aof.Dir.InstallBase).
func (e *Engine) installBase(tmp string, rdbBase bool) error {
	d := e.aof.dir
	keepLast := e.aof.w != nil && !e.aof.rw.switchingOn
	tempIncr := ""
	if e.aof.rw.switchingOn {
		// The writes buffered in temp-F.incr become the first incr file:
		// they must be in it first.
		w := e.aof.w
		if err := w.Flush(w.Offset()); err != nil {
			return err
		}
		tempIncr = e.aof.rw.tempIncr
	}
	base, err := d.InstallBase(tmp, rdbBase, keepLast, tempIncr)
	if err != nil {
		return err
	}
	if e.aof.rw.switchingOn {
		e.aof.rw.switchingOn = false
		e.aof.rw.tempIncr = ""
		e.log.Info("Append only file enabled: the first base was written")
	}
	if !e.cfg.AOFDisableAutoGC {
		if err := d.DeleteHistory(); err != nil {
			e.log.Warn("Deleting AOF history files", "err", err)
		}
	}
	st, err := e.fs.Stat(d.File(base))
	if err == nil {
		e.aof.baseSize = st.Size()
		if e.aof.w != nil {
			e.aof.baseSize += e.aof.w.Size()
		}
	}
	return nil
}

// suspendFsyncIfConfigured honours no-appendfsync-on-rewrite while a
// background job runs.
func (e *Engine) suspendFsyncIfConfigured() {
	if e.cfg.NoAppendfsyncOnRewrite && e.aof.w != nil {
		e.aof.w.SuspendFsync(true)
	}
}

func (e *Engine) resumeFsync() {
	if e.aof.w != nil {
		e.aof.w.SuspendFsync(false)
	}
}

// startScheduledJobs starts a rewrite or BGSAVE that waited for the
// previous background job. Called under mu.
func (e *Engine) startScheduledJobs() {
	if e.rdb.bg != nil {
		return
	}
	if e.aof.rw.scheduled && !e.rewriteLimited() {
		if err := e.startRewrite(); err != nil {
			e.log.Warn("Starting the scheduled AOF rewrite", "err", err)
		}
		return
	}
	if e.rdb.bgScheduled {
		e.rdb.bgScheduled = false
		if err := e.startBgsave(); err != nil {
			e.log.Warn("Scheduled background save failed to start", "err", err)
		}
	}
}

// rewriteLimited implements Redis's back-off for automatic rewrites: after
// three consecutive failures, wait 1, 2, 4 … up to 60 minutes.
func (e *Engine) rewriteLimited() bool {
	n := e.aof.rw.failures
	if n < 3 {
		return false
	}
	wait := time.Minute << min(n-3, 6)
	if wait > time.Hour {
		wait = time.Hour
	}
	return time.Since(e.aof.rw.lastFailure) < wait
}

// rewriteCron starts an automatic rewrite when the AOF grew enough, or a
// scheduled one. Called under mu.
func (e *Engine) rewriteCron() {
	if e.rdb.bg != nil || e.loading {
		return
	}
	if e.aof.rw.scheduled {
		e.startScheduledJobs()
		return
	}
	if e.aof.w == nil || e.cfg.AutoAOFRewritePercentage <= 0 || e.rewriteLimited() {
		return
	}
	cur := e.aofCurrentSize()
	base := max(e.aof.baseSize, 1)
	if cur > e.cfg.AutoAOFRewriteMinSize && (cur*100/base-100) >= int64(e.cfg.AutoAOFRewritePercentage) {
		e.log.Info(fmt.Sprintf("Starting automatic rewriting of AOF on %d%% growth", cur*100/base-100))
		if err := e.startRewrite(); err != nil {
			e.aof.rw.failures++
			e.aof.rw.lastFailure = time.Now()
			e.log.Warn("Can't start the automatic AOF rewrite", "err", err)
		}
	}
}

// BGRewriteAOF implements BGREWRITEAOF: it returns the status reply, or
// the error reply. inExec: called inside MULTI/EXEC, where the rewrite is
// only scheduled.
func (e *Engine) BGRewriteAOF(inExec bool) (string, error) {
	switch bg := e.rdb.bg; {
	case bg != nil && bg.kind == "aof":
		return "", errors.New("ERR Background append only file rewriting already in progress")
	case bg != nil || inExec:
		e.aof.rw.scheduled = true
		e.aof.rw.failures = 0
		return "Background append only file rewriting scheduled", nil
	}
	if err := e.startRewrite(); err != nil {
		e.log.Warn("Can't start the AOF rewrite", "err", err)
		return "", errors.New("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
	}
	return "Background append only file rewriting started", nil
}

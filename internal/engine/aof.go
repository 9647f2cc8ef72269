package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/persist"
)

// The append-only file: startup loading, the writer that consumes the
// propagation stream, durability waits before replies, turning AOF on and
// off at runtime.

// aofState holds the AOF's runtime state (under mu).
type aofState struct {
	dir *aof.Dir
	w   *aof.Writer

	baseSize   int64 // aof_base_size
	startSize  int64 // size of the files loaded at startup, before appending
	rewrites   int64
	lastStatus bool // aof_last_bgrewrite_status ok
	rw         aofRewriteState
}

func aofPolicy(p config.FsyncPolicy) aof.Policy {
	switch p {
	case config.FsyncAlways:
		return aof.Always
	case config.FsyncNo:
		return aof.No
	}
	return aof.EverySec
}

// aofDirFor opens the AOF directory of the current configuration.
func (e *Engine) aofDirFor() (*aof.Dir, bool, error) {
	return aof.Open(e.fs, e.cfg.Dir, e.cfg.AppendDirname, e.cfg.AppendFilename)
}

// loadAOF loads the AOF directory at startup (appendonly yes). Called
// under mu with e.loading set.
func (e *Engine) loadAOF() error {
	d, upgraded, err := e.aofDirFor()
	if err != nil {
		return err
	}
	if upgraded {
		e.log.Info("Successfully migrated an old-style AOF file into the AOF directory", "dir", d.Path())
	}
	e.aof.dir = d
	if !d.Exists() {
		return nil
	}
	plan, total, err := d.Plan()
	if err != nil {
		return err
	}
	e.aof.startSize = total
	if d.M.Base != nil {
		for _, p := range plan {
			if p.Type == 'b' {
				e.aof.baseSize = p.Size
			}
		}
	}
	if total == 0 {
		e.log.Info("The AOF is empty", "dir", d.Path())
		return nil
	}
	e.startLoading(total)
	ex := e.host.AOFExec()
	start := time.Now()
	res, err := persist.LoadAOF(d, plan, e.ks, ex, persist.AOFOptions{
		LoadTruncated: e.cfg.AOFLoadTruncated,
		RDB:           persist.LoadOptions{Now: time.Now().UnixMilli(), IgnoreChecksum: !e.cfg.RDBChecksum, Objects: e.host.Objects(), Function: e.functionLoader(false)},
		Progress:      e.loadingProgress,
		Warn:          func(msg string, args ...any) { e.log.Warn(msg, args...) },
		Info:          func(msg string) { e.log.Info(msg) },
	})
	if err != nil {
		return err
	}
	if res.BaseStats != nil {
		e.rdb.lastLoadKeys = res.BaseStats.Keys
		e.rdb.lastLoadExpired = res.BaseStats.Expired
	}
	if res.TruncatedAt >= 0 {
		// The cut file is smaller now.
		_, total, _ = d.Plan()
		e.aof.startSize = total
	}
	e.log.Info(fmt.Sprintf("DB loaded from append only file: %.3f seconds", time.Since(start).Seconds()))
	e.log.Debug(fmt.Sprintf("The AOF held %d commands and %d keys in its base", res.Commands, res.BaseKeys))
	return nil
}

// openAOF prepares the AOF for appending after the load (or when it was
// just switched on): create the empty base if there are no files, open the
// last incr file (or a new one), start the writer, drop history files.
func (e *Engine) openAOF() error {
	d := e.aof.dir
	if d == nil {
		var err error
		if d, _, err = e.aofDirFor(); err != nil {
			return err
		}
		e.aof.dir = d
	}
	if !d.Exists() {
		if err := e.writeAOFBase(d); err != nil {
			return err
		}
	}
	f, name, size, err := d.OpenIncr()
	if err != nil {
		return err
	}
	w := aof.NewWriter(e.fs, f, name, size, aofPolicy(e.cfg.AppendFsync))
	w.SetTimestamps(e.cfg.AOFTimestampEnabled)
	w.OnLatency = e.o.Latency
	w.OnSlowOp = func(op string, d time.Duration) {
		e.log.Warn("Slow AOF "+op+": the disk is busy, writes may be delayed", "duration", d)
	}
	w.StartBackgroundSync()
	e.aof.w = w
	e.stream.Attach(w)
	if err := d.DeleteHistory(); err != nil {
		e.log.Warn("Failed to delete AOF history files", "err", err)
	}
	if e.aof.baseSize == 0 {
		if p, _, err := d.Plan(); err == nil {
			for _, f := range p {
				if f.Type == 'b' {
					e.aof.baseSize = f.Size
				}
			}
		}
	}
	return nil
}

// writeAOFBase writes a base file holding the whole current dataset
// (synchronously, under mu): an RDB with aof-base 1, or RESP commands when
// aof-use-rdb-preamble is off.
func (e *Engine) writeAOFBase(d *aof.Dir) error {
	preamble := e.cfg.AOFUseRDBPreamble
	return d.CreateBase(preamble, func(w io.Writer) error {
		if !preamble {
			return persist.WriteRESP(w, e.ks, e.functionCodes())
		}
		job := persist.StartSnapshot(e.mu, e.ks, w, persist.SaveOptions{
			Compression: e.cfg.RDBCompression, Checksum: e.cfg.RDBChecksum, AOFBase: true,
			Functions: e.functionCodes(),
		})
		return job.Run(false)
	})
}

// stopAOF flushes, syncs and closes the AOF (CONFIG SET appendonly no,
// shutdown). Called under mu.
func (e *Engine) stopAOF() error {
	w := e.aof.w
	if w == nil {
		return nil
	}
	e.stream.Detach(w)
	e.aof.w = nil
	return w.Close()
}

// SetAppendOnly implements CONFIG SET appendonly. Turning it on starts a
// background rewrite that writes the first base from the live dataset;
// writes meanwhile go to temp-F.incr, which becomes the first incr file
// when the base is installed (Redis's WAIT_REWRITE state).
func (e *Engine) SetAppendOnly(on bool) error {
	if !on {
		if bg := e.rdb.bg; bg != nil && bg.kind == "aof" {
			bg.aborted = true
			bg.job.Abort()
		}
		if err := e.stopAOF(); err != nil {
			e.log.Warn("Closing the AOF", "err", err)
		}
		if e.aof.rw.switchingOn && e.aof.dir != nil && e.aof.rw.tempIncr != "" {
			_ = e.fs.Remove(e.aof.dir.File(e.aof.rw.tempIncr))
		}
		e.aof.rw.switchingOn = false
		e.aof.rw.scheduled = false
		e.aof.dir = nil
		return nil
	}
	if e.aof.w != nil || e.aof.rw.switchingOn {
		return nil
	}
	e.aof.rw.switchingOn = true
	if e.rdb.bg != nil {
		e.aof.rw.scheduled = true
		return nil
	}
	if err := e.startRewrite(); err != nil {
		e.aof.rw.switchingOn = false
		e.log.Warn("Can't start the AOF rewrite to switch AOF on", "err", err)
		return errors.New("Unable to turn on AOF. Check server logs.")
	}
	return nil
}

// DurabilityWait returns what the client must wait for, after releasing
// mu, before writing its replies: nothing without AOF, else the AOF being
// written (and under always, fsynced) up to everything appended so far.
// Reads wait too: they may show data whose command is not durable yet.
// Called under mu.
func (e *Engine) DurabilityWait() func() error {
	d := e.Durability()
	if d.w == nil {
		return noWait
	}
	return d.Wait
}

// Durability is DurabilityWait as a value, which costs no allocation (the
// connection loop calls it once per batch): what to wait for, or nothing
// (the zero value). Called under mu.
func (e *Engine) Durability() Durability {
	w := e.aof.w
	if w == nil {
		return Durability{}
	}
	target := w.Offset()
	if w.Written() >= target && (w.Policy() != aof.Always || w.Synced() >= target) {
		return Durability{}
	}
	return Durability{w, target}
}

// Durability is the AOF offset a batch's replies wait for (see
// [Engine.Durability]); the zero value waits for nothing.
type Durability struct {
	w      *aof.Writer
	target int64
}

// Wait blocks until the offset is written (and under always, fsynced), or
// returns the error that prevents it. Call without mu.
func (d Durability) Wait() error {
	if d.w == nil {
		return nil
	}
	return d.w.Flush(d.target)
}

// WaitBatched is Wait for the event loop, whose pass is already the batch
// the group commit would gather (aof.Writer.FlushBatched).
func (d Durability) WaitBatched() error {
	if d.w == nil {
		return nil
	}
	return d.w.FlushBatched(d.target)
}

func noWait() error { return nil }

// aofMisconf is the MISCONF error while the AOF cannot be written.
func (e *Engine) aofMisconf() string {
	if e.aof.w == nil {
		return ""
	}
	err := e.aof.w.Err()
	if err == nil {
		return ""
	}
	return "MISCONF Errors writing to the AOF file: " + Strerror(err)
}

// Strerror renders an error the way C's strerror would name its errno.
func Strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		msg := errno.Error()
		return strings.ToUpper(msg[:1]) + msg[1:]
	}
	return err.Error()
}

// aofCron retries a failed AOF write and makes sure buffered commands reach
// the file even when no client is waiting. Called from the cron without mu.
func (e *Engine) aofCron() {
	e.mu.Lock()
	w := e.aof.w
	e.mu.Unlock()
	if w == nil {
		return
	}
	if w.Err() != nil || w.Buffered() > 0 {
		failing := w.Err() != nil
		if err := w.Retry(); err == nil && w.Err() == nil {
			if failing {
				e.log.Warn("AOF write error looks solved, Redis can write again.")
			}
			return
		} else if err != nil {
			// Redis's words; writes get MISCONF until a retry succeeds.
			e.log.Warn("Error writing to the AOF file: " + Strerror(err))
		}
	}
}

// ReloadAOF implements DEBUG LOADAOF: flush the AOF, empty the dataset and
// load the AOF directory again. It returns the error reply, or nil for +OK.
// As in Redis, the process exits if the load fails: the dataset would be
// incomplete.
func (e *Engine) ReloadAOF() error {
	if e.aof.w == nil {
		return nil
	}
	w := e.aof.w
	target := w.Offset() // under mu: never inside a transaction being appended
	e.mu.Unlock()
	err := w.Flush(target)
	e.mu.Lock()
	if err != nil {
		return errors.New("ERR Error flushing the AOF: " + err.Error())
	}
	for _, db := range e.ks.DBs {
		db.Flush()
	}
	e.flushFunctions()
	if err := e.stopAOF(); err != nil {
		e.log.Warn("Closing the AOF", "err", err)
	}
	e.aof.dir = nil
	e.SetLoading(true)
	err = e.loadAOF()
	e.SetLoading(false)
	if err != nil {
		e.log.Error("Fatal error loading the AOF file after DEBUG LOADAOF; exiting", "err", err)
		os.Exit(1)
	}
	if err := e.openAOF(); err != nil {
		e.log.Error("Fatal error reopening the AOF after DEBUG LOADAOF; exiting", "err", err)
		os.Exit(1)
	}
	e.ks.Dirty = 0
	e.log.Info("Append Only File loaded by DEBUG LOADAOF")
	return nil
}

// SetFsyncPolicy applies CONFIG SET appendfsync.
func (e *Engine) SetFsyncPolicy(p config.FsyncPolicy) {
	if e.aof.w != nil {
		e.aof.w.SetPolicy(aofPolicy(p))
	}
}

// SetTimestamps applies CONFIG SET aof-timestamp-enabled.
func (e *Engine) SetTimestamps(on bool) {
	if e.aof.w != nil {
		e.aof.w.SetTimestamps(on)
	}
}

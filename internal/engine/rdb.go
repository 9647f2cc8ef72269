package engine

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/vfs"
)

// RDB snapshots: loading dump.rdb at startup, SAVE, the forkless BGSAVE,
// save points, and the saves FLUSHALL, SHUTDOWN and DEBUG RELOAD do.

// rdbState is the RDB runtime state (under mu).
type rdbState struct {
	saves           int64 // rdb_saves
	lastOK          bool  // rdb_last_bgsave_status
	lastTry         time.Time
	lastDuration    time.Duration // -1 before the first BGSAVE
	lastLoadKeys    int64
	lastLoadExpired int64
	latestCut       time.Duration // latest_fork_usec: how long the cut held the lock
	totalCuts       int64         // total_forks

	bg          *bgJob // the running background job (BGSAVE or rewrite), if any
	bgScheduled bool   // BGSAVE SCHEDULE waiting for the running job
}

// bgJob is a background snapshot being written.
type bgJob struct {
	kind    string // "rdb" or "aof"
	job     *persist.Job
	start   time.Time
	dirty   int64  // ks.Dirty at the cut
	offset  int64  // stream offset at the cut: the snapshot holds exactly the commands before it
	tmp     string // the rewrite's temporary base
	aborted bool

	// A BGSAVE for replication (repl.go): called when it ends, with the
	// file it wrote.
	replDone func(path string, err error)
	path     string
}

// saveOptions are the RDB options of the current configuration.
func (e *Engine) saveOptions() persist.SaveOptions {
	return persist.SaveOptions{
		Compression:  e.cfg.RDBCompression,
		Checksum:     e.cfg.RDBChecksum,
		KeySaveDelay: time.Duration(e.cfg.RDBKeySaveDelay) * time.Microsecond,
		Repl:         e.replInfo(),
		Functions:    e.functionCodes(),
	}
}

// replInfo is the replication position to record in a snapshot taken now.
func (e *Engine) replInfo() *persist.ReplInfo {
	if e.o.ReplInfo == nil {
		return nil
	}
	return e.o.ReplInfo()
}

func (e *Engine) rdbPath() string { return filepath.Join(e.cfg.Dir, e.cfg.DBFilename) }

// loadRDB loads dump.rdb at startup (appendonly no). A missing file is an
// empty dataset; anything else that fails stops the server. Called under
// mu with e.loading set.
func (e *Engine) loadRDB() error {
	path := e.rdbPath()
	f, err := e.fs.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	e.startLoading(st.Size())
	start := time.Now()
	res, err := persist.LoadRDB(bufio.NewReaderSize(f, 256<<10), e.ks, persist.LoadOptions{
		Size:           st.Size(),
		Now:            time.Now().UnixMilli(),
		IgnoreChecksum: !e.cfg.RDBChecksum,
		Progress:       e.loadingProgress,
		Objects:        e.host.Objects(),
		Function:       e.functionLoader(false),
	})
	if err != nil {
		return fmt.Errorf("loading %s: %w (check it with vesta-check-rdb)", path, err)
	}
	e.rdb.lastLoadKeys, e.rdb.lastLoadExpired = res.Keys, res.Expired
	if id, off, db, ok := replAux(res.Aux); ok && e.o.ReplRestore != nil {
		e.o.ReplRestore(persist.ReplInfo{ID: id, Offset: off, StreamDB: db})
	}
	if res.ChecksumDisabled {
		e.log.Info("RDB file was saved with checksum disabled: no check performed.")
	}
	if v := res.Aux["redis-ver"]; v != "" {
		e.log.Info("Loading RDB produced by version " + v)
	}
	e.log.Info(fmt.Sprintf("Done loading RDB, keys loaded: %d, keys expired: %d.", res.Keys, res.Expired))
	e.log.Info(fmt.Sprintf("DB loaded from disk: %.3f seconds", time.Since(start).Seconds()))
	return nil
}

// SaveSync writes dump.rdb synchronously: temp file, (incremental)
// fsync, rename, fsync the directory. Called under mu; clients wait, as
// with Redis's SAVE.
func (e *Engine) SaveSync() error {
	e.stopSnapshotForSave()
	start := time.Now()
	err := e.writeRDBFile(e.rdbPath(), func(w io.Writer) error {
		job := persist.StartSnapshot(e.mu, e.ks, w, e.saveOptions())
		return job.Run(false)
	})
	if err != nil {
		e.rdb.lastOK = false
		e.log.Warn("Failed saving the DB: " + err.Error())
		return err
	}
	e.ks.Dirty = 0
	e.lastSave = time.Now().Unix()
	e.rdb.lastOK = true
	e.log.Info("DB saved on disk")
	e.log.Debug(fmt.Sprintf("Synchronous save took %.3f seconds", time.Since(start).Seconds()))
	return nil
}

// stopSnapshotForSave stops a background job whose snapshot is still
// walking the keyspace (a rewrite, a BGSAVE, a transfer to replicas): one
// snapshot runs at a time, and SAVE, DEBUG RELOAD and FLUSHALL's save must
// not meet one (the keyspace refuses a second). A stopped rewrite is
// scheduled again; replicas of a stopped transfer reconnect and sync
// again. Called under mu.
func (e *Engine) stopSnapshotForSave() {
	bg := e.rdb.bg
	if bg == nil || bg.aborted || e.ks.Running() == nil {
		return
	}
	bg.aborted = true
	bg.job.Abort()
	if bg.kind == "aof" {
		e.aof.rw.scheduled = true
		e.log.Info("Background AOF rewrite stopped by a synchronous save; it will run again")
	} else {
		e.log.Info("Background saving stopped by a synchronous save")
	}
}

// writeRDBFile writes path atomically through a temp file in the same
// directory, fsyncing every 4 MiB when rdb-save-incremental-fsync is on.
func (e *Engine) writeRDBFile(path string, write func(w io.Writer) error) error {
	tmp := fmt.Sprintf("temp-%d.rdb", os.Getpid())
	incremental := e.cfg.RDBSaveIncrementalFsync
	return vfs.WriteFileAtomicFunc(e.fs, path, tmp, func(w io.Writer) error {
		if incremental {
			if f, ok := w.(vfs.File); ok {
				w = &syncEvery{f: f, every: 4 << 20}
			}
		}
		bw := bufio.NewWriterSize(w, 256<<10)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// syncEvery fsyncs its file every so many bytes, so the final fsync of a
// big file does not stall the disk for long.
type syncEvery struct {
	f       vfs.File
	every   int64
	pending int64
}

func (w *syncEvery) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.pending += int64(n)
	if err == nil && w.pending >= w.every {
		w.pending = 0
		err = w.f.Sync()
	}
	return n, err
}

// bgsaveMisconf is the MISCONF error when stop-writes-on-bgsave-error
// refuses writes.
func (e *Engine) bgsaveMisconf() string {
	if !e.cfg.StopWritesOnBgsaveError || len(e.cfg.Save) == 0 || e.rdb.lastOK {
		return ""
	}
	return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
		"Commands that may modify the data set are disabled, because this instance is configured to report errors " +
		"during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs " +
		"for details about the RDB error."
}

// startBgsave starts a forkless background save. Called under mu.
func (e *Engine) startBgsave() error {
	if e.rdb.bg != nil {
		return errors.New("a background job is running")
	}
	af, err := vfs.CreateAtomic(e.fs, e.rdbPath(), fmt.Sprintf("temp-bg-%d.rdb", os.Getpid()))
	if err != nil {
		e.rdb.lastOK = false
		e.rdb.lastTry = time.Now()
		if cause := errors.Unwrap(err); cause != nil {
			err = cause // the reply names the failing call, as before
		}
		return err
	}
	var out io.Writer = af.File()
	if e.cfg.RDBSaveIncrementalFsync {
		out = &syncEvery{f: af.File(), every: 4 << 20}
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	job := persist.StartSnapshot(e.mu, e.ks, bw, e.saveOptions())
	bg := &bgJob{kind: "rdb", job: job, start: time.Now(), dirty: e.ks.Dirty, offset: e.stream.Offset()}
	e.rdb.bg = bg
	e.rdb.saves++
	e.rdb.lastTry = time.Now()
	e.rdb.latestCut = job.CutTook
	e.rdb.totalCuts++
	e.suspendFsyncIfConfigured()
	e.logJobStarted("Background saving started", job.CutTook, bg.offset)
	go func() {
		defer e.crashOnPanic("background save")
		// Write, then the rest of the atomic-file ritual: fsync, close,
		// rename over dump.rdb, fsync the directory.
		err := job.Run(true)
		if err == nil {
			err = bw.Flush()
		}
		if err == nil {
			err = af.Commit()
		} else {
			af.Abort()
		}
		e.mu.Lock()
		e.bgsaveDone(bg, err)
		e.mu.Unlock()
	}()
	return nil
}

// bgsaveDone records the outcome of a BGSAVE. Called under mu.
func (e *Engine) bgsaveDone(bg *bgJob, err error) {
	if e.rdb.bg == bg {
		e.rdb.bg = nil
	}
	e.resumeFsync()
	e.rdb.lastDuration = time.Since(bg.start)
	switch {
	case bg.aborted || errors.Is(err, persist.ErrAborted):
		// Killed on purpose (FLUSHALL): not an error, like SIGUSR1.
		e.log.Info("Background saving terminated by request")
	case err != nil:
		e.rdb.lastOK = false
		e.log.Warn("Write error saving DB on disk: " + err.Error())
		e.log.Warn("Background saving error")
	default:
		e.ks.Dirty -= bg.dirty
		e.lastSave = time.Now().Unix()
		e.rdb.lastOK = true
		// Redis's child says the first line, the parent the second.
		e.log.Info("DB saved on disk")
		e.log.Info("Background saving terminated with success")
	}
	if bg.replDone != nil {
		if err == nil && bg.aborted {
			err = persist.ErrAborted
		}
		bg.replDone(bg.path, err)
	}
	e.startScheduledJobs()
}

// KillBgsave stops a running BGSAVE (FLUSHALL). Called under mu.
func (e *Engine) KillBgsave() {
	if bg := e.rdb.bg; bg != nil && bg.kind == "rdb" {
		bg.aborted = true
		bg.job.Abort()
	}
}

// saveCron starts a BGSAVE when a save point is reached (Redis's rule: at
// least changes writes, more than seconds since the last save, and the last
// attempt succeeded or was more than 5 s ago). Called under mu.
func (e *Engine) saveCron() {
	if e.rdb.bg != nil || e.loading {
		return
	}
	now := time.Now()
	for _, sp := range e.cfg.Save {
		if e.ks.Dirty >= int64(sp.Changes) && now.Unix()-e.lastSave > sp.Seconds &&
			(e.rdb.lastOK || now.Sub(e.rdb.lastTry) > 5*time.Second) {
			e.log.Info(fmt.Sprintf("%d changes in %d seconds. Saving...", sp.Changes, sp.Seconds))
			if err := e.startBgsave(); err != nil {
				e.log.Warn("Can't start the background save", "err", err)
			}
			return
		}
	}
}

// Save implements SAVE: it returns the error reply, or nil for +OK.
func (e *Engine) Save() error {
	if bg := e.rdb.bg; bg != nil && bg.kind == "rdb" {
		return errors.New("ERR Background save already in progress")
	}
	e.rdb.saves++
	if err := e.SaveSync(); err != nil {
		return errors.New("ERR")
	}
	return nil
}

// BGSave implements BGSAVE [SCHEDULE]: it returns the status reply, or the
// error reply. inExec: called inside MULTI/EXEC, where the save is only
// scheduled.
func (e *Engine) BGSave(schedule, inExec bool) (string, error) {
	switch bg := e.rdb.bg; {
	case bg != nil && bg.kind == "rdb":
		return "", errors.New("ERR Background save already in progress")
	case bg != nil || inExec:
		if schedule || inExec {
			e.rdb.bgScheduled = true
			return "Background saving scheduled", nil
		}
		return "", errors.New("ERR Another child process is active (AOF?): can't BGSAVE right now. " +
			"Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
	}
	if err := e.startBgsave(); err != nil {
		return "", errors.New("ERR " + err.Error())
	}
	return "Background saving started", nil
}

// LastSave is the unix time of the last successful save (LASTSAVE).
func (e *Engine) LastSave() int64 { return e.lastSave }

// ReloadRDB implements DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save
// dump.rdb, empty the dataset, load dump.rdb back. It returns the error
// reply, or nil for +OK.
func (e *Engine) ReloadRDB(merge, noflush, nosave bool) error {
	if !nosave {
		if err := e.SaveSync(); err != nil {
			return errors.New("ERR Error trying to save the RDB: " + err.Error())
		}
	}
	if !noflush {
		for _, db := range e.ks.DBs {
			db.Flush()
		}
		e.flushFunctions()
	}
	f, err := e.fs.Open(e.rdbPath())
	if err == nil {
		defer f.Close()
		st, _ := f.Stat()
		_, err = persist.LoadRDB(bufio.NewReader(f), e.ks, persist.LoadOptions{
			Size: st.Size(), Now: time.Now().UnixMilli(), Merge: merge,
			IgnoreChecksum: !e.cfg.RDBChecksum, Objects: e.host.Objects(),
			Function: e.functionLoader(merge),
		})
	}
	if err != nil {
		e.log.Warn("DEBUG RELOAD failed to load the RDB", "err", err)
		return errors.New("ERR Error trying to load the RDB dump, check server logs.")
	}
	e.log.Info("DB reloaded by DEBUG RELOAD")
	return nil
}

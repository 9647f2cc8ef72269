package engine

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/persist"
)

// Snapshots for replication (package repl): a full synchronisation is fed
// by a snapshot whose cut is at a known stream offset, written either to
// dump.rdb (a BGSAVE, as Redis's disk-based sync) or straight to the
// replicas' sockets (diskless). Both occupy the one background job slot:
// BGSAVE and BGREWRITEAOF wait for them, INFO shows rdb_bgsave_in_progress,
// and FLUSHALL aborts them, as with Redis's RDB child.

// replAux reads the replication position of an RDB's AUX fields, as
// Redis's rdbLoad fills rdbSaveInfo: all three present, a 40-character id.
func replAux(aux map[string]string) (id string, off, db int64, ok bool) {
	id, okID := aux["repl-id"]
	offS, okOff := aux["repl-offset"]
	dbS, okDB := aux["repl-stream-db"]
	if !okID || !okOff || !okDB || len(id) != 40 {
		return "", 0, 0, false
	}
	off, err1 := strconv.ParseInt(offS, 10, 64)
	db, err2 := strconv.ParseInt(dbS, 10, 64)
	if err1 != nil || err2 != nil || off < 0 {
		return "", 0, 0, false
	}
	return id, off, db, true
}

var errJobRunning = errors.New("a background job is running")

// SaveForReplication starts a BGSAVE whose file feeds replicas and returns
// the stream offset of its cut. done runs under mu when the save ended:
// with dump.rdb's path once it is committed, or the error. Called under mu.
func (e *Engine) SaveForReplication(done func(path string, err error)) (int64, error) {
	if e.rdb.bg != nil {
		return 0, errJobRunning
	}
	if err := e.startBgsave(); err != nil {
		return 0, err
	}
	bg := e.rdb.bg
	bg.replDone = done
	bg.path = e.rdbPath()
	return bg.offset, nil
}

// StreamForReplication starts a snapshot written to w without touching the
// disk and returns the stream offset of its cut. The image is written
// from a background goroutine without the lock (w may block on slow
// sockets without stopping clients); finish runs without the lock once the
// whole image is written or the job failed. Called under mu.
func (e *Engine) StreamForReplication(w io.Writer, finish func(err error)) (int64, error) {
	if e.rdb.bg != nil {
		return 0, errJobRunning
	}
	job := persist.StartSnapshot(e.mu, e.ks, w, e.saveOptions())
	bg := &bgJob{kind: "rdb", job: job, start: time.Now(), dirty: e.ks.Dirty, offset: e.stream.Offset()}
	e.rdb.bg = bg
	e.rdb.latestCut = job.CutTook
	e.rdb.totalCuts++
	e.log.Info("Background RDB transfer started", "cut_usec", job.CutTook.Microseconds(), "cut_offset", bg.offset)
	go func() {
		defer e.crashOnPanic("replication transfer")
		err := job.Run(true)
		if bg.aborted && err == nil {
			err = persist.ErrAborted
		}
		e.mu.Lock()
		if e.rdb.bg == bg {
			e.rdb.bg = nil
		}
		if err != nil {
			e.log.Warn("Background RDB transfer error", "err", err)
		} else {
			e.log.Info("Background RDB transfer terminated with success")
		}
		e.startScheduledJobs()
		e.mu.Unlock()
		finish(err)
	}()
	return bg.offset, nil
}

// The replica side: the dataset a master sends replaces the replica's.

// stopJobsForSync stops the background snapshot or rewrite before the
// dataset is replaced, as Redis kills its child before loading a master's
// RDB. Under mu.
func (e *Engine) stopJobsForSync() {
	if bg := e.rdb.bg; bg != nil {
		bg.aborted = true
		bg.job.Abort()
	}
}

// LoadReplicaRDB empties the dataset and loads the RDB image a master sent
// (r, size bytes, 0 if unknown), every key whether expired or not, as
// Redis's readSyncBulkPayload does: clients get -LOADING meanwhile, the
// lock being released every so often, and INFO shows the progress. A
// failure leaves the dataset empty. Under mu.
func (e *Engine) LoadReplicaRDB(r io.Reader, size int64) (persist.LoadStats, error) {
	e.stopJobsForSync()
	for _, db := range e.ks.DBs {
		db.Flush()
	}
	e.flushFunctions()
	e.loading, e.ks.Loading = true, true
	e.startLoading(size)
	res, err := persist.LoadRDB(r, e.ks, persist.LoadOptions{
		Size: size, KeepExpired: true, Now: time.Now().UnixMilli(),
		IgnoreChecksum: !e.cfg.RDBChecksum, Progress: e.loadingProgress, Objects: e.host.Objects(),
		Function: e.functionLoader(false),
	})
	e.loading, e.ks.Loading = false, false
	if err != nil {
		for _, db := range e.ks.DBs {
			db.Flush()
		}
		e.flushFunctions()
		return res, err
	}
	e.ks.Dirty++
	return res, nil
}

// LoadReplicaRDBAside loads an RDB image into a new keyspace of the same
// shape, without the lock: the server keeps serving the old dataset
// (repl-diskless-load swapdb). The function libraries' sources are
// collected, for InstallDataset. Called WITHOUT mu; objects are built with
// the loader the host gives (its limits are read-only meanwhile).
func (e *Engine) LoadReplicaRDBAside(r io.Reader, size int64, objects persist.ObjectLoader, ignoreChecksum bool) (*Aside, persist.LoadStats, error) {
	a := &Aside{ks: keyspace.New(len(e.ks.DBs))}
	a.ks.Loading = true
	res, err := persist.LoadRDB(r, a.ks, persist.LoadOptions{
		Size: size, KeepExpired: true, Now: time.Now().UnixMilli(),
		IgnoreChecksum: ignoreChecksum, Objects: objects,
		Function: func(code string) error { a.functions = append(a.functions, code); return nil },
	})
	return a, res, err
}

// Aside is a dataset loaded beside the live one (LoadReplicaRDBAside).
type Aside struct {
	ks        *keyspace.Keyspace
	functions []string
}

// InstallDataset replaces the dataset (databases and function libraries)
// with one LoadReplicaRDBAside loaded. The libraries are loaded first: if
// one fails, the databases are left as they were and the error returned.
// Under mu.
func (e *Engine) InstallDataset(a *Aside) error {
	e.stopJobsForSync()
	e.flushFunctions()
	if len(a.functions) > 0 && e.o.Functions == nil {
		return persist.ErrFunctions
	}
	for _, code := range a.functions {
		if err := e.o.Functions.LoadFunction(code, false); err != nil {
			e.flushFunctions()
			return fmt.Errorf("loading a function library of the master: %w", err)
		}
	}
	for i, db := range e.ks.DBs {
		db.Flush()
		db.Dict = a.ks.DBs[i].Dict
	}
	e.ks.Dirty++
	return nil
}

// RestartAOFAfterSync rewrites the AOF from the dataset a master sent, when
// it is on (Redis's restartAOFAfterSYNC): the incremental files of the old
// dataset mean nothing for the new one. Under mu.
func (e *Engine) RestartAOFAfterSync() {
	if !e.cfg.AppendOnly {
		return
	}
	if err := e.SetAppendOnly(false); err != nil {
		e.log.Warn("Stopping the AOF after a full sync", "err", err)
	}
	if err := e.SetAppendOnly(true); err != nil {
		e.log.Warn("Failed restarting the AOF after a full sync, the AOF is off until it can be rewritten", "err", err)
	}
}

// Package engine is the persistence wing of the server: it owns the AOF
// directory and its writer, the RDB file, the background job behind SAVE,
// BGSAVE and BGREWRITEAOF, save points, automatic rewrites, loading the
// dataset at startup, and the fields of INFO persistence.
//
// The server keeps connections and command execution and talks to the
// engine through a few calls, all made under the server lock unless said
// otherwise:
//
//   - Load at startup, Close at shutdown (and Shutdown before it);
//   - the propagation stream (package stream), to which the engine attaches
//     the AOF writer as a consumer: every write a command propagates reaches
//     the AOF buffer through it;
//   - DurabilityWait after a batch of commands: what the batch's clients
//     wait for, after releasing the lock, before their replies go out
//     (written, and under appendfsync always fsynced, up to the end of the
//     batch's commands in the AOF);
//   - WriteRefusal before a write command (MISCONF);
//   - Cron on every tick under the lock (save points, automatic rewrite,
//     scheduled jobs) and SecondCron once a second without it (AOF retry);
//   - Info for INFO persistence; the commands' handlers (Save, BGSave,
//     BGRewriteAOF, LastSave, SetAppendOnly, DEBUG RELOAD/LOADAOF).
//
// Where each step lives: loading in load.go (RDB in rdb.go, AOF in aof.go,
// both through package persist); BGSAVE and SAVE in rdb.go; the rewrite in
// rewrite.go (its crash reasoning is at the top of that file); the AOF
// writer's write and fsync in package aof (writer.go), the directory and
// manifest changes in aof/dir.go.
package engine

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/stream"
	"github.com/vestadb/vesta/internal/vfs"
)

// Host is what the engine needs from the server to load files: a way to
// execute the commands of an AOF, and the decoders of collection values
// (which depend on the configured encodings' limits).
type Host interface {
	AOFExec() persist.Executor
	Objects() persist.ObjectLoader
	// Crashed is called with the value of a panic recovered in one of the
	// engine's background goroutines; it does not return (the server
	// writes its crash report and exits, docs/ARCHITECTURE.md "Crashes").
	Crashed(where string, r any)
}

// Options configure an engine.
type Options struct {
	Mu     sync.Locker // the server lock: snapshots cut under it, loaders yield it
	KS     *keyspace.Keyspace
	Config *config.Config // read under Mu
	FS     vfs.FS
	Log    *slog.Logger
	Stream *stream.Stream // the propagation stream the AOF consumes
	Host   Host
	// ReplInfo, if set, gives the replication id and offset an RDB records
	// at its cut (nil: none); ReplRestore receives them from the dump.rdb
	// loaded at startup. Both under Mu.
	ReplInfo    func() *persist.ReplInfo
	ReplRestore func(info persist.ReplInfo)
	// Functions, if set, is the server's store of function libraries,
	// which snapshots save and loads restore (functions.go).
	Functions Functions
	// Latency, if set, receives the AOF's latency events (aof.Writer's
	// OnLatency); it may be called from any goroutine.
	Latency func(event string, d time.Duration)
}

// Engine is the persistence engine of one server.
type Engine struct {
	mu     sync.Locker
	ks     *keyspace.Keyspace
	cfg    *config.Config
	fs     vfs.FS
	log    *slog.Logger
	stream *stream.Stream
	host   Host
	o      Options

	loading  bool // the dataset is being loaded: commands get -LOADING
	load     loadingState
	lastSave int64 // unix seconds
	aof      aofState
	rdb      rdbState
}

// crashOnPanic, deferred first in a background goroutine, hands a panic to
// the host's crash report.
func (e *Engine) crashOnPanic(where string) {
	if r := recover(); r != nil {
		e.host.Crashed(where, r)
	}
}

// New returns an engine with nothing loaded and no AOF open.
func New(o Options) *Engine {
	e := &Engine{mu: o.Mu, ks: o.KS, cfg: o.Config, fs: o.FS, log: o.Log, stream: o.Stream, host: o.Host, o: o}
	if e.fs == nil {
		e.fs = vfs.Default
	}
	e.rdb.lastOK = true
	e.rdb.lastDuration = -1
	e.aof.lastStatus = true
	e.aof.rw.lastDuration = -1
	e.lastSave = time.Now().Unix()
	return e
}

// SetFS replaces the file system (tests, before Load).
func (e *Engine) SetFS(fs vfs.FS) { e.fs = fs }

// Loading reports whether the dataset is being loaded (or failed to load:
// the server then stays loading until it exits).
func (e *Engine) Loading() bool { return e.loading }

// SetLoading marks the dataset as being loaded, or no longer (tests that
// feed a loader themselves).
func (e *Engine) SetLoading(on bool) { e.loading, e.ks.Loading = on, on }

// AOFOn reports whether commands are being appended to an AOF.
func (e *Engine) AOFOn() bool { return e.aof.w != nil }

// Busy reports whether a background job runs or waits to run.
func (e *Engine) Busy() bool { return e.rdb.bg != nil || e.aof.rw.scheduled }

// Close flushes, syncs and closes the AOF (shutdown), and then records the
// replication position the AOF's content corresponds to (aofrepl.go).
func (e *Engine) Close() error {
	w, d := e.aof.w, e.aof.dir
	clean := w != nil && w.Err() == nil
	err := e.stopAOF()
	if err == nil && clean && w.Err() == nil && w.Written() == w.Offset() {
		e.recordAOFReplPos(d)
	}
	return err
}

// Cron is the engine's share of every server tick, under the lock: save
// points, automatic rewrites and scheduled jobs.
func (e *Engine) Cron() {
	e.saveCron()
	e.rewriteCron()
}

// SecondCron runs once a second without the server lock: it retries a
// failed AOF write and pushes buffered commands to the file.
func (e *Engine) SecondCron() { e.aofCron() }

// WriteRefusal is the MISCONF error that refuses write commands while the
// AOF cannot be written or (with stop-writes-on-bgsave-error) the last
// BGSAVE failed; "" when writes are allowed.
func (e *Engine) WriteRefusal() string {
	if msg := e.aofMisconf(); msg != "" {
		return msg
	}
	return e.bgsaveMisconf()
}

// ForkStats are INFO stats' latest_fork_usec (how long the last snapshot
// cut held the lock) and total_forks (the cuts taken).
func (e *Engine) ForkStats() (time.Duration, int64) { return e.rdb.latestCut, e.rdb.totalCuts }

// Shutdown makes the dataset durable as configured before exiting: stop a
// running background job, flush and fsync the AOF, and save dump.rdb when
// save is set. Without force a failure cancels the shutdown. It releases
// the lock while the AOF is flushed.
func (e *Engine) Shutdown(save, force bool) error {
	if e.aof.rw.switchingOn && !force {
		e.log.Warn("Writing the initial AOF, can't exit.")
		return errors.New("the AOF is being switched on")
	}
	e.KillBgsave()
	if bg := e.rdb.bg; bg != nil && bg.kind == "aof" {
		bg.aborted = true
		bg.job.Abort()
		_ = e.fs.Remove(bg.tmp)
	}
	if w := e.aof.w; w != nil {
		e.log.Info("Calling fsync() on the AOF file.")
		target := w.Offset() // under mu: never inside a transaction being appended
		e.mu.Unlock()
		err := w.Flush(target)
		if err == nil && w.Policy() != aof.Always {
			err = w.Retry()
		}
		e.mu.Lock()
		if err != nil {
			// Redis logs this and exits anyway: what was acknowledged is
			// already as durable as the policy promised.
			e.log.Warn("Fail to fsync the AOF file: " + Strerror(err))
		}
	}
	if save {
		e.log.Info("Saving the final RDB snapshot before exiting.")
		if err := e.SaveSync(); err != nil && !force {
			e.log.Warn("Error trying to save the DB, can't exit.")
			return err
		}
	}
	return nil
}

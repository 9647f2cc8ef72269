package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/vfs"
)

// RDB snapshots, server side: loading dump.rdb at startup, SAVE, the
// forkless BGSAVE, save points, and the saves FLUSHALL, SHUTDOWN and DEBUG
// RELOAD do.

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
	dirty   int64 // ks.Dirty at the cut
	tmp     string
	aborted bool
}

// saveOptions are the RDB options of the current configuration.
func (s *Server) saveOptions() persist.SaveOptions {
	return persist.SaveOptions{
		Compression:  s.cfg.RDBCompression,
		Checksum:     s.cfg.RDBChecksum,
		KeySaveDelay: time.Duration(s.cfg.RDBKeySaveDelay) * time.Microsecond,
	}
}

func (s *Server) rdbPath() string { return filepath.Join(s.cfg.Dir, s.cfg.DBFilename) }

// loadRDB loads dump.rdb at startup (appendonly no). A missing file is an
// empty dataset; anything else that fails stops the server. Called under
// mu with s.loading set.
func (s *Server) loadRDB() error {
	path := s.rdbPath()
	f, err := s.fs.Open(path)
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
	s.startLoading(st.Size())
	start := time.Now()
	res, err := persist.LoadRDB(bufio.NewReaderSize(f, 256<<10), s.ks, persist.LoadOptions{
		Size:           st.Size(),
		Now:            time.Now().UnixMilli(),
		IgnoreChecksum: !s.cfg.RDBChecksum,
		Progress:       s.loadingProgress,
		Objects:        s.objectLoader(),
	})
	if err != nil {
		return fmt.Errorf("loading %s: %w (check it with vesta-check-rdb)", path, err)
	}
	s.rdb.lastLoadKeys, s.rdb.lastLoadExpired = res.Keys, res.Expired
	if res.ChecksumDisabled {
		s.log.Info("RDB file was saved with checksum disabled: no check performed.")
	}
	s.log.Info("DB loaded from disk", "seconds", fmt.Sprintf("%.3f", time.Since(start).Seconds()),
		"keys", res.Keys, "expired", res.Expired, "redis_ver", res.Aux["redis-ver"])
	return nil
}

// rdbSaveSync writes dump.rdb synchronously: temp file, (incremental)
// fsync, rename, fsync the directory. Called under mu; clients wait, as
// with Redis's SAVE.
func (s *Server) rdbSaveSync() error {
	start := time.Now()
	err := s.writeRDBFile(s.rdbPath(), func(w io.Writer) error {
		job := persist.StartSnapshot(&s.mu, s.ks, w, s.saveOptions())
		return job.Run(false)
	})
	if err != nil {
		s.rdb.lastOK = false
		s.log.Warn("Failed saving the DB", "err", err)
		return err
	}
	s.ks.Dirty = 0
	s.lastSave = time.Now().Unix()
	s.rdb.lastOK = true
	s.log.Info("DB saved on disk", "seconds", fmt.Sprintf("%.3f", time.Since(start).Seconds()))
	return nil
}

// writeRDBFile writes path atomically through a temp file in the same
// directory, fsyncing every 4 MiB when rdb-save-incremental-fsync is on.
func (s *Server) writeRDBFile(path string, write func(w io.Writer) error) error {
	tmp := fmt.Sprintf("temp-%d.rdb", os.Getpid())
	incremental := s.cfg.RDBSaveIncrementalFsync
	return vfs.WriteFileAtomicFunc(s.fs, path, tmp, func(w io.Writer) error {
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
func (s *Server) bgsaveMisconf() string {
	if !s.cfg.StopWritesOnBgsaveError || len(s.cfg.Save) == 0 || s.rdb.lastOK {
		return ""
	}
	return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
		"Commands that may modify the data set are disabled, because this instance is configured to report errors " +
		"during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs " +
		"for details about the RDB error."
}

// startBgsave starts a forkless background save. Called under mu.
func (s *Server) startBgsave() error {
	if s.rdb.bg != nil {
		return errors.New("a background job is running")
	}
	path := s.rdbPath()
	tmp := filepath.Join(s.cfg.Dir, fmt.Sprintf("temp-bg-%d.rdb", os.Getpid()))
	f, err := s.fs.Create(tmp)
	if err != nil {
		s.rdb.lastOK = false
		s.rdb.lastTry = time.Now()
		return err
	}
	var out io.Writer = f
	if s.cfg.RDBSaveIncrementalFsync {
		out = &syncEvery{f: f, every: 4 << 20}
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	job := persist.StartSnapshot(&s.mu, s.ks, bw, s.saveOptions())
	bg := &bgJob{kind: "rdb", job: job, start: time.Now(), dirty: s.ks.Dirty, tmp: tmp}
	s.rdb.bg = bg
	s.rdb.saves++
	s.rdb.lastTry = time.Now()
	s.rdb.latestCut = job.CutTook
	s.rdb.totalCuts++
	s.suspendFsyncIfConfigured()
	s.log.Info("Background saving started", "cut_usec", job.CutTook.Microseconds())
	go func() {
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
		if err == nil {
			err = s.fs.Rename(tmp, path)
		}
		if err == nil {
			err = s.fs.SyncDir(filepath.Dir(path))
		}
		if err != nil {
			_ = s.fs.Remove(tmp)
		}
		s.mu.Lock()
		s.bgsaveDone(bg, err)
		s.mu.Unlock()
	}()
	return nil
}

// bgsaveDone records the outcome of a BGSAVE. Called under mu.
func (s *Server) bgsaveDone(bg *bgJob, err error) {
	if s.rdb.bg == bg {
		s.rdb.bg = nil
	}
	s.resumeFsync()
	s.rdb.lastDuration = time.Since(bg.start)
	switch {
	case bg.aborted || errors.Is(err, persist.ErrAborted):
		// Killed on purpose (FLUSHALL): not an error, like SIGUSR1.
		s.log.Info("Background saving terminated by request")
	case err != nil:
		s.rdb.lastOK = false
		s.log.Warn("Background saving error", "err", err)
	default:
		s.ks.Dirty -= bg.dirty
		s.lastSave = time.Now().Unix()
		s.rdb.lastOK = true
		s.log.Info("Background saving terminated with success")
	}
	s.startScheduledJobs()
}

// killBgsave stops a running BGSAVE (FLUSHALL). Called under mu.
func (s *Server) killBgsave() {
	if bg := s.rdb.bg; bg != nil && bg.kind == "rdb" {
		bg.aborted = true
		bg.job.Abort()
	}
}

// saveCron starts a BGSAVE when a save point is reached (Redis's rule: at
// least changes writes, more than seconds since the last save, and the last
// attempt succeeded or was more than 5 s ago). Called under mu.
func (s *Server) saveCron() {
	if s.rdb.bg != nil || s.loading {
		return
	}
	now := time.Now()
	for _, sp := range s.cfg.Save {
		if s.ks.Dirty >= int64(sp.Changes) && now.Unix()-s.lastSave > sp.Seconds &&
			(s.rdb.lastOK || now.Sub(s.rdb.lastTry) > 5*time.Second) {
			s.log.Info(fmt.Sprintf("%d changes in %d seconds. Saving...", sp.Changes, sp.Seconds))
			if err := s.startBgsave(); err != nil {
				s.log.Warn("Can't start the background save", "err", err)
			}
			return
		}
	}
}

func (s *Server) registerPersistCommands(t *command.Table) {
	t.Define("save", func(c *command.Ctx) {
		if bg := s.rdb.bg; bg != nil && bg.kind == "rdb" {
			c.Error("ERR Background save already in progress")
			return
		}
		s.rdb.saves++
		if err := s.rdbSaveSync(); err != nil {
			c.Error("ERR")
			return
		}
		c.W.OK()
	})
	t.Define("bgsave", func(c *command.Ctx) {
		schedule := false
		if len(c.Args) > 1 {
			if len(c.Args) == 2 && command.EqFold(c.Args[1], "SCHEDULE") {
				schedule = true
			} else {
				c.SyntaxError()
				return
			}
		}
		switch bg := s.rdb.bg; {
		case bg != nil && bg.kind == "rdb":
			c.Error("ERR Background save already in progress")
		case bg != nil || s.InExec(c):
			if schedule || s.InExec(c) {
				s.rdb.bgScheduled = true
				c.W.Simple("Background saving scheduled")
			} else {
				c.Error("ERR Another child process is active (AOF?): can't BGSAVE right now. " +
					"Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
			}
		default:
			if err := s.startBgsave(); err != nil {
				c.Error("ERR " + err.Error())
				return
			}
			c.W.Simple("Background saving started")
		}
	})
}

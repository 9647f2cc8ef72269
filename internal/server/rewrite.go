package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/vfs"
)

// AOF rewrite without fork, following Redis 7.0's multi-part sequence:
//
//  1. Under the server lock, in one step: write and sync what the AOF
//     buffer holds, open a new incr file and persist a manifest that lists
//     it (from now on every write goes there), and take the snapshot cut.
//     The new incr file therefore holds exactly the writes after the cut.
//     (When AOF is being switched on, writes go to temp-F.incr instead.)
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
	scheduled       bool
	lastDuration    time.Duration // -1 before the first
	failures        int           // consecutive
	lastFailure     time.Time
	tempIncr        string // temp-F.incr while AOF is being switched on
	switchingOn     bool   // WAIT_REWRITE
	baseAndIncrSize int64
}

// rewriteTempName is where the base is written before it is installed.
func (s *Server) rewriteTempName() string {
	return filepath.Join(s.cfg.Dir, fmt.Sprintf("temp-rewriteaof-bg-%d.aof", os.Getpid()))
}

// startRewrite starts a background AOF rewrite. Called under mu.
func (s *Server) startRewrite() error {
	if s.rdb.bg != nil {
		return errors.New("a background job is running")
	}
	d := s.aof.dir
	if d == nil {
		var err error
		if d, _, err = s.aofDirFor(); err != nil {
			return err
		}
	}
	if err := s.fs.MkdirAll(d.Path(), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", d.Path(), err)
	}

	// Step 1: new incr file, then the cut, in the same lock hold.
	switch {
	case s.aof.w != nil:
		f, name, size, err := d.NewIncr()
		if err != nil {
			return err
		}
		old, err := s.aof.w.Switch(f, name, size)
		if err != nil {
			f.Close()
			return err
		}
		if err := old.Close(); err != nil {
			s.log.Warn("Closing the previous AOF incr file", "err", err)
		}
	case s.cfg.AppendOnly && s.aof.rw.switchingOn:
		// AOF is being switched on: buffer writes into temp-F.incr.
		name := manifest.TempIncrName(s.cfg.AppendFilename)
		f, err := s.fs.Create(d.File(name))
		if err != nil {
			return err
		}
		w := aof.NewWriter(s.fs, f, name, 0, aofPolicy(s.cfg.AppendFsync))
		w.SetTimestamps(s.cfg.AOFTimestampEnabled)
		w.StartBackgroundSync()
		s.aof.w = w
		s.aof.rw.tempIncr = name
		s.prop.feed = w.Feed
	}
	s.aof.dir = d

	tmp := s.rewriteTempName()
	f, err := s.fs.Create(tmp)
	if err != nil {
		return err
	}
	var out io.Writer = f
	if s.cfg.AOFRewriteIncrementalFsync {
		out = &syncEvery{f: f, every: 4 << 20}
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	opts := s.saveOptions()
	opts.AOFBase = true
	rdbBase := s.cfg.AOFUseRDBPreamble
	var job *persist.Job
	if rdbBase {
		job = persist.StartSnapshot(&s.mu, s.ks, bw, opts)
	} else {
		job = persist.StartRESPSnapshot(&s.mu, s.ks, bw, opts)
	}
	bg := &bgJob{kind: "aof", job: job, start: time.Now(), dirty: s.ks.Dirty, tmp: tmp}
	s.rdb.bg = bg
	s.rdb.latestCut = job.CutTook
	s.rdb.totalCuts++
	s.aof.rw.scheduled = false
	s.suspendFsyncIfConfigured()
	s.log.Info("Background append only file rewriting started", "cut_usec", job.CutTook.Microseconds())

	go func() {
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
		s.mu.Lock()
		defer s.mu.Unlock()
		s.rewriteDone(bg, rdbBase, err)
	}()
	return nil
}

// rewriteDone installs the new base (step 3) or records the failure.
// Called under mu.
func (s *Server) rewriteDone(bg *bgJob, rdbBase bool, err error) {
	if s.rdb.bg == bg {
		s.rdb.bg = nil
	}
	s.resumeFsync()
	s.aof.rw.lastDuration = time.Since(bg.start)
	if err == nil {
		err = s.installBase(bg.tmp, rdbBase)
	}
	if err != nil {
		_ = s.fs.Remove(bg.tmp)
		s.aof.lastStatus = false
		s.aof.rw.failures++
		s.aof.rw.lastFailure = time.Now()
		s.log.Warn("Background AOF rewrite failed", "err", err)
		if s.aof.rw.switchingOn {
			// Try again later; writes keep going to temp-F.incr.
			s.aof.rw.scheduled = true
		}
	} else {
		s.aof.lastStatus = true
		s.aof.rw.failures = 0
		s.aof.rewrites++
		s.log.Info("Background AOF rewrite finished successfully")
	}
	s.startScheduledJobs()
}

// installBase renames the new base into place and switches the manifest.
func (s *Server) installBase(tmp string, rdbBase bool) error {
	d := s.aof.dir
	m := d.M.Clone()
	aofOn := s.aof.w != nil
	keepLast := aofOn && !s.aof.rw.switchingOn
	base := m.InstallBase(s.cfg.AppendFilename, rdbBase, keepLast)
	if err := s.fs.Rename(tmp, d.File(base.Name)); err != nil {
		return fmt.Errorf("renaming the new base into place: %w", err)
	}
	if err := s.fs.SyncDir(d.Path()); err != nil {
		return err
	}
	if err := s.fs.SyncDir(s.cfg.Dir); err != nil {
		return err
	}
	if s.aof.rw.switchingOn {
		// The writes buffered in temp-F.incr become the first incr file.
		w := s.aof.w
		if err := w.Flush(w.Offset()); err != nil {
			return err
		}
		inc := m.NewIncr(s.cfg.AppendFilename)
		if err := s.fs.Rename(d.File(s.aof.rw.tempIncr), d.File(inc.Name)); err != nil {
			return fmt.Errorf("renaming the temporary incr file: %w", err)
		}
		if err := s.fs.SyncDir(d.Path()); err != nil {
			return err
		}
	}
	if err := manifest.Save(s.fs, d.Path(), s.cfg.AppendFilename, m); err != nil {
		return err
	}
	d.M = m
	if s.aof.rw.switchingOn {
		s.aof.rw.switchingOn = false
		s.aof.rw.tempIncr = ""
		s.log.Info("Append only file enabled: the first base was written")
	}
	if !s.cfg.AOFDisableAutoGC {
		if err := d.DeleteHistory(); err != nil {
			s.log.Warn("Deleting AOF history files", "err", err)
		}
	}
	st, err := s.fs.Stat(d.File(base.Name))
	if err == nil {
		s.aof.baseSize = st.Size()
		if s.aof.w != nil {
			s.aof.baseSize += s.aof.w.Size()
		}
	}
	return nil
}

// suspendFsyncIfConfigured honours no-appendfsync-on-rewrite while a
// background job runs.
func (s *Server) suspendFsyncIfConfigured() {
	if s.cfg.NoAppendfsyncOnRewrite && s.aof.w != nil {
		s.aof.w.SuspendFsync(true)
	}
}

func (s *Server) resumeFsync() {
	if s.aof.w != nil {
		s.aof.w.SuspendFsync(false)
	}
}

// startScheduledJobs starts a rewrite or BGSAVE that waited for the
// previous background job. Called under mu.
func (s *Server) startScheduledJobs() {
	if s.rdb.bg != nil {
		return
	}
	if s.aof.rw.scheduled && !s.rewriteLimited() {
		if err := s.startRewrite(); err != nil {
			s.log.Warn("Starting the scheduled AOF rewrite", "err", err)
		}
		return
	}
	if s.rdb.bgScheduled {
		s.rdb.bgScheduled = false
		if err := s.startBgsave(); err != nil {
			s.log.Warn("Scheduled background save failed to start", "err", err)
		}
	}
}

// rewriteLimited implements Redis's back-off for automatic rewrites: after
// three consecutive failures, wait 1, 2, 4 … up to 60 minutes.
func (s *Server) rewriteLimited() bool {
	n := s.aof.rw.failures
	if n < 3 {
		return false
	}
	wait := time.Minute << min(n-3, 6)
	if wait > time.Hour {
		wait = time.Hour
	}
	return time.Since(s.aof.rw.lastFailure) < wait
}

// rewriteCron starts an automatic rewrite when the AOF grew enough, or a
// scheduled one. Called under mu.
func (s *Server) rewriteCron() {
	if s.rdb.bg != nil || s.loading {
		return
	}
	if s.aof.rw.scheduled {
		s.startScheduledJobs()
		return
	}
	if s.aof.w == nil || s.cfg.AutoAOFRewritePercentage <= 0 || s.rewriteLimited() {
		return
	}
	cur := s.aofCurrentSize()
	base := max(s.aof.baseSize, 1)
	if cur > s.cfg.AutoAOFRewriteMinSize && (cur*100/base-100) >= int64(s.cfg.AutoAOFRewritePercentage) {
		s.log.Info("Starting automatic rewriting of AOF", "growth_perc", cur*100/base-100)
		if err := s.startRewrite(); err != nil {
			s.aof.rw.failures++
			s.aof.rw.lastFailure = time.Now()
			s.log.Warn("Can't start the automatic AOF rewrite", "err", err)
		}
	}
}

func (s *Server) registerRewriteCommands(t *command.Table) {
	t.Define("bgrewriteaof", func(c *command.Ctx) {
		switch bg := s.rdb.bg; {
		case bg != nil && bg.kind == "aof":
			c.Error("ERR Background append only file rewriting already in progress")
		case bg != nil || s.InExec(c):
			s.aof.rw.scheduled = true
			s.aof.rw.failures = 0
			c.W.Simple("Background append only file rewriting scheduled")
		default:
			if err := s.startRewrite(); err != nil {
				s.log.Warn("Can't start the AOF rewrite", "err", err)
				c.Error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
				return
			}
			c.W.Simple("Background append only file rewriting started")
		}
	})
}

var _ = vfs.TempPrefix

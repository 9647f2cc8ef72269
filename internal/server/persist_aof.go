package server

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/persist"
)

// The append-only file, server side: startup loading, the writer that
// receives propagated commands, durability waits before replies, turning
// AOF on and off at runtime.

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
func (s *Server) aofDirFor() (*aof.Dir, bool, error) {
	return aof.Open(s.fs, s.cfg.Dir, s.cfg.AppendDirname, s.cfg.AppendFilename)
}

// loadAOF loads the AOF directory at startup (appendonly yes). Called
// under mu with s.loading set.
func (s *Server) loadAOF() error {
	d, upgraded, err := s.aofDirFor()
	if err != nil {
		return err
	}
	if upgraded {
		s.log.Info("Successfully migrated an old-style AOF file into the AOF directory", "dir", d.Path())
	}
	s.aof.dir = d
	if !d.Exists() {
		return nil
	}
	plan, total, err := d.Plan()
	if err != nil {
		return err
	}
	s.aof.startSize = total
	if d.M.Base != nil {
		for _, p := range plan {
			if p.Type == 'b' {
				s.aof.baseSize = p.Size
			}
		}
	}
	if total == 0 {
		s.log.Info("The AOF is empty", "dir", d.Path())
		return nil
	}
	s.startLoading(total)
	ex := &loaderExec{s: s, cl: s.fakeClient()}
	start := time.Now()
	res, err := persist.LoadAOF(d, plan, s.ks, ex, persist.AOFOptions{
		LoadTruncated: s.cfg.AOFLoadTruncated,
		RDB:           persist.LoadOptions{Now: time.Now().UnixMilli(), IgnoreChecksum: !s.cfg.RDBChecksum, Objects: s.objectLoader()},
		Progress:      s.loadingProgress,
		Warn:          func(msg string, args ...any) { s.log.Warn(msg, args...) },
	})
	if err != nil {
		return err
	}
	if res.BaseStats != nil {
		s.rdb.lastLoadKeys = res.BaseStats.Keys
		s.rdb.lastLoadExpired = res.BaseStats.Expired
	}
	if res.TruncatedAt >= 0 {
		// The cut file is smaller now.
		_, total, _ = d.Plan()
		s.aof.startSize = total
	}
	s.log.Info("DB loaded from append only file", "seconds", fmt.Sprintf("%.3f", time.Since(start).Seconds()),
		"commands", res.Commands, "base_keys", res.BaseKeys)
	return nil
}

// openAOF prepares the AOF for appending after the load (or when it was
// just switched on): create the empty base if there are no files, open the
// last incr file (or a new one), start the writer, drop history files.
func (s *Server) openAOF() error {
	d := s.aof.dir
	if d == nil {
		var err error
		if d, _, err = s.aofDirFor(); err != nil {
			return err
		}
		s.aof.dir = d
	}
	if !d.Exists() {
		if err := s.writeAOFBase(d); err != nil {
			return err
		}
	}
	f, name, size, err := d.OpenIncr()
	if err != nil {
		return err
	}
	w := aof.NewWriter(s.fs, f, name, size, aofPolicy(s.cfg.AppendFsync))
	w.SetTimestamps(s.cfg.AOFTimestampEnabled)
	w.OnSlowOp = func(op string, d time.Duration) {
		s.log.Warn("Slow AOF "+op+": the disk is busy, writes may be delayed", "duration", d)
	}
	w.StartBackgroundSync()
	s.aof.w = w
	s.prop.feed = w.Feed
	if err := d.DeleteHistory(); err != nil {
		s.log.Warn("Failed to delete AOF history files", "err", err)
	}
	if s.aof.baseSize == 0 {
		if p, _, err := d.Plan(); err == nil {
			for _, f := range p {
				if f.Type == 'b' {
					s.aof.baseSize = f.Size
				}
			}
		}
	}
	return nil
}

// writeAOFBase writes a base file holding the whole current dataset
// (synchronously, under mu): an RDB with aof-base 1, or RESP commands when
// aof-use-rdb-preamble is off.
func (s *Server) writeAOFBase(d *aof.Dir) error {
	preamble := s.cfg.AOFUseRDBPreamble
	return d.CreateBase(preamble, func(w io.Writer) error {
		if !preamble {
			return persist.WriteRESP(w, s.ks)
		}
		job := persist.StartSnapshot(&s.mu, s.ks, w, persist.SaveOptions{
			Compression: s.cfg.RDBCompression, Checksum: s.cfg.RDBChecksum, AOFBase: true,
		})
		return job.Run(false)
	})
}

// stopAOF flushes, syncs and closes the AOF (CONFIG SET appendonly no,
// shutdown). Called under mu.
func (s *Server) stopAOF() error {
	w := s.aof.w
	if w == nil {
		return nil
	}
	s.prop.feed = nil
	s.aof.w = nil
	return w.Close()
}

// setAppendOnly implements CONFIG SET appendonly. Turning it on starts a
// background rewrite that writes the first base from the live dataset;
// writes meanwhile go to temp-F.incr, which becomes the first incr file
// when the base is installed (Redis's WAIT_REWRITE state).
func (s *Server) setAppendOnly(on bool) error {
	if !on {
		if bg := s.rdb.bg; bg != nil && bg.kind == "aof" {
			bg.aborted = true
			bg.job.Abort()
		}
		if err := s.stopAOF(); err != nil {
			s.log.Warn("Closing the AOF", "err", err)
		}
		if s.aof.rw.switchingOn && s.aof.dir != nil && s.aof.rw.tempIncr != "" {
			_ = s.fs.Remove(s.aof.dir.File(s.aof.rw.tempIncr))
		}
		s.aof.rw.switchingOn = false
		s.aof.rw.scheduled = false
		s.aof.dir = nil
		return nil
	}
	if s.aof.w != nil || s.aof.rw.switchingOn {
		return nil
	}
	s.aof.rw.switchingOn = true
	if s.rdb.bg != nil {
		s.aof.rw.scheduled = true
		return nil
	}
	if err := s.startRewrite(); err != nil {
		s.aof.rw.switchingOn = false
		s.log.Warn("Can't start the AOF rewrite to switch AOF on", "err", err)
		return errString("Unable to turn on AOF. Check server logs.")
	}
	return nil
}

// durabilityWait returns what the client must wait for, after releasing
// mu, before writing its replies: nothing without AOF, else the AOF being
// written (and under always, fsynced) up to everything appended so far.
// Reads wait too: they may show data whose command is not durable yet.
// Called under mu.
func (s *Server) durabilityWait() func() error {
	w := s.aof.w
	if w == nil {
		return noWait
	}
	target := w.Offset()
	if w.Written() >= target && (w.Policy() != aof.Always || w.Synced() >= target) {
		return noWait
	}
	return func() error { return w.Flush(target) }
}

func noWait() error { return nil }

// aofMisconf is the MISCONF error while the AOF cannot be written.
func (s *Server) aofMisconf() string {
	if s.aof.w == nil {
		return ""
	}
	err := s.aof.w.Err()
	if err == nil {
		return ""
	}
	return "MISCONF Errors writing to the AOF file: " + strerror(err)
}

// strerror renders an error the way C's strerror would name its errno.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		msg := errno.Error()
		return strings.ToUpper(msg[:1]) + msg[1:]
	}
	return err.Error()
}

// aofCron retries a failed AOF write and makes sure buffered commands reach
// the file even when no client is waiting. Called from the cron without mu.
func (s *Server) aofCron() {
	s.mu.Lock()
	w := s.aof.w
	s.mu.Unlock()
	if w == nil {
		return
	}
	if w.Err() != nil || w.Buffered() > 0 {
		if err := w.Retry(); err == nil && w.Err() == nil {
			return
		} else if err != nil {
			s.log.Warn("Writing to the AOF failed, retrying every second; writes are refused meanwhile", "err", err)
		}
	}
}

// loaderExec runs AOF commands through a connection-less client.
type loaderExec struct {
	s  *Server
	cl *client
}

func (l *loaderExec) Exec(args [][]byte) error {
	s, cl := l.s, l.cl
	defer cl.w.Reset()
	spec, msg := s.table.Lookup(args)
	if spec == nil {
		return fmt.Errorf("Unknown command '%s' reading the append only file", args[0])
	}
	if msg != "" {
		return fmt.Errorf("bad command in the append only file: %s", msg)
	}
	if cl.multi != nil {
		switch spec.Name {
		case "exec", "discard", "multi":
		default:
			s.queueCommand(cl, spec, args)
			return nil
		}
	}
	s.ks.Now = time.Now().UnixMilli()
	s.call(cl, spec, args)
	if cl.w.Len() > 0 && cl.w.B[0] == '-' && spec.Name != "exec" {
		// Redis ignores a failing command's reply here; we log it, since
		// it means the file and the dataset disagree about something.
		s.log.Debug("Command from the AOF replied with an error", "cmd", spec.Name,
			"reply", strings.TrimSpace(string(cl.w.B)))
	}
	return nil
}

func (l *loaderExec) DiscardMulti() { l.cl.multi = nil }

// fakeClient is the connection-less client the loader uses.
func (s *Server) fakeClient() *client {
	cl := &client{s: s, id: -1, authenticated: true, created: time.Now()}
	cl.db = s.ks.DBs[0]
	cl.ctx.W = &cl.w
	cl.ctx.KS = s.ks
	cl.ctx.Env = s
	cl.ctx.Client = cl
	cl.ctx.DB = cl.db
	cl.w.Proto = 2
	return cl
}

// objectLoader builds values of the collection types from RDB values.
func (s *Server) objectLoader() persist.ObjectLoader { return loadObject(&s.limits) }

var _ = filepath.Join
var _ = command.ErrSyntax
var _ keyspace.Type

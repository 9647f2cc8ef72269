package server

import (
	"errors"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
)

// Server commands: DBSIZE, FLUSHDB/FLUSHALL, SWAPDB, TIME, CONFIG, MONITOR,
// SHUTDOWN, LASTSAVE. INFO is in info.go, DEBUG in cmd_debug.go.

func buildTable(s *Server) *command.Table {
	t := command.NewTable()
	command.RegisterData(t)
	s.registerConnCommands(t)
	s.registerServerCommands(t)
	s.registerCommandCommands(t)
	s.registerDebugCommands(t)
	s.registerMultiCommands(t)
	s.registerPubSubCommands(t)
	s.registerPersistCommands(t)
	s.registerReplCommands(t)
	s.registerReplicaCommands(t)
	s.registerFailoverCommands(t)
	s.registerScriptCommands(t)
	s.registerFunctionCommands(t)
	s.registerDiagCommands(t)
	s.registerLolwut(t)
	s.registerLatencyCommands(t)
	s.registerTrackingCommands(t)
	s.registerACLCommands(t)
	return t
}

// flushedBlocked marks the keys of a flushed database that clients block
// on as ready, as Redis's signalFlushedDb does for streams: a consumer
// blocked in XREADGROUP learns that its stream is gone; the others find
// nothing to take and keep waiting.
func (s *Server) flushedBlocked(db int) {
	for bk := range s.blocking {
		if bk.db == db {
			s.markReady(bk.db, []byte(bk.key))
		}
	}
}

func (s *Server) registerServerCommands(t *command.Table) {
	t.Define("dbsize", func(c *command.Ctx) { c.W.Int(int64(c.DB.Len())) })
	t.Define("flushdb", func(c *command.Ctx) {
		if !flushArgsOK(c) {
			return
		}
		s.touchWatchedDB(c.DB, nil)
		n := c.DB.Flush()
		s.flushedBlocked(c.DB.ID)
		s.trackingFlushed()
		c.Dirty(n)
		c.ForcePropagate()
		c.W.OK()
	})
	t.Define("flushall", func(c *command.Ctx) {
		if !flushArgsOK(c) {
			return
		}
		// A running BGSAVE would write the old data over the empty
		// dump.rdb below: stop it, as Redis kills its child.
		s.eng.KillBgsave()
		n := 0
		for _, db := range s.ks.DBs {
			s.touchWatchedDB(db, nil)
			n += db.Flush()
			s.flushedBlocked(db.ID)
		}
		s.trackingFlushed()
		c.Dirty(n)
		c.ForcePropagate()
		if len(s.cfg.Save) > 0 {
			_ = s.eng.SaveSync() // a failure is logged and shows in INFO
		}
		c.W.OK()
	})
	t.Define("swapdb", func(c *command.Ctx) {
		a, okA := command.ParseInt(c.Args[1])
		if !okA || a < -1<<31 || a >= 1<<31 {
			c.Error("ERR invalid first DB index")
			return
		}
		b, okB := command.ParseInt(c.Args[2])
		if !okB || b < -1<<31 || b >= 1<<31 {
			c.Error("ERR invalid second DB index")
			return
		}
		if a < 0 || b < 0 || a >= int64(len(s.ks.DBs)) || b >= int64(len(s.ks.DBs)) {
			c.Error(command.ErrDBIndex)
			return
		}
		if a != b {
			da, dbb := s.ks.DBs[a], s.ks.DBs[b]
			s.touchWatchedDB(da, dbb)
			s.touchWatchedDB(dbb, da)
			s.ks.Swap(int(a), int(b))
			// Clients blocked on keys that the swap brought in may proceed.
			for bk := range s.blocking {
				if bk.db == int(a) || bk.db == int(b) {
					s.markReady(bk.db, []byte(bk.key))
				}
			}
		}
		c.Dirty(1)
		c.W.OK()
	})
	t.Define("time", func(c *command.Ctx) {
		now := time.Now()
		c.W.Array(2)
		c.W.BulkInt(now.Unix())
		c.W.BulkInt(int64(now.Nanosecond() / 1000))
	})
	t.Define("lastsave", func(c *command.Ctx) { c.W.Int(s.eng.LastSave()) })
	t.Define("info", s.cmdInfo)
	t.Define("monitor", func(c *command.Ctx) {
		cl := clientOf(c)
		if cl.monitor {
			return // already monitoring: Redis ignores it, without a reply
		}
		cl.monitor = true
		cl.startAsync()
		s.monitors[cl] = struct{}{}
		c.W.OK()
	})
	t.Define("config|get", func(c *command.Ctx) {
		var pats []string
		for _, a := range c.Args[2:] {
			pats = append(pats, string(a))
		}
		pairs := s.cfg.Get(pats...)
		c.W.Map(len(pairs))
		for _, p := range pairs {
			c.W.BulkString(p[0])
			c.W.BulkString(p[1])
		}
	})
	t.Define("config|set", func(c *command.Ctx) {
		if len(c.Args)%2 != 0 {
			c.SyntaxError() // an odd count: a directive without its value
			return
		}
		var pairs [][2]string
		for i := 2; i < len(c.Args); i += 2 {
			pairs = append(pairs, [2]string{string(c.Args[i]), string(c.Args[i+1])})
		}
		if err := s.cfg.Set(pairs, clientOf(c).local); err != nil {
			var re *config.ReplyError
			if errors.As(err, &re) {
				c.Error(re.Reply)
			} else {
				c.Error("ERR " + err.Error())
			}
			return
		}
		s.applyConfig()
		c.W.OK()
	})
	t.Define("config|resetstat", func(c *command.Ctx) {
		s.resetStats()
		c.W.OK()
	})
	t.Define("config|rewrite", func(c *command.Ctx) {
		if err := s.cfg.Rewrite(s.cfg.Path()); err != nil {
			var re *config.ReplyError
			if errors.As(err, &re) {
				c.Error(re.Reply)
			} else {
				c.Error("ERR " + err.Error())
			}
			s.log.Warn("CONFIG REWRITE failed", "err", err)
			return
		}
		s.log.Info("CONFIG REWRITE executed with success.")
		c.W.OK()
	})
	t.Define("config|help", func(c *command.Ctx) {
		command.ReplyHelp(c, "CONFIG", []string{
			"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
			"SET <directive> <value>", "    Set the configuration <directive> to <value>.",
			"RESETSTAT", "    Reset statistics reported by the INFO command.",
			"REWRITE", "    Rewrite the configuration file.",
		})
	})
	t.Define("shutdown", s.cmdShutdown)
}

func flushArgsOK(c *command.Ctx) bool {
	if len(c.Args) > 2 {
		c.SyntaxError()
		return false
	}
	if len(c.Args) == 2 && !command.EqFold(c.Args[1], "ASYNC") && !command.EqFold(c.Args[1], "SYNC") {
		c.SyntaxError()
		return false
	}
	return true
}

func (s *Server) resetStats() {
	s.stats.commandsProcessed = 0
	s.stats.keyspaceHits = 0
	s.stats.keyspaceMisses = 0
	s.stats.errorReplies = 0
	s.stats.connectionsReceived.Store(0)
	s.stats.rejectedConns.Store(0)
	s.stats.netInput.Store(0)
	s.stats.netOutput.Store(0)
	s.ks.Stats = s.ks.Stats.Reset()
	s.resetCallStats()
	s.resetEvictStats()
	s.cev.evicted = 0 // evicted_clients (client_evict.go)
	// reply_buffer_shrinks/expands (info_fields.go)
	s.replyBufs = replyBufferStats{}
}

// cmdShutdown implements SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT].
func (s *Server) cmdShutdown(c *command.Ctx) {
	var flags config.ShutdownFlags
	abort := false
	for _, a := range c.Args[1:] {
		switch {
		case command.EqFold(a, "NOSAVE"):
			flags |= config.ShutdownNoSave
		case command.EqFold(a, "SAVE"):
			flags |= config.ShutdownSave
		case command.EqFold(a, "NOW"):
			flags |= config.ShutdownNow
		case command.EqFold(a, "FORCE"):
			flags |= config.ShutdownForce
		case command.EqFold(a, "ABORT"):
			abort = true
		default:
			c.SyntaxError()
			return
		}
	}
	if (abort && flags != 0) || (flags&config.ShutdownNoSave != 0 && flags&config.ShutdownSave != 0) {
		c.SyntaxError()
		return
	}
	if abort {
		c.Error("ERR No shutdown in progress.")
		return
	}
	if err := s.prepareShutdown(flags); err != nil {
		c.Error("ERR Errors trying to SHUTDOWN. Check logs.")
		return
	}
	// No reply: the connection closes with the server.
	clientOf(c).closeAfterReply = true
	s.stop()
}

// prepareShutdown makes the dataset durable as configured before exiting:
// stop a running BGSAVE, flush and fsync the AOF, and save dump.rdb when save
// points are configured (or SAVE is given) unless NOSAVE. Without FORCE a
// failure cancels the shutdown. Called under mu.
func (s *Server) prepareShutdown(flags config.ShutdownFlags) error {
	s.log.Warn("User requested shutdown...")
	force := flags&config.ShutdownForce != 0
	save := (len(s.cfg.Save) > 0 && flags&config.ShutdownNoSave == 0) || flags&config.ShutdownSave != 0
	return s.eng.Shutdown(save, force)
}

// The persistence commands are thin shells over the engine.
func (s *Server) registerPersistCommands(t *command.Table) {
	t.Define("save", func(c *command.Ctx) {
		if err := s.eng.Save(); err != nil {
			c.Error(err.Error())
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
		reply(c, func() (string, error) { return s.eng.BGSave(schedule, s.InExec(c)) })
	})
	t.Define("bgrewriteaof", func(c *command.Ctx) {
		reply(c, func() (string, error) { return s.eng.BGRewriteAOF(s.InExec(c)) })
	})
}

// reply writes the status or the error an engine call returns.
func reply(c *command.Ctx, f func() (string, error)) {
	status, err := f()
	if err != nil {
		c.Error(err.Error())
		return
	}
	c.W.Simple(status)
}

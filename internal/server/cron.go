package server

import (
	"os"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

// The server's periodic work, Redis's serverCron: runs hz times a second.

const (
	// rehashStepsPerTick bounds the buckets moved per database per tick.
	rehashStepsPerTick = 1000
	// expireSlice is how long active expiry holds the lock at a time;
	// the cycle's budget is spent in slices so clients are served between.
	expireSlice = time.Millisecond
)

func (s *Server) cronLoop() {
	defer s.crashOnPanic("cron", nil)
	s.mu.Lock()
	s.stats.lastOpsTime = time.Now()
	s.mu.Unlock()
	for {
		s.mu.Lock()
		hz := max(1, min(s.cfg.HZ, 500))
		s.mu.Unlock()
		select {
		case <-s.shutdown:
			return
		case <-time.After(time.Second / time.Duration(hz)):
		}
		s.cron(hz)
	}
}

func (s *Server) cron(hz int) {
	now := time.Now()
	s.mu.Lock()
	if s.scriptYielding() {
		// A script is running (it released the lock to answer -BUSY):
		// nothing may see or change the keyspace half-way through it.
		s.mu.Unlock()
		return
	}
	s.ks.LRUClock = uint32(now.Unix()) & (1<<24 - 1)
	s.ks.Now = now.UnixMilli()
	if now.Sub(s.stats.lastOpsTime) >= 100*time.Millisecond {
		ms := now.Sub(s.stats.lastOpsTime).Milliseconds()
		ops := (s.stats.commandsProcessed - s.stats.lastOpsCount) * 1000 / max(ms, 1)
		s.stats.opsSamples[s.stats.opsSampleIdx%len(s.stats.opsSamples)] = ops
		s.stats.opsSampleIdx++
		s.stats.lastOpsCount = s.stats.commandsProcessed
		s.stats.lastOpsTime = now
	}
	steps := 0 // activerehashing no: buckets move only as keys are touched
	if s.cfg.ActiveRehashing {
		steps = rehashStepsPerTick
	}
	s.ks.Cron(steps)
	s.watchdogNs.Store(int64(s.watchdogPeriod()))
	s.eng.Cron()
	s.repl.Cron(now)
	s.failoverCron(now) // failover.go
	secondTick := now.Sub(s.lastSecondTick) >= time.Second
	if secondTick {
		s.lastSecondTick = now
	}
	// A replica's keys expire by the master's DELs; a client pause keeps
	// the dataset still.
	active := s.activeExp && !s.eng.Loading() && !s.ks.Replica && !s.clientsPaused()
	effort := s.cfg.ActiveExpireEffort
	s.trackingCron()
	s.clientEvictCron()
	if secondTick {
		s.loopIdleCron(now) // loop.go
	}
	s.mu.Unlock()

	if secondTick {
		s.eng.SecondCron()
	}
	if active {
		// Redis's slow cycle: up to 25% (+2% per effort step) of a tick.
		budget := time.Second / time.Duration(hz) * time.Duration(25+2*(effort-1)) / 100
		deadline := now.Add(budget)
		var spent time.Duration // under the lock, for the latency monitor
		for time.Now().Before(deadline) {
			s.mu.Lock()
			if s.scriptYielding() {
				s.mu.Unlock()
				break
			}
			sliceStart := time.Now()
			s.ks.Now = sliceStart.UnixMilli()
			s.ks.ActiveExpire(&s.expireCycle, expireSlice, effort)
			more := s.expireCycle.TimedOut
			s.mu.Unlock()
			spent += time.Since(sliceStart)
			if !more {
				break
			}
		}
		s.latencyEvent("expire-cycle", spent)
	}
}

// registerConfigHooks makes CONFIG SET of directives that need an action
// take effect.
func (s *Server) registerConfigHooks() {
	relisten := func() error {
		lns, err := listenAll(s.cfg.Bind, s.cfg.Port)
		if err != nil {
			s.log.Warn("Failed to listen", "err", err)
			return errString("Unable to listen on this port. Check server logs.")
		}
		for _, ln := range s.replaceTCPListeners(lns) {
			ln.Close()
		}
		for _, ln := range lns {
			go s.acceptLoop(ln)
		}
		return nil
	}
	s.registerTLSHooks()
	s.cfg.OnApply("port", func(_ *config.Config) error { return relisten() })
	s.cfg.OnApply("bind", func(_ *config.Config) error { return relisten() })
	s.cfg.OnApply("appendonly", func(c *config.Config) error { return s.eng.SetAppendOnly(c.AppendOnly) })
	s.cfg.OnApply("appendfsync", func(c *config.Config) error {
		s.eng.SetFsyncPolicy(c.AppendFsync)
		return nil
	})
	s.cfg.OnApply("aof-timestamp-enabled", func(c *config.Config) error {
		s.eng.SetTimestamps(c.AOFTimestampEnabled)
		return nil
	})
	s.registerEvictHooks()
	s.cfg.OnApply("dir", func(c *config.Config) error {
		if err := os.Chdir(c.Dir); err != nil {
			return errString(err.Error())
		}
		return nil
	})
}

type errString string

func (e errString) Error() string { return string(e) }

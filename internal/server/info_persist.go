package server

import (
	"fmt"
	"strings"
	"time"
)

func b01(v bool) int {
	if v {
		return 1
	}
	return 0
}

func okErr(v bool) string {
	if v {
		return "ok"
	}
	return "err"
}

func (s *Server) aofBuffered() int {
	if s.aof.w == nil {
		return 0
	}
	return s.aof.w.Buffered()
}

// infoPersistence writes INFO persistence with Redis 7.0's fields in order.
func (s *Server) infoPersistence(b *strings.Builder) {
	bg := s.rdb.bg
	rdbBg := bg != nil && bg.kind == "rdb"
	aofBg := bg != nil && bg.kind == "aof"
	b.WriteString("# Persistence\r\n")
	field(b, "loading", b01(s.loading))
	field(b, "async_loading", 0)
	field(b, "current_cow_peak", 0)
	field(b, "current_cow_size", 0)
	field(b, "current_cow_size_age", 0)
	var done, total int64
	perc := 0.0
	if bg != nil {
		done, total = bg.job.Progress()
		if total > 0 {
			perc = 100 * float64(done) / float64(total)
		}
	}
	field(b, "current_fork_perc", fmt.Sprintf("%.2f", perc))
	field(b, "current_save_keys_processed", done)
	field(b, "current_save_keys_total", total)
	field(b, "rdb_changes_since_last_save", s.ks.Dirty)
	field(b, "rdb_bgsave_in_progress", b01(rdbBg))
	field(b, "rdb_last_save_time", s.lastSave)
	field(b, "rdb_last_bgsave_status", okErr(s.rdb.lastOK))
	field(b, "rdb_last_bgsave_time_sec", secondsOrMinus1(s.rdb.lastDuration))
	cur := int64(-1)
	if rdbBg {
		cur = int64(time.Since(bg.start).Seconds())
	}
	field(b, "rdb_current_bgsave_time_sec", cur)
	field(b, "rdb_saves", s.rdb.saves)
	field(b, "rdb_last_cow_size", 0)
	field(b, "rdb_last_load_keys_expired", s.rdb.lastLoadExpired)
	field(b, "rdb_last_load_keys_loaded", s.rdb.lastLoadKeys)
	field(b, "aof_enabled", b01(s.aof.w != nil || s.aof.rw.switchingOn))
	field(b, "aof_rewrite_in_progress", b01(aofBg))
	field(b, "aof_rewrite_scheduled", b01(s.aof.rw.scheduled))
	field(b, "aof_last_rewrite_time_sec", secondsOrMinus1(s.aof.rw.lastDuration))
	cur = -1
	if aofBg {
		cur = int64(time.Since(bg.start).Seconds())
	}
	field(b, "aof_current_rewrite_time_sec", cur)
	field(b, "aof_last_bgrewrite_status", okErr(s.aof.lastStatus))
	field(b, "aof_rewrites", s.aof.rewrites)
	field(b, "aof_rewrites_consecutive_failures", s.aof.rw.failures)
	writeOK := s.aof.w == nil || s.aof.w.Err() == nil
	field(b, "aof_last_write_status", okErr(writeOK))
	field(b, "aof_last_cow_size", 0)
	field(b, "module_fork_in_progress", 0)
	field(b, "module_fork_last_cow_size", 0)
	if w := s.aof.w; w != nil {
		field(b, "aof_current_size", s.aofCurrentSize())
		field(b, "aof_base_size", s.aof.baseSize)
		field(b, "aof_pending_rewrite", b01(s.aof.rw.scheduled))
		field(b, "aof_buffer_length", w.Buffered())
		field(b, "aof_pending_bio_fsync", 0)
		field(b, "aof_delayed_fsync", w.DelayedFsyncs())
	}
	if s.loading {
		elapsed := time.Since(s.load.start)
		perc, eta := 0.0, int64(1)
		if s.load.total > 0 {
			perc = 100 * float64(s.load.loaded) / float64(s.load.total)
		}
		if s.load.loaded > 0 {
			eta = int64(elapsed.Seconds() * float64(s.load.total-s.load.loaded) / float64(s.load.loaded))
		}
		field(b, "loading_start_time", s.load.start.Unix())
		field(b, "loading_total_bytes", s.load.total)
		field(b, "loading_rdb_used_mem", 0)
		field(b, "loading_loaded_bytes", s.load.loaded)
		field(b, "loading_loaded_perc", fmt.Sprintf("%.2f", perc))
		field(b, "loading_eta_seconds", eta)
	}
}

func secondsOrMinus1(d time.Duration) int64 {
	if d < 0 {
		return -1
	}
	return int64(d.Seconds())
}

// aofCurrentSize is the size of the base and incr files: the size at
// startup plus what was written since.
func (s *Server) aofCurrentSize() int64 {
	if s.aof.dir == nil {
		return 0
	}
	_, total, err := s.aof.dir.Plan()
	if err != nil {
		return 0
	}
	return total
}

package engine

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

// AOFBuffered is INFO memory's mem_aof_buffer: bytes waiting to be written.
func (e *Engine) AOFBuffered() int {
	if e.aof.w == nil {
		return 0
	}
	return e.aof.w.Buffered()
}

// AOFBufferAlloc is the memory the AOF writer's buffers hold (see
// aof.Writer.BufferAlloc), 0 when the AOF is off.
func (e *Engine) AOFBufferAlloc() int {
	if e.aof.w == nil {
		return 0
	}
	return e.aof.w.BufferAlloc()
}

// Info writes INFO persistence with Redis 7.0's fields in order.
func (e *Engine) Info(b *strings.Builder) {
	bg := e.rdb.bg
	rdbBg := bg != nil && bg.kind == "rdb"
	aofBg := bg != nil && bg.kind == "aof"
	b.WriteString("# Persistence\r\n")
	field(b, "loading", b01(e.loading))
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
	field(b, "rdb_changes_since_last_save", e.ks.Dirty)
	field(b, "rdb_bgsave_in_progress", b01(rdbBg))
	field(b, "rdb_last_save_time", e.lastSave)
	field(b, "rdb_last_bgsave_status", okErr(e.rdb.lastOK))
	field(b, "rdb_last_bgsave_time_sec", secondsOrMinus1(e.rdb.lastDuration))
	cur := int64(-1)
	if rdbBg {
		cur = int64(time.Since(bg.start).Seconds())
	}
	field(b, "rdb_current_bgsave_time_sec", cur)
	field(b, "rdb_saves", e.rdb.saves)
	field(b, "rdb_last_cow_size", 0)
	field(b, "rdb_last_load_keys_expired", e.rdb.lastLoadExpired)
	field(b, "rdb_last_load_keys_loaded", e.rdb.lastLoadKeys)
	field(b, "aof_enabled", b01(e.aof.w != nil || e.aof.rw.switchingOn))
	field(b, "aof_rewrite_in_progress", b01(aofBg))
	field(b, "aof_rewrite_scheduled", b01(e.aof.rw.scheduled))
	field(b, "aof_last_rewrite_time_sec", secondsOrMinus1(e.aof.rw.lastDuration))
	cur = -1
	if aofBg {
		cur = int64(time.Since(bg.start).Seconds())
	}
	field(b, "aof_current_rewrite_time_sec", cur)
	field(b, "aof_last_bgrewrite_status", okErr(e.aof.lastStatus))
	field(b, "aof_rewrites", e.aof.rewrites)
	field(b, "aof_rewrites_consecutive_failures", e.aof.rw.failures)
	writeOK := e.aof.w == nil || e.aof.w.Err() == nil
	field(b, "aof_last_write_status", okErr(writeOK))
	field(b, "aof_last_cow_size", 0)
	field(b, "module_fork_in_progress", 0)
	field(b, "module_fork_last_cow_size", 0)
	if w := e.aof.w; w != nil {
		field(b, "aof_current_size", e.aofCurrentSize())
		field(b, "aof_base_size", e.aof.baseSize)
		field(b, "aof_pending_rewrite", b01(e.aof.rw.scheduled))
		field(b, "aof_buffer_length", w.Buffered())
		field(b, "aof_pending_bio_fsync", 0)
		field(b, "aof_delayed_fsync", w.DelayedFsyncs())
	}
	if e.loading {
		elapsed := time.Since(e.load.start)
		perc, eta := 0.0, int64(1)
		if e.load.total > 0 {
			perc = 100 * float64(e.load.loaded) / float64(e.load.total)
		}
		if e.load.loaded > 0 {
			eta = int64(elapsed.Seconds() * float64(e.load.total-e.load.loaded) / float64(e.load.loaded))
		}
		field(b, "loading_start_time", e.load.start.Unix())
		field(b, "loading_total_bytes", e.load.total)
		field(b, "loading_rdb_used_mem", 0)
		field(b, "loading_loaded_bytes", e.load.loaded)
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
func (e *Engine) aofCurrentSize() int64 {
	if e.aof.dir == nil {
		return 0
	}
	_, total, err := e.aof.dir.Plan()
	if err != nil {
		return 0
	}
	return total
}

func field(b *strings.Builder, name string, v any) {
	fmt.Fprintf(b, "%s:%v\r\n", name, v)
}

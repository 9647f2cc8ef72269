package server

import (
	"fmt"
	"runtime"
	"strings"
)

// INFO fields of Redis 7.0 whose figures come from Vesta's own machinery:
// the allocator's fragmentation, the replication buffers, the reply
// buffers' resizing. info.go calls these in Redis's field order.

// infoFragmentation writes INFO memory's allocator_frag_ratio through
// mem_fragmentation_bytes, with the meanings of Redis 7.0
// (getMemoryOverheadData): frag compares the allocator's active pages with
// the bytes allocated in them, rss its resident pages with the active
// ones, rss_overhead the process's RSS with the allocator's resident
// pages, and mem_fragmentation the RSS with used_memory. The ratios are
// a/b, the bytes a-b (signed where Redis prints them signed).
//
// jemalloc's figures map onto the Go heap's (runtime.MemStats) as INFO's
// allocator_allocated/active/resident and MEMORY STATS already report
// them: allocated is HeapAlloc (bytes of live and not yet swept heap
// objects), active is HeapInuse (bytes of the spans holding objects, the
// counterpart of jemalloc's active pages), resident is HeapSys minus
// HeapReleased (heap memory obtained from the OS and not returned to
// it). used and rss are the used_memory and used_memory_rss of the same
// INFO call, so mem_fragmentation_bytes is exactly their difference.
func infoFragmentation(b *strings.Builder, ms *runtime.MemStats, used, rss uint64) {
	allocated, active := int64(ms.HeapAlloc), int64(ms.HeapInuse)
	resident := int64(ms.HeapSys - ms.HeapReleased)
	ratio := func(a, b int64) string { return fmt.Sprintf("%.2f", float64(a)/float64(max(b, 1))) }
	field(b, "allocator_frag_ratio", ratio(active, allocated))
	field(b, "allocator_frag_bytes", max(active-allocated, 0)) // unsigned in Redis; HeapInuse >= HeapAlloc
	field(b, "allocator_rss_ratio", ratio(resident, active))
	field(b, "allocator_rss_bytes", resident-active)
	field(b, "rss_overhead_ratio", ratio(int64(rss), resident))
	field(b, "rss_overhead_bytes", int64(rss)-resident)
	field(b, "mem_fragmentation_ratio", ratio(int64(rss), int64(used)))
	field(b, "mem_fragmentation_bytes", int64(rss)-int64(used))
}

// infoReplBuffers writes INFO memory's mem_replication_backlog and
// mem_total_replication_buffers: the backlog's blocks, shared by the
// replicas as Redis 7.0's replication buffer is (repl.Master.BufferMemory).
func (s *Server) infoReplBuffers(b *strings.Builder) {
	total, backlog := s.repl.BufferMemory()
	field(b, "mem_replication_backlog", backlog)
	field(b, "mem_total_replication_buffers", total)
}

// replyBufferStats counts INFO stats' reply_buffer_shrinks and
// reply_buffer_expands. Redis resizes each client's fixed reply buffer
// from its cron (between 1KB and 16KB, from the peak use); Vesta's reply
// buffer is a byte slice that grows while a batch's replies are built and
// is released once written when it is over 4*maxBatchReply. The events
// counted are those resizes as a client's end-of-batch buffer snapshots
// see them: an expansion when the buffer's capacity grew from a non-zero
// one (the first allocation is not an expansion), a shrink when it fell
// (a large buffer released). Under mu.
type replyBufferStats struct {
	shrinks, expands int64
}

// noteReplyBuffer records the change of a client's reply buffer capacity
// between two snapshots (noteBuffers). Under mu.
func (s *Server) noteReplyBuffer(before, after int64) {
	switch {
	case before > 0 && after > before:
		s.replyBufs.expands++
	case after < before:
		s.replyBufs.shrinks++
	}
}

// infoReplyBuffers writes INFO stats' reply_buffer_shrinks and
// reply_buffer_expands.
func (s *Server) infoReplyBuffers(b *strings.Builder) {
	field(b, "reply_buffer_shrinks", s.replyBufs.shrinks)
	field(b, "reply_buffer_expands", s.replyBufs.expands)
}

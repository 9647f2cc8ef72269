package repl

import "unsafe"

// chunkHeader is the size of one entry of the backlog's block index (a
// []byte header): Vesta's counterpart of Redis's rax index of buffer
// blocks.
const chunkHeader = int64(unsafe.Sizeof([]byte(nil)))

// BufferMemory returns INFO memory's mem_total_replication_buffers and
// mem_replication_backlog (Redis 7.0's meanings, object.c
// getMemoryOverheadData). Vesta, like Redis 7.0, keeps one shared
// replication buffer: the backlog's blocks, which also hold every byte a
// connected replica has not been sent yet (a replica's output buffer is
// its position in them).
//
//   - total is the bytes allocated for the blocks (Redis's
//     repl_buffer_mem);
//   - backlog is the part attributed to the backlog: all of it without
//     replicas or while it does not exceed repl-backlog-size, otherwise
//     repl-backlog-size (the excess is what lagging replicas hold), plus
//     the block index.
//
// Both are 0 while there is no backlog. Under the server lock.
func (m *Master) BufferMemory() (total, backlog int64) {
	b := m.backlog
	if b == nil {
		return 0, 0
	}
	b.mu.Lock()
	for _, c := range b.chunks {
		total += int64(cap(c))
	}
	index := int64(cap(b.chunks)) * chunkHeader
	size := b.size
	b.mu.Unlock()
	backlog = total
	if len(m.replicas) > 0 && total > size {
		backlog = size
	}
	return total, backlog + index
}

package lazyfs

import (
	"maps"
	"slices"
	"time"
)

// node is an inode of the model: a regular file or a directory. Every field
// is guarded by the FS's mutex.
type node struct {
	ino   uint64
	dir   bool
	perm  uint32 // permission bits
	mtime time.Time
	ctime time.Time

	// Regular files. Invariant: data[:dirty] equals synced[:dirty], and
	// dirty <= min(len(data), len(synced)). synced never shares a backing
	// array with data.
	data   []byte // live contents, what reads see
	synced []byte // contents as of the last fsync or fdatasync
	dirty  int    // lowest offset that may differ between data and synced

	// forgotten are ranges of unsynced bytes that a failed fsync marked
	// clean without writing them (SyncFault.ForgetsWrites): the next
	// successful sync leaves zeros there instead of the live bytes, unless
	// they were written again meanwhile. They lie within [dirty, len(data)).
	forgotten []span

	// Directories.
	live    map[string]*node // entries that lookups see
	durable map[string]*node // entries as of the last fsync of the directory
}

func (n *node) touchTimes(now time.Time) {
	n.mtime, n.ctime = now, now
}

// touch records that bytes from off on changed since the last sync.
func (n *node) touch(off int) {
	if off < n.dirty {
		n.dirty = off
	}
}

// span is the byte range [start, end) of a file.
type span struct{ start, end int }

// resize sets the live length to size, zero-filling any growth.
func (n *node) resize(size int) {
	old := len(n.data)
	n.touch(min(old, size))
	n.remember(size, old)
	if size <= old {
		n.data = n.data[:size]
		return
	}
	n.data = append(n.data, make([]byte, size-old)...)
}

// writeAt writes p at off, growing the file (zero-filled) as needed.
func (n *node) writeAt(p []byte, off int) {
	if end := off + len(p); end > len(n.data) {
		n.resize(end)
	}
	n.touch(off)
	n.remember(off, off+len(p))
	copy(n.data[off:], p)
}

// forget marks the unsynced bytes clean without syncing them: what a
// failed fsync does to the page cache on Linux.
func (n *node) forget() {
	if n.dirty < len(n.data) {
		n.forgotten = append(n.forgotten, span{n.dirty, len(n.data)})
	}
}

// remember drops [start, end) from the forgotten ranges: those bytes were
// written (or cut off) again.
func (n *node) remember(start, end int) {
	if len(n.forgotten) == 0 || start >= end {
		return
	}
	kept := n.forgotten[:0]
	for _, sp := range n.forgotten {
		if sp.end <= start || sp.start >= end {
			kept = append(kept, sp)
			continue
		}
		if sp.start < start {
			kept = append(kept, span{sp.start, start})
		}
		if sp.end > end {
			kept = append(kept, span{end, sp.end})
		}
	}
	n.forgotten = kept
}

// clearForgotten zeroes the forgotten ranges within b, a durable image of
// the file.
func (n *node) clearForgotten(b []byte) {
	for _, sp := range n.forgotten {
		if sp.start < len(b) {
			clear(b[sp.start:min(sp.end, len(b))])
		}
	}
}

// sync makes the live contents the synced contents, copying only the part
// that changed.
func (n *node) sync() {
	n.synced = append(n.synced[:n.dirty], n.data[n.dirty:]...)
	n.clearForgotten(n.synced)
	n.forgotten = nil
	n.dirty = len(n.data)
}

// syncDir makes the live entries the durable entries.
func (n *node) syncDir() {
	n.durable = maps.Clone(n.live)
}

// unsynced reports whether the file has changes a power cut would drop.
func (n *node) unsynced() bool {
	return n.dirty < len(n.data) || len(n.data) != len(n.synced)
}

// sortedNames returns the keys of m in order, so that walks (and the random
// choices of torn writes) do not depend on map order.
func sortedNames(m map[string]*node) []string {
	return slices.Sorted(maps.Keys(m))
}

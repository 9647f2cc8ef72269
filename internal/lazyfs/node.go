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

// resize sets the live length to size, zero-filling any growth.
func (n *node) resize(size int) {
	old := len(n.data)
	n.touch(min(old, size))
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
	copy(n.data[off:], p)
}

// sync makes the live contents the synced contents, copying only the part
// that changed.
func (n *node) sync() {
	n.synced = append(n.synced[:n.dirty], n.data[n.dirty:]...)
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

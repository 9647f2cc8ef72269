package memfs

import (
	"io/fs"
	"maps"
	"time"
)

// node is an inode: a regular file or a directory.
type node struct {
	dir bool

	// Regular files. Invariant: data[:dirty] equals synced[:dirty], and
	// dirty <= min(len(data), len(synced)). synced never shares a backing
	// array with data.
	data   []byte // live contents
	synced []byte // contents as of the last successful Sync
	dirty  int    // lowest offset that may differ between data and synced

	// Directories.
	live    map[string]*node // entries that lookups see
	durable map[string]*node // entries as of the last SyncDir
}

func newFile() *node { return &node{} }

func newDir() *node {
	return &node{dir: true, live: map[string]*node{}, durable: map[string]*node{}}
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

// fileInfo implements fs.FileInfo for a node.
type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (n *node) info(name string) fileInfo {
	return fileInfo{name: name, size: int64(len(n.data)), dir: n.dir}
}

func (fi fileInfo) Name() string { return fi.name }
func (fi fileInfo) Size() int64  { return fi.size }
func (fi fileInfo) Mode() fs.FileMode {
	if fi.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (fi fileInfo) ModTime() time.Time { return time.Time{} }
func (fi fileInfo) IsDir() bool        { return fi.dir }
func (fi fileInfo) Sys() any           { return nil }

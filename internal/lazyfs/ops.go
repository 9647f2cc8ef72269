package lazyfs

import (
	"context"
	"syscall"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// inode is the FUSE face of a model node. go-fuse may create several over
// the life of one node (after the kernel forgets it), so it holds no state
// of its own.
type inode struct {
	fs.Inode
	lfs *FS
	n   *node
}

var (
	_ fs.NodeGetattrer = (*inode)(nil)
	_ fs.NodeSetattrer = (*inode)(nil)
	_ fs.NodeLookuper  = (*inode)(nil)
	_ fs.NodeReaddirer = (*inode)(nil)
	_ fs.NodeMkdirer   = (*inode)(nil)
	_ fs.NodeCreater   = (*inode)(nil)
	_ fs.NodeUnlinker  = (*inode)(nil)
	_ fs.NodeRmdirer   = (*inode)(nil)
	_ fs.NodeRenamer   = (*inode)(nil)
	_ fs.NodeOpener    = (*inode)(nil)
	_ fs.NodeReader    = (*inode)(nil)
	_ fs.NodeWriter    = (*inode)(nil)
	_ fs.NodeFsyncer   = (*inode)(nil)
	_ fs.NodeFlusher   = (*inode)(nil)
	_ fs.NodeStatfser  = (*inode)(nil)
)

// maxSize bounds file sizes: the model keeps files in memory twice.
const maxSize = 1 << 32

// blockSize is the block size reported by stat and statfs.
const blockSize = 4096

// lock takes the FS lock and reports EIO once the power is cut: nothing
// done after the cut may change what survives it.
func (i *inode) lock() syscall.Errno {
	i.lfs.mu.Lock()
	if i.lfs.cut {
		i.lfs.mu.Unlock()
		return syscall.EIO
	}
	return 0
}

func (i *inode) unlock() { i.lfs.mu.Unlock() }

// child wraps a model node for the kernel.
func (i *inode) child(ctx context.Context, n *node, out *fuse.EntryOut) *fs.Inode {
	mode := uint32(syscall.S_IFREG)
	if n.dir {
		mode = syscall.S_IFDIR
	}
	fillAttr(n, &out.Attr)
	return i.NewInode(ctx, &inode{lfs: i.lfs, n: n}, fs.StableAttr{Mode: mode, Ino: n.ino})
}

func fillAttr(n *node, a *fuse.Attr) {
	a.Ino = n.ino
	a.Mode = n.perm
	a.Nlink = 1
	if n.dir {
		a.Mode |= syscall.S_IFDIR
		a.Nlink = 2
	} else {
		a.Mode |= syscall.S_IFREG
		a.Size = uint64(len(n.data))
	}
	a.Blksize = blockSize
	a.Blocks = (a.Size + 511) / 512
	a.SetTimes(&n.mtime, &n.mtime, &n.ctime)
}

// Getattr implements fs.NodeGetattrer.
func (i *inode) Getattr(_ context.Context, _ fs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	if e := i.lock(); e != 0 {
		return e
	}
	defer i.unlock()
	fillAttr(i.n, &out.Attr)
	return 0
}

// Setattr implements fs.NodeSetattrer: size (truncate), mode and times.
// Ownership changes are accepted and ignored.
func (i *inode) Setattr(_ context.Context, _ fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if e := i.lock(); e != 0 {
		return e
	}
	defer i.unlock()
	n := i.n
	now := time.Now()
	if size, ok := in.GetSize(); ok {
		if n.dir {
			return syscall.EISDIR
		}
		if size > maxSize {
			return syscall.EFBIG
		}
		n.resize(int(size))
		n.touchTimes(now)
	}
	if mode, ok := in.GetMode(); ok {
		n.perm = mode & 0o7777
		n.ctime = now
	}
	if mtime, ok := in.GetMTime(); ok {
		n.mtime = mtime
	}
	fillAttr(n, &out.Attr)
	return 0
}

// Lookup implements fs.NodeLookuper.
func (i *inode) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if e := i.lock(); e != 0 {
		return nil, e
	}
	defer i.unlock()
	c, ok := i.n.live[name]
	if !ok {
		return nil, syscall.ENOENT
	}
	return i.child(ctx, c, out), 0
}

// Readdir implements fs.NodeReaddirer, in name order.
func (i *inode) Readdir(context.Context) (fs.DirStream, syscall.Errno) {
	if e := i.lock(); e != 0 {
		return nil, e
	}
	defer i.unlock()
	names := sortedNames(i.n.live)
	list := make([]fuse.DirEntry, 0, len(names))
	for _, name := range names {
		c := i.n.live[name]
		mode := uint32(syscall.S_IFREG)
		if c.dir {
			mode = syscall.S_IFDIR
		}
		list = append(list, fuse.DirEntry{Name: name, Ino: c.ino, Mode: mode})
	}
	return fs.NewListDirStream(list), 0
}

// Mkdir implements fs.NodeMkdirer. The new entry is live, not durable.
func (i *inode) Mkdir(ctx context.Context, name string, mode uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if e := i.lock(); e != 0 {
		return nil, e
	}
	defer i.unlock()
	if _, ok := i.n.live[name]; ok {
		return nil, syscall.EEXIST
	}
	now := time.Now()
	c := i.lfs.newNode(true, mode&0o7777, now)
	i.n.live[name] = c
	i.n.touchTimes(now)
	return i.child(ctx, c, out), 0
}

// Create implements fs.NodeCreater. The new entry is live, not durable.
func (i *inode) Create(ctx context.Context, name string, flags, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	if e := i.lock(); e != 0 {
		return nil, nil, 0, e
	}
	defer i.unlock()
	now := time.Now()
	c, ok := i.n.live[name]
	switch {
	case ok && flags&syscall.O_EXCL != 0:
		return nil, nil, 0, syscall.EEXIST
	case ok && c.dir:
		return nil, nil, 0, syscall.EISDIR
	case ok:
		if flags&syscall.O_TRUNC != 0 {
			c.resize(0)
			c.touchTimes(now)
		}
	default:
		c = i.lfs.newNode(false, mode&0o7777, now)
		i.n.live[name] = c
		i.n.touchTimes(now)
	}
	return i.child(ctx, c, out), nil, 0, 0
}

// Unlink implements fs.NodeUnlinker. Open handles keep the file.
func (i *inode) Unlink(_ context.Context, name string) syscall.Errno {
	if e := i.lock(); e != 0 {
		return e
	}
	defer i.unlock()
	c, ok := i.n.live[name]
	switch {
	case !ok:
		return syscall.ENOENT
	case c.dir:
		return syscall.EISDIR
	}
	delete(i.n.live, name)
	i.n.touchTimes(time.Now())
	return 0
}

// Rmdir implements fs.NodeRmdirer.
func (i *inode) Rmdir(_ context.Context, name string) syscall.Errno {
	if e := i.lock(); e != 0 {
		return e
	}
	defer i.unlock()
	c, ok := i.n.live[name]
	switch {
	case !ok:
		return syscall.ENOENT
	case !c.dir:
		return syscall.ENOTDIR
	case len(c.live) > 0:
		return syscall.ENOTEMPTY
	}
	delete(i.n.live, name)
	i.n.touchTimes(time.Now())
	return 0
}

// renameNoReplace and renameExchange are renameat2(2) flags.
const (
	renameNoReplace = 0x1
	renameExchange  = 0x2
)

// Rename implements fs.NodeRenamer like rename(2) and renameat2(2) with
// RENAME_NOREPLACE or RENAME_EXCHANGE. The change is live, not durable.
func (i *inode) Rename(_ context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	np, ok := newParent.(*inode)
	if !ok {
		return syscall.EXDEV
	}
	if e := i.lock(); e != 0 {
		return e
	}
	defer i.unlock()
	od, nd := i.n, np.n
	src, ok := od.live[name]
	if !ok {
		return syscall.ENOENT
	}
	dst, exists := nd.live[newName]
	if src.dir && (src == nd || contains(src, nd)) {
		return syscall.EINVAL
	}
	now := time.Now()
	switch {
	case flags&^(renameNoReplace|renameExchange) != 0,
		flags == renameNoReplace|renameExchange:
		return syscall.EINVAL
	case flags&renameExchange != 0:
		if !exists {
			return syscall.ENOENT
		}
		if dst.dir && (dst == od || contains(dst, od)) {
			return syscall.EINVAL
		}
		od.live[name], nd.live[newName] = dst, src
		od.touchTimes(now)
		nd.touchTimes(now)
		return 0
	case exists && flags&renameNoReplace != 0:
		return syscall.EEXIST
	case exists && dst == src:
		return 0
	case exists && dst.dir && !src.dir:
		return syscall.EISDIR
	case exists && !dst.dir && src.dir:
		return syscall.ENOTDIR
	case exists && dst.dir && len(dst.live) > 0:
		return syscall.ENOTEMPTY
	}
	delete(od.live, name)
	nd.live[newName] = src
	od.touchTimes(now)
	nd.touchTimes(now)
	return 0
}

// contains reports whether the directory d holds target at any depth in
// the live tree.
func contains(d, target *node) bool {
	for _, c := range d.live {
		if c == target || (c.dir && contains(c, target)) {
			return true
		}
	}
	return false
}

// Open implements fs.NodeOpener. There is no per-open state: reads and
// writes go to the node.
func (i *inode) Open(_ context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	if e := i.lock(); e != 0 {
		return nil, 0, e
	}
	defer i.unlock()
	if i.n.dir {
		return nil, 0, syscall.EISDIR
	}
	if flags&syscall.O_TRUNC != 0 && flags&syscall.O_ACCMODE != syscall.O_RDONLY {
		i.n.resize(0)
		i.n.touchTimes(time.Now())
	}
	return nil, 0, 0
}

// Read implements fs.NodeReader from the live contents.
func (i *inode) Read(_ context.Context, _ fs.FileHandle, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	if e := i.lock(); e != 0 {
		return nil, e
	}
	defer i.unlock()
	if i.n.dir {
		return nil, syscall.EISDIR
	}
	if off < 0 {
		return nil, syscall.EINVAL
	}
	if off >= int64(len(i.n.data)) {
		return fuse.ReadResultData(nil), 0
	}
	c := copy(dest, i.n.data[off:])
	return fuse.ReadResultData(dest[:c]), 0
}

// Write implements fs.NodeWriter: the bytes go to the live contents only.
func (i *inode) Write(_ context.Context, _ fs.FileHandle, data []byte, off int64) (uint32, syscall.Errno) {
	if e := i.lock(); e != 0 {
		return 0, e
	}
	defer i.unlock()
	if i.n.dir {
		return 0, syscall.EISDIR
	}
	if off < 0 {
		return 0, syscall.EINVAL
	}
	if off+int64(len(data)) > maxSize {
		return 0, syscall.EFBIG
	}
	i.n.writeAt(data, int(off))
	i.n.touchTimes(time.Now())
	return uint32(len(data)), 0
}

// Flush implements fs.NodeFlusher. close(2) makes nothing durable.
func (i *inode) Flush(context.Context, fs.FileHandle) syscall.Errno {
	if e := i.lock(); e != 0 {
		return e
	}
	i.unlock()
	return 0
}

// Fsync implements fs.NodeFsyncer for fsync(2) and fdatasync(2) of files,
// which make the live contents durable, and of directories, which make the
// live entries durable.
func (i *inode) Fsync(context.Context, fs.FileHandle, uint32) syscall.Errno {
	if e := i.lock(); e != 0 {
		return e
	}
	defer i.unlock()
	if fault := i.lfs.fault; fault.Errno != 0 {
		if fault.ForgetsWrites && !i.n.dir {
			i.n.forget()
		}
		return fault.Errno
	}
	if i.n.dir {
		i.n.syncDir()
		i.lfs.stats.DirSyncs++
	} else {
		i.n.sync()
		i.lfs.stats.FileSyncs++
	}
	return 0
}

// Statfs implements fs.NodeStatfser.
func (i *inode) Statfs(_ context.Context, out *fuse.StatfsOut) syscall.Errno {
	if e := i.lock(); e != 0 {
		return e
	}
	defer i.unlock()
	const total = 1 << 32
	free := total / 2
	out.Bsize = blockSize
	out.Frsize = blockSize
	out.Blocks = uint64(total / blockSize)
	out.Bfree = uint64(free / blockSize)
	out.Bavail = out.Bfree
	out.Files = 1 << 20
	out.Ffree = out.Files - min(i.lfs.nextIno, out.Files)
	out.NameLen = 255
	return 0
}

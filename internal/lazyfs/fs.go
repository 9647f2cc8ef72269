package lazyfs

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// Errors returned by this package.
var (
	// ErrUnsupported is returned by Mount when the backing directory holds
	// something other than regular files and directories.
	ErrUnsupported = errors.New("lazyfs: unsupported file type in backing directory")
	// ErrNotMounted is returned by PowerCut and Unmount after either has
	// already run.
	ErrNotMounted = errors.New("lazyfs: not mounted")
)

// FS is a mounted lazy file system; see the package documentation.
type FS struct {
	backing    string
	mountpoint string
	server     *fuse.Server

	mu      sync.Mutex
	root    *node
	nextIno uint64
	cut     bool // power cut or unmounted: every operation fails with EIO
	fault   SyncFault
	stats   Stats
}

// Stats counts what the mounted file system was asked to make durable.
type Stats struct {
	FileSyncs int64 // fsync and fdatasync of regular files
	DirSyncs  int64 // fsync of directories
}

// CutConfig says how [FS.PowerCutWith] treats written but unsynced data.
type CutConfig struct {
	// TornWrites keeps, for every file with unsynced changes, a random
	// prefix of those changes on top of the synced bytes before them (for a
	// file that is only appended to: a random prefix of the unsynced
	// appends, possibly empty). When false, only synced bytes survive.
	// Directory changes are never torn: an entry is durable or it is not.
	TornWrites bool
	// Seed makes the random choices of TornWrites reproducible.
	Seed uint64
}

// CutStats describes what a power cut dropped.
type CutStats struct {
	// UnsyncedFiles is the number of durably named files whose live
	// contents differed from their synced contents.
	UnsyncedFiles int
	// LostBytes is the number of written but unsynced bytes dropped.
	LostBytes int64
	// TornFiles and TornBytes count the files that kept part of their
	// unsynced writes (TornWrites), and how many bytes they kept.
	TornFiles int
	TornBytes int64
	// LostEntries is the number of live directory entries (creations,
	// renames) that were not durable and are gone or point elsewhere.
	LostEntries int
}

// String summarises the statistics on one line.
func (s CutStats) String() string {
	return fmt.Sprintf("%d unsynced files, %d bytes lost, %d torn files keeping %d bytes, %d undurable entries",
		s.UnsyncedFiles, s.LostBytes, s.TornFiles, s.TornBytes, s.LostEntries)
}

// Mount reads the backing directory into memory and mounts it on
// mountpoint, an existing empty directory. As root it mounts directly
// (mount(2) on /dev/fuse); otherwise it needs fusermount.
func Mount(backing, mountpoint string) (*FS, error) {
	backing, err := filepath.Abs(backing)
	if err != nil {
		return nil, fmt.Errorf("lazyfs: %w", err)
	}
	if mountpoint, err = filepath.Abs(mountpoint); err != nil {
		return nil, fmt.Errorf("lazyfs: %w", err)
	}
	f := &FS{backing: backing, mountpoint: mountpoint}
	now := time.Now()
	f.root = f.newNode(true, 0o755, now)
	if info, err := os.Stat(backing); err == nil {
		f.root.perm = uint32(info.Mode().Perm())
	}
	if err := f.load(backing, f.root); err != nil {
		return nil, err
	}
	root := &inode{lfs: f, n: f.root}
	second := time.Second
	opts := &fs.Options{
		MountOptions: fuse.MountOptions{
			DirectMount:   true,
			FsName:        "lazyfs:" + backing,
			Name:          "lazyfs",
			DisableXAttrs: true,
			MaxWrite:      1 << 20,
		},
		EntryTimeout:   &second,
		AttrTimeout:    &second,
		RootStableAttr: &fs.StableAttr{Ino: f.root.ino, Mode: syscall.S_IFDIR},
	}
	srv, err := fs.Mount(mountpoint, root, opts)
	if err != nil {
		return nil, fmt.Errorf("lazyfs: mounting %s: %w", mountpoint, err)
	}
	f.server = srv
	return f, nil
}

// newNode allocates a node with the next inode number (the root, created
// first, is inode 1). Called under mu or before the mount.
func (f *FS) newNode(dir bool, perm uint32, now time.Time) *node {
	f.nextIno++
	n := &node{ino: f.nextIno, dir: dir, perm: perm, mtime: now, ctime: now}
	if dir {
		n.live, n.durable = map[string]*node{}, map[string]*node{}
	}
	return n
}

// Mountpoint returns the absolute path the file system is mounted on.
func (f *FS) Mountpoint() string { return f.mountpoint }

// Backing returns the absolute path of the backing directory.
func (f *FS) Backing() string { return f.backing }

// Stats returns the counts of syncs so far.
func (f *FS) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats
}

// SyncFault describes failing fsyncs; the zero value means they work.
type SyncFault struct {
	// Errno, when non-zero, is the error every fsync and fdatasync
	// (of files and directories) fails with. A failed sync makes nothing
	// durable.
	Errno syscall.Errno
	// ForgetsWrites makes a failed sync of a file do what Linux's page
	// cache does after a writeback error: the unsynced bytes stay readable
	// but are marked clean, so a later successful sync does not write them
	// (it leaves zeros there when the file grew) and a power cut loses them
	// - unless they are written again first. A program that merely retries
	// the fsync loses data; one that rewrites what it had not synced does
	// not.
	ForgetsWrites bool
}

// SetSyncFault makes later fsyncs fail as described; SyncFault{} makes them
// work again.
func (f *FS) SetSyncFault(sf SyncFault) {
	f.mu.Lock()
	f.fault = sf
	f.mu.Unlock()
}

// PowerCut is PowerCutWith with only synced data surviving.
func (f *FS) PowerCut() (CutStats, error) { return f.PowerCutWith(CutConfig{}) }

// PowerCutWith simulates a power failure: at one instant it takes what
// would survive (durable directory entries, synced file contents, and with
// cfg.TornWrites a random prefix of unsynced changes), makes every later
// operation on the mount fail with EIO, unmounts, and writes the survivors
// to the backing directory, replacing its contents. Mount the backing
// directory again to "reboot".
//
// Processes using the mount should be gone (killed) first; if the mount is
// still busy it is detached lazily and disappears when its last user does.
func (f *FS) PowerCutWith(cfg CutConfig) (CutStats, error) {
	f.mu.Lock()
	if f.cut {
		f.mu.Unlock()
		return CutStats{}, ErrNotMounted
	}
	c := cutter{seen: map[*node]*image{}}
	if cfg.TornWrites {
		c.rng = rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	}
	img := c.durable(f.root)
	f.cut = true
	f.mu.Unlock()
	uerr := f.unmount()
	if err := store(f.backing, img); err != nil {
		return c.stats, err
	}
	return c.stats, uerr
}

// Unmount unmounts cleanly: like an orderly shutdown, it first writes
// everything, synced or not, to the backing directory.
func (f *FS) Unmount() error {
	f.mu.Lock()
	if f.cut {
		f.mu.Unlock()
		return ErrNotMounted
	}
	img := live(f.root, map[*node]*image{})
	f.cut = true
	f.mu.Unlock()
	uerr := f.unmount()
	if err := store(f.backing, img); err != nil {
		return err
	}
	return uerr
}

// unmount detaches the mount and waits for the FUSE server to stop. A busy
// mount is retried for a while, then detached lazily without waiting.
func (f *FS) unmount() error {
	var err error
	for delay := time.Millisecond; delay < time.Second; delay *= 2 {
		if err = syscall.Unmount(f.mountpoint, 0); err == nil {
			f.server.Wait()
			return nil
		}
		if err == syscall.EPERM {
			// Not root: go through fusermount.
			return f.server.Unmount()
		}
		if err != syscall.EBUSY {
			break
		}
		time.Sleep(delay)
	}
	if errors.Is(err, syscall.EBUSY) {
		if derr := syscall.Unmount(f.mountpoint, syscall.MNT_DETACH); derr == nil {
			return nil
		}
	}
	return fmt.Errorf("lazyfs: unmounting %s: %w", f.mountpoint, err)
}

// String describes the tree for test failure messages: one line per entry
// with its live and synced sizes, marking entries that are live only ("+",
// gone after a power cut), durable only ("-", back after a power cut) or
// durably pointing at another file ("~").
func (f *FS) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	describe(&b, "", f.root)
	return b.String()
}

func describe(b *strings.Builder, prefix string, d *node) {
	names := sortedNames(d.live)
	for _, name := range sortedNames(d.durable) {
		if _, ok := d.live[name]; !ok {
			names = append(names, name)
		}
	}
	for _, name := range names {
		live, inLive := d.live[name]
		dur, inDur := d.durable[name]
		mark := " "
		switch {
		case !inDur:
			mark = "+"
		case !inLive:
			mark, live = "-", dur
		case live != dur:
			mark = "~"
		}
		p := prefix + "/" + name
		if live.dir {
			fmt.Fprintf(b, "%s %s/\n", mark, p)
			describe(b, p, live)
			continue
		}
		fmt.Fprintf(b, "%s %s live=%d synced=%d\n", mark, p, len(live.data), len(live.synced))
	}
}

package memfs

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

// CrashConfig says how [FS.CrashCloneWith] treats data that was written but
// not synced.
type CrashConfig struct {
	// TornWrites keeps, for every file that has unsynced changes, a
	// random-length prefix of those changes on top of the synced bytes that
	// precede them. For a file that is only appended to, this is a random
	// prefix of the unsynced appends; a length of zero keeps exactly the
	// synced contents. When false, only synced bytes survive.
	TornWrites bool

	// Seed makes the random choices of TornWrites reproducible.
	Seed uint64
}

// CrashClone returns a new file system holding only what would survive a
// power loss now: synced file contents under directory entries made durable
// by SyncDir. The receiver is unchanged and stays usable.
func (m *FS) CrashClone() *FS { return m.CrashCloneWith(CrashConfig{}) }

// CrashCloneWith is CrashClone with control over unsynced data.
func (m *FS) CrashCloneWith(cfg CrashConfig) *FS {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := cloner{cfg: cfg, seen: map[*node]*node{}}
	if cfg.TornWrites {
		c.rng = rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	}
	return &FS{root: c.clone(m.root)}
}

type cloner struct {
	cfg  CrashConfig
	rng  *rand.Rand
	seen map[*node]*node // keeps hard-link identity when a node has two durable names
}

func (c *cloner) clone(n *node) *node {
	if out, ok := c.seen[n]; ok {
		return out
	}
	if n.dir {
		out := newDir()
		c.seen[n] = out
		// Sorted order makes the random choices depend only on the seed.
		for _, name := range slices.Sorted(maps.Keys(n.durable)) {
			out.live[name] = c.clone(n.durable[name])
		}
		out.syncDir()
		return out
	}
	data := n.synced
	if c.rng != nil && len(n.data) > n.dirty {
		if keep := c.rng.IntN(len(n.data) - n.dirty + 1); keep > 0 {
			data = append(n.synced[:n.dirty:n.dirty], n.data[n.dirty:n.dirty+keep]...)
		}
	}
	out := &node{
		data:   slices.Clone(data),
		synced: slices.Clone(data),
		dirty:  len(data),
	}
	if out.data == nil {
		out.data, out.synced = []byte{}, []byte{}
	}
	c.seen[n] = out
	return out
}

// String describes the tree for test failure messages: one line per live
// or durable entry with its live and synced sizes, marking entries that are
// live only ("+", lost on a crash) or durable only ("-", back after a
// crash).
func (m *FS) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	describe(&b, "", m.root)
	return b.String()
}

func describe(b *strings.Builder, prefix string, d *node) {
	names := slices.Collect(maps.Keys(d.live))
	for name := range d.durable {
		if _, ok := d.live[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
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
			mark = "~" // the name durably points at another inode
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

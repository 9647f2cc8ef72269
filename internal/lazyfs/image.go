package lazyfs

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// The backing directory is the disk: it holds the file system between
// mounts. Mount reads it into memory (everything in it is durable), and
// PowerCut and Unmount write back what survives.

// image is a file or directory as it is written to the backing directory.
type image struct {
	dir      bool
	perm     uint32
	data     []byte
	children map[string]*image
}

// load reads the backing directory dir into the directory node d. Regular
// files and directories are supported; anything else is an error.
func (f *FS) load(dir string, d *node) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("lazyfs: reading backing directory: %w", err)
	}
	now := time.Now()
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		info, err := e.Info()
		if err != nil {
			return fmt.Errorf("lazyfs: reading backing directory: %w", err)
		}
		perm := uint32(info.Mode().Perm())
		switch {
		case info.IsDir():
			c := f.newNode(true, perm, now)
			if err := f.load(p, c); err != nil {
				return err
			}
			c.syncDir()
			d.live[e.Name()] = c
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return fmt.Errorf("lazyfs: reading backing file: %w", err)
			}
			c := f.newNode(false, perm, info.ModTime())
			c.data = data
			c.sync()
			d.live[e.Name()] = c
		default:
			return fmt.Errorf("%w: %s is a %v", ErrUnsupported, p, info.Mode().Type())
		}
	}
	d.syncDir()
	return nil
}

// cutter builds the image of what survives a power cut.
type cutter struct {
	rng   *rand.Rand // nil unless torn writes are on
	seen  map[*node]*image
	stats CutStats
}

// durable returns the image of d made only of durable state: durable
// directory entries and synced file contents (plus, with torn writes, a
// random prefix of each file's unsynced changes). Called under the FS lock.
func (c *cutter) durable(d *node) *image {
	out := &image{dir: true, perm: d.perm, children: map[string]*image{}}
	for _, name := range sortedNames(d.live) {
		if d.durable[name] != d.live[name] {
			c.stats.LostEntries++
		}
	}
	for _, name := range sortedNames(d.durable) {
		n := d.durable[name]
		if img, ok := c.seen[n]; ok {
			out.children[name] = img
			continue
		}
		var img *image
		if n.dir {
			img = c.durable(n)
		} else {
			img = c.file(n)
		}
		c.seen[n] = img
		out.children[name] = img
	}
	return out
}

func (c *cutter) file(n *node) *image {
	data := n.synced
	if n.unsynced() {
		c.stats.UnsyncedFiles++
		lost := int64(len(n.data) - n.dirty)
		if c.rng != nil && len(n.data) > n.dirty {
			if keep := c.rng.IntN(len(n.data) - n.dirty + 1); keep > 0 {
				data = append(slices.Clip(n.synced[:n.dirty]), n.data[n.dirty:n.dirty+keep]...)
				lost -= int64(keep)
				c.stats.TornFiles++
				c.stats.TornBytes += int64(keep)
			}
		}
		c.stats.LostBytes += max(lost, 0)
	}
	img := &image{perm: n.perm, data: slices.Clone(data)}
	n.clearForgotten(img.data)
	return img
}

// live returns the image of the live tree under d: what a clean unmount,
// which writes everything back, leaves on disk. Called under the FS lock.
func live(d *node, seen map[*node]*image) *image {
	out := &image{dir: true, perm: d.perm, children: map[string]*image{}}
	for _, name := range sortedNames(d.live) {
		n := d.live[name]
		img, ok := seen[n]
		if !ok {
			if n.dir {
				img = live(n, seen)
			} else {
				img = &image{perm: n.perm, data: slices.Clone(n.data)}
			}
			seen[n] = img
		}
		out.children[name] = img
	}
	return out
}

// store replaces the contents of the backing directory dir with img.
func store(dir string, img *image) error {
	old, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("lazyfs: writing backing directory: %w", err)
	}
	for _, e := range old {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("lazyfs: writing backing directory: %w", err)
		}
	}
	return storeChildren(dir, img)
}

func storeChildren(dir string, img *image) error {
	for name, c := range img.children {
		p := filepath.Join(dir, name)
		if c.dir {
			if err := os.Mkdir(p, os.FileMode(c.perm)|0o700); err != nil {
				return fmt.Errorf("lazyfs: writing backing directory: %w", err)
			}
			if err := storeChildren(p, c); err != nil {
				return err
			}
			continue
		}
		if err := os.WriteFile(p, c.data, os.FileMode(c.perm)); err != nil {
			return fmt.Errorf("lazyfs: writing backing file: %w", err)
		}
	}
	return nil
}

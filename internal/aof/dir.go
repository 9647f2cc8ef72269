package aof

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/vfs"
)

// Dir is the AOF directory <dir>/<appenddirname>: a manifest naming one base
// file, incr files and history files, all named from the appendfilename
// prefix. Every change to the set of files follows the same ritual: create
// or rename the files, then replace the manifest atomically (temp file,
// fsync, rename, fsync the directory), so that a crash at any point leaves a
// manifest that names complete files.
type Dir struct {
	FS     vfs.FS
	Root   string // the server's dir
	Name   string // appenddirname
	Prefix string // appendfilename
	M      *manifest.Manifest
}

// Path is the directory holding the AOF files.
func (d *Dir) Path() string { return filepath.Join(d.Root, d.Name) }

// File returns the path of a file of the AOF directory.
func (d *Dir) File(name string) string { return filepath.Join(d.Path(), name) }

// Open reads the manifest (an absent directory or manifest gives an empty
// one) and performs the upgrade of a legacy single-file AOF <root>/<prefix>
// when Redis 7.0 would. It reports whether an upgrade happened.
func Open(fsys vfs.FS, root, name, prefix string) (*Dir, bool, error) {
	d := &Dir{FS: fsys, Root: root, Name: name, Prefix: prefix}
	m, err := manifest.Load(fsys, d.Path(), prefix)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		m = &manifest.Manifest{}
	case err != nil:
		return nil, false, err
	}
	d.M = m
	upgraded, err := d.upgradeLegacy()
	return d, upgraded, err
}

// upgradeLegacy moves an old single-file AOF into the directory, as Redis
// 7.0 does on startup. Each step is safe to repeat after a crash: the
// manifest naming <prefix> as the base is written before the file moves,
// and a manifest whose only base is <prefix> with the file still outside is
// upgraded again.
func (d *Dir) upgradeLegacy() (bool, error) {
	legacy := filepath.Join(d.Root, d.Prefix)
	if _, err := d.FS.Stat(legacy); err != nil {
		return false, nil
	}
	_, dirErr := d.FS.Stat(d.Path())
	noDir := dirErr != nil
	empty := d.M.Base == nil && len(d.M.Incrs) == 0
	onlyLegacyBase := d.M.Base != nil && d.M.Base.Name == d.Prefix && len(d.M.Incrs) == 0
	if onlyLegacyBase {
		if _, err := d.FS.Stat(d.File(d.Prefix)); err == nil {
			onlyLegacyBase = false // already moved
		}
	}
	if !noDir && !empty && !onlyLegacyBase {
		return false, nil
	}
	if err := d.ensure(); err != nil {
		return false, err
	}
	m := &manifest.Manifest{Base: &manifest.File{Name: d.Prefix, Seq: 1, Type: 'b'}, CurBaseSeq: 1}
	if err := manifest.Save(d.FS, d.Path(), d.Prefix, m); err != nil {
		return false, err
	}
	d.M = m
	if err := d.FS.Rename(legacy, d.File(d.Prefix)); err != nil {
		return false, fmt.Errorf("aof: moving %s into %s: %w", legacy, d.Path(), err)
	}
	if err := d.FS.SyncDir(d.Path()); err != nil {
		return false, err
	}
	if err := d.FS.SyncDir(d.Root); err != nil {
		return false, err
	}
	return true, nil
}

// Exists reports whether the manifest names a base or an incr file.
func (d *Dir) Exists() bool { return d.M.Base != nil || len(d.M.Incrs) > 0 }

// PlannedFile is a file to load with its size.
type PlannedFile struct {
	manifest.File
	Path string
	Size int64
}

// Plan lists the files to load (the base, then the incr files in order)
// with their sizes. A listed file that is missing is an error.
func (d *Dir) Plan() ([]PlannedFile, int64, error) {
	var out []PlannedFile
	var total int64
	for _, f := range d.M.Live() {
		p := d.File(f.Name)
		st, err := d.FS.Stat(p)
		if err != nil {
			return nil, 0, fmt.Errorf("aof: the AOF file %s listed in the manifest does not exist: %w", f.Name, err)
		}
		out = append(out, PlannedFile{File: f, Path: p, Size: st.Size()})
		total += st.Size()
	}
	return out, total, nil
}

// ensure creates the AOF directory if it is missing and makes its entry in
// dir durable: a directory nobody fsynced into its parent can vanish in a
// power cut together with every file in it.
func (d *Dir) ensure() error {
	if _, err := d.FS.Stat(d.Path()); err == nil {
		return nil
	}
	if err := d.FS.MkdirAll(d.Path(), 0o755); err != nil {
		return fmt.Errorf("aof: creating %s: %w", d.Path(), err)
	}
	if err := d.FS.SyncDir(d.Root); err != nil {
		return fmt.Errorf("aof: syncing %s: %w", d.Root, err)
	}
	return nil
}

// Persist writes the manifest atomically.
func (d *Dir) Persist() error {
	if err := d.ensure(); err != nil {
		return err
	}
	return manifest.Save(d.FS, d.Path(), d.Prefix, d.M)
}

// CreateBase writes a new base file with write (an empty RDB or nothing) and
// records it in the manifest: used when AOF starts with no files at all.
func (d *Dir) CreateBase(rdb bool, write func(w io.Writer) error) error {
	if err := d.ensure(); err != nil {
		return err
	}
	m := d.M.Clone()
	base := m.InstallBase(d.Prefix, rdb, false)
	if err := vfs.WriteFileAtomicFunc(d.FS, d.File(base.Name), vfs.TempPrefix+base.Name, write); err != nil {
		return err
	}
	d.M = m
	return nil
}

// OpenIncr opens the last incr file for appending, or creates the next one
// when there is none, and persists the manifest. It returns the file, its
// name and its current size.
func (d *Dir) OpenIncr() (vfs.File, string, int64, error) {
	if last, ok := d.M.LastIncr(); ok {
		f, err := d.FS.OpenAppend(d.File(last.Name))
		if err != nil {
			return nil, "", 0, fmt.Errorf("aof: opening %s: %w", last.Name, err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, "", 0, err
		}
		return f, last.Name, st.Size(), d.Persist()
	}
	return d.NewIncr()
}

// NewIncr creates the next incr file (truncating a leftover of that name),
// makes it durable, adds it to the manifest and persists the manifest.
func (d *Dir) NewIncr() (vfs.File, string, int64, error) {
	if err := d.ensure(); err != nil {
		return nil, "", 0, err
	}
	m := d.M.Clone()
	inc := m.NewIncr(d.Prefix)
	f, err := d.FS.Create(d.File(inc.Name))
	if err != nil {
		return nil, "", 0, fmt.Errorf("aof: creating %s: %w", inc.Name, err)
	}
	if err := d.FS.SyncDir(d.Path()); err != nil {
		f.Close()
		return nil, "", 0, err
	}
	if err := manifest.Save(d.FS, d.Path(), d.Prefix, m); err != nil {
		f.Close()
		return nil, "", 0, err
	}
	d.M = m
	return f, inc.Name, 0, nil
}

// InstallBase installs the result of a rewrite. It renames the new base file
// tmp (written and fsynced by the caller, in the server's dir) into the
// directory as the next base and fsyncs the directory and its parent; when
// tempIncr is not empty (AOF being switched on), it renames that file, which
// holds the writes made during the rewrite, into the first incr file and
// fsyncs the directory again; then it persists a manifest in which the old
// base and every incr file (but the last, when keepLastIncr) are history.
// It returns the name of the new base. Until the manifest is durable the
// previous one describes everything, so a crash at any step is safe; on
// error d.M is unchanged.
func (d *Dir) InstallBase(tmp string, rdb, keepLastIncr bool, tempIncr string) (string, error) {
	m := d.M.Clone()
	base := m.InstallBase(d.Prefix, rdb, keepLastIncr)
	if err := d.FS.Rename(tmp, d.File(base.Name)); err != nil {
		return "", fmt.Errorf("aof: renaming the new base into place: %w", err)
	}
	if err := d.FS.SyncDir(d.Path()); err != nil {
		return "", err
	}
	if err := d.FS.SyncDir(d.Root); err != nil {
		return "", err
	}
	if tempIncr != "" {
		inc := m.NewIncr(d.Prefix)
		if err := d.FS.Rename(d.File(tempIncr), d.File(inc.Name)); err != nil {
			return "", fmt.Errorf("aof: renaming the temporary incr file: %w", err)
		}
		if err := d.FS.SyncDir(d.Path()); err != nil {
			return "", err
		}
	}
	if err := manifest.Save(d.FS, d.Path(), d.Prefix, m); err != nil {
		return "", err
	}
	d.M = m
	return base.Name, nil
}

// DeleteHistory removes the history files and the manifest lines naming
// them. A file that is already gone is fine.
func (d *Dir) DeleteHistory() error {
	if len(d.M.History) == 0 {
		return nil
	}
	m := d.M.Clone()
	hist := m.DropHistory()
	if err := manifest.Save(d.FS, d.Path(), d.Prefix, m); err != nil {
		return err
	}
	d.M = m
	var errs []error
	for _, h := range hist {
		if err := d.FS.Remove(d.File(h.Name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := d.FS.SyncDir(d.Path()); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

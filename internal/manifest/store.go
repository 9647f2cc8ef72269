package manifest

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"

	"github.com/vestadb/vesta/internal/vfs"
)

// Load reads and parses dir/F.manifest, where F is prefix. If the file
// does not exist the error satisfies errors.Is(err, fs.ErrNotExist); Redis
// then starts with an empty manifest, and so may the caller.
func Load(fsys vfs.FS, dir, prefix string) (*Manifest, error) {
	if err := CheckPrefix(prefix); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, ManifestName(prefix))
	f, err := fsys.Open(path)
	if err != nil {
		return nil, fmt.Errorf("manifest: load: %w", err)
	}
	m, err := Parse(bufio.NewReaderSize(f, MaxLine))
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("manifest: load %s: %w", path, err)
	}
	return m, nil
}

// Save durably replaces dir/F.manifest with m, where F is prefix: it
// writes temp-F.manifest in dir, syncs it, renames it over the manifest and
// syncs dir (vfs.WriteFileAtomicFunc). When Save returns nil, the new
// manifest survives a crash; when it fails, the old one is still in place
// (unless only the final directory sync failed, in which case either may
// survive). A manifest that fails Validate is not written.
func Save(fsys vfs.FS, dir, prefix string, m *Manifest) error {
	if err := CheckPrefix(prefix); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	data := m.Marshal()
	path := filepath.Join(dir, ManifestName(prefix))
	err := vfs.WriteFileAtomicFunc(fsys, path, TempManifestName(prefix), func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("manifest: save: %w", err)
	}
	return nil
}

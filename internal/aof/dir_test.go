package aof

import (
	"errors"
	"io"
	"syscall"
	"testing"

	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/errorfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// Ensure that InstallBase renames the new base in, makes the old base and
// the older incr files history in a durable manifest, and that a failure
// leaves the manifest in memory and on disk as it was.
func TestInstallBase(t *testing.T) {
	const none = errorfs.OpKind(255)
	for _, fail := range []errorfs.OpKind{none, errorfs.OpRename, errorfs.OpSyncDir} {
		mem := memfs.New()
		if err := mem.MkdirAll("/data", 0o755); err != nil {
			t.Fatal(err)
		}
		armed := false
		efs := errorfs.New(mem, errorfs.InjectorFunc(func(op errorfs.Op) error {
			if armed && op.Kind == fail {
				return syscall.EIO
			}
			return nil
		}))
		d, _, err := Open(efs, "/data", "appendonlydir", "appendonly.aof")
		if err != nil {
			t.Fatal(err)
		}
		if err := d.CreateBase(true, func(w io.Writer) error { _, err := w.Write([]byte("old")); return err }); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			f, _, _, err := d.NewIncr()
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
		if err := vfs.WriteFileAtomic(efs, "/data/temp-rewrite.aof", []byte("new")); err != nil {
			t.Fatal(err)
		}
		before := d.M.Clone()
		armed = true
		name, err := d.InstallBase("/data/temp-rewrite.aof", true, true, "")
		armed = false
		onDisk, lerr := manifest.Load(mem, d.Path(), d.Prefix)
		if lerr != nil {
			t.Fatal(lerr)
		}
		if fail != none {
			if !errors.Is(err, syscall.EIO) {
				t.Fatalf("%v: InstallBase returned %v", fail, err)
			}
			if d.M.Base.Name != before.Base.Name || len(d.M.Incrs) != 2 || onDisk.Base.Name != before.Base.Name || len(onDisk.Incrs) != 2 {
				t.Fatalf("%v: the manifest changed after a failure: %+v, on disk %+v", fail, d.M, onDisk)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if d.M.Base.Name != name || name == before.Base.Name || len(d.M.Incrs) != 1 || d.M.Incrs[0] != before.Incrs[1] || len(d.M.History) != 2 {
			t.Fatalf("manifest after install: %+v (before %+v)", d.M, before)
		}
		if onDisk.Base.Name != name || len(onDisk.History) != 2 {
			t.Fatalf("manifest on disk: %+v", onDisk)
		}
		if b, err := vfs.ReadFile(mem, d.File(name)); err != nil || string(b) != "new" {
			t.Fatalf("new base: %q %v", b, err)
		}
	}
}

package manifest_test

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/errorfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

const (
	prefix = "appendonly.aof"
	aofDir = "/data/appendonlydir"
)

// newFS returns a memfs with a durable, empty AOF directory.
func newFS(t *testing.T) *memfs.FS {
	t.Helper()
	m := memfs.New()
	if err := m.MkdirAll(aofDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"/", "/data", aofDir} {
		if err := m.SyncDir(d); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func startManifest() *manifest.Manifest {
	m := &manifest.Manifest{}
	m.InstallBase(prefix, true, true)
	m.NewIncr(prefix)
	return m
}

func TestSaveLoad(t *testing.T) {
	for name, fsys := range map[string]func(t *testing.T) (vfs.FS, string){
		"memfs": func(t *testing.T) (vfs.FS, string) { return newFS(t), aofDir },
		"os":    func(t *testing.T) (vfs.FS, string) { return vfs.Default, t.TempDir() },
	} {
		t.Run(name, func(t *testing.T) {
			fsys, dir := fsys(t)
			_, err := manifest.Load(fsys, dir, prefix)
			if !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Load before Save: got %v, want fs.ErrNotExist", err)
			}
			m := startManifest()
			if err := manifest.Save(fsys, dir, prefix, m); err != nil {
				t.Fatal(err)
			}
			data, err := vfs.ReadFile(fsys, dir+"/appendonly.aof.manifest")
			if err != nil {
				t.Fatal(err)
			}
			if want := b1 + i1; string(data) != want {
				t.Errorf("saved bytes: got %q, want %q", data, want)
			}
			got, err := manifest.Load(fsys, dir, prefix)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, m) {
				t.Errorf("Load: got %s, want %s", dump(got), dump(m))
			}
			if _, err := fsys.Stat(dir + "/temp-appendonly.aof.manifest"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("temp manifest left behind: %v", err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	m := newFS(t)
	if err := vfs.WriteFileAtomic(m, aofDir+"/appendonly.aof.manifest", []byte(b1+"file x seq 0 type i\n")); err != nil {
		t.Fatal(err)
	}
	_, err := manifest.Load(m, aofDir, prefix)
	var pe *manifest.ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || !strings.Contains(err.Error(), aofDir+"/appendonly.aof.manifest") {
		t.Errorf("corrupt manifest: got %v, want a ParseError at line 2 naming the file", err)
	}
	if _, err := manifest.Load(m, aofDir, "../x"); !errors.Is(err, manifest.ErrBadPrefix) {
		t.Errorf("bad prefix: got %v, want ErrBadPrefix", err)
	}
	efs := errorfs.New(m, errorfs.Always(errorfs.OfKind(errorfs.OpRead), syscall.EIO))
	if _, err := manifest.Load(efs, aofDir, prefix); !errors.Is(err, syscall.EIO) {
		t.Errorf("read error: got %v, want EIO", err)
	}
}

func TestSaveRefusesInvalid(t *testing.T) {
	m := newFS(t)
	bad := &manifest.Manifest{Incrs: []manifest.File{incr("a", 2), incr("b", 1)}}
	if err := manifest.Save(m, aofDir, prefix, bad); !errors.Is(err, manifest.ErrInvalid) {
		t.Errorf("got %v, want ErrInvalid", err)
	}
	if err := manifest.Save(m, aofDir, "", startManifest()); !errors.Is(err, manifest.ErrBadPrefix) {
		t.Errorf("empty prefix: got %v, want ErrBadPrefix", err)
	}
	if ents, _ := m.ReadDir(aofDir); len(ents) != 0 {
		t.Errorf("files written for an invalid manifest: %v", ents)
	}
}

// Ensure that a failure at any step of Save reports the error and leaves a
// manifest that survives a crash as either the old or the new version.
func TestSaveFailAtEveryStep(t *testing.T) {
	old := startManifest()
	next := old.Clone()
	next.NewIncr(prefix)
	next.InstallBase(prefix, true, true)

	run := func(inj errorfs.Injector) (*memfs.FS, error) {
		m := newFS(t)
		if err := manifest.Save(m, aofDir, prefix, old); err != nil {
			t.Fatal(err)
		}
		return m, manifest.Save(errorfs.New(m, inj), aofDir, prefix, next)
	}
	counter := errorfs.Count(errorfs.WriteOps)
	if _, err := run(counter); err != nil {
		t.Fatal(err)
	}
	if counter.N() < 6 {
		t.Fatalf("got %d write ops, want at least 6", counter.N())
	}
	for i := range counter.N() {
		for _, errno := range []syscall.Errno{syscall.EIO, syscall.ENOSPC} {
			m, err := run(errorfs.OnIndex(i, errorfs.WriteOps, errno))
			if !errors.Is(err, errno) {
				t.Fatalf("op %d: got %v, want %v", i, err, errno)
			}
			for _, c := range []*memfs.FS{m, m.CrashClone()} {
				got, err := manifest.Load(c, aofDir, prefix)
				if err != nil {
					t.Fatalf("op %d: load after failure: %v\n%s", i, err, c)
				}
				if !reflect.DeepEqual(got, old) && !reflect.DeepEqual(got, next) {
					t.Errorf("op %d: got %s, want the old or the new manifest", i, dump(got))
				}
			}
		}
	}
}

// Ensure that a saved manifest survives a crash, even a torn one.
func TestSaveDurable(t *testing.T) {
	m := newFS(t)
	want := startManifest()
	if err := manifest.Save(m, aofDir, prefix, want); err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(10) {
		c := m.CrashCloneWith(memfs.CrashConfig{TornWrites: true, Seed: seed})
		got, err := manifest.Load(c, aofDir, prefix)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("seed %d: got %s, %v; want %s", seed, dump(got), err, dump(want))
		}
	}
}

func BenchmarkParse(b *testing.B) {
	in := "file appendonly.aof.4.base.rdb seq 4 type b\n" +
		"file appendonly.aof.3.incr.aof seq 3 type h\n" +
		"file appendonly.aof.3.base.rdb seq 3 type h\n" +
		"file appendonly.aof.4.incr.aof seq 4 type i\n"
	r := strings.NewReader(in)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		r.Reset(in)
		if _, err := manifest.Parse(r); err != nil {
			b.Fatal(err)
		}
	}
}

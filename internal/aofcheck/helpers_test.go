package aofcheck_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// cmd encodes one command as the AOF stores it.
func cmd(args ...string) string {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	return string(aof.AppendCommand(nil, b))
}

// cmds encodes several commands given as space-separated words.
func cmds(lines ...string) string {
	var sb strings.Builder
	for _, l := range lines {
		sb.WriteString(cmd(strings.Fields(l)...))
	}
	return sb.String()
}

// memDir returns an in-memory file system holding the given files.
func memDir(t testing.TB, files map[string]string) *memfs.FS {
	t.Helper()
	m := memfs.New()
	for name, data := range files {
		if i := strings.LastIndexByte(name, '/'); i > 0 {
			if err := m.MkdirAll(name[:i], 0o755); err != nil {
				t.Fatal(err)
			}
			if err := m.SyncDir(filepath.Dir(name[:i])); err != nil {
				t.Fatal(err)
			}
		}
		if err := vfs.WriteFileAtomic(m, name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// readFile reads a file of fsys, failing the test on error.
func readFile(t *testing.T, fsys vfs.FS, name string) string {
	t.Helper()
	b, err := vfs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

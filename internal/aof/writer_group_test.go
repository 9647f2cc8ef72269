package aof

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/vfs"
)

// A flush that runs while a transaction is being appended writes what
// came before it and leaves the transaction whole for the next flush.
func TestFlushStopsBeforeOpenGroup(t *testing.T) {
	fs := vfs.OS{}
	path := filepath.Join(t.TempDir(), "a.aof")
	f, err := fs.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := NewWriter(fs, f, path, 0, Always)
	defer w.Close()
	now := time.Now()
	w.Feed(0, [][]byte{[]byte("SET"), []byte("a"), []byte("1")}, now)
	before := w.Offset()
	w.BeginGroup()
	w.Feed(0, [][]byte{[]byte("MULTI")}, now)
	w.Feed(0, [][]byte{[]byte("SET"), []byte("b"), []byte("2")}, now)
	if err := w.Flush(before); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if bytes.Contains(got, []byte("MULTI")) || !bytes.Contains(got, []byte("$1\r\na\r\n")) {
		t.Fatalf("file during the transaction: %q", got)
	}
	if w.Synced() != before {
		t.Fatalf("synced %d, want %d (the offset before the transaction)", w.Synced(), before)
	}
	w.Feed(-1, [][]byte{[]byte("EXEC")}, now)
	w.EndGroup()
	if err := w.Flush(w.Offset()); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	if !bytes.HasSuffix(got, []byte("*1\r\n$4\r\nEXEC\r\n")) || !bytes.Contains(got, []byte("MULTI")) {
		t.Fatalf("file after the transaction: %q", got)
	}
}

package memfs_test

import (
	"fmt"

	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// A file whose data was synced but whose directory entry was not is gone
// after a crash.
func ExampleFS_CrashClone() {
	m := memfs.New()
	f, _ := m.Create("new-file")
	f.Write([]byte("data"))
	f.Sync()
	f.Close()

	_, err := vfs.ReadFile(m.CrashClone(), "new-file")
	fmt.Println("before SyncDir:", err)

	m.SyncDir("/")
	data, _ := vfs.ReadFile(m.CrashClone(), "new-file")
	fmt.Printf("after SyncDir: %q\n", data)
	// Output:
	// before SyncDir: open new-file: no such file or directory
	// after SyncDir: "data"
}

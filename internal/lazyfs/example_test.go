package lazyfs_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/vestadb/vesta/internal/lazyfs"
)

// A write that was not fsynced is gone after a power cut; remounting the
// backing directory is the reboot. (Needs root and /dev/fuse, so the
// example is compiled but not run.)
func Example() {
	backing, _ := os.MkdirTemp("", "disk")
	mnt, _ := os.MkdirTemp("", "mnt")
	m, err := lazyfs.Mount(backing, mnt)
	if err != nil {
		log.Fatal(err)
	}
	f, _ := os.Create(filepath.Join(mnt, "log"))
	f.WriteString("synced ")
	f.Sync()
	f.WriteString("lost")
	f.Close()
	d, _ := os.Open(mnt)
	d.Sync() // makes the name "log" durable
	d.Close()

	st, _ := m.PowerCut()
	fmt.Println(st)
	m, _ = lazyfs.Mount(backing, mnt)
	data, _ := os.ReadFile(filepath.Join(mnt, "log"))
	fmt.Printf("%q\n", data)
	m.Unmount()
}

package aofcheck_test

import (
	"fmt"

	"github.com/vestadb/vesta/internal/aofcheck"
	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// Check a file whose last write was cut short, and cut the torn command.
func ExampleFix() {
	fsys := memfs.New()
	torn := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n" + "*2\r\n$4\r\nINCR"
	vfs.WriteFileAtomic(fsys, "appendonly.aof", []byte(torn))

	res, _ := aofcheck.CheckFile(fsys, "appendonly.aof", aofcheck.Options{})
	fmt.Println(res.Status, res.OKUpTo, res.Diff())

	saved, _ := aofcheck.Fix(fsys, "appendonly.aof", res.OKUpTo)
	res, _ = aofcheck.CheckFile(fsys, "appendonly.aof", aofcheck.Options{})
	fmt.Println(res.Status, res.Size, saved)
	// Output:
	// truncated 27 12
	// valid 27 appendonly.aof.broken
}

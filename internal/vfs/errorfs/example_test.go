package errorfs_test

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/errorfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// Fail every step of a durable write in turn and check what survives a
// crash each time.
func Example_failAtEveryStep() {
	scenario := func(inj errorfs.Injector) (*memfs.FS, error) {
		m := memfs.New()
		_ = vfs.WriteFileAtomic(m, "state", []byte("old"))
		return m, vfs.WriteFileAtomic(errorfs.New(m, inj), "state", []byte("new"))
	}
	counter := errorfs.Count(errorfs.WriteOps)
	if _, err := scenario(counter); err != nil {
		panic(err)
	}
	for i := range counter.N() {
		m, err := scenario(errorfs.OnIndex(i, errorfs.WriteOps, syscall.EIO))
		after, _ := vfs.ReadFile(m.CrashClone(), "state")
		fmt.Printf("step %d: EIO=%v, after crash %q\n", i, errors.Is(err, syscall.EIO), after)
	}
	// Output:
	// step 0: EIO=true, after crash "old"
	// step 1: EIO=true, after crash "old"
	// step 2: EIO=true, after crash "old"
	// step 3: EIO=true, after crash "old"
	// step 4: EIO=true, after crash "old"
	// step 5: EIO=true, after crash "old"
}

package powerloss

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/lazyfs"
	"github.com/vestadb/vesta/internal/testutil"
)

// requireFUSE skips when lazyfs cannot mount (not root, no /dev/fuse),
// except in CI, which runs as root with /dev/fuse.
func requireFUSE(t *testing.T) {
	t.Helper()
	why := ""
	if os.Geteuid() != 0 {
		why = "not root"
	} else if f, err := os.OpenFile("/dev/fuse", os.O_RDWR, 0); err != nil {
		why = err.Error()
	} else {
		f.Close()
	}
	if why == "" {
		return
	}
	if testutil.InCI() {
		t.Fatalf("power-loss tests need root and /dev/fuse in CI: %s", why)
	}
	t.Skipf("power-loss tests need root and /dev/fuse: %s", why)
}

// mount is a lazyfs mount that can be remounted on the same mount point
// after a power cut, and is unmounted when the test ends.
type mount struct {
	fs         *lazyfs.FS
	backing    string
	mountpoint string
}

// newMount mounts backing on a fresh directory. The cleanup is registered
// before the caller starts a server on it, so it runs after the server has
// been stopped.
func newMount(t *testing.T, backing string) *mount {
	t.Helper()
	m := &mount{backing: backing, mountpoint: t.TempDir()}
	m.mountNow(t)
	t.Cleanup(func() {
		if err := m.fs.Unmount(); err != nil && !errors.Is(err, lazyfs.ErrNotMounted) {
			t.Errorf("unmount: %v", err)
		}
	})
	return m
}

func (m *mount) mountNow(t *testing.T) {
	t.Helper()
	fs, err := lazyfs.Mount(m.backing, m.mountpoint)
	if err != nil {
		t.Fatal(err)
	}
	m.fs = fs
}

// remount mounts the backing directory again after a power cut: the reboot.
func (m *mount) remount(t *testing.T) {
	t.Helper()
	m.mountNow(t)
}

func formatSummary(sc scenario, rounds, acked, checked, lost int, window time.Duration, torn, duringBG int) string {
	s := fmt.Sprintf("%-32s %d cuts, %6d acknowledged writes, %6d keys and transactions checked, %d lost",
		sc.name, rounds, acked, checked, lost)
	if sc.fsync == "everysec" {
		s += fmt.Sprintf(" (widest loss window %v)", window.Round(time.Millisecond))
	}
	s += fmt.Sprintf("; torn AOF tail cut at restart %d/%d", torn, rounds)
	if sc.background != "" {
		s += fmt.Sprintf("; cut while %s ran %d/%d", sc.background, duringBG, rounds)
	}
	return s
}

// Package diskfull tests how the server behaves when its disk fills up or
// fails: vesta-server (and, where Redis 7.0 behaves the same way,
// redis-server for comparison) runs with --dir on a small tmpfs, a filler
// file takes the remaining space, and the tests check that
//
//   - failing AOF writes refuse writes with MISCONF, keep serving reads,
//     report aof_last_write_status:err, do not crash, recover by themselves
//     when space returns, and lose nothing acknowledged;
//   - a failing BGSAVE reports rdb_last_bgsave_status:err and, with save
//     points and stop-writes-on-bgsave-error yes, refuses writes until a
//     save succeeds;
//   - a failing BGREWRITEAOF leaves the old AOF intact and loadable.
//
// A failing fdatasync (EIO) is injected with internal/lazyfs.
//
// Mounting needs root: the tests skip otherwise, except with CI=true.
package diskfull

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// requireRoot skips unless the test can mount file systems.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if testutil.InCI() {
		t.Fatal("disk-full tests need root in CI")
	}
	t.Skip("disk-full tests need root to mount a tmpfs")
}

// tmpfs mounts a tmpfs of size bytes on a fresh directory and unmounts it
// when the test ends. Register it before starting a server on it, so that
// the server is stopped first.
func tmpfs(t *testing.T, size int) string {
	t.Helper()
	requireRoot(t)
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0755", size)); err != nil {
		if testutil.InCI() {
			t.Fatalf("mount tmpfs: %v", err)
		}
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			_ = syscall.Unmount(dir, syscall.MNT_DETACH)
		}
	})
	return dir
}

// filler takes space on a file system until it is full.
type filler struct {
	path string
}

// fill writes the filler until the file system is full, then frees leave
// bytes (rounded to pages by tmpfs).
func fill(t *testing.T, dir string, leave int64) *filler {
	t.Helper()
	f := &filler{path: filepath.Join(dir, "filler.bin")}
	fh, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	chunk := make([]byte, 64<<10)
	for len(chunk) > 0 {
		if _, err := fh.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			chunk = chunk[:len(chunk)/2]
		}
	}
	if leave > 0 {
		st, err := fh.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if err := fh.Truncate(max(st.Size()-leave, 0)); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// remove frees the filler's space.
func (f *filler) remove(t *testing.T) {
	t.Helper()
	if err := os.Remove(f.path); err != nil {
		t.Fatal(err)
	}
}

// info returns one field of INFO persistence.
func info(t *testing.T, c *testutil.Conn, field string) string {
	t.Helper()
	for _, line := range strings.Split(string(c.Do("INFO", "persistence")), "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO persistence has no %s", field)
	return ""
}

// waitInfo polls INFO persistence until field has value want.
func waitInfo(t *testing.T, c *testutil.Conn, field, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := info(t, c, field)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: got %q after %v, want %q", field, got, timeout, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tempFiles lists leftover temporary files (temp-*) under dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), "temp-") {
			out = append(out, strings.TrimPrefix(p, dir+"/"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// servers lists the implementations a scenario runs against: always
// vesta, and redis-server when the scenario's behaviour is Redis's too.
type server struct {
	name  string
	start func(t *testing.T, args ...string) *testutil.Server
}

var (
	vesta = server{"vesta", func(t *testing.T, args ...string) *testutil.Server { return testutil.StartVesta(t, args...) }}
	redis = server{"redis", func(t *testing.T, args ...string) *testutil.Server { return testutil.StartRedis(t, args...) }}
)

// value is a value of about 1 KiB unique to i, random enough that RDB
// compression cannot shrink it.
func value(i int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	rnd := rand.New(rand.NewPCG(uint64(i), 7))
	b := make([]byte, 1000)
	for j := range b {
		b[j] = alphabet[rnd.IntN(len(alphabet))]
	}
	return fmt.Sprintf("%08d-%s", i, b)
}

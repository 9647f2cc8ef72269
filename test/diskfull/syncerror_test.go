package diskfull

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/lazyfs"
	"github.com/vestadb/vesta/internal/testutil"
)

// requireFUSE skips unless lazyfs can mount (root and /dev/fuse), except
// in CI.
func requireFUSE(t *testing.T) {
	t.Helper()
	requireRoot(t)
	f, err := os.OpenFile("/dev/fuse", os.O_RDWR, 0)
	if err != nil {
		if testutil.InCI() {
			t.Fatalf("lazyfs needs /dev/fuse in CI: %v", err)
		}
		t.Skipf("lazyfs needs /dev/fuse: %v", err)
	}
	f.Close()
}

// A failing fdatasync (EIO): writes are refused with MISCONF and reads
// served while it fails; once the disk works again the server resumes by
// itself, and after a power cut every acknowledged write is there - also
// when the failed fsync made the page cache forget the unsynced bytes, as
// Linux does, so that only rewriting them (not retrying the fsync) saves
// them.
func TestAOFSyncError(t *testing.T) {
	cases := []struct {
		policy string
		forget bool
	}{
		{"always", false},
		{"always", true},
		{"everysec", true},
	}
	for _, tc := range cases {
		name := tc.policy
		if tc.forget {
			name += "/forgets-writes"
		}
		t.Run(name, func(t *testing.T) { aofSyncError(t, tc.policy, tc.forget) })
	}
}

func aofSyncError(t *testing.T, policy string, forget bool) {
	requireFUSE(t)
	backing := t.TempDir()
	mp := t.TempDir()
	m, err := lazyfs.Mount(backing, mp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Unmount(); err != nil && !errors.Is(err, lazyfs.ErrNotMounted) {
			t.Errorf("unmount: %v", err)
		}
	})
	s := testutil.StartVesta(t, "--dir", mp, "--appendonly", "yes", "--appendfsync", policy,
		"--auto-aof-rewrite-percentage", "0")
	c := testutil.Dial(t, s.Addr)
	acked := ackedWrites{}
	for i := 0; i < 50; i++ {
		if r := acked.set(c, "k:"+strconv.Itoa(i), value(i)); r != "+OK\r\n" {
			t.Fatalf("SET: got %q", r)
		}
	}

	m.SetSyncFault(lazyfs.SyncFault{Errno: syscall.EIO, ForgetsWrites: forget})
	// Under always the next write fails; under everysec the next background
	// fsync does, within about a second.
	want := aofMisconf + "Input/output error\r\n"
	refused := ""
	deadline := time.Now().Add(5 * time.Second)
	for i := 50; refused == "" && time.Now().Before(deadline); i++ {
		if r := acked.set(c, "k:"+strconv.Itoa(i%100), value(i)); r != "+OK\r\n" {
			refused = r
		}
		if policy == "everysec" {
			time.Sleep(5 * time.Millisecond)
		}
	}
	if refused != want {
		t.Fatalf("SET while fsync fails: got %q, want %q", refused, want)
	}
	if r := string(c.Do("GET", "k:1")); !strings.HasSuffix(r, acked["k:1"]+"\r\n") {
		t.Errorf("GET while fsync fails: got %.60q, want the value", r)
	}
	t.Run("refuses-until-an-fsync-succeeds", func(t *testing.T) {
		c := testutil.Dial(t, s.Addr)
		if got := info(t, c, "aof_last_write_status"); got != "err" {
			t.Errorf("aof_last_write_status: got %q, want err", got)
		}
		if r := string(c.Do("PING")); r != want {
			t.Errorf("PING while fsync fails: got %q, want %q", r, want)
		}
		time.Sleep(1100 * time.Millisecond) // the cron's retry fails too
		if r := string(c.Do("SET", "other", "x")); r != want {
			t.Errorf("SET a second later: got %q, want %q", r, want)
		}
	})

	m.SetSyncFault(lazyfs.SyncFault{})
	waitInfo(t, c, "aof_last_write_status", "ok", 5*time.Second)
	for i := 0; i < 50; i++ {
		if r := acked.set(c, "after:"+strconv.Itoa(i), value(i)); r != "+OK\r\n" {
			t.Fatalf("SET after the disk recovered: got %q", r)
		}
	}
	if policy == "everysec" {
		time.Sleep(2100 * time.Millisecond) // everything acknowledged is fsynced by now
	}
	s.Kill()
	if _, err := m.PowerCut(); err != nil {
		t.Fatal(err)
	}
	if m, err = lazyfs.Mount(backing, mp); err != nil {
		t.Fatal(err)
	}
	s.StartAgain()
	acked.check(t, s.Addr)
}

// SIGTERM while fsync fails: Redis 7.0 logs the failed fsync and exits
// (status 0); Vesta cancels the shutdown and keeps running.
func TestShutdownWithFailingFsync(t *testing.T) {
	for _, srv := range []server{vesta, redis} {
		t.Run(srv.name, func(t *testing.T) {
			requireFUSE(t)
			backing, mp := t.TempDir(), t.TempDir()
			m, err := lazyfs.Mount(backing, mp)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = m.Unmount() })
			s := srv.start(t, "--dir", mp, "--appendonly", "yes", "--appendfsync", "everysec")
			c := testutil.Dial(t, s.Addr)
			c.Do("SET", "a", "1")
			m.SetSyncFault(lazyfs.SyncFault{Errno: syscall.EIO})
			c.Do("SET", "b", "2")
			if err := s.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if !s.Wait(5 * time.Second) {
				m.SetSyncFault(lazyfs.SyncFault{})
				t.Fatalf("%s did not exit within 5s of SIGTERM while fsync fails", srv.name)
			}
			t.Logf("exit code %d", s.ExitCode())
		})
	}
}

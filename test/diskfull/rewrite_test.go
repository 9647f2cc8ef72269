package diskfull

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// A BGREWRITEAOF that runs out of space fails without touching the AOF in
// use: writes go on, the old files load after a crash, and the next rewrite
// after space returns succeeds.
func TestRewriteDiskFull(t *testing.T) {
	for _, srv := range []server{vesta, redis} {
		for _, preamble := range []string{"yes", "no"} {
			t.Run(srv.name+"/rdb-preamble-"+preamble, func(t *testing.T) { rewriteDiskFull(t, srv, preamble) })
		}
	}
}

func rewriteDiskFull(t *testing.T, srv server, preamble string) {
	dir := tmpfs(t, 2<<20)
	s := srv.start(t, "--dir", dir, "--appendonly", "yes", "--appendfsync", "always",
		"--aof-use-rdb-preamble", preamble, "--auto-aof-rewrite-percentage", "0")
	c := testutil.Dial(t, s.Addr)
	acked := ackedWrites{}
	for i := 0; i < 500; i++ {
		if r := acked.set(c, "k:"+strconv.Itoa(i), value(i)); r != "+OK\r\n" {
			t.Fatalf("SET: got %q", r)
		}
	}
	// Leave room for more appends, not for a new base of the dataset.
	f := fill(t, dir, 160<<10)
	aofDir := filepath.Join(dir, "appendonlydir")
	before := listDir(t, aofDir)
	if r := string(c.Do("BGREWRITEAOF")); r != "+Background append only file rewriting started\r\n" {
		t.Fatalf("BGREWRITEAOF: got %q", r)
	}
	waitInfo(t, c, "aof_rewrite_in_progress", "0", 10*time.Second)
	if got := info(t, c, "aof_last_bgrewrite_status"); got != "err" {
		t.Fatalf("aof_last_bgrewrite_status after a rewrite on a full disk: got %q, want err", got)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left after the failed rewrite: %v", left)
	}
	// The base in use is still there (a new incr file may have been added).
	after := listDir(t, aofDir)
	for _, name := range before {
		if !slices.Contains(after, name) {
			t.Errorf("%s disappeared after the failed rewrite: before %v, after %v", name, before, after)
		}
	}
	for i := 0; i < 20; i++ {
		if r := acked.set(c, "after:"+strconv.Itoa(i), "small"); r != "+OK\r\n" {
			t.Fatalf("SET after the failed rewrite: got %q", r)
		}
	}
	s.Kill()
	s.StartAgain()
	acked.check(t, s.Addr)

	// Space returns: the next rewrite succeeds and its result loads.
	f.remove(t)
	c = testutil.Dial(t, s.Addr)
	if r := string(c.Do("BGREWRITEAOF")); r != "+Background append only file rewriting started\r\n" {
		t.Fatalf("BGREWRITEAOF: got %q", r)
	}
	waitInfo(t, c, "aof_rewrite_in_progress", "0", 10*time.Second)
	if got := info(t, c, "aof_last_bgrewrite_status"); got != "ok" {
		t.Fatalf("aof_last_bgrewrite_status after space returned: got %q, want ok", got)
	}
	s.Kill()
	s.StartAgain()
	acked.check(t, s.Addr)
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

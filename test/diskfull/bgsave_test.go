package diskfull

import (
	"strconv"
	"strings"
	"testing"

	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

const bgsaveMisconf = "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
	"Commands that may modify the data set are disabled, because this instance is configured to report errors " +
	"during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs " +
	"for details about the RDB error.\r\n"

// A BGSAVE on a full disk fails; with save points and
// stop-writes-on-bgsave-error yes, writes (and PING) are refused until a
// save succeeds, reads are served, and no temporary file is left behind.
func TestBgsaveDiskFull(t *testing.T) {
	for _, srv := range []server{vesta, redis} {
		t.Run(srv.name, func(t *testing.T) { bgsaveDiskFull(t, srv) })
	}
}

func bgsaveDiskFull(t *testing.T, srv server) {
	dir := tmpfs(t, 2<<20)
	// A save point that the cron never reaches on its own.
	s := srv.start(t, "--dir", dir, "--appendonly", "no", "--save", "3600 100000000",
		"--stop-writes-on-bgsave-error", "yes")
	c := testutil.Dial(t, s.Addr)
	acked := ackedWrites{}
	for i := 0; i < 400; i++ {
		if r := acked.set(c, "k:"+strconv.Itoa(i), value(i)); r != "+OK\r\n" {
			t.Fatalf("SET: got %q", r)
		}
	}
	f := fill(t, dir, 0)
	if r := string(c.Do("BGSAVE")); r != "+Background saving started\r\n" {
		t.Fatalf("BGSAVE: got %q", r)
	}
	waitInfo(t, c, "rdb_bgsave_in_progress", "0", 10*time.Second)
	if got := info(t, c, "rdb_last_bgsave_status"); got != "err" {
		t.Fatalf("rdb_last_bgsave_status after BGSAVE on a full disk: got %q, want err", got)
	}
	for _, cmd := range [][]string{{"SET", "other", "x"}, {"PING"}, {"DEL", "k:1"}} {
		if r := string(c.Do(cmd...)); r != bgsaveMisconf {
			t.Errorf("%s after a failed BGSAVE: got %.80q, want the bgsave MISCONF error", cmd[0], r)
		}
	}
	if r := string(c.Do("GET", "k:1")); !strings.HasSuffix(r, value(1)+"\r\n") {
		t.Errorf("GET after a failed BGSAVE: got %.60q, want the value", r)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left after the failed BGSAVE: %v", left)
	}
	// Turning the option off lets writes through, turning it on stops them.
	c.Do("CONFIG", "SET", "stop-writes-on-bgsave-error", "no")
	if r := acked.set(c, "k:0", value(1000)); r != "+OK\r\n" {
		t.Errorf("SET with stop-writes-on-bgsave-error no: got %q", r)
	}
	c.Do("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes")
	if r := string(c.Do("SET", "other", "x")); r != bgsaveMisconf {
		t.Errorf("SET with the option back on: got %.80q, want the bgsave MISCONF error", r)
	}
	// A transaction queued while writes were allowed and executed after
	// they were stopped is discarded if it may write, and runs if it only
	// reads.
	c.Do("CONFIG", "SET", "stop-writes-on-bgsave-error", "no")
	c.Do("MULTI")
	c.Do("SET", "other", "y")
	c.Do("GET", "k:1")
	c2 := testutil.Dial(t, s.Addr)
	c2.Do("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes")
	want := "-EXECABORT Transaction discarded because of: " + bgsaveMisconf[1:]
	if r := string(c.Do("EXEC")); r != want {
		t.Errorf("EXEC of a queued SET after writes stopped: got %.100q, want %.100q", r, want)
	}
	c.Do("MULTI")
	c.Do("GET", "k:1")
	if r := string(c.Do("EXEC")); !strings.HasPrefix(r, "*1\r\n") {
		t.Errorf("EXEC of a queued GET after writes stopped: got %.80q, want its reply", r)
	}
	if !s.Running() {
		t.Fatal("the server exited")
	}

	// Space returns: the next BGSAVE succeeds and writes are accepted again.
	f.remove(t)
	if r := string(c.Do("BGSAVE")); r != "+Background saving started\r\n" {
		t.Fatalf("BGSAVE: got %q", r)
	}
	waitInfo(t, c, "rdb_bgsave_in_progress", "0", 10*time.Second)
	if got := info(t, c, "rdb_last_bgsave_status"); got != "ok" {
		t.Fatalf("rdb_last_bgsave_status after space returned: got %q, want ok", got)
	}
	if r := string(c.Do("SET", "other", "x")); r != "+OK\r\n" {
		t.Errorf("SET after a successful BGSAVE: got %q", r)
	}
	// Everything acknowledged before that BGSAVE is in dump.rdb.
	s.Kill()
	s.StartAgain()
	acked.check(t, s.Addr)
}

package replication

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// Partial resynchronisation after restarts from the AOF (appendonly yes):
// the replication position Vesta records beside the AOF at a clean
// shutdown (appendonlydir/appendonly.aof.vesta-repl) lets the history
// continue; after a crash, or when the AOF changed, it is not trusted.

const replPosFile = "appendonly.aof.vesta-repl"

func replPosPath(s *testutil.Server) string {
	return filepath.Join(s.Dir, "appendonlydir", replPosFile)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// shutdownAndWait sends SHUTDOWN on c and waits for s to exit.
func shutdownAndWait(t *testing.T, s *testutil.Server, c *testutil.Conn) {
	t.Helper()
	c.Send("SHUTDOWN")
	if !s.Wait(10 * time.Second) {
		t.Fatalf("%s did not shut down", s.Name)
	}
}

// waitOnline waits until the master lists n online replicas.
func waitOnline(t *testing.T, mc *testutil.Conn, n int) {
	t.Helper()
	waitFor(t, 30*time.Second, fmt.Sprintf("%d replicas online", n), func() bool {
		s := fmt.Sprint(mc.DoValue("INFO", "replication"))
		return strings.Count(s, "state=online") == n
	})
}

// startAOFMaster starts a Vesta master with appendonly yes, a Vesta
// replica and a redis-server replica, all synced on a preloaded dataset.
func startAOFMaster(t *testing.T) (m *testutil.Server, mc, vc, rc *testutil.Conn) {
	t.Helper()
	m, mc = startMaster(t, "--appendonly", "yes", "--repl-diskless-sync-delay", "0")
	preload(t, mc, 100)
	_, vc = startVestaReplica(t, "127.0.0.1", m.Port)
	_, rc = startReplica(t, m)
	waitLinkUp(t, vc)
	waitLinkUp(t, rc)
	mc.Do("SELECT", "1")
	mc.Do("SET", "before", "restart")
	if got := mc.DoValue("WAIT", "2", "5000"); got != int64(2) {
		t.Fatalf("WAIT = %v", got)
	}
	return m, mc, vc, rc
}

// TestMasterAOFRestartPartial: a master restarted by SHUTDOWN from its AOF
// continues its history; a Vesta and a Redis replica continue with
// +CONTINUE.
func TestMasterAOFRestartPartial(t *testing.T) {
	m, mc, vc, rc := startAOFMaster(t)
	oldID := info(t, mc, "replication", "master_replid")
	oldOff := info(t, mc, "replication", "master_repl_offset")
	shutdownAndWait(t, m, mc)
	if !exists(replPosPath(m)) {
		t.Fatalf("no %s after SHUTDOWN\n%s", replPosFile, m.Log())
	}
	m.StartAgain()
	mc2 := testutil.Dial(t, m.Addr)
	defer mc2.Close()
	if exists(replPosPath(m)) {
		t.Fatalf("%s still there after the restart", replPosFile)
	}
	if got := info(t, mc2, "replication", "master_replid2"); got != oldID {
		t.Fatalf("master_replid2 = %s, want the old id %s\n%s", got, oldID, m.Log())
	}
	if got := info(t, mc2, "replication", "master_repl_offset"); got != oldOff {
		t.Fatalf("master_repl_offset = %s, want %s", got, oldOff)
	}
	waitOnline(t, mc2, 2)
	// The master goes on in database 1 after SELECT-less writes.
	mc2.Do("SELECT", "1")
	mc2.Do("SET", "after", "restart")
	mc2.Do("SELECT", "0")
	mc2.Do("INCR", "counter")
	if got := mc2.DoValue("WAIT", "2", "5000"); got != int64(2) {
		t.Fatalf("WAIT after restart = %v", got)
	}
	digestsEqual(t, mc2, vc)
	digestsEqual(t, mc2, rc)
	if got := info(t, mc2, "stats", "sync_partial_ok"); got != "2" {
		t.Errorf("sync_partial_ok = %s, want 2\n%s", got, m.Log())
	}
	if got := info(t, mc2, "stats", "sync_full"); got != "0" {
		t.Errorf("sync_full = %s, want 0", got)
	}
	// A second clean restart continues again: the new history was
	// recorded too.
	id2 := info(t, mc2, "replication", "master_replid")
	mc2.Close()
	m.Restart()
	mc3 := testutil.Dial(t, m.Addr)
	defer mc3.Close()
	if got := info(t, mc3, "replication", "master_replid2"); got != id2 {
		t.Fatalf("after the second restart master_replid2 = %s, want %s", got, id2)
	}
	waitOnline(t, mc3, 2)
	if got := info(t, mc3, "stats", "sync_full"); got != "0" {
		t.Errorf("sync_full after the second restart = %s, want 0", got)
	}
}

// TestMasterAOFCrashFullSync: after kill -9 (no position recorded), or
// with an AOF that changed after the position was recorded, the master
// starts a new history: the replicas get a full sync and converge.
func TestMasterAOFCrashFullSync(t *testing.T) {
	m, mc, vc, rc := startAOFMaster(t)
	oldID := info(t, mc, "replication", "master_replid")
	mc.Do("SET", "acked", "1")
	if got := mc.DoValue("WAIT", "2", "5000"); got != int64(2) {
		t.Fatalf("WAIT = %v", got)
	}
	m.Kill()
	if exists(replPosPath(m)) {
		t.Fatalf("%s after kill -9", replPosFile)
	}
	m.StartAgain()
	mc2 := testutil.Dial(t, m.Addr)
	defer mc2.Close()
	if got := info(t, mc2, "replication", "master_replid2"); got == oldID {
		t.Fatal("the history continued after kill -9")
	}
	waitOnline(t, mc2, 2)
	mc2.Do("SET", "after", "crash")
	if got := mc2.DoValue("WAIT", "2", "5000"); got != int64(2) {
		t.Fatalf("WAIT after the crash = %v", got)
	}
	digestsEqual(t, mc2, vc)
	digestsEqual(t, mc2, rc)
	if got := info(t, mc2, "stats", "sync_full"); got != "2" {
		t.Errorf("sync_full after kill -9 = %s, want 2", got)
	}

	// A clean shutdown records the position; a command appended to the
	// AOF afterwards (what a crash after a later write leaves) makes it
	// mismatch.
	shutdownAndWait(t, m, mc2)
	if !exists(replPosPath(m)) {
		t.Fatalf("no %s after SHUTDOWN", replPosFile)
	}
	incrs, _ := filepath.Glob(filepath.Join(m.Dir, "appendonlydir", "appendonly.aof.*.incr.aof"))
	if len(incrs) == 0 {
		t.Fatal("no incr file")
	}
	f, err := os.OpenFile(incrs[len(incrs)-1], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(string(testutil.AppendCommand(nil, "SET", "extra", "x")))
	f.Close()
	m.StartAgain()
	mc3 := testutil.Dial(t, m.Addr)
	defer mc3.Close()
	if !strings.Contains(m.Log(), "Not continuing the replication history recorded in the AOF directory") {
		t.Fatalf("no log line about the mismatch\n%s", m.Log())
	}
	waitOnline(t, mc3, 2)
	if got := mc3.DoValue("WAIT", "2", "5000"); got != int64(2) {
		t.Fatalf("WAIT after the mismatch = %v", got)
	}
	digestsEqual(t, mc3, vc)
	digestsEqual(t, mc3, rc)
	if got := info(t, mc3, "stats", "sync_full"); got != "2" {
		t.Errorf("sync_full after a mismatching position = %s, want 2", got)
	}
}

// TestReplicaAOFRestartPartial: a Vesta replica with appendonly yes
// restarted by SHUTDOWN continues from its master with +CONTINUE.
func TestReplicaAOFRestartPartial(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	preload(t, mc, 100)
	r, rc := startVestaReplica(t, "127.0.0.1", m.Port, "--appendonly", "yes")
	waitLinkUp(t, rc)
	mc.Do("SELECT", "2")
	mc.Do("SET", "before", "restart")
	syncedTo(t, mc, rc)
	waitFor(t, 10*time.Second, "the AOF rewrite after the sync", func() bool {
		return info(t, rc, "persistence", "aof_rewrite_in_progress") == "0" &&
			info(t, rc, "persistence", "aof_rewrite_scheduled") == "0"
	})
	shutdownAndWait(t, r, rc)
	if !exists(replPosPath(r)) {
		t.Fatalf("no %s after SHUTDOWN\n%s", replPosFile, r.Log())
	}
	// The master goes on in database 2 without a SELECT: the replica
	// must resume there.
	mc.Do("SET", "while", "down")
	r.StartAgain()
	rc2 := testutil.Dial(t, r.Addr)
	defer rc2.Close()
	waitLinkUp(t, rc2)
	mc.Do("SET", "after", "restart")
	syncedTo(t, mc, rc2)
	if got := info(t, mc, "stats", "sync_partial_ok"); got != "1" {
		t.Errorf("sync_partial_ok = %s, want 1\n%s", got, r.Log())
	}
	if got := info(t, mc, "stats", "sync_full"); got != "1" {
		t.Errorf("sync_full = %s, want 1", got)
	}
}

// TestRedisLoadsAOFWithReplPos: redis-server 7.0.15 loads a Vesta AOF
// directory holding the position file (it reads only what its manifest
// lists) and leaves the file alone.
func TestRedisLoadsAOFWithReplPos(t *testing.T) {
	m, mc := startMaster(t, "--appendonly", "yes")
	preload(t, mc, 100)
	// A backlog exists only once a replica attached: a history worth
	// recording.
	_, rc := startReplica(t, m)
	waitLinkUp(t, rc)
	want := fmt.Sprint(mc.DoValue("DEBUG", "DIGEST"))
	shutdownAndWait(t, m, mc)
	if !exists(replPosPath(m)) {
		t.Fatalf("no %s after SHUTDOWN", replPosFile)
	}
	red := testutil.StartRedis(t, "--dir", m.Dir, "--appendonly", "yes", "--enable-debug-command", "yes")
	c := testutil.Dial(t, red.Addr)
	defer c.Close()
	if got := fmt.Sprint(c.DoValue("DEBUG", "DIGEST")); got != want {
		t.Fatalf("redis-server loaded digest %s, want %s\n%s", got, want, red.Log())
	}
	if !exists(replPosPath(m)) {
		t.Fatalf("redis-server removed %s", replPosFile)
	}
	for _, line := range strings.Split(red.Log(), "\n") {
		l := strings.ToLower(line)
		if strings.Contains(line, " # ") && (strings.Contains(l, "aof") || strings.Contains(l, "append") || strings.Contains(l, "manifest")) {
			t.Errorf("redis-server warned: %s", line)
		}
	}
}

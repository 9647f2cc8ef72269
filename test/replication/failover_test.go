package replication

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// FAILOVER (Redis 7.0's coordinated failover) in every direction with
// redis-server 7.0.15: Vesta to Vesta, Vesta to a Redis replica, Redis to
// a Vesta replica. The old master must end as a replica of the promoted
// one that resynchronised partially (sync_partial_ok on the new master, no
// full sync), with equal DEBUG DIGESTs.

// failoverDone waits until the old master (oc) finished its failover and
// follows the new master (nc) with the link up.
func failoverDone(t *testing.T, oc, nc *testutil.Conn) {
	t.Helper()
	waitFor(t, 20*time.Second, "the failover to end", func() bool {
		return info(t, oc, "replication", "master_failover_state") == "no-failover" &&
			info(t, oc, "replication", "role") == "slave" &&
			info(t, oc, "replication", "master_link_status") == "up" &&
			info(t, nc, "replication", "role") == "master"
	})
}

// checkFailover runs FAILOVER on the master mc of the replica rc (listening
// on rport) and checks the outcome.
func checkFailover(t *testing.T, mc, rc *testutil.Conn, rport int, args ...string) {
	t.Helper()
	mc.Do("SET", "before-failover", "1")
	syncedTo(t, mc, rc)
	fullBefore := info(t, rc, "stats", "sync_full")
	if got := string(mc.Do(append([]string{"FAILOVER"}, args...)...)); got != "+OK\r\n" {
		t.Fatalf("FAILOVER %v = %q", args, got)
	}
	failoverDone(t, mc, rc)
	if got := info(t, mc, "replication", "master_port"); got != strconv.Itoa(rport) {
		t.Fatalf("old master's master_port = %s, want %d", got, rport)
	}
	if got := info(t, rc, "stats", "sync_partial_ok"); got != "1" {
		t.Fatalf("sync_partial_ok on the new master = %s, want 1", got)
	}
	if got := info(t, rc, "stats", "sync_full"); got != fullBefore {
		t.Fatalf("sync_full on the new master = %s, want %s (no full sync)", got, fullBefore)
	}
	if got := string(mc.Do("SET", "x", "1")); !strings.HasPrefix(got, "-READONLY") {
		t.Fatalf("a write on the old master = %q", got)
	}
	writeEveryType(t, rc, 1)
	syncedTo(t, rc, mc)
}

func TestFailoverVestaToVesta(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	preload(t, mc, 100)
	r, rc := startVestaReplica(t, "127.0.0.1", m.Port, "--replica-priority", "0")
	waitLinkUp(t, rc)
	// A second replica (Redis) of the old master: it follows the old
	// master, now a replica, and continues partially.
	_, oc := startReplica(t, m)
	waitLinkUp(t, oc)
	writeEveryType(t, mc, 0)
	syncedTo(t, mc, oc)
	checkFailover(t, mc, rc, r.Port, "TO", "127.0.0.1", strconv.Itoa(r.Port))
	syncedTo(t, rc, oc)
	if got := info(t, mc, "stats", "sync_full"); got != "2" {
		t.Fatalf("sync_full on the old master = %s, want 2 (its replicas' first syncs only)", got)
	}
	if got := info(t, mc, "stats", "sync_partial_ok"); got != "1" {
		t.Fatalf("sync_partial_ok on the old master = %s, want 1 (its other replica)", got)
	}
	// And back, with TO and TIMEOUT.
	checkFailoverBack(t, rc, mc, m.Port)
	syncedTo(t, mc, oc)
}

// checkFailoverBack fails the new master nc over to the old one (oport).
func checkFailoverBack(t *testing.T, nc, oc *testutil.Conn, oport int) {
	t.Helper()
	syncedTo(t, nc, oc)
	if got := string(nc.Do("FAILOVER", "TO", "127.0.0.1", strconv.Itoa(oport), "TIMEOUT", "10000")); got != "+OK\r\n" {
		t.Fatalf("FAILOVER TO = %q", got)
	}
	failoverDone(t, nc, oc)
	oc.Do("SET", "after-back", "1")
	syncedTo(t, oc, nc)
}

func TestFailoverVestaToRedis(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	preload(t, mc, 100)
	r, rc := startReplica(t, m)
	waitLinkUp(t, rc)
	writeEveryType(t, mc, 0)
	checkFailover(t, mc, rc, r.Port, "TO", "127.0.0.1", strconv.Itoa(r.Port))
	checkFailoverBack(t, rc, mc, m.Port)
}

func TestFailoverRedisToVesta(t *testing.T) {
	m, mc := startRedisMaster(t)
	preload(t, mc, 100)
	r, rc := startVestaReplica(t, "127.0.0.1", m.Port)
	waitLinkUp(t, rc)
	writeEveryType(t, mc, 0)
	checkFailover(t, mc, rc, r.Port)
	checkFailoverBack(t, rc, mc, m.Port)
}

// TestFailoverErrors compares every refusal of FAILOVER, and PSYNC
// FAILOVER sent to a master, with redis-server byte for byte, without and
// with a replica.
func TestFailoverErrors(t *testing.T) {
	cmds := [][]string{
		{"FAILOVER"}, {"FAILOVER", "ABORT"}, {"FAILOVER", "ABORT", "x"}, {"FAILOVER", "TO"}, {"FAILOVER", "TO", "h"},
		{"FAILOVER", "TO", "h", "x"}, {"FAILOVER", "TO", "h", "1"}, {"FAILOVER", "TIMEOUT", "0"}, {"FAILOVER", "TIMEOUT", "-1"},
		{"FAILOVER", "TIMEOUT", "x"}, {"FAILOVER", "TIMEOUT", "1", "TIMEOUT", "2"}, {"FAILOVER", "FORCE"}, {"FAILOVER", "FORCE", "FORCE"},
		{"FAILOVER", "TIMEOUT", "9223372036854775807", "TO", "h", "9223372036854775807"},
		{"FAILOVER", "TIMEOUT", "-9223372036854775808"}, {"FAILOVER", "bogus"}, {"FAILOVER", "TO", "h", "1", "TO", "h", "2"},
		{"FAILOVER", "TIMEOUT", "10", "FORCE"}, {"FAILOVER", "TO", "h", "1", "FORCE"}, {"FAILOVER", "TO", "10.0.0.1", "1", "FORCE", "TIMEOUT", "5"},
		{"PSYNC", "abc", "1", "FAILOVER"},
	}
	compare := func(t *testing.T, vc, rc *testutil.Conn, withReplica bool) {
		t.Helper()
		for _, cmd := range cmds {
			if withReplica && len(cmd) == 1 {
				continue // it would start a failover
			}
			want, got := string(rc.Do(cmd...)), string(vc.Do(cmd...))
			if got != want {
				t.Errorf("%v: vesta %q, redis %q", cmd, got, want)
			}
		}
	}
	v, vc := startMaster(t, "--repl-diskless-sync-delay", "0")
	r, rc := startRedisMaster(t)
	t.Run("no replica", func(t *testing.T) { compare(t, vc, rc, false) })
	_, vrc := startReplica(t, v)
	_, rrc := startReplica(t, r)
	waitLinkUp(t, vrc)
	waitLinkUp(t, rrc)
	t.Run("one replica", func(t *testing.T) { compare(t, vc, rc, true) })
	t.Run("on a replica", func(t *testing.T) {
		_, vr := startVestaReplica(t, "127.0.0.1", r.Port)
		waitLinkUp(t, vr)
		for _, cmd := range [][]string{{"FAILOVER"}, {"FAILOVER", "ABORT"}, {"PSYNC", "abc", "1", "FAILOVER"}} {
			want, got := string(rrc.Do(cmd...)), string(vr.Do(cmd...))
			if got != want {
				t.Errorf("%v: vesta %q, redis %q", cmd, got, want)
			}
		}
	})
}

// stalledFailover starts a failover whose replica (a stopped redis-server)
// cannot catch up: a write is made first so that its acknowledged offset
// lags.
func stalledFailover(t *testing.T, argsFor func(rport int) []string) (mc *testutil.Conn, r *testutil.Server, rc *testutil.Conn) {
	t.Helper()
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	mc.Do("SET", "k0", "v")
	r, rc = startReplica(t, m)
	waitLinkUp(t, rc)
	syncedTo(t, mc, rc)
	if err := r.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Signal(syscall.SIGCONT) })
	mc.Do("SET", "lagging", "1")
	var args []string
	if argsFor != nil {
		args = argsFor(r.Port)
	}
	if got := string(mc.Do(append([]string{"FAILOVER"}, args...)...)); got != "+OK\r\n" {
		t.Fatalf("FAILOVER %v = %q", args, got)
	}
	return mc, r, rc
}

// TestFailoverAbortAndPause: writes wait while the master waits for its
// replica (CLIENT UNPAUSE does not release them), a second FAILOVER and
// REPLICAOF are refused, and FAILOVER ABORT lets the writes through on a
// master again.
func TestFailoverAbortAndPause(t *testing.T) {
	mc, r, _ := stalledFailover(t, nil)
	if got := info(t, mc, "replication", "master_failover_state"); got != "waiting-for-sync" {
		t.Fatalf("master_failover_state = %s", got)
	}
	for cmd, want := range map[string]string{
		"FAILOVER":              "-ERR FAILOVER already in progress.\r\n",
		"REPLICAOF 127.0.0.1 1": "-ERR REPLICAOF not allowed while failing over.\r\n",
		"CLIENT UNPAUSE":        "+OK\r\n",
	} {
		if got := string(mc.Do(strings.Fields(cmd)...)); got != want {
			t.Fatalf("%s = %q, want %q", cmd, got, want)
		}
	}
	w := testutil.Dial(t, fmt.Sprintf("127.0.0.1:%d", mustPort(t, mc)))
	defer w.Close()
	w.Send("SET", "held", "1")
	_ = w.NetConn().SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if b, err := w.ReadReplyErr(); err == nil {
		t.Fatalf("a write during the failover was answered: %q", b)
	}
	_ = w.NetConn().SetReadDeadline(time.Time{})
	if got := string(mc.Do("FAILOVER", "ABORT")); got != "+OK\r\n" {
		t.Fatalf("FAILOVER ABORT = %q", got)
	}
	if got := string(w.ReadReply()); got != "+OK\r\n" {
		t.Fatalf("held SET after ABORT = %q", got)
	}
	if got := info(t, mc, "replication", "role"); got != "master" {
		t.Fatalf("role after ABORT = %s", got)
	}
	_ = r.Signal(syscall.SIGCONT)
}

// TestFailoverTimeout: without FORCE a replica that does not catch up
// within TIMEOUT aborts the failover; with FORCE the master hands over
// anyway once TIMEOUT passed.
func TestFailoverTimeout(t *testing.T) {
	t.Run("abort", func(t *testing.T) {
		mc, _, _ := stalledFailover(t, func(int) []string { return []string{"TIMEOUT", "300"} })
		waitFor(t, 5*time.Second, "the failover to time out", func() bool {
			return info(t, mc, "replication", "master_failover_state") == "no-failover"
		})
		if got := info(t, mc, "replication", "role"); got != "master" {
			t.Fatalf("role after the timeout = %s", got)
		}
		if got := string(mc.Do("SET", "k", "v")); got != "+OK\r\n" {
			t.Fatalf("write after the timeout = %q", got)
		}
	})
	t.Run("force", func(t *testing.T) {
		mc, r, rc := stalledFailover(t, func(p int) []string {
			return []string{"TO", "127.0.0.1", strconv.Itoa(p), "FORCE", "TIMEOUT", "300"}
		})
		waitFor(t, 5*time.Second, "the forced handoff", func() bool {
			return info(t, mc, "replication", "master_failover_state") == "failover-in-progress"
		})
		if err := r.Signal(syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		failoverDone(t, mc, rc)
		rc.Do("SET", "after", "1")
		syncedTo(t, rc, mc)
	})
	t.Run("abort while handing off", func(t *testing.T) {
		mc, _, _ := stalledFailover(t, func(p int) []string {
			return []string{"TO", "127.0.0.1", strconv.Itoa(p), "FORCE", "TIMEOUT", "100"}
		})
		waitFor(t, 5*time.Second, "the forced handoff", func() bool {
			return info(t, mc, "replication", "master_failover_state") == "failover-in-progress"
		})
		if got := info(t, mc, "replication", "role"); got != "slave" {
			t.Fatalf("role while handing off = %s", got)
		}
		if got := string(mc.Do("FAILOVER", "ABORT")); got != "+OK\r\n" {
			t.Fatalf("FAILOVER ABORT = %q", got)
		}
		if got := info(t, mc, "replication", "role"); got != "master" {
			t.Fatalf("role after ABORT = %s", got)
		}
		if got := string(mc.Do("SET", "k", "v")); got != "+OK\r\n" {
			t.Fatalf("write after ABORT = %q", got)
		}
	})
}

func mustPort(t *testing.T, c *testutil.Conn) int {
	t.Helper()
	_, p, _ := strings.Cut(c.NetConn().RemoteAddr().String(), ":")
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReplicaofUnblocksClients: when a master starts following another
// server, clients blocked in BLPOP, XREAD or WAIT get -UNBLOCKED and are
// disconnected, as redis-server does (compared byte for byte); a client a
// pause holds is not touched.
func TestReplicaofUnblocksClients(t *testing.T) {
	for _, name := range []string{"redis", "vesta"} {
		t.Run(name, func(t *testing.T) {
			var s *testutil.Server
			if name == "redis" {
				s = testutil.StartRedis(t)
			} else {
				s = testutil.StartVesta(t)
			}
			c := testutil.Dial(t, s.Addr)
			defer c.Close()
			var blocked []*testutil.Conn
			for _, cmd := range [][]string{{"BLPOP", "q", "0"}, {"XREAD", "BLOCK", "0", "STREAMS", "st", "$"}, {"WAIT", "1", "0"}} {
				b := testutil.Dial(t, s.Addr)
				defer b.Close()
				b.Send(cmd...)
				blocked = append(blocked, b)
			}
			waitFor(t, 5*time.Second, "3 blocked clients", func() bool {
				return info(t, c, "clients", "blocked_clients") == "3"
			})
			if got := string(c.Do("CLIENT", "PAUSE", "100000", "WRITE")); got != "+OK\r\n" {
				t.Fatalf("CLIENT PAUSE = %q", got)
			}
			held := testutil.Dial(t, s.Addr)
			defer held.Close()
			held.Send("SET", "k", "v")
			waitFor(t, 5*time.Second, "4 blocked clients", func() bool {
				return info(t, c, "clients", "blocked_clients") == "4"
			})
			if got := string(c.Do("REPLICAOF", "127.0.0.1", "1")); got != "+OK\r\n" {
				t.Fatalf("REPLICAOF = %q", got)
			}
			for i, b := range blocked {
				got, err := b.WaitClosed(5 * time.Second)
				want := "-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)\r\n"
				if string(got) != want || err != nil {
					t.Fatalf("blocked client %d got %q (%v), want %q then close", i, got, err, want)
				}
			}
			if got := info(t, c, "clients", "blocked_clients"); got != "1" {
				t.Fatalf("blocked_clients after REPLICAOF = %s, want the held client only", got)
			}
			c.Do("CLIENT", "UNPAUSE")
			if got := string(held.ReadReply()); !strings.HasPrefix(got, "-READONLY") {
				t.Fatalf("held SET after the role change = %q", got)
			}
		})
	}
}

// TestFailoverAfterMasterRestart: a master restarted from its RDB continues
// its history under a new id (the old one second); its replica continued
// with that new id, so the handoff, made before any new write, asks for
// the new id, not the restored one.
func TestFailoverAfterMasterRestart(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "60")
	preload(t, mc, 50)
	r, rc := startVestaReplica(t, "127.0.0.1", m.Port)
	waitLinkUp(t, rc)
	syncedTo(t, mc, rc)
	mc.Send("SHUTDOWN", "SAVE")
	if !m.Wait(10 * time.Second) {
		t.Fatal("the master did not shut down")
	}
	m.StartAgain()
	mc2 := testutil.Dial(t, m.Addr)
	defer mc2.Close()
	waitFor(t, 20*time.Second, "the replica back online", func() bool {
		return strings.Contains(info(t, mc2, "replication", "slave0"), "state=online") &&
			info(t, rc, "replication", "master_replid") == info(t, mc2, "replication", "master_replid")
	})
	waitFor(t, 5*time.Second, "the replica's ACK", func() bool {
		return strings.Contains(info(t, mc2, "replication", "slave0"), "offset="+info(t, mc2, "replication", "master_repl_offset"))
	})
	if got := string(mc2.Do("FAILOVER")); got != "+OK\r\n" {
		t.Fatalf("FAILOVER = %q", got)
	}
	failoverDone(t, mc2, rc)
	if got := info(t, rc, "stats", "sync_partial_ok"); got != "1" {
		t.Fatalf("sync_partial_ok on the new master = %s", got)
	}
	rc.Do("SET", "after", "1")
	syncedTo(t, rc, mc2)
	_ = r
}

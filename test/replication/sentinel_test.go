package replication

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vestadb/vesta/internal/testutil"
)

// The Sentinel scenario: Debian's redis-sentinel 7.0.15 (two of them, so
// that they find each other through __sentinel__:hello and elect a
// leader) monitors a Vesta master with two Vesta replicas. The master is
// killed; Sentinel promotes a replica (MULTI, REPLICAOF NO ONE, CONFIG
// REWRITE, CLIENT KILL, EXEC), repoints the other one, which continues
// with a partial resync, and turns the old master, once restarted, into a
// replica. go-redis's failover client follows the switch, and the writes
// both replicas acknowledged (WAIT 2) before the kill are on the new
// master.

// startConfigured starts a Vesta server with a config file of its own, so
// that CONFIG REWRITE, which Sentinel sends, has a file to write.
func startConfigured(t *testing.T, args ...string) (*testutil.Server, *testutil.Conn, string) {
	t.Helper()
	conf := filepath.Join(t.TempDir(), "vesta.conf")
	if err := os.WriteFile(conf, []byte("repl-diskless-sync-delay 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := testutil.StartVesta(t, append([]string{conf, "--enable-debug-command", "yes"}, args...)...)
	c := testutil.Dial(t, s.Addr)
	t.Cleanup(func() { c.Close() })
	return s, c, conf
}

func startSentinel(t *testing.T, masterPort int) (*testutil.Server, *testutil.Conn) {
	t.Helper()
	bin := testutil.RequireTool(t, "redis-sentinel")
	conf := filepath.Join(t.TempDir(), "sentinel.conf")
	text := fmt.Sprintf("sentinel monitor mymaster 127.0.0.1 %d 2\n"+
		"sentinel down-after-milliseconds mymaster 1000\n"+
		"sentinel failover-timeout mymaster 6000\n"+
		"sentinel parallel-syncs mymaster 1\n", masterPort)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s := testutil.Start(t, testutil.Spec{Name: "sentinel", Bin: bin, Args: []string{conf}})
	c := testutil.Dial(t, s.Addr)
	t.Cleanup(func() { c.Close() })
	return s, c
}

// sentinelField is one field of SENTINEL MASTER mymaster.
func sentinelField(t *testing.T, c *testutil.Conn, name string) string {
	t.Helper()
	v, ok := c.DoValue("SENTINEL", "MASTER", "mymaster").([]any)
	if !ok {
		return ""
	}
	for i := 0; i+1 < len(v); i += 2 {
		if fmt.Sprint(v[i]) == name {
			return fmt.Sprint(v[i+1])
		}
	}
	return ""
}

// infoAt is one INFO field read on a new connection: Sentinel kills the
// normal clients of the servers it reconfigures.
// infoAt polls a server that may be down or may close the connection:
// Sentinel's reconfiguration of an old master ends with CLIENT KILL TYPE
// normal, which can hit this connection mid-request. Any failure reads as
// "" (not yet).
func infoAt(t *testing.T, addr, section, name string) string {
	t.Helper()
	c, err := testutil.DialErr(t, addr)
	if err != nil {
		return ""
	}
	defer c.Close()
	raw, err := c.DoErr("INFO", section)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if k, val, ok := strings.Cut(line, ":"); ok && k == name {
			return val
		}
	}
	return ""
}

func TestSentinelFailover(t *testing.T) {
	testutil.RequireTool(t, "redis-sentinel") // before starting anything
	m, mc, _ := startConfigured(t)
	preload(t, mc, 100)
	writeEveryType(t, mc, 0)
	r1, r1c, conf1 := startConfigured(t, "--replicaof", "127.0.0.1", strconv.Itoa(m.Port))
	r2, r2c, conf2 := startConfigured(t, "--replicaof", "127.0.0.1", strconv.Itoa(m.Port), "--replica-priority", "50")
	syncedTo(t, mc, r1c)
	syncedTo(t, mc, r2c)

	_, s1 := startSentinel(t, m.Port)
	s2srv, s2 := startSentinel(t, m.Port)
	waitFor(t, 30*time.Second, "both sentinels to know both replicas and each other", func() bool {
		for _, s := range []*testutil.Conn{s1, s2} {
			if sentinelField(t, s, "num-slaves") != "2" || sentinelField(t, s, "num-other-sentinels") != "1" {
				return false
			}
		}
		return true
	})

	ctx := context.Background()
	fc := redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName: "mymaster", SentinelAddrs: []string{s2srv.Addr},
		DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second, MaxRetries: -1,
	})
	defer fc.Close()
	if err := fc.Set(ctx, "via-sentinel", "1", 0).Err(); err != nil {
		t.Fatalf("SET through the failover client: %v", err)
	}
	// Writes acknowledged by both replicas (WAIT 2) right before the
	// master dies must survive the failover.
	for i := 0; i < 50; i++ {
		mc.Send("INCRBY", "acked", "1")
		mc.Send("SET", "acked:"+strconv.Itoa(i), strconv.Itoa(i))
		mc.ReadReply()
		mc.ReadReply()
		if got := string(mc.Do("WAIT", "2", "5000")); got != ":2\r\n" {
			t.Fatalf("WAIT 2 = %q", got)
		}
	}

	m.Kill()
	// replica-priority 50 makes r2 the one Sentinel promotes.
	waitFor(t, 40*time.Second, "Sentinel to promote the replica", func() bool {
		v, ok := s1.DoValue("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").([]any)
		return ok && len(v) == 2 && fmt.Sprint(v[1]) == strconv.Itoa(r2.Port) &&
			infoAt(t, r1.Addr, "replication", "master_port") == strconv.Itoa(r2.Port) &&
			infoAt(t, r1.Addr, "replication", "master_link_status") == "up"
	})
	r1c, r2c = testutil.Dial(t, r1.Addr), testutil.Dial(t, r2.Addr)
	defer r1c.Close()
	defer r2c.Close()
	if got := fmt.Sprint(r2c.DoValue("GET", "acked")); got != "50" {
		t.Fatalf("acknowledged INCRBYs on the new master: %s, want 50", got)
	}
	if got := fmt.Sprint(r2c.DoValue("GET", "acked:49")); got != "49" {
		t.Fatalf("the last acknowledged SET on the new master: %s", got)
	}
	if got := info(t, r2c, "replication", "role"); got != "master" {
		t.Fatalf("promoted replica's role = %s", got)
	}
	if got := info(t, r2c, "stats", "sync_full"); got != "0" {
		t.Fatalf("sync_full on the promoted replica = %s, want 0 (the other replica continues partially)", got)
	}
	if got := info(t, r2c, "stats", "sync_partial_ok"); got != "1" {
		t.Fatalf("sync_partial_ok on the promoted replica = %s, want 1", got)
	}
	// Sentinel's CONFIG REWRITE recorded the new roles.
	if b, err := os.ReadFile(conf2); err != nil || strings.Contains(string(b), "replicaof") {
		t.Fatalf("the promoted replica's config file still has replicaof (%v):\n%s", err, b)
	}
	if b, err := os.ReadFile(conf1); err != nil || !strings.Contains(string(b), "replicaof 127.0.0.1 "+strconv.Itoa(r2.Port)) {
		t.Fatalf("the other replica's config file does not follow the new master (%v):\n%s", err, b)
	}

	// The failover client finds the new master.
	waitFor(t, 20*time.Second, "the failover client to write to the new master", func() bool {
		return fc.Set(ctx, "after-failover", "2", 0).Err() == nil
	})
	if got := fmt.Sprint(r2c.DoValue("GET", "after-failover")); got != "2" {
		t.Fatalf("GET after-failover on the new master = %s", got)
	}
	syncedTo(t, r2c, r1c)

	// The old master comes back and is turned into a replica.
	m.StartAgain()
	// Sentinel waits 8 s after the old master reappears, and asks a
	// replica's INFO every 10 s: 20 s or so, more on a loaded machine (a
	// run under full CI load once needed more than 25). The waits only
	// bound a failure; a passing run takes what Sentinel needs.
	waitFor(t, 60*time.Second, "Sentinel to turn the old master into a replica", func() bool {
		return infoAt(t, m.Addr, "replication", "master_port") == strconv.Itoa(r2.Port) &&
			infoAt(t, m.Addr, "replication", "master_link_status") == "up"
	})
	oc := testutil.Dial(t, m.Addr)
	defer oc.Close()
	syncedTo(t, r2c, oc)
	// None of what Sentinel sent was refused.
	for _, c := range []*testutil.Conn{r1c, r2c, oc} {
		if v := fmt.Sprint(c.DoValue("INFO", "errorstats")); strings.Contains(v, "errorstat_") {
			t.Errorf("a server answered Sentinel with errors:\n%s\n%s", v, c.DoValue("INFO", "commandstats"))
		}
	}
}

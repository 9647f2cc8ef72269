// Package replication holds black-box tests of replication: Vesta as the
// master of Debian's redis-server 7.0.15 (started with --replicaof), with
// writes under load during the full synchronisation, DEBUG DIGEST compared
// once the replica caught up, partial resynchronisation after a dropped
// link and after a replica restart, a full one when the backlog no longer
// holds what the replica lacks, WAIT, ROLE, and the handshake's errors
// compared byte for byte with Redis as master.
package replication

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// info returns one field of INFO.
func info(t *testing.T, c *testutil.Conn, section, name string) string {
	t.Helper()
	v := c.DoValue("INFO", section)
	s, ok := v.(string)
	if !ok {
		t.Fatalf("INFO %s: %v", section, v)
	}
	for _, line := range strings.Split(s, "\r\n") {
		if k, val, ok := strings.Cut(line, ":"); ok && k == name {
			return val
		}
	}
	return ""
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func startMaster(t *testing.T, args ...string) (*testutil.Server, *testutil.Conn) {
	t.Helper()
	m := testutil.StartVesta(t, append([]string{"--enable-debug-command", "yes"}, args...)...)
	c := testutil.Dial(t, m.Addr)
	t.Cleanup(func() { c.Close() })
	return m, c
}

func startReplica(t *testing.T, master *testutil.Server, args ...string) (*testutil.Server, *testutil.Conn) {
	t.Helper()
	r := testutil.StartRedis(t, append([]string{"--enable-debug-command", "yes", "--replicaof", "127.0.0.1", strconv.Itoa(master.Port)}, args...)...)
	c := testutil.Dial(t, r.Addr)
	t.Cleanup(func() { c.Close() })
	replicas.Store(c, r)
	return r, c
}

func waitLinkUp(t *testing.T, rc *testutil.Conn) {
	t.Helper()
	waitFor(t, 30*time.Second, "master_link_status:up", func() bool {
		return info(t, rc, "replication", "master_link_status") == "up"
	})
}

// digestsEqual waits until the replica's DEBUG DIGEST equals the master's
// (the master being quiet).
func digestsEqual(t *testing.T, mc, rc *testutil.Conn) {
	t.Helper()
	var md, rd string
	deadline := time.Now().Add(15 * time.Second)
	for {
		md, rd = fmt.Sprint(mc.DoValue("DEBUG", "DIGEST")), fmt.Sprint(rc.DoValue("DEBUG", "DIGEST"))
		if md == rd && md != strings.Repeat("0", 40) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("DEBUG DIGEST differs: master %s, replica %s (master dbsize %v, replica %v)",
				md, rd, mc.DoValue("DBSIZE"), rc.DoValue("DBSIZE"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// preload writes n keys of every type over three databases, some with a
// TTL far in the future.
func preload(t *testing.T, c *testutil.Conn, n int) {
	t.Helper()
	var b []byte
	for db := 0; db < 3; db++ {
		b = testutil.AppendCommand(b, "SELECT", strconv.Itoa(db))
		for i := 0; i < n; i++ {
			k := fmt.Sprintf("k%d", i)
			switch i % 6 {
			case 0:
				b = testutil.AppendCommand(b, "SET", k, strings.Repeat("v", i%50))
			case 1:
				b = testutil.AppendCommand(b, "RPUSH", k, "a", "b", strconv.Itoa(i))
			case 2:
				b = testutil.AppendCommand(b, "HSET", k, "f", "v", "g", strconv.Itoa(i))
			case 3:
				b = testutil.AppendCommand(b, "SADD", k, "x", strconv.Itoa(i))
			case 4:
				b = testutil.AppendCommand(b, "ZADD", k, "1.5", "m", strconv.Itoa(i), "n")
			case 5:
				b = testutil.AppendCommand(b, "SET", k, strconv.Itoa(i), "PX", "100000000")
			}
		}
	}
	b = testutil.AppendCommand(b, "SELECT", "0")
	c.WriteRaw(b)
	for i := 0; i < 3*n+4; i++ {
		if r := c.ReadReply(); len(r) > 0 && r[0] == '-' {
			t.Fatalf("preload: %s", r)
		}
	}
}

// load writes random commands of every type, in several databases, until
// stop is closed; it returns the connection it wrote on (for WAIT).
func load(t *testing.T, addr string, seed int64, stop <-chan struct{}, wg *sync.WaitGroup, count *atomic.Int64) *testutil.Conn {
	c := testutil.Dial(t, addr)
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewSource(seed))
		for {
			select {
			case <-stop:
				return
			default:
			}
			var b []byte
			for i := 0; i < 20; i++ {
				k := "k" + strconv.Itoa(rng.Intn(300))
				b = testutil.AppendCommand(b, "SELECT", strconv.Itoa(rng.Intn(3)))
				switch rng.Intn(9) {
				case 0:
					b = testutil.AppendCommand(b, "SET", "s"+k, strconv.Itoa(rng.Int()))
				case 1:
					b = testutil.AppendCommand(b, "INCR", "n"+k)
				case 2:
					b = testutil.AppendCommand(b, "LPUSH", "l"+k, strconv.Itoa(rng.Intn(100)))
				case 3:
					b = testutil.AppendCommand(b, "HSET", "h"+k, strconv.Itoa(rng.Intn(10)), "v")
				case 4:
					b = testutil.AppendCommand(b, "ZINCRBY", "z"+k, "2.5", strconv.Itoa(rng.Intn(10)))
				case 5:
					b = testutil.AppendCommand(b, "SADD", "t"+k, strconv.Itoa(rng.Intn(10)))
				case 6:
					b = testutil.AppendCommand(b, "DEL", k)
				case 7:
					b = testutil.AppendCommand(b, "SET", "e"+k, "v", "PX", strconv.Itoa(1+rng.Intn(300)))
				case 8:
					b = testutil.AppendCommand(b, "MULTI")
					b = testutil.AppendCommand(b, "INCR", "m"+k)
					b = testutil.AppendCommand(b, "RPOP", "l"+k)
					b = testutil.AppendCommand(b, "EXEC")
					i += 3
				}
			}
			if err := c.WriteRawErr(b); err != nil {
				return
			}
			for range countCommands(b) {
				if _, err := c.ReadReplyErr(); err != nil {
					return
				}
			}
			count.Add(1)
		}
	}()
	return c
}

// countCommands is the number of requests in a pipeline built with
// AppendCommand (each starts with *<n> at the start of a line).
func countCommands(b []byte) int {
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] == '*' && (i == 0 || b[i-1] == '\n') {
			n++
		}
	}
	return n
}

// TestFullSyncUnderLoad: a Redis replica of Vesta, synchronised while
// clients write, holds the master's dataset once it caught up (WAIT), for
// both transfers.
func TestFullSyncUnderLoad(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"disk", []string{"--repl-diskless-sync", "no"}},
		{"diskless", []string{"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The walker is slowed down so that the writes interleave
			// with the snapshot.
			m, mc := startMaster(t, append(tc.args, "--rdb-key-save-delay", "100")...)
			preload(t, mc, 500)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var batches atomic.Int64
			w1 := load(t, m.Addr, 1, stop, &wg, &batches)
			w2 := load(t, m.Addr, 2, stop, &wg, &batches)
			defer w1.Close()
			defer w2.Close()
			time.Sleep(100 * time.Millisecond)
			before := batches.Load()
			_, rc := startReplica(t, m)
			waitLinkUp(t, rc)
			time.Sleep(300 * time.Millisecond)
			close(stop)
			wg.Wait()
			if batches.Load() == before {
				t.Fatalf("no writes during the sync")
			}
			if got := w1.DoValue("WAIT", "1", "5000"); got != int64(1) {
				t.Fatalf("WAIT 1 5000 = %v", got)
			}
			digestsEqual(t, mc, rc)
			if got := info(t, mc, "stats", "sync_full"); got != "1" {
				t.Errorf("sync_full = %s", got)
			}
			slave := info(t, mc, "replication", "slave0")
			if !strings.Contains(slave, "state=online") {
				t.Errorf("slave0 = %q", slave)
			}
			// Master and replica agree on the offset.
			waitFor(t, 5*time.Second, "equal offsets", func() bool {
				return info(t, mc, "replication", "master_repl_offset") == info(t, rc, "replication", "master_repl_offset")
			})
		})
	}
}

// TestPartialResyncAfterKill: CLIENT KILL TYPE replica drops the link; the
// replica comes back with PSYNC and continues from the backlog.
func TestPartialResyncAfterKill(t *testing.T) {
	// The load writes megabytes a second: the backlog must hold what the
	// replica misses while it reconnects.
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0", "--repl-backlog-size", "64mb")
	preload(t, mc, 100)
	_, rc := startReplica(t, m)
	waitLinkUp(t, rc)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var batches atomic.Int64
	w := load(t, m.Addr, 3, stop, &wg, &batches)
	defer w.Close()
	for i := 0; i < 3; i++ {
		time.Sleep(200 * time.Millisecond)
		if got := mc.DoValue("CLIENT", "KILL", "TYPE", "replica"); got != int64(1) {
			t.Fatalf("CLIENT KILL TYPE replica = %v", got)
		}
		waitFor(t, 10*time.Second, "the replica back online", func() bool {
			return strings.Contains(info(t, mc, "replication", "slave0"), "state=online")
		})
	}
	close(stop)
	wg.Wait()
	if got := w.DoValue("WAIT", "1", "5000"); got != int64(1) {
		t.Fatalf("WAIT 1 5000 = %v", got)
	}
	digestsEqual(t, mc, rc)
	if got := info(t, mc, "stats", "sync_full"); got != "1" {
		t.Errorf("sync_full = %s, want 1", got)
	}
	if got := info(t, mc, "stats", "sync_partial_ok"); got != "3" {
		t.Errorf("sync_partial_ok = %s, want 3", got)
	}
}

// TestFullResyncOutsideBacklog: a replica that missed more than the backlog
// holds gets a full synchronisation again.
func TestFullResyncOutsideBacklog(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0", "--repl-backlog-size", "16kb")
	_, rc := startReplica(t, m)
	r := rc // the replica's process is stopped below: keep its conn for after
	waitLinkUp(t, rc)
	rs := replicaServer(t, m, rc)
	if err := rs.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	mc.Do("CLIENT", "KILL", "TYPE", "replica")
	big := strings.Repeat("x", 1000)
	for i := 0; i < 200; i++ {
		mc.Do("SET", "big"+strconv.Itoa(i), big)
	}
	if err := rs.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "a second full sync", func() bool {
		return info(t, mc, "stats", "sync_full") == "2" &&
			strings.Contains(info(t, mc, "replication", "slave0"), "state=online")
	})
	if got := mc.DoValue("WAIT", "1", "5000"); got != int64(1) {
		t.Fatalf("WAIT 1 5000 = %v", got)
	}
	digestsEqual(t, mc, r)
	if got := info(t, mc, "stats", "sync_partial_ok"); got != "0" {
		t.Errorf("sync_partial_ok = %s, want 0", got)
	}
}

// replicaServer finds the testutil.Server of the replica behind rc.
var replicas sync.Map // *testutil.Conn -> *testutil.Server

func replicaServer(t *testing.T, _ *testutil.Server, rc *testutil.Conn) *testutil.Server {
	t.Helper()
	s, ok := replicas.Load(rc)
	if !ok {
		t.Fatal("unknown replica")
	}
	return s.(*testutil.Server)
}

// TestReplicaRestartPartial: a replica restarted from its RDB (which holds
// its replication id and offset) continues with +CONTINUE (PSYNC2).
func TestReplicaRestartPartial(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	preload(t, mc, 100)
	rs, rc := startReplica(t, m)
	waitLinkUp(t, rc)
	mc.Do("SET", "before", "restart")
	if got := mc.DoValue("WAIT", "1", "5000"); got != int64(1) {
		t.Fatalf("WAIT = %v", got)
	}
	rc.Send("SHUTDOWN", "SAVE")
	if !rs.Wait(10 * time.Second) {
		t.Fatal("the replica did not shut down")
	}
	mc.Do("SET", "while", "down")
	rs.StartAgain()
	rc2 := testutil.Dial(t, rs.Addr)
	defer rc2.Close()
	waitLinkUp(t, rc2)
	digestsEqual(t, mc, rc2)
	if got := info(t, mc, "stats", "sync_partial_ok"); got != "1" {
		t.Errorf("sync_partial_ok = %s, want 1\n%s", got, rs.Log())
	}
	if got := info(t, mc, "stats", "sync_full"); got != "1" {
		t.Errorf("sync_full = %s, want 1", got)
	}
}

// TestWaitAndRole: WAIT counts acknowledging replicas and times out with
// the count; ROLE lists the online replica.
func TestWaitAndRole(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	if got := mc.DoValue("WAIT", "0", "0"); got != int64(0) {
		t.Fatalf("WAIT 0 0 without replicas = %v", got)
	}
	_, rc := startReplica(t, m)
	waitLinkUp(t, rc)
	mc.Do("SET", "a", "1")
	if got := mc.DoValue("WAIT", "1", "0"); got != int64(1) {
		t.Fatalf("WAIT 1 0 = %v", got)
	}
	start := time.Now()
	if got := mc.DoValue("WAIT", "2", "300"); got != int64(1) {
		t.Fatalf("WAIT 2 300 = %v", got)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("WAIT 2 300 returned after %v", d)
	}
	role := fmt.Sprint(mc.DoValue("ROLE"))
	if !strings.HasPrefix(role, "[master ") || !strings.Contains(role, "127.0.0.1") {
		t.Errorf("ROLE = %s", role)
	}
	for _, tc := range [][]string{{"WAIT", "x", "0"}, {"WAIT", "1", "x"}, {"WAIT", "1", "-1"}} {
		if got, want := string(mc.Do(tc...)), map[string]string{
			"x0": "-ERR value is not an integer or out of range\r\n",
			"1x": "-ERR timeout is not an integer or out of range\r\n", "1-1": "-ERR timeout is negative\r\n",
		}[tc[1]+tc[2]]; got != want {
			t.Errorf("%v: %q, want %q", tc, got, want)
		}
	}
}

// TestHandshakeErrors compares the replies to malformed REPLCONF and PSYNC
// with Redis's.
func TestHandshakeErrors(t *testing.T) {
	cmds := [][]string{
		{"REPLCONF"},
		{"REPLCONF", "listening-port"},
		{"REPLCONF", "listening-port", "x"},
		{"REPLCONF", "listening-port", "6380", "capa", "eof", "capa", "psync2", "capa", "foo"},
		{"REPLCONF", "ip-address", strings.Repeat("a", 300)},
		{"REPLCONF", "nosuch", "1"},
		{"REPLCONF", "rdb-only", "2"},
		{"REPLCONF", "rdb-only", "x"},
		{"REPLCONF", "rdb-filter-only", ""},
		{"REPLCONF", "rdb-filter-only", "functions"},
		{"REPLCONF", "rdb-filter-only", "FUNCTIONS foo"},
		{"REPLCONF", "rdb-filter-only", "\"unbalanced"},
		{"PING"},
		{"PSYNC", "?", "x"},
		{"PSYNC", "?"},
		{"WAIT", "1"},
	}
	replies := map[string][]string{}
	for _, name := range []string{"vesta", "redis"} {
		var s *testutil.Server
		if name == "vesta" {
			s = testutil.StartVesta(t)
		} else {
			s = testutil.StartRedis(t)
		}
		c := testutil.Dial(t, s.Addr)
		// No reply at all to these from a connection that is no replica.
		c.Send("REPLCONF", "ack", "10")
		c.Send("REPLCONF", "getack", "*")
		// One at a time: SYNC and PSYNC refuse to run while replies of
		// earlier commands wait to be written, which depends on how a
		// pipeline is split into reads.
		for _, cmd := range cmds {
			replies[name] = append(replies[name], string(c.Do(cmd...)))
		}
		c.Close()
	}
	for i, cmd := range cmds {
		if replies["vesta"][i] != replies["redis"][i] {
			t.Errorf("%q: vesta %q, redis %q", cmd, replies["vesta"][i], replies["redis"][i])
		}
	}
}

// TestRedisCliRDB: redis-cli --rdb (REPLCONF rdb-only, SYNC) saves a
// snapshot that redis-check-rdb accepts, through both transfers.
func TestRedisCliRDB(t *testing.T) {
	cli := testutil.RequireTool(t, "redis-cli")
	check := testutil.RequireTool(t, "redis-check-rdb")
	for _, diskless := range []string{"yes", "no"} {
		t.Run("diskless-"+diskless, func(t *testing.T) {
			m, mc := startMaster(t, "--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0")
			preload(t, mc, 200)
			out := filepath.Join(t.TempDir(), "out.rdb")
			if b, err := exec.Command(cli, "-p", strconv.Itoa(m.Port), "--rdb", out).CombinedOutput(); err != nil {
				t.Fatalf("redis-cli --rdb: %v\n%s", err, b)
			}
			b, err := exec.Command(check, out).CombinedOutput()
			if err != nil || !strings.Contains(string(b), "[info] 600 keys read") {
				t.Fatalf("redis-check-rdb: %v\n%s", err, b)
			}
			waitFor(t, 5*time.Second, "the rdb-only replica gone", func() bool {
				return info(t, mc, "replication", "connected_slaves") == "0"
			})
		})
	}
}

// TestMinReplicas: with min-replicas-to-write, writes are refused (as
// Redis refuses them) until enough replicas acknowledge.
func TestMinReplicas(t *testing.T) {
	for _, name := range []string{"vesta", "redis"} {
		var s *testutil.Server
		if name == "vesta" {
			s = testutil.StartVesta(t, "--min-replicas-to-write", "1")
		} else {
			s = testutil.StartRedis(t, "--min-replicas-to-write", "1")
		}
		c := testutil.Dial(t, s.Addr)
		for _, tc := range []struct{ cmd, want []string }{
			{[]string{"SET", "a", "1"}, []string{"-NOREPLICAS Not enough good replicas to write.\r\n"}},
			{[]string{"GET", "a"}, []string{"$-1\r\n"}},
			{[]string{"PING"}, []string{"+PONG\r\n"}},
		} {
			if got := string(c.Do(tc.cmd...)); got != tc.want[0] {
				t.Errorf("%s: %v = %q, want %q", name, tc.cmd, got, tc.want[0])
			}
		}
		c.Close()
	}
	m, mc := startMaster(t, "--min-replicas-to-write", "1", "--repl-diskless-sync-delay", "0")
	_, rc := startReplica(t, m)
	waitLinkUp(t, rc)
	waitFor(t, 5*time.Second, "writes accepted", func() bool { return string(mc.Do("SET", "a", "1")) == "+OK\r\n" })
}

// TestMasterRestartPartial: a master restarted from the dump.rdb it saved
// at shutdown (which records its replication id and offset) lets its
// replica continue with +CONTINUE, as Redis 7.0 does.
func TestMasterRestartPartial(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	preload(t, mc, 100)
	_, rc := startReplica(t, m)
	waitLinkUp(t, rc)
	mc.Do("SELECT", "2")
	mc.Do("SET", "before", "restart")
	if got := mc.DoValue("WAIT", "1", "5000"); got != int64(1) {
		t.Fatalf("WAIT = %v", got)
	}
	oldID := info(t, mc, "replication", "master_replid")
	oldOff := info(t, mc, "replication", "master_repl_offset")
	mc.Send("SHUTDOWN", "SAVE")
	if !m.Wait(10 * time.Second) {
		t.Fatal("the master did not shut down")
	}
	m.StartAgain()
	mc2 := testutil.Dial(t, m.Addr)
	defer mc2.Close()
	if got := info(t, mc2, "replication", "master_replid2"); got != oldID {
		t.Fatalf("master_replid2 = %s, want the old id %s", got, oldID)
	}
	if got := info(t, mc2, "replication", "master_repl_offset"); got != oldOff {
		t.Fatalf("master_repl_offset = %s, want %s", got, oldOff)
	}
	waitFor(t, 20*time.Second, "the replica back online", func() bool {
		return strings.Contains(info(t, mc2, "replication", "slave0"), "state=online")
	})
	mc2.Do("SELECT", "2")
	mc2.Do("SET", "after", "restart")
	if got := mc2.DoValue("WAIT", "1", "5000"); got != int64(1) {
		t.Fatalf("WAIT after restart = %v", got)
	}
	digestsEqual(t, mc2, rc)
	if got := info(t, mc2, "stats", "sync_partial_ok"); got != "1" {
		t.Errorf("sync_partial_ok = %s, want 1", got)
	}
	if got := info(t, mc2, "stats", "sync_full"); got != "0" {
		t.Errorf("sync_full = %s, want 0", got)
	}
}

// TestRedisCliReplica: redis-cli --replica (REPLCONF rdb-filter-only "",
// SYNC) gets an RDB without data and then the stream, without errors.
func TestRedisCliReplica(t *testing.T) {
	cli := testutil.RequireTool(t, "redis-cli")
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	preload(t, mc, 50)
	outPath := filepath.Join(t.TempDir(), "out")
	f, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(cli, "-p", strconv.Itoa(m.Port), "--replica")
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	// Streaming starts at its first ACK; redis-cli reads one "reply" to
	// that ACK, which eats whatever arrives first (Redis as master loses
	// it too), so the command is sent once that is over.
	waitFor(t, 10*time.Second, "redis-cli acknowledged", func() bool {
		return strings.Contains(m.Log(), "Synchronization with replica succeeded")
	})
	time.Sleep(300 * time.Millisecond)
	mc.Do("SELECT", "3")
	mc.Do("SET", "hello", "world")
	want := `"SELECT","3"` + "\n" + `"SET","hello","world"`
	var o string
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(o, want) {
		if time.Now().After(deadline) {
			t.Fatalf("redis-cli --replica did not print the command:\n%s", o)
		}
		time.Sleep(50 * time.Millisecond)
		b, _ := os.ReadFile(outPath)
		o = string(b)
	}
	if strings.Contains(o, "error") {
		t.Fatalf("redis-cli --replica printed:\n%s", o)
	}
	if !strings.Contains(m.Log(), "without data for filtered replicas") {
		t.Errorf("the data was not filtered out")
	}
}

// TestTwoReplicasOneSnapshot: two replicas arriving together share one
// diskless snapshot (repl-diskless-sync-max-replicas starts it as soon as
// both wait) and one backlog; both hold the dataset after WAIT 2.
func TestTwoReplicasOneSnapshot(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "30", "--repl-diskless-sync-max-replicas", "2")
	preload(t, mc, 300)
	_, r1 := startReplica(t, m)
	_, r2 := startReplica(t, m)
	waitLinkUp(t, r1)
	waitLinkUp(t, r2)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var batches atomic.Int64
	w := load(t, m.Addr, 4, stop, &wg, &batches)
	defer w.Close()
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	if got := w.DoValue("WAIT", "2", "5000"); got != int64(2) {
		t.Fatalf("WAIT 2 5000 = %v", got)
	}
	digestsEqual(t, mc, r1)
	digestsEqual(t, mc, r2)
	if n := strings.Count(m.Log(), "Starting BGSAVE for SYNC"); n != 1 {
		t.Errorf("%d snapshots for two replicas, want 1", n)
	}
	if got := info(t, mc, "stats", "sync_full"); got != "2" {
		t.Errorf("sync_full = %s, want 2", got)
	}
}

// TestScriptsReplicate: the effects of EVAL reach the replica (several
// writes of one script arrive wrapped in MULTI/EXEC).
func TestScriptsReplicate(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	_, rc := startReplica(t, m)
	waitLinkUp(t, rc)
	mc.Do("SELECT", "4")
	for i := 0; i < 20; i++ {
		got := mc.Do("EVAL", "redis.call('incr', KEYS[1]); redis.call('rpush', KEYS[2], ARGV[1]); return redis.call('get', KEYS[1])",
			"2", "n", "l", strconv.Itoa(i))
		if len(got) == 0 || got[0] == '-' {
			t.Fatalf("EVAL: %q", got)
		}
	}
	if got := mc.DoValue("WAIT", "1", "5000"); got != int64(1) {
		t.Fatalf("WAIT = %v", got)
	}
	digestsEqual(t, mc, rc)
}

// TestFunctionsReplicate: libraries reach a redis-server replica with the
// full synchronisation's RDB (FUNCTION2 items) and afterwards as the
// FUNCTION commands themselves; FCALL's effects follow like EVAL's.
func TestFunctionsReplicate(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	lib := func(name, fn string) string {
		return "#!lua name=" + name + "\nredis.register_function('" + fn + "', function(keys, args) redis.call('incr', keys[1]) return redis.call('rpush', keys[2], args[1]) end)"
	}
	if got := string(mc.Do("FUNCTION", "LOAD", lib("before", "f_before"))); got != "$6\r\nbefore\r\n" {
		t.Fatalf("FUNCTION LOAD: %q", got)
	}
	mc.Do("FCALL", "f_before", "2", "n", "l", "x")
	_, rc := startReplica(t, m)
	waitLinkUp(t, rc)
	mc.Do("FUNCTION", "LOAD", lib("after", "f_after"))
	mc.Do("FUNCTION", "LOAD", lib("gone", "f_gone"))
	mc.Do("FUNCTION", "DELETE", "gone")
	for i := 0; i < 10; i++ {
		if got := mc.Do("FCALL", "f_after", "2", "n", "l", strconv.Itoa(i)); len(got) == 0 || got[0] == '-' {
			t.Fatalf("FCALL: %q", got)
		}
	}
	if got := mc.DoValue("WAIT", "1", "5000"); got != int64(1) {
		t.Fatalf("WAIT = %v", got)
	}
	digestsEqual(t, mc, rc)
	names := func(c *testutil.Conn) string {
		var out []string
		for _, l := range []string{"before", "after", "gone"} {
			out = append(out, fmt.Sprint(c.DoValue("FUNCTION", "LIST", "LIBRARYNAME", l)))
		}
		return strings.Join(out, "\n")
	}
	if got, want := names(rc), names(mc); got != want {
		t.Fatalf("replica's libraries:\n%s\nmaster's:\n%s", got, want)
	}
	// The replica has the function (a write one: refused, not unknown).
	if got := string(rc.Do("FCALL", "f_before", "0")); !strings.HasPrefix(got, "-READONLY") {
		t.Fatalf("replica's f_before: %q", got)
	}
}

// TestRedisCliFunctionsRDB: redis-cli --functions-rdb (REPLCONF
// rdb-filter-only functions) saves an RDB holding the libraries and no
// keys, which redis-check-rdb and redis-server accept.
func TestRedisCliFunctionsRDB(t *testing.T) {
	cli := testutil.RequireTool(t, "redis-cli")
	check := testutil.RequireTool(t, "redis-check-rdb")
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	preload(t, mc, 20)
	lib := "#!lua name=clilib\nredis.register_function('cli_f', function() return 'from vesta' end)"
	if got := string(mc.Do("FUNCTION", "LOAD", lib)); got != "$6\r\nclilib\r\n" {
		t.Fatalf("FUNCTION LOAD: %q", got)
	}
	out := filepath.Join(t.TempDir(), "functions.rdb")
	if b, err := exec.Command(cli, "-p", strconv.Itoa(m.Port), "--functions-rdb", out).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --functions-rdb: %v\n%s", err, b)
	}
	b, err := exec.Command(check, out).CombinedOutput()
	if err != nil || !strings.Contains(string(b), "[info] 0 keys read") {
		t.Fatalf("redis-check-rdb: %v\n%s", err, b)
	}
	r := testutil.StartRedis(t)
	r.Stop()
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.Dir, "dump.rdb"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	r.StartAgain()
	rc := testutil.Dial(t, r.Addr)
	defer rc.Close()
	if got := string(rc.Do("FCALL", "cli_f", "0")); got != "$10\r\nfrom vesta\r\n" {
		t.Fatalf("redis-server's FCALL of the library: %q", got)
	}
	if got := rc.DoValue("DBSIZE"); got != int64(0) {
		t.Fatalf("DBSIZE %v, want 0", got)
	}
}

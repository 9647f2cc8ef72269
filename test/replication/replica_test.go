package replication

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/testutil"
)

// Vesta as a replica: of a real redis-server 7.0.15, of another Vesta, in
// a chain, through a proxy that cuts or corrupts the link.

// startVestaReplica starts a Vesta replica of addr (host:port).
func startVestaReplica(t *testing.T, host string, port int, args ...string) (*testutil.Server, *testutil.Conn) {
	t.Helper()
	r := testutil.StartVesta(t, append([]string{"--enable-debug-command", "yes", "--replicaof", host, strconv.Itoa(port)}, args...)...)
	c := testutil.Dial(t, r.Addr)
	t.Cleanup(func() { c.Close() })
	return r, c
}

// writeEveryType writes commands of every type and kind of propagation
// (rewritten relative expiries, random pops, stream consumer groups, HLL,
// geo, scripts, database moves), some keys expiring soon.
func writeEveryType(t *testing.T, c *testutil.Conn, round int) {
	t.Helper()
	r := strconv.Itoa(round)
	cmds := [][]string{
		{"SELECT", "1"},
		{"SET", "str" + r, "abc", "EX", "1000"}, {"APPEND", "str" + r, "def"}, {"SETRANGE", "str" + r, "10", "x"},
		{"INCRBYFLOAT", "flt" + r, "1.5"}, {"SETBIT", "bits" + r, "77", "1"}, {"GETEX", "str" + r, "PX", "500000"},
		{"RPUSH", "lst" + r, "a", "b", "c", "d"}, {"LINSERT", "lst" + r, "BEFORE", "c", "x"}, {"LMOVE", "lst" + r, "lst2" + r, "LEFT", "RIGHT"},
		{"HSET", "h" + r, "f", "1", "g", "2"}, {"HINCRBYFLOAT", "h" + r, "f", "0.25"}, {"HDEL", "h" + r, "g"},
		{"SADD", "set" + r, "1", "2", "3", "4", "5"}, {"SPOP", "set" + r}, {"SMOVE", "set" + r, "set2" + r, "1"},
		{"ZADD", "z" + r, "1", "a", "2", "b", "3", "c"}, {"ZINCRBY", "z" + r, "2.5", "a"}, {"ZPOPMIN", "z" + r},
		{"XADD", "st" + r, "*", "f", "v"}, {"XADD", "st" + r, "*", "g", "w"}, {"XGROUP", "CREATE", "st" + r, "grp", "0"},
		{"XREADGROUP", "GROUP", "grp", "alice", "COUNT", "1", "STREAMS", "st" + r, ">"},
		{"PFADD", "hll" + r, "a", "b", "c"}, {"PFMERGE", "hll2" + r, "hll" + r},
		{"GEOADD", "geo" + r, "13.361389", "38.115556", "Palermo"},
		{"EVAL", "redis.call('SET', KEYS[1], 'lua'); return redis.call('INCR', KEYS[2])", "2", "lua" + r, "cnt" + r},
		{"EXPIRE", "h" + r, "1000"}, {"PEXPIREAT", "lst" + r, "99999999999999"}, {"PERSIST", "lst" + r},
		{"SET", "soon" + r, "v", "PX", "30"}, {"HSET", "hsoon" + r, "f", "v"}, {"PEXPIRE", "hsoon" + r, "40"},
		{"COPY", "z" + r, "zcopy" + r}, {"RENAME", "flt" + r, "flt3" + r}, {"MOVE", "bits" + r, "2"},
		{"SELECT", "0"},
	}
	for _, cmd := range cmds {
		if got := c.Do(cmd...); len(got) > 0 && got[0] == '-' {
			t.Fatalf("%v: %s", cmd, got)
		}
	}
}

func startRedisMaster(t *testing.T, args ...string) (*testutil.Server, *testutil.Conn) {
	t.Helper()
	m := testutil.StartRedis(t, append([]string{"--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"}, args...)...)
	c := testutil.Dial(t, m.Addr)
	t.Cleanup(func() { c.Close() })
	return m, c
}

// syncedTo waits until the replica applied the master's whole stream
// (same master_repl_offset) and both digests agree.
func syncedTo(t *testing.T, mc, rc *testutil.Conn) {
	t.Helper()
	waitFor(t, 20*time.Second, "the replica's offset to reach the master's", func() bool {
		return info(t, rc, "replication", "master_repl_offset") == info(t, mc, "replication", "master_repl_offset") &&
			info(t, rc, "replication", "master_link_status") == "up"
	})
	digestsEqual(t, mc, rc)
}

// TestVestaReplicaOfRedis: a Vesta replica of redis-server 7.0.15, for
// every transfer (master disk or diskless) and load mode, while clients
// write every type, with keys expiring during and after the sync.
func TestVestaReplicaOfRedis(t *testing.T) {
	cases := []struct {
		name     string
		diskless string
		load     string
	}{
		{"disk-disabled", "no", "disabled"},
		{"diskless-swapdb", "yes", "swapdb"},
		{"diskless-disabled", "yes", "disabled"},
		{"disk-on-empty-db", "no", "on-empty-db"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, mc := startRedisMaster(t, "--repl-diskless-sync", tc.diskless)
			preload(t, mc, 500)
			for i := 0; i < 50; i++ {
				mc.Do("SET", "exp"+strconv.Itoa(i), "v", "PX", strconv.Itoa(50+i*10))
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var count atomic.Int64
			lc := load(t, m.Addr, 1, stop, &wg, &count)
			defer lc.Close()
			writeEveryType(t, mc, 0)
			_, rc := startVestaReplica(t, "127.0.0.1", m.Port, "--repl-diskless-load", tc.load)
			writeEveryType(t, mc, 1) // during the sync
			waitLinkUp(t, rc)
			writeEveryType(t, mc, 2)
			waitFor(t, 10*time.Second, "writes after the sync", func() bool { return count.Load() > 20 })
			close(stop)
			wg.Wait()
			syncedTo(t, mc, rc)
			// The replica's ACKs serve the master's WAIT.
			if got := mc.DoValue("WAIT", "1", "5000"); got != int64(1) {
				t.Fatalf("WAIT 1 on the master = %v", got)
			}
			if got := info(t, rc, "replication", "role"); got != "slave" {
				t.Fatalf("role:%s", got)
			}
			// Keys that expire on the master go on the replica through
			// the master's DEL only.
			mc.Do("SET", "late", "v", "PX", "200")
			syncedTo(t, mc, rc)
			time.Sleep(300 * time.Millisecond)
			if got := rc.DoValue("GET", "late"); got != nil {
				t.Fatalf("an expired key is visible on the replica: %v", got)
			}
			mc.Do("GET", "late") // the master expires it and propagates DEL
			syncedTo(t, mc, rc)
		})
	}
}

// TestReplicaRefusals: READONLY for writes, MASTERDOWN with
// replica-serve-stale-data no while the link is down, ROLE and INFO of a
// replica that cannot connect, WAIT refused, REPLICAOF's errors.
func TestReplicaRefusals(t *testing.T) {
	port, err := testutil.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	r, rc := startVestaReplica(t, "127.0.0.1", port)
	cases := []struct{ cmd, want string }{
		{"SET a b", "-READONLY You can't write against a read only replica.\r\n"},
		{"GET a", "$-1\r\n"},
		{"WAIT 1 0", "-ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.\r\n"},
		{"REPLICAOF a b", "-ERR Invalid master port\r\n"},
		{"REPLICAOF x 70000", "-ERR Invalid master port\r\n"},
		{"REPLICAOF 127.0.0.1 " + strconv.Itoa(port), "+OK Already connected to specified master\r\n"},
		{"CONFIG SET replica-serve-stale-data no", "+OK\r\n"},
		{"GET a", "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n"},
		{"PING", "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n"},
		{"CONFIG SET replica-read-only no", "+OK\r\n"},
		{"CONFIG SET replica-serve-stale-data yes", "+OK\r\n"},
		{"SET a b", "+OK\r\n"},
		{"GET a", "$1\r\nb\r\n"},
	}
	for _, c := range cases {
		if got := string(rc.Do(strings.Fields(c.cmd)...)); got != c.want {
			t.Errorf("%s = %q, want %q", c.cmd, got, c.want)
		}
	}
	rc.Do("CONFIG", "SET", "replica-read-only", "yes")
	if got := string(rc.Do("EVAL", "return redis.call('set','a','b')", "0")); got !=
		"-READONLY You can't write against a read only replica. script: ff967d0ae0e68b4f9e360fa91c54598bc25ad9b6, on @user_script:1.\r\n" {
		t.Errorf("a script's write on a read-only replica = %q", got)
	}
	rc.Do("CONFIG", "SET", "replica-read-only", "no")
	role := fmt.Sprint(rc.DoValue("ROLE"))
	if !strings.HasPrefix(role, "[slave 127.0.0.1 "+strconv.Itoa(port)+" ") || !strings.HasSuffix(role, " -1]") {
		t.Errorf("ROLE = %s", role)
	}
	for name, want := range map[string]string{
		"role": "slave", "master_link_status": "down", "master_last_io_seconds_ago": "-1",
		"master_sync_in_progress": "0", "slave_priority": "100", "slave_read_only": "0", "replica_announced": "1",
		"master_host": "127.0.0.1", "master_port": strconv.Itoa(port),
	} {
		if got := info(t, rc, "replication", name); got != want {
			t.Errorf("INFO %s = %q, want %q", name, got, want)
		}
	}
	// Every failed attempt is logged, with a back-off between them.
	time.Sleep(3500 * time.Millisecond)
	n := strings.Count(r.Log(), "Retrying in")
	if n < 2 || n > 4 {
		t.Errorf("%d failed attempts logged in 3.5 s, want 2 to 4 (back-off):\n%s", n, r.Log())
	}
	if got := string(rc.Do("REPLICAOF", "NO", "ONE")); got != "+OK\r\n" {
		t.Fatalf("REPLICAOF NO ONE = %q", got)
	}
	if got := info(t, rc, "replication", "role"); got != "master" {
		t.Fatalf("role after NO ONE: %s", got)
	}
	if got := string(rc.Do("SET", "c", "d")); got != "+OK\r\n" {
		t.Fatalf("SET on the promoted replica = %q", got)
	}
}

// proxy forwards TCP connections to a target; it can cut every
// connection and flip a byte of what the target sends.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	flipAt atomic.Int64 // >0: flip the byte at this offset of the next downstream connection
	count  atomic.Int64 // connections accepted
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go p.serve()
	return p
}

func (p *proxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.count.Add(1)
		u, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, u)
		p.mu.Unlock()
		flip := p.flipAt.Swap(0)
		go func() { io.Copy(u, c); u.Close() }()
		go func() {
			if flip > 0 {
				copyFlipping(c, u, flip)
			} else {
				io.Copy(c, u)
			}
			c.Close()
		}()
	}
}

// copyFlipping copies src to dst, inverting the byte at offset at.
func copyFlipping(dst io.Writer, src io.Reader, at int64) {
	buf := make([]byte, 32<<10)
	var off int64
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if at >= off && at < off+int64(n) {
				buf[at-off] ^= 0xff
			}
			off += int64(n)
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// cut closes every proxied connection.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestPartialResyncAfterCut: a Vesta replica of Redis whose link is cut
// continues with +CONTINUE (the master counts sync_partial_ok, no second
// full sync), and the dataset still matches.
func TestPartialResyncAfterCut(t *testing.T) {
	m, mc := startRedisMaster(t, "--repl-diskless-sync", "no")
	preload(t, mc, 200)
	p := newProxy(t, m.Addr)
	_, rc := startVestaReplica(t, "127.0.0.1", p.port())
	waitLinkUp(t, rc)
	syncedTo(t, mc, rc)
	p.cut()
	for i := 0; i < 100; i++ {
		mc.Do("INCR", "counter")
		mc.Do("SET", "x"+strconv.Itoa(i), strconv.Itoa(i), "EX", "1000")
	}
	waitFor(t, 20*time.Second, "the link back", func() bool { return p.count.Load() >= 2 })
	waitLinkUp(t, rc)
	syncedTo(t, mc, rc)
	if got := info(t, mc, "stats", "sync_partial_ok"); got != "1" {
		t.Fatalf("sync_partial_ok = %s", got)
	}
	if got := info(t, mc, "stats", "sync_full"); got != "1" {
		t.Fatalf("sync_full = %s", got)
	}
}

// TestCorruptTransferRefused: a flipped byte in the transferred RDB is
// refused by its checksum before the dataset is touched: the replica keeps
// serving its old dataset (from a previous master), logs why, and the next
// attempt succeeds.
func TestCorruptTransferRefused(t *testing.T) {
	for _, load := range []string{"swapdb", "disabled"} {
		t.Run(load, func(t *testing.T) {
			o, oc := startRedisMaster(t)
			oc.Do("SET", "old", "1")
			m, mc := startRedisMaster(t, "--repl-diskless-sync", "no")
			preload(t, mc, 300)
			p := newProxy(t, m.Addr)
			r, rc := startVestaReplica(t, "127.0.0.1", o.Port, "--repl-diskless-load", load)
			waitLinkUp(t, rc)
			syncedTo(t, oc, rc)
			// Past the handshake replies and the +FULLRESYNC line: inside
			// the RDB.
			p.flipAt.Store(2000)
			if got := string(rc.Do("REPLICAOF", "127.0.0.1", strconv.Itoa(p.port()))); got != "+OK\r\n" {
				t.Fatalf("REPLICAOF = %q", got)
			}
			waitFor(t, 10*time.Second, "the refused transfer", func() bool {
				return strings.Contains(r.Log(), "full sync refused")
			})
			if got := fmt.Sprint(rc.DoValue("GET", "old")); got != "1" {
				t.Fatalf("the old dataset is gone after a refused transfer: GET old = %s", got)
			}
			waitLinkUp(t, rc)
			syncedTo(t, mc, rc)
			if got := info(t, mc, "stats", "sync_full"); got != "2" {
				t.Fatalf("sync_full = %s, want 2 (a refused transfer, then a good one)", got)
			}
		})
	}
}

// TestChainRedisVestaRedis: Redis master → Vesta replica → Redis
// replica: the sub-replica gets the master's stream through Vesta.
func TestChainRedisVestaRedis(t *testing.T) {
	m, mc := startRedisMaster(t)
	preload(t, mc, 300)
	v, vc := startVestaReplica(t, "127.0.0.1", m.Port, "--repl-diskless-sync-delay", "0")
	waitLinkUp(t, vc)
	_, sc := startReplica(t, v)
	waitLinkUp(t, sc)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var count atomic.Int64
	lc := load(t, m.Addr, 7, stop, &wg, &count)
	defer lc.Close()
	waitFor(t, 10*time.Second, "writes", func() bool { return count.Load() > 30 })
	close(stop)
	wg.Wait()
	writeEveryType(t, mc, 5)
	syncedTo(t, mc, vc)
	syncedTo(t, mc, sc)
	if got := info(t, sc, "replication", "master_replid"); got != info(t, mc, "replication", "master_replid") {
		t.Fatalf("the sub-replica's replid %s is not the master's", got)
	}
}

// TestPromoteAndPSYNC2: Vesta replicas A and B and a Redis replica C of a
// Redis master; A is promoted with REPLICAOF NO ONE and B and C, repointed
// to A, continue without a full sync (A's replid2 is the old master's id).
func TestPromoteAndPSYNC2(t *testing.T) {
	m, mc := startRedisMaster(t)
	preload(t, mc, 200)
	mport := m.Port
	a, ac := startVestaReplica(t, "127.0.0.1", mport, "--repl-diskless-sync-delay", "0")
	_, bc := startVestaReplica(t, "127.0.0.1", mport)
	_, cc := startReplica(t, m) // a Redis replica of the same master
	waitLinkUp(t, ac)
	waitLinkUp(t, bc)
	waitLinkUp(t, cc)
	mc.Do("SET", "before", "1")
	syncedTo(t, mc, ac)
	syncedTo(t, mc, bc)
	syncedTo(t, mc, cc)
	old := info(t, mc, "replication", "master_replid")
	if got := string(ac.Do("REPLICAOF", "NO", "ONE")); got != "+OK\r\n" {
		t.Fatalf("REPLICAOF NO ONE = %q", got)
	}
	if got := info(t, ac, "replication", "master_replid2"); got != old {
		t.Fatalf("master_replid2 = %s, want the old master's %s", got, old)
	}
	if got := string(bc.Do("REPLICAOF", "127.0.0.1", strconv.Itoa(a.Port))); got != "+OK\r\n" {
		t.Fatalf("REPLICAOF = %q", got)
	}
	if got := string(cc.Do("REPLICAOF", "127.0.0.1", strconv.Itoa(a.Port))); got != "+OK\r\n" {
		t.Fatalf("REPLICAOF on the Redis replica = %q", got)
	}
	ac.Do("SET", "after", "2")
	waitLinkUp(t, bc)
	waitLinkUp(t, cc)
	syncedTo(t, ac, bc)
	syncedTo(t, ac, cc)
	if got := info(t, ac, "stats", "sync_partial_ok"); got != "2" {
		t.Fatalf("sync_partial_ok on the promoted replica = %s", got)
	}
	if got := info(t, ac, "stats", "sync_full"); got != "0" {
		t.Fatalf("sync_full on the promoted replica = %s", got)
	}
	if got := fmt.Sprint(bc.DoValue("GET", "after")); got != "2" {
		t.Fatalf("GET after = %s", got)
	}
}

// TestReplicaRestartFromRDB: a Vesta replica restarted from its dump.rdb
// (repl-id, repl-offset, repl-stream-db aux fields) continues with
// +CONTINUE, the master counting a partial resync and no new full sync.
func TestReplicaRestartFromRDB(t *testing.T) {
	m, mc := startRedisMaster(t)
	preload(t, mc, 200)
	r, rc := startVestaReplica(t, "127.0.0.1", m.Port)
	waitLinkUp(t, rc)
	mc.Do("SELECT", "2")
	mc.Do("SET", "in2", "a")
	syncedTo(t, mc, rc)
	if got := string(rc.Do("SAVE")); got != "+OK\r\n" {
		t.Fatalf("SAVE = %q", got)
	}
	rc.Close()
	r.Restart()
	rc = testutil.Dial(t, r.Addr)
	defer rc.Close()
	// The master goes on in database 2 without a SELECT: the replica
	// must resume there.
	mc.Do("SET", "in2b", "b")
	waitLinkUp(t, rc)
	syncedTo(t, mc, rc)
	if got := info(t, mc, "stats", "sync_partial_ok"); got != "1" {
		t.Fatalf("sync_partial_ok = %s\n%s", got, r.Log())
	}
	if got := info(t, mc, "stats", "sync_full"); got != "1" {
		t.Fatalf("sync_full = %s", got)
	}
}

// TestVestaReplicaOfVestaWithAOF: a Vesta replica (appendonly yes) of a
// Vesta master: its AOF, rewritten from the transferred dataset and fed
// by the master's stream, restores the same dataset after a restart.
func TestVestaReplicaOfVestaWithAOF(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync-delay", "0")
	preload(t, mc, 300)
	r, rc := startVestaReplica(t, "127.0.0.1", m.Port, "--appendonly", "yes", "--repl-diskless-load", "swapdb")
	waitLinkUp(t, rc)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var count atomic.Int64
	lc := load(t, m.Addr, 3, stop, &wg, &count)
	defer lc.Close()
	waitFor(t, 10*time.Second, "writes", func() bool { return count.Load() > 30 })
	close(stop)
	wg.Wait()
	writeEveryType(t, mc, 6)
	mc.Do("SET", "persist", "me")
	if got := mc.DoValue("WAIT", "1", "5000"); got != int64(1) {
		t.Fatalf("WAIT 1 on the Vesta master = %v", got)
	}
	// The short TTLs pass and the master's active expiry deletes those
	// keys (propagating DEL) before the digest to compare is taken: a
	// restarted server drops expired keys its AOF still holds.
	time.Sleep(400 * time.Millisecond)
	waitFor(t, 10*time.Second, "the master's dataset to settle", func() bool {
		d := fmt.Sprint(mc.DoValue("DEBUG", "DIGEST"))
		time.Sleep(300 * time.Millisecond)
		return d == fmt.Sprint(mc.DoValue("DEBUG", "DIGEST"))
	})
	syncedTo(t, mc, rc)
	want := fmt.Sprint(mc.DoValue("DEBUG", "DIGEST"))
	waitFor(t, 10*time.Second, "the AOF rewrite after the sync", func() bool {
		return info(t, rc, "persistence", "aof_rewrite_in_progress") == "0" &&
			info(t, rc, "persistence", "aof_rewrite_scheduled") == "0"
	})
	rc.Close()
	// Restarted as a master, from its AOF alone.
	r.Restart("--enable-debug-command", "yes", "--appendonly", "yes")
	rc = testutil.Dial(t, r.Addr)
	defer rc.Close()
	if got := fmt.Sprint(rc.DoValue("DEBUG", "DIGEST")); got != want {
		t.Fatalf("the replica's AOF restored digest %s, want %s", got, want)
	}
}

// TestHostileMaster: a "master" that fails at every step (closes, bad
// bulk header, truncated or corrupt transfer) leaves the replica serving clients,
// with a log line naming each failure and a back-off between attempts.
func TestHostileMaster(t *testing.T) {
	mark := strings.Repeat("a", 40)
	scripts := []struct{ ping, psync, why string }{
		{"", "", "reading the PING reply"},
		{"+PONG\r\n", "+FULLRESYNC " + mark + " 10\r\n$abc\r\n", "bad bulk length"},
		{"+PONG\r\n", "+FULLRESYNC " + mark + " 10\r\n$100\r\nREDIS0009", "receiving the RDB"},
		{"+PONG\r\n", "+FULLRESYNC " + mark + " 10\r\n$EOF:" + mark + "\r\nREDIS0009\xfe\x00garbage" + mark, "is corrupt or truncated"},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var served atomic.Int64
	go func() {
		for i := 0; ; i++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s := scripts[i%len(scripts)]
			served.Add(1)
			go func() {
				defer c.Close()
				if s.ping == "" {
					return
				}
				buf := make([]byte, 4096)
				for {
					_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					req := string(buf[:n])
					switch {
					case strings.Contains(req, "PING"):
						c.Write([]byte(s.ping))
					case strings.Contains(req, "PSYNC"):
						c.Write([]byte(s.psync))
						time.Sleep(100 * time.Millisecond)
						return
					default:
						c.Write([]byte("+OK\r\n"))
					}
				}
			}()
		}
	}()
	r, rc := startVestaReplica(t, "127.0.0.1", ln.Addr().(*net.TCPAddr).Port)
	rc.Do("CONFIG", "SET", "replica-read-only", "yes")
	start := time.Now()
	waitFor(t, 60*time.Second, "every script tried", func() bool {
		if got := string(rc.Do("PING")); got != "+PONG\r\n" {
			t.Fatalf("PING = %q", got)
		}
		return served.Load() >= int64(len(scripts)) && strings.Contains(r.Log(), scripts[len(scripts)-1].why)
	})
	for _, s := range scripts {
		if !strings.Contains(r.Log(), s.why) {
			t.Errorf("no log line with %q", s.why)
		}
	}
	// A back-off, never a tight loop: 1+2+4 s between 4 attempts.
	if d := time.Since(start); d < 6*time.Second {
		t.Errorf("%d attempts in %v", served.Load(), d)
	}
	if got := info(t, rc, "replication", "master_link_status"); got != "down" {
		t.Errorf("master_link_status:%s", got)
	}
}

// TestReplicaAuthAndTimeout: the handshake authenticates with
// masteruser/masterauth; a master that goes silent (SIGSTOP) is dropped
// after repl-timeout with a log line, and once it is back the replica
// continues with a partial resync.
func TestReplicaAuthAndTimeout(t *testing.T) {
	m, mc := startRedisMaster(t, "--requirepass", "s3cret")
	mc.Do("AUTH", "s3cret")
	mc.Do("SET", "a", "1")
	r, rc := startVestaReplica(t, "127.0.0.1", m.Port, "--masteruser", "default", "--masterauth", "s3cret", "--repl-timeout", "2",
		"--bind-source-addr", "127.0.0.1", "--repl-disable-tcp-nodelay", "yes")
	waitLinkUp(t, rc)
	syncedTo(t, mc, rc)
	if err := m.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	waitFor(t, 10*time.Second, "the link down after repl-timeout", func() bool {
		return info(t, rc, "replication", "master_link_status") == "down"
	})
	if d := time.Since(stopped); d < 1500*time.Millisecond {
		t.Errorf("link down after %v, before repl-timeout", d)
	}
	if !strings.Contains(r.Log(), "repl-timeout") {
		t.Errorf("no log line about the timeout:\n%s", r.Log())
	}
	if err := m.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	mc.Do("SET", "b", "2")
	waitLinkUp(t, rc)
	syncedTo(t, mc, rc)
	if got := info(t, mc, "stats", "sync_partial_ok"); got != "1" {
		t.Fatalf("sync_partial_ok = %s", got)
	}
}

// TestExpiredKeysLoaded: keys whose TTL passed on the master but that it
// has not deleted yet are loaded by the replica (hidden from reads, still
// counted), and deleted only by the master's DELs.
func TestExpiredKeysLoaded(t *testing.T) {
	for _, load := range []string{"disabled", "swapdb"} {
		t.Run(load, func(t *testing.T) {
			m, mc := startRedisMaster(t)
			mc.Do("DEBUG", "SET-ACTIVE-EXPIRE", "0")
			for i := 0; i < 20; i++ {
				mc.Do("SET", "gone"+strconv.Itoa(i), "v", "PX", "1")
			}
			mc.Do("SET", "stays", "v")
			time.Sleep(20 * time.Millisecond)
			_, rc := startVestaReplica(t, "127.0.0.1", m.Port, "--repl-diskless-load", load)
			waitLinkUp(t, rc)
			if got := rc.DoValue("DBSIZE"); got != int64(21) {
				t.Fatalf("replica DBSIZE = %v, want 21 (expired keys loaded)", got)
			}
			if got := rc.DoValue("GET", "gone3"); got != nil {
				t.Fatalf("GET of an expired key on the replica = %v", got)
			}
			if got := rc.DoValue("DBSIZE"); got != int64(21) {
				t.Fatalf("replica DBSIZE after a read = %v: the read deleted the key", got)
			}
			mc.Do("GET", "gone3") // the master deletes it and propagates DEL
			waitFor(t, 5*time.Second, "the master's DEL", func() bool { return rc.DoValue("DBSIZE") == int64(20) })
		})
	}
}

// TestChainStreamDB: a chained replica proxies its master's stream, which
// carries no SELECT after its own snapshot's cut: its sub-replicas (Vesta
// and Redis) start in the database its RDB records (repl-stream-db).
func TestChainStreamDB(t *testing.T) {
	m, mc := startRedisMaster(t)
	mc.Do("SELECT", "2")
	mc.Do("SET", "x", "1")
	a, ac := startVestaReplica(t, "127.0.0.1", m.Port, "--repl-diskless-sync-delay", "0")
	waitLinkUp(t, ac)
	mc.Do("SET", "x2", "1") // the stream's SELECT 2 comes before the next cut
	syncedTo(t, mc, ac)
	_, bc := startVestaReplica(t, "127.0.0.1", a.Port)
	_, cc := startReplica(t, a)
	waitLinkUp(t, bc)
	waitLinkUp(t, cc)
	mc.Do("SET", "y", "in db 2") // no SELECT in the stream
	syncedTo(t, mc, ac)
	syncedTo(t, mc, bc)
	syncedTo(t, mc, cc)
	for _, c := range []*testutil.Conn{bc, cc} {
		c.Do("SELECT", "2")
		if got := fmt.Sprint(c.DoValue("GET", "y")); got != "in db 2" {
			t.Fatalf("GET y in db 2 on a sub-replica = %s", got)
		}
	}
}

// TestSwapdbServesOldDataset: while a slow transfer loads with
// repl-diskless-load swapdb, the replica serves its old dataset and INFO
// shows the transfer's progress; the new dataset replaces it at the end.
func TestSwapdbServesOldDataset(t *testing.T) {
	o, oc := startRedisMaster(t)
	oc.Do("SET", "old", "1")
	m, mc := startRedisMaster(t, "--rdb-key-save-delay", "1000")
	preload(t, mc, 300) // 900 keys, 1 ms each: about a second of transfer
	_, rc := startVestaReplica(t, "127.0.0.1", o.Port, "--repl-diskless-load", "swapdb")
	waitLinkUp(t, rc)
	rc.Do("REPLICAOF", "127.0.0.1", strconv.Itoa(m.Port))
	waitFor(t, 10*time.Second, "the transfer in progress", func() bool {
		return info(t, rc, "replication", "master_sync_in_progress") == "1" &&
			info(t, rc, "replication", "master_sync_read_bytes") > "0"
	})
	if got := fmt.Sprint(rc.DoValue("GET", "old")); got != "1" {
		t.Fatalf("GET old during the swapdb load = %s", got)
	}
	for _, f := range []string{"master_sync_total_bytes", "master_sync_left_bytes", "master_sync_perc", "master_sync_last_io_seconds_ago"} {
		if info(t, rc, "replication", f) == "" {
			t.Errorf("no %s during the transfer", f)
		}
	}
	waitLinkUp(t, rc)
	syncedTo(t, mc, rc)
	if got := rc.DoValue("GET", "old"); got != nil {
		t.Fatalf("the old dataset is still there: %v", got)
	}
}

// TestFollowPromotedRedis: a Vesta replica repointed to a Redis replica
// promoted after its master's failure continues with +CONTINUE <new id>:
// the new id becomes its master_replid, the old one master_replid2.
func TestFollowPromotedRedis(t *testing.T) {
	m, mc := startRedisMaster(t)
	preload(t, mc, 100)
	_, vc := startVestaReplica(t, "127.0.0.1", m.Port)
	r, rc := startReplica(t, m)
	waitLinkUp(t, vc)
	waitLinkUp(t, rc)
	syncedTo(t, mc, vc)
	syncedTo(t, mc, rc)
	old := info(t, mc, "replication", "master_replid")
	m.Stop()
	rc.Do("REPLICAOF", "NO", "ONE")
	vc.Do("REPLICAOF", "127.0.0.1", strconv.Itoa(r.Port))
	rc.Do("SET", "after", "failover")
	waitLinkUp(t, vc)
	syncedTo(t, rc, vc)
	if got := info(t, rc, "stats", "sync_partial_ok"); got != "1" {
		t.Fatalf("sync_partial_ok on the promoted Redis = %s", got)
	}
	if got, want := info(t, vc, "replication", "master_replid"), info(t, rc, "replication", "master_replid"); got != want {
		t.Fatalf("master_replid = %s, want the new master's %s", got, want)
	}
	if got := info(t, vc, "replication", "master_replid2"); got != old {
		t.Fatalf("master_replid2 = %s, want the old master's %s", got, old)
	}
}

// TestMasterStreamGarbage: after a good sync, a master's stream with an
// unknown command (logged, skipped) and then bytes that are not RESP
// (protocol error: the link is dropped and retried) leaves the replica
// serving what it applied.
func TestMasterStreamGarbage(t *testing.T) {
	img, err := persist.EmptyImage(persist.SaveOptions{Checksum: true})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	mark := strings.Repeat("b", 40)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					req := string(buf[:n])
					switch {
					case strings.Contains(req, "PING"):
						c.Write([]byte("+PONG\r\n"))
					case strings.Contains(req, "PSYNC"):
						var b []byte
						b = append(b, "+FULLRESYNC "+mark+" 0\r\n$"+strconv.Itoa(len(img))+"\r\n"...)
						b = append(b, img...)
						b = testutil.AppendCommand(b, "SELECT", "0")
						b = testutil.AppendCommand(b, "SET", "k", "v")
						b = testutil.AppendCommand(b, "NOSUCHCOMMAND", "x")
						b = testutil.AppendCommand(b, "SET", "k2", "v2")
						c.Write(b)
						time.Sleep(300 * time.Millisecond)
						c.Write([]byte("*2\r\n$3\r\nSET\r\n$abc\r\n"))
						time.Sleep(2 * time.Second)
						return
					default:
						c.Write([]byte("+OK\r\n"))
					}
				}
			}()
		}
	}()
	r, rc := startVestaReplica(t, "127.0.0.1", ln.Addr().(*net.TCPAddr).Port)
	waitFor(t, 10*time.Second, "the protocol error", func() bool {
		return strings.Contains(r.Log(), "protocol error in the master's stream")
	})
	if !strings.Contains(r.Log(), "sending an error to its master") || !strings.Contains(r.Log(), "NOSUCHCOMMAND") {
		t.Errorf("the unknown command from the master is not logged:\n%s", r.Log())
	}
	if got := fmt.Sprint(rc.DoValue("MGET", "k", "k2")); got != "[v v2]" {
		t.Fatalf("MGET k k2 = %s", got)
	}
	if got := string(rc.Do("PING")); got != "+PONG\r\n" {
		t.Fatalf("PING = %q", got)
	}
}

// TestReplicaFunctions: the master's function libraries reach the replica
// through the transferred RDB (replacing the replica's own) and through
// the stream, for both load paths.
func TestReplicaFunctions(t *testing.T) {
	lib := func(name string) string {
		return "#!lua name=" + name + "\nredis.register_function{function_name='" + name +
			"f', callback=function() return '" + name + "' end, flags={'no-writes'}}"
	}
	for _, load := range []string{"disabled", "swapdb"} {
		t.Run(load, func(t *testing.T) {
			m, mc := startRedisMaster(t)
			if got := string(mc.Do("FUNCTION", "LOAD", lib("before"))); got != "$6\r\nbefore\r\n" {
				t.Fatalf("FUNCTION LOAD = %q", got)
			}
			mc.Do("SET", "k", "v")
			_, oc := startMaster(t, "--repl-diskless-load", load)
			oc.Do("FUNCTION", "LOAD", lib("mine"))
			// A server with a library of its own becomes a replica: the
			// master's libraries replace it.
			if got := string(oc.Do("REPLICAOF", "127.0.0.1", strconv.Itoa(m.Port))); got != "+OK\r\n" {
				t.Fatalf("REPLICAOF = %q", got)
			}
			waitLinkUp(t, oc)
			mc.Do("FUNCTION", "LOAD", lib("after"))
			syncedTo(t, mc, oc)
			for _, f := range []string{"before", "after"} {
				if got := fmt.Sprint(oc.DoValue("FCALL_RO", f+"f", "0")); got != f {
					t.Errorf("FCALL_RO %sf on the replica = %s", f, got)
				}
			}
			if got := string(oc.Do("FCALL_RO", "minef", "0")); !strings.HasPrefix(got, "-") {
				t.Errorf("the replica's own library survived the full sync: %q", got)
			}
		})
	}
}

// TestOpenTransactionNotCounted: the commands of a transaction the master
// has not closed yet are not counted in the offset (Redis's master
// reploff): a link that breaks in the middle asks for the transaction
// again from its MULTI, and it is applied once.
func TestOpenTransactionNotCounted(t *testing.T) {
	img, err := persist.EmptyImage(persist.SaveOptions{Checksum: true})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	id := strings.Repeat("c", 40)
	head := testutil.AppendCommand(testutil.AppendCommand(nil, "SELECT", "0"), "INCR", "a")
	txn := testutil.AppendCommand(testutil.AppendCommand(nil, "MULTI"), "INCR", "b")
	exec := testutil.AppendCommand(nil, "EXEC")
	psyncs := make(chan string, 4)
	go func() {
		for conn := 0; ; conn++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(conn int) {
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					req := string(buf[:n])
					switch {
					case strings.Contains(req, "PSYNC"):
						psyncs <- req
						if conn == 0 {
							var b []byte
							b = append(b, "+FULLRESYNC "+id+" 0\r\n$"+strconv.Itoa(len(img))+"\r\n"...)
							b = append(b, img...)
							b = append(append(b, head...), txn...)
							c.Write(b)
							time.Sleep(time.Second)
							return // the link breaks inside the transaction
						}
						c.Write(append(append([]byte("+CONTINUE\r\n"), txn...), exec...))
						time.Sleep(5 * time.Second)
						return
					case strings.Contains(req, "PING"):
						c.Write([]byte("+PONG\r\n"))
					case strings.Contains(req, "ACK"):
					default:
						c.Write([]byte("+OK\r\n"))
					}
				}
			}(conn)
		}
	}()
	_, rc := startVestaReplica(t, "127.0.0.1", ln.Addr().(*net.TCPAddr).Port)
	<-psyncs
	waitFor(t, 5*time.Second, "the commands before the transaction", func() bool { return rc.DoValue("GET", "a") != nil })
	if got := info(t, rc, "replication", "master_repl_offset"); got != strconv.Itoa(len(head)) {
		t.Fatalf("master_repl_offset = %s inside the open transaction, want %d", got, len(head))
	}
	var second string
	select {
	case second = <-psyncs:
	case <-time.After(10 * time.Second):
		t.Fatal("no second PSYNC")
	}
	if want := "PSYNC\r\n$40\r\n" + id + "\r\n$" + strconv.Itoa(len(strconv.Itoa(len(head)+1))) + "\r\n" + strconv.Itoa(len(head)+1) + "\r\n"; !strings.Contains(second, want) {
		t.Fatalf("second PSYNC = %q, want %q", second, want)
	}
	waitFor(t, 5*time.Second, "the transaction applied", func() bool { return rc.DoValue("GET", "b") != nil })
	if got := fmt.Sprint(rc.DoValue("GET", "b")); got != "1" {
		t.Fatalf("GET b = %s: the transaction applied twice or partly", got)
	}
	if got := info(t, rc, "replication", "master_repl_offset"); got != strconv.Itoa(len(head)+len(txn)+len(exec)) {
		t.Fatalf("master_repl_offset = %s, want %d", got, len(head)+len(txn)+len(exec))
	}
}

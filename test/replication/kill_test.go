package replication

import (
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// ackBatch is how many SET+RPUSH pairs the WAIT writer sends before each
// WAIT 1.
const ackBatch = 10

// ackWriter writes SET ack:<i> <i> and RPUSH acklist <i> for i = 0, 1, ...
// on one connection, ackBatch at a time, each batch followed by
// WAIT 1 100. Once WAIT answers 1, every write so far reached a replica,
// and acked moves to the count of writes sent.
type ackWriter struct {
	acked atomic.Int64
	stop  chan struct{}
	done  chan struct{}
	err   error // an error reply (not a cut connection), read after done
}

func startAckWriter(t *testing.T, addr string) *ackWriter {
	t.Helper()
	c := testutil.Dial(t, addr)
	w := &ackWriter{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		defer c.Close()
		for next := 0; ; next += ackBatch {
			select {
			case <-w.stop:
				return
			default:
			}
			var b []byte
			for i := next; i < next+ackBatch; i++ {
				b = testutil.AppendCommand(b, "SET", "ack:"+strconv.Itoa(i), strconv.Itoa(i))
				b = testutil.AppendCommand(b, "RPUSH", "acklist", strconv.Itoa(i))
			}
			b = testutil.AppendCommand(b, "WAIT", "1", "100")
			if err := c.WriteRawErr(b); err != nil {
				return
			}
			for j := 0; j <= 2*ackBatch; j++ {
				r, err := c.ReadReplyErr()
				if err != nil {
					return
				}
				switch {
				case j < 2*ackBatch && r[0] == '-':
					w.err = fmt.Errorf("write %d: %s", next+j/2, r)
					return
				case j == 2*ackBatch && string(r) == ":1\r\n":
					w.acked.Store(int64(next + ackBatch))
				case j == 2*ackBatch && string(r) != ":0\r\n":
					w.err = fmt.Errorf("WAIT 1 100 = %q", r)
					return
				}
			}
		}
	}()
	return w
}

// halt stops the writer and waits for it.
func (w *ackWriter) halt(t *testing.T) {
	t.Helper()
	close(w.stop)
	<-w.done
	if w.err != nil {
		t.Fatal(w.err)
	}
}

// checkAcked fails unless c holds the first n writes of an ackWriter.
func checkAcked(t *testing.T, c *testutil.Conn, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if got := c.DoValue("GET", "ack:"+strconv.Itoa(i)); got != strconv.Itoa(i) {
			t.Fatalf("write %d of %d acknowledged by WAIT 1 is missing: GET ack:%d = %v", i, n, i, got)
		}
	}
	list, _ := c.DoValue("LRANGE", "acklist", "0", strconv.Itoa(n-1)).([]any)
	if n > 0 && len(list) != n {
		t.Fatalf("acklist holds %d of the %d acknowledged pushes", len(list), n)
	}
	for i, v := range list {
		if v != strconv.Itoa(i) {
			t.Fatalf("acklist[%d] = %v", i, v)
		}
	}
}

// killPopulate is the number of keys DEBUG POPULATE adds to TestKill9's
// masters.
const killPopulate = 20000

// killOld is the size of the dataset a replica of TestKill9 may hold
// before its sync.
const killOld = 100

// checkWhole fails if the replica holds part of a transferred dataset:
// after a sync cut short it must hold its old one (empty, or killOld keys
// old:<i>) or, had the transfer ended, all of the new one.
func checkWhole(t *testing.T, c *testutil.Conn, old bool) {
	t.Helper()
	n, _ := c.DoValue("DBSIZE").(int64)
	if old && n == killOld {
		for _, k := range []string{"old:0", "old:" + strconv.Itoa(killOld-1)} {
			if got := c.DoValue("EXISTS", k); got != int64(1) {
				t.Fatalf("the replica has %d keys but not %s of its old dataset", n, k)
			}
		}
		return
	}
	if n != 0 && n < killPopulate {
		t.Fatalf("the replica holds %d keys in database 0: part of a transfer", n)
	}
	if got := c.DoValue("EXISTS", "old:0"); n > 0 && got != int64(0) {
		t.Fatalf("the replica holds the new dataset and old:0 of its old one")
	}
	if n > 0 {
		for _, k := range []string{"key:0", "key:" + strconv.Itoa(killPopulate-1)} {
			if got := c.DoValue("EXISTS", k); got != int64(1) {
				t.Fatalf("the replica has %d keys but not %s", n, k)
			}
		}
	}
}

// killSeed returns the seed of the random kill points: VESTA_KILL_SEED to
// replay a failure, else the clock.
func killSeed(t *testing.T) int64 {
	seed := time.Now().UnixNano()
	if s := os.Getenv("VESTA_KILL_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("kill points from seed %d (VESTA_KILL_SEED=%d replays them)", seed, seed)
	return seed
}

// killRound is one kill of TestKill9.
type killRound struct {
	// victim is master (the replica is promoted), master-restart (it
	// comes back from its AOF or dump.rdb) or replica; phase sync or
	// stream; replica vesta or redis.
	victim, phase, replica  string
	masterArgs, replicaArgs []string
	// save: the replica runs SAVE then BGSAVE before the kill, and its
	// restart from that dump.rdb must continue with a partial resync.
	save bool
	// old: the replica holds a dataset of its own (killOld keys old:<i>)
	// before REPLICAOF, which it must keep whole if the sync fails.
	old bool
}

func (k killRound) bin(t *testing.T) string {
	if k.replica == "vesta" {
		return testutil.BuildVesta(t)
	}
	return testutil.RequireTool(t, "redis-server")
}

// TestKill9 kills the master or the replica with SIGKILL at a random
// moment during a full sync or during streaming, while a client writes
// under WAIT 1 and another writes every type. After a master's death the
// replica, promoted with REPLICAOF NO ONE, holds every write WAIT
// acknowledged; a killed replica, restarted (from its AOF when it has
// one), syncs again and converges to the master's DEBUG DIGEST, and so
// does the replica of a killed master that restarts from its AOF (with
// every write it answered) or from the dump.rdb of a disk-based sync. Vesta
// masters with Vesta replicas, and rounds with a redis-server replica.
func TestKill9(t *testing.T) {
	rng := rand.New(rand.NewSource(killSeed(t)))
	onEmptyDB := []string{"--repl-diskless-load", "on-empty-db"}
	aofAlways := []string{"--appendonly", "yes", "--appendfsync", "always"}
	rounds := []killRound{
		{victim: "master", phase: "sync", replica: "vesta", old: true},
		{victim: "master", phase: "sync", replica: "vesta", replicaArgs: []string{"--repl-diskless-load", "swapdb"}, old: true},
		{victim: "master", phase: "sync", replica: "vesta", replicaArgs: onEmptyDB},
		{victim: "master", phase: "sync", replica: "redis", replicaArgs: onEmptyDB},
		{victim: "master", phase: "sync", replica: "redis", old: true},
		{victim: "master", phase: "stream", replica: "vesta", replicaArgs: []string{"--repl-diskless-load", "swapdb"}},
		{victim: "master", phase: "stream", replica: "redis", old: true},
		{victim: "master-restart", phase: "sync", replica: "vesta", masterArgs: aofAlways},
		{victim: "master-restart", phase: "stream", replica: "redis", masterArgs: aofAlways},
		{victim: "master-restart", phase: "sync", replica: "vesta", masterArgs: []string{"--save", "3600 1"}},
		{victim: "replica", phase: "sync", replica: "vesta", replicaArgs: []string{"--appendonly", "yes"}},
		{victim: "replica", phase: "stream", replica: "vesta", replicaArgs: append([]string{"--appendonly", "yes"}, onEmptyDB...)},
		{victim: "replica", phase: "stream", replica: "vesta", save: true},
		{victim: "replica", phase: "sync", replica: "redis"},
		{victim: "replica", phase: "stream", replica: "redis", save: true},
	}
	for _, rd := range rounds {
		diskless := []string{"no", "yes"}[rng.Intn(2)]
		// A sync takes 0.5 s or more (below); streaming kills come
		// within 0.3 s of the first acknowledged write.
		delay := time.Duration(rng.Intn(map[string]int{"sync": 450, "stream": 300}[rd.phase])) * time.Millisecond
		name := fmt.Sprintf("%s-during-%s-%s-replica-diskless-%s", rd.victim, rd.phase, rd.replica, diskless)
		for i, a := range rd.replicaArgs[:max(len(rd.replicaArgs)-1, 0)] {
			if a == "--repl-diskless-load" || a == "--appendonly" {
				name += "-" + a[2:] + "-" + rd.replicaArgs[i+1]
			}
		}
		switch {
		case slices.Contains(rd.masterArgs, "always"):
			name += "-master-aof-always"
		case slices.Contains(rd.masterArgs, "--save"):
			name += "-master-dump"
		}
		if rd.save {
			name += "-bgsave"
		}
		if rd.old {
			name += "-old-dataset"
		}
		// Every draw happens here, so that a seed replays the same
		// points when -run selects some rounds.
		loadSeed, pause := rng.Int63(), time.Duration(rng.Intn(200))*time.Millisecond
		t.Run(name, func(t *testing.T) {
			// 20,000 keys beside those of every type, at 100 µs each
			// when the kill comes during the sync: the master's snapshot
			// takes 0.5 s or more (writes serialise the buckets they
			// touch ahead of the walker), a window for the kill.
			keySaveDelay := map[string]string{"sync": "100", "stream": "0"}[rd.phase]
			m, mc := startMaster(t, append([]string{"--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0",
				"--rdb-key-save-delay", keySaveDelay, "--repl-backlog-size", "64mb"}, rd.masterArgs...)...)
			preload(t, mc, 200)
			if got := string(mc.Do("DEBUG", "POPULATE", strconv.Itoa(killPopulate))); got != "+OK\r\n" {
				t.Fatalf("DEBUG POPULATE = %q", got)
			}
			w := startAckWriter(t, m.Addr)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var batches atomic.Int64
			lc := load(t, m.Addr, loadSeed, stop, &wg, &batches)
			defer lc.Close()
			// The replica starts as a master and is pointed at the
			// master by REPLICAOF (the delay runs from the command);
			// it restarts with --replicaof.
			args := append([]string{"--enable-debug-command", "yes"}, rd.replicaArgs...)
			r := testutil.Start(t, testutil.Spec{Name: rd.replica, Bin: rd.bin(t), Args: args})
			rc := testutil.Dial(t, r.Addr)
			if rd.old {
				if got := string(rc.Do("DEBUG", "POPULATE", strconv.Itoa(killOld), "old")); got != "+OK\r\n" {
					t.Fatalf("DEBUG POPULATE on the replica = %q", got)
				}
			}
			if got := string(rc.Do("REPLICAOF", "127.0.0.1", strconv.Itoa(m.Port))); got != "+OK\r\n" {
				t.Fatalf("REPLICAOF = %q", got)
			}
			if rd.phase == "stream" {
				waitLinkUp(t, rc)
				acked := w.acked.Load()
				waitFor(t, 10*time.Second, "WAIT 1 to acknowledge writes", func() bool { return w.acked.Load() > acked })
			}
			if rd.save {
				for _, cmd := range []string{"SAVE", "BGSAVE"} {
					if got := rc.Do(cmd); got[0] == '-' {
						t.Fatalf("%s on the replica = %q", cmd, got)
					}
				}
			}
			time.Sleep(delay)
			t.Logf("kill -9 of the %s %v into the %s: replica link %s, sync in progress %s, %d writes acknowledged",
				rd.victim, delay, rd.phase, info(t, rc, "replication", "master_link_status"),
				info(t, rc, "replication", "master_sync_in_progress"), w.acked.Load())

			if rd.victim == "master" {
				m.Kill()
				w.halt(t)
				close(stop)
				wg.Wait()
				acked := int(w.acked.Load())
				if rd.phase == "stream" && acked == 0 {
					t.Fatalf("no write acknowledged while streaming")
				}
				if got := string(rc.Do("REPLICAOF", "NO", "ONE")); got != "+OK\r\n" {
					t.Fatalf("REPLICAOF NO ONE = %q", got)
				}
				if role, _ := rc.DoValue("ROLE").([]any); len(role) == 0 || role[0] != "master" {
					t.Fatalf("ROLE after REPLICAOF NO ONE = %v", role)
				}
				checkAcked(t, rc, acked)
				checkWhole(t, rc, rd.old)
				// The promoted replica takes writes.
				if got := string(rc.Do("SET", "after", "promotion")); got != "+OK\r\n" {
					t.Fatalf("SET on the promoted replica = %q", got)
				}
				return
			}

			if rd.victim == "master-restart" {
				// With appendfsync always, every write the master
				// answered is in its AOF; otherwise it comes back from
				// the dump.rdb it may have written for the sync. The
				// replica follows it.
				m.Kill()
				w.halt(t)
				close(stop)
				wg.Wait()
				m.StartAgain()
				mc = testutil.Dial(t, m.Addr)
				durable := slices.Contains(rd.masterArgs, "always")
				if durable {
					checkAcked(t, mc, int(w.acked.Load()))
				}
				mc.Do("SET", "after", "restart")
				waitLinkUp(t, rc)
				syncedTo(t, mc, rc)
				if durable {
					checkAcked(t, rc, int(w.acked.Load()))
				}
				return
			}

			r.Kill()
			mc.Do("CONFIG", "SET", "rdb-key-save-delay", "0") // the next sync at full speed
			partial := info(t, mc, "stats", "sync_partial_ok")
			time.Sleep(pause)
			r.Restart(append(args, "--replicaof", "127.0.0.1", strconv.Itoa(m.Port))...)
			rc = testutil.Dial(t, r.Addr)
			waitLinkUp(t, rc)
			if got := info(t, mc, "stats", "sync_partial_ok"); rd.save && got == partial {
				t.Fatalf("the replica restarted from its dump.rdb did not continue with a partial resync (sync_partial_ok %s)", got)
			}
			acked := w.acked.Load()
			waitFor(t, 10*time.Second, "WAIT 1 to acknowledge writes after the restart", func() bool { return w.acked.Load() > acked })
			w.halt(t)
			close(stop)
			wg.Wait()
			syncedTo(t, mc, rc)
			checkAcked(t, rc, int(w.acked.Load()))
		})
	}
}

// Package powerloss holds power-loss tests: vesta-server runs with its data
// directory on a lazyfs mount (internal/lazyfs), which keeps written but
// unsynced bytes and unsynced directory changes in memory. Many clients
// write unique values; at a random moment the server is killed with SIGKILL
// and the power is cut, dropping everything not fsynced (and, in some
// rounds, keeping a random torn prefix of it). The backing directory is
// mounted again, the server restarted on it, and every write checked:
//
//   - appendfsync always: every acknowledged write is present;
//   - appendfsync everysec: the acknowledged writes lost span at most about
//     two seconds before the cut;
//   - always: the server starts, so the manifest, base and incr files are
//     consistent (a torn tail of the last incr file is cut off with
//     aof-load-truncated yes; how often that happened is reported);
//   - values read back after one cut are still there after every later one.
//
// Some rounds cut the power while BGREWRITEAOF or BGSAVE runs. Run longer
// with -powerloss.rounds.
package powerloss

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/lazyfs"
	"github.com/vestadb/vesta/internal/testutil"
)

var (
	rounds  = flag.Int("powerloss.rounds", 3, "power cuts per scenario")
	clients = flag.Int("powerloss.clients", 8, "concurrent writing clients")
	seed    = flag.Uint64("powerloss.seed", 0, "seed for cut times and torn writes (0: from the clock)")
)

// maxEverysecWindow bounds the acknowledged writes lost under everysec:
// Redis's contract is about two seconds (one second between fsyncs, one
// more when an fsync is slow); the margin covers a loaded CI machine.
const maxEverysecWindow = 2500 * time.Millisecond

func TestMain(m *testing.M) { testutil.Main(m) }

type scenario struct {
	name  string
	args  []string
	fsync string // "always" or "everysec"
	// background is sent during the load (BGREWRITEAOF, BGSAVE).
	background string
}

func TestPowerLoss(t *testing.T) {
	requireFUSE(t)
	scenarios := []scenario{
		{name: "always", fsync: "always"},
		{name: "everysec", fsync: "everysec"},
		{name: "always+bgrewriteaof", fsync: "always", background: "BGREWRITEAOF"},
		{name: "everysec+bgrewriteaof", fsync: "everysec", background: "BGREWRITEAOF"},
		{name: "always+bgrewriteaof+resp-base", fsync: "always", background: "BGREWRITEAOF", args: []string{"--aof-use-rdb-preamble", "no"}},
		{name: "always+bgsave", fsync: "always", background: "BGSAVE"},
	}
	s := *seed
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -powerloss.seed=%d)", s, s)
	rnd := rand.New(rand.NewPCG(s, 1))
	var summary []string
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			summary = append(summary, runScenario(t, sc, rnd))
		})
	}
	t.Logf("summary:\n%s", strings.Join(summary, "\n"))
}

// runScenario runs the rounds of one scenario and returns a summary line.
func runScenario(t *testing.T, sc scenario, rnd *rand.Rand) string {
	backing := t.TempDir()
	m := newMount(t, backing)
	args := append([]string{
		"--dir", m.fs.Mountpoint(),
		"--appendonly", "yes", "--appendfsync", sc.fsync,
		"--aof-load-truncated", "yes",
		// The server must not rewrite on its own: the rounds decide.
		"--auto-aof-rewrite-percentage", "0",
	}, sc.args...)
	srv := testutil.StartVesta(t, args...)
	settled := preload(t, srv.Addr, 20000, 200)
	// Under everysec the preload is not durable yet; a completed rewrite
	// makes it so (and checks that it does).
	rewriteAndWait(t, srv.Addr)
	if sc.background == "BGSAVE" {
		// A finished BGSAVE must leave a durable dump.rdb: every cut below
		// must find it (or a newer complete one).
		bgsaveAndWait(t, srv.Addr)
	}

	var (
		totalAcked, totalChecked, totalLost int
		maxWindow                           time.Duration
		torn, duringBG, rdbChecked          int
	)
	for round := 0; round < *rounds; round++ {
		stop := make(chan struct{})
		cls, wg := startClients(t, srv.Addr, *clients, round, stop)
		var wait time.Duration
		if sc.fsync == "everysec" {
			wait = time.Duration(300+rnd.IntN(2200)) * time.Millisecond
		} else {
			wait = time.Duration(100+rnd.IntN(400)) * time.Millisecond
		}
		inBG := false
		if sc.background != "" {
			time.Sleep(wait / 2)
			c := testutil.Dial(t, srv.Addr)
			if r := string(c.Do(sc.background)); !strings.HasPrefix(r, "+") {
				t.Fatalf("%s: got %q", sc.background, r)
			}
			// Cut soon after: while the job is still writing, most of the time.
			time.Sleep(time.Duration(rnd.IntN(60)) * time.Millisecond)
			inBG = backgroundRunning(c)
			c.Close()
		} else {
			time.Sleep(wait)
		}
		killAt := time.Now()
		srv.Kill()
		close(stop)
		wg.Wait()
		cfg := lazyfs.CutConfig{TornWrites: round%2 == 1, Seed: rnd.Uint64()}
		cs, err := m.fs.PowerCutWith(cfg)
		if err != nil {
			t.Fatalf("power cut: %v", err)
		}
		fc := checkFiles(t, backing, cs.TornBytes)
		if fc.rdbChecked {
			rdbChecked++
		} else if sc.background == "BGSAVE" {
			t.Fatalf("round %d: no dump.rdb after the cut, but a BGSAVE had completed before", round)
		}
		m.remount(t)
		mark := len(srv.Log())
		srv.StartAgain()
		logged := srv.Log()[mark:]
		cutAtLoad := strings.Contains(logged, "!!! Truncating the AOF ") ||
			strings.Contains(logged, "Revert incomplete MULTI/EXEC transaction")
		if cutAtLoad != fc.aofTorn {
			t.Fatalf("round %d: redis-check-aof found a torn tail: %v; vesta cut one at load: %v", round, fc.aofTorn, cutAtLoad)
		}
		if cutAtLoad {
			torn++
		}
		if inBG {
			duringBG++
		}

		out := verify(t, srv.Addr, cls, killAt)
		checkSettled(t, srv.Addr, settled)
		if sc.fsync == "always" && out.lost > 0 {
			t.Fatalf("round %d: %d acknowledged writes lost under appendfsync always (the oldest acknowledged %v before the kill); cut: %v",
				round, out.lost, out.window, cs)
		}
		if out.window > maxEverysecWindow {
			t.Fatalf("round %d: lost %d acknowledged writes spanning %v before the kill, want at most %v; cut: %v",
				round, out.lost, out.window, maxEverysecWindow, cs)
		}
		for k, v := range out.values {
			settled[k] = v
		}
		totalAcked += out.acked
		totalChecked += out.checked
		totalLost += out.lost
		maxWindow = max(maxWindow, out.window)
		t.Logf("round %d: cut after %v (torn writes %v, %s running: %v): %d acknowledged, %d keys and transactions checked, %d lost (window %v); cut dropped %v",
			round, wait, cfg.TornWrites, sc.background, inBG, out.acked, out.checked, out.lost, out.window.Round(time.Millisecond), cs)
	}
	line := formatSummary(sc, *rounds, totalAcked, totalChecked, totalLost, maxWindow, torn, duringBG)
	if rdbChecked > 0 {
		line += fmt.Sprintf("; dump.rdb valid after %d/%d cuts", rdbChecked, *rounds)
	}
	t.Log(line)
	return line
}

// backgroundRunning reports whether a BGSAVE or BGREWRITEAOF is in
// progress, from INFO persistence.
func backgroundRunning(c *testutil.Conn) bool {
	r, err := c.DoErr("INFO", "persistence")
	if err != nil {
		return false
	}
	s := string(r)
	return strings.Contains(s, "aof_rewrite_in_progress:1") || strings.Contains(s, "rdb_bgsave_in_progress:1")
}

// rewriteAndWait runs BGREWRITEAOF and waits until it has finished
// successfully.
func rewriteAndWait(t *testing.T, addr string) {
	t.Helper()
	runAndWait(t, addr, "BGREWRITEAOF", "aof_rewrite_in_progress:0", "aof_last_bgrewrite_status:ok")
}

// bgsaveAndWait runs BGSAVE and waits until it has finished successfully.
func bgsaveAndWait(t *testing.T, addr string) {
	t.Helper()
	runAndWait(t, addr, "BGSAVE", "rdb_bgsave_in_progress:0", "rdb_last_bgsave_status:ok")
}

// runAndWait sends cmd, then polls INFO persistence until it shows done
// (and nothing scheduled), and fails unless it also shows ok.
func runAndWait(t *testing.T, addr, cmd, done, ok string) {
	t.Helper()
	c := testutil.Dial(t, addr)
	defer c.Close()
	if r := string(c.Do(cmd)); !strings.HasPrefix(r, "+") {
		t.Fatalf("%s: got %q", cmd, r)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		info := string(c.Do("INFO", "persistence"))
		if strings.Contains(info, done) && !strings.Contains(info, "aof_rewrite_scheduled:1") {
			if !strings.Contains(info, ok) {
				t.Fatalf("%s failed:\n%s", cmd, info)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still running after 30s:\n%s", cmd, info)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Package crash holds process-level crash tests: many clients write unique
// values, the server is killed with SIGKILL at a random moment, restarted on
// the same directory, and every acknowledged write must be there; writes of
// a MULTI/EXEC, of a script or of a function (FCALL) must be all there or
// all absent.
package crash

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

var (
	rounds  = flag.Int("crash.rounds", 4, "kill/restart rounds per scenario")
	clients = flag.Int("crash.clients", 8, "concurrent writing clients")
)

func TestMain(m *testing.M) { testutil.Main(m) }

// write is one acknowledged (or attempted) write.
type write struct {
	keys  []string // one key, or the two keys of a transaction
	value string
	acked bool
}

type writer struct {
	mu     sync.Mutex
	writes []write
}

func (w *writer) add(x write) {
	w.mu.Lock()
	w.writes = append(w.writes, x)
	w.mu.Unlock()
}

// load runs one client until its connection breaks.
func load(t *testing.T, addr string, id, round int, w *writer, stop <-chan struct{}) {
	c, err := testutil.DialErr(t, addr)
	if err != nil {
		return
	}
	defer c.Close()
	rnd := rand.New(rand.NewPCG(uint64(id), uint64(round)))
	for seq := 0; ; seq++ {
		select {
		case <-stop:
			return
		default:
		}
		v := fmt.Sprintf("r%d-c%d-s%d", round, id, seq)
		if rnd.IntN(5) == 0 {
			k1, k2 := "tx:a:"+v, "tx:b:"+v
			x := write{keys: []string{k1, k2}, value: v}
			w.add(x)
			for _, cmd := range [][]string{{"MULTI"}, {"SET", k1, v}, {"SET", k2, v}, {"EXEC"}} {
				if c.SendErr(cmd...) != nil {
					return
				}
			}
			var last []byte
			for i := 0; i < 4; i++ {
				r, err := c.ReadReplyErr()
				if err != nil {
					return
				}
				last = r
			}
			if string(last) == "*2\r\n+OK\r\n+OK\r\n" {
				x.acked = true
				w.add(x)
			}
			continue
		}
		if rnd.IntN(5) == 0 {
			// A script's two writes: all-or-nothing after recovery, like
			// a transaction's (they reach the AOF as MULTI/EXEC).
			k1, k2 := "tx:a:"+v, "tx:b:"+v
			x := write{keys: []string{k1, k2}, value: v}
			w.add(x)
			args := []string{"EVAL", "redis.call('SET', KEYS[1], ARGV[1]) redis.call('SET', KEYS[2], ARGV[1]) return 'ok'", "2", k1, k2, v}
			if rnd.IntN(2) == 0 {
				// The same writes by a function of crashLib.
				args = []string{"FCALL", "crash_set2", "2", k1, k2, v}
			}
			r, err := c.DoErr(args...)
			if err != nil {
				return
			}
			if string(r) == "$2\r\nok\r\n" {
				x.acked = true
				w.add(x)
			}
			continue
		}
		k := fmt.Sprintf("k:%d:%d", id, rnd.IntN(50))
		x := write{keys: []string{k}, value: v}
		w.add(x)
		r, err := c.DoErr("SET", k, v)
		if err != nil {
			return
		}
		if string(r) == "+OK\r\n" {
			x.acked = true
			w.add(x)
		}
	}
}

// crashLib is the library of the FCALL writes, loaded before each round's
// load (REPLACE: it survives the restarts in the AOF or the base).
const crashLib = "#!lua name=crash\nredis.register_function('crash_set2', function(keys, args) redis.call('SET', keys[1], args[1]) redis.call('SET', keys[2], args[1]) return 'ok' end)"

// startLoad starts the writing clients of one round; stop ends them and
// waits for them.
func startLoad(t *testing.T, addr string, round int) (w *writer, stop func()) {
	c := testutil.Dial(t, addr)
	if round > 0 {
		// The library loaded in the previous round survived the crash.
		if r := string(c.Do("FUNCTION", "LIST", "LIBRARYNAME", "crash")); !strings.Contains(r, "crash_set2") {
			t.Fatalf("the function library was lost in the crash: %q", r)
		}
	}
	if r := string(c.Do("FUNCTION", "LOAD", "REPLACE", crashLib)); r != "$5\r\ncrash\r\n" {
		t.Fatalf("FUNCTION LOAD: %q", r)
	}
	c.Close()
	w = &writer{}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for id := 0; id < *clients; id++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			load(t, addr, id, round, w, done)
		}()
	}
	return w, func() {
		close(done)
		wg.Wait()
	}
}

// verify checks the restarted server against the writes: for each key,
// the value must be the last acknowledged one or a later attempted one; a
// transaction's keys are both present with its value or both absent (or
// overwritten by nothing, since their keys are unique).
func verify(t *testing.T, addr string, ws []write) (checked int) {
	t.Helper()
	c := testutil.Dial(t, addr)
	defer c.Close()
	// Per key, the order of attempts; acked ones are the floor.
	type keyState struct {
		lastAcked int
		attempts  map[string]int // value -> attempt index
	}
	keys := map[string]*keyState{}
	order := 0
	for _, x := range ws {
		if len(x.keys) != 1 {
			continue
		}
		ks := keys[x.keys[0]]
		if ks == nil {
			ks = &keyState{lastAcked: -1, attempts: map[string]int{}}
			keys[x.keys[0]] = ks
		}
		if _, seen := ks.attempts[x.value]; !seen {
			ks.attempts[x.value] = order
			order++
		}
		if x.acked {
			ks.lastAcked = ks.attempts[x.value]
		}
	}
	for k, ks := range keys {
		got := string(c.Do("GET", k))
		if ks.lastAcked < 0 {
			continue // nothing acknowledged for this key in this run
		}
		checked++
		v, ok := strings.CutPrefix(got, "$")
		if !ok {
			t.Fatalf("key %s: got %q after restart, but a write was acknowledged", k, got)
		}
		v = v[strings.Index(v, "\r\n")+2 : len(v)-2]
		idx, known := ks.attempts[v]
		if !known || idx < ks.lastAcked {
			t.Fatalf("key %s holds %q, older than the last acknowledged write", k, v)
		}
	}
	txs := map[string]bool{}
	for _, x := range ws {
		if len(x.keys) == 2 {
			txs[x.value] = txs[x.value] || x.acked
		}
	}
	for v, acked := range txs {
		a := string(c.Do("GET", "tx:a:"+v))
		b := string(c.Do("GET", "tx:b:"+v))
		if a != b {
			t.Fatalf("transaction %s half applied: %q vs %q", v, a, b)
		}
		if acked {
			checked++
			if a == "$-1\r\n" {
				t.Fatalf("acknowledged transaction %s lost", v)
			}
		}
	}
	return checked
}

func TestKillDuringWrites(t *testing.T) {
	scenarios := []struct {
		name string
		args []string
		// background runs alongside the load (BGSAVE, BGREWRITEAOF).
		background []string
	}{
		{"always", []string{"--appendonly", "yes", "--appendfsync", "always"}, nil},
		{"everysec", []string{"--appendonly", "yes", "--appendfsync", "everysec"}, nil},
		{"always+bgrewriteaof", []string{"--appendonly", "yes", "--appendfsync", "always"}, []string{"BGREWRITEAOF"}},
		{"always+bgsave", []string{"--appendonly", "yes", "--appendfsync", "always"}, []string{"BGSAVE"}},
		{"always+rdb-preamble-off", []string{"--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", "no"}, []string{"BGREWRITEAOF"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			srv := testutil.StartVesta(t, sc.args...)
			var all []write
			total := 0
			for round := 0; round < *rounds; round++ {
				w, stopLoad := startLoad(t, srv.Addr, round)
				if sc.background != nil {
					time.Sleep(50 * time.Millisecond)
					if c, err := testutil.DialErr(t, srv.Addr); err == nil {
						c.DoErr(sc.background...)
						c.Close()
					}
				}
				time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)
				srv.Kill()
				stopLoad()
				srv.StartAgain()
				all = append(all, w.writes...)
				n := verify(t, srv.Addr, all)
				acked := 0
				for _, x := range w.writes {
					if x.acked {
						acked++
					}
				}
				total += acked
				t.Logf("round %d: %d acknowledged writes this round; %d keys and transactions checked, 0 lost", round, acked, n)
			}
			t.Logf("%s: %d rounds, %d acknowledged writes, 0 lost", sc.name, *rounds, total)
		})
	}
}

// TestPanicDuringWrites makes a command panic (DEBUG PANIC, DEBUG ASSERT)
// while clients write under appendfsync always: the server must not hang
// (before, a panic left the server lock held and every client waited for
// good) but write a crash report and exit with status 1, and the restarted
// server must hold every acknowledged write.
func TestPanicDuringWrites(t *testing.T) {
	for _, how := range [][]string{{"DEBUG", "PANIC"}, {"DEBUG", "ASSERT"}} {
		t.Run(strings.ToLower(how[1]), func(t *testing.T) {
			srv := testutil.StartVesta(t, "--appendonly", "yes", "--appendfsync", "always", "--enable-debug-command", "yes")
			var all []write
			for round := 0; round < 2; round++ {
				w, stopLoad := startLoad(t, srv.Addr, round)
				time.Sleep(time.Duration(100+rand.IntN(300)) * time.Millisecond)
				c := testutil.Dial(t, srv.Addr)
				if _, err := c.DoErr(how...); err == nil {
					t.Fatalf("%v: got a reply; want the connection closed by the crash", how)
				}
				c.Close()
				if !srv.Wait(10 * time.Second) {
					t.Fatalf("%v: the server did not exit within 10s (hung?)", how)
				}
				stopLoad()
				if code := srv.ExitCode(); code != 1 {
					t.Fatalf("%v: exit code %d, want 1", how, code)
				}
				log := srv.Log()
				for _, want := range []string{"=== VESTA BUG REPORT START", "------ STACK TRACE ------",
					"argv[0]: '\"" + how[0] + "\"'", "argv[1]: '\"" + how[1] + "\"'", "=== VESTA BUG REPORT END"} {
					if !strings.Contains(log, want) {
						t.Fatalf("%v: the crash report lacks %q:\n%s", how, want, log)
					}
				}
				srv.StartAgain()
				all = append(all, w.writes...)
				n := verify(t, srv.Addr, all)
				acked := 0
				for _, x := range w.writes {
					if x.acked {
						acked++
					}
				}
				t.Logf("round %d: %v: %d acknowledged writes before the crash; %d keys and transactions checked after the restart, 0 lost", round, how, acked, n)
			}
		})
	}
}

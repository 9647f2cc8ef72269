package server

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

// streamRecorder is a propagation stream consumer that keeps the command
// names it receives.
type streamRecorder struct {
	mu    sync.Mutex
	names []string
}

func (r *streamRecorder) Feed(_ int, args [][]byte, _ time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names = append(r.names, strings.ToUpper(string(args[0])))
}

// TestSaveDoesNotPropagate: SAVE resets the change counter, which must not
// count as a change: neither SAVE nor anything else reaches the stream (a
// replica would run it, as Redis's replica did SHUTDOWN and crashed).
func TestSaveDoesNotPropagate(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.Dir = t.TempDir() })
	rec := &streamRecorder{}
	ts.s.mu.Lock()
	ts.s.stream.Attach(rec)
	ts.s.mu.Unlock()
	c := ts.dial(t)
	c.do("SET", "a", "1")
	if got := c.do("SAVE"); got != "+OK" {
		t.Fatalf("SAVE = %q", got)
	}
	c.do("SET", "b", "2")
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if got := strings.Join(rec.names, " "); got != "SET SET" {
		t.Fatalf("propagated %q, want SET SET", got)
	}
}

// TestSaveDuringBackgroundSnapshot: SAVE and DEBUG RELOAD while a
// background snapshot walks the keyspace (a rewrite, a BGSAVE) stop it
// instead of meeting it (the keyspace holds one snapshot at a time: this
// was a crash); a stopped rewrite runs again.
func TestSaveDuringBackgroundSnapshot(t *testing.T) {
	ts := startServerFS(t, newDataFS(t), func(c *config.Config) {
		aofConfig(true)(c)
		c.RDBKeySaveDelay = 2000
	})
	c := ts.dial(t)
	for i := 0; i < 300; i++ {
		c.do("SET", "k"+strconv.Itoa(i), "v")
	}
	for _, tc := range [][]string{{"BGREWRITEAOF"}, {"BGSAVE"}} {
		c.do(tc...)
		if got := c.do("SAVE"); got != "+OK" && !strings.Contains(got, "already in progress") {
			t.Fatalf("%v then SAVE = %q", tc, got)
		}
		if got := c.do("DEBUG", "RELOAD"); got != "+OK" {
			t.Fatalf("%v then DEBUG RELOAD = %q", tc, got)
		}
		if got := c.do("DBSIZE"); got != ":300" {
			t.Fatalf("DBSIZE = %q", got)
		}
	}
	c.do("CONFIG", "SET", "rdb-key-save-delay", "0")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(c.do("INFO", "persistence"), "aof_rewrites:1") {
		if time.Now().After(deadline) {
			t.Fatalf("the stopped rewrite did not run again:\n%s", c.do("INFO", "persistence"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

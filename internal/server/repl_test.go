package server

import (
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

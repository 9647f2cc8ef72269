package compat

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// ServerArgs is the configuration both servers of a [Pair] start with
// (besides the harness's own --port, --bind, --dir and --save "").
var ServerArgs = []string{"--enable-debug-command", "yes"}

// Pair is a Vesta and a Redis server started with the same configuration.
type Pair struct {
	Vesta, Redis *testutil.Server
	t            testing.TB
	// Proto is the protocol the scripts' connections speak: 2 (the
	// default when zero) or 3, switched to with HELLO 3 before the script.
	Proto int
	// Pipelined sends the whole script before reading any reply, as a
	// client pipeline does, instead of one command at a time.
	Pipelined bool
	// Trace logs every step with Redis's reply (-compat.trace).
	Trace bool
	// Runs counts the scripts run, minimization included.
	Runs int
	// Blocked counts the commands that blocked on both servers, and
	// Served those of them served by another client's command rather
	// than released at the end.
	Blocked, Served int
}

// StartPair starts both servers; the test is skipped when redis-server is
// missing, unless CI=true.
func StartPair(t testing.TB, extra ...string) *Pair {
	t.Helper()
	args := append(append([]string(nil), ServerArgs...), extra...)
	r := testutil.StartRedis(t, args...)
	v := testutil.StartVesta(t, args...)
	return &Pair{Vesta: v, Redis: r, t: t}
}

// For returns a copy of the pair that reports to t, for running scripts
// in subtests. Counters are not shared with the original.
func (p *Pair) For(t testing.TB) *Pair {
	q := *p
	q.t = t
	return &q
}

// Mismatch describes the first disagreement of a run. Index is the
// step's position in the script, or len(script) for the epilogue (blocked
// clients released at the end, the final PINGs and DEBUG DIGEST). Cmd is
// the step, or for a StepWait the blocked command whose reply differs.
type Mismatch struct {
	Index        int
	Cmd          Cmd
	Vesta, Redis []byte
	// VestaErr and RedisErr are I/O errors (a crash, a closed connection)
	// in place of a reply.
	VestaErr, RedisErr error
}

// Key identifies the kind of mismatch for minimization: the command name,
// so that shrinking does not wander off to a different problem.
func (m *Mismatch) Key() string {
	if m == nil {
		return ""
	}
	return m.Cmd.Name()
}

func (m *Mismatch) String() string {
	show := func(b []byte, err error) string {
		if err != nil {
			return fmt.Sprintf("<%v> after %q", err, testutil.Escape(b))
		}
		return testutil.Escape(b)
	}
	return fmt.Sprintf("command %d: %s\n  vesta: %s\n  redis: %s",
		m.Index, m.Cmd, show(m.Vesta, m.VestaErr), show(m.Redis, m.RedisErr))
}

// digestCmd ends every run. Only the digest's text is compared: its reply
// type is a known bug of its own ("debug-digest-bulk" in known.go).
var digestCmd = C("DEBUG", "DIGEST").With(Text)

// ConnTimeout bounds every read and write of a script connection; a reply
// that does not come within it is a mismatch.
var ConnTimeout = 5 * time.Second

// Run runs the script on both servers, over new connections after
// FLUSHALL and with active expiry off, and returns the first mismatch, or
// nil. Scripts that use several connections or steps other than commands
// end with a PING on each connection (which also shows messages nobody
// read); every script ends with DEBUG DIGEST on a connection of the
// runner's own. A server that died is restarted for the next run.
func (p *Pair) Run(s Script) *Mismatch {
	p.t.Helper()
	p.Runs++
	p.ensureUp()
	r := &run{p: p, script: s}
	defer r.close()
	if err := r.open(); err != nil {
		p.t.Fatalf("compat: %v", err)
	}
	return r.exec()
}

// ensureUp restarts a server that a previous script crashed.
func (p *Pair) ensureUp() {
	for _, s := range []*testutil.Server{p.Vesta, p.Redis} {
		if !s.Running() {
			p.t.Logf("compat: %s is not running (exit code %d); restarting it", s.Name, s.ExitCode())
			s.StartAgain()
		}
	}
}

// MinimizeTime bounds the time Minimize spends on one failure.
var MinimizeTime = time.Minute

// Minimize shrinks a failing script by delta debugging: it removes chunks
// of commands, ever smaller, as long as the script still fails with a
// mismatch of the same kind. It stops after budget runs, after
// MinimizeTime, or when no single command can be removed, and returns the
// smallest failing script with its mismatch. A server that timed out is
// not retried: the script is returned as it is.
func (p *Pair) Minimize(s Script, m *Mismatch, budget int) (Script, *Mismatch) {
	p.t.Helper()
	if isTimeout(m.VestaErr) || isTimeout(m.RedisErr) {
		return s[:min(m.Index+1, len(s))], m
	}
	deadline := time.Now().Add(MinimizeTime)
	want := m.Key()
	fails := func(c Script) *Mismatch {
		if mm := p.Run(c); mm != nil && mm.Key() == want {
			return mm
		}
		return nil
	}
	// Everything after the mismatching command is irrelevant.
	if m.Index < len(s) {
		s = s[:m.Index+1]
	}
	runs := 0
	for n := 2; len(s) >= 2 && runs < budget && time.Now().Before(deadline); {
		chunk := (len(s) + n - 1) / n
		reduced := false
		for start := 0; start < len(s) && runs < budget && time.Now().Before(deadline); start += chunk {
			end := min(start+chunk, len(s))
			cand := append(append(Script(nil), s[:start]...), s[end:]...)
			runs++
			if mm := fails(cand); mm != nil {
				s, m = cand, mm
				if mm.Index < len(s) {
					s = s[:mm.Index+1]
				}
				n = max(n-1, 2)
				reduced = true
				break
			}
		}
		if !reduced {
			if n >= len(s) {
				break
			}
			n = min(2*n, len(s))
		}
	}
	return s, m
}

// Report formats a failure: seed, how the script was sent, the mismatch and
// the script to reproduce it.
func (p *Pair) Report(seed uint64, m *Mismatch, s Script) string {
	var b strings.Builder
	how := "one command at a time"
	if p.Pipelined {
		how = "pipelined"
	}
	fmt.Fprintf(&b, "seed %d (RESP%d, %s): replies differ at %s\n", seed, max(p.Proto, 2), how, m)
	fmt.Fprintf(&b, "minimized script (%d steps; run on flushed servers, then DEBUG DIGEST):\n%s", len(s), s)
	fmt.Fprintf(&b, "as Go:\n%s", s.GoSource())
	return b.String()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

package server

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vestadb/vesta/internal/sds"
)

// What happens when something panics (docs/ARCHITECTURE.md, "Crashes"):
// the server writes a crash report and exits with status 1 at once. It
// never tries to go on: a handler that panicked may have left the dataset
// half-changed, and the only state known to be right is what the AOF (or
// the last snapshot) holds. A supervisor restarts the process, and the
// restart loads every acknowledged write (under appendfsync always, every
// one; under everysec, all but the last second, as after kill -9).
//
// Before this, a handler's panic unwound through the connection's deferred
// clean-up, which waited for the server lock the dead handler still held:
// every client, the cron and the signal handler then blocked for good,
// with nothing logged.

// crashExit ends the process after a crash report. A variable so that a
// test can watch the report without losing its process.
var crashExit = func() { os.Exit(1) }

// crashOnce makes the first report the only one: other goroutines that
// panic meanwhile wait for the exit instead of interleaving their text.
var crashOnce sync.Mutex

// lockWatch is the server mutex with the time it was taken, for the
// watchdog (watchdog-period) and for the crash report.
type lockWatch struct {
	mu    sync.Mutex
	since atomic.Int64 // unix ns at which the current holder took it; 0 when free
	now   time.Time    // the last lockNow reading, under mu (clock in hotpath.go)
	wait  lockWaiters  // who waits for mu, for background walkers (lockwait.go)
	// commands points at INFO's total_commands_processed (under mu):
	// background walkers pace themselves by it (lockwait.go).
	commands *int64
}

func (l *lockWatch) Lock() {
	l.acquire()
	l.since.Store(time.Now().UnixNano())
}

// lockNow is Lock returning the time it stamped, for a caller that needs
// the time anyway (one clock reading instead of two).
func (l *lockWatch) lockNow() time.Time {
	l.acquire()
	now := time.Now()
	l.since.Store(now.UnixNano())
	l.now = now
	return now
}

func (l *lockWatch) Unlock() {
	l.since.Store(0)
	l.mu.Unlock()
}

func (l *lockWatch) TryLock() bool {
	if !l.mu.TryLock() {
		return false
	}
	l.since.Store(time.Now().UnixNano())
	return true
}

// crashOnPanic, deferred first in a goroutine, turns a panic into a crash
// report and an exit. cl is the client the goroutine serves, or nil.
func (s *Server) crashOnPanic(where string, cl *client) {
	r := recover()
	if r == nil {
		return
	}
	s.crash(where, cl, r)
}

// crash writes the report for a recovered panic value and exits.
func (s *Server) crash(where string, cl *client, r any) {
	crashOnce.Lock()
	var b bytes.Buffer
	fmt.Fprintf(&b, "\n=== VESTA BUG REPORT START: Cut & paste starting from here ===\n")
	fmt.Fprintf(&b, "# Vesta %s (Redis %s compatible) crashed in %s (pid %d) at %s\n",
		VestaVersion, Version, where, os.Getpid(), time.Now().UTC().Format(time.RFC3339Nano))
	switch v := r.(type) {
	case assertion:
		fmt.Fprintf(&b, "=== ASSERTION FAILED ===\n==> %s\n", string(v))
	case guruMeditation:
		fmt.Fprintf(&b, "------------------------------------------------\n!!! Software Failure. Press left mouse button to continue\nGuru Meditation: %s\n", string(v))
	default:
		fmt.Fprintf(&b, "# panic: %v\n", r)
	}
	// The executing client is only read when this goroutine holds the
	// server lock (the panic came from a command): then nothing else can
	// change it under us.
	if cur := s.executing.Load(); cur != nil && cur == cl {
		fmt.Fprintf(&b, "\n------ CURRENT CLIENT INFO ------\nid=%d addr=%s laddr=%s name=%s db=%d\n",
			cl.id, cl.addr, cl.laddr, cl.name, cl.db.ID)
		for i, a := range cl.ctx.Args {
			if i == 8 {
				fmt.Fprintf(&b, "... %d more arguments\n", len(cl.ctx.Args)-i)
				break
			}
			q := sds.AppendRepr(nil, clipArg(a))
			fmt.Fprintf(&b, "argv[%d]: '%s'\n", i, q)
		}
	}
	if held := s.mu.since.Load(); held != 0 {
		fmt.Fprintf(&b, "\nserver lock held for %v\n", time.Since(time.Unix(0, held)).Round(time.Microsecond))
	}
	fmt.Fprintf(&b, "\n------ STACK TRACE ------\n%s\n", allStacks())
	fmt.Fprintf(&b, "=== VESTA BUG REPORT END. Make sure to include from START to END. ===\n\n")
	fmt.Fprintf(&b, "       Please report the crash by opening an issue on Vesta's tracker.\n")
	w := s.crashOut
	if w == nil {
		w = os.Stderr
	}
	_, _ = w.Write(b.Bytes())
	if f, ok := w.(interface{ Sync() error }); ok {
		_ = f.Sync()
	}
	if w != io.Writer(os.Stderr) && w != io.Writer(os.Stdout) {
		fmt.Fprintf(os.Stderr, "Vesta crashed in %s: %v (crash report in the log file)\n", where, r)
	}
	crashExit()
	crashOnce.Unlock() // reached only when a test replaced crashExit
}

// clipArg shortens an argument for the report, as Redis prints at most 128
// bytes of each.
func clipArg(a []byte) []byte {
	if len(a) > 128 {
		return append(a[:128:128], "..."...)
	}
	return a
}

// allStacks returns every goroutine's stack.
func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			return strings.TrimRight(string(buf[:n]), "\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// assertion and guruMeditation are the panic values of DEBUG ASSERT and
// DEBUG PANIC (and of any internal assertion), so that the report reads as
// Redis's does for serverAssert and serverPanic.
type (
	assertion      string
	guruMeditation string
)

// SetCrashOutput names where crash and watchdog reports go: the log file,
// or standard output when there is none. Standard error by default.
func (s *Server) SetCrashOutput(w io.Writer) { s.crashOut = w }

// watchdogLoop logs every goroutine's stack when the server lock has been
// held longer than watchdog-period (Redis's watchdog, which reports a main
// thread stuck in one command). One report per hold; the check runs every
// half period.
func (s *Server) watchdogLoop() {
	defer s.crashOnPanic("watchdog", nil)
	var reported int64
	for {
		// Not read under the lock: the watchdog must run while a command
		// holds it. The cron refreshes it from the configuration.
		period := time.Duration(s.watchdogNs.Load())
		wait := period / 2
		if period == 0 {
			wait = 100 * time.Millisecond
		}
		select {
		case <-s.shutdown:
			return
		case <-time.After(wait):
		}
		if period == 0 {
			continue
		}
		held := s.mu.since.Load()
		if held == 0 || held == reported || time.Since(time.Unix(0, held)) < period {
			continue
		}
		reported = held
		s.watchdogReport(time.Since(time.Unix(0, held)))
	}
}

// watchdogPeriod is watchdog-period as a duration, raised to two cron
// ticks as Redis does. Called under mu.
func (s *Server) watchdogPeriod() time.Duration {
	ms := s.cfg.WatchdogPeriod
	if ms <= 0 {
		return 0
	}
	hz := max(1, min(s.cfg.HZ, 500))
	return time.Duration(max(ms, 2*1000/hz)) * time.Millisecond
}

func (s *Server) watchdogReport(held time.Duration) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "\n--- WATCHDOG TIMER EXPIRED ---\nserver lock held for %v (pid %d)\n", held.Round(time.Millisecond), os.Getpid())
	if cl := s.executing.Load(); cl != nil {
		// id and addresses never change after a client is created.
		fmt.Fprintf(&b, "executing a command of client id=%d addr=%s\n", cl.id, cl.addr)
	}
	fmt.Fprintf(&b, "\n------ STACK TRACE ------\n%s\n--------\n", allStacks())
	w := s.crashOut
	if w == nil {
		w = os.Stderr
	}
	_, _ = w.Write(b.Bytes())
	s.log.Warn("Watchdog timer expired: the server lock was held too long", "held", held.Round(time.Millisecond))
}

package compat

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// pauseStep is one step of a CLIENT PAUSE scenario: client c sends cmd
// (nil: sends nothing), then each listed client's pending replies are
// collected: held (no reply within heldWait) or the reply bytes.
type pauseStep struct {
	c       int
	cmd     []string
	sleep   time.Duration // before collecting
	collect []int         // clients whose replies are read now
	grep    string        // if set, only the reply's lines holding it count
}

// heldWait is how long a reply may take to count as not held; releaseWait
// is how long a released client may take to answer. Both are far from
// the pauses' own durations, so that a busy machine does not turn one
// into the other.
const (
	heldWait    = 300 * time.Millisecond
	releaseWait = 5 * time.Second
)

// runPause runs steps against one server and returns the transcript.
func runPause(t *testing.T, addr string, steps []pauseStep) []string {
	t.Helper()
	var conns [4]*conn
	for i := range conns {
		c, err := dialConn(addr, releaseWait)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	var out []string
	for i, st := range steps {
		if st.cmd != nil {
			if err := conns[st.c].send(st.cmd...); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(st.sleep)
		for _, k := range st.collect {
			c := conns[k]
			wait := heldWait
			if st.cmd == nil {
				wait = releaseWait // the step waits for a release
			}
			if !c.ready(wait) {
				out = append(out, fmt.Sprintf("step %d client %d: held", i, k))
				continue
			}
			b, err := c.read()
			if err != nil {
				t.Fatal(err)
			}
			if st.grep != "" {
				var keep []string
				for _, l := range strings.Split(string(b), "\r\n") {
					if strings.Contains(l, st.grep) {
						keep = append(keep, l)
					}
				}
				b = []byte(strings.Join(keep, ";"))
			}
			out = append(out, fmt.Sprintf("step %d client %d: %q", i, k, b))
		}
	}
	return out
}

func args(s string) []string { return strings.Fields(s) }

// TestClientPause runs CLIENT PAUSE scenarios on both servers and
// compares which commands are held and every reply: argument errors,
// WRITE pauses (reads pass; writes, may-replicate commands, EXEC of a
// transaction with a write, and a write queued in MULTI are held, as are
// the commands pipelined after them), ALL pauses (the pausing client too)
// ending by their timeout, the stronger mode and later end winning when
// pauses overlap, expiry suspended during a pause, and a timeout that
// overflows.
func TestClientPause(t *testing.T) {
	p := StartPair(t)
	scenarios := map[string][]pauseStep{
		"errors": {
			{c: 0, cmd: args("CLIENT PAUSE"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT PAUSE abc"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT PAUSE -1"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT PAUSE 10 foo"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT PAUSE 10 WRITE x"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT PAUSE 18446744073709551616"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT UNPAUSE x"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT UNPAUSE"), collect: []int{0}},
		},
		"write": {
			{c: 0, cmd: args("SET k v"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT PAUSE 100000 WRITE"), collect: []int{0}},
			{c: 1, cmd: args("GET k"), collect: []int{1}},
			{c: 1, cmd: args("PING"), collect: []int{1}},
			{c: 1, cmd: []string{"EVAL_RO", "return 1", "0"}, collect: []int{1}},
			{c: 1, cmd: args("SET k v2"), collect: []int{1}},
			{c: 1, cmd: args("GET k"), collect: []int{1}},
			{c: 2, cmd: args("PUBLISH ch m"), collect: []int{2}},
			{c: 3, cmd: []string{"EVAL", "return 1", "0"}, collect: []int{3}},
			{c: 0, cmd: args("INFO clients"), collect: []int{0}, grep: "blocked_clients"},
			{c: 0, cmd: args("CLIENT UNPAUSE"), collect: []int{0}},
			{collect: []int{1, 1, 2, 3}},
			{c: 0, cmd: args("GET k"), collect: []int{0}},
		},
		"write-multi": {
			{c: 0, cmd: args("CLIENT PAUSE 100000 WRITE"), collect: []int{0}},
			{c: 1, cmd: args("MULTI"), collect: []int{1}},
			{c: 1, cmd: args("GET k"), collect: []int{1}},
			{c: 1, cmd: args("EXEC"), collect: []int{1}},
			{c: 1, cmd: args("MULTI"), collect: []int{1}},
			{c: 1, cmd: args("SET k v"), collect: []int{1}},
			{c: 2, cmd: args("MULTI"), collect: []int{2}},
			{c: 2, cmd: args("PFCOUNT h"), collect: []int{2}},
			{c: 0, cmd: args("CLIENT UNPAUSE"), collect: []int{0}},
			{collect: []int{1, 2}},
			{c: 0, cmd: args("CLIENT PAUSE 100000 WRITE"), collect: []int{0}},
			{c: 1, cmd: args("EXEC"), collect: []int{1}},
			{c: 2, cmd: args("EXEC"), collect: []int{2}},
			{c: 0, cmd: args("CLIENT UNPAUSE"), collect: []int{0}},
			{collect: []int{1, 2}},
		},
		"all-timeout": {
			{c: 0, cmd: args("CLIENT PAUSE 1500 ALL"), collect: []int{0}},
			{c: 0, cmd: args("PING"), collect: []int{0}},
			{c: 1, cmd: args("GET k"), collect: []int{1}},
			{c: 2, cmd: args("CLIENT UNPAUSE"), collect: []int{2}},
			{collect: []int{0, 1, 2}},
			{c: 3, cmd: args("PING"), collect: []int{3}},
		},
		"overlap": {
			// The stronger mode and the later end win.
			{c: 0, cmd: args("CLIENT PAUSE 1500 WRITE"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT PAUSE 1 ALL"), collect: []int{0}},
			{c: 1, cmd: args("GET k"), sleep: 100 * time.Millisecond, collect: []int{1}},
			{collect: []int{1}},
			{c: 0, cmd: args("CLIENT PAUSE 100000 WRITE"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT PAUSE 1 WRITE"), collect: []int{0}},
			{c: 1, cmd: args("SET k v"), sleep: 100 * time.Millisecond, collect: []int{1}},
			{c: 0, cmd: args("CLIENT UNPAUSE"), collect: []int{0}},
			{collect: []int{1}},
		},
		"expiry": {
			{c: 0, cmd: args("FLUSHALL"), collect: []int{0}},
			{c: 0, cmd: args("SET k v PX 100"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT PAUSE 100000 WRITE"), collect: []int{0}},
			{c: 0, cmd: args("EXISTS k"), sleep: 400 * time.Millisecond, collect: []int{0}},
			{c: 0, cmd: args("GET k"), collect: []int{0}},
			{c: 0, cmd: args("DBSIZE"), collect: []int{0}},
			{c: 0, cmd: args("CLIENT UNPAUSE"), collect: []int{0}},
			{c: 0, cmd: args("GET k"), collect: []int{0}},
			{c: 0, cmd: args("DBSIZE"), collect: []int{0}},
		},
		"overflow": {
			{c: 0, cmd: args("CLIENT PAUSE 9223372036854775807 WRITE"), collect: []int{0}},
			{c: 1, cmd: args("SET k v"), sleep: 50 * time.Millisecond, collect: []int{1}},
			{c: 0, cmd: args("CLIENT PAUSE 0 ALL"), collect: []int{0}},
			{c: 1, cmd: args("PING"), sleep: 50 * time.Millisecond, collect: []int{1}},
		},
	}
	for name, steps := range scenarios {
		t.Run(name, func(t *testing.T) {
			var got [2][]string
			for i, srv := range []*testutil.Server{p.Vesta, p.Redis} {
				got[i] = runPause(t, srv.Addr, steps)
				c := testutil.Dial(t, srv.Addr)
				c.Do("CLIENT", "UNPAUSE")
				c.Do("FLUSHALL")
				c.Close()
			}
			if strings.Join(got[0], "\n") != strings.Join(got[1], "\n") {
				t.Errorf("vesta:\n%s\nredis:\n%s", strings.Join(got[0], "\n"), strings.Join(got[1], "\n"))
			}
		})
	}
}

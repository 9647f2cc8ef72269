package compat

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// The ACL differential test: the same users, rules and commands on Vesta
// and on redis-server 7.0.15, over RESP2 and RESP3. Each case runs on
// fresh connections after the users, the ACL LOG and the data are reset;
// every reply is compared after normalisation:
//
//   - the single-command tail of a rule description ("+get -set ...") is
//     sorted: Redis prints it in its command dictionary's order, which is
//     random per process (Vesta prints it by name);
//   - ACL LOG's age-seconds is masked and its client-info, like CLIENT
//     LIST, is reduced to the user= and cmd= fields (the other fields
//     describe buffers that differ by implementation);
//   - ACL GENPASS is reduced to its length, HELLO's map to its type.
//
// The corpus is hand-written cases (ACL subcommands, errors, AUTH/HELLO,
// MULTI/EXEC, scripts, Pub/Sub disconnections) plus a generated cross
// product of rule sets and probe commands, run both as the user itself
// and through ACL DRYRUN.

// aStep is one step: a command on a connection (0 is the administrator,
// which stays the default user), the number of replies it gives, or a
// probe of whether the connection was closed.
type aStep struct {
	conn   int
	args   []string
	n      int
	closed bool
	sleep  time.Duration
}

type aclCase struct {
	name  string
	steps []aStep
}

func ax(args ...string) aStep             { return aStep{args: args, n: 1} }
func aon(c int, args ...string) aStep     { return aStep{conn: c, args: args, n: 1} }
func aonN(c, n int, args ...string) aStep { return aStep{conn: c, args: args, n: n} }
func aclosed(c int) aStep                 { return aStep{conn: c, closed: true} }

const aclConns = 4

// aclReset brings a server back to one default user with all permissions.
var aclReset = [][]string{
	{"ACL", "SETUSER", "default", "reset", "on", "nopass", "~*", "&*", "+@all"},
	{"CONFIG", "SET", "acl-pubsub-default", "resetchannels"},
	{"CONFIG", "SET", "acllog-max-len", "128"},
	{"FLUSHALL"},
}

func TestACLDifferential(t *testing.T) {
	cases := aclCases()
	cases = append(cases, aclGenerated()...)
	checks := 0
	for _, proto := range []int{2, 3} {
		t.Run("RESP"+strconv.Itoa(proto), func(t *testing.T) {
			pair := StartPair(t)
			for _, srv := range []*testutil.Server{pair.Vesta, pair.Redis} {
				c, err := dialConn(srv.Addr, ConnTimeout)
				if err != nil {
					t.Fatal(err)
				}
				if got, err := c.do("ACL", "SETUSER", "admin", "on", ">adminpw", "+@all", "~*", "&*"); err != nil || string(got) != "+OK\r\n" {
					t.Fatalf("%s: creating admin: %q %v", srv.Name, got, err)
				}
				c.Close()
			}
			for _, c := range cases {
				checks += runACLCase(t, pair, proto, c)
			}
		})
	}
	t.Logf("ACL corpus: %d cases, %d compared replies over RESP2 and RESP3", len(cases), checks)
}

func runACLCase(t *testing.T, pair *Pair, proto int, c aclCase) int {
	t.Helper()
	var sides [2][aclConns]*conn
	for i, srv := range []*testutil.Server{pair.Vesta, pair.Redis} {
		ctl, err := dialConn(srv.Addr, ConnTimeout)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := ctl.do("AUTH", "admin", "adminpw"); err != nil || string(got) != "+OK\r\n" {
			t.Fatalf("%s: AUTH admin: %q %v", srv.Name, got, err)
		}
		names, err := ctl.do("ACL", "USERS")
		if err != nil {
			t.Fatal(err)
		}
		v, _ := testutil.Parse(names)
		list, _ := v.([]any)
		for _, n := range list {
			if s, ok := n.(string); ok && s != "default" && s != "admin" {
				if _, err := ctl.do("ACL", "DELUSER", s); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, cmd := range aclReset {
			if got, err := ctl.do(cmd...); err != nil || string(got) != "+OK\r\n" {
				t.Fatalf("%s: reset %q: %q %v", srv.Name, cmd, got, err)
			}
		}
		if _, err := ctl.do("ACL", "LOG", "RESET"); err != nil {
			t.Fatal(err)
		}
		// Wait until the connections of the previous case are gone.
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			b, err := ctl.do("CLIENT", "LIST")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Count(string(b), "laddr=") == 1 {
				break
			}
		}
		ctl.Close()
		for k := 0; k < aclConns; k++ {
			cn, err := dialConn(srv.Addr, ConnTimeout)
			if err != nil {
				t.Fatal(err)
			}
			if proto == 3 {
				if got, err := cn.do("HELLO", "3"); err != nil || len(got) == 0 || got[0] != '%' {
					t.Fatalf("HELLO 3: %q %v", got, err)
				}
			} else if got, err := cn.do("PING"); err != nil || string(got) != "+PONG\r\n" {
				// The server has the connection (and has authenticated
				// it as the default user) before the case begins.
				t.Fatalf("PING: %q %v", got, err)
			}
			sides[i][k] = cn
		}
	}
	defer func() {
		for _, s := range sides {
			for _, cn := range s {
				cn.Close()
			}
		}
	}()
	n := 0
	for i, st := range c.steps {
		if st.sleep > 0 {
			time.Sleep(st.sleep)
		}
		var got [2]string
		for side := range sides {
			got[side] = aclStep(sides[side][st.conn], st)
		}
		n++
		if got[0] != got[1] {
			t.Errorf("case %q, step %d (conn %d) %q:\nvesta: %s\nredis: %s", c.name, i, st.conn, st.args, got[0], got[1])
			return n
		}
	}
	return n
}

// aclStep runs one step on one server and returns its normalised replies.
func aclStep(cn *conn, st aStep) string {
	if st.closed {
		// A closed connection fails the write or the read; an open one
		// answers the PING.
		if err := cn.send("PING"); err != nil {
			return "closed"
		}
		old := cn.timeout
		cn.timeout = time.Second
		defer func() { cn.timeout = old }()
		b, err := cn.read()
		if err != nil {
			return "closed"
		}
		return "open " + aclNormalize(nil, b)
	}
	if err := cn.send(st.args...); err != nil {
		return "send error"
	}
	var out []string
	for k := 0; k < st.n; k++ {
		b, err := cn.read()
		if err != nil {
			out = append(out, "read error")
			break
		}
		out = append(out, aclNormalize(st.args, b))
	}
	return strings.Join(out, " | ")
}

// aclNormalize turns a raw reply into comparable text (see the package
// comment of this file).
func aclNormalize(args []string, raw []byte) string {
	v, err := testutil.Parse(raw)
	if err != nil {
		return fmt.Sprintf("unparsable %q", raw)
	}
	name := ""
	if len(args) > 0 {
		name = strings.ToLower(args[0])
		if len(args) > 1 {
			name += " " + strings.ToLower(args[1])
		}
	}
	switch {
	case name == "acl genpass":
		if s, ok := v.(string); ok {
			return "genpass of length " + strconv.Itoa(len(s))
		}
	case name == "client id":
		return "client id"
	case name == "acl cat" && len(args) == 3:
		if list, ok := v.([]any); ok {
			sort.Slice(list, func(i, j int) bool { return fmt.Sprint(list[i]) < fmt.Sprint(list[j]) })
		}
	case strings.HasPrefix(name, "hello"):
		if _, ok := v.(testutil.ErrorReply); !ok {
			return "hello reply"
		}
	}
	var b strings.Builder
	aclCanon(&b, v, "")
	return b.String()
}

func aclCanon(b *strings.Builder, v any, key string) {
	if key == "age-seconds" {
		b.WriteString("AGE")
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("nil")
	case testutil.Status:
		b.WriteString("+" + string(x))
	case testutil.ErrorReply:
		b.WriteString("-" + string(x))
	case int64:
		b.WriteString(":" + strconv.FormatInt(x, 10))
	case float64:
		b.WriteString("," + strconv.FormatFloat(x, 'g', -1, 64))
	case string:
		b.WriteString(strconv.Quote(aclText(x, key)))
	case testutil.Verbatim:
		b.WriteString("=" + strconv.Quote(aclText(x.Text, key)))
	case []any:
		b.WriteString("[")
		for i, e := range x {
			k := ""
			if i%2 == 1 {
				if s, ok := x[i-1].(string); ok {
					k = s
				}
			}
			aclCanon(b, e, k)
			b.WriteString(" ")
		}
		b.WriteString("]")
	case testutil.Set:
		b.WriteString("~[")
		for _, e := range x {
			aclCanon(b, e, "")
			b.WriteString(" ")
		}
		b.WriteString("]")
	case testutil.Push:
		b.WriteString(">[")
		for _, e := range x {
			aclCanon(b, e, "")
			b.WriteString(" ")
		}
		b.WriteString("]")
	case testutil.Map:
		b.WriteString("%[")
		for _, kv := range x {
			k, _ := kv.Key.(string)
			aclCanon(b, kv.Key, "")
			b.WriteString(": ")
			aclCanon(b, kv.Value, k)
			b.WriteString(" ")
		}
		b.WriteString("]")
	default:
		fmt.Fprintf(b, "%T(%v)", v, v)
	}
}

// aclText normalises a string reply: masks ages, reduces client lines,
// sorts the single-command rules of descriptions.
func aclText(s, key string) string {
	switch key {
	case "age-seconds":
		return "AGE"
	case "client-info":
		return clientFields(s)
	}
	if strings.Contains(s, "addr=") && strings.Contains(s, "laddr=") {
		var lines []string
		for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			lines = append(lines, clientFields(l))
		}
		// Vesta numbers connections accepted at the same time in any
		// order: the lines are compared as a set.
		sort.Strings(lines)
		return strings.Join(lines, "\n")
	}
	if strings.Contains(s, "@all") {
		return SortSingleCommandRules(s)
	}
	return s
}

func clientFields(line string) string {
	var keep []string
	for _, f := range strings.Fields(line) {
		if strings.HasPrefix(f, "user=") || strings.HasPrefix(f, "cmd=") {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, " ")
}

// SortSingleCommandRules sorts each run of single-command rules ("+get",
// "-config|set", "+select|0") in a rule description, inside selectors too.
func SortSingleCommandRules(s string) string {
	toks := strings.Split(s, " ")
	single := func(t string) bool {
		t = strings.TrimLeft(t, "(")
		return len(t) > 1 && (t[0] == '+' || t[0] == '-') && t[1] != '@'
	}
	for i := 0; i < len(toks); {
		if !single(toks[i]) {
			i++
			continue
		}
		j := i
		for j < len(toks) && single(toks[j]) {
			j++
			if strings.HasSuffix(toks[j-1], ")") {
				break
			}
		}
		suffix := ""
		last := toks[j-1]
		if k := strings.IndexByte(last, ')'); k >= 0 {
			suffix = last[k:]
			toks[j-1] = last[:k]
		}
		sort.Strings(toks[i:j])
		toks[j-1] += suffix
		i = j
	}
	return strings.Join(toks, " ")
}

// aclCases are the hand-written cases.
func aclCases() []aclCase {
	auth := func(c int, user string) aStep { return aon(c, "AUTH", user, "p") }
	return []aclCase{
		{"default user", []aStep{
			ax("ACL", "WHOAMI"), ax("ACL", "USERS"), ax("ACL", "LIST"), ax("ACL", "GETUSER", "default"),
			ax("ACL", "GETUSER", "nosuch"), ax("ACL", "CAT"), ax("ACL", "HELP"),
		}},
		{"ACL CAT of every category", func() []aStep {
			var s []aStep
			for _, c := range []string{"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
				"bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
				"dangerous", "transaction", "scripting", "READ", "nosuch", ""} {
				s = append(s, ax("ACL", "CAT", c))
			}
			return s
		}()},
		{"SETUSER errors", []aStep{
			ax("ACL", "SETUSER"), ax("ACL", "SETUSER", "a b"), ax("ACL", "SETUSER", "x", "(+get", "~a"),
			ax("ACL", "SETUSER", "x", "bogus"), ax("ACL", "SETUSER", "x", "+nosuch"), ax("ACL", "SETUSER", "x", "-@nosuch"),
			ax("ACL", "SETUSER", "x", "+config|get|x"), ax("ACL", "SETUSER", "x", "+get|"),
			ax("ACL", "SETUSER", "x", "#abc"), ax("ACL", "SETUSER", "x", "!abc"), ax("ACL", "SETUSER", "x", "<nope"),
			ax("ACL", "SETUSER", "x", "~*", "~a"), ax("ACL", "SETUSER", "x", "&*", "&a"),
			ax("ACL", "SETUSER", "x", "-select|0"), ax("ACL", "SETUSER", "x", "%~x"), ax("ACL", "SETUSER", "x", "%X~x"),
			ax("ACL", "SETUSER", "x", "%RR~x"), ax("ACL", "SETUSER", "x", "~a b"), ax("ACL", "SETUSER", "x", "(~a +nosuch)"),
			ax("ACL", "SETUSER", "x", "(", "+get", ")"), ax("ACL", "SETUSER", "x", "()"), ax("ACL", "SETUSER", "x", "+"),
			ax("ACL", "SETUSER", "x", "+@"), ax("ACL", "SETUSER", "x", "on", "bogus"),
			// Nothing of a failed SETUSER is applied.
			ax("ACL", "LIST"),
		}},
		{"flags and passwords", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p1", ">p2", ">p1"), ax("ACL", "GETUSER", "u"),
			ax("ACL", "SETUSER", "u", "<p1"), ax("ACL", "GETUSER", "u"),
			ax("ACL", "SETUSER", "u", "#"+strings.Repeat("ab", 32)), ax("ACL", "SETUSER", "u", "!"+strings.Repeat("ab", 32)),
			ax("ACL", "SETUSER", "u", "nopass"), ax("ACL", "GETUSER", "u"), ax("ACL", "SETUSER", "u", "resetpass"),
			ax("ACL", "SETUSER", "u", "skip-sanitize-payload"), ax("ACL", "GETUSER", "u"),
			ax("ACL", "SETUSER", "u", "sanitize-payload", "off"), ax("ACL", "GETUSER", "u"),
			ax("ACL", "SETUSER", "u", "reset"), ax("ACL", "GETUSER", "u"), ax("ACL", "LIST"),
			ax("ACL", "SETUSER", "u", "on", ">x", "allcommands", "allkeys", "allchannels"), ax("ACL", "LIST"),
			ax("ACL", "SETUSER", "u", "nocommands", "resetkeys", "resetchannels"), ax("ACL", "LIST"),
		}},
		{"AUTH and HELLO", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+@all", "~*"),
			aon(1, "AUTH", "p"), aon(1, "AUTH", "u", "bad"), aon(1, "AUTH", "nosuch", "p"), aon(1, "AUTH", "a", "b", "c"),
			auth(1, "u"), aon(1, "ACL", "WHOAMI"), aon(1, "CLIENT", "LIST"),
			aon(2, "HELLO", "2", "AUTH", "u", "bad"), aon(2, "HELLO", "2", "AUTH", "u", "p"), aon(2, "ACL", "WHOAMI"),
			ax("ACL", "SETUSER", "off", "off", ">p"), aon(3, "AUTH", "off", "p"),
			ax("ACL", "LOG"), ax("ACL", "LOG", "2"), ax("ACL", "LOG", "0"), ax("ACL", "LOG", "-1"), ax("ACL", "LOG", "x"),
			ax("ACL", "LOG", "RESET"), ax("ACL", "LOG"),
			aon(3, "MULTI"), aon(3, "AUTH", "u", "bad"), aon(3, "AUTH", "u", "p"), aon(3, "EXEC"), aon(3, "ACL", "WHOAMI"),
			ax("ACL", "LOG"),
		}},
		{"requirepass is the default user's password", []aStep{
			ax("CONFIG", "SET", "requirepass", "sekret"), ax("ACL", "LIST"),
			aon(1, "GET", "x"), aon(1, "AUTH", "wrong"), aon(1, "AUTH", "sekret"), aon(1, "GET", "x"),
			aon(2, "AUTH", "default", "sekret"), aon(2, "ACL", "WHOAMI"),
			ax("CONFIG", "SET", "requirepass", ""), ax("ACL", "LIST"), aon(3, "GET", "x"),
			ax("AUTH", "x"),
		}},
		// Vesta closes the connections authenticated as a user that is
		// switched off (Redis lets them go on): conns 0, 1 and 3, which
		// connected as the default user, are not used after.
		{"default user with a password and off", []aStep{
			ax("ACL", "SETUSER", "default", ">pw"), aon(1, "PING"),
			aon(2, "AUTH", "admin", "adminpw"), aon(2, "ACL", "SETUSER", "default", "off"), aon(2, "ACL", "LIST"),
			aon(2, "ACL", "SETUSER", "default", "on", "nopass"), aon(2, "ACL", "LIST"),
		}},
		{"NOPERM and ACL LOG", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+get", "+client|id", "~k*", "&c*", "+publish", "+multi", "+exec", "+eval"),
			auth(1, "u"), aon(1, "GET", "zz"), aon(1, "GET", "k1"), aon(1, "SET", "k1", "v"), aon(1, "PUBLISH", "x", "1"),
			aon(1, "PUBLISH", "c1", "1"), aon(1, "CLIENT", "LIST"), aon(1, "CLIENT", "ID"), aon(1, "GET", "zz"),
			ax("ACL", "LOG"), ax("ACL", "LOG", "1"),
			aon(1, "MULTI"), aon(1, "GET", "zz"), aon(1, "SET", "k", "v"), aon(1, "GET", "k1"), aon(1, "EXEC"),
			aon(1, "EVAL", "return redis.call('set','k','v')", "0"),
			aon(1, "EVAL", "return redis.call('get','zz')", "0"),
			aon(1, "EVAL", "return redis.pcall('get','zz')", "0"),
			aon(1, "EVAL", "return redis.call('get','k2')", "0"),
			aon(1, "EVAL", "return redis.call('publish','x','m')", "0"),
			aon(1, "EVAL", "return {redis.acl_check_cmd('get','k1'), redis.acl_check_cmd('get','zz'), redis.acl_check_cmd('set','k1','v')}", "0"),
			aon(1, "EVAL", "return redis.acl_check_cmd('nosuch')", "0"),
			ax("ACL", "LOG", "20"),
		}},
		{"ACL LOG grouping and acllog-max-len", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+get", "~k*"), auth(1, "u"),
			aon(1, "GET", "a"), aon(1, "GET", "a"), aon(1, "GET", "b"), aon(1, "GET", "a"), aon(1, "SET", "a", "b"),
			ax("ACL", "LOG"), ax("CONFIG", "SET", "acllog-max-len", "2"), aon(1, "GET", "c"), ax("ACL", "LOG"),
			ax("CONFIG", "SET", "acllog-max-len", "0"), aon(1, "GET", "d"), ax("ACL", "LOG"),
			ax("CONFIG", "GET", "acllog-max-len"),
		}},
		{"changes between MULTI and EXEC", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+@all", "~*"), auth(1, "u"),
			aon(1, "MULTI"), aon(1, "SET", "k", "v"), aon(1, "GET", "k"), aon(1, "PING"),
			ax("ACL", "SETUSER", "u", "-set", "resetkeys", "~a"), aon(1, "EXEC"), ax("ACL", "LOG"),
		}},
		{"DRYRUN", []aStep{
			ax("ACL", "SETUSER", "u", "+get", "~k*", "&c*", "+publish", "+config|get"),
			ax("ACL", "DRYRUN", "u", "set", "a", "b"), ax("ACL", "DRYRUN", "u", "get", "a"), ax("ACL", "DRYRUN", "u", "get", "k"),
			ax("ACL", "DRYRUN", "u", "nosuch"), ax("ACL", "DRYRUN", "u", "publish", "x", "y"),
			ax("ACL", "DRYRUN", "u", "publish", "c1", "y"), ax("ACL", "DRYRUN", "u", "config", "get", "x"),
			ax("ACL", "DRYRUN", "u", "config", "set", "x", "y"), ax("ACL", "DRYRUN", "u", "config", "nosuch"),
			ax("ACL", "DRYRUN", "nosuch", "get", "x"), ax("ACL", "DRYRUN", "u", "get"), ax("ACL", "DRYRUN", "u"),
			ax("ACL", "DRYRUN", "u", "cluster", "info"), ax("ACL", "DRYRUN", "default", "cluster", "info"),
		}},
		{"DELUSER and disconnections", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+@all", "~*"), ax("ACL", "SETUSER", "v", "on", ">p", "+@all", "~*"),
			auth(1, "u"), auth(2, "v"), ax("ACL", "DELUSER", "default"), ax("ACL", "DELUSER", "u", "default"),
			ax("ACL", "DELUSER", "u", "nosuch", "u"), aclosed(1), aclosed(2), ax("ACL", "USERS"),
			aon(2, "ACL", "DELUSER", "v"), aclosed(2), ax("ACL", "DELUSER", "v"),
		}},
		{"CLIENT KILL USER", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+@all", "~*"), auth(1, "u"),
			ax("CLIENT", "KILL", "USER", "nosuch"), ax("CLIENT", "KILL", "USER", "u"), aclosed(1),
		}},
		{"Pub/Sub clients lose revoked channels", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+@all", "~*", "resetchannels", "&a*", "&b"),
			auth(1, "u"), auth(2, "u"), auth(3, "u"),
			aonN(1, 1, "SUBSCRIBE", "a1"), aonN(2, 1, "PSUBSCRIBE", "a*"), aonN(3, 1, "SUBSCRIBE", "b"),
			aonN(1, 1, "PSUBSCRIBE", "x"), aonN(3, 1, "SSUBSCRIBE", "b"),
			ax("ACL", "SETUSER", "u", "&c"), aclosed(1), aclosed(2), aclosed(3),
			ax("ACL", "SETUSER", "u", "resetchannels", "&a1"), aclosed(1), aclosed(2), aclosed(3),
		}},
		{"Pub/Sub clients keep allowed channels", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+@all", "~*", "&*"),
			auth(1, "u"), aonN(1, 1, "SUBSCRIBE", "a1"),
			ax("ACL", "SETUSER", "u", "resetchannels", "&a*"), aclosed(1),
			ax("ACL", "SETUSER", "u", "allchannels"), aclosed(1),
		}},
		{"acl-pubsub-default", []aStep{
			ax("CONFIG", "SET", "acl-pubsub-default", "allchannels"), ax("ACL", "SETUSER", "a"),
			ax("ACL", "SETUSER", "b", "reset"), ax("ACL", "SETUSER", "c", "(+get)"), ax("ACL", "LIST"),
			ax("CONFIG", "SET", "acl-pubsub-default", "resetchannels"), ax("ACL", "SETUSER", "d", "reset"), ax("ACL", "LIST"),
			ax("CONFIG", "SET", "acl-pubsub-default", "x"), ax("CONFIG", "GET", "acl-pubsub-default"),
		}},
		{"channels", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+@all", "~*", "resetchannels", "&n*", "&lit"), auth(1, "u"),
			aon(1, "PUBLISH", "news", "x"), aon(1, "PUBLISH", "other", "x"), aon(1, "SPUBLISH", "nx", "x"),
			aon(1, "SUBSCRIBE", "n1", "zz"), aon(1, "PSUBSCRIBE", "n*"), aon(1, "PSUBSCRIBE", "n?"),
			aon(1, "SSUBSCRIBE", "zz"), ax("ACL", "LOG"),
			aonN(1, 2, "SUBSCRIBE", "n1", "n2"), aonN(1, 1, "PSUBSCRIBE", "lit"), aonN(1, 1, "UNSUBSCRIBE", "zz"),
		}},
		{"selectors", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+get", "~a*", "(+set", "~b*)", "(+del ~c* %R~d*)"),
			ax("ACL", "GETUSER", "u"), ax("ACL", "LIST"), auth(1, "u"),
			aon(1, "GET", "a1"), aon(1, "GET", "b1"), aon(1, "SET", "b1", "x"), aon(1, "SET", "a1", "x"),
			aon(1, "DEL", "c1"), aon(1, "DEL", "d1"), aon(1, "DEL", "c1", "a1"), aon(1, "LPUSH", "a", "b"),
			ax("ACL", "LOG"), ax("ACL", "SETUSER", "u", "clearselectors"), ax("ACL", "LIST"),
		}},
		{"read and write key patterns", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "+@all", "resetkeys", "%R~r*", "%W~w*", "%RW~rw*", "%W~r2*", "%R~r2*"),
			ax("ACL", "GETUSER", "u"), auth(1, "u"),
			aon(1, "SET", "w1", "x"), aon(1, "SET", "r1", "x"), aon(1, "GET", "w1"), aon(1, "GET", "r1"),
			aon(1, "SET", "w1", "x", "GET"), aon(1, "SET", "rw1", "x", "GET"), aon(1, "COPY", "r1", "w2"),
			aon(1, "COPY", "w1", "r1"), aon(1, "LMOVE", "r1", "w1", "LEFT", "RIGHT"), aon(1, "APPEND", "w1", "x"),
			aon(1, "BITFIELD", "r1", "GET", "u8", "0"), aon(1, "BITFIELD", "w1", "SET", "u8", "0", "1"),
			aon(1, "BITFIELD", "r1", "SET", "u8", "0", "1"), aon(1, "SORT", "r1", "STORE", "w1"),
			aon(1, "SORT", "r1", "STORE", "r1"), aon(1, "DEL", "w1"), aon(1, "DEL", "r1"), aon(1, "EXISTS", "r1"),
			aon(1, "EXISTS", "w1"), aon(1, "RENAME", "rw1", "w2"), aon(1, "GETDEL", "w1"), aon(1, "MSET", "w1", "a", "r1", "b"),
			ax("ACL", "LOG", "30"),
		}},
		{"first arguments", []aStep{
			ax("ACL", "SETUSER", "u", "on", ">p", "-@all", "+select|0", "+select|1", "+client|id", "+config", "-config|set"),
			ax("ACL", "GETUSER", "u"), ax("ACL", "LIST"), auth(1, "u"),
			aon(1, "SELECT", "0"), aon(1, "SELECT", "2"), aon(1, "CONFIG", "GET", "maxclients"), aon(1, "CONFIG", "SET", "maxclients", "100"),
			ax("ACL", "SETUSER", "u", "+select"), ax("ACL", "LIST"), ax("ACL", "SETUSER", "u", "-select", "+select|1"), ax("ACL", "LIST"),
		}},
		{"functions run with the caller's permissions", []aStep{
			ax("FUNCTION", "FLUSH"),
			ax("FUNCTION", "LOAD", "#!lua name=acllib\nredis.register_function('g', function(keys, args) return redis.call('get', keys[1]) end)\n"+
				"redis.register_function('p', function(keys, args) return redis.call('publish', args[1], 'm') end)\n"+
				"redis.register_function('c', function(keys, args) return redis.acl_check_cmd('set', keys[1], 'v') end)"),
			ax("ACL", "SETUSER", "u", "on", ">p", "+fcall", "+fcall_ro", "+get", "~k*", "resetchannels", "&c*"), aon(1, "AUTH", "u", "p"),
			aon(1, "FCALL", "g", "1", "k1"), aon(1, "FCALL", "g", "1", "x1"), aon(1, "FCALL", "p", "0", "c1"),
			aon(1, "FCALL", "p", "0", "z"), aon(1, "FCALL", "c", "1", "k1"), aon(1, "FCALL_RO", "g", "1", "x1"),
			aon(1, "FUNCTION", "LIST"), ax("ACL", "LOG"), ax("FUNCTION", "FLUSH"),
		}},
		{"ACL SETUSER is redacted in the slow log", []aStep{
			ax("CONFIG", "SET", "slowlog-log-slower-than", "0"), ax("SLOWLOG", "RESET"),
			ax("ACL", "SETUSER", "secretive", "on", ">hidden"), ax("CONFIG", "SET", "slowlog-log-slower-than", "10000"),
			ax("SLOWLOG", "LEN"),
		}},
		{"case, duplicates and odd arguments", []aStep{
			ax("ACL", "SETUSER", "u", "ON", ">p", "ALLKEYS", "+GET", "+@READ", "-@Read", "+Client|ID", "RESETKEYS", "%R~a", "%W~a", "~", "%R~b", "%R~b"),
			ax("ACL", "GETUSER", "u"), ax("ACL", "SETUSER", "v", "on"), aon(1, "AUTH", "v", ""), aon(1, "AUTH", "u", ""),
			ax("ACL", "SETUSER", "w", "on", "nopass", "+@all", "~k*"), aon(2, "AUTH", "w", ""), aon(2, "PING"),
			aon(2, "EVAL", "return 1", "5", "x"), aon(2, "EVAL", "return 1", "-1", "x"), aon(2, "EVAL", "return 1", "1", "x"),
			aon(2, "EVAL", "return 1", "x", "y"), aon(2, "MSET", "k1", "a", "x"), aon(2, "GET"), aon(2, "ZUNIONSTORE", "k1", "3", "k2"),
			aon(2, "XREAD", "STREAMS", "k1", "x", "0", "0"),
			aon(2, "SORT", "k1", "BY", "x*", "GET", "y*"), aon(2, "GEORADIUS", "k1", "0", "0", "1", "km", "STORE", "x"),
			aon(2, "MEMORY", "USAGE", "x"), aon(2, "DEBUG", "OBJECT", "x"),
			aon(2, "HELLO", "3", "AUTH", "w", "x", "SETNAME", "n"), aon(2, "CLIENT", "GETNAME"),
			ax("ACL", "LOG", "5"),
		}},
		{"selectors with channels and first arguments", []aStep{
			ax("CONFIG", "SET", "acl-pubsub-default", "allchannels"),
			ax("ACL", "SETUSER", "u", "on", ">p", "resetchannels", "&a", "+@all", "-select", "~*", "(&b* +publish +select|3)", "(&* -@all +psubscribe)"),
			ax("ACL", "GETUSER", "u"), ax("ACL", "LIST"), aon(1, "AUTH", "u", "p"),
			aon(1, "PUBLISH", "b1", "x"), aon(1, "PUBLISH", "c", "x"), aon(1, "SELECT", "3"), aon(1, "SELECT", "2"),
			aonN(1, 1, "PSUBSCRIBE", "zz*"),
			ax("ACL", "SETUSER", "u", "(+get)", "clearselectors", "(&q -@all)", "reset", "on", ">p", "+@all"), ax("ACL", "LIST"),
			aclosed(1), ax("ACL", "LOG"),
		}},
		{"SORT BY and GET need access to every key", []aStep{
			ax("RPUSH", "k1", "3", "1", "2"), ax("SET", "w_1", "9"),
			ax("ACL", "SETUSER", "a", "on", ">p", "+@all", "~k*"), ax("ACL", "SETUSER", "b", "on", ">p", "+@all", "%R~*"),
			ax("ACL", "SETUSER", "c", "on", ">p", "+@all", "%W~*", "~k*"), ax("ACL", "SETUSER", "d", "on", ">p", "+@all", "~k*", "(~* -sort)"),
			aon(1, "AUTH", "a", "p"), aon(1, "SORT", "k1", "BY", "w_*"), aon(1, "SORT", "k1", "GET", "#"), aon(1, "SORT", "k1", "BY", "nosort"),
			aon(1, "SORT_RO", "k1", "GET", "w_*"),
			aon(2, "AUTH", "b", "p"), aon(2, "SORT", "k1", "BY", "w_*", "GET", "#", "GET", "w_*"),
			aon(3, "AUTH", "c", "p"), aon(3, "SORT", "k1", "BY", "w_*"),
			aon(1, "AUTH", "d", "p"), aon(1, "SORT", "k1", "BY", "w_*"),
		}},
		{"NOAUTH before AUTH", []aStep{
			ax("ACL", "SETUSER", "default", "resetpass", ">pw"), aon(1, "GET", "x"), aon(1, "ACL", "WHOAMI"),
			aon(1, "AUTH", "pw"), aon(1, "ACL", "WHOAMI"), aon(1, "RESET"), aon(1, "GET", "x"),
			ax("ACL", "SETUSER", "default", "nopass"),
		}},
	}
}

// aclRuleSets are the rules the generated cases give user "u".
var aclRuleSets = [][]string{
	{"+@all", "~*"},
	{"+@all", "-@dangerous", "~*"},
	{"+@read", "~*"},
	{"+@write", "-@keyspace", "~k*"},
	{"+@all", "-@write", "+set", "~*"},
	{"-@all", "+@string", "+@hash", "~k*", "~h*"},
	{"+@all", "-get", "-@admin", "allkeys"},
	{"+@all", "-@slow", "~*"},
	{"+@fast", "+@connection", "%R~k*"},
	{"+@all", "%W~k*"},
	{"+@all", "%R~k*", "%W~w*"},
	{"+@all", "~k?", "~[ab]*"},
	{"+@list", "+@sortedset", "+@set", "~*"},
	{"+@stream", "+@blocking", "~s*"},
	{"+@pubsub", "&n*"},
	{"+@scripting", "+@read", "~k*"},
	{"+@transaction", "+@string", "~k1"},
	{"+@all", "-client", "+client|id", "~*"},
	{"+@all", "-config|set", "-debug", "~*"},
	{"-@all", "+config", "-config|set", "+info", "+memory|usage", "~*"},
	{"+@geo", "+@hyperloglog", "+@bitmap", "~*"},
	{"+@admin", "-@dangerous", "~*"},
	{"+@all", "-@keyspace", "+del", "~*"},
	{"+get", "~*", "(+set ~k*)", "(+@hash ~h*)"},
	{"+@all", "resetkeys", "(~k* +@read)", "(%W~w* +@write)"},
	{"+@all", "~*", "-@all", "+@read", "+@write"},
	{"allcommands", "allkeys", "-@write"},
	{"+@keyspace", "+@read", "-@fast", "~*"},
	{"+@all", "-@slow", "+@slow", "-@fast", "~*"},
	{"+@all", "-@string", "+get", "~*"},
	{"+@all", "-@list", "-@hash", "-@set", "-@sortedset", "~*"},
	{"+select|0", "+select|1", "+get", "~*"},
	{"+@all", "-object", "+object|encoding", "~*"},
}

// aclProbes are the commands each generated case runs as "u" and asks
// ACL DRYRUN about.
var aclProbes = [][]string{
	{"GET", "k1"}, {"GET", "x1"}, {"SET", "k1", "v"}, {"SET", "w1", "v"}, {"SET", "k1", "v", "GET"},
	{"MSET", "k1", "a", "w1", "b"}, {"MGET", "k1", "x1"}, {"DEL", "k1"}, {"EXISTS", "k1", "w1"},
	{"INCR", "k2"}, {"APPEND", "kx", "z"}, {"HSET", "h1", "f", "v"}, {"HGET", "h1", "f"},
	{"LPUSH", "k3", "a"}, {"LRANGE", "k3", "0", "-1"}, {"LMOVE", "k3", "w3", "LEFT", "RIGHT"},
	{"SADD", "ks", "m"}, {"ZADD", "kz", "1", "m"}, {"ZUNIONSTORE", "w4", "2", "kz", "k3"},
	{"XADD", "s1", "1-1", "f", "v"}, {"XREAD", "STREAMS", "s1", "0"}, {"COPY", "k1", "w5"},
	{"RENAME", "k1", "k9"}, {"SORT", "k3", "ALPHA", "STORE", "w6"}, {"BITFIELD", "k1", "GET", "u8", "0"},
	{"PFADD", "hl", "a"}, {"GEOADD", "kg", "1", "2", "m"}, {"SETBIT", "kb", "1", "1"},
	{"EVAL", "return 1", "1", "k1"}, {"PUBLISH", "n1", "x"}, {"PUBLISH", "z1", "x"},
	{"CLIENT", "ID"}, {"CLIENT", "GETNAME"}, {"CONFIG", "GET", "maxclients"}, {"INFO", "keyspace"},
	{"SELECT", "1"}, {"SELECT", "0"}, {"OBJECT", "ENCODING", "k1"}, {"MEMORY", "USAGE", "k1"},
	{"TYPE", "k1"}, {"KEYS", "nomatch*"}, {"DBSIZE"}, {"PING"}, {"ECHO", "x"}, {"FLUSHDB"},
	{"ACL", "WHOAMI"}, {"WATCH", "k1"}, {"UNWATCH"}, {"EXPIRE", "k1", "100"}, {"TTL", "k1"},
}

// aclRandomRules draws rule sets from categories, commands, subcommands,
// first arguments, key and channel patterns and selectors, with a fixed
// seed: the descriptions (best-fitting categories) meet many bitmaps.
func aclRandomRules(n int) [][]string {
	rnd := rand.New(rand.NewPCG(18, 7))
	cats := []string{"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
		"hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
		"connection", "transaction", "scripting", "all"}
	cmds := []string{"get", "set", "del", "config", "config|get", "config|set", "client", "client|id", "client|kill",
		"object", "object|encoding", "memory|usage", "acl", "acl|whoami", "debug", "select", "info", "flushall",
		"keys", "scan", "eval", "publish", "subscribe", "xadd", "zadd", "hset", "lpush", "sort", "cluster", "function"}
	pats := []string{"k*", "k?", "*", "w*", "[ab]*", "x"}
	var out [][]string
	for i := 0; i < n; i++ {
		var rules []string
		if rnd.IntN(2) == 0 {
			rules = append(rules, "+@all")
		}
		for j := rnd.IntN(6); j >= 0; j-- {
			sign := "+"
			if rnd.IntN(2) == 0 {
				sign = "-"
			}
			switch rnd.IntN(5) {
			case 0, 1:
				rules = append(rules, sign+"@"+cats[rnd.IntN(len(cats))])
			case 2, 3:
				rules = append(rules, sign+cmds[rnd.IntN(len(cmds))])
			default:
				rules = append(rules, "+select|"+strconv.Itoa(rnd.IntN(3)))
			}
		}
		for j := rnd.IntN(3); j > 0; j-- {
			rules = append(rules, []string{"~", "%R~", "%W~", "%RW~", "&"}[rnd.IntN(5)]+pats[rnd.IntN(len(pats))])
		}
		if rnd.IntN(4) == 0 {
			rules = append(rules, "(+"+cmds[rnd.IntN(len(cmds))]+" ~"+pats[rnd.IntN(len(pats))]+" -@"+cats[rnd.IntN(len(cats))]+")")
		}
		out = append(out, rules)
	}
	return out
}

func aclGenerated() []aclCase {
	var out []aclCase
	for _, rules := range append(aclRuleSets, aclRandomRules(60)...) {
		steps := []aStep{
			ax(append([]string{"ACL", "SETUSER", "u", "on", ">p"}, rules...)...),
			ax("ACL", "GETUSER", "u"), ax("ACL", "LIST"),
			aon(1, "AUTH", "u", "p"),
		}
		for _, p := range aclProbes {
			steps = append(steps, ax(append([]string{"ACL", "DRYRUN", "u"}, p...)...))
			steps = append(steps, aon(1, p...))
		}
		steps = append(steps, ax("ACL", "LOG", "100"))
		out = append(out, aclCase{"rules " + strings.Join(rules, " "), steps})
	}
	return out
}

// TestACLFileDifferential loads the same aclfiles in both servers (ACL
// LOAD, good and bad files) and compares the replies (the directory
// masked), the users and what ACL SAVE writes.
func TestACLFileDifferential(t *testing.T) {
	vdir, rdir := t.TempDir(), t.TempDir()
	vfile, rfile := filepath.Join(vdir, "users.acl"), filepath.Join(rdir, "users.acl")
	for _, f := range []string{vfile, rfile} {
		if err := os.WriteFile(f, []byte("user default on nopass ~* &* +@all\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := testutil.StartRedis(t, "--aclfile", rfile)
	v := testutil.StartVesta(t, "--aclfile", vfile)
	conns := [2]*conn{}
	for i, srv := range []*testutil.Server{v, r} {
		c, err := dialConn(srv.Addr, ConnTimeout)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	mask := [2]string{vfile, rfile}
	do := func(args ...string) {
		t.Helper()
		var got [2]string
		for i, c := range conns {
			b, err := c.do(args...)
			if err != nil {
				t.Fatal(err)
			}
			got[i] = strings.ReplaceAll(aclNormalize(args, b), mask[i], "FILE")
		}
		if got[0] != got[1] {
			t.Errorf("%q:\nvesta: %s\nredis: %s", args, got[0], got[1])
		}
	}
	files := []string{
		"",
		"user default on nopass ~* &* +@all\n",
		"user alice on #" + strings.Repeat("0f", 32) + " ~k* &c* -@all +get +@hash\n\n  \nuser bob off\n",
		"user a on +@all ~*\r\nuser b on -@all +set (~x* +get)\n",
		"user default off\nuser x on nopass +@all ~* &*\n",
		"user bob on\nbad\nuser bob off\nfoo bar\nuser d ~* ~x\nuser \"e f\" on\nuser x +nosuch bogus\n",
		"user a on +get\nuser b on +nosuch\n",
		"# comment\nuser a on\n",
		"user\n",
		"User a on\n",
		"user a  on\tx\n",
		"user a on >secret <secret\n",
		"user a on %R~x %W~y %RW~z\n",
	}
	for _, text := range files {
		for _, f := range []string{vfile, rfile} {
			if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		do("ACL", "LOAD")
		do("ACL", "LIST")
	}
	do("ACL", "SETUSER", "saved", "on", ">p", "+@all", "-@dangerous", "-get", "~a*", "%R~b*", "&c", "(+set ~s*)")
	do("ACL", "SAVE")
	vb, _ := os.ReadFile(vfile)
	rb, _ := os.ReadFile(rfile)
	if SortSingleCommandRules(string(vb)) != SortSingleCommandRules(string(rb)) {
		t.Errorf("ACL SAVE wrote\nvesta: %q\nredis: %q", vb, rb)
	}
	do("ACL", "LOAD")
	do("ACL", "LIST")
}

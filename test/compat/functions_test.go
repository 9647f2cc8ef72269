package compat

import (
	"time"

	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/testutil"

	"strconv"
	"strings"
	"testing"
)

// The functions corpus: FUNCTION and FCALL compared byte for byte with
// redis-server over RESP2 and RESP3, and the AOF they write. Every
// scenario starts with FUNCTION FLUSH. Libraries hold one function where
// FUNCTION LIST shows them, and listings match one library, since Redis
// orders both by its hash tables (Vesta sorts libraries by name and keeps
// functions in registration order; docs/COMPATIBILITY.md).

// F builds FCALL name numkeys keys... args...
func F(name string, keys []string, args ...string) Cmd {
	a := append([]string{"FCALL", name, strconv.Itoa(len(keys))}, keys...)
	return C(append(a, args...)...)
}

// lib is the source of a library called name with the given body.
func lib(name, body string) string { return "#!lua name=" + name + "\n" + body }

func fload(name, body string) Cmd { return C("FUNCTION", "LOAD", lib(name, body)) }

func fscript(steps ...Cmd) Script { return append(Script{C("FUNCTION", "FLUSH")}, steps...) }

// A library of several functions for calls (never listed).
const libCalls = `
redis.register_function('rf', function(keys, args) local f = redis.register_function return type(f) end)
redis.register_function('g', function(keys, args) return {#keys, #args, keys[1], args[1], args[2]} end)
redis.register_function('gk', function(keys, args) return KEYS end)
redis.register_function('e', function(keys, args) error('boom') end)
redis.register_function('e2', function(keys, args) return redis.call('nosuch') end)
redis.register_function('e3', function(keys, args) return redis.error_reply('MY fail') end)
redis.register_function('w', function(keys, args) return redis.call('set', keys[1], args[1]) end)
redis.register_function('gl', function(keys, args) x = 5 end)
redis.register_function{function_name='r', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}}
redis.register_function{function_name='rw', callback=function(keys, args) return redis.call('set', keys[1], 'x') end, flags={'no-writes'}}
redis.register_function{function_name='r3', callback=function(keys, args) redis.setresp(3) return redis.call('hgetall', keys[1]) end, flags={'no-writes'}}
redis.register_function('t', function(keys, args) return {1, 'two', {3}, true, false, 3.7, {ok='fine'}} end)
redis.register_function('sel', function(keys, args) redis.call('select', 1) return redis.call('set', 'in1', 'v') end)
redis.register_function('nest', function(keys, args) return redis.pcall('fcall', 'g', '0') end)
redis.register_function('nest2', function(keys, args) return redis.pcall('function', 'list') end)
redis.register_function('pc', function(keys, args) return redis.pcall('incr', keys[1]) end)
redis.register_function('big', function(keys, args) return {big_number='123456789012345678901234567890'} end)
redis.register_function('dbl', function(keys, args) return {double=3.25} end)
`

var functionScenarios = []scenario{
	{name: "load errors", script: fscript(
		C("FUNCTION", "LOAD", "return 1"), C("FUNCTION", "LOAD", "#!lua"), C("FUNCTION", "LOAD", "#!lua\n"),
		C("FUNCTION", "LOAD", "#!lua name=a b=c\n"), C("FUNCTION", "LOAD", "#!lua name=a name=b\n"),
		C("FUNCTION", "LOAD", "#!lua NAME=a\n"), C("FUNCTION", "LOAD", "#!lua \"name=a b\"\n"), C("FUNCTION", "LOAD", "#!lua \"name=ab\n"),
		C("FUNCTION", "LOAD", "#!lua name=a-b\n"), C("FUNCTION", "LOAD", "#!lua name=\n"), C("FUNCTION", "LOAD", "#!lua2 name=ab\n"),
		fload("ab", "return 5"), fload("ab", "local x = string.format('%d', 5)"), fload("ab", "redis.call('ping')"),
		fload("ab", "redis.pcall('ping')"), fload("ab", "redis.setresp(3)"), fload("ab", "redis.sha1hex('a')"),
		fload("ab", "redis.set_repl(1)"), fload("ab", "local v = redis.REPL_ALL"), fload("ab", "local v = redis.foo"),
		fload("ab", "x = 1"), fload("ab", "error('boom')"),
		fload("ab", "redis.register_function('a')"), fload("ab", "redis.register_function('a', 1)"),
		fload("ab", "redis.register_function({})"), fload("ab", "redis.register_function{function_name='x'}"),
		fload("ab", "redis.register_function{callback=function() end}"),
		fload("ab", "redis.register_function{function_name='x', callback=function() end, flags={'bad'}}"),
		fload("ab", "redis.register_function{function_name='x', callback=function() end, flags='no-writes'}"),
		fload("ab", "redis.register_function{function_name='x', callback=function() end, foo=1}"),
		fload("ab", "redis.register_function{function_name='x', callback=1}"),
		fload("ab", "redis.register_function{function_name='x', description=1, callback=function() end}"),
		fload("ab", "redis.register_function{function_name='x', callback=function() end, [1]=2}"),
		fload("ab", "redis.register_function(1, 2, 3)"), fload("ab", "redis.register_function()"),
		fload("ab", "redis.register_function('x', function() end) redis.register_function('X', function() end)"),
		fload("ab", "redis.register_function('', function() end)"), fload("ab", "redis.register_function('a-b', function() end)"),
		fload("ab", "redis.register_function{function_name='x', callback=function() end, flags={'no-writes', 'bad'}}"),
		fload("ab", "local a = (1"),
		C("FUNCTION", "LOAD"), C("FUNCTION", "LOAD", "REPLACE"), C("FUNCTION", "LOAD", "replace", "x", "y"),
		C("FUNCTION", "LIST"),
	)},
	{name: "load and list", script: fscript(
		fload("lib1", "redis.log(redis.LOG_WARNING, 'loading') local v = redis.REDIS_VERSION .. redis.REDIS_VERSION_NUM\nredis.register_function('f1', function(keys, args) return 1 end)"),
		C("FUNCTION", "LIST"), C("FUNCTION", "LIST", "WITHCODE"), C("FUNCTION", "LIST", "LIBRARYNAME", "LIB*"),
		C("FUNCTION", "LIST", "libraryname", "x*"), C("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "lib1"),
		fload("lib1", "redis.register_function('f2', function() end)"),
		fload("lib2", "redis.register_function('F1', function() end)"),
		C("FUNCTION", "LOAD", "REPLACE", lib("lib1", "redis.register_function{function_name='f1', description='the one', callback=function() return 2 end, flags={'NO-WRITES', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}}")),
		C("FUNCTION", "LIST"), F("f1", nil), F("F1", nil), C("FCALL_RO", "f1", "0"),
		C("FUNCTION", "LOAD", "REPLACE", "REPLACE", lib("lib1", "redis.register_function('f3', function() return 3 end)")),
		F("f1", nil), F("f3", nil), C("FUNCTION", "LIST", "WITHCODE"),
		C("FUNCTION", "LOAD", "#!LUA name=lib3\nredis.register_function('f4', function() return 4 end)"), F("f4", nil),
		C("FUNCTION", "DELETE", "lib1"), C("FUNCTION", "DELETE", "lib1"), C("FUNCTION", "DELETE", "LIB3"), F("f3", nil),
		C("FUNCTION", "LIST", "LIBRARYNAME", "lib3"),
	)},
	{name: "list and subcommand errors", script: fscript(
		C("FUNCTION", "LIST", "foo"), C("FUNCTION", "LIST", "LIBRARYNAME"), C("FUNCTION", "LIST", "WITHCODE", "WITHCODE"),
		C("FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"), C("FUNCTION", "DELETE"), C("FUNCTION", "DELETE", "nosuch"),
		C("FUNCTION", "FLUSH", "foo"), C("FUNCTION", "FLUSH", "a", "b"), C("FUNCTION", "FLUSH", "SYNC"), C("FUNCTION", "FLUSH", "async"),
		C("FUNCTION", "STATS"), C("FUNCTION", "STATS", "x"), C("FUNCTION", "KILL"), C("FUNCTION", "HELP"),
		C("FUNCTION", "FOO"), C("FUNCTION"), C("FUNCTION", "DUMP", "x"), C("FCALL"), C("FCALL", "f"), C("FCALL_RO", "f"),
	)},
	{name: "fcall", script: fscript(
		fload("calls", libCalls), C("SET", "k", "v"), C("HSET", "h", "f", "v"),
		F("rf", nil), F("g", []string{"a"}, "b", "c"), F("G", []string{"a", "b"}), F("gk", nil), F("e", nil), F("e2", nil), F("e3", nil),
		F("w", []string{"wk"}, "val"), C("GET", "wk"), C("FCALL_RO", "w", "1", "wk", "v"), F("gl", nil),
		F("r", []string{"k"}), C("FCALL_RO", "r", "1", "k"), F("rw", []string{"k"}), F("r3", []string{"h"}), C("FCALL_RO", "r3", "1", "h"),
		F("t", nil), F("sel", nil), C("GET", "in1"), C("SELECT", "1"), C("GET", "in1"), C("SELECT", "0"),
		C("FCALL", "nosuch", "0"), C("FCALL_RO", "nosuch", "0"), C("FCALL", "g", "x"), C("FCALL", "g", "-1"),
		C("FCALL", "g", "2", "a"), C("FCALL", "g", "99999999999999999999"), C("FCALL", "g", "01", "a"), C("FCALL", "g", " 1", "a"),
		C("FCALL", "g", "9223372036854775807"), C("FCALL", "g", "-9223372036854775808"),
		F("nest", nil), F("nest2", nil), F("pc", []string{"k"}), F("big", nil), F("dbl", nil),
		E("return redis.pcall('fcall', 'g', '0')", nil), E("return redis.pcall('function', 'stats')", nil),
		C("FUNCTION", "STATS"),
	)},
	{name: "in a transaction", script: fscript(
		C("MULTI"), fload("tx", "redis.register_function('txf', function(keys) return redis.call('incr', keys[1]) end)"),
		F("txf", []string{"c"}), F("txf", []string{"c"}), C("FUNCTION", "DELETE", "tx"), F("txf", []string{"c"}), C("EXEC"),
		C("MULTI"), F("nosuch", nil), C("EXEC"), C("GET", "c"),
	)},
	{name: "dump and restore", script: fscript(
		fload("d1", "redis.register_function('d1f', function() return 'one' end)"),
		C("FUNCTION", "DUMP"),
		C("FUNCTION", "RESTORE", "xxx"), C("FUNCTION", "RESTORE", "xxx", "foo"), C("FUNCTION", "RESTORE", "a", "b", "c"),
		C("FUNCTION", "RESTORE", "\xf5\x05hello\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	)},
}

func TestFunctions(t *testing.T) {
	p := StartPair(t)
	runScenarios(t, p, functionScenarios)
	n := 0
	for _, sc := range functionScenarios {
		n += len(sc.script)
	}
	t.Logf("%d scenarios, %d commands, each over RESP2 and RESP3", len(functionScenarios), n)
}

// TestFunctionDumpRestore moves a library between the servers with
// FUNCTION DUMP and FUNCTION RESTORE: each side restores the other's
// payload (byte-identical for one library) with every policy.
func TestFunctionDumpRestore(t *testing.T) {
	p := StartPair(t)
	q := p.For(t)
	long := "redis.register_function('big', function() return '" + strings.Repeat("abcdefgh", 40) + "' end)"
	for _, body := range []string{"redis.register_function('small', function() return 1 end)", long} {
		steps := fscript(fload("dl", body), C("FUNCTION", "DUMP"))
		if m := q.Run(steps); m != nil {
			t.Fatalf("%s", m)
		}
		vd := doStr(t, p.Vesta, "FUNCTION", "DUMP")
		rd := doStr(t, p.Redis, "FUNCTION", "DUMP")
		if vd != rd {
			t.Fatalf("DUMP payloads differ:\nvesta %q\nredis %q", vd, rd)
		}
		for _, pol := range [][]string{nil, {"APPEND"}, {"REPLACE"}, {"FLUSH"}} {
			args := append([]string{"FUNCTION", "RESTORE", rd}, pol...)
			if m := q.Run(Script{C(args...), C("FUNCTION", "LIST", "WITHCODE"), C("FUNCTION", "FLUSH"), C(args...), C("FUNCTION", "LIST", "WITHCODE")}); m != nil {
				t.Fatalf("policy %v: %s", pol, m)
			}
		}
	}
	// Two libraries in one payload, and the collisions RESTORE refuses.
	steps := fscript(fload("a1", "redis.register_function('fa', function() return 'a' end)"),
		fload("b1", "redis.register_function('fb', function() return 'b' end)"))
	if m := q.Run(steps); m != nil {
		t.Fatalf("%s", m)
	}
	rd := doStr(t, p.Redis, "FUNCTION", "DUMP")
	if m := q.Run(Script{
		// One collision at a time: Redis walks the payload's libraries in
		// hash order.
		C("FUNCTION", "DELETE", "b1"), C("FUNCTION", "RESTORE", rd), C("FUNCTION", "RESTORE", rd, "REPLACE"), F("fa", nil), F("fb", nil),
		C("FUNCTION", "DELETE", "a1"), fload("c1", "redis.register_function('fa', function() return 'c' end)"),
		C("FUNCTION", "RESTORE", rd, "REPLACE"), C("FUNCTION", "RESTORE", rd, "FLUSH"), F("fa", nil), C("FUNCTION", "STATS"),
	}); m != nil {
		t.Fatalf("%s", m)
	}
}

// restorePayload is a FUNCTION DUMP payload of one library, as both
// servers write it.
var restorePayload = string(rdb.AppendFunctionPayload([]string{lib("rp",
	"redis.register_function('rp', function(keys) return redis.call('set', keys[1], '"+strings.Repeat("xy", 40)+"') end)")}, true))

// functionAOFScenarios: FUNCTION LOAD/DELETE/FLUSH/RESTORE reach the AOF
// as sent; FCALL reaches it as the commands the function ran.
var functionAOFScenarios = []scenario{
	{name: "load, delete, flush", script: Script{
		fload("al", "redis.register_function('af', function(keys) return redis.call('incr', keys[1]) end)"),
		C("FUNCTION", "LOAD", "REPLACE", lib("al", "redis.register_function('af', function(keys) redis.call('incr', keys[1]) return redis.call('set', 'x', 'y', 'EX', 100) end)")),
		F("af", []string{"c"}), C("FUNCTION", "DELETE", "al"), C("FUNCTION", "DELETE", "al"), fload("bad", "return 1"),
		C("FUNCTION", "FLUSH"), C("FUNCTION", "FLUSH", "ASYNC"),
	}},
	{name: "restore", script: Script{
		C("FUNCTION", "RESTORE", restorePayload), C("FUNCTION", "RESTORE", restorePayload), C("FUNCTION", "RESTORE", restorePayload, "REPLACE"),
		C("FUNCTION", "RESTORE", "junk"), C("FUNCTION", "RESTORE", restorePayload, "FLUSH"), F("rp", []string{"rk"}), C("FUNCTION", "FLUSH"),
	}},
	{name: "read-only call: nothing", script: Script{
		fload("ro", "redis.register_function{function_name='rf', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}"),
		C("FCALL_RO", "rf", "1", "k"), C("FUNCTION", "FLUSH"),
	}},
}

func TestFunctionsAOF(t *testing.T) {
	p := StartPair(t, "--appendonly", "yes", "--appendfsync", "always")
	for _, sc := range functionAOFScenarios {
		t.Run(sc.name, func(t *testing.T) {
			q := p.For(t)
			vOff, rOff := aofSize(t, p.Vesta), aofSize(t, p.Redis)
			if m := q.Run(sc.script); m != nil {
				t.Fatalf("%s\nscript:\n%s", m, sc.script)
			}
			got, want := aofCommands(t, p.Vesta, vOff), aofCommands(t, p.Redis, rOff)
			if !sameAOF(got, want) {
				t.Errorf("AOF differs.\nvesta:\n  %s\nredis:\n  %s\nscript:\n%s",
					strings.Join(got, "\n  "), strings.Join(want, "\n  "), sc.script)
			}
		})
	}
}

// doStr sends one command on a new connection and returns its bulk reply.
func doStr(t *testing.T, s *testutil.Server, args ...string) string {
	t.Helper()
	c := testutil.Dial(t, s.Addr)
	defer c.Close()
	v := c.DoValue(args...)
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	t.Fatalf("%s %v: reply %v", s.Name, args, v)
	return ""
}

// TestFunctionInfoCounts compares INFO memory's number_of_functions and
// number_of_libraries, and the FUNCTION commands' commandstats, after
// loads, a replacement, failures and a deletion.
func TestFunctionInfoCounts(t *testing.T) {
	p := StartPair(t)
	q := p.For(t)
	steps := append(fscript(C("CONFIG", "RESETSTAT")),
		fload("i1", "redis.register_function('i1a', function() return 1 end) redis.register_function('i1b', function() return 2 end)"),
		fload("i2", "redis.register_function('i2a', function() return 1 end)"),
		fload("i2", "redis.register_function('i2b', function() return 1 end)"),
		C("FUNCTION", "LOAD", "REPLACE", lib("i2", "redis.register_function('i2b', function() return 1 end) redis.register_function('i2c', function() return 1 end)")),
		fload("i3", "redis.register_function('i3a', function() return 1 end)"), C("FUNCTION", "DELETE", "i3"),
		F("i1a", nil), F("nosuch", nil), C("FCALL_RO", "i2b", "0"),
	)
	if m := q.Run(steps); m != nil {
		t.Fatalf("%s", m)
	}
	pick := func(s *testutil.Server, section string, prefixes ...string) string {
		c, err := dialConn(s.Addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		body, err := infoSection(c, section)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range strings.Split(body, "\n") {
			for _, p := range prefixes {
				if strings.HasPrefix(l, p) {
					out = append(out, l)
				}
			}
		}
		return strings.Join(out, "\n")
	}
	for _, sec := range []struct {
		name     string
		prefixes []string
	}{
		{"memory", []string{"number_of_functions:", "number_of_libraries:"}},
		{"commandstats", []string{"cmdstat_function|", "cmdstat_fcall"}},
	} {
		v, r := pick(p.Vesta, sec.name, sec.prefixes...), pick(p.Redis, sec.name, sec.prefixes...)
		if v != r || r == "" {
			t.Errorf("INFO %s differs:\nvesta:\n%s\nredis:\n%s", sec.name, v, r)
		}
	}
}

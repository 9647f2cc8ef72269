package script

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/resp"
)

// errAt is the error reply of script body failing with msg at line 1.
func errAt(body, msg string) string {
	return fmt.Sprintf("-%s script: %s, on @user_script:1.\r\n", msg, SHA1Hex(body))
}

// bulk is s as a RESP bulk string.
func bulk(s string) string { return fmt.Sprintf("$%d\r\n%s\r\n", len(s), s) }

// The expected replies are redis-server 7.0.15's (issue 15).
func TestSandboxReplies(t *testing.T) {
	e := New()
	defer e.Close()
	const ro = "ERR Attempt to modify a readonly table"
	const roAt = "ERR user_script:1: Attempt to modify a readonly table"
	nonexistent := func(name string) string {
		return "ERR user_script:1: Script attempted to access nonexistent global variable '" + name + "'"
	}
	for _, tc := range []struct{ body, want string }{
		// Not loaded.
		{"return type(getfenv)", errAt("return type(getfenv)", nonexistent("getfenv"))},
		{"return type(setfenv)", errAt("return type(setfenv)", nonexistent("setfenv"))},
		{"return type(debug)", errAt("return type(debug)", nonexistent("debug"))},
		{"return type(newproxy)", errAt("return type(newproxy)", nonexistent("newproxy"))},
		// Writes, raw or not, to the globals, their tables and the string
		// metatable.
		{"rawset(_G, 'x', 1)", errAt("rawset(_G, 'x', 1)", ro)},
		{"setmetatable(_G, nil)", errAt("setmetatable(_G, nil)", ro)},
		{"setmetatable(string, {})", errAt("setmetatable(string, {})", ro)},
		{"table.insert(_G, 1)", errAt("table.insert(_G, 1)", ro)},
		{"table.insert(string, 1, 'x')", errAt("table.insert(string, 1, 'x')", ro)},
		{"table.insert({})", errAt("table.insert({})", "ERR user_script:1: wrong number of arguments to 'insert'")},
		{"getmetatable('').__index = nil", errAt("getmetatable('').__index = nil", roAt)},
		{"getmetatable('').x = 1", errAt("getmetatable('').x = 1", roAt)},
		{"getmetatable('').__index.upper = nil", errAt("getmetatable('').__index.upper = nil", roAt)},
		{"rawset(getmetatable(''), 'x', 1)", errAt("rawset(getmetatable(''), 'x', 1)", ro)},
		{"getmetatable(_G).__index = nil", errAt("getmetatable(_G).__index = nil", roAt)},
		{"return {pcall(setmetatable, _G, {})}", "*2\r\n$-1\r\n" + bulk("Attempt to modify a readonly table")},
		// Reads see what Redis's tables hold.
		{"local n = 0 for k in pairs(_G) do n = n + 1 end return n", ":35\r\n"},
		{"local n = 0 for k in next, _G do n = n + 1 end return n", ":35\r\n"},
		{"local t = {} for k in pairs(_G) do t[#t+1] = k end table.sort(t) return table.concat(t, ' ')",
			bulk("ARGV KEYS _G _VERSION __redis__err__handler assert bit cjson cmsgpack collectgarbage coroutine error gcinfo getmetatable ipairs load loadstring math next pairs pcall rawequal rawget rawset redis select setmetatable string struct table tonumber tostring type unpack xpcall")},
		{"return rawget(_G, 'redis') == redis", ":1\r\n"},
		{"return rawget(string, 'upper') == string.upper", ":1\r\n"},
		{"return type(getmetatable(_G).__index)", "$8\r\nfunction\r\n"},
		{"return type(getmetatable(string))", "$3\r\nnil\r\n"},
		{"return getmetatable('').__index == string", ":1\r\n"},
		{"local n = 0 for k in pairs(getmetatable('')) do n = n + 1 end return n", ":1\r\n"},
		{"return type(string.__index)", "$3\r\nnil\r\n"},
		{"return ('abc'):upper()", "$3\r\nABC\r\n"},
		{"return __redis__err__handler('x')", "-ERR x\r\n"},
		{"return KEYS[1]", "$1\r\nk\r\n"},
		{"KEYS[1] = 'z' return KEYS[1]", "$1\r\nz\r\n"},
		// The collector functions do not force a Go collection.
		{"return collectgarbage('count') > 0 and gcinfo() > 0", ":1\r\n"},
		{"return {collectgarbage(), collectgarbage('stop'), collectgarbage('step')}", "*3\r\n:0\r\n:0\r\n$-1\r\n"},
		{"return collectgarbage('bogus')", errAt("return collectgarbage('bogus')", "ERR user_script:1: bad argument #1 to 'collectgarbage' (invalid option 'bogus')")},
		// Lua 5.1's deprecated table functions.
		{"return table.setn({}, 1)", errAt("return table.setn({}, 1)", "ERR user_script:1: 'setn' is obsolete")},
		{"return table.foreach(_G, function(k, v) if k == 'redis' then return type(v) end end)", bulk("table")},
		{"return table.foreachi({5, 6}, function(i, v) if i == 2 then return v * 10 end end)", ":60\r\n"},
		// loadstring: the globals' proxy, Lua's chunk names.
		{"loadstring('zz = KEYS')()", fmt.Sprintf("-ERR [string \"zz = KEYS\"]:1: Attempt to modify a readonly table script: %s, on zz = KEYS:1.\r\n", SHA1Hex("loadstring('zz = KEYS')()"))},
		{"return loadstring('return KEYS[1]')()", "$1\r\nk\r\n"},
		{"return select(2, loadstring('x ='))", bulk("[string \"x =\"]:1: unexpected symbol near '<eof>'")},
		{"return select(2, loadstring('x =', '=named'))", bulk("named:1: unexpected symbol near '<eof>'")},
		{"local d = false load(function() if d then return nil end d = true return 'zz = 1' end)()",
			fmt.Sprintf("-ERR (load):1: Attempt to modify a readonly table script: %s, on =(load):1.\r\n", SHA1Hex("local d = false load(function() if d then return nil end d = true return 'zz = 1' end)()"))},
		{"loadstring('error(\"b\")', '@f.lua')()", fmt.Sprintf("-ERR f.lua:1: b script: %s, on @f.lua:1.\r\n", SHA1Hex("loadstring('error(\"b\")', '@f.lua')()"))},
	} {
		if got := run(t, e, tc.body, 2, "k"); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.body, got, tc.want)
		}
	}
}

// sandboxAttacks try to leave something behind for the next script.
var sandboxAttacks = []string{
	"x = 1", "_G.x = 1", "rawset(_G, 'x', 1)", "table.insert(_G, 1)", "table.insert(_G, 1, 1)", "table.insert(string, 'x')",
	"setmetatable(_G, {__index = function() return 1 end})", "string.upper = nil", "rawset(string, 'upper', nil)",
	"getmetatable('').__index = {}", "getmetatable('').__index.upper = nil", "rawset(getmetatable(''), '__index', {})",
	"rawget(_G, 'string').upper = nil", "rawset(rawget(_G, 'string'), 'upper', nil)",
	"for k, v in pairs(_G) do if type(v) == 'table' then pcall(rawset, v, 'x', 1) pcall(table.insert, v, 1) end end",
	"getmetatable(_G).__index = function() return 1 end", "rawset(getmetatable(_G), '__index', nil)",
	"loadstring('x = 1')()", "setfenv(1, {})", "getfenv(redis.call).x = 1",
	"coroutine.wrap(function() x = 1 end)()", "local f = loadstring('string.upper = nil') f()",
	"redis.call = function() return 1 end", "math.random = nil",
}

// sandboxChecks are true while nothing was left behind.
const sandboxChecks = `
return rawget(_G, 'x') == nil and rawget(_G, 1) == nil and string[1] == nil and rawget(string, 'x') == nil
  and ('abc'):upper() == 'ABC' and string.upper('a') == 'A' and getmetatable('').__index == string
  and type(getmetatable(_G).__index) == 'function' and not pcall(function() return nosuch end)
  and type(redis.call) == 'function' and redis.call('ping').ok == 'PONG' and type(math.random) == 'function'`

func TestSandboxNothingStays(t *testing.T) {
	e := New()
	defer e.Close()
	for _, a := range sandboxAttacks {
		run(t, e, a, 2)
		if got := run(t, e, sandboxChecks, 2); got != ":1\r\n" {
			t.Fatalf("after %q: %q", a, got)
		}
	}
	// A fresh interpreter (SCRIPT FLUSH) is sandboxed too.
	e.Flush()
	for _, a := range sandboxAttacks {
		run(t, e, a, 2)
	}
	if got := run(t, e, sandboxChecks, 2); got != ":1\r\n" {
		t.Fatalf("after flush: %q", got)
	}
}

// A library's load run sees only the load API; its callbacks see the
// globals read-only (without KEYS, ARGV and the error handler), and
// nothing they do reaches the next library or call.
func TestFunctionSandbox(t *testing.T) {
	f := NewFunctions()
	defer f.Close()
	set := f.Current()
	for _, tc := range []struct{ body, want string }{
		{"local x = _G", "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable '_G'"},
		{"local x = loadstring", "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'loadstring'"},
		{"x = 1", "ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table"},
		{"redis.x = 1", "ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table"},
		{"local r = redis", ""},
	} {
		_, msg := f.Load(set, "#!lua name=l\n"+tc.body+"\nredis.register_function('f', function() return 1 end)", true)
		if msg != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.body, msg, tc.want)
		}
	}
	calls := []struct{ body, want string }{
		{"local n = 0 for k in pairs(_G) do n = n + 1 end return n", ":32\r\n"},
		{"return type(getfenv)", "-ERR user_function:2: Script attempted to access nonexistent global variable 'getfenv' script: g, on @user_function:2.\r\n"},
		{"return type(__redis__err__handler)", "-ERR user_function:2: Script attempted to access nonexistent global variable '__redis__err__handler' script: g, on @user_function:2.\r\n"},
		{"loadstring('zz = 1')()", "-ERR [string \"zz = 1\"]:1: Attempt to modify a readonly table script: g, on zz = 1:1.\r\n"},
		{"return loadstring('return type(KEYS)')()", "-ERR [string \"return type(KEYS)\"]:1: Script attempted to access nonexistent global variable 'KEYS' script: g, on return type(KEYS):1.\r\n"},
		{"rawset(_G, 'zz', 1)", "-ERR Attempt to modify a readonly table script: g, on @user_function:2.\r\n"},
		{"table.insert(_G, 1)", "-ERR Attempt to modify a readonly table script: g, on @user_function:2.\r\n"},
		{"return {pcall(rawset, r, 'register_function', 1)}", "*2\r\n$-1\r\n" + bulk("Attempt to modify a readonly table")},
		{"return {pcall(table.insert, r, 1)}", "*2\r\n$-1\r\n" + bulk("Attempt to modify a readonly table")},
		{"return rawget(_G, 'zz') == nil and rawget(r, 1) == nil", ":1\r\n"},
	}
	for _, tc := range calls {
		code := "#!lua name=c\nlocal r = redis\nredis.register_function('g', function(keys, args) " + tc.body + " end)"
		code = strings.Replace(code, "\nredis.register_function('g', function(keys, args) ", "\nredis.register_function('g', function(keys, args)\n", 1)
		if _, msg := f.Load(set, code, true); msg != "" {
			t.Fatalf("%s: %s", tc.body, msg)
		}
		var w resp.Writer
		w.Proto = 2
		f.Call(set.Lookup("g"), nil, nil, nopHost{}, &w)
		want := strings.ReplaceAll(tc.want, "user_function:2", "user_function:4")
		if got := string(w.B); got != want {
			t.Errorf("%s:\n got %q\nwant %q", tc.body, got, want)
		}
	}
	// The load API is intact for the next library.
	if _, msg := f.Load(set, "#!lua name=n\nredis.register_function('h', function() return 1 end)", true); msg != "" {
		t.Fatal(msg)
	}
}

func TestChunkID(t *testing.T) {
	long := strings.Repeat("a", 70)
	for _, tc := range []struct {
		source string
		size   int
		want   string
	}{
		{"x = 1", luaIDSize, `[string "x = 1"]`},
		{"a\nb", luaIDSize, `[string "a..."]`},
		{long, luaIDSize, `[string "` + long[:43] + `..."]`},
		{long, luaMaxSrc, `[string "` + long[:63] + `..."]`},
		{"=" + long, luaIDSize, long[:59]},
		{"=" + long, luaMaxSrc, long},
		{"@" + long, luaIDSize, "..." + long[70-52:]},
		{"@" + long, luaMaxSrc, long},
		{"@user_script", luaIDSize, "user_script"},
	} {
		if got := chunkID(tc.source, tc.size); got != tc.want {
			t.Errorf("chunkID(%q, %d) = %q, want %q", tc.source, tc.size, got, tc.want)
		}
	}
}

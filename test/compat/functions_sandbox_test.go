package compat

import (
	"strings"
	"testing"
)

// Issue 15: the function sandbox compared with redis-server. A library's
// chunk sees only the load API (redis.register_function, redis.log, ...)
// at load; its callbacks see the globals, read-only, without KEYS, ARGV
// and Redis's error handler. Nothing a library or a call does stays in
// the sandbox for the next one.

// fsbLoad loads (replacing) library sb whose chunk runs body, then
// registers a function f.
func fsbLoad(body string) Cmd {
	return C("FUNCTION", "LOAD", "REPLACE", lib("sb", body+"\nredis.register_function('f', function() return 1 end)"))
}

// fsbCall loads (replacing) library sbc whose function g runs body, and
// calls it.
func fsbCall(body string) Script {
	return Script{
		C("FUNCTION", "LOAD", "REPLACE", lib("sbc", "redis.register_function('g', function(keys, args) "+body+" end)")),
		F("g", nil),
	}
}

func fsbCalls(bodies ...string) Script {
	var s Script
	for _, b := range bodies {
		s = append(s, fsbCall(b)...)
	}
	return s
}

var functionSandboxScenarios = []scenario{
	{name: "load run", script: fscript(
		fsbLoad("local x = _G"), fsbLoad("x = 1"), fsbLoad("local t = loadstring"), fsbLoad("local t = getfenv"),
		fsbLoad("rawset(redis, 'x', 1)"), fsbLoad("redis.x = 1"), fsbLoad("redis.register_function = nil"),
		fsbLoad("local m = getmetatable('')"), fsbLoad("local s = string"), fsbLoad("local k = KEYS"),
		fsbLoad("local c = redis.call"), fsbLoad("local v = redis.REDIS_VERSION"), fsbLoad("redis.log(redis.LOG_DEBUG, 'x')"),
	)},
	{name: "call", script: append(fscript(), fsbCalls(
		"return type(_G)", "local n = 0 for k in pairs(_G) do n = n + 1 end return n",
		"local t = {} for k in pairs(_G) do t[#t + 1] = k end table.sort(t) return t",
		"return type(getfenv)", "return type(setfenv)", "return type(loadstring)", "return type(debug)", "return type(print)",
		"loadstring('zz = 1')()", "return loadstring('return redis.call(\"ping\")')()", "return loadstring('return KEYS')()",
		"zz = 1", "_G.zz = 1", "rawset(_G, 'zz', 1)", "setmetatable(_G, nil)", "return type(getmetatable(_G))",
		"return rawget(_G, 'redis') == redis", "return _G.redis == redis", "return _G._G == _G", "return type(KEYS)",
		"return type(__redis__err__handler)", "table.insert(_G, 1)", "getmetatable('').x = 1", "string.x = 1",
		"return type(redis.register_function)", "return type(redis.setresp)", "return type(redis.call)",
		"return rawget(_G, 'zz') == nil", "return string.x == nil",
	)...)},
	{name: "a library keeps the load API", script: fscript(
		C("FUNCTION", "LOAD", lib("keep", strings.Join([]string{
			"local r = redis",
			"redis.register_function('k1', function() return {pcall(rawset, r, 'register_function', 1)} end)",
			"redis.register_function('k2', function() return {pcall(table.insert, r, 1)} end)",
			"redis.register_function('k3', function() return {pcall(setmetatable, r, {})} end)",
			"redis.register_function('k4', function() return type(rawget(r, 'register_function')) end)",
			"redis.register_function('k5', function() local n = 0 for k in pairs(r) do n = n + 1 end return n end)",
		}, "\n"))),
		F("k1", nil), F("k2", nil), F("k3", nil), F("k4", nil), F("k5", nil),
		fsbLoad("local v = redis.register_function"),
	)},
}

func TestFunctionSandbox(t *testing.T) {
	p := StartPair(t)
	runScenarios(t, p, functionSandboxScenarios)
}

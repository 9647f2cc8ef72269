package script

import (
	"crypto/sha1"
	"encoding/hex"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The redis table and the base functions Redis replaces.

func (e *Engine) openRedis() *lua.LTable {
	L := e.L
	t := L.NewTable()
	fns := map[string]lua.LGFunction{
		"call":                func(L *lua.LState) int { return e.redisCall(L, true) },
		"pcall":               func(L *lua.LState) int { return e.redisCall(L, false) },
		"sha1hex":             redisSha1hex,
		"error_reply":         redisErrorReply,
		"status_reply":        redisStatusReply,
		"log":                 e.redisLog,
		"setresp":             e.redisSetResp,
		"set_repl":            e.redisSetRepl,
		"replicate_commands":  func(L *lua.LState) int { L.Push(lua.LTrue); return 1 },
		"breakpoint":          func(L *lua.LState) int { L.Push(lua.LFalse); return 1 },
		"debug":               func(L *lua.LState) int { return 0 },
		"acl_check_cmd":       e.redisACLCheckCmd,
		"__vesta_placeholder": nil,
	}
	delete(fns, "__vesta_placeholder")
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	for name, v := range map[string]int{
		"LOG_DEBUG": LogDebug, "LOG_VERBOSE": LogVerbose, "LOG_NOTICE": LogNotice, "LOG_WARNING": LogWarning,
		"REPL_NONE": ReplNone, "REPL_AOF": ReplAOF, "REPL_SLAVE": ReplReplica, "REPL_REPLICA": ReplReplica, "REPL_ALL": ReplAll,
	} {
		t.RawSetString(name, lua.LNumber(v))
	}
	t.RawSetString("REDIS_VERSION", lua.LString(RedisVersion))
	t.RawSetString("REDIS_VERSION_NUM", lua.LNumber(RedisVersionNum))
	return t
}

// raise raises Redis's error table for msg (luaPushError + luaError).
func raise(L *lua.LState, msg string) {
	L.Error(errorTable(L, msg), 0)
}

// argsOf converts the arguments of redis.call into a command line, or
// returns Redis's error.
//
// The vector and its bytes are the engine's, reused by the next call: a
// command's handler copies what it keeps, as it does for a connection's
// arguments, which alias the connection's read buffer.
func (e *Engine) argsOf(L *lua.LState) ([][]byte, string) {
	n := L.GetTop()
	if n == 0 {
		return nil, "Please specify at least one argument for this redis lib call"
	}
	buf, ends := e.argBuf[:0], e.argEnds[:0]
	if buf == nil {
		buf = make([]byte, 0, 256) // empty arguments stay non-nil
	}
	for i := 1; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LNumber:
			buf = appendArg(buf, float64(v))
		case lua.LString:
			buf = append(buf, v...)
		default:
			return nil, "Lua redis lib command arguments must be strings or integers"
		}
		ends = append(ends, len(buf))
	}
	args, start := e.args[:0], 0
	for _, end := range ends {
		// Capacity ends with the argument: a handler appending to one
		// cannot overwrite the next.
		args = append(args, buf[start:end:end])
		start = end
	}
	e.args, e.argEnds, e.argBuf = args, ends, buf
	if cap(buf) > maxKeptArgBytes {
		e.argBuf = nil // a huge argument's bytes are not kept after the call
	}
	return args, ""
}

// maxKeptArgBytes bounds the argument bytes the engine keeps between calls.
const maxKeptArgBytes = 64 << 10

func (e *Engine) redisCall(L *lua.LState, raiseErr bool) int {
	rs := e.run
	if rs == nil {
		raise(L, "redis.call/pcall can only be called inside a script invocation")
		return 0
	}
	args, msg := e.argsOf(L)
	if msg != "" {
		t := errorTable(L, msg)
		if raiseErr {
			L.Error(t, 0)
			return 0
		}
		L.Push(t)
		return 1
	}
	reply := rs.host.Call(args, rs.proto)
	v, _, err := e.vals.replyToLua(L, reply)
	if err != nil {
		raise(L, "internal error converting the reply of "+string(args[0]))
		return 0
	}
	if raiseErr && len(reply) > 0 && reply[0] == '-' {
		L.Error(v, 0)
		return 0
	}
	L.Push(v)
	return 1
}

func redisSha1hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		raise(L, "wrong number of arguments")
		return 0
	}
	s := ""
	switch v := L.Get(1).(type) {
	case lua.LString:
		s = string(v)
	case lua.LNumber:
		s = numberString(float64(v))
	}
	h := sha1.Sum([]byte(s))
	L.Push(lua.LString(hex.EncodeToString(h[:])))
	return 1
}

func redisErrorReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	msg := string(s)
	if !strings.HasPrefix(msg, "-") {
		msg = "-" + msg
	}
	L.Push(errorTable(L, msg))
	return 1
}

func redisStatusReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	t := L.NewTable()
	t.RawSetString("ok", s)
	L.Push(t)
	return 1
}

func (e *Engine) redisLog(L *lua.LState) int {
	n := L.GetTop()
	if n < 2 {
		raise(L, "redis.log() requires two arguments or more.")
		return 0
	}
	lv, ok := toNumber(L.Get(1))
	if !ok {
		raise(L, "First argument must be a number (log level).")
		return 0
	}
	level := int(lv)
	if level < LogDebug || level > LogWarning {
		raise(L, "Invalid debug level.")
		return 0
	}
	var b strings.Builder
	first := true
	for i := 2; i <= n; i++ {
		var s string
		switch v := L.Get(i).(type) {
		case lua.LString:
			s = string(v)
		case lua.LNumber:
			s = numberString(float64(v))
		default:
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(s)
	}
	if e.run != nil {
		e.run.host.Log(level, b.String())
	}
	return 0
}

func (e *Engine) redisSetResp(L *lua.LState) int {
	if e.run == nil {
		raise(L, "redis.setresp can only be called inside a script invocation")
		return 0
	}
	if L.GetTop() != 1 {
		raise(L, "redis.setresp() requires one argument.")
		return 0
	}
	f, _ := toNumber(L.Get(1))
	v := truncate(f)
	if v != 2 && v != 3 {
		raise(L, "RESP version must be 2 or 3.")
		return 0
	}
	e.run.proto = int(v)
	return 0
}

func (e *Engine) redisSetRepl(L *lua.LState) int {
	if e.run == nil {
		raise(L, "redis.set_repl can only be called inside a script invocation")
		return 0
	}
	if L.GetTop() != 1 {
		raise(L, "redis.set_repl() requires two arguments.")
		return 0
	}
	f, _ := toNumber(L.Get(1))
	v := truncate(f)
	if v&^ReplAll != 0 {
		raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
		return 0
	}
	e.run.host.SetRepl(int(v))
	return 0
}

// redisACLCheckCmd answers for the default user, who may run every
// command: true for a known command (Vesta has no ACL users).
func (e *Engine) redisACLCheckCmd(L *lua.LState) int {
	if e.run == nil {
		raise(L, "redis.acl_check_cmd can only be called inside a script invocation")
		return 0
	}
	args, msg := e.argsOf(L)
	if msg != "" {
		raise(L, msg)
		return 0
	}
	if ch, ok := e.run.host.(interface{ KnownCommand([][]byte) bool }); ok && !ch.KnownCommand(args) {
		raise(L, "Invalid command passed to redis.acl_check_cmd()")
		return 0
	}
	if ch, ok := e.run.host.(interface{ ACLAllowed([][]byte) bool }); ok {
		L.Push(lua.LBool(ch.ACLAllowed(args)))
		return 1
	}
	L.Push(lua.LTrue)
	return 1
}

// toNumber is lua_tonumber: numbers and numeric strings.
func toNumber(v lua.LValue) (float64, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		return float64(v), true
	case lua.LString:
		n, err := parseLuaNumber(strings.TrimSpace(string(v)))
		return n, err == nil
	}
	return 0, false
}

// numberString formats a number as Lua 5.1 does (LUAI_NUMFFORMAT "%.14g").
func numberString(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return fmtG14(f)
}

// luaToString is tostring with Lua 5.1's number format.
func luaToString(L *lua.LState) int {
	v := L.CheckAny(1)
	if n, ok := v.(lua.LNumber); ok {
		L.Push(lua.LString(numberString(float64(n))))
		return 1
	}
	L.Push(L.ToStringMeta(v))
	return 1
}

// luaPcall is Redis's pcall: an error raised as an {err=...} table (by
// redis.call) is returned as its message.
func (e *Engine) luaPcall(L *lua.LState) int {
	L.CheckAny(1)
	n := L.GetTop()
	err := L.PCall(n-1, lua.MultRet, nil)
	if err != nil {
		var obj lua.LValue = lua.LString(err.Error())
		if ae, ok := err.(*lua.ApiError); ok {
			obj = ae.Object
		}
		if t, ok := obj.(*lua.LTable); ok {
			if s, ok := t.RawGetString("err").(lua.LString); ok {
				obj = s
			}
		}
		L.SetTop(0)
		L.Push(lua.LFalse)
		L.Push(obj)
		return 2
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

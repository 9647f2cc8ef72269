package script

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/vestadb/vesta/internal/resp"
)

// Version strings redis.REDIS_VERSION / REDIS_VERSION_NUM report.
const (
	RedisVersion    = "7.0.15"
	RedisVersionNum = 0x0007000f
)

// Replication flags of redis.set_repl (Redis's PROPAGATE_AOF/REPL).
const (
	ReplNone    = 0
	ReplAOF     = 1
	ReplReplica = 2
	ReplAll     = 3
)

// Log levels of redis.log (Redis's LL_*).
const (
	LogDebug   = 0
	LogVerbose = 1
	LogNotice  = 2
	LogWarning = 3
)

// Host runs the commands of a script. It is called on the goroutine that
// called Run, under whatever lock that goroutine holds.
type Host interface {
	// Call executes args and returns its reply encoded in RESP version
	// proto (2 or 3). Errors (unknown command, denied command, wrong
	// arity, the command's own errors) are error replies.
	Call(args [][]byte, proto int) []byte
	// SetRepl records redis.set_repl's flags for the commands that follow.
	SetRepl(flags int)
	// Log writes redis.log's line at a level (LogDebug..LogWarning).
	Log(level int, msg string)
	// Tick runs every tickInstructions Lua instructions: the host may
	// serve other clients (busy scripts) and returns a non-empty error
	// message to abort the script (SCRIPT KILL, shutdown).
	Tick() string
}

// MaxHeapGrowth bounds how much a script may grow the heap: past it the
// script is stopped with an error (checked every memCheckInstructions
// instructions, so a few quick string doublings can still overshoot).
const MaxHeapGrowth = 1 << 30

const memCheckInstructions = 1024

// heapBytes is the live heap as runtime/metrics reports it (no
// stop-the-world, unlike ReadMemStats).
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// heapStale is how long a reading of the live heap serves as the base of
// the scripts' memory limit.
const heapStale = 10 * time.Millisecond

// tickInstructions is how many Lua instructions run between Host.Tick
// calls.
const tickInstructions = 10000

// Engine is one Lua interpreter with its script cache. Not safe for
// concurrent use: the server calls it under its lock.
type Engine struct {
	L       *lua.LState
	globals *lua.LTable // the real globals, behind the read-only proxy
	proxy   *lua.LTable // what scripts see as _G
	// view is what the proxy reads through to: a copy of the globals
	// with the nested tables' proxies, and KEYS and ARGV of the run.
	view *lua.LTable
	// keysUV and argvUV hold this run's KEYS and ARGV for the top level
	// of every cached script (foldScriptGlobals).
	keysUV, argvUV *lua.Upvalue
	// keysT and argvT are the tables of the last run's KEYS and ARGV,
	// refilled by the next run when the script left them as they were
	// made (valuePages.reuseTable).
	keysT, argvT argTable
	noFold       bool // tests: compile scripts without foldScriptGlobals
	handler      *lua.LFunction
	scripts      map[string]*cached
	// Memory is an estimate of the cache's size in bytes (bodies and
	// compiled code), INFO's used_memory_scripts_eval.
	memory int64
	run    *runState
	rand   lrand48
	// The live heap when a script last started, and when it was read:
	// reading it costs a microsecond, as much as a short script's whole
	// run, so scripts starting within heapStale of each other share one
	// reading (their limit is then off by what the heap grew meanwhile).
	heapAt   time.Time
	heapBase uint64

	// MaxHeapGrowth overrides the package's MaxHeapGrowth when not zero.
	MaxHeapGrowth uint64

	// onReset, if set, runs after resetState built a fresh interpreter
	// (the function engine reloads its libraries into it).
	onReset func()

	// Reused by every run (one script runs at a time): the run state, and
	// redis.call's argument vector and bytes. A command's arguments are
	// only valid during the command, as a connection's are, so handlers
	// already copy what they keep.
	runBuf  runState
	args    [][]byte
	argEnds []int
	argBuf  []byte
	// The script Lookup found last and the SHA1 it was asked for (as
	// spelled): clients run the same script over and over.
	last    *cached
	lastSHA [40]byte
	// vals boxes the numbers and strings of replies, KEYS and ARGV.
	vals valuePages
	// fnArgs is the argument vector of a function call (keys, args).
	fnArgs [2]lua.LValue

	// functions is set for the function engine's interpreter.
	functions bool
	// ro maps each read-only proxy to what it stands for (sandbox.go).
	ro map[*lua.LTable]roTable
	// chunkNames are the source names of loadstring's chunks, by the
	// name their errors give (sandbox.go).
	chunkNames map[string]string
}

// Script is a cached script, as [Engine.Lookup] finds it.
type Script = cached

type cached struct {
	body     string
	sha      string // lower-case SHA1, the cache key
	callName string // "f_<sha>", the name internal errors give
	fn       *lua.LFunction
}

// Body is the script's source.
func (c *cached) Body() string { return c.body }

// SHA is the script's lower-case SHA1.
func (c *cached) SHA() string { return c.sha }

// runState is the context of the script that runs.
type runState struct {
	heapLimit  uint64 // heapBytes() beyond which the script is stopped
	heapGrowth uint64
	host       Host
	sha        string
	proto      int // redis.setresp: 2 or 3
	ctx        tickContext
}

// New builds an engine with Redis's libraries loaded and globals protected.
func New() *Engine {
	e := &Engine{}
	e.init()
	return e
}

// init (re)builds the interpreter and empties the cache. The library
// closures capture e, so e keeps its address across SCRIPT FLUSH.
func (e *Engine) init() {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:        true,
		CallStackSize:       1000,
		RegistrySize:        1024,
		RegistryMaxSize:     1024 * 1024,
		IncludeGoStackTrace: false,
	})
	e.L, e.scripts, e.memory, e.run, e.last = L, map[string]*cached{}, 0, nil, nil
	e.keysT, e.argvT = argTable{}, argTable{}
	e.globals = L.G.Global
	for _, lib := range []struct {
		name string
		fn   lua.LGFunction
	}{
		{"", lua.OpenBase},
		{"table", lua.OpenTable},
		{"string", lua.OpenString},
		{"math", lua.OpenMath},
		{"coroutine", lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.fn))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	for _, name := range []string{"dofile", "loadfile", "print", "module", "require", "_printregs", "_GOPHER_LUA_VERSION", "newproxy", "getfenv", "setfenv"} {
		e.globals.RawSetString(name, lua.LNil)
	}
	e.globals.RawSetString("gcinfo", L.NewFunction(luaGCInfo))
	e.globals.RawSetString("collectgarbage", L.NewFunction(luaCollectGarbage))
	e.globals.RawSetString("tostring", L.NewFunction(luaToString))
	e.globals.RawSetString("pcall", L.NewFunction(e.luaPcall))
	baseError := e.globals.RawGetString("error").(*lua.LFunction)
	e.globals.RawSetString("error", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() == 0 {
			L.Error(lua.LNil, 0)
		}
		L.Insert(baseError, 1)
		L.Call(L.GetTop()-1, 0)
		return 0
	}))
	mathT := e.globals.RawGetString("math").(*lua.LTable)
	mathT.RawSetString("random", L.NewFunction(e.mathRandom))
	mathT.RawSetString("randomseed", L.NewFunction(e.mathRandomseed))
	// A string cannot grow past Redis's proto-max-bulk-len default: a
	// script building a huge string gets an error instead of taking the
	// server's memory.
	strT := e.globals.RawGetString("string").(*lua.LTable)
	origRep := strT.RawGetString("rep").(*lua.LFunction)
	strT.RawSetString("rep", L.NewFunction(func(L *lua.LState) int {
		s := L.CheckString(1)
		n := L.CheckInt(2)
		if n > 0 && int64(len(s))*int64(n) > maxStringBytes {
			L.RaiseError("resulting string too large")
		}
		L.Push(origRep)
		L.Push(lua.LString(s))
		L.Push(lua.LNumber(n))
		L.Call(2, 1)
		return 1
	}))
	// Coroutines run on threads of their own: give each the run's
	// context, so the instruction hook (busy scripts, SCRIPT KILL) sees
	// their instructions too. coroutine.wrap is rebuilt on create.
	coT := e.globals.RawGetString("coroutine").(*lua.LTable)
	coCreate := coT.RawGetString("create").(*lua.LFunction)
	coT.RawSetString("create", L.NewFunction(func(L *lua.LState) int {
		L.Insert(coCreate, 1)
		L.Call(L.GetTop()-1, 1)
		if th, ok := L.Get(-1).(*lua.LState); ok && e.run != nil {
			th.SetContext(&e.run.ctx)
		}
		return 1
	}))
	if err := L.DoString(`
local create, resume, err = coroutine.create, coroutine.resume, error
local function pass(ok, ...)
  if not ok then err((...), 0) end
  return ...
end
coroutine.wrap = function(f)
  local co = create(f)
  return function(...) return pass(resume(co, ...)) end
end`); err != nil {
		panic(err)
	}
	e.globals.RawSetString("cjson", openCjson(L))
	e.globals.RawSetString("bit", openBit(L))
	e.globals.RawSetString("cmsgpack", openCmsgpack(L))
	e.globals.RawSetString("struct", openStruct(L))
	e.globals.RawSetString("redis", e.openRedis())
	e.handler = L.NewFunction(e.errorHandler)

	e.wrapBase()
	e.separateStringMeta()
	if !e.functions {
		// Redis's error handler is a global of the EVAL state (not of the
		// functions' one).
		e.globals.RawSetString("__redis__err__handler", e.handler)
	}
	mathT.RawSetString("huge", lua.LNumber(math.Inf(1)))

	// Scripts see every global table, and the string metatable, through
	// a read-only proxy (sandbox.go); chunks loadstring makes run against
	// the proxy too.
	seen := map[*lua.LTable]*lua.LTable{}
	e.proxy = protect(L, e.globals, true, seen, &e.view)
	e.globals.RawSetString("_G", e.proxy)
	e.protectString(seen)
	e.registerProxies(seen)
	e.chunkNames = map[string]string{}
	L.Env = e.proxy
	e.keysUV, e.argvUV = &lua.Upvalue{}, &lua.Upvalue{}
	e.rand.seed(int32(time.Now().UnixNano()))
}

// maxStringBytes bounds a string built by string.rep (512 MiB, Redis's
// proto-max-bulk-len default).
const maxStringBytes = 512 << 20

// protect returns a read-only view of t: reads go to t (an absent global
// is an error for the globals table), writes fail. Nested tables are
// protected too.
//
// The globals' view (the table the proxy reads through to) is stored in
// *globalsView.
func protect(L *lua.LState, t *lua.LTable, isGlobals bool, seen map[*lua.LTable]*lua.LTable, globalsView **lua.LTable) *lua.LTable {
	if p, ok := seen[t]; ok {
		return p
	}
	p := L.NewTable()
	seen[t] = p
	var subs []lua.LValue
	t.ForEach(func(k, v lua.LValue) {
		if sub, ok := v.(*lua.LTable); ok && k.String() != "_G" {
			subs = append(subs, k, sub)
		}
	})
	view := t
	if len(subs) > 0 {
		// Reads of nested tables return their proxies.
		view = L.NewTable()
		t.ForEach(func(k, v lua.LValue) { view.RawSet(k, v) })
		for i := 0; i < len(subs); i += 2 {
			view.RawSet(subs[i], protect(L, subs[i+1].(*lua.LTable), false, seen, nil))
		}
		if isGlobals {
			// KEYS and ARGV are set per run in view itself; what is
			// absent from view is read from t, and an absent global is an
			// error. The proxy's __index is view itself, a table:
			// gopher-lua follows a table without calling anything, so
			// reading a global such as 'redis' or 'KEYS' costs no
			// function call or allocation.
			vmt := L.NewTable()
			vmt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
				k := L.Get(2)
				v := t.RawGet(k)
				if v == lua.LNil {
					L.RaiseError("Script attempted to access nonexistent global variable '%s'", lua.LVAsString(k))
				}
				L.Push(v)
				return 1
			}))
			L.SetMetatable(view, vmt)
		}
	}
	mt := L.NewTable()
	if isGlobals && view != t {
		mt.RawSetString("__index", view)
	} else if isGlobals {
		mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
			k := L.Get(2)
			v := view.RawGet(k)
			if v == lua.LNil && view != t {
				v = t.RawGet(k)
			}
			if v == lua.LNil {
				L.RaiseError("Script attempted to access nonexistent global variable '%s'", lua.LVAsString(k))
			}
			L.Push(v)
			return 1
		}))
	} else {
		mt.RawSetString("__index", view)
	}
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Attempt to modify a readonly table")
		return 0
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	L.SetMetatable(p, mt)
	if isGlobals && view != t {
		view.RawSetString("_G", p)
	}
	if isGlobals {
		*globalsView = view
	}
	return p
}

// Close releases the Lua state.
func (e *Engine) Close() { e.L.Close() }

// SHA1Hex is the script cache key of body.
func SHA1Hex(body string) string {
	h := sha1.Sum([]byte(body))
	return hex.EncodeToString(h[:])
}

// Exists reports whether sha (lower case) is cached.
func (e *Engine) Exists(sha string) bool {
	_, ok := e.scripts[strings.ToLower(sha)]
	return ok
}

// Len is the number of cached scripts.
func (e *Engine) Len() int { return len(e.scripts) }

// Memory is the estimated size of the cached scripts in bytes.
func (e *Engine) Memory() int64 { return e.memory }

// Flush empties the script cache and starts a fresh interpreter, as
// SCRIPT FLUSH does.
func (e *Engine) Flush() {
	old := e.L
	e.init()
	old.Close()
}

// StateBytes is what one Lua state costs in memory, measured once with
// runtime.MemStats (see docs/ARCHITECTURE.md); gopher-lua has no allocator
// hook to count it live.
const StateBytes = 280 << 10

// scriptOverhead is what a small cached script costs beyond its source
// (compiled prototype, debug information), measured the same way.
const scriptOverhead = 17 << 10

// Load compiles body and caches it; it returns the SHA1 or Redis's
// compile error.
func (e *Engine) Load(body string) (sha string, errMsg string) {
	return e.LoadAs(body, body)
}

// LoadAs caches body under its SHA1 but compiles code (body with its
// shebang line blanked).
func (e *Engine) LoadAs(body, code string) (sha string, errMsg string) {
	sha = SHA1Hex(body)
	if _, ok := e.scripts[sha]; ok {
		return sha, ""
	}
	fn, err := compileChunk(e.L, code, "user_script", "user_script")
	if err != nil {
		return "", "ERR Error compiling script (new function): " + compileMessage(err, "user_script", code)
	}
	fn.Env = e.proxy
	if !e.noFold {
		e.foldScriptGlobals(fn)
	}
	// A chunk is a vararg function, and gopher-lua (like Lua 5.1's
	// compatibility mode) builds a table for the implicit 'arg' of such a
	// function at every call. Nothing can reach it from a chunk: the
	// compiler names no local 'arg' at the top level, so 'arg' there is a
	// global. Not building it was a sixth of an EVALSHA's cost.
	fn.Proto.IsVarArg &^= lua.VarArgNeedsArg
	e.scripts[sha] = &cached{body: body, sha: sha, callName: "f_" + sha, fn: fn}
	e.memory += int64(len(body)) + scriptOverhead + protoSize(fn.Proto)
	return sha, ""
}

// compileMessage is the message of a compile error of code, compiled as
// the chunk named id.
func compileMessage(err error, id, code string) string {
	msg := compileError(err, id)
	if strings.Contains(msg, " at EOF:") {
		msg = fmt.Sprintf("%s:%d: unexpected symbol near '<eof>'", id, strings.Count(code, "\n")+1)
	}
	return msg
}

// compileError words a gopher-lua compile error like Lua's
// "user_script:1: ..." message, naming the chunk id.
func compileError(err error, id string) string {
	msg := err.Error()
	if ae, ok := err.(*lua.ApiError); ok {
		msg = ae.Object.String()
	}
	msg = strings.TrimSpace(strings.TrimPrefix(msg, "@"))
	// gopher-lua: "user_script line:1(column:5) near 'x':   syntax error";
	// Lua 5.1 says "user_script:1: unexpected symbol near 'x'" for most.
	if m := compileErrRe.FindStringSubmatch(msg); m != nil {
		what := strings.TrimSpace(m[4])
		if what == "syntax error" {
			what = "unexpected symbol"
		}
		return id + ":" + m[2] + ": " + what + " near '" + m[3] + "'"
	}
	return msg
}

var compileErrRe = regexp.MustCompile(`(?s)^(.*?) line:(\d+)\(column:\d+\) near '(.*)':\s+(.*)$`)

func protoSize(p *lua.FunctionProto) int64 {
	n := int64(len(p.Code))*4 + int64(len(p.Constants))*16 + 256
	for _, c := range p.FunctionPrototypes {
		n += protoSize(c)
	}
	return n
}

// Run executes the cached script sha with KEYS and ARGV and writes its
// reply to w (in w's protocol). The script's commands run through host.
// A Lua error, a runtime panic of the interpreter or an abort requested by
// Tick becomes an error reply; Run never panics because of the script.
func (e *Engine) Run(sha string, keys, argv [][]byte, host Host, w *resp.Writer) {
	c := e.scripts[strings.ToLower(sha)]
	if c == nil {
		w.Error("NOSCRIPT No matching script. Please use EVAL.")
		return
	}
	e.RunScript(c, keys, argv, host, w)
}

// Lookup finds the cached script whose SHA1 is sha, in either case,
// without allocating.
func (e *Engine) Lookup(sha []byte) (*Script, bool) {
	if len(sha) != 40 {
		return nil, false
	}
	if e.last != nil && string(sha) == string(e.lastSHA[:]) {
		return e.last, true
	}
	var low [40]byte
	for i, b := range sha {
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		low[i] = b
	}
	c, ok := e.scripts[string(low[:])]
	if ok {
		copy(e.lastSHA[:], sha)
		e.last = c
	}
	return c, ok
}

// RunScript is Run for a script Lookup found.
func (e *Engine) RunScript(c *Script, keys, argv [][]byte, host Host, w *resp.Writer) {
	// In the view, not the globals: found at the first table a read
	// follows (see protect).
	kt, at := e.vals.reuseTable(e.L, &e.keysT, keys), e.vals.reuseTable(e.L, &e.argvT, argv)
	e.view.RawSetString("KEYS", kt)
	e.view.RawSetString("ARGV", at)
	e.keysUV.SetValue(kt) // for the script's top level (foldScriptGlobals)
	e.argvUV.SetValue(at)
	e.call(c.fn, c.sha, c.callName, "@user_script", nil, host, w)
}

// call runs fn with args under a fresh run state: name is what errors
// call the script (its SHA1 or the function's name), callName the
// "call to" name of an internal error, chunk the chunk's name.
func (e *Engine) call(fn *lua.LFunction, name, callName, chunk string, args []lua.LValue, host Host, w *resp.Writer) {
	L := e.L
	rs := &e.runBuf
	*rs = runState{host: host, sha: name, proto: 2}
	rs.heapGrowth = e.MaxHeapGrowth
	if rs.heapGrowth == 0 {
		rs.heapGrowth = MaxHeapGrowth
	}
	// time.Since reads only the monotonic clock (time.Now reads two).
	if e.heapAt.IsZero() || time.Since(e.heapAt) > heapStale {
		e.heapBase, e.heapAt = heapBytes(), time.Now()
	}
	rs.heapLimit = e.heapBase + rs.heapGrowth
	rs.ctx.rs = rs
	e.run = rs
	L.SetContext(&rs.ctx)
	top := L.GetTop()
	defer func() {
		e.run = nil
		clear(e.args) // the last call's arguments are not kept alive
		e.vals.endRun()
		L.RemoveContext()
		if r := recover(); r != nil {
			// A panic outside PCall's protection (should not happen):
			// the state may be inconsistent, start a fresh one.
			w.Error(fmt.Sprintf("ERR Error running script (call to %s): %s: internal error: %v", callName, chunk, r))
			e.resetState()
			return
		}
		L.SetTop(top)
	}()
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	err := L.PCall(len(args), 1, e.handler)
	if err != nil {
		e.replyError(w, rs, callName, chunk, err)
		return
	}
	ret := L.Get(-1)
	luaToReply(w, ret, rs.proto == 3, 0)
}

// resetState replaces the interpreter after an unrecoverable failure,
// keeping the cached script bodies.
func (e *Engine) resetState() {
	bodies := make([]string, 0, len(e.scripts))
	for _, c := range e.scripts {
		bodies = append(bodies, c.body)
	}
	old := e.L
	e.init()
	old.Close()
	for _, b := range bodies {
		e.Load(b)
	}
	if e.onReset != nil {
		e.onReset()
	}
}

// errorHandler is Redis's __redis__err__handler: it turns any error into a
// table {err=..., source=..., line=...} with the position of the Lua code
// that raised it.
func (e *Engine) errorHandler(L *lua.LState) int {
	v := L.Get(1)
	var t *lua.LTable
	if e.run != nil && e.run.ctx.aborted != "" {
		t = L.NewTable()
		t.RawSetString("err", lua.LString(e.run.ctx.aborted))
	} else if tt, ok := v.(*lua.LTable); ok {
		t = tt
	} else {
		t = L.NewTable()
		t.RawSetString("err", lua.LString("ERR "+luaMessage(lua.LVAsString(luaToStringValue(v)))))
	}
	for level := 0; level < 1000; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			break
		}
		if dbg.What == "G" || dbg.CurrentLine <= 0 {
			continue
		}
		t.RawSetString("source", lua.LString(e.sourceName(dbg.Source)))
		t.RawSetString("line", lua.LNumber(dbg.CurrentLine))
		break
	}
	L.Push(t)
	return 1
}

func luaToStringValue(v lua.LValue) lua.LValue {
	if v == lua.LNil {
		return lua.LString("nil")
	}
	return v
}

// replyError writes the error of a failed script as Redis 7.0 does:
// "<err> script: <sha>, on <source>:<line>." when the position is known.
func (e *Engine) replyError(w *resp.Writer, rs *runState, callName, chunk string, err error) {
	var obj lua.LValue
	if ae, ok := err.(*lua.ApiError); ok {
		obj = ae.Object
		if ae.Type == lua.ApiErrorPanic {
			// A Go panic inside a library or the VM: report it with the
			// stack in the log, as an error to the client.
			rs.host.Log(LogWarning, "Lua engine panic in script "+rs.sha+": "+ae.Object.String()+"\n"+string(debug.Stack()))
		}
	}
	t, ok := obj.(*lua.LTable)
	if !ok {
		msg := err.Error()
		if obj != nil {
			msg = lua.LVAsString(obj)
		}
		w.Error(fmt.Sprintf("ERR Error running script (call to %s): %s: %s", callName, chunk, msg))
		return
	}
	msg := lua.LVAsString(t.RawGetString("err"))
	if msg == "" {
		msg = "ERR unknown error"
	}
	src, sok := t.RawGetString("source").(lua.LString)
	line, lok := t.RawGetString("line").(lua.LNumber)
	if sok && lok {
		msg = fmt.Sprintf("%s script: %s, on %s:%d.", msg, rs.sha, string(src), int64(line))
	}
	if lua.LVAsBool(t.RawGetString("ignore_error_stats_update")) {
		errorNoStats(w, msg)
		return
	}
	w.Error(msg)
}

// tickContext is installed as the Lua state's context: gopher-lua calls
// Done before every instruction, which gives the engine an instruction
// hook (Redis uses lua_sethook for the same purpose).
type tickContext struct {
	rs      *runState
	n       int
	aborted string
}

func (c *tickContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *tickContext) Value(any) any               { return nil }

// Err is the message of the error raised when Done is closed.
func (c *tickContext) Err() error {
	if c.aborted == "" {
		return nil
	}
	return abortError(c.aborted)
}

var closedCh = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (c *tickContext) Done() <-chan struct{} {
	if c.aborted != "" {
		return closedCh
	}
	c.n++
	if c.n&(memCheckInstructions-1) == 0 && heapBytes() > c.rs.heapLimit {
		c.aborted = "ERR Script used too much memory (more than " + strconv.FormatUint(c.rs.heapGrowth>>20, 10) + " MiB) and was stopped"
		return closedCh
	}
	if c.n < tickInstructions {
		return nil
	}
	c.n = 0
	if msg := c.rs.host.Tick(); msg != "" {
		c.aborted = msg
		return closedCh
	}
	return nil
}

type abortError string

func (e abortError) Error() string { return string(e) }

// Lua 5.1's wording of the runtime errors gopher-lua words its own way (the
// variable names Lua 5.1 adds are not known here).
var luaMessages = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`cannot perform (?:add|sub|mul|div|mod|pow|unm) operation between (\w+) and (\w+)`), "attempt to perform arithmetic on a ${1} value"},
	{regexp.MustCompile(`cannot perform concat operation between (\w+) and (\w+)`), "attempt to concatenate a ${1} value"},
	{regexp.MustCompile(`attempt to index a non-table object\((\w+)\) with key '.*'`), "attempt to index a ${1} value"},
	{regexp.MustCompile(`attempt to call a non-function object`), "attempt to call a nil value"},
	{regexp.MustCompile(`attempt to compare (\w+) with (\w+)`), "attempt to compare ${1} with ${2}"},
	{regexp.MustCompile(`bad argument #(-?\d+) to (\w+) \(`), "bad argument #${1} to '${2}' ("},
}

// luaMessage rewrites an error message of the interpreter: the chunk is
// named user_script (not @user_script) and the texts are Lua 5.1's.
func luaMessage(msg string) string {
	msg = strings.Replace(msg, "@user_script:", "user_script:", 1)
	msg = strings.Replace(msg, "@user_function:", "user_function:", 1)
	for _, m := range luaMessages {
		if m.re.MatchString(msg) {
			return m.re.ReplaceAllString(msg, m.repl)
		}
	}
	return msg
}

// maxSyntaxNesting bounds how deeply brackets nest in a script: gopher-lua's
// parser recurses on the Go stack, and Lua 5.1 itself stops at 200 levels
// (LUAI_MAXCCALLS).
const maxSyntaxNesting = 200

// nesting is the deepest bracket nesting of code, counting (, { and [
// outside strings and comments only roughly (brackets inside strings count
// too; a script that trips on that has 200 unbalanced brackets in strings).
func nesting(code string) int {
	d, maxd := 0, 0
	for i := 0; i < len(code); i++ {
		switch code[i] {
		case '(', '{', '[':
			d++
			if d > maxd {
				maxd = d
			}
		case ')', '}', ']':
			if d > 0 {
				d--
			}
		}
	}
	return maxd
}

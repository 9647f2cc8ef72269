package script

import (
	"fmt"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/vestadb/vesta/internal/resp"
	"github.com/vestadb/vesta/internal/sds"
)

// Redis 7.0 functions: libraries of Lua functions loaded with FUNCTION LOAD
// and called with FCALL.
//
// The function engine is an Engine of its own (Redis keeps a Lua state for
// functions apart from the EVAL one), holding the callbacks of every loaded
// library. A library's chunk runs once, at load, in a sandbox whose globals
// hold only the load API (redis.register_function, redis.log, the LOG_*
// constants, REDIS_VERSION and REDIS_VERSION_NUM); the callbacks it
// registers keep that environment, which at call time reads through to the
// engine's protected globals (Redis swaps the __index of its globals'
// metatable the same way).

// Script flags, of "#!lua flags=" shebangs and redis.register_function, in
// Redis's order (scripts_flags_def).
const (
	FlagNoWrites = 1 << iota
	FlagAllowOOM
	FlagAllowStale
	FlagNoCluster
	FlagAllowCrossSlot
)

// FlagNames are the flags' names, bit i named FlagNames[i].
var FlagNames = []string{"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"}

// LoadTimeout bounds how long a library's chunk may run at load (Redis's
// LOAD_TIMEOUT_MS).
const LoadTimeout = 500 * time.Millisecond

// EngineName is the one function engine there is.
const EngineName = "LUA"

// Library is a loaded function library.
type Library struct {
	Name  string
	Code  string      // the full source, shebang included
	Funcs []*Function // in registration order
}

// Function is a function of a library.
type Function struct {
	Name    string
	Desc    string
	HasDesc bool
	Flags   int
	Lib     *Library
	fn      *lua.LFunction
}

// LibSet is a set of libraries with their functions (Redis's
// functionsLibCtx). Function names are case-insensitive, library names
// are not.
type LibSet struct {
	libs  map[string]*Library
	funcs map[string]*Function // by lower-case name
}

// NewLibSet returns an empty set.
func NewLibSet() *LibSet {
	return &LibSet{libs: map[string]*Library{}, funcs: map[string]*Function{}}
}

// Len is the number of libraries; Funcs the number of functions.
func (s *LibSet) Len() int   { return len(s.libs) }
func (s *LibSet) Funcs() int { return len(s.funcs) }

// Lookup finds a function by name (case-insensitively).
func (s *LibSet) Lookup(name string) *Function { return s.funcs[strings.ToLower(name)] }

// Library returns the library called name.
func (s *LibSet) Library(name string) *Library { return s.libs[name] }

// Libraries returns the libraries sorted by name.
func (s *LibSet) Libraries() []*Library {
	out := make([]*Library, 0, len(s.libs))
	for _, l := range s.libs {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Codes returns the libraries' sources sorted by library name.
func (s *LibSet) Codes() []string {
	libs := s.Libraries()
	out := make([]string, len(libs))
	for i, l := range libs {
		out[i] = l.Code
	}
	return out
}

func (s *LibSet) link(l *Library) {
	s.libs[l.Name] = l
	for _, f := range l.Funcs {
		s.funcs[strings.ToLower(f.Name)] = f
	}
}

func (s *LibSet) unlink(l *Library) {
	delete(s.libs, l.Name)
	for _, f := range l.Funcs {
		delete(s.funcs, strings.ToLower(f.Name))
	}
}

// Delete removes the library called name; false if there is none.
func (s *LibSet) Delete(name string) bool {
	l := s.libs[name]
	if l == nil {
		return false
	}
	s.unlink(l)
	return true
}

// Join adds every library of src to s (FUNCTION RESTORE APPEND/REPLACE).
// On a library name collision it fails unless replace; a function name
// collision fails in any case. On failure s is unchanged.
func (s *LibSet) Join(src *LibSet, replace bool) string {
	var old []*Library
	for _, l := range src.Libraries() {
		if o := s.libs[l.Name]; o != nil {
			if !replace {
				for _, o := range old {
					s.link(o)
				}
				return "ERR Library " + l.Name + " already exists"
			}
			s.unlink(o)
			old = append(old, o)
		}
	}
	for _, l := range src.Libraries() {
		for _, f := range l.Funcs {
			if s.funcs[strings.ToLower(f.Name)] != nil {
				for _, o := range old {
					s.link(o)
				}
				return "ERR Function " + f.Name + " already exists"
			}
		}
	}
	for _, l := range src.Libraries() {
		s.link(l)
	}
	return ""
}

// Functions is the function engine: a Lua state for the libraries and the
// current set of libraries.
type Functions struct {
	e   *Engine
	cur *LibSet

	loadEnv *lua.LTable // the view of the load API
	env     *lua.LTable // what library chunks see as globals
	envMT   *lua.LTable // env's metatable
	// env's __index while a library loads (the load API) and otherwise
	// (the engine's globals).
	loadIndex, callIndex lua.LValue
	loading              *Library  // the library being loaded, if any
	deadline             time.Time // of the load
	timeout              time.Duration

	// Log, if set, receives the redis.log lines of library chunks at load.
	Log func(level int, msg string)
}

// NewFunctions builds the function engine with no libraries.
func NewFunctions() *Functions {
	f := &Functions{cur: NewLibSet(), timeout: LoadTimeout}
	f.e = &Engine{functions: true}
	f.e.init()
	f.build()
	f.e.onReset = func() {
		f.build()
		// The callbacks lived in the old interpreter: compile every
		// library again (they loaded before, so they load again).
		set := NewLibSet()
		for _, code := range f.cur.Codes() {
			f.Load(set, code, false)
		}
		f.cur = set
	}
	return f
}

// Close releases the Lua state.
func (f *Functions) Close() { f.e.Close() }

// Current is the set of libraries FCALL sees.
func (f *Functions) Current() *LibSet { return f.cur }

// Swap makes set the current set (FUNCTION FLUSH, RESTORE FLUSH, a load
// that replaces every library).
func (f *Functions) Swap(set *LibSet) { f.cur = set }

// build makes the load environment in the engine's current state.
func (f *Functions) build() {
	L := f.e.L
	redisT := L.NewTable()
	redisT.RawSetString("register_function", L.NewFunction(f.registerFunction))
	redisT.RawSetString("log", L.NewFunction(f.e.redisLog))
	for name, v := range map[string]int{"LOG_DEBUG": LogDebug, "LOG_VERBOSE": LogVerbose, "LOG_NOTICE": LogNotice, "LOG_WARNING": LogWarning} {
		redisT.RawSetString(name, lua.LNumber(v))
	}
	redisT.RawSetString("REDIS_VERSION", lua.LString(RedisVersion))
	redisT.RawSetString("REDIS_VERSION_NUM", lua.LNumber(RedisVersionNum))
	api := L.NewTable()
	redisView := strictView(L, redisT)
	api.RawSetString("redis", redisView)
	f.loadEnv = api
	// A library may keep the load API's tables (in a local of its chunk):
	// they are read-only for rawset and friends too, so that no library
	// changes what the next one loads with.
	f.e.ro[redisView] = roTable{view: redisT, mt: lua.LNil}

	// What library code sees as globals: at load the load API, at call
	// time the engine's globals. The env is an empty table whose
	// metatable's __index says which: the load API's strict view while a
	// library loads (run switches it), otherwise the globals' view, a
	// table gopher-lua follows without a function call (an absent global
	// is an error either way).
	loadView := strictView(L, api)
	f.loadIndex = loadView.Metatable.(*lua.LTable).RawGetString("__index")
	f.callIndex = f.e.view
	f.env = L.NewTable()
	f.envMT = L.NewTable()
	f.envMT.RawSetString("__index", f.callIndex)
	f.envMT.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Attempt to modify a readonly table")
		return 0
	}))
	f.envMT.RawSetString("__metatable", lua.LFalse)
	L.SetMetatable(f.env, f.envMT)
	f.e.ro[loadView] = roTable{view: api, mt: lua.LNil}
	f.e.ro[f.env] = roTable{view: f.e.view, mt: lua.LNil}
	// Chunks loadstring makes in a callback see the library's globals.
	L.Env = f.env
}

// strictView is a read-only proxy of t whose absent keys are an error, as
// Redis's protected tables.
func strictView(L *lua.LState, t *lua.LTable) *lua.LTable {
	p := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		k := L.Get(2)
		v := t.RawGet(k)
		if v == lua.LNil {
			L.RaiseError("Script attempted to access nonexistent global variable '%s'", lua.LVAsString(k))
		}
		L.Push(v)
		return 1
	}))
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Attempt to modify a readonly table")
		return 0
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	L.SetMetatable(p, mt)
	return p
}

// Metadata is what a library's shebang line says.
type Metadata struct {
	Engine string
	Name   string
	Code   string // the source after the shebang line, its newline first
}

// ParseMetadata reads the "#!<engine> name=<name>" line of code, with
// Redis's errors (without the "ERR " prefix).
func ParseMetadata(code string) (Metadata, string) {
	if !strings.HasPrefix(code, "#!") {
		return Metadata{}, "Missing library metadata"
	}
	nl := strings.IndexByte(code, '\n')
	if nl < 0 {
		return Metadata{}, "Invalid library metadata"
	}
	parts, ok := sds.SplitArgs([]byte(code[:nl]), nil)
	if !ok || len(parts) == 0 {
		return Metadata{}, "Invalid library metadata"
	}
	md := Metadata{Engine: string(parts[0][2:]), Code: code[nl:]}
	hasName := false
	for _, p := range parts[1:] {
		if len(p) >= 5 && strings.EqualFold(string(p[:5]), "name=") {
			if hasName {
				return Metadata{}, "Invalid metadata value, name argument was given multiple times"
			}
			md.Name, hasName = string(p[5:]), true
			continue
		}
		return Metadata{}, "Invalid metadata value given: " + string(p)
	}
	if !hasName {
		return Metadata{}, "Library name was not given"
	}
	return md, ""
}

// validName is Redis's functionsVerifyName: [a-zA-Z0-9_]+.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

const msgBadName = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"

// loadHost is the Host of a library's chunk at load: it may only log, and
// it stops the chunk past the load timeout.
type loadHost struct {
	f   *Functions
	log func(level int, msg string)
}

func (h loadHost) Call([][]byte, int) []byte { return []byte("-ERR not allowed at load\r\n") }
func (h loadHost) SetRepl(int)               {}
func (h loadHost) Log(level int, msg string) {
	if h.log != nil {
		h.log(level, msg)
	}
}
func (h loadHost) Tick() string {
	if h.f.timeout > 0 && time.Now().After(h.f.deadline) {
		return "ERR FUNCTION LOAD timeout"
	}
	return ""
}

// Load compiles code, runs its chunk to register its functions and adds
// the library to set (Redis's functionsCreateWithLibraryCtx). With replace
// an existing library of the same name is replaced; otherwise it is an
// error. It returns the library's name, or Redis's error reply text.
func (f *Functions) Load(set *LibSet, code string, replace bool) (string, string) {
	md, msg := ParseMetadata(code)
	if msg != "" {
		return "", "ERR " + msg
	}
	if !validName(md.Name) {
		return "", "ERR " + msgBadName
	}
	if !strings.EqualFold(md.Engine, EngineName) {
		return "", "ERR Engine '" + md.Engine + "' not found"
	}
	old := set.libs[md.Name]
	if old != nil && !replace {
		return "", "ERR Library '" + md.Name + "' already exists"
	}
	if old != nil {
		set.unlink(old)
	}
	relink := func() {
		if old != nil {
			set.link(old)
		}
	}
	lib := &Library{Name: md.Name, Code: code}
	if msg := f.run(lib, md.Code); msg != "" {
		relink()
		return "", "ERR " + msg
	}
	if len(lib.Funcs) == 0 {
		relink()
		return "", "ERR No functions registered"
	}
	for _, fn := range lib.Funcs {
		if set.funcs[strings.ToLower(fn.Name)] != nil {
			relink()
			return "", "ERR Function " + fn.Name + " already exists"
		}
	}
	set.link(lib)
	return lib.Name, ""
}

// run compiles and runs a library's chunk, collecting what it registers
// into lib. It returns the error (without "ERR ").
func (f *Functions) run(lib *Library, code string) (errMsg string) {
	e := f.e
	L := e.L
	fn, err := compileChunk(L, code, "user_function", "user_function")
	if err != nil {
		return "Error compiling function: " + compileMessage(err, "user_function", code)
	}
	fn.Env = f.env

	f.loading = lib
	f.envMT.RawSetString("__index", f.loadIndex)
	f.deadline = time.Now().Add(f.timeout)
	rs := &runState{host: loadHost{f: f, log: f.Log}, sha: lib.Name, proto: 2}
	rs.heapGrowth = e.MaxHeapGrowth
	if rs.heapGrowth == 0 {
		rs.heapGrowth = MaxHeapGrowth
	}
	rs.heapLimit = heapBytes() + rs.heapGrowth
	rs.ctx.rs = rs
	e.run = rs
	L.SetContext(&rs.ctx)
	top := L.GetTop()
	defer func() {
		f.loading = nil
		f.envMT.RawSetString("__index", f.callIndex)
		e.run = nil
		L.RemoveContext()
		if r := recover(); r != nil {
			errMsg = fmt.Sprintf("Error registering functions: internal error: %v", r)
		}
		L.SetTop(top)
	}()
	L.Push(fn)
	if err := L.PCall(0, 0, e.handler); err != nil {
		msg := err.Error()
		if ae, ok := err.(*lua.ApiError); ok {
			if t, ok := ae.Object.(*lua.LTable); ok {
				msg = lua.LVAsString(t.RawGetString("err"))
			} else {
				msg = lua.LVAsString(ae.Object)
			}
		}
		return "Error registering functions: " + msg
	}
	if !e.noFold {
		f.foldLibrary(fn)
	}
	return ""
}

// foldLibrary folds the read-only globals of a library's functions once
// its chunk has run (fold.go): a library's code sees the load API while it
// loads and the engine's globals afterwards, so the functions it defines
// are folded against the globals only now, when none of its code can run
// at load time any more. The chunk itself never runs again and is left
// as it is. KEYS and ARGV are never folded (functions do not have them:
// reading them stays an error).
func (f *Functions) foldLibrary(chunk *lua.LFunction) {
	varies := func(t *lua.LTable, key string) bool { return key == "KEYS" || key == "ARGV" }
	rules := foldRules{
		global: func(name string) (lua.LValue, bool) { return lookupConst(f.callIndex, name, varies) },
		field:  func(v lua.LValue, key string) (lua.LValue, bool) { return lookupConst(v, key, varies) },
	}
	for _, sub := range chunk.Proto.FunctionPrototypes {
		foldGlobals(sub, rules)
	}
}

// registerFunction is redis.register_function.
func (f *Functions) registerFunction(L *lua.LState) int {
	lib := f.loading
	if lib == nil {
		raise(L, "redis.register_function can only be called on FUNCTION LOAD command")
		return 0
	}
	fn := &Function{Lib: lib}
	switch L.GetTop() {
	case 1:
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			raise(L, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
			return 0
		}
		if msg := readNamedArgs(t, fn); msg != "" {
			raise(L, msg)
			return 0
		}
	case 2:
		name, ok := luaString(L.Get(1))
		if !ok {
			raise(L, "first argument to redis.register_function must be a string")
			return 0
		}
		cb, ok := L.Get(2).(*lua.LFunction)
		if !ok {
			raise(L, "second argument to redis.register_function must be a function")
			return 0
		}
		fn.Name, fn.fn = name, cb
	default:
		raise(L, "wrong number of arguments to redis.register_function")
		return 0
	}
	if !validName(fn.Name) {
		raise(L, msgBadName)
		return 0
	}
	for _, o := range lib.Funcs {
		if strings.EqualFold(o.Name, fn.Name) {
			raise(L, "Function already exists in the library")
			return 0
		}
	}
	lib.Funcs = append(lib.Funcs, fn)
	return 0
}

// luaString is lua_isstring + lua_tostring: strings and numbers.
func luaString(v lua.LValue) (string, bool) {
	switch v := v.(type) {
	case lua.LString:
		return string(v), true
	case lua.LNumber:
		return numberString(float64(v)), true
	}
	return "", false
}

func readNamedArgs(t *lua.LTable, fn *Function) string {
	var msg string
	hasName := false
	t.ForEach(func(k, v lua.LValue) {
		if msg != "" {
			return
		}
		key, ok := luaString(k)
		if !ok {
			msg = "named argument key given to redis.register_function is not a string"
			return
		}
		switch strings.ToLower(key) {
		case "function_name":
			s, ok := luaString(v)
			if !ok {
				msg = "function_name argument given to redis.register_function must be a string"
				return
			}
			fn.Name, hasName = s, true
		case "description":
			s, ok := luaString(v)
			if !ok {
				msg = "description argument given to redis.register_function must be a string"
				return
			}
			fn.Desc, fn.HasDesc = s, true
		case "callback":
			cb, ok := v.(*lua.LFunction)
			if !ok {
				msg = "callback argument given to redis.register_function must be a function"
				return
			}
			fn.fn = cb
		case "flags":
			ft, ok := v.(*lua.LTable)
			if !ok {
				msg = "flags argument to redis.register_function must be a table representing function flags"
				return
			}
			flags, ok := readFlags(ft)
			if !ok {
				msg = "unknown flag given"
				return
			}
			fn.Flags = flags
		default:
			msg = "unknown argument given to redis.register_function"
		}
	})
	if msg != "" {
		return msg
	}
	if !hasName {
		return "redis.register_function must get a function name argument"
	}
	if fn.fn == nil {
		return "redis.register_function must get a callback argument"
	}
	return ""
}

// readFlags reads the flags array up to its first nil.
func readFlags(t *lua.LTable) (int, bool) {
	flags := 0
	for i := 1; ; i++ {
		v := t.RawGetInt(i)
		if v == lua.LNil {
			return flags, true
		}
		s, ok := luaString(v)
		if !ok {
			return 0, false
		}
		found := false
		for bit, name := range FlagNames {
			if strings.EqualFold(name, s) {
				flags |= 1 << bit
				found = true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
}

// Call runs fn with its keys and arguments (the callback's two
// parameters) and writes its reply to w.
func (f *Functions) Call(fn *Function, keys, argv [][]byte, host Host, w *resp.Writer) {
	e := f.e
	e.fnArgs = [2]lua.LValue{e.vals.bytesTable(e.L, keys), e.vals.bytesTable(e.L, argv)}
	e.call(fn.fn, fn.Name, fn.Name, "@user_function", e.fnArgs[:], host, w)
	e.fnArgs = [2]lua.LValue{}
}

// MemoryBytes estimates the memory of the libraries (their sources and
// compiled code).
func (f *Functions) MemoryBytes() int64 {
	var n int64
	for _, l := range f.cur.libs {
		n += int64(len(l.Code)) + scriptOverhead
		for _, fn := range l.Funcs {
			n += int64(len(fn.Name)+len(fn.Desc)) + 64 + protoSize(fn.fn.Proto)
		}
	}
	return n
}

// SetTimeout changes the load timeout (0: none); tests use it.
func (f *Functions) SetTimeout(d time.Duration) { f.timeout = d }

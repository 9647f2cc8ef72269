package script

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The sandbox: what a script can see of the interpreter and what it cannot
// change, as in Redis 7.0.
//
// Redis marks its globals table, the tables in it and the string metatable
// read-only (a flag of its patched Lua): any write, raw or not, fails with
// "Attempt to modify a readonly table", while reads, pairs, rawget and
// getmetatable see the real tables. gopher-lua has no such flag, so scripts
// see every one of those tables through an empty proxy (protect, in
// engine.go) whose metatable reads through to the real table and refuses
// writes. The base functions that look past metatables are wrapped so that
// a proxy behaves as Redis's read-only table: rawset, table.insert and
// setmetatable refuse it, rawget, next and pairs read what it stands for,
// getmetatable answers what Redis's would. Reads of globals go through the
// proxy's metatable only (no Go call): the wrappers cost a map lookup when
// they are called with a table that has a metatable.
//
// Nothing reachable from a script leads to the real tables: getfenv and
// setfenv are not loaded (Redis 7.0 does not load them either), chunks made
// by loadstring and load run against the proxy (the state's environment),
// and the string metatable is a proxy too.

// roTable is what a read-only proxy stands for.
type roTable struct {
	view *lua.LTable // what rawget, next and pairs read
	mt   lua.LValue  // what getmetatable answers
}

// msgReadonly is Redis's error for a write to a protected table.
const msgReadonly = "Attempt to modify a readonly table"

// errReadonly raises msgReadonly without a position, as Redis's checks in
// the C API do.
func errReadonly(L *lua.LState) {
	L.Error(lua.LString(msgReadonly), 0)
}

// readonly returns what t stands for if it is a read-only proxy. Proxies
// have a metatable; most tables do not, so most calls end at the first
// test.
func (e *Engine) readonly(v lua.LValue) (roTable, bool) {
	t, ok := v.(*lua.LTable)
	if !ok || t.Metatable == lua.LNil {
		return roTable{}, false
	}
	r, ok := e.ro[t]
	return r, ok
}

// wrapBase replaces the base functions that see past metatables (see the
// comment at the top of the file). It runs before the globals are
// protected, so that the globals' view holds the wrappers.
func (e *Engine) wrapBase() {
	L := e.L
	g := e.globals
	orig := func(name string) *lua.LFunction { return g.RawGetString(name).(*lua.LFunction) }
	// delegate calls fn with the current arguments and returns its results.
	delegate := func(L *lua.LState, fn *lua.LFunction) int {
		n := L.GetTop()
		L.Insert(fn, 1)
		L.Call(n, lua.MultRet)
		return L.GetTop()
	}

	rawset := orig("rawset")
	g.RawSetString("rawset", L.NewFunction(func(L *lua.LState) int {
		if _, ok := e.readonly(L.Get(1)); ok {
			errReadonly(L)
		}
		return delegate(L, rawset)
	}))
	rawget := orig("rawget")
	g.RawSetString("rawget", L.NewFunction(func(L *lua.LState) int {
		if r, ok := e.readonly(L.Get(1)); ok {
			L.Push(r.view.RawGet(L.CheckAny(2)))
			return 1
		}
		return delegate(L, rawget)
	}))
	setmt := orig("setmetatable")
	g.RawSetString("setmetatable", L.NewFunction(func(L *lua.LState) int {
		if _, ok := e.readonly(L.Get(1)); ok {
			L.CheckTypes(2, lua.LTNil, lua.LTTable)
			errReadonly(L)
		}
		return delegate(L, setmt)
	}))
	getmt := orig("getmetatable")
	g.RawSetString("getmetatable", L.NewFunction(func(L *lua.LState) int {
		if r, ok := e.readonly(L.Get(1)); ok {
			L.Push(r.mt)
			return 1
		}
		return delegate(L, getmt)
	}))
	// next reads a proxy's view; pairs hands out gopher-lua's own next for
	// any other table, so iterating costs nothing more.
	next := func(L *lua.LState) int {
		tb := L.CheckTable(1)
		if r, ok := e.readonly(tb); ok {
			tb = r.view
		}
		k, v := tb.Next(L.Get(2))
		if k == lua.LNil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(k)
		L.Push(v)
		return 2
	}
	roNext := L.NewFunction(next)
	g.RawSetString("next", roNext)
	pairs := orig("pairs")
	g.RawSetString("pairs", L.NewFunction(func(L *lua.LState) int {
		if _, ok := e.readonly(L.Get(1)); ok {
			L.Push(roNext)
			L.Push(L.Get(1))
			L.Push(lua.LNil)
			return 3
		}
		return delegate(L, pairs)
	}))

	tableT := g.RawGetString("table").(*lua.LTable)
	insert := tableT.RawGetString("insert").(*lua.LFunction)
	tableT.RawSetString("insert", L.NewFunction(func(L *lua.LState) int {
		L.CheckTable(1)
		top := L.GetTop()
		if top != 2 && top != 3 {
			// gopher-lua's own says neither which function, nor anything
			// when given 4 arguments or more.
			L.RaiseError("wrong number of arguments to 'insert'")
		}
		if _, ok := e.readonly(L.Get(1)); ok {
			if top == 3 {
				L.CheckInt(2)
			}
			errReadonly(L)
		}
		return delegate(L, insert)
	}))

	g.RawSetString("loadstring", L.NewFunction(e.loadString))
	g.RawSetString("load", L.NewFunction(e.load))
	e.openTableCompat(tableT)
}

// separateStringMeta gives strings a metatable of their own: gopher-lua
// uses the string table itself (with an __index field pointing to itself),
// where Lua's is a table {__index = string}. It runs before the globals are
// protected, so that string.__index is absent as in Redis.
func (e *Engine) separateStringMeta() {
	L := e.L
	strT := e.globals.RawGetString("string").(*lua.LTable)
	strT.RawSetString("__index", lua.LNil)
	mt := L.NewTable()
	mt.RawSetString("__index", strT)
	L.SetMetatable(lua.LString(""), mt)
}

// protectString makes the string metatable read-only: getmetatable("")
// answers a proxy of it (its __metatable field), whose __index is the
// string table's proxy. Strings' methods still find the real string
// table directly.
func (e *Engine) protectString(seen map[*lua.LTable]*lua.LTable) {
	L := e.L
	mt := L.GetMetatable(lua.LString("")).(*lua.LTable)
	p := protect(L, mt, false, seen, nil)
	mt.RawSetString("__metatable", p)
}

// protectedTableError is the __index Redis gives its globals' metatable
// (luaProtectedTableError), as getmetatable(_G) shows it: reading an absent
// global is an error.
func protectedTableError(L *lua.LState) int {
	if L.GetTop() != 2 {
		L.RaiseError("Wrong number of arguments to luaProtectedTableError")
	}
	k := L.Get(2)
	if k.Type() != lua.LTString && k.Type() != lua.LTNumber {
		L.RaiseError("Second argument to luaProtectedTableError must be a string or number")
	}
	L.RaiseError("Script attempted to access nonexistent global variable '%s'", lua.LVAsString(k))
	return 0
}

// registerProxies records every proxy protect made: seen maps each real
// table to its proxy. The globals' proxy answers getmetatable with a
// read-only table whose __index is protectedTableError; the other proxies
// have no metatable to show.
func (e *Engine) registerProxies(seen map[*lua.LTable]*lua.LTable) {
	L := e.L
	gmt := L.NewTable()
	gmt.RawSetString("__index", L.NewFunction(protectedTableError))
	gmtProxy := protect(L, gmt, false, seen, nil)
	e.ro = make(map[*lua.LTable]roTable, len(seen))
	for t, p := range seen {
		var view *lua.LTable
		if pm, ok := p.Metatable.(*lua.LTable); ok {
			view, _ = pm.RawGetString("__index").(*lua.LTable)
		}
		if view == nil { // the globals' proxy reads through a function
			view = t
		}
		e.ro[p] = roTable{view: view, mt: lua.LNil}
	}
	e.ro[e.proxy] = roTable{view: e.view, mt: gmtProxy}
}

// loadString is loadstring with Lua 5.1's chunk names: the chunk is named
// after its source unless a name is given, and errors say
// [string "..."]:line: as Lua's luaO_chunkid words it. The chunk's
// environment is the state's, the globals' proxy.
func (e *Engine) loadString(L *lua.LState) int {
	if L.GetTop() == 0 {
		L.ArgError(1, "string expected, got no value")
	}
	code := L.CheckString(1)
	return e.loadChunk(L, code, L.OptString(2, code))
}

// load is Lua 5.1's load: the chunk's pieces come from a reader function,
// the chunk is named "=(load)" unless a name is given.
func (e *Engine) load(L *lua.LState) int {
	fn := L.CheckFunction(1)
	name := L.OptString(2, "=(load)")
	var code strings.Builder
	for {
		L.Push(fn)
		L.Call(0, 1)
		piece := L.Get(-1)
		L.Pop(1)
		if piece == lua.LNil {
			break
		}
		if !lua.LVCanConvToString(piece) {
			L.Push(lua.LNil)
			L.Push(lua.LString("reader function must return a string"))
			return 2
		}
		s := lua.LVAsString(piece)
		if s == "" {
			break
		}
		if code.Len()+len(s) > maxStringBytes {
			L.RaiseError("chunk too large")
		}
		code.WriteString(s)
	}
	return e.loadChunk(L, code.String(), name)
}

// loadChunk compiles code as the chunk called name and returns it, or nil
// and the compile error.
func (e *Engine) loadChunk(L *lua.LState, code, name string) int {
	// Lua names a chunk in at most 60 bytes in runtime errors, 80 in
	// compile errors.
	id, cid := chunkID(name, luaIDSize), chunkID(name, luaMaxSrc)
	var fn *lua.LFunction
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		if d := nesting(code); d > maxSyntaxNesting {
			err = errorString(cid + ":1: chunk has too many syntax levels")
			return
		}
		fn, err = L.Load(strings.NewReader(code), id)
	}()
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(compileMessage(err, cid, code)))
		return 2
	}
	fn.Env = e.L.Env
	e.nameChunk(id, name)
	L.Push(fn)
	return 1
}

type errorString string

func (s errorString) Error() string { return string(s) }

// nameChunk remembers the source name of a chunk whose errors name it id,
// for the "on <source>:<line>" part of a script's error. The table is
// bounded: past maxChunkNames names it starts over (a forgotten name is
// shown as its id).
func (e *Engine) nameChunk(id, name string) {
	if id == "user_script" || id == "user_function" {
		return
	}
	if _, ok := e.chunkNames[id]; ok {
		e.chunkNames[id] = name
		return
	}
	if len(e.chunkNames) >= maxChunkNames {
		clear(e.chunkNames)
	}
	e.chunkNames[id] = name
}

const maxChunkNames = 1024

// sourceName is Lua's ar.source of a chunk gopher-lua names id.
func (e *Engine) sourceName(id string) string {
	if name, ok := e.chunkNames[id]; ok {
		return name
	}
	return "@" + id
}

// luaIDSize is Lua 5.1's LUA_IDSIZE (runtime errors), luaMaxSrc its
// lexer's MAXSRC (compile errors).
const (
	luaIDSize = 60
	luaMaxSrc = 80
)

// chunkID is Lua 5.1's luaO_chunkid: how messages name a chunk, in at
// most size bytes.
func chunkID(source string, size int) string {
	switch {
	case strings.HasPrefix(source, "="):
		s := source[1:]
		if len(s) > size-1 {
			s = s[:size-1]
		}
		return s
	case strings.HasPrefix(source, "@"):
		s := source[1:]
		max := size - len(" '...' ") - 1
		if len(s) > max {
			return "..." + s[len(s)-max:]
		}
		return s
	}
	n := strings.IndexAny(source, "\n\r")
	if n < 0 {
		n = len(source)
	}
	max := size - len(` [string "..."] `) - 1
	if n > max {
		n = max
	}
	if n < len(source) {
		return `[string "` + source[:n] + `..."]`
	}
	return `[string "` + source + `"]`
}

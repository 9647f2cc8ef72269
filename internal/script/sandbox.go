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
// writes. The base functions that look past metatables are replaced so
// that a proxy behaves as Redis's read-only table: rawset, table.insert and
// setmetatable refuse it, rawget, next and pairs read what it stands for,
// getmetatable answers what Redis's would. Reads of globals go through the
// proxy's metatable only (no Go call): the replacements cost a map lookup
// when they are called with a table that has a metatable.
//
// Nothing reachable from a script leads to the real tables: getfenv and
// setfenv are not loaded (Redis 7.0 does not load them either), chunks made
// by loadstring and load run against the proxy (the state's environment),
// and getmetatable('') answers a proxy of the string metatable.

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
// protected, so that the globals' view holds the replacements. They are
// written out rather than wrapped around gopher-lua's, which would cost a
// second call and name the function "(anonymous)" in argument errors.
func (e *Engine) wrapBase() {
	L := e.L
	g := e.globals
	g.RawSetString("rawset", L.NewFunction(func(L *lua.LState) int {
		t := checkTable(L, 1)
		k := L.CheckAny(2)
		v := L.CheckAny(3)
		if _, ok := e.readonly(t); ok {
			errReadonly(L)
		}
		// Lua raises these from the C API: no position.
		if k == lua.LNil {
			L.Error(lua.LString("table index is nil"), 0)
		}
		if n, ok := k.(lua.LNumber); ok && n != n {
			L.Error(lua.LString("table index is NaN"), 0)
		}
		t.RawSet(k, v)
		L.SetTop(1)
		return 1
	}))
	g.RawSetString("rawget", L.NewFunction(func(L *lua.LState) int {
		t := checkTable(L, 1)
		if r, ok := e.readonly(t); ok {
			t = r.view
		}
		L.Push(t.RawGet(L.CheckAny(2)))
		return 1
	}))
	g.RawSetString("setmetatable", L.NewFunction(func(L *lua.LState) int {
		t := checkTable(L, 1)
		if L.GetTop() < 2 || L.Get(2) != lua.LNil && L.Get(2).Type() != lua.LTTable {
			L.ArgError(2, "nil or table expected")
		}
		if _, ok := e.readonly(t); ok {
			errReadonly(L)
		}
		if mt, ok := t.Metatable.(*lua.LTable); ok && mt.RawGetString("__metatable") != lua.LNil {
			L.RaiseError("cannot change a protected metatable")
		}
		t.Metatable = L.Get(2)
		L.SetTop(1)
		return 1
	}))
	g.RawSetString("getmetatable", L.NewFunction(func(L *lua.LState) int {
		v := L.CheckAny(1)
		if r, ok := e.readonly(v); ok {
			L.Push(r.mt)
			return 1
		}
		L.Push(L.GetMetatable(v))
		return 1
	}))
	// next reads a proxy's view; pairs hands it out for every table (it
	// costs what gopher-lua's own iterator does for a table without a
	// metatable). A key absent from the table is not an error ("invalid
	// key to 'next'" in Lua): gopher-lua's tables cannot tell it from a key
	// deleted during the traversal.
	next := func(L *lua.LState) int {
		tb := checkTable(L, 1)
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
	g.RawSetString("next", L.NewFunction(next))
	// The generator pairs returns is a function of its own, as Lua's.
	pairsNext := L.NewFunction(next)
	g.RawSetString("pairs", L.NewFunction(func(L *lua.LState) int {
		t := checkTable(L, 1)
		L.Push(pairsNext)
		L.Push(t)
		L.Push(lua.LNil)
		return 3
	}))

	tableT := g.RawGetString("table").(*lua.LTable)
	tableT.RawSetString("insert", L.NewFunction(func(L *lua.LState) int {
		t := checkTable(L, 1)
		switch L.GetTop() {
		case 2:
			if _, ok := e.readonly(t); ok {
				errReadonly(L)
			}
			t.Append(L.Get(2))
		case 3:
			pos := L.CheckInt(2)
			if _, ok := e.readonly(t); ok {
				errReadonly(L)
			}
			t.Insert(pos, L.Get(3))
		default:
			// gopher-lua's own says neither which function, nor anything
			// when given 4 arguments or more.
			L.RaiseError("wrong number of arguments to 'insert'")
		}
		return 0
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

// checkTable is L.CheckTable with Lua's words for a missing argument.
func checkTable(L *lua.LState, n int) *lua.LTable {
	if n > L.GetTop() {
		L.ArgError(n, "table expected, got no value")
	}
	return L.CheckTable(n)
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
	fn, err := compileChunk(L, code, id, cid)
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

// compileChunk compiles code as the chunk named id (cid in compile
// errors), refusing a nesting deeper than the Lua parser allows (gopher-lua
// would overflow its stack) and turning a parser panic into an error.
func compileChunk(L *lua.LState, code, id, cid string) (fn *lua.LFunction, err error) {
	defer func() {
		if r := recover(); r != nil {
			fn, err = nil, fmt.Errorf("%v", r)
		}
	}()
	if d := nesting(code); d > maxSyntaxNesting {
		return nil, errorString(cid + ":1: chunk has too many syntax levels")
	}
	return L.Load(strings.NewReader(code), id)
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

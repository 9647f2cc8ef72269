package script

import (
	"math"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// Lua values without one heap allocation each.
//
// A lua.LValue is an interface: storing a number or a string in one boxes
// it, a heap allocation of 8 (the float64) or 16 bytes (the string header)
// per value. gopher-lua's own VM avoids it for the numbers it computes by
// handing out slots of preallocated pages; valuePages does the same for the
// values the engine makes at every call: the reply of redis.call (numbers,
// bulk strings) and the KEYS and ARGV strings. A page lives as long as any
// value in it does, so a value the script keeps keeps its page (1 KiB or
// 2 KiB) alive. The engine holds its current page too: the strings it
// points to stay alive until the page is dropped, which endRun does once
// they add up to maxKeptValueBytes.

// valuePageLen is how many values a page holds.
const valuePageLen = 128

// valuePages hands out boxed numbers and strings from pages.
type valuePages struct {
	nums []float64
	strs []string
	kept int // bytes of the strings the current string page may hold
}

// maxKeptValueBytes bounds the string bytes the current page keeps alive
// between runs.
const maxKeptValueBytes = 64 << 10

// endRun drops the string page when it may hold large strings: the engine
// does not keep a script's big arguments or replies alive.
func (p *valuePages) endRun() {
	if p.kept > maxKeptValueBytes {
		p.strs, p.kept = nil, 0
	}
}

// eface is the layout of an interface value (the runtime's iface/eface:
// type or itab word, then the data pointer).
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// Templates whose type word the boxed values copy.
var (
	numTemplate lua.LValue = lua.LNumber(1)
	strTemplate lua.LValue = lua.LString("x")
)

// smallNumbers are the boxed integers 0..255, shared.
var smallNumbers = func() (v [256]lua.LValue) {
	for i := range v {
		v[i] = lua.LNumber(i)
	}
	return
}()

// number is lua.LNumber(f) as an LValue.
func (p *valuePages) number(f float64) lua.LValue {
	if f >= 0 && f < float64(len(smallNumbers)) && f == float64(int(f)) && (f != 0 || !math.Signbit(f)) {
		return smallNumbers[int(f)]
	}
	if len(p.nums) == cap(p.nums) {
		p.nums = make([]float64, 0, valuePageLen)
	}
	p.nums = append(p.nums, f)
	v := numTemplate
	(*eface)(unsafe.Pointer(&v)).data = unsafe.Pointer(&p.nums[len(p.nums)-1])
	return v
}

// str is lua.LString(s) as an LValue.
func (p *valuePages) str(s string) lua.LValue {
	if s == "" {
		return lua.LString("")
	}
	if len(p.strs) == cap(p.strs) {
		p.strs = make([]string, 0, valuePageLen)
	}
	p.strs = append(p.strs, s)
	v := strTemplate
	(*eface)(unsafe.Pointer(&v)).data = unsafe.Pointer(&p.strs[len(p.strs)-1])
	return v
}

// bytesTable is a Lua array of a's strings: one allocation for all their
// bytes, their headers from the pages.
func (p *valuePages) bytesTable(L *lua.LState, a [][]byte) *lua.LTable {
	t := L.CreateTable(len(a), 0)
	p.fill(t, a)
	return t
}

// argTable is the table of an EVAL script's KEYS or ARGV, kept from one
// run to the next.
type argTable struct {
	t *lua.LTable
	n int // the entries it was made with
}

// reuseTable is bytesTable for an EVAL script's KEYS or ARGV: it refills
// the table of the last run when that had as many entries and the script
// left it a plain array of them (no metatable, no other keys), so that a
// run allocates no tables (two tables were most of an EVALSHA's garbage,
// and the collections it set off its tail latency). Nothing can keep the
// table past its run: a script's globals are read-only, and EVAL has no
// other place to put it (FCALL has: a library's locals, so functions get
// fresh tables).
func (p *valuePages) reuseTable(L *lua.LState, slot *argTable, a [][]byte) *lua.LTable {
	if slot.t == nil || slot.n != len(a) || !plainArray(slot.t, len(a)) {
		slot.t, slot.n = p.bytesTable(L, a), len(a)
		return slot.t
	}
	p.fill(slot.t, a)
	return slot.t
}

// plainArray reports whether t has no metatable and no keys but integers
// 1..n (some of them may be absent).
func plainArray(t *lua.LTable, n int) bool {
	if t.Metatable != lua.LNil {
		return false
	}
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		f, ok := k.(lua.LNumber)
		if !ok || f < 1 || f > lua.LNumber(n) || f != lua.LNumber(int(f)) {
			return false
		}
	}
	return true
}

// fill sets t[1..len(a)] to a's strings.
func (p *valuePages) fill(t *lua.LTable, a [][]byte) {
	n := 0
	for _, s := range a {
		n += len(s)
	}
	if n == 0 {
		for i := range a {
			t.RawSetInt(i+1, lua.LString(""))
		}
		return
	}
	buf := make([]byte, 0, n)
	for _, s := range a {
		buf = append(buf, s...)
	}
	all := unsafe.String(&buf[0], n)
	p.kept += n
	off := 0
	for i, s := range a {
		t.RawSetInt(i+1, p.str(all[off:off+len(s)]))
		off += len(s)
	}
}

package script

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

func fmtG14(f float64) string { return strconv.FormatFloat(f, 'g', 14, 64) }

// parseLuaNumber is lua_str2number: decimal or hexadecimal (0x...).
func parseLuaNumber(s string) (float64, error) {
	t := strings.ToLower(s)
	neg := false
	if strings.HasPrefix(t, "-") {
		neg, t = true, t[1:]
	} else if strings.HasPrefix(t, "+") {
		t = t[1:]
	}
	if strings.HasPrefix(t, "0x") {
		u, err := strconv.ParseUint(t[2:], 16, 64)
		if err != nil {
			return 0, err
		}
		f := float64(u)
		if neg {
			f = -f
		}
		return f, nil
	}
	return strconv.ParseFloat(s, 64)
}

// lrand48 is Redis's rand.c generator (a 48-bit linear congruential
// generator, the lrand48 family), reseeded with 0 before every script so
// math.random gives every run the same sequence.
type lrand48 struct{ x uint64 }

const (
	randA    = 0x5DEECE66D
	randC    = 0xB
	randMask = 1<<48 - 1
	randMax  = math.MaxInt32
)

func (r *lrand48) seed(s int32) { r.x = (uint64(uint32(s))<<16 | 0x330E) & randMask }

func (r *lrand48) next() int32 {
	r.x = (randA*r.x + randC) & randMask
	return int32(r.x >> 17)
}

func (e *Engine) mathRandom(L *lua.LState) int {
	r := float64(e.rand.next()%randMax) / float64(randMax)
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r))
	case 1:
		u := L.CheckInt(1)
		if u < 1 {
			L.ArgError(1, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u)) + 1))
	case 2:
		l := L.CheckInt(1)
		u := L.CheckInt(2)
		if l > u {
			L.ArgError(2, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
	default:
		L.RaiseError("wrong number of arguments")
	}
	return 1
}

func (e *Engine) mathRandomseed(L *lua.LState) int {
	e.rand.seed(int32(L.CheckInt(1)))
	return 0
}

// The bit library (LuaBitOp 1.0, which Redis bundles): 32-bit operations
// on numbers normalised as tobit does.

func tobit(f float64) int32 {
	// LuaBitOp adds 2^52+2^51 and reads the low word: round half to even,
	// then modulo 2^32.
	f = math.RoundToEven(f)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	f = math.Mod(f, 4294967296)
	if f < 0 {
		f += 4294967296
	}
	return int32(uint32(uint64(f)))
}

func openBit(L *lua.LState) *lua.LTable {
	arg := func(L *lua.LState, i int) int32 { return tobit(float64(L.CheckNumber(i))) }
	ret := func(L *lua.LState, v int32) int { L.Push(lua.LNumber(v)); return 1 }
	fold := func(op func(a, b int32) int32) lua.LGFunction {
		return func(L *lua.LState) int {
			v := arg(L, 1)
			for i := 2; i <= L.GetTop(); i++ {
				v = op(v, arg(L, i))
			}
			return ret(L, v)
		}
	}
	shift := func(op func(a int32, n uint) int32) lua.LGFunction {
		return func(L *lua.LState) int {
			return ret(L, op(arg(L, 1), uint(arg(L, 2))&31))
		}
	}
	t := L.NewTable()
	L.SetFuncs(t, map[string]lua.LGFunction{
		"tobit": func(L *lua.LState) int { return ret(L, arg(L, 1)) },
		"bnot":  func(L *lua.LState) int { return ret(L, ^arg(L, 1)) },
		"band":  fold(func(a, b int32) int32 { return a & b }),
		"bor":   fold(func(a, b int32) int32 { return a | b }),
		"bxor":  fold(func(a, b int32) int32 { return a ^ b }),
		"lshift": shift(func(a int32, n uint) int32 {
			return int32(uint32(a) << n)
		}),
		"rshift": shift(func(a int32, n uint) int32 {
			return int32(uint32(a) >> n)
		}),
		"arshift": shift(func(a int32, n uint) int32 { return a >> n }),
		"rol": shift(func(a int32, n uint) int32 {
			u := uint32(a)
			return int32(u<<n | u>>((32-n)&31))
		}),
		"ror": shift(func(a int32, n uint) int32 {
			u := uint32(a)
			return int32(u>>n | u<<((32-n)&31))
		}),
		"bswap": func(L *lua.LState) int {
			u := uint32(arg(L, 1))
			return ret(L, int32(u>>24|(u>>8)&0xff00|(u&0xff00)<<8|u<<24))
		},
		"tohex": func(L *lua.LState) int {
			b := uint32(arg(L, 1))
			n := int32(8)
			if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
				n = arg(L, 2)
			}
			digits := "0123456789abcdef"
			if n < 0 {
				n = -n
				digits = "0123456789ABCDEF"
			}
			if n > 8 {
				n = 8
			}
			buf := make([]byte, n)
			for i := int(n) - 1; i >= 0; i-- {
				buf[i] = digits[b&15]
				b >>= 4
			}
			L.Push(lua.LString(buf))
			return 1
		},
	})
	return t
}

// The collector functions. gopher-lua's values live on the Go heap, which
// Go's collector manages concurrently: there is no Lua collector to stop,
// step or tune, and forcing a full Go collection from a script (what
// gopher-lua's collectgarbage did) would hold the server lock for as long
// as a collection of the whole heap takes, once per call.

// luaGCInfo is Lua 5.1's gcinfo(): the memory in use in KiB, here the
// server's live Go heap (the Lua values have no heap of their own).
func luaGCInfo(L *lua.LState) int {
	L.Push(lua.LNumber(heapBytes() >> 10))
	return 1
}

var gcOptions = []string{"stop", "restart", "collect", "count", "step", "setpause", "setstepmul"}

// luaCollectGarbage is Lua 5.1's collectgarbage with Lua's options and
// return values: "count" is gcinfo's heap in KiB (with the bytes as the
// fraction), "step" reports no finished cycle, the others return 0.
func luaCollectGarbage(L *lua.LState) int {
	opt := "collect"
	switch v := L.Get(1).(type) {
	case lua.LString:
		opt = string(v)
	case lua.LNumber:
		opt = numberString(float64(v))
	default:
		if v != lua.LNil {
			L.TypeError(1, lua.LTString)
		}
	}
	known := false
	for _, o := range gcOptions {
		if o == opt {
			known = true
		}
	}
	if !known {
		L.ArgError(1, "invalid option '"+opt+"'")
	}
	L.OptInt(2, 0)
	switch opt {
	case "count":
		L.Push(lua.LNumber(float64(heapBytes()) / 1024))
	case "step":
		L.Push(lua.LFalse)
	default:
		L.Push(lua.LNumber(0))
	}
	return 1
}

// Lua 5.1's deprecated table functions that Redis's Lua still has.
func (e *Engine) openTableCompat(tableT *lua.LTable) {
	L := e.L
	tableT.RawSetString("foreach", L.NewFunction(func(L *lua.LState) int {
		t := checkTable(L, 1)
		fn := L.CheckFunction(2)
		if r, ok := e.readonly(t); ok {
			t = r.view
		}
		for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
			L.Push(fn)
			L.Push(k)
			L.Push(v)
			L.Call(2, 1)
			if ret := L.Get(-1); ret != lua.LNil {
				return 1
			}
			L.Pop(1)
		}
		return 0
	}))
	tableT.RawSetString("foreachi", L.NewFunction(func(L *lua.LState) int {
		t := checkTable(L, 1)
		n := t.Len()
		fn := L.CheckFunction(2)
		for i := 1; i <= n; i++ {
			L.Push(fn)
			L.Push(lua.LNumber(i))
			L.Push(t.RawGetInt(i))
			L.Call(2, 1)
			if ret := L.Get(-1); ret != lua.LNil {
				return 1
			}
			L.Pop(1)
		}
		return 0
	}))
	tableT.RawSetString("setn", L.NewFunction(func(L *lua.LState) int {
		checkTable(L, 1)
		L.RaiseError("'setn' is obsolete")
		return 0
	}))
}

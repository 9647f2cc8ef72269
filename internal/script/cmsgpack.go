package script

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// cmsgpack as Redis bundles it (lua-cmsgpack 0.4.0): pack(...) encodes
// each argument and concatenates them; unpack(s) returns every object in
// s; unpack_one(s, offset) and unpack_limit(s, limit, offset) return the
// offset after the decoded objects (-1 at the end) followed by them.

const cmsgpackMaxNesting = 16

func openCmsgpack(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	t.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	t.RawSetString("pack", L.NewFunction(func(L *lua.LState) int {
		n := L.GetTop()
		if n == 0 {
			L.ArgError(0, "MessagePack pack needs input.")
		}
		var b []byte
		for i := 1; i <= n; i++ {
			b = mpEncode(b, L.Get(i), 0)
		}
		L.Push(lua.LString(b))
		return 1
	}))
	unpack := func(L *lua.LState, s string, limit, offset int) int {
		if offset < 0 || limit < 0 {
			L.RaiseError("Invalid request to unpack with offset of %d and limit of %d.", offset, len(s))
		}
		if offset > len(s) {
			L.RaiseError("Start offset %d greater than input length %d.", offset, len(s))
		}
		d := &mpDecoder{L: L, s: s, i: offset}
		var vals []lua.LValue
		for d.i < len(s) && (limit == 0 || len(vals) < limit) {
			vals = append(vals, d.value(0))
		}
		return len(vals) + d.pushOffset(vals, limit)
	}
	t.RawSetString("unpack", L.NewFunction(func(L *lua.LState) int {
		s := L.CheckString(1)
		d := &mpDecoder{L: L, s: s}
		n := 0
		for d.i < len(s) {
			L.Push(d.value(0))
			n++
		}
		return n
	}))
	t.RawSetString("unpack_one", L.NewFunction(func(L *lua.LState) int {
		return unpack(L, L.CheckString(1), 1, L.OptInt(2, 0))
	}))
	t.RawSetString("unpack_limit", L.NewFunction(func(L *lua.LState) int {
		return unpack(L, L.CheckString(1), L.CheckInt(2), L.OptInt(3, 0))
	}))
	return t
}

func mpEncode(b []byte, v lua.LValue, depth int) []byte {
	switch v := v.(type) {
	case lua.LString:
		n := len(v)
		switch {
		case n < 32:
			b = append(b, 0xa0|byte(n))
		case n <= 0xff:
			b = append(b, 0xd9, byte(n))
		case n <= 0xffff:
			b = append(b, 0xda, byte(n>>8), byte(n))
		default:
			b = append(b, 0xdb)
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
		return append(b, v...)
	case lua.LBool:
		if v {
			return append(b, 0xc3)
		}
		return append(b, 0xc2)
	case lua.LNumber:
		f := float64(v)
		if !math.IsInf(f, 0) && !math.IsNaN(f) && f == math.Trunc(f) && f >= -9223372036854775808.0 && f < 18446744073709551616.0 {
			return mpEncodeInt(b, f)
		}
		if float64(float32(f)) == f || math.IsNaN(f) {
			b = append(b, 0xca)
			return binary.BigEndian.AppendUint32(b, math.Float32bits(float32(f)))
		}
		b = append(b, 0xcb)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(f))
	case *lua.LTable:
		if depth >= cmsgpackMaxNesting {
			return append(b, 0xc0)
		}
		if n, ok := mpArrayLen(v); ok {
			switch {
			case n < 16:
				b = append(b, 0x90|byte(n))
			case n <= 0xffff:
				b = append(b, 0xdc, byte(n>>8), byte(n))
			default:
				b = append(b, 0xdd)
				b = binary.BigEndian.AppendUint32(b, uint32(n))
			}
			for i := 1; i <= n; i++ {
				b = mpEncode(b, v.RawGetInt(i), depth+1)
			}
			return b
		}
		n := 0
		v.ForEach(func(_, _ lua.LValue) { n++ })
		switch {
		case n < 16:
			b = append(b, 0x80|byte(n))
		case n <= 0xffff:
			b = append(b, 0xde, byte(n>>8), byte(n))
		default:
			b = append(b, 0xdf)
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
		v.ForEach(func(k, val lua.LValue) {
			b = mpEncode(b, k, depth+1)
			b = mpEncode(b, val, depth+1)
		})
		return b
	default:
		return append(b, 0xc0)
	}
}

func mpEncodeInt(b []byte, f float64) []byte {
	if f >= 0 {
		u := uint64(f)
		switch {
		case u <= 127:
			return append(b, byte(u))
		case u <= 0xff:
			return append(b, 0xcc, byte(u))
		case u <= 0xffff:
			return append(b, 0xcd, byte(u>>8), byte(u))
		case u <= 0xffffffff:
			b = append(b, 0xce)
			return binary.BigEndian.AppendUint32(b, uint32(u))
		default:
			b = append(b, 0xcf)
			return binary.BigEndian.AppendUint64(b, u)
		}
	}
	n := int64(f)
	switch {
	case n >= -32:
		return append(b, byte(int8(n)))
	case n >= -128:
		return append(b, 0xd0, byte(int8(n)))
	case n >= -32768:
		return append(b, 0xd1, byte(n>>8), byte(n))
	case n >= -2147483648:
		b = append(b, 0xd2)
		return binary.BigEndian.AppendUint32(b, uint32(int32(n)))
	default:
		b = append(b, 0xd3)
		return binary.BigEndian.AppendUint64(b, uint64(n))
	}
}

// mpArrayLen is lua-cmsgpack's table_is_an_array: every key a positive
// integer and no holes.
func mpArrayLen(t *lua.LTable) (int, bool) {
	count, max := 0, 0
	ok := true
	t.ForEach(func(k, _ lua.LValue) {
		n, isNum := k.(lua.LNumber)
		if !isNum || float64(n) < 1 || float64(n) != math.Floor(float64(n)) || float64(n) > math.MaxInt32 {
			ok = false
			return
		}
		count++
		if int(n) > max {
			max = int(n)
		}
	})
	return count, ok && max == count
}

type mpDecoder struct {
	L *lua.LState
	s string
	i int
}

func (d *mpDecoder) need(n int) {
	if n < 0 || d.i+n > len(d.s) || d.i+n < d.i {
		d.L.RaiseError("Missing bytes in input.")
	}
}

func (d *mpDecoder) uint(n int) uint64 {
	d.need(n)
	var u uint64
	for j := 0; j < n; j++ {
		u = u<<8 | uint64(d.s[d.i+j])
	}
	d.i += n
	return u
}

func (d *mpDecoder) str(n uint64) lua.LValue {
	if n > uint64(len(d.s)) {
		d.L.RaiseError("Missing bytes in input.")
	}
	d.need(int(n))
	v := lua.LString(d.s[d.i : d.i+int(n)])
	d.i += int(n)
	return v
}

func (d *mpDecoder) array(n uint64, depth int) lua.LValue {
	if n > uint64(len(d.s)-d.i) {
		d.L.RaiseError("Missing bytes in input.")
	}
	t := d.L.CreateTable(int(n), 0)
	for j := 1; j <= int(n); j++ {
		t.RawSetInt(j, d.value(depth+1))
	}
	return t
}

func (d *mpDecoder) mapv(n uint64, depth int) lua.LValue {
	if n > uint64(len(d.s)-d.i) {
		d.L.RaiseError("Missing bytes in input.")
	}
	t := d.L.CreateTable(0, int(n))
	for j := 0; j < int(n); j++ {
		k := d.value(depth + 1)
		v := d.value(depth + 1)
		if k != lua.LNil {
			t.RawSet(k, v)
		}
	}
	return t
}

func (d *mpDecoder) value(depth int) lua.LValue {
	if depth > maxNesting {
		d.L.RaiseError("Bad data format in input.")
	}
	d.need(1)
	c := d.s[d.i]
	d.i++
	switch {
	case c <= 0x7f:
		return lua.LNumber(c)
	case c >= 0xe0:
		return lua.LNumber(int8(c))
	case c&0xe0 == 0xa0:
		return d.str(uint64(c & 0x1f))
	case c&0xf0 == 0x90:
		return d.array(uint64(c&0x0f), depth)
	case c&0xf0 == 0x80:
		return d.mapv(uint64(c&0x0f), depth)
	}
	switch c {
	case 0xc0:
		return lua.LNil
	case 0xc2:
		return lua.LFalse
	case 0xc3:
		return lua.LTrue
	case 0xcc:
		return lua.LNumber(d.uint(1))
	case 0xcd:
		return lua.LNumber(d.uint(2))
	case 0xce:
		return lua.LNumber(d.uint(4))
	case 0xcf:
		return lua.LNumber(float64(d.uint(8)))
	case 0xd0:
		return lua.LNumber(int8(d.uint(1)))
	case 0xd1:
		return lua.LNumber(int16(d.uint(2)))
	case 0xd2:
		return lua.LNumber(int32(d.uint(4)))
	case 0xd3:
		return lua.LNumber(float64(int64(d.uint(8))))
	case 0xca:
		return lua.LNumber(math.Float32frombits(uint32(d.uint(4))))
	case 0xcb:
		return lua.LNumber(math.Float64frombits(d.uint(8)))
	case 0xd9, 0xc4:
		return d.str(d.uint(1))
	case 0xda, 0xc5:
		return d.str(d.uint(2))
	case 0xdb, 0xc6:
		return d.str(d.uint(4))
	case 0xdc:
		return d.array(d.uint(2), depth)
	case 0xdd:
		return d.array(d.uint(4), depth)
	case 0xde:
		return d.mapv(d.uint(2), depth)
	case 0xdf:
		return d.mapv(d.uint(4), depth)
	}
	d.L.RaiseError("Bad data format in input.")
	return lua.LNil
}

// pushOffset pushes the offset after the decoded objects (-1 when the
// input is used up) and then the objects; it returns 1 for the offset.
func (d *mpDecoder) pushOffset(vals []lua.LValue, limit int) int {
	off := d.i
	if off >= len(d.s) {
		off = -1
	}
	d.L.Push(lua.LNumber(off))
	for _, v := range vals {
		d.L.Push(v)
	}
	return 1
}

package script

import (
	"encoding/binary"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// struct as Redis bundles it (Roberto Ierusalimschy's struct library):
// pack(fmt, ...), unpack(fmt, s [, pos]) and size(fmt) with the options
// > < = ! (endianness, alignment), x b B h H l L T i[n] I[n] c[n] s f d.
// Sizes are those of Redis's x86-64 build: long and size_t 8, int 4.

const (
	structMaxIntSize = 32
	structMaxAlign   = 8
)

type structState struct {
	little bool
	align  int
}

func structNum(L *lua.LState, f string, i *int, def int) int {
	if *i >= len(f) || f[*i] < '0' || f[*i] > '9' {
		return def
	}
	a := 0
	for *i < len(f) && f[*i] >= '0' && f[*i] <= '9' {
		d := int(f[*i] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			L.RaiseError("integral size overflow")
		}
		a = a*10 + d
		*i++
	}
	return a
}

func structOptSize(L *lua.LState, opt byte, f string, i *int) int {
	switch opt {
	case 'B', 'b', 'x':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'c':
		return structNum(L, f, i, 1)
	case 'i', 'I':
		sz := structNum(L, f, i, 4)
		if sz > structMaxIntSize {
			L.RaiseError("integral size %d is larger than limit of %d", sz, structMaxIntSize)
		}
		return sz
	}
	return 0
}

func structToAlign(n int, h *structState, opt byte, size int) int {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > h.align {
		size = h.align
	}
	return (size - (n & (size - 1))) & (size - 1)
}

func structControl(L *lua.LState, opt byte, f string, i *int, h *structState) {
	switch opt {
	case ' ':
	case '>':
		h.little = false
	case '<', '=':
		h.little = true
	case '!':
		a := structNum(L, f, i, structMaxAlign)
		if a <= 0 || a&(a-1) != 0 {
			L.RaiseError("alignment %d is not a power of 2", a)
		}
		h.align = a
	default:
		L.ArgError(1, "invalid format option '"+string(opt)+"'")
	}
}

func openStruct(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(structPack))
	t.RawSetString("unpack", L.NewFunction(structUnpack))
	t.RawSetString("size", L.NewFunction(structSize))
	return t
}

func structPutInt(b []byte, n float64, little bool, size int) []byte {
	var v uint64
	if n < 0 {
		v = uint64(truncate(n))
	} else if n >= 18446744073709551616.0 || math.IsNaN(n) {
		v = 1 << 63
	} else {
		v = uint64(n)
	}
	buf := make([]byte, size)
	for j := 0; j < size; j++ {
		if j < 8 {
			buf[j] = byte(v >> (8 * j))
		}
	}
	if !little {
		for a, z := 0, size-1; a < z; a, z = a+1, z-1 {
			buf[a], buf[z] = buf[z], buf[a]
		}
	}
	return append(b, buf...)
}

func structPack(L *lua.LState) int {
	f := L.CheckString(1)
	h := structState{little: true, align: 1}
	arg := 2
	var b []byte
	for i := 0; i < len(f); {
		opt := f[i]
		i++
		size := structOptSize(L, opt, f, &i)
		for n := structToAlign(len(b), &h, opt, size); n > 0; n-- {
			b = append(b, 0)
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			n := float64(L.CheckNumber(arg))
			arg++
			b = structPutInt(b, n, h.little, size)
		case 'x':
			b = append(b, 0)
		case 'f', 'd':
			n := float64(L.CheckNumber(arg))
			arg++
			var tmp [8]byte
			if opt == 'f' {
				if h.little {
					binary.LittleEndian.PutUint32(tmp[:], math.Float32bits(float32(n)))
				} else {
					binary.BigEndian.PutUint32(tmp[:], math.Float32bits(float32(n)))
				}
				b = append(b, tmp[:4]...)
			} else {
				if h.little {
					binary.LittleEndian.PutUint64(tmp[:], math.Float64bits(n))
				} else {
					binary.BigEndian.PutUint64(tmp[:], math.Float64bits(n))
				}
				b = append(b, tmp[:]...)
			}
		case 'c', 's':
			s := L.CheckString(arg)
			if size == 0 {
				size = len(s)
			}
			arg++
			if len(s) < size {
				L.ArgError(arg, "string too short")
			}
			b = append(b, s[:size]...)
			if opt == 's' {
				b = append(b, 0)
			}
		default:
			structControl(L, opt, f, &i, &h)
		}
	}
	L.Push(lua.LString(b))
	return 1
}

func structGetInt(d string, little, signed bool, size int) float64 {
	var l uint64
	for j := 0; j < size; j++ {
		var c byte
		if little {
			c = d[size-1-j]
		} else {
			c = d[j]
		}
		l = l<<8 | uint64(c)
	}
	if signed && size < 8 {
		mask := uint64(1) << (size*8 - 1)
		return float64(int64((l ^ mask) - mask))
	}
	if signed {
		return float64(int64(l))
	}
	return float64(l)
}

func structUnpack(L *lua.LState) int {
	f := L.CheckString(1)
	data := L.CheckString(2)
	pos := L.OptInt(3, 1) - 1
	if pos < 0 {
		L.ArgError(3, "offset must be 1 or greater")
	}
	h := structState{little: true, align: 1}
	n := 0
	for i := 0; i < len(f); {
		opt := f[i]
		i++
		size := structOptSize(L, opt, f, &i)
		pos += structToAlign(pos, &h, opt, size)
		if pos > len(data) || size > len(data)-pos {
			L.ArgError(2, "data string too short")
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			L.Push(lua.LNumber(structGetInt(data[pos:pos+size], h.little, opt >= 'a', size)))
			n++
		case 'x':
		case 'f':
			u := binary.BigEndian.Uint32([]byte(data[pos : pos+4]))
			if h.little {
				u = binary.LittleEndian.Uint32([]byte(data[pos : pos+4]))
			}
			L.Push(lua.LNumber(math.Float32frombits(u)))
			n++
		case 'd':
			u := binary.BigEndian.Uint64([]byte(data[pos : pos+8]))
			if h.little {
				u = binary.LittleEndian.Uint64([]byte(data[pos : pos+8]))
			}
			L.Push(lua.LNumber(math.Float64frombits(u)))
			n++
		case 'c':
			if size == 0 {
				prev, ok := L.Get(-1).(lua.LNumber)
				if n == 0 || !ok {
					L.RaiseError("format 'c0' needs a previous size")
				}
				L.Pop(1)
				n--
				size = int(truncate(float64(prev)))
				if size < 0 || size > len(data) || pos > len(data)-size {
					L.ArgError(2, "data string too short")
				}
			}
			L.Push(lua.LString(data[pos : pos+size]))
			n++
		case 's':
			e := strings.IndexByte(data[pos:], 0)
			if e < 0 {
				L.RaiseError("unfinished string in data")
			}
			size = e + 1
			L.Push(lua.LString(data[pos : pos+e]))
			n++
		default:
			structControl(L, opt, f, &i, &h)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos + 1))
	return n + 1
}

func structSize(L *lua.LState) int {
	f := L.CheckString(1)
	h := structState{little: true, align: 1}
	pos := 0
	for i := 0; i < len(f); {
		opt := f[i]
		i++
		size := structOptSize(L, opt, f, &i)
		pos += structToAlign(pos, &h, opt, size)
		if opt == 's' {
			L.ArgError(1, "option 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			L.ArgError(1, "option 'c0' has no fixed size")
		}
		if !(opt >= 'a' && opt <= 'z' || opt >= 'A' && opt <= 'Z' || opt >= '0' && opt <= '9') {
			structControl(L, opt, f, &i, &h)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos))
	return 1
}

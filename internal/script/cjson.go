package script

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// cjson as Redis bundles it (lua-cjson with Redis's settings): numbers
// with "%.14g", '/' escaped, sparse arrays refused past a ratio of 2 (and
// more than 10 slots), 1000 levels of nesting at most, null as a light
// userdata.

const cjsonMaxDepth = 1000

func openCjson(L *lua.LState) *lua.LTable {
	null := L.NewUserData()
	t := L.NewTable()
	t.RawSetString("null", null)
	t.RawSetString("_NAME", lua.LString("cjson"))
	t.RawSetString("_VERSION", lua.LString("1.0.3"))
	t.RawSetString("encode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			L.RaiseError("bad argument #1 to 'encode' (expected 1 argument)")
		}
		var b strings.Builder
		cjsonEncode(L, &b, L.Get(1), null, 0)
		L.Push(lua.LString(b.String()))
		return 1
	}))
	t.RawSetString("decode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			L.RaiseError("bad argument #1 to 'decode' (expected 1 argument)")
		}
		s := L.CheckString(1)
		d := &jsonDecoder{L: L, s: s, null: null}
		v := d.value(0)
		d.ws()
		if d.i < len(d.s) {
			d.fail("the end", d.i)
		}
		L.Push(v)
		return 1
	}))
	return t
}

func cjsonEncode(L *lua.LState, b *strings.Builder, v lua.LValue, null *lua.LUserData, depth int) {
	switch v := v.(type) {
	case lua.LString:
		jsonString(b, string(v))
	case lua.LNumber:
		f := float64(v)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			L.RaiseError("Cannot serialise number: must not be NaN or Inf")
		}
		b.WriteString(fmtG14(f))
	case lua.LBool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case *lua.LNilType:
		b.WriteString("null")
	case *lua.LUserData:
		if v == null {
			b.WriteString("null")
			return
		}
		L.RaiseError("Cannot serialise userdata: type not supported")
	case *lua.LTable:
		depth++
		if depth > cjsonMaxDepth {
			L.RaiseError("Cannot serialise, excessive nesting (%d)", depth)
		}
		n, isArray := arrayLength(v)
		if n < 0 {
			L.RaiseError("Cannot serialise table: excessively sparse array")
		}
		if isArray && n > 0 {
			b.WriteByte('[')
			for i := 1; i <= n; i++ {
				if i > 1 {
					b.WriteByte(',')
				}
				cjsonEncode(L, b, v.RawGetInt(i), null, depth)
			}
			b.WriteByte(']')
			return
		}
		b.WriteByte('{')
		first := true
		v.ForEach(func(k, val lua.LValue) {
			if !first {
				b.WriteByte(',')
			}
			first = false
			switch k := k.(type) {
			case lua.LString:
				jsonString(b, string(k))
			case lua.LNumber:
				b.WriteByte('"')
				b.WriteString(fmtG14(float64(k)))
				b.WriteByte('"')
			default:
				L.RaiseError("Cannot serialise table: table key must be a number or string")
			}
			b.WriteByte(':')
			cjsonEncode(L, b, val, null, depth)
		})
		b.WriteByte('}')
	default:
		L.RaiseError("Cannot serialise %s: type not supported", v.Type().String())
	}
}

// arrayLength is lua-cjson's lua_array_length: the largest index when every
// key is a positive integer (isArray), -1 for an excessively sparse array.
func arrayLength(t *lua.LTable) (int, bool) {
	max, items := 0, 0
	isArray := true
	t.ForEach(func(k, _ lua.LValue) {
		n, ok := k.(lua.LNumber)
		if !ok || float64(n) < 1 || math.Floor(float64(n)) != float64(n) {
			isArray = false
			return
		}
		if float64(n) > float64(math.MaxInt32) {
			isArray = false
			return
		}
		if int(n) > max {
			max = int(n)
		}
		items++
	})
	if !isArray {
		return 0, false
	}
	if max > 10 && max > items*2 {
		return -1, true
	}
	return max, true
}

func jsonString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '/':
			b.WriteString(`\/`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

type jsonDecoder struct {
	L    *lua.LState
	s    string
	i    int
	null *lua.LUserData
}

func (d *jsonDecoder) ws() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t' || d.s[d.i] == '\n' || d.s[d.i] == '\r') {
		d.i++
	}
}

// fail raises lua-cjson's "Expected X but found Y at character N".
func (d *jsonDecoder) fail(what string, at int) {
	found := "invalid token"
	if at >= len(d.s) {
		found = "T_END"
	} else {
		switch d.s[at] {
		case '{':
			found = "T_OBJ_BEGIN"
		case '}':
			found = "T_OBJ_END"
		case '[':
			found = "T_ARR_BEGIN"
		case ']':
			found = "T_ARR_END"
		case ',':
			found = "T_COMMA"
		case ':':
			found = "T_COLON"
		case '"':
			found = "T_STRING"
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			found = "T_NUMBER"
		default:
			switch {
			case strings.HasPrefix(d.s[at:], "true"), strings.HasPrefix(d.s[at:], "false"):
				found = "T_BOOLEAN"
			case strings.HasPrefix(d.s[at:], "null"):
				found = "T_NULL"
			}
		}
	}
	d.L.RaiseError("Expected %s but found %s at character %d", what, found, at+1)
}

func (d *jsonDecoder) value(depth int) lua.LValue {
	d.ws()
	if d.i >= len(d.s) {
		d.fail("value", d.i)
	}
	start := d.i
	switch c := d.s[d.i]; {
	case c == '{':
		if depth+1 > cjsonMaxDepth {
			d.L.RaiseError("Found too many nested data structures (%d) at character %d", depth+1, d.i+1)
		}
		d.i++
		t := d.L.NewTable()
		d.ws()
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return t
		}
		for {
			d.ws()
			if d.i >= len(d.s) || d.s[d.i] != '"' {
				d.fail("object key string", d.i)
			}
			k := d.str()
			d.ws()
			if d.i >= len(d.s) || d.s[d.i] != ':' {
				d.fail("colon", d.i)
			}
			d.i++
			v := d.value(depth + 1)
			t.RawSetString(k, v)
			d.ws()
			if d.i < len(d.s) && d.s[d.i] == ',' {
				d.i++
				continue
			}
			if d.i < len(d.s) && d.s[d.i] == '}' {
				d.i++
				return t
			}
			d.fail("comma or object end", d.i)
		}
	case c == '[':
		if depth+1 > cjsonMaxDepth {
			d.L.RaiseError("Found too many nested data structures (%d) at character %d", depth+1, d.i+1)
		}
		d.i++
		t := d.L.NewTable()
		d.ws()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return t
		}
		for n := 1; ; n++ {
			t.RawSetInt(n, d.value(depth+1))
			d.ws()
			if d.i < len(d.s) && d.s[d.i] == ',' {
				d.i++
				continue
			}
			if d.i < len(d.s) && d.s[d.i] == ']' {
				d.i++
				return t
			}
			d.fail("comma or array end", d.i)
		}
	case c == '"':
		return lua.LString(d.str())
	case c == '-' || (c >= '0' && c <= '9'):
		j := d.i
		for j < len(d.s) && strings.IndexByte("+-0123456789.eE", d.s[j]) >= 0 {
			j++
		}
		f, err := strconv.ParseFloat(d.s[d.i:j], 64)
		if err != nil && !strings.Contains(err.Error(), "range") {
			d.fail("value", start)
		}
		d.i = j
		return lua.LNumber(f)
	case strings.HasPrefix(d.s[d.i:], "true"):
		d.i += 4
		return lua.LTrue
	case strings.HasPrefix(d.s[d.i:], "false"):
		d.i += 5
		return lua.LFalse
	case strings.HasPrefix(d.s[d.i:], "null"):
		d.i += 4
		return d.null
	}
	d.fail("value", start)
	return nil
}

func (d *jsonDecoder) str() string {
	start := d.i
	d.i++ // opening quote
	var b strings.Builder
	for {
		if d.i >= len(d.s) {
			d.L.RaiseError("Expected value but found unexpected end of string at character %d", start+1)
		}
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return b.String()
		case c == '\\':
			if d.i+1 >= len(d.s) {
				d.L.RaiseError("Expected value but found invalid escape code at character %d", start+1)
			}
			e := d.s[d.i+1]
			d.i += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := d.hex4()
				if ok && r >= 0xD800 && r < 0xDC00 && strings.HasPrefix(d.s[d.i:], `\u`) {
					d.i += 2
					lo, ok2 := d.hex4()
					if !ok2 || lo < 0xDC00 || lo > 0xDFFF {
						ok = false
					} else {
						r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					}
				} else if r >= 0xD800 && r < 0xE000 {
					ok = false
				}
				if !ok {
					d.L.RaiseError("Expected value but found invalid unicode escape code at character %d", start+1)
				}
				var tmp [4]byte
				n := utf8.EncodeRune(tmp[:], rune(r))
				b.Write(tmp[:n])
			default:
				d.L.RaiseError("Expected value but found invalid escape code at character %d", start+1)
			}
		default:
			b.WriteByte(c)
			d.i++
		}
	}
}

func (d *jsonDecoder) hex4() (int, bool) {
	if d.i+4 > len(d.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(d.s[d.i:d.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return int(v), true
}

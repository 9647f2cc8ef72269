package script

import (
	"errors"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/vestadb/vesta/internal/resp"
)

// Conversions between RESP and Lua, Redis 7.0's rules (script_lua.c).
//
// RESP -> Lua (the reply of redis.call):
//
//	integer -> number; bulk -> string; null bulk / null array -> false;
//	status -> {ok=s}; error -> {err=s}; array -> table 1..n;
//	RESP3: map -> {map={k=v}}; set -> {set={m=true}}; null -> nil;
//	boolean -> boolean; double -> {double=n}; big number -> {big_number=s};
//	verbatim -> {verbatim_string={format=f, string=s}}; attributes skipped.
//
// Lua -> RESP (the script's return value):
//
//	string -> bulk; number -> integer (truncated); boolean -> RESP2: 1 or
//	null, RESP3 (after redis.setresp(3)): boolean; table with a string err
//	-> error; with a string ok -> status; with a number double -> double;
//	big_number, verbatim_string, map, set -> those types; any other table
//	-> array of t[1], t[2], ... up to the first nil; anything else -> null.

// maxNesting bounds the depth of a conversion in either direction, so a
// self-referencing table or a deeply nested reply cannot exhaust the stack.
const maxNesting = 1000

var errBadReply = errors.New("malformed reply")

// replyToLua parses one RESP reply from b and returns it as a Lua value and
// the bytes it used.
func replyToLua(L *lua.LState, b []byte) (lua.LValue, int, error) {
	var vals valuePages
	return vals.replyToLua(L, b)
}

// replyToLua is the package's replyToLua with the values boxed from p's
// pages. The strings of the reply share one copy of b, made at the first
// bulk string.
func (p *valuePages) replyToLua(L *lua.LState, b []byte) (lua.LValue, int, error) {
	if v, n, ok := smallIntReply(b); ok {
		return p.number(float64(v)), n, nil // INCR's reply, and many others
	}
	rp := replyParser{L: L, vals: p, src: b}
	return rp.parse(0, 0)
}

// replyParser converts one reply.
type replyParser struct {
	L    *lua.LState
	vals *valuePages
	src  []byte
	str  string // src as a string once a bulk string needed it
}

// bulk is src[i:j] as a Lua string.
func (rp *replyParser) bulk(i, j int) lua.LValue {
	if i == j {
		return lua.LString("")
	}
	if rp.str == "" {
		rp.str = string(rp.src)
		rp.vals.kept += len(rp.str)
	}
	return rp.vals.str(rp.str[i:j])
}

// smallIntReply parses an integer reply of at most 18 digits (no overflow
// possible) at the start of b; anything else is left to the parser.
func smallIntReply(b []byte) (v int64, n int, ok bool) {
	if len(b) < 4 || b[0] != ':' {
		return 0, 0, false
	}
	i, neg := 1, b[1] == '-'
	if neg {
		i++
	}
	start := i
	for ; i < len(b) && i-start <= 18 && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + int64(b[i]-'0')
	}
	if i == start || i-start > 18 || i+1 >= len(b) || b[i] != '\r' || b[i+1] != '\n' {
		return 0, 0, false
	}
	if neg {
		v = -v
	}
	return v, i + 2, true
}

func readLine(b []byte) (line []byte, n int, err error) {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '\r' && b[i+1] == '\n' {
			return b[:i], i + 2, nil
		}
	}
	return nil, 0, errBadReply
}

// parse converts the reply at src[at:].
func (rp *replyParser) parse(at, depth int) (lua.LValue, int, error) {
	L, b := rp.L, rp.src[at:]
	if depth > maxNesting {
		return nil, 0, errBadReply
	}
	if len(b) == 0 {
		return nil, 0, errBadReply
	}
	line, n, err := readLine(b[1:])
	if err != nil {
		return nil, 0, err
	}
	n++ // the type byte
	switch b[0] {
	case ':':
		v, err := strconv.ParseInt(string(line), 10, 64)
		if err != nil {
			return nil, 0, errBadReply
		}
		return rp.vals.number(float64(v)), n, nil
	case '+':
		t := L.NewTable()
		t.RawSetString("ok", lua.LString(line))
		return t, n, nil
	case '-':
		// Already counted in the error statistics when the command
		// replied: the script's final error, if it is this one, is not
		// counted again (Redis's ignore_error_stats_update).
		t := errorTable(L, "-"+string(line))
		t.RawSetString("ignore_error_stats_update", lua.LTrue)
		return t, n, nil
	case '_':
		return lua.LNil, n, nil
	case '#':
		return lua.LBool(len(line) == 1 && line[0] == 't'), n, nil
	case ',':
		f, ok := parseRespDouble(string(line))
		if !ok {
			return nil, 0, errBadReply
		}
		t := L.NewTable()
		t.RawSetString("double", lua.LNumber(f))
		return t, n, nil
	case '(':
		t := L.NewTable()
		t.RawSetString("big_number", lua.LString(line))
		return t, n, nil
	case '$', '=':
		size, err := strconv.Atoi(string(line))
		if err != nil {
			return nil, 0, errBadReply
		}
		if size < 0 {
			return lua.LFalse, n, nil
		}
		if len(b) < n+size+2 {
			return nil, 0, errBadReply
		}
		s := b[n : n+size]
		if b[0] == '$' {
			return rp.bulk(at+n, at+n+size), n + size + 2, nil
		}
		n += size + 2
		if len(s) < 4 {
			return nil, 0, errBadReply
		}
		v := L.NewTable()
		v.RawSetString("string", lua.LString(s[4:]))
		v.RawSetString("format", lua.LString(s[:3]))
		t := L.NewTable()
		t.RawSetString("verbatim_string", v)
		return t, n, nil
	case '*', '%', '~', '|', '>':
		count, err := strconv.Atoi(string(line))
		if err != nil {
			return nil, 0, errBadReply
		}
		if count < 0 {
			return lua.LFalse, n, nil
		}
		if count > len(b) {
			return nil, 0, errBadReply
		}
		switch b[0] {
		case '*', '>':
			t := L.CreateTable(count, 0)
			for i := 0; i < count; i++ {
				v, m, err := rp.parse(at+n, depth+1)
				if err != nil {
					return nil, 0, err
				}
				n += m
				t.RawSetInt(i+1, v)
			}
			return t, n, nil
		case '%', '|':
			inner := L.CreateTable(0, count)
			for i := 0; i < count; i++ {
				k, m, err := rp.parse(at+n, depth+1)
				if err != nil {
					return nil, 0, err
				}
				n += m
				v, m, err := rp.parse(at+n, depth+1)
				if err != nil {
					return nil, 0, err
				}
				n += m
				if k != lua.LNil {
					inner.RawSet(k, v)
				}
			}
			if b[0] == '|' {
				// Attributes are not shown to scripts: the reply follows.
				v, m, err := rp.parse(at+n, depth+1)
				if err != nil {
					return nil, 0, err
				}
				return v, n + m, nil
			}
			t := L.NewTable()
			t.RawSetString("map", inner)
			return t, n, nil
		default: // '~'
			inner := L.CreateTable(0, count)
			for i := 0; i < count; i++ {
				k, m, err := rp.parse(at+n, depth+1)
				if err != nil {
					return nil, 0, err
				}
				n += m
				if k != lua.LNil {
					inner.RawSet(k, lua.LTrue)
				}
			}
			t := L.NewTable()
			t.RawSetString("set", inner)
			return t, n, nil
		}
	}
	return nil, 0, errBadReply
}

func parseRespDouble(s string) (float64, bool) {
	switch s {
	case "inf":
		return math.Inf(1), true
	case "-inf":
		return math.Inf(-1), true
	case "nan", "-nan":
		return math.NaN(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// errorTable builds the {err=...} table of Redis's luaPushErrorBuff: a
// message starting with '-' keeps its code, any other gets "ERR"; CR/LF at
// the ends are trimmed.
func errorTable(L *lua.LState, msg string) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("err", lua.LString(errorText(msg)))
	return t
}

func errorText(msg string) string {
	code := "ERR"
	if strings.HasPrefix(msg, "-") {
		if i := strings.IndexByte(msg, ' '); i >= 0 {
			code, msg = msg[1:i], msg[i+1:]
		} else {
			msg = msg[1:]
		}
	}
	msg = strings.Trim(msg, "\r\n")
	return code + " " + msg
}

// luaToReply writes v as a reply. resp3 is the script's protocol (set by
// redis.setresp), which decides how booleans are written; the writer's
// protocol is the calling client's.
func luaToReply(w *resp.Writer, v lua.LValue, resp3 bool, depth int) {
	if depth > maxNesting {
		w.Error("ERR reached lua stack limit")
		return
	}
	switch v := v.(type) {
	case lua.LString:
		w.BulkString(string(v))
	case lua.LBool:
		switch {
		case resp3:
			w.Bool(bool(v))
		case bool(v):
			w.Int(1)
		default:
			w.Null()
		}
	case lua.LNumber:
		w.Int(truncate(float64(v)))
	case *lua.LTable:
		if s, ok := v.RawGetString("err").(lua.LString); ok {
			if lua.LVAsBool(v.RawGetString("ignore_error_stats_update")) {
				errorNoStats(w, string(s))
				return
			}
			w.Error(string(s))
			return
		}
		if s, ok := v.RawGetString("ok").(lua.LString); ok {
			w.Simple(strings.NewReplacer("\r", " ", "\n", " ").Replace(string(s)))
			return
		}
		if f, ok := v.RawGetString("double").(lua.LNumber); ok {
			w.Double(float64(f))
			return
		}
		if s, ok := v.RawGetString("big_number").(lua.LString); ok {
			w.BigNum(strings.NewReplacer("\r", " ", "\n", " ").Replace(string(s)))
			return
		}
		if vt, ok := v.RawGetString("verbatim_string").(*lua.LTable); ok {
			f, fok := vt.RawGetString("format").(lua.LString)
			s, sok := vt.RawGetString("string").(lua.LString)
			if fok && sok {
				w.Verbatim(string(s), verbatimFormat(string(f)))
				return
			}
		}
		if m, ok := v.RawGetString("map").(*lua.LTable); ok {
			d := w.Defer()
			n := 0
			m.ForEach(func(k, val lua.LValue) {
				luaToReply(w, k, resp3, depth+1)
				luaToReply(w, val, resp3, depth+1)
				n++
			})
			w.MapAt(d, n)
			return
		}
		if s, ok := v.RawGetString("set").(*lua.LTable); ok {
			d := w.Defer()
			n := 0
			s.ForEach(func(k, _ lua.LValue) {
				luaToReply(w, k, resp3, depth+1)
				n++
			})
			w.SetAt(d, n)
			return
		}
		d := w.Defer()
		n := 0
		for {
			e := v.RawGetInt(n + 1)
			if e == lua.LNil {
				break
			}
			luaToReply(w, e, resp3, depth+1)
			n++
		}
		w.ArrayAt(d, n)
	default:
		w.Null()
	}
}

// verbatimFormat is the three bytes Redis's addReplyVerbatim copies.
func verbatimFormat(f string) string {
	for len(f) < 3 {
		f += "\x00"
	}
	return f[:3]
}

// truncate converts a Lua number to an integer as C's (long long) cast does
// on x86-64: toward zero, and the minimum int64 for NaN and out-of-range
// values.
func truncate(f float64) int64 {
	if math.IsNaN(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(f)
}

// appendArg appends a number argument of redis.call formatted as Redis
// does ("%.17g").
func appendArg(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(b, "-nan"...)
		}
		return append(b, "nan"...)
	}
	return strconv.AppendFloat(b, f, 'g', 17, 64)
}

// errorNoStats writes an error reply that the statistics already counted
// (the reply of a command the script ran).
func errorNoStats(w *resp.Writer, msg string) {
	cb := w.OnError
	w.OnError = nil
	w.Error(msg)
	w.OnError = cb
	w.Errors--
}

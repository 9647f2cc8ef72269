package script

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/vestadb/vesta/internal/resp"
)

// TestFoldKeepsBehaviour runs each script on an engine that folds
// read-only globals (foldScriptGlobals) and on one that does not, with two
// sets of KEYS and ARGV in turn (the upvalues must follow the run), and
// wants the same reply byte for byte.
func TestFoldKeepsBehaviour(t *testing.T) {
	folded, plain := New(), New()
	defer folded.Close()
	defer plain.Close()
	plain.noFold = true
	scripts := foldScripts
	runs := []struct{ keys, argv []string }{
		{[]string{"k1", "k2"}, []string{"1", "2", "3"}},
		{[]string{"other"}, []string{"2"}},
		{nil, nil},
	}
	for _, body := range scripts {
		for _, r := range runs {
			got := runWith(folded, body, r.keys, r.argv)
			want := runWith(plain, body, r.keys, r.argv)
			if got != want {
				t.Errorf("%s with KEYS %q ARGV %q:\nfolded %q\nplain  %q", body, r.keys, r.argv, got, want)
			}
		}
	}
}

// foldScripts are the scripts TestFoldKeepsBehaviour runs and FuzzFold
// starts from.
var foldScripts = []string{
	"return redis.call('INCR', KEYS[1])",
	"local n for i = 1, 10 do n = redis.call('INCR', KEYS[1]) end return n",
	"return {KEYS[1], ARGV[1], #KEYS, #ARGV}",
	"local function f() return KEYS[1] .. ARGV[1] end return f()",
	"local function g() return #KEYS + #ARGV end return g()",
	"local a = 1 local function f() return a + #ARGV end return f()",
	"return string.format('%d', math.floor(3.7))",
	"return {type(redis.call), type(redis), type(_G), type(string.len)}",
	"return tostring(math.huge) .. tostring(math.pi)",
	"return (ARGV[1] == '1' and KEYS or ARGV)[1]",
	// The field read is a jump target: its table is t on one path.
	"local t = {len = 'mine'} local f = (ARGV[1] == '1' and t or string).len return type(f)",
	"local t = {call = 7} local f = (ARGV[1] ~= '1' and t or redis).call return type(f)",
	"return rawequal(_G, _G) and _G.redis == redis and _G.KEYS == KEYS",
	"KEYS = 1",
	"ARGV = nil",
	"redis = 1",
	"redis.call = 1",
	"_G.KEYS = 1",
	"string.x = 1",
	"local x = KEYS KEYS = nil return x",
	"KEYS[1] = 'changed' return KEYS[1]",
	"return nosuchglobal",
	"return redis.nosuchfield",
	"return string.nosuchfield == nil",
	"local ok, err = pcall(function() KEYS = 1 end) return {tostring(ok), err}",
	"return select('#', ...)",
	"local s = 0 for _, v in ipairs(ARGV) do s = s + tonumber(v) end return s",
	"local t = {} for i = 1, 600 do t[i] = i end return #t",
	"return {" + manyItems(600) + "}",
}

func manyItems(n int) string {
	b := []byte{}
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "math.pi"...)
	}
	return string(b)
}

func runWith(e *Engine, body string, keys, argv []string) string {
	w := resp.Writer{Proto: 2}
	sha, msg := e.Load(body)
	if msg != "" {
		w.Error(msg)
		return string(w.B)
	}
	e.Run(sha, toBytes(keys), toBytes(argv), &fakeHost{}, &w)
	return string(w.B)
}

func toBytes(a []string) [][]byte {
	var b [][]byte
	for _, s := range a {
		b = append(b, []byte(s))
	}
	return b
}

// TestFoldRewritesReads checks that folding happens: in the benchmark's
// ten-call script no global is looked up any more ('redis.call' is a
// constant, KEYS an upvalue), while a function the script defines still
// reads KEYS as a global and 'redis.call' folded.
func TestFoldRewritesReads(t *testing.T) {
	e := New()
	defer e.Close()
	count := func(p *lua.FunctionProto, op int) int {
		n := 0
		real, _ := scanCode(p)
		for pc, inst := range p.Code {
			if real[pc] && opcode(inst) == op {
				n++
			}
		}
		return n
	}
	sha, msg := e.Load("local n for i = 1, 10 do n = redis.call('INCR', KEYS[1]) end return n")
	if msg != "" {
		t.Fatal(msg)
	}
	p := e.scripts[sha].fn.Proto
	if g, u := count(p, lua.OP_GETGLOBAL), count(p, lua.OP_GETUPVAL); g != 0 || u != 1 {
		t.Errorf("ten-call script: %d GETGLOBAL, %d GETUPVAL; want 0 and 1\n%s", g, u, p)
	}
	if n := count(p, lua.OP_GETTABLEKS); n != 0 {
		t.Errorf("ten-call script: %d GETTABLEKS left; want 0\n%s", n, p)
	}
	sha, msg = e.Load("local function f() return redis.call('GET', KEYS[1]) end return f()")
	if msg != "" {
		t.Fatal(msg)
	}
	sub := e.scripts[sha].fn.Proto.FunctionPrototypes[0]
	if g := count(sub, lua.OP_GETGLOBAL); g != 1 {
		t.Errorf("nested function: %d GETGLOBAL; want 1 (KEYS)\n%s", g, sub)
	}
}

// TestFoldLeavesJumpTargets folds hand-made code where a jump lands on the
// field read after a global read: the global read is folded, the field
// read is not (its table depends on the path taken).
func TestFoldLeavesJumpTargets(t *testing.T) {
	abc := func(op, a, b, c int) uint32 {
		return uint32(op)<<opShift | uint32(a)<<argAShift | uint32(c)<<argCShift | uint32(b)
	}
	abx := func(op, a, bx int) uint32 { return uint32(op)<<opShift | uint32(a)<<argAShift | uint32(bx) }
	tbl := &lua.LTable{}
	tbl.RawSetString("len", lua.LString("v"))
	rules := foldRules{
		global: func(name string) (lua.LValue, bool) { return tbl, name == "g" },
		field: func(v lua.LValue, key string) (lua.LValue, bool) {
			return lookupConst(v, key, func(*lua.LTable, string) bool { return false })
		},
	}
	for _, tc := range []struct {
		name   string
		jumpTo bool // a JMP lands on the field read
	}{{"fall-through", false}, {"jump target", true}} {
		p := &lua.FunctionProto{Constants: []lua.LValue{lua.LString("g"), lua.LString("len")}}
		jmp := abx(lua.OP_JMP, 0, maxSBx+0) // pc += 0
		if tc.jumpTo {
			jmp = abx(lua.OP_JMP, 0, maxSBx+1) // skips the global read
		}
		p.Code = []uint32{
			jmp,
			abx(lua.OP_GETGLOBAL, 0, 0),
			abc(lua.OP_GETTABLEKS, 1, 0, bitRK|1),
			abc(lua.OP_RETURN, 0, 1, 0),
		}
		foldGlobals(p, rules)
		if opcode(p.Code[1]) != lua.OP_LOADK || p.Constants[argBx(p.Code[1])] != tbl {
			t.Errorf("%s: the global read was not folded: %08x", tc.name, p.Code[1])
		}
		folded := opcode(p.Code[2]) == lua.OP_LOADK
		if folded == tc.jumpTo {
			t.Errorf("%s: field read folded=%v", tc.name, folded)
		}
		if folded && (argA(p.Code[2]) != 1 || p.Constants[argBx(p.Code[2])] != lua.LString("v")) {
			t.Errorf("%s: field read folded to %08x", tc.name, p.Code[2])
		}
	}
}

// FuzzFold runs arbitrary scripts on an engine that folds globals and on
// one that does not and wants the same reply from both. Folding must
// never change what a script does; a script the fuzzer makes may be any
// mix of global reads, field reads and jumps. Object addresses in replies
// (tostring of a table or function) are masked; scripts whose result
// depends on the allocator or the clock, or that build strings, are
// skipped.
func FuzzFold(f *testing.F) {
	for _, s := range foldScripts {
		f.Add(s)
	}
	f.Add("local t = (ARGV[1] == '1' and {len = 1} or string) return type(t.len)")
	f.Add("local s = '' for k, v in pairs(_G) do s = s .. k end return #s")
	f.Add("return (function(...) return select('#', ...), KEYS[1] end)(redis, string.upper, ARGV)")
	folded, plain := New(), New()
	defer folded.Close()
	defer plain.Close()
	plain.noFold = true
	addr := regexp.MustCompile(`0x[0-9a-f]+`)
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 4096 {
			return
		}
		// Skipped: results that depend on the allocator or the clock, and
		// string building that can fill memory (slow, and beside the point).
		for _, skip := range []string{"gcinfo", "collectgarbage", "clock", "time", "rep", "..", "concat", "gsub", "format"} {
			if strings.Contains(body, skip) {
				return
			}
		}
		var replies [2]string
		for i, e := range []*Engine{folded, plain} {
			if len(e.scripts) > 1000 {
				e.Flush()
			}
			e.rand.seed(0)
			w := resp.Writer{Proto: 2}
			sha, msg := e.Load(body)
			if msg != "" {
				w.Error(msg)
			} else {
				e.Run(sha, toBytes([]string{"k1", "k2"}), toBytes([]string{"1", "2"}), &tickLimitHost{limit: 10}, &w)
			}
			replies[i] = addr.ReplaceAllString(string(w.B), "0x?")
		}
		if replies[0] != replies[1] {
			t.Fatalf("%q:\nfolded %q\nplain  %q", body, replies[0], replies[1])
		}
	})
}

// tickLimitHost is fakeHost that stops a script after limit busy-script
// ticks, so that a fuzzed endless loop ends (at the same instruction with
// and without folding: folding adds and removes none).
type tickLimitHost struct {
	fakeHost
	limit int
}

func (h *tickLimitHost) Tick() string {
	if h.ticks++; h.ticks > h.limit {
		return "ERR stopped"
	}
	return ""
}

// TestFoldLibraryKeepsBehaviour loads each library into a function engine
// that folds its functions' globals (foldLibrary) and into one that does
// not, calls its function 'f' twice with two sets of keys and arguments,
// and wants the same load result and replies byte for byte. Among them:
// code that runs both at load time (the load API's 'redis') and at call
// time (the engine's), and reads of KEYS, which functions do not have.
func TestFoldLibraryKeepsBehaviour(t *testing.T) {
	libs := []string{
		"redis.register_function('f', function(keys, args) return redis.call('INCR', keys[1]) end)",
		"redis.register_function('f', function(keys, args) local n for i = 1, 10 do n = redis.call('INCR', keys[1]) end return n end)",
		// g runs at load time (the load API's redis.log) and at call time
		// (the engine's, another function).
		"local function g() return redis.log end\n" +
			"local atload = g()\n" +
			"redis.register_function('f', function() return {tostring(atload == g()), type(g())} end)",
		"local function g(k) return redis.call('GET', k) end\n" +
			"redis.register_function('f', function(keys) return g(keys[1]) end)",
		"redis.register_function('f', function() return KEYS end)",
		"redis.register_function('f', function() return ARGV[1] end)",
		"redis.register_function('f', function() return nosuchglobal end)",
		"redis.register_function('f', function() return redis.nosuchfield end)",
		"redis.register_function('f', function() redis = 1 end)",
		"redis.register_function('f', function() redis.call = 1 end)",
		"redis.register_function('f', function() return string.format('%d', math.floor(3.7)) end)",
		"redis.register_function('f', function(keys, args) return (args[1] == '1' and keys or string).len end)",
		"redis.register_function('f', function() return {redis.REDIS_VERSION, redis.LOG_WARNING} end)",
		"local t = {} redis.register_function('f', function(keys) t[#t+1] = keys[1] return #t end)",
		"redis.register_function{function_name='f', callback=function(keys) return redis.pcall('GET', keys[1]) end, flags={'no-writes'}}",
	}
	runs := []struct{ keys, argv []string }{
		{[]string{"k1", "k2"}, []string{"1", "2"}},
		{[]string{"other"}, []string{"2"}},
	}
	folded, plain := NewFunctions(), NewFunctions()
	defer folded.Close()
	defer plain.Close()
	plain.e.noFold = true
	for i, body := range libs {
		code := fmt.Sprintf("#!lua name=lib%d\n%s", i, body)
		var replies [2]string
		for j, f := range []*Functions{folded, plain} {
			var b strings.Builder
			name, msg := f.Load(f.Current(), code, false)
			fmt.Fprintf(&b, "load %q %q\n", name, msg)
			if msg == "" {
				for _, r := range runs {
					w := resp.Writer{Proto: 2}
					f.Call(f.Current().Lookup("f"), toBytes(r.keys), toBytes(r.argv), &fakeHost{}, &w)
					b.Write(w.B)
				}
				f.Swap(NewLibSet()) // frees the name f for the next library
			}
			replies[j] = b.String()
		}
		if replies[0] != replies[1] {
			t.Errorf("%s:\nfolded %q\nplain  %q", body, replies[0], replies[1])
		}
	}
	// It folds: the INCR library's function reads no global.
	name, msg := folded.Load(folded.Current(), "#!lua name=bench\nredis.register_function('bench_incr', function(keys) return redis.call('INCR', keys[1]) end)", false)
	if msg != "" {
		t.Fatal(name, msg)
	}
	p := folded.Current().Lookup("bench_incr").fn.Proto
	real, _ := scanCode(p)
	for pc, inst := range p.Code {
		if real[pc] && (opcode(inst) == lua.OP_GETGLOBAL || opcode(inst) == lua.OP_GETTABLEKS) {
			t.Errorf("bench_incr still reads a global or field at %d:\n%s", pc, p)
		}
	}
}

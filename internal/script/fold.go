package script

import (
	lua "github.com/yuin/gopher-lua"
)

// Folding read-only globals into constants.
//
// A script's globals are read-only (see protect): 'redis', 'string',
// 'redis.call', 'math.floor' and every other name reachable from them
// stand for the same value in every run of every script of one Lua
// state. Only KEYS and ARGV change between runs. gopher-lua still looks
// such a name up at each execution, and through a proxy: a read of
// 'redis.call' misses the empty proxy, fetches its metatable's __index
// and reads the view behind it, twice. That was a fifth of the
// interpreter's time in a ten-call script (docs/BENCHMARKS.md).
//
// foldGlobals rewrites the compiled code instead: GETGLOBAL of a name that
// has a value becomes LOADK of that value, and the GETTABLEKS that reads a
// constant field of it right after becomes LOADK of the field's value.
// The program's behaviour is unchanged: the value loaded is the value the
// lookup would find (the same object), no instruction is added or
// removed (jumps and line information keep their meaning), and a field
// read is folded only where no jump lands on it, so its table is always
// the folded global. Names the lookup would not find without calling a
// function (an absent global's error) are left as they are.

// gopher-lua's instruction layout (opcode.go): opcode in the top 6 bits,
// A in the next 8, then C (9 bits) and B (9 bits); Bx and sBx take B and C.
const (
	opShift   = 26
	argAShift = 18
	argCShift = 9
	maskA     = 0xff
	maskBC    = 0x1ff
	maskBx    = 0x3ffff
	maxSBx    = maskBx >> 1
	bitRK     = 1 << 8 // an RK operand naming a constant
)

func opcode(inst uint32) int { return int(inst >> opShift) }
func argA(inst uint32) int   { return int(inst>>argAShift) & maskA }
func argB(inst uint32) int   { return int(inst) & maskBC }
func argC(inst uint32) int   { return int(inst>>argCShift) & maskBC }
func argBx(inst uint32) int  { return int(inst) & maskBx }
func argSBx(inst uint32) int { return argBx(inst) - maxSBx }

func makeLoadK(a, bx int) uint32 {
	return uint32(lua.OP_LOADK)<<opShift | uint32(a)<<argAShift | uint32(bx)
}

func makeGetUpval(a, b int) uint32 {
	return uint32(lua.OP_GETUPVAL)<<opShift | uint32(a)<<argAShift | uint32(b)
}

// maxFoldLookups bounds the __index chain a folded read may follow, as
// gopher-lua's MaxTableGetLoop bounds a live one.
const maxFoldLookups = 100

// lookupConst is what reading key from v finds by following tables only:
// the raw value, else the same read of its metatable's __index while that
// is a table. It reports false where a live read would call a function
// (an __index function), fail, or find nil.
// A table for which varies(t, key) holds is not followed: its value
// for key changes between runs.
func lookupConst(v lua.LValue, key string, varies func(t *lua.LTable, key string) bool) (lua.LValue, bool) {
	for i := 0; i < maxFoldLookups; i++ {
		t, ok := v.(*lua.LTable)
		if !ok || varies(t, key) {
			return nil, false
		}
		if r := t.RawGetString(key); r != lua.LNil {
			return r, true
		}
		mt, ok := t.Metatable.(*lua.LTable)
		if !ok {
			return nil, false
		}
		v = mt.RawGetString("__index")
	}
	return nil, false
}

// foldRules say what foldGlobals may fold.
type foldRules struct {
	// global is the value of a global (false: do not fold it).
	global func(name string) (lua.LValue, bool)
	// field is the value of a field of a folded global (false: do not
	// fold the read).
	field func(v lua.LValue, key string) (lua.LValue, bool)
	// upvalue, if not nil, names the upvalue of the function that holds
	// a global read in the function's own code (not in nested
	// functions): such a GETGLOBAL becomes GETUPVAL.
	upvalue func(name string) (int, bool)
}

// foldGlobals rewrites p and the functions nested in it as the comment at
// the top of this file says.
func foldGlobals(p *lua.FunctionProto, r foldRules) {
	nested := r
	nested.upvalue = nil
	for _, sub := range p.FunctionPrototypes {
		foldGlobals(sub, nested)
	}
	code := p.Code
	real, target := scanCode(p)
	added := map[lua.LValue]int{}
	constant := func(v lua.LValue) (int, bool) {
		if i, ok := added[v]; ok {
			return i, true
		}
		if len(p.Constants) >= maskBx {
			return 0, false
		}
		p.Constants = append(p.Constants, v)
		added[v] = len(p.Constants) - 1
		return len(p.Constants) - 1, true
	}
	for pc, inst := range code {
		if !real[pc] || opcode(inst) != lua.OP_GETGLOBAL {
			continue
		}
		name, ok := p.Constants[argBx(inst)].(lua.LString)
		if !ok {
			continue
		}
		if r.upvalue != nil {
			if i, ok := r.upvalue(string(name)); ok {
				code[pc] = makeGetUpval(argA(inst), i)
				continue
			}
		}
		v, ok := r.global(string(name))
		if !ok {
			continue
		}
		k, ok := constant(v)
		if !ok {
			continue
		}
		a := argA(inst)
		code[pc] = makeLoadK(a, k)

		// The field read of that register right after it, e.g.
		// 'redis.call': its table is the global unless a jump lands
		// between the two.
		next := pc + 1
		if next >= len(code) || !real[next] || target[next] {
			continue
		}
		ni := code[next]
		if opcode(ni) != lua.OP_GETTABLEKS || argB(ni) != a || argC(ni)&bitRK == 0 {
			continue
		}
		key, ok := p.Constants[argC(ni)&^bitRK].(lua.LString)
		if !ok {
			continue
		}
		fv, ok := r.field(v, string(key))
		if !ok {
			continue
		}
		if k, ok := constant(fv); ok {
			code[next] = makeLoadK(argA(ni), k)
		}
	}
}

// scanCode marks which words of p.Code are instructions (not the operands
// some instructions carry in the words after them) and which
// instructions a jump or skip can land on other than by falling through.
func scanCode(p *lua.FunctionProto) (real, target []bool) {
	code := p.Code
	real = make([]bool, len(code))
	target = make([]bool, len(code)+2)
	for pc := 0; pc < len(code); pc++ {
		inst := code[pc]
		real[pc] = true
		switch opcode(inst) {
		case lua.OP_JMP, lua.OP_FORLOOP, lua.OP_FORPREP:
			if t := pc + 1 + argSBx(inst); t >= 0 && t < len(target) {
				target[t] = true
			}
		case lua.OP_LOADBOOL, lua.OP_EQ, lua.OP_LT, lua.OP_LE, lua.OP_TEST, lua.OP_TESTSET, lua.OP_TFORLOOP:
			// May skip the next instruction.
			target[pc+2] = true
		case lua.OP_CLOSURE:
			// Followed by one pseudo-instruction per upvalue.
			if bx := argBx(inst); bx < len(p.FunctionPrototypes) {
				pc += int(p.FunctionPrototypes[bx].NumUpvalues)
			}
			target[min(pc+1, len(code))] = true
		case lua.OP_MOVEN:
			// Followed by C moves it performs itself.
			pc += argC(inst)
			target[min(pc+1, len(code))] = true
		case lua.OP_SETLIST:
			if argC(inst) == 0 {
				pc++ // the next word is the batch number
				target[min(pc+1, len(code))] = true
			}
		}
	}
	return real, target[:len(code)]
}

// foldScriptGlobals folds an EVAL script's code against this state's
// globals. KEYS and ARGV change at every run and are not folded; the
// script's own code (its top level) reads them from two upvalues of its
// function that RunScript sets, a slice index where a global read costs
// two hash lookups behind the proxy. Functions the script defines read
// them as globals: giving them the upvalues would mean adding
// instructions.
func (e *Engine) foldScriptGlobals(fn *lua.LFunction) {
	if len(fn.Upvalues) != 0 || fn.Proto.NumUpvalues != 0 {
		return // a chunk has none; never fold what is not understood
	}
	fn.Upvalues = []*lua.Upvalue{keysUpvalue: e.keysUV, argvUpvalue: e.argvUV}
	// KEYS and ARGV live in the globals' view, set at every run.
	varies := func(t *lua.LTable, key string) bool {
		return t == e.view && (key == "KEYS" || key == "ARGV")
	}
	foldGlobals(fn.Proto, foldRules{
		global: func(name string) (lua.LValue, bool) { return lookupConst(e.proxy, name, varies) },
		field:  func(v lua.LValue, key string) (lua.LValue, bool) { return lookupConst(v, key, varies) },
		upvalue: func(name string) (int, bool) {
			switch name {
			case "KEYS":
				return keysUpvalue, true
			case "ARGV":
				return argvUpvalue, true
			}
			return 0, false
		},
	})
}

// The upvalues of a script's function that hold KEYS and ARGV. An
// Upvalue made outside gopher-lua's VM is closed: it holds its own value.
const (
	keysUpvalue = iota
	argvUpvalue
)

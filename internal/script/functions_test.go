package script

import (
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/resp"
)

type nopHost struct{}

func (nopHost) Call(args [][]byte, proto int) []byte { return []byte("+OK\r\n") }
func (nopHost) SetRepl(int)                          {}
func (nopHost) Log(int, string)                      {}
func (nopHost) Tick() string                         { return "" }

func TestFunctionsLoadErrors(t *testing.T) {
	f := NewFunctions()
	defer f.Close()
	set := f.Current()
	for _, tc := range []struct{ code, want string }{
		{"return 1", "ERR Missing library metadata"},
		{"#!lua", "ERR Invalid library metadata"},
		{"#!lua name=a b=c\n", "ERR Invalid metadata value given: b=c"},
		{"#!lua name=a name=b\n", "ERR Invalid metadata value, name argument was given multiple times"},
		{"#!lua\n", "ERR Library name was not given"},
		{"#!lua name=a-b\n", "ERR " + msgBadName},
		{"#!lua2 name=ab\n", "ERR Engine 'lua2' not found"},
		{"#!lua name=ab\nreturn 5", "ERR No functions registered"},
		{"#!lua name=ab\nlocal x = string.format('%d', 5)", "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'string'"},
		{"#!lua name=ab\nredis.call('ping')", "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'"},
		{"#!lua name=ab\nx = 1", "ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table"},
		{"#!lua name=ab\nredis.register_function('a')", "ERR Error registering functions: ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments)."},
		{"#!lua name=ab\nredis.register_function{function_name='x', callback=function() end, flags={'bad'}}", "ERR Error registering functions: ERR unknown flag given"},
		{"#!lua name=ab\nredis.register_function('x', function() end) redis.register_function('X', function() end)", "ERR Error registering functions: ERR Function already exists in the library"},
	} {
		_, got := f.Load(set, tc.code, false)
		if got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.code, got, tc.want)
		}
	}
	if _, got := f.Load(set, "#!lua name=ab\nsyntax error here", false); !strings.HasPrefix(got, "ERR Error compiling function: user_function:2: ") {
		t.Errorf("compile error %q", got)
	}
	if set.Len() != 0 {
		t.Fatalf("failed loads left %d libraries", set.Len())
	}
}

func TestFunctionsLoadCall(t *testing.T) {
	f := NewFunctions()
	defer f.Close()
	set := f.Current()
	name, msg := f.Load(set, "#!lua name=lib1\nredis.log(redis.LOG_WARNING, 'hi')\nredis.register_function('f1', function(keys, args) return {keys[1], args[1], string.format('%d', #args)} end)\nredis.register_function{function_name='f2', callback=function() return KEYS end, flags={'no-writes'}, description='d'}", false)
	if msg != "" || name != "lib1" {
		t.Fatal(name, msg)
	}
	if _, msg := f.Load(set, "#!lua name=lib1\nredis.register_function('f3', function() end)", false); msg != "ERR Library 'lib1' already exists" {
		t.Fatal(msg)
	}
	if _, msg := f.Load(set, "#!lua name=lib2\nredis.register_function('F1', function() end)", false); msg != "ERR Function F1 already exists" {
		t.Fatal(msg)
	}
	fn := set.Lookup("F1")
	if fn == nil || fn.Lib.Name != "lib1" {
		t.Fatal("lookup")
	}
	var w resp.Writer
	w.Proto = 2
	f.Call(fn, [][]byte{[]byte("k")}, [][]byte{[]byte("a"), []byte("b")}, nopHost{}, &w)
	if got := string(w.B); got != "*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n2\r\n" {
		t.Fatalf("reply %q", got)
	}
	w.Reset()
	f.Call(set.Lookup("f2"), nil, nil, nopHost{}, &w)
	if got := string(w.B); !strings.Contains(got, "nonexistent global variable 'KEYS' script: f2, on @user_function:4.") {
		t.Fatalf("reply %q", got)
	}
	if fl := set.Lookup("f2").Flags; fl != FlagNoWrites {
		t.Fatal(fl)
	}
	// REPLACE keeps the function names of the old library free.
	if _, msg := f.Load(set, "#!lua name=lib1\nredis.register_function('f1', function() return 7 end)", true); msg != "" {
		t.Fatal(msg)
	}
	if set.Lookup("f2") != nil || set.Funcs() != 1 {
		t.Fatal("replace kept old functions")
	}
}

func TestFunctionsLoadTimeout(t *testing.T) {
	f := NewFunctions()
	defer f.Close()
	f.SetTimeout(50 * time.Millisecond)
	_, msg := f.Load(f.Current(), "#!lua name=ab\nwhile true do end", false)
	if msg != "ERR Error registering functions: ERR FUNCTION LOAD timeout" {
		t.Fatal(msg)
	}
}

// FuzzFunctionLoad loads arbitrary library sources: Load never panics,
// leaves the set unchanged on failure, and what loads registered at least
// one function under a valid name, and can be called.
func FuzzFunctionLoad(f *testing.F) {
	for _, s := range []string{
		"#!lua name=a\nredis.register_function('f', function() return 1 end)",
		"#!lua name=a\nredis.register_function{function_name='f', callback=function(k, a) return {k, a} end, flags={'no-writes'}}",
		"#!lua name=a\nredis.register_function('f', function() error('x') end)",
		"#!lua name=a\nlocal t = {} for i = 1, 100 do t[i] = i end redis.register_function('f', function() return t end)",
		"#!lua name=a\nwhile true do end",
		"#!lua name=\"a b\"\n", "#!lua", "return 1",
	} {
		f.Add(s)
	}
	fns := NewFunctions()
	defer fns.Close()
	fns.SetTimeout(20 * time.Millisecond)
	fns.e.MaxHeapGrowth = 64 << 20
	f.Fuzz(func(t *testing.T, code string) {
		set := NewLibSet()
		name, msg := fns.Load(set, code, false)
		if msg != "" {
			if set.Len() != 0 || set.Funcs() != 0 {
				t.Fatalf("failed load left %d libraries", set.Len())
			}
			if !strings.HasPrefix(msg, "ERR ") {
				t.Fatalf("error without ERR: %q", msg)
			}
			return
		}
		lib := set.Library(name)
		if lib == nil || len(lib.Funcs) == 0 || !validName(name) {
			t.Fatalf("loaded %q without functions", name)
		}
		var w resp.Writer
		w.Proto = 2
		fns.Call(lib.Funcs[0], nil, nil, tickHost{deadline: time.Now().Add(20 * time.Millisecond)}, &w)
		if len(w.B) == 0 {
			t.Fatal("no reply")
		}
	})
}

// tickHost stops a script at its deadline.
type tickHost struct {
	nopHost
	deadline time.Time
}

func (h tickHost) Tick() string {
	if time.Now().After(h.deadline) {
		return "ERR timeout"
	}
	return ""
}

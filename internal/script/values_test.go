package script

import (
	"math"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// Boxed values from the pages are the values lua.LNumber and lua.LString
// make: equal, of the same type, and unchanged by the values boxed after
// them (more than a page's worth).
func TestValuePages(t *testing.T) {
	var p valuePages
	nums := []float64{0, 1, 255, 256, -1, 1.5, 1e300, math.Inf(-1), math.Copysign(0, -1), -9223372036854775808, 12345}
	var boxed []lua.LValue
	var want []lua.LValue
	for i := 0; i < 3*valuePageLen; i++ {
		f := nums[i%len(nums)]
		boxed = append(boxed, p.number(f))
		want = append(want, lua.LNumber(f))
		s := strings.Repeat("k", i%5) + string(rune('a'+i%26))
		boxed = append(boxed, p.str(s))
		want = append(want, lua.LString(s))
	}
	boxed = append(boxed, p.str(""))
	want = append(want, lua.LString(""))
	for i := range boxed {
		if boxed[i].Type() != want[i].Type() || boxed[i] != want[i] {
			t.Fatalf("value %d: %#v (%s), want %#v (%s)", i, boxed[i], boxed[i].Type(), want[i], want[i].Type())
		}
		if n, ok := want[i].(lua.LNumber); ok && math.Signbit(float64(n)) != math.Signbit(float64(boxed[i].(lua.LNumber))) {
			t.Fatalf("value %d: sign of %v lost", i, n)
		}
	}
	if v := p.number(math.NaN()); v.(lua.LNumber) == v.(lua.LNumber) {
		t.Fatal("NaN boxed as a number equal to itself")
	}
}

// bytesTable copies the arguments: changing them afterwards changes
// nothing in the table.
func TestValuePagesBytesTable(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	var p valuePages
	args := [][]byte{[]byte("key"), {}, []byte("value\x00bin")}
	tb := p.bytesTable(L, args)
	copy(args[0], "XXX")
	copy(args[2], "XXXXXXXXX")
	for i, want := range []string{"key", "", "value\x00bin"} {
		if got := tb.RawGetInt(i + 1); got != lua.LString(want) {
			t.Errorf("[%d] = %#v, want %q", i+1, got, want)
		}
	}
	if tb.Len() != 3 {
		t.Errorf("len %d", tb.Len())
	}
	if n := p.bytesTable(L, nil).Len(); n != 0 {
		t.Errorf("empty table of length %d", n)
	}
	empty := p.bytesTable(L, [][]byte{{}, {}})
	if empty.Len() != 2 || empty.RawGetInt(2) != lua.LString("") {
		t.Errorf("table of empty strings: len %d", empty.Len())
	}
}

// A page of strings that may hold large strings is dropped at the end of
// a run; one holding a few small ones is kept.
func TestValuePagesEndRun(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	var p valuePages
	p.bytesTable(L, [][]byte{[]byte("small")})
	p.endRun()
	if len(p.strs) != 1 {
		t.Fatalf("small page dropped (%d strings)", len(p.strs))
	}
	big := make([]byte, maxKeptValueBytes+1)
	p.bytesTable(L, [][]byte{big})
	p.endRun()
	if p.strs != nil || p.kept != 0 {
		t.Fatalf("page holding %d bytes kept", p.kept)
	}
	reply := "$" + "70000" + "\r\n" + strings.Repeat("x", 70000) + "\r\n"
	v, _, err := p.replyToLua(L, []byte(reply))
	if err != nil || len(string(v.(lua.LString))) != 70000 {
		t.Fatalf("bulk reply: %v", err)
	}
	p.endRun()
	if p.strs != nil {
		t.Fatal("page holding a 70000-byte reply kept")
	}
}

// Lookup finds a script in either case, remembers the last one, and
// forgets it with the cache (SCRIPT FLUSH).
func TestLookupLast(t *testing.T) {
	e := New()
	defer e.Close()
	sha, msg := e.Load("return 1")
	if msg != "" {
		t.Fatal(msg)
	}
	other, _ := e.Load("return 2")
	for _, q := range []string{sha, strings.ToUpper(sha), sha, other, sha} {
		c, ok := e.Lookup([]byte(q))
		if !ok || c.SHA() != strings.ToLower(q) {
			t.Fatalf("Lookup(%s) = %v, %v", q, c, ok)
		}
	}
	if _, ok := e.Lookup([]byte(strings.Repeat("0", 40))); ok {
		t.Fatal("unknown SHA1 found")
	}
	e.Flush()
	if _, ok := e.Lookup([]byte(sha)); ok {
		t.Fatal("script found after Flush")
	}
}

// TestReuseArgTables: a script that changes its KEYS or ARGV table in any
// way leaves the next run a fresh one, and one that does not leaves it
// the same table refilled; either way the next script sees what it would
// see on a new engine.
func TestReuseArgTables(t *testing.T) {
	probe := "local s = #KEYS .. ',' .. #ARGV " +
		"local v = {KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], KEYS.x, ARGV.y, rawget(KEYS, 5)} " +
		"for i = 1, 8 do s = s .. ',' .. tostring(v[i]) end " +
		"return s .. ',' .. tostring(getmetatable(KEYS)) .. ',' .. tostring(getmetatable(ARGV)) .. ',' .. tostring(next(KEYS, #KEYS)) .. ',' .. tostring(KEYS.nokey)"
	fresh := New()
	defer fresh.Close()
	want := runWith(fresh, probe, []string{"k3", "k4"}, []string{"a2"})
	if !strings.Contains(want, "2,1,k3,k4,nil,a2,nil") {
		t.Fatalf("probe on a new engine: %q", want)
	}
	for _, change := range []string{
		"return 1",
		"KEYS[1] = nil",
		"KEYS[3] = 'extra'",
		"KEYS[5] = 'far'",
		"KEYS.x = 1",
		"KEYS.x = 1 KEYS.x = nil",
		"KEYS[1.5] = 1",
		"KEYS[0] = 1",
		"setmetatable(KEYS, {__index = function() return 'meta' end})",
		"setmetatable(ARGV, {})",
		"table.insert(KEYS, 'z')",
		"table.remove(KEYS)",
		"table.remove(KEYS, 1)",
		"ARGV[1] = 'changed'",
		"rawset(ARGV, 'y', 2)",
		"for i = 1, 100 do KEYS[i] = i end",
		"for i = 1, 100 do KEYS[i] = i end for i = 3, 100 do KEYS[i] = nil end",
		"error('fails')",
	} {
		e := New()
		runWith(e, change, []string{"k1", "k2"}, []string{"a1"})
		if got := runWith(e, probe, []string{"k3", "k4"}, []string{"a2"}); got != want {
			t.Errorf("after %q: %q, want %q", change, got, want)
		}
		e.Close()
	}
	// Reused: a script that leaves its tables alone allocates none.
	e := New()
	defer e.Close()
	runWith(e, "return 1", []string{"k1"}, []string{"a1"})
	kt := e.keysT.t
	runWith(e, "return #KEYS", []string{"k2"}, []string{"a2"})
	if e.keysT.t != kt {
		t.Fatal("KEYS was not reused")
	}
	runWith(e, "return 1", []string{"k1", "k2"}, nil) // another count: a new table
	if e.keysT.t == kt {
		t.Fatal("KEYS of another length reused")
	}
}

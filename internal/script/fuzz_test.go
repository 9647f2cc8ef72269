package script

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/vestadb/vesta/internal/resp"
)

// FuzzConversion feeds arbitrary bytes to the RESP -> Lua conversion and
// writes what it produced back with the Lua -> RESP rules in both
// protocols: neither may panic, and a well-formed RESP2 array of bulk
// strings and integers must come back byte for byte.
func FuzzConversion(f *testing.F) {
	for _, s := range []string{"+OK\r\n", "-ERR x\r\n", ":12\r\n", "$3\r\nabc\r\n", "$-1\r\n", "*-1\r\n",
		"*2\r\n$1\r\na\r\n:1\r\n", "%1\r\n$1\r\na\r\n:1\r\n", "~1\r\n$1\r\na\r\n", ",1.5\r\n", "(12\r\n",
		"=7\r\ntxt:abc\r\n", "#t\r\n", "_\r\n", "|1\r\n+a\r\n+b\r\n:1\r\n", "*1\r\n*1\r\n*1\r\n:0\r\n"} {
		f.Add([]byte(s))
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	f.Fuzz(func(t *testing.T, b []byte) {
		v, n, err := replyToLua(L, b)
		if err != nil {
			return
		}
		if n > len(b) {
			t.Fatalf("used %d of %d bytes", n, len(b))
		}
		for _, proto := range []int{2, 3} {
			w := resp.Writer{Proto: proto}
			luaToReply(&w, v, proto == 3, 0)
			if len(w.B) == 0 {
				t.Fatal("no reply")
			}
		}
		if plainRESP2(b[:n]) {
			w := resp.Writer{Proto: 2}
			luaToReply(&w, v, false, 0)
			if string(w.B) != string(b[:n]) {
				t.Fatalf("round trip %q -> %q", b[:n], w.B)
			}
		}
	})
}

// plainRESP2 reports whether b is an array (possibly nested) of non-empty
// bulk strings and integers in canonical form, which the conversions
// must carry through unchanged.
func plainRESP2(b []byte) bool {
	n, ok := plainValue(b)
	return ok && n == len(b)
}

func plainValue(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	line, n, err := readLine(b[1:])
	if err != nil {
		return 0, false
	}
	n++
	num, ok := resp.ParseInt(line)
	if !ok || string(line) != itoa(num) {
		return 0, false
	}
	switch b[0] {
	case ':':
		// Lua numbers are doubles: integers beyond 2^53 do not survive.
		return n, num > -1<<53 && num < 1<<53
	case '$':
		if num < 0 || len(b) < n+int(num)+2 || string(b[n+int(num):n+int(num)+2]) != "\r\n" {
			return 0, false
		}
		return n + int(num) + 2, true
	case '*':
		if num < 0 || num > 64 {
			return 0, false
		}
		for i := int64(0); i < num; i++ {
			m, ok := plainValue(b[n:])
			if !ok {
				return 0, false
			}
			n += m
		}
		return n, true
	}
	return 0, false
}

func itoa(n int64) string { return string(resp.AppendDouble(nil, float64(n))) }

// FuzzLibraryParsers feeds arbitrary bytes to the libraries that parse
// (cjson.decode, cmsgpack.unpack, struct.unpack with the input as format
// and as data) and to the compiler: every outcome must be a reply, never a
// panic or a hang.
func FuzzLibraryParsers(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, "\x93\x01\x02\xa1x", "\xdc\xff\xff", ">i4", "!8 d c0", "\"\\ud83d\\ude00\"",
		"return 1", "local t = {} for i = 1, 10 do t[i] = i end return t"} {
		f.Add([]byte(s))
	}
	e := New()
	defer e.Close()
	e.MaxHeapGrowth = 64 << 20
	h := &fakeHost{}
	scripts := []string{
		"return {pcall(cjson.decode, ARGV[1])}",
		"return {pcall(cmsgpack.unpack, ARGV[1])}",
		"return {pcall(struct.unpack, ARGV[1], 'abcdefghijklmnopqrstuvwxyz0123456789')}",
		"return {pcall(struct.unpack, 'bhilBHILc3sfd', ARGV[1])}",
		"return {pcall(struct.pack, ARGV[1], 1, 2, 3, 'x', 'y')}",
		"return {pcall(cjson.encode, cjson.decode(ARGV[1]))}",
		"return {pcall(loadstring, ARGV[1])}",
	}
	var shas []string
	for _, s := range scripts {
		sha, msg := e.Load(s)
		if msg != "" {
			f.Fatal(msg)
		}
		shas = append(shas, sha)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, sha := range shas {
			w := resp.Writer{Proto: 2}
			e.Run(sha, nil, [][]byte{b}, h, &w)
			if len(w.B) == 0 {
				t.Fatal("no reply")
			}
		}
		if _, msg := e.Load(string(b)); msg == "" {
			e.Flush()
		}
	})
}

// TestSmallIntReplyAgrees checks replyToLua's integer shortcut against the
// general parser it bypasses: same value, same length, or no shortcut.
func TestSmallIntReplyAgrees(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, s := range []string{":0\r\n", ":-0\r\n", ":7\r\n", ":-12\r\n", ":007\r\n", ":123456789012345678\r\n",
		":-123456789012345678\r\n", ":1234567890123456789\r\n", ":9223372036854775807\r\n", ":-9223372036854775808\r\n",
		":99999999999999999999\r\n", ":\r\n", ":-\r\n", ":+1\r\n", ":1x\r\n", ":1\r", ":1\n", ":12\r\n:3\r\n", ":1 \r\n", "+1\r\n"} {
		want, wn, werr := (&replyParser{L: L, vals: &valuePages{}, src: []byte(s)}).parse(0, 0)
		got, gn, gerr := (&valuePages{}).replyToLua(L, []byte(s))
		if (werr == nil) != (gerr == nil) || gn != wn || (werr == nil && (got.Type() != want.Type() || got.Type() == lua.LTNumber && got != want)) {
			t.Errorf("%q: shortcut %v,%d,%v; parser %v,%d,%v", s, got, gn, gerr, want, wn, werr)
		}
		if _, _, ok := smallIntReply([]byte(s)); ok && (got.Type() != lua.LTNumber) {
			t.Errorf("%q: shortcut gave %v", s, got)
		}
	}
}

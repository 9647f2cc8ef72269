package compat

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vestadb/vesta/internal/testutil"
)

// clientStates opens connections in the states CLIENT LIST tells apart
// (in MULTI with two queued commands, blocked, subscribed, with half a
// command sent, RESP3) and returns CLIENT LIST and CLIENT INFO as seen
// from one more connection.
func clientStates(t *testing.T, s *testutil.Server) (list, info string) {
	t.Helper()
	m := testutil.Dial(t, s.Addr)
	m.Do("CLIENT", "SETNAME", "multi")
	m.Do("MULTI")
	m.Do("SET", "k", "v")
	m.Do("SET", "key2", "value2")
	b := testutil.Dial(t, s.Addr)
	b.Do("CLIENT", "SETNAME", "blocked")
	b.Send("BLPOP", "list", "0")
	sub := testutil.Dial(t, s.Addr)
	sub.Do("CLIENT", "SETNAME", "sub")
	sub.Do("SUBSCRIBE", "ch")
	p := testutil.Dial(t, s.Addr)
	p.Do("CLIENT", "SETNAME", "partial")
	p.WriteRaw([]byte("*3\r\n$3\r\nset\r\n$1\r\n"))
	r3 := testutil.Dial(t, s.Addr)
	r3.Do("HELLO", "3", "SETNAME", "resp3")
	c := testutil.Dial(t, s.Addr)
	c.Do("CLIENT", "SETNAME", "caller")
	time.Sleep(100 * time.Millisecond) // the BLPOP and the partial command arrive
	return bulkText(t, c.Do("CLIENT", "LIST")), bulkText(t, c.Do("CLIENT", "INFO"))
}

func bulkText(t *testing.T, raw []byte) string {
	t.Helper()
	s := string(raw)
	if !strings.HasPrefix(s, "$") {
		t.Fatalf("not a bulk reply: %q", s)
	}
	_, body, _ := strings.Cut(s, "\r\n")
	return strings.TrimSuffix(body, "\r\n")
}

// fields splits a CLIENT LIST line into its names, in order, and values.
func fields(line string) (names []string, values map[string]string) {
	values = map[string]string{}
	for _, f := range strings.Fields(line) {
		k, v, _ := strings.Cut(f, "=")
		names = append(names, k)
		values[k] = v
	}
	return names, values
}

// byName indexes CLIENT LIST lines by client name.
func byName(list string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		_, v := fields(line)
		out[v["name"]] = line
	}
	return out
}

// TestClientListFields compares CLIENT LIST and CLIENT INFO with Redis's:
// the same field names in the same order for every kind of client, and
// the same values where both servers hold the same thing (queued
// commands, a blocked command's arguments, the caller's own arguments,
// empty output buffers). Values that measure allocations (qbuf-free,
// multi-mem, rbs, tot-mem) are only checked to be numbers, non-zero where
// a buffer exists; docs/COMPATIBILITY.md says how Vesta counts them.
func TestClientListFields(t *testing.T) {
	r := testutil.StartRedis(t)
	v := testutil.StartVesta(t)
	rList, rInfo := clientStates(t, r)
	vList, vInfo := clientStates(t, v)
	rn, vn := byName(rList), byName(vList)
	if len(rn) != len(vn) {
		t.Fatalf("Redis lists %d clients, Vesta %d:\n%s\n---\n%s", len(rn), len(vn), rList, vList)
	}
	same := map[string][]string{
		"multi":   {"multi", "qbuf", "argv-mem", "obl", "oll", "omem", "sub", "psub", "flags"},
		"blocked": {"multi", "qbuf", "argv-mem", "multi-mem", "obl", "oll", "omem", "flags", "cmd"},
		"sub":     {"multi", "qbuf", "argv-mem", "multi-mem", "obl", "oll", "omem", "sub", "flags"},
		"partial": {"multi", "multi-mem", "obl", "oll", "omem", "flags"},
		"resp3":   {"multi", "qbuf", "argv-mem", "multi-mem", "obl", "oll", "omem", "resp"},
		"caller":  {"multi", "argv-mem", "multi-mem", "obl", "oll", "omem", "cmd"},
	}
	number := regexp.MustCompile(`^-?\d+$`)
	for name, rl := range rn {
		vl, ok := vn[name]
		if !ok {
			t.Errorf("client %s missing from Vesta's list:\n%s", name, vList)
			continue
		}
		rNames, rv := fields(rl)
		vNames, vv := fields(vl)
		if strings.Join(rNames, " ") != strings.Join(vNames, " ") {
			t.Errorf("client %s: field names differ:\nredis %s\nvesta %s", name, strings.Join(rNames, " "), strings.Join(vNames, " "))
		}
		for _, f := range same[name] {
			if rv[f] != vv[f] {
				t.Errorf("client %s: %s=%s, Redis says %s", name, f, vv[f], rv[f])
			}
		}
		for _, f := range []string{"qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem"} {
			if !number.MatchString(vv[f]) {
				t.Errorf("client %s: %s=%q is not a number", name, f, vv[f])
			}
		}
		if n, _ := strconv.Atoi(vv["tot-mem"]); n <= 0 {
			t.Errorf("client %s: tot-mem=%s", name, vv["tot-mem"])
		}
	}
	if _, m := fields(vn["multi"]); m["multi-mem"] == "0" {
		t.Errorf("two queued commands and multi-mem=0: %s", vn["multi"])
	}
	if _, m := fields(vn["partial"]); m["qbuf"] == "0" {
		t.Errorf("half a command received and qbuf=0: %s", vn["partial"])
	}
	rNames, _ := fields(rInfo)
	vNames, vv := fields(vInfo)
	if strings.Join(rNames, " ") != strings.Join(vNames, " ") {
		t.Errorf("CLIENT INFO field names differ:\nredis %s\nvesta %s", strings.Join(rNames, " "), strings.Join(vNames, " "))
	}
	if vv["argv-mem"] != "10" { // "client" "info"
		t.Errorf("CLIENT INFO argv-mem=%s, want 10", vv["argv-mem"])
	}
}

// TestLolwutShape compares LOLWUT with Redis's: byte for byte where the
// picture has no randomness (one line naming the version; Schotter with
// at most two rows of squares, which are never turned), and otherwise the
// same number of lines, the same width of every line and the same credit
// lines; in RESP3 a verbatim "txt" string on both.
func TestLolwutShape(t *testing.T) {
	r := testutil.StartRedis(t)
	v := testutil.StartVesta(t)
	rc, vc := testutil.Dial(t, r.Addr), testutil.Dial(t, v.Addr)
	exact := [][]string{
		{"LOLWUT"}, {"LOLWUT", "VERSION"}, {"LOLWUT", "foo"}, {"LOLWUT", "VERSION", "7"}, {"LOLWUT", "VERSION", "-1"},
		{"LOLWUT", "VERSION", "x"}, {"LOLWUT", "VERSION", "5", "x"}, {"LOLWUT", "VERSION", "6", "1", "x"},
		{"LOLWUT", "VERSION", "5", "1", "1", "1"}, {"LOLWUT", "VERSION", "5", "10", "1", "2"},
		{"LOLWUT", "VERSION", "5", "10", "4", "2"}, {"LOLWUT", "VERSION", "5", "0", "0", "0"},
		{"LOLWUT", "VERSION", "5", "-9223372036854775808", "1", "1"},
		{"LOLWUT", "VERSION", "4294967301", "5", "1", "1"}, {"LOLWUT", "VERSION", "5", "40", "3", "2", "extra"},
		{"LOLWUT", "VERSION", "9223372036854775807"}, {"LOLWUT", "VERSION", "99999999999999999999"},
	}
	for _, cmd := range exact {
		if rr, vr := string(rc.Do(cmd...)), string(vc.Do(cmd...)); rr != vr {
			t.Errorf("%q:\nredis %q\nvesta %q", cmd, rr, vr)
		}
	}
	shaped := [][]string{
		{"LOLWUT", "VERSION", "5"}, {"LOLWUT", "VERSION", "5", "30", "4", "6"}, {"LOLWUT", "VERSION", "5", "7", "3", "3"},
		{"LOLWUT", "VERSION", "5", "1000", "200", "200"}, {"LOLWUT", "VERSION", "6"}, {"LOLWUT", "VERSION", "6", "3", "2"},
		{"LOLWUT", "VERSION", "6", "0", "0"}, {"LOLWUT", "VERSION", "6", "120", "5"},
	}
	for _, cmd := range shaped {
		rs, vs := shape(bulkText(t, rc.Do(cmd...))), shape(bulkText(t, vc.Do(cmd...)))
		if rs != vs {
			t.Errorf("%q: shapes differ:\nredis %s\nvesta %s", cmd, rs, vs)
		}
	}
	for _, c := range []*testutil.Conn{rc, vc} {
		c.Do("HELLO", "3")
	}
	for _, cmd := range [][]string{{"LOLWUT"}, {"LOLWUT", "VERSION", "5", "1", "1", "1"}} {
		if rr, vr := string(rc.Do(cmd...)), string(vc.Do(cmd...)); rr != vr || !strings.Contains(rr, "\r\ntxt:") {
			t.Errorf("RESP3 %q:\nredis %q\nvesta %q", cmd, rr, vr)
		}
	}
	if rr, vr := shape(verbatimText(rc.Do("LOLWUT", "VERSION", "6", "4", "4"))), shape(verbatimText(vc.Do("LOLWUT", "VERSION", "6", "4", "4"))); rr != vr {
		t.Errorf("RESP3 VERSION 6: shapes differ:\nredis %s\nvesta %s", rr, vr)
	}
}

func verbatimText(raw []byte) string {
	_, body, _ := strings.Cut(string(raw), "\r\ntxt:")
	return strings.TrimSuffix(body, "\r\n")
}

// ansiCell is one coloured cell of the VERSION 6 picture.
var ansiCell = regexp.MustCompile("\x1b\\[0;\\d+;\\d+m \x1b\\[0m")

// shape summarises a LOLWUT picture: its line count, the distinct widths
// of its lines (in characters, coloured cells counted as one) with how
// many lines have each, and its last two lines.
func shape(s string) string {
	lines := strings.Split(s, "\n")
	widths := map[int]int{}
	for _, l := range lines[:max(0, len(lines)-3)] {
		widths[utf8.RuneCountInString(ansiCell.ReplaceAllString(l, "x"))]++
	}
	last := lines[max(0, len(lines)-3):]
	return strconv.Itoa(len(lines)) + " lines, widths " + strings.TrimPrefix(strings.TrimSpace(
		strings.ReplaceAll(strings.Trim(strings.ReplaceAll(fmtMap(widths), " ", ","), "[]"), "map", "")), "") +
		", ending " + strconv.Quote(strings.Join(last, "\n"))
}

func fmtMap(m map[int]int) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(strconv.Itoa(k) + ":" + strconv.Itoa(m[k]) + " ")
	}
	return b.String()
}

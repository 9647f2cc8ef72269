package main

import (
	"strings"
	"testing"
)

// runLines executes commands, each a space-separated line, on a fresh
// keyspace and returns each reply.
func runLines(t *testing.T, lines ...string) []string {
	t.Helper()
	d := newDB()
	var replies []string
	for _, l := range lines {
		b := newBatch()
		b.argv = append(b.argv, toArgv(strings.Fields(l))...)
		b.ends = append(b.ends, len(b.argv))
		d.run(b)
		replies = append(replies, string(b.out))
	}
	return replies
}

func TestExec(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"ping", []string{"PING", "ping hi", "PING a b"}, []string{"+PONG\r\n", "$2\r\nhi\r\n", "-ERR wrong number of arguments for 'ping' command\r\n"}},
		{"set get", []string{"SET k v", "GET k", "GET nope"}, []string{"+OK\r\n", "$1\r\nv\r\n", "$-1\r\n"}},
		{"set overwrite same length", []string{"SET k ab", "SET k cd", "GET k"}, []string{"+OK\r\n", "+OK\r\n", "$2\r\ncd\r\n"}},
		{"set overwrite other length", []string{"SET k ab", "SET k xyz", "GET k"}, []string{"+OK\r\n", "+OK\r\n", "$3\r\nxyz\r\n"}},
		{"set options", []string{"SET k v EX 10"}, []string{"-ERR syntax error\r\n"}},
		{"case", []string{"sEt k v", "gEt k"}, []string{"+OK\r\n", "$1\r\nv\r\n"}},
		{"incr new", []string{"INCR c", "INCR c", "GET c"}, []string{":1\r\n", ":2\r\n", "$1\r\n2\r\n"}},
		{"incr grows", []string{"SET c 9", "INCR c", "INCR c", "GET c"}, []string{"+OK\r\n", ":10\r\n", ":11\r\n", "$2\r\n11\r\n"}},
		{"incr negative", []string{"SET c -1", "INCR c", "GET c"}, []string{"+OK\r\n", ":0\r\n", "$1\r\n0\r\n"}},
		{"incr not int", []string{"SET c x", "INCR c", "SET d 01", "INCR d"}, []string{"+OK\r\n", "-ERR value is not an integer or out of range\r\n", "+OK\r\n", "-ERR value is not an integer or out of range\r\n"}},
		{"incr overflow", []string{"SET c 9223372036854775807", "INCR c"}, []string{"+OK\r\n", "-ERR increment or decrement would overflow\r\n"}},
		{"incr does not alias set", []string{"SET c 10", "GET c", "INCR c", "GET c"}, []string{"+OK\r\n", "$2\r\n10\r\n", ":11\r\n", "$2\r\n11\r\n"}},
		{"del dbsize flushall", []string{"SET a 1", "SET b 2", "DEL a x", "DBSIZE", "FLUSHALL", "DBSIZE"}, []string{"+OK\r\n", "+OK\r\n", ":1\r\n", ":1\r\n", "+OK\r\n", ":0\r\n"}},
		{"config", []string{"CONFIG GET save", "config get APPENDONLY", "CONFIG GET maxmemory", "CONFIG SET save x"}, []string{
			"*2\r\n$4\r\nsave\r\n$0\r\n\r\n", "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n", "*0\r\n", "-ERR unsupported CONFIG subcommand in execmodel\r\n"}},
		{"unknown", []string{"FOO a b", "AVERYLONGCOMMANDNAME"}, []string{"-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n", "-ERR unknown command 'AVERYLONGCOMMANDNAME', with args beginning with: \r\n"}},
		{"arity", []string{"GET", "SET k", "INCR", "ECHO", "DEL"}, []string{
			"-ERR wrong number of arguments for 'get' command\r\n", "-ERR wrong number of arguments for 'set' command\r\n",
			"-ERR wrong number of arguments for 'incr' command\r\n", "-ERR wrong number of arguments for 'echo' command\r\n",
			"-ERR wrong number of arguments for 'del' command\r\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runLines(t, tt.lines...)
			for i := range tt.want {
				if got[i] != tt.want[i] {
					t.Errorf("%q: got %q, want %q", tt.lines[i], got[i], tt.want[i])
				}
			}
		})
	}
}

func TestRunStopsAtQuit(t *testing.T) {
	d := newDB()
	b := newBatch()
	for _, l := range []string{"SET a 1", "QUIT", "SET b 2"} {
		b.argv = append(b.argv, toArgv(strings.Fields(l))...)
		b.ends = append(b.ends, len(b.argv))
	}
	d.run(b)
	if got, want := string(b.out), "+OK\r\n+OK\r\n"; got != want || !b.quit {
		t.Fatalf("got %q quit=%v, want %q quit=true", got, b.quit, want)
	}
	if _, ok := d.m["b"]; ok {
		t.Fatalf("got key b set, want commands after QUIT skipped")
	}
}

// BenchmarkRunBatch runs the redis-benchmark workload, a batch of 16 SET,
// GET or INCR commands on one key, and must not allocate.
func BenchmarkRunBatch(b *testing.B) {
	for _, cmd := range []string{"SET key:__rand_int__ VXK", "GET key:__rand_int__", "INCR counter:__rand_int__"} {
		b.Run(strings.Fields(cmd)[0], func(b *testing.B) {
			d := newDB()
			bt := newBatch()
			for range 16 {
				bt.argv = append(bt.argv, toArgv(strings.Fields(cmd))...)
				bt.ends = append(bt.ends, len(bt.argv))
			}
			d.run(bt)
			b.ReportAllocs()
			for b.Loop() {
				bt.out = bt.out[:0]
				d.run(bt)
			}
		})
	}
}

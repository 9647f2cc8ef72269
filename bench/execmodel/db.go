package main

import (
	"bytes"
	"math"
	"strconv"
)

// db is the keyspace. It is not safe for concurrent use: an execution model
// decides who may call run.
type db struct {
	m map[string][]byte
}

// newDB returns an empty keyspace.
func newDB() *db {
	return &db{m: make(map[string][]byte)}
}

// run executes the commands of b in order and appends their replies to
// b.out. After QUIT it stops and sets b.quit.
func (d *db) run(b *batch) {
	start := 0
	for _, end := range b.ends {
		b.out = d.exec(b.argv[start:end], b.out, b)
		start = end
		if b.quit {
			return
		}
	}
}

// Reply texts shared with Redis 7.0.
const (
	errNotInt   = "ERR value is not an integer or out of range"
	errOverflow = "ERR increment or decrement would overflow"
	errSyntax   = "ERR syntax error"
)

// exec runs one command and appends its reply to out.
func (d *db) exec(argv [][]byte, out []byte, b *batch) []byte {
	var lower [16]byte
	name := argv[0]
	if len(name) > len(lower) {
		return appendUnknown(out, argv)
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(name)]) {
	case "get":
		if len(argv) != 2 {
			return appendArity(out, "get")
		}
		if v, ok := d.m[string(argv[1])]; ok {
			return appendBulk(out, v)
		}
		return appendNull(out)
	case "set":
		if len(argv) < 3 {
			return appendArity(out, "set")
		}
		if len(argv) > 3 {
			return appendError(out, errSyntax)
		}
		d.set(argv[1], argv[2])
		return appendSimple(out, "OK")
	case "incr":
		if len(argv) != 2 {
			return appendArity(out, "incr")
		}
		return d.incr(argv[1], out)
	case "ping":
		switch len(argv) {
		case 1:
			return appendSimple(out, "PONG")
		case 2:
			return appendBulk(out, argv[1])
		}
		return appendArity(out, "ping")
	case "echo":
		if len(argv) != 2 {
			return appendArity(out, "echo")
		}
		return appendBulk(out, argv[1])
	case "del":
		if len(argv) < 2 {
			return appendArity(out, "del")
		}
		var n int64
		for _, k := range argv[1:] {
			if _, ok := d.m[string(k)]; ok {
				delete(d.m, string(k))
				n++
			}
		}
		return appendInt(out, n)
	case "dbsize":
		return appendInt(out, int64(len(d.m)))
	case "flushall", "flushdb":
		clear(d.m)
		return appendSimple(out, "OK")
	case "config":
		return configCommand(argv, out)
	case "quit":
		b.quit = true
		return appendSimple(out, "OK")
	}
	return appendUnknown(out, argv)
}

// set stores a copy of val under key. When the key already holds a value of
// the same length the bytes are overwritten in place, which avoids both the
// value and the map key allocation; the store owns every value, and replies
// copy values out, so nobody can observe the difference.
func (d *db) set(key, val []byte) {
	if old, ok := d.m[string(key)]; ok && len(old) == len(val) {
		copy(old, val)
		return
	}
	d.m[string(key)] = bytes.Clone(val)
}

// incr adds one to the integer stored at key and appends the reply.
func (d *db) incr(key []byte, out []byte) []byte {
	old, ok := d.m[string(key)]
	var n int64
	if ok {
		var valid bool
		if n, valid = parseInt(old); !valid {
			return appendError(out, errNotInt)
		}
		if n == math.MaxInt64 {
			return appendError(out, errOverflow)
		}
	}
	n++
	// A fresh value gets room for any int64 so that later increments can
	// rewrite it in place.
	buf := old[:0]
	if !ok || cap(old) < 20 {
		buf = make([]byte, 0, 20)
	}
	nv := strconv.AppendInt(buf, n, 10)
	if !ok || len(nv) != len(old) || &nv[0] != &old[0] {
		d.m[string(key)] = nv
	}
	return appendInt(out, n)
}

// configCommand answers CONFIG GET for the two parameters redis-benchmark
// asks about at startup, as a server without persistence would.
func configCommand(argv [][]byte, out []byte) []byte {
	if len(argv) != 3 || !bytes.EqualFold(argv[1], []byte("get")) {
		return appendError(out, "ERR unsupported CONFIG subcommand in execmodel")
	}
	switch {
	case bytes.EqualFold(argv[2], []byte("save")):
		out = appendArrayLen(out, 2)
		out = appendBulkString(out, "save")
		return appendBulkString(out, "")
	case bytes.EqualFold(argv[2], []byte("appendonly")):
		out = appendArrayLen(out, 2)
		out = appendBulkString(out, "appendonly")
		return appendBulkString(out, "no")
	}
	return appendArrayLen(out, 0)
}

// appendArity appends Redis's wrong-number-of-arguments error for cmd.
func appendArity(out []byte, cmd string) []byte {
	out = append(out, "-ERR wrong number of arguments for '"...)
	out = append(out, cmd...)
	return append(out, "' command\r\n"...)
}

// appendUnknown appends Redis's unknown-command error for argv.
func appendUnknown(out []byte, argv [][]byte) []byte {
	out = append(out, "-ERR unknown command '"...)
	out = appendPrintable(out, argv[0], 128)
	out = append(out, "', with args beginning with: "...)
	for _, a := range argv[1:] {
		out = append(out, '\'')
		out = appendPrintable(out, a, 128)
		out = append(out, "' "...)
	}
	return append(out, '\r', '\n')
}

// appendPrintable appends at most limit bytes of b, with bytes that would
// break an error line replaced by spaces.
func appendPrintable(out, b []byte, limit int) []byte {
	if len(b) > limit {
		b = b[:limit]
	}
	for _, c := range b {
		if c == '\r' || c == '\n' {
			c = ' '
		}
		out = append(out, c)
	}
	return out
}

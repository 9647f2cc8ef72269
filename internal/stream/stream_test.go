package stream

import (
	"bytes"
	"strconv"
	"testing"
	"time"
)

// recorder encodes what it receives the way a replica's stream would: a
// SELECT when the database changes, then the command.
type recorder struct {
	buf bytes.Buffer
	db  int
	n   int
}

func (r *recorder) Feed(db int, args [][]byte, _ time.Time) {
	r.n++
	if db >= 0 && db != r.db {
		r.write([][]byte{[]byte("SELECT"), []byte(strconv.Itoa(db))})
		r.db = db
	}
	r.write(args)
}

func (r *recorder) write(args [][]byte) {
	r.buf.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		r.buf.WriteString("$" + strconv.Itoa(len(a)) + "\r\n")
		r.buf.Write(a)
		r.buf.WriteString("\r\n")
	}
}

func args(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, a := range s {
		out[i] = []byte(a)
	}
	return out
}

// Ensure that the offset after each command is the length of the stream's
// RESP encoding so far, SELECTs included, for one command, groups and
// databases of every width.
func TestOffsetsMatchEncoding(t *testing.T) {
	var s Stream
	r := &recorder{db: -1}
	s.Attach(r)
	now := time.Now()
	big := bytes.Repeat([]byte("x"), 12345)
	steps := []struct {
		name string
		ops  []Op
	}{
		{"set", []Op{{0, args("SET", "k", "v")}}},
		{"same db", []Op{{0, args("DEL", "k")}}},
		{"other db", []Op{{9, args("SET", "a", "")}}},
		{"wide db", []Op{{10, [][]byte{[]byte("SET"), []byte("k"), big}}}},
		{"exec-like", []Op{{-1, args("PING")}}},
		{"group", []Op{{3, args("INCR", "x")}, {3, args("DEL", "y")}, {12345, args("SET", "z", "1")}}},
		{"no args", []Op{{12345, [][]byte{}}}},
	}
	for _, st := range steps {
		got := s.Propagate(st.ops, now)
		if want := int64(r.buf.Len()); got != want || s.Offset() != want {
			t.Fatalf("%s: offset %d (Offset %d), encoding is %d bytes:\n%q", st.name, got, s.Offset(), want, r.buf.String())
		}
	}
	if !bytes.Contains(r.buf.Bytes(), []byte("*1\r\n$5\r\nMULTI\r\n")) || !bytes.HasSuffix(r.buf.Bytes()[:r.buf.Len()-len("*0\r\n")], []byte("*1\r\n$4\r\nEXEC\r\n")) {
		t.Fatalf("group not wrapped in MULTI/EXEC:\n%q", r.buf.String())
	}
	if got := s.Propagate(nil, now); got != int64(r.buf.Len()) {
		t.Fatalf("empty group moved the offset to %d", got)
	}
}

// Ensure that consumers receive what is appended while attached, and that
// the offset keeps growing whoever listens.
func TestAttachDetach(t *testing.T) {
	var s Stream
	if s.Active() {
		t.Fatal("a new stream is active")
	}
	a, b := &recorder{db: -1}, &recorder{db: -1}
	s.Attach(a)
	s.Attach(a)
	s.Append(0, args("SET", "k", "v"), time.Time{})
	s.Attach(b)
	s.Append(0, args("SET", "k", "w"), time.Time{})
	s.Detach(a)
	s.Detach(a)
	off := s.Offset()
	s.Append(1, args("DEL", "k"), time.Time{})
	if a.n != 2 || b.n != 2 {
		t.Fatalf("a got %d commands, b %d; want 2 and 2", a.n, b.n)
	}
	if s.Offset() <= off || !s.Active() {
		t.Fatalf("offset %d after %d, active %v", s.Offset(), off, s.Active())
	}
	s.Detach(b)
	if s.Active() {
		t.Fatal("active without consumers")
	}
	// ForgetDB: the next command counts a SELECT even in the same database.
	before := s.Offset()
	s.ForgetDB()
	end := s.Append(1, args("DEL", "k"), time.Time{})
	if want := before + RESPLen(args("SELECT", "1")) + RESPLen(args("DEL", "k")); end != want {
		t.Fatalf("after ForgetDB: offset %d, want %d", end, want)
	}
}

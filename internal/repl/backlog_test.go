package repl

import (
	"bytes"
	"io"
	"log/slog"
	"math/rand"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/resp"
	"github.com/vestadb/vesta/internal/stream"
)

// encode is a replica's view of one command: RESP, a SELECT first when
// the database changes (or is unknown).
func encode(buf *bytes.Buffer, args ...string) {
	buf.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		buf.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
}

func bargs(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, a := range s {
		out[i] = []byte(a)
	}
	return out
}

// TestBacklogMatchesStreamOffsets: whatever the mix of databases, groups,
// consumer-only commands and forgotten databases, the backlog holds
// exactly the bytes the stream's offsets count, and a reader attached at
// any offset the backlog holds gets the rest of the stream.
func TestBacklogMatchesStreamOffsets(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var s stream.Stream
	s.Append(0, bargs("SET", "before", "backlog"), time.Now()) // no consumer: not counted
	s.Attach(nopConsumer{})
	s.Append(2, bargs("SET", "aof", "only"), time.Now())
	s.ForgetDB()
	b := newBacklog(s.Offset(), 1<<30)
	s.Attach(b)
	var want bytes.Buffer
	db, known := 0, false
	sel := func(d int) {
		if d >= 0 && (!known || d != db) {
			encode(&want, "SELECT", strconv.Itoa(d))
			db, known = d, true
		}
	}
	start := s.Offset()
	type mark struct{ off, wantLen int64 }
	var marks []mark
	for i := 0; i < 2000; i++ {
		marks = append(marks, mark{s.Offset(), int64(want.Len())})
		d := rng.Intn(12)
		switch rng.Intn(5) {
		case 0:
			s.AppendTo(b, -1, bargs("PING"), time.Now())
			encode(&want, "PING")
		case 1:
			ops := []stream.Op{{DB: d, Args: bargs("INCR", "x")}, {DB: d, Args: bargs("DEL", "k"+strconv.Itoa(i))}}
			s.Propagate(ops, time.Now())
			sel(d)
			encode(&want, "MULTI")
			encode(&want, "INCR", "x")
			encode(&want, "DEL", "k"+strconv.Itoa(i))
			encode(&want, "EXEC")
		case 2:
			s.ForgetDB()
			b.forgetDB()
			known = false
		default:
			v := string(bytes.Repeat([]byte{'v'}, rng.Intn(3000)))
			s.Append(d, bargs("SET", "k", v), time.Now())
			sel(d)
			encode(&want, "SET", "k", v)
		}
		if got := s.Offset() - start; got != int64(want.Len()) {
			t.Fatalf("step %d: stream moved %d, replica bytes %d", i, got, want.Len())
		}
	}
	if b.end != s.Offset() {
		t.Fatalf("backlog end %d, stream %d", b.end, s.Offset())
	}
	for _, m := range []mark{marks[0], marks[1], marks[777], marks[len(marks)-1]} {
		r := b.attach(m.off, nil)
		var got bytes.Buffer
		buf := make([]byte, 1000)
		for r.pos < b.end {
			n, ok := b.read(r, buf)
			if !ok {
				t.Fatal("reader closed")
			}
			got.Write(buf[:n])
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()[m.wantLen:]) {
			t.Fatalf("from offset %d: bytes differ", m.off)
		}
		b.detach(r)
	}
}

type nopConsumer struct{}

func (nopConsumer) Feed(int, [][]byte, time.Time) {}

// TestBacklogTrim: the backlog keeps its size and what readers lack, no
// more (to the block), and holds reports the offsets a PSYNC may use.
func TestBacklogTrim(t *testing.T) {
	b := newBacklog(100, 200<<10)
	val := bytes.Repeat([]byte{'x'}, 1000)
	r := b.attach(100, nil)
	for i := 0; i < 1000; i++ {
		b.Feed(0, [][]byte{[]byte("SET"), []byte("k"), val}, time.Now())
	}
	if b.start != 100 {
		t.Fatalf("a reader at 100 must pin the start, got %d", b.start)
	}
	buf := make([]byte, 1<<20)
	for r.pos < b.end {
		b.read(r, buf)
	}
	b.Feed(0, [][]byte{[]byte("SET"), []byte("k"), val}, time.Now())
	if held := b.end - b.start; held < 200<<10 || held > 200<<10+chunkSize {
		t.Fatalf("holds %d bytes, want the size (204800) up to a block more", held)
	}
	if b.holds(b.start-1) || !b.holds(b.start) || !b.holds(b.end) || b.holds(b.end+1) {
		t.Fatalf("holds: wrong bounds [%d, %d]", b.start, b.end)
	}
}

// TestBacklogLimit: a reader over the hard limit is closed and no longer
// pins the backlog; a waiting read returns.
func TestBacklogLimit(t *testing.T) {
	b := newBacklog(0, 16<<10)
	b.limit = func(r *reader, pending int64, now time.Time) bool { return pending > 100<<10 }
	r := b.attach(0, nil)
	for i := 0; i < 200; i++ {
		b.Feed(0, [][]byte{[]byte("SET"), []byte("k"), bytes.Repeat([]byte{'x'}, 1000)}, time.Now())
	}
	if !r.closed {
		t.Fatal("reader over the limit not closed")
	}
	if b.start == 0 {
		t.Fatal("a closed reader still pins the backlog")
	}
	if _, ok := b.read(r, make([]byte, 10)); ok {
		t.Fatal("read on a closed reader")
	}
	r2 := b.attach(b.end, nil)
	done := make(chan bool)
	go func() {
		_, ok := b.read(r2, make([]byte, 10))
		done <- ok
	}()
	time.Sleep(10 * time.Millisecond)
	b.detach(r2)
	if ok := <-done; ok {
		t.Fatal("a detached waiting reader read")
	}
}

// FuzzReplconf: any REPLCONF arguments get a reply or none, never a panic,
// and only the options Redis knows are accepted.
func FuzzReplconf(f *testing.F) {
	f.Add("listening-port\x006380\x00capa\x00eof")
	f.Add("ack\x00-9223372036854775808")
	f.Add("rdb-only\x009223372036854775807")
	f.Add("ip-address\x00")
	cfg := config.Default()
	m := New(Options{Mu: &sync.Mutex{}, Stream: &stream.Stream{}, Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.Fuzz(func(t *testing.T, s string) {
		args := append([][]byte{[]byte("REPLCONF")}, bytes.Split([]byte(s), []byte{0})...)
		var w resp.Writer
		c := &command.Ctx{W: &w, Args: args}
		var conf Conf
		m.Replconf(c, &conf, nil)
		if w.Len() > 0 && w.B[0] != '+' && w.B[0] != '-' {
			t.Fatalf("reply %q", w.B)
		}
	})
}

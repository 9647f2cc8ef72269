package stream

import (
	"testing"
	"time"
)

type plainConsumer struct{ n int }

func (p *plainConsumer) Feed(int, [][]byte, time.Time) { p.n++ }

type rawConsumer struct {
	plainConsumer
	raw []byte
}

func (r *rawConsumer) FeedRaw(b []byte) { r.raw = append(r.raw, b...) }

// TestProxy: on a replica the offset follows the master's bytes; the
// commands executed reach only the consumers that are not raw (the AOF).
func TestProxy(t *testing.T) {
	var s Stream
	aof, backlog := &plainConsumer{}, &rawConsumer{}
	s.Attach(aof)
	s.Attach(backlog)
	s.Rebase(100)
	s.SetProxy(true)
	set := [][]byte{[]byte("SET"), []byte("k"), []byte("v")}
	raw := []byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
	if off := s.Propagate([]Op{{DB: 0, Args: set}}, time.Now()); off != 100 {
		t.Fatalf("offset after a proxied command's propagation = %d, want 100", off)
	}
	if off := s.Raw(raw); off != 100+int64(len(raw)) {
		t.Fatalf("offset after Raw = %d", off)
	}
	if aof.n != 1 || backlog.n != 0 || string(backlog.raw) != string(raw) {
		t.Fatalf("aof fed %d, backlog fed %d commands and %q", aof.n, backlog.n, backlog.raw)
	}
	// Promoted: commands count again, with a SELECT first.
	s.SetProxy(false)
	before := s.Offset()
	if off := s.Append(0, set, time.Now()); off != before+selectLen(0)+RESPLen(set) {
		t.Fatalf("offset after promotion = %d, want %d", off, before+selectLen(0)+RESPLen(set))
	}
	if backlog.n != 1 || aof.n != 2 {
		t.Fatalf("after promotion: aof %d, backlog %d", aof.n, backlog.n)
	}
}

package server

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

func TestShardedPubSub(t *testing.T) {
	ts := startServer(t, nil)
	sub, pub, other := ts.dial(t), ts.dial(t), ts.dial(t)
	sub.expect("[$ssubscribe $s1 :1]", "SSUBSCRIBE", "s1")
	sub.expect("[$subscribe $s1 :1]", "SUBSCRIBE", "s1")
	sub.expect("[$ssubscribe $s2 :2]", "SSUBSCRIBE", "s2")
	other.expect("[$psubscribe $* :1]", "PSUBSCRIBE", "*")

	// Two namespaces: PUBLISH reaches channels and patterns, SPUBLISH
	// shard channels only.
	pub.expect(":2", "PUBLISH", "s1", "plain")
	if got := sub.read(); got != "[$message $s1 $plain]" {
		t.Fatalf("got %q", got)
	}
	if got := other.read(); got != "[$pmessage $* $s1 $plain]" {
		t.Fatalf("got %q", got)
	}
	pub.expect(":1", "SPUBLISH", "s1", "sharded")
	if got := sub.read(); got != "[$smessage $s1 $sharded]" {
		t.Fatalf("got %q", got)
	}
	pub.expect(":0", "SPUBLISH", "nosuch", "x")

	pub.expect("[$s1 $s2]", "PUBSUB", "SHARDCHANNELS")
	pub.expect("[$s2]", "PUBSUB", "SHARDCHANNELS", "*2")
	pub.expect("[$s1 :1 $x :0]", "PUBSUB", "SHARDNUMSUB", "s1", "x")
	pub.expect("[$s1]", "PUBSUB", "CHANNELS")
	pub.expect("-ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP.",
		"PUBSUB", "SHARDCHANNELS", "a", "b")
	if info := pub.do("INFO", "stats"); !strings.Contains(info, "pubsubshard_channels:2\r\n") ||
		!strings.Contains(info, "pubsub_channels:1\r\n") {
		t.Fatalf("INFO stats: %q", info)
	}
	list := pub.do("CLIENT", "LIST", "TYPE", "pubsub")
	if !strings.Contains(list, " flags=P db=0 sub=1 psub=0 ssub=2 ") || !strings.Contains(list, " sub=0 psub=1 ssub=0 ") ||
		strings.Count(list, "\n") != 2 {
		t.Fatalf("CLIENT LIST TYPE pubsub: %q", list)
	}
	if list := pub.do("CLIENT", "LIST", "TYPE", "normal"); strings.Count(list, "\n") != 1 ||
		!strings.Contains(list, "cmd=client|list") {
		t.Fatalf("CLIENT LIST TYPE normal: %q", list)
	}

	// Channel confirmations leave shard channels out of their count, and
	// the subscribed context lasts while a shard channel remains.
	sub.expect("[$unsubscribe $s1 :0]", "UNSUBSCRIBE")
	sub.expect("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", "GET", "k")
	sub.expect("[$pong $x]", "PING", "x")
	sub.expect("[$sunsubscribe $s1 :1]", "SUNSUBSCRIBE", "s1")
	sub.expect("[$sunsubscribe $s2 :0]", "SUNSUBSCRIBE")
	sub.expect("[$sunsubscribe nil :0]", "SUNSUBSCRIBE")
	sub.expect("nil", "GET", "k")
	sub.expect("$x", "PING", "x")
	pub.expect("[]", "PUBSUB", "SHARDCHANNELS")

	// RESET drops shard subscriptions; EXEC refuses SSUBSCRIBE.
	sub.expect("[$ssubscribe $s :1]", "SSUBSCRIBE", "s")
	sub.expect("+RESET", "RESET")
	pub.expect(":0", "SPUBLISH", "s", "x")
	sub.expect("+OK", "MULTI")
	sub.expect("+QUEUED", "SSUBSCRIBE", "s")
	sub.expect("[-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client]", "EXEC")
	pub.expect("[$s :0]", "PUBSUB", "SHARDNUMSUB", "s")

	// RESP3: smessage is a push among replies.
	r3 := ts.dial(t)
	r3.do("HELLO", "3")
	r3.expect("[$ssubscribe $c :1]", "SSUBSCRIBE", "c")
	pub.expect(":1", "SPUBLISH", "c", "m")
	r3.expect("[$smessage $c $m]", "GET", "k")
	if got := r3.read(); got != "nil" {
		t.Fatalf("GET after the push: %q", got)
	}
	r3.expect("[$c :1]", "PUBSUB", "SHARDNUMSUB", "c")
}

func TestPubSubReplies(t *testing.T) {
	ts := startServer(t, nil)
	a := ts.dial(t)
	// NUMSUB is a flat array over RESP3 too.
	a.do("HELLO", "3")
	a.expect("[$x :0 $y :0]", "PUBSUB", "NUMSUB", "x", "y")
	a.expect("-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.",
		"PUBSUB", "channels", "a", "b")
	help := a.do("PUBSUB", "HELP")
	if !strings.HasPrefix(help, "[+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are: +CHANNELS [<pattern>]") ||
		!strings.HasSuffix(help, " +HELP +    Prints this help.]") || strings.Count(help, " +") != 13 {
		t.Fatalf("PUBSUB HELP: %q", help)
	}

	// PING checks its arity before answering like a message, and EXEC
	// runs it the subscribed way after a SUBSCRIBE.
	b := ts.dial(t)
	b.expect("+OK", "MULTI")
	b.expect("+QUEUED", "SUBSCRIBE", "a")
	b.expect("+QUEUED", "PING")
	b.expect("[[$subscribe $a :1] [$pong $]]", "EXEC")
	b.expect("-ERR wrong number of arguments for 'ping' command", "PING", "a", "b")
}

// TestQueuedOutputOnClose checks that a client with queued output gets
// what was queued before its connection closes.
func TestQueuedOutputOnClose(t *testing.T) {
	ts := startServer(t, nil)
	// SUBSCRIBE and QUIT in one pipeline.
	a := ts.dial(t)
	a.send("SUBSCRIBE", "a")
	a.send("QUIT")
	if got := a.read(); got != "[$subscribe $a :1]" {
		t.Fatalf("got %q", got)
	}
	if got := a.read(); got != "+OK" {
		t.Fatalf("got %q", got)
	}
	expectEOF(t, a)

	// A protocol error while subscribed: the error, then the close.
	b := ts.dial(t)
	b.expect("[$subscribe $a :1]", "SUBSCRIBE", "a")
	if _, err := b.c.Write([]byte("*1\r\n$x\r\n")); err != nil {
		t.Fatal(err)
	}
	if got := b.read(); got != "-ERR Protocol error: invalid bulk length" {
		t.Fatalf("got %q", got)
	}
	expectEOF(t, b)

	// MONITOR: its own reply first, then its command line; QUIT is not
	// shown to the client that quits.
	m := ts.dial(t)
	m.expect("+OK", "MONITOR")
	m.send("PING")
	m.send("QUIT")
	if got := m.read(); got != "+PONG" {
		t.Fatalf("got %q", got)
	}
	if got := m.read(); !strings.HasSuffix(got, `"PING"`) {
		t.Fatalf("got %q", got)
	}
	if got := m.read(); got != "+OK" {
		t.Fatalf("got %q", got)
	}
	expectEOF(t, m)

	// CLIENT KILL: what was published before the kill arrives; the client
	// is gone at once for every later command, in the same pipeline too.
	s, k := ts.dial(t), ts.dial(t)
	s.expect("[$psubscribe $p* :1]", "PSUBSCRIBE", "p*")
	id := strings.TrimPrefix(k.do("CLIENT", "LIST", "TYPE", "pubsub"), "$id=")
	id = id[:strings.IndexByte(id, ' ')]
	k.expect(":1", "PUBLISH", "px", "last words")
	k.send("CLIENT", "KILL", "ID", id)
	k.send("PUBLISH", "px", "too late")
	k.send("CLIENT", "LIST", "TYPE", "pubsub")
	for _, want := range []string{":1", ":0", "$"} {
		if got := k.read(); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	if got := s.read(); got != "[$pmessage $p* $px $last words]" {
		t.Fatalf("got %q", got)
	}
	expectEOF(t, s)
}

// TestCloseDrainIsBounded checks that a closing client that does not read
// its queued output is dropped once the idle timeout passes.
func TestCloseDrainIsBounded(t *testing.T) {
	ts := startServer(t, func(c *config.Config) { c.Timeout = 1 })
	sub, pub := ts.dial(t), ts.dial(t)
	sub.expect("[$subscribe $big :1]", "SUBSCRIBE", "big")
	payload := strings.Repeat("x", 1<<20)
	for range 24 { // more than the socket buffers take
		pub.expect(":1", "PUBLISH", "big", payload)
	}
	sub.send("QUIT")
	start := time.Now()
	time.Sleep(1500 * time.Millisecond) // past the drain bound
	// Everything the sockets hold arrives, then the end of stream, without
	// the +OK that was queued behind the messages.
	_ = sub.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var tail []byte
	buf := make([]byte, 1<<16)
	total := 0
	for {
		n, err := sub.c.Read(buf)
		total += n
		tail = append(tail, buf[:n]...)
		if len(tail) > 16 {
			tail = tail[len(tail)-16:]
		}
		if err != nil {
			var ne interface{ Timeout() bool }
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("connection still open %v after QUIT (read %d bytes)", time.Since(start), total)
			}
			break
		}
	}
	if strings.HasSuffix(string(tail), "+OK\r\n") || total >= 24<<20 {
		t.Fatalf("the whole queue was delivered (%d bytes): the drain was not bounded", total)
	}
}

// expectEOF checks that the server closed the connection.
func expectEOF(t *testing.T, c *conn) {
	t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := c.r.ReadByte(); err != io.EOF {
		t.Fatalf("read %q, %v: want the end of stream", b, err)
	}
}

package hostile

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

var pipelineLen = flag.Int("hostile.pipeline", 1000000, "commands in the long pipelines")

// pipeline writes n commands made by gen on one connection while reading
// the replies, each of which must be want, and returns how long it took.
// Writing and reading run concurrently, as a pipelining client does.
func pipeline(t *testing.T, addr string, n int, gen func(b []byte, i int) []byte, want string) time.Duration {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	start := time.Now()
	werr := make(chan error, 1)
	go func() {
		bw := bufio.NewWriterSize(nc, 256<<10)
		var b []byte
		for i := 0; i < n; i++ {
			b = gen(b[:0], i)
			if _, err := bw.Write(b); err != nil {
				werr <- err
				return
			}
		}
		werr <- bw.Flush()
	}()
	// Count replies without parsing each: they are all the same bytes.
	total := int64(n) * int64(len(want))
	expect := bytes.Repeat([]byte(want), 64<<10/len(want)+1)
	buf := make([]byte, 256<<10)
	var got, pending int64
	var carry []byte
	_ = nc.SetReadDeadline(time.Now().Add(2 * time.Minute))
	for got < total {
		m, err := nc.Read(buf)
		if m > 0 {
			data := append(carry, buf[:m]...)
			// Whole replies must match; a partial one waits for more.
			whole := len(data) / len(want) * len(want)
			for off := 0; off < whole; off += len(expect) {
				chunk := data[off:min(off+len(expect), whole)]
				if !bytes.Equal(chunk, expect[:len(chunk)]) {
					t.Fatalf("reply %d of the pipeline: got %q, want %q", (got+int64(off))/int64(len(want)), chunk[:min(len(chunk), 80)], want)
				}
			}
			got += int64(whole)
			carry = append(carry[:0], data[whole:]...)
			pending = int64(len(carry))
		}
		if err != nil {
			t.Fatalf("after %d of %d replies (%d bytes pending): %v", got/int64(len(want)), n, pending, err)
		}
	}
	if err := <-werr; err != nil {
		t.Fatalf("writing the pipeline: %v", err)
	}
	return time.Since(start)
}

// A pipeline of a million PINGs, then one of a million SETs, with replies
// read as they come: everything is answered in order, memory stays
// bounded, and other clients are served meanwhile.
func TestHugePipeline(t *testing.T) {
	s := testutil.StartVesta(t)
	w := watch(t, s)
	n := *pipelineLen
	took := pipeline(t, s.Addr, n, func(b []byte, _ int) []byte { return append(b, "*1\r\n$4\r\nPING\r\n"...) }, "+PONG\r\n")
	t.Logf("%d pipelined PINGs in %v", n, took)
	took = pipeline(t, s.Addr, n, func(b []byte, i int) []byte {
		return testutil.AppendCommand(b, "SET", "p:"+strconv.Itoa(i%1000), "v"+strconv.Itoa(i))
	}, "+OK\r\n")
	t.Logf("%d pipelined SETs in %v", n, took)
	w.finish(limits{rss: 64 << 20})
	c := testutil.Dial(t, s.Addr)
	last := n - 1
	if got, want := string(c.Do("GET", "p:"+strconv.Itoa(last%1000))), fmt.Sprintf("v%d", last); got != fmt.Sprintf("$%d\r\n%s\r\n", len(want), want) {
		t.Errorf("after the pipeline: got %q, want %q", got, want)
	}
}

// A single command with a million arguments, sent in full, is executed
// with memory proportional to it; the announced count alone reserves
// nothing (test/integration checks that part). Redis runs it too, for the
// numbers in the log.
func TestMillionArguments(t *testing.T) {
	for _, srv := range servers() {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			w := watch(t, s)
			const args = 1 << 20
			var req bytes.Buffer
			fmt.Fprintf(&req, "*%d\r\n$6\r\nEXISTS\r\n", args+1)
			for i := 0; i < args; i++ {
				k := "k" + strconv.Itoa(i)
				fmt.Fprintf(&req, "$%d\r\n%s\r\n", len(k), k)
			}
			nc, err := net.DialTimeout("tcp", s.Addr, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			start := time.Now()
			go func() { _, _ = nc.Write(req.Bytes()) }()
			_ = nc.SetReadDeadline(time.Now().Add(time.Minute))
			reply, err := testutil.ReadFrame(bufio.NewReader(nc))
			if err != nil || string(reply) != ":0\r\n" {
				t.Fatalf("EXISTS with %d keys: got %q, %v; want :0", args, reply, err)
			}
			t.Logf("EXISTS with %d keys (%d bytes) answered in %v", args, req.Len(), time.Since(start))
			// One command of a million arguments runs under the lock like
			// any other command: others wait for it (Redis too), so only
			// memory is bounded tightly.
			w.finish(limits{rss: 256 << 20, p99: 5 * time.Second, maxPing: 5 * time.Second}.forServer(srv.name))
			checkAlive(t, s)
		})
	}
}

// Fifty clients announce huge requests (a 512 MiB bulk with 1 MiB of it
// sent, a million or INT_MAX arguments with two sent) and stall: memory
// follows what was sent, not what was announced, and others are served.
func TestHugeAnnouncedLengths(t *testing.T) {
	s := testutil.StartVesta(t)
	w := watch(t, s)
	payloads := [][]byte{
		append([]byte("*1\r\n$536870912\r\n"), bytes.Repeat([]byte("x"), 1<<20)...),
		[]byte("*1048576\r\n$1\r\nx\r\n$1\r\ny\r\n"),
		[]byte("*2147483647\r\n$3\r\nSET\r\n$1\r\nk\r\n"),
		[]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870911\r\n"),
	}
	const clients = 50
	sent := 0
	for i := 0; i < clients; i++ {
		c := testutil.Dial(t, s.Addr)
		p := payloads[i%len(payloads)]
		c.WriteRaw(p)
		sent += len(p)
	}
	time.Sleep(500 * time.Millisecond)
	// Three times what was sent, plus slack for the runtime.
	r := w.finish(limits{rss: int64(3*sent) + 32<<20})
	t.Logf("%d stalled clients sent %.1f MiB; RSS grew by %.1f MiB", clients, mib(int64(sent)), mib(r.rssGrowth))
	checkAlive(t, s)
}

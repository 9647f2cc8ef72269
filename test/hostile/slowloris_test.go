package hostile

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// Slow-loris clients send their commands a byte at a time; each is
// answered once complete, and nobody else waits for them meanwhile.
func TestSlowLoris(t *testing.T) {
	s := testutil.StartVesta(t)
	w := watch(t, s)
	const clients, commands = 10, 3
	var wg sync.WaitGroup
	errs := make(chan error, 2*clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- trickle(s.Addr, i, commands)
		}()
	}
	// Meanwhile, slow clients that announce a large bulk and send it in
	// small pieces with pauses.
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- trickleBulk(s.Addr, i)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	w.finish(limits{rss: 32 << 20})
	checkAlive(t, s)
}

// trickle sends commands SETs one byte every 2 ms and checks the replies.
func trickle(addr string, id, commands int) error {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer nc.Close()
	for n := 0; n < commands; n++ {
		cmd := string(testutil.AppendCommand(nil, "SET", fmt.Sprintf("loris:%d", id), fmt.Sprintf("value-%d-%d", id, n)))
		if n%2 == 1 {
			cmd = fmt.Sprintf("SET loris:%d value-%d-%d\r\n", id, id, n) // inline
		}
		for i := 0; i < len(cmd); i++ {
			_ = nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := nc.Write([]byte{cmd[i]}); err != nil {
				return fmt.Errorf("slow client %d: %w", id, err)
			}
			time.Sleep(2 * time.Millisecond)
		}
		buf := make([]byte, 5)
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if n, err := readFull(nc, buf); err != nil || string(buf[:n]) != "+OK\r\n" {
			return fmt.Errorf("slow client %d: got %q, %v", id, buf[:n], err)
		}
	}
	return nil
}

// trickleBulk announces a 64 KiB value and sends it in 4 KiB pieces every
// 50 ms.
func trickleBulk(addr string, id int) error {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer nc.Close()
	val := strings.Repeat(string(rune('a'+id%26)), 64<<10)
	cmd := testutil.AppendCommand(nil, "SET", fmt.Sprintf("lorisbulk:%d", id), val)
	for off := 0; off < len(cmd); off += 4 << 10 {
		_ = nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if _, err := nc.Write(cmd[off:min(off+4<<10, len(cmd))]); err != nil {
			return fmt.Errorf("slow bulk client %d: %w", id, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	buf := make([]byte, 5)
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := readFull(nc, buf); err != nil || string(buf[:n]) != "+OK\r\n" {
		return fmt.Errorf("slow bulk client %d: got %q, %v", id, buf[:n], err)
	}
	return nil
}

// With timeout set, a client that stops in the middle of a command is
// disconnected once it has been silent for longer, as in Redis.
func TestSlowLorisTimeout(t *testing.T) {
	for _, srv := range servers() {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t, "--timeout", "1")
			nc, err := net.DialTimeout("tcp", s.Addr, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			if _, err := nc.Write([]byte("*2\r\n$3\r\nGET\r\n$3\r\nab")); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_ = nc.SetReadDeadline(start.Add(10 * time.Second))
			buf := make([]byte, 64)
			n, err := nc.Read(buf)
			if err == nil || n > 0 {
				t.Fatalf("silent half-sent client: got %q, %v; want the connection closed", buf[:n], err)
			}
			// Redis checks timeouts in its cron, so "after 1 s" means up
			// to a few seconds.
			if took := time.Since(start); took < 900*time.Millisecond || took > 5*time.Second {
				t.Errorf("closed after %v, want between 1 s and a few seconds", took)
			}
		})
	}
}

// server is an implementation to run a scenario against.
type server struct {
	name  string
	start func(t *testing.T, args ...string) *testutil.Server
}

// servers returns Vesta and, as the reference, Redis (skipped where
// redis-server is missing, except in CI).
func servers() []server {
	return []server{
		{"vesta", func(t *testing.T, args ...string) *testutil.Server { return testutil.StartVesta(t, args...) }},
		{"redis", func(t *testing.T, args ...string) *testutil.Server { return testutil.StartRedis(t, args...) }},
	}
}

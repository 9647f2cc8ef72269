package server

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

// Ensure that a command that reaches the server after the accept loops
// have started but before the load has begun waits for the load (or gets
// -LOADING), and never runs on the empty dataset.
func TestNoCommandBeforeLoad(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, func(c *config.Config) { c.Dir = dir })
	c := ts.dial(t)
	c.expect("+OK", "SET", "k", "v")
	c.expect("+OK", "SAVE")

	cfg := config.Default()
	cfg.Save = nil
	cfg.Dir = dir
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	s.listeners = []net.Listener{ln}
	var (
		early  *bufio.Reader
		first  string // a reply received before the load began
		hooked = make(chan struct{})
	)
	s.testHookBeforeLoad = func() {
		defer close(hooked)
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			first = err.Error()
			return
		}
		t.Cleanup(func() { conn.Close() })
		_, _ = conn.Write([]byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"))
		// Give the command time to run, if it can.
		_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		early = bufio.NewReader(conn)
		first, _ = early.ReadString('\n')
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	<-hooked
	if first != "" {
		t.Fatalf("GET k before the load began: got %q, want no reply yet", first)
	}
	if early == nil {
		t.Fatal("no connection")
	}
	if reply, err := early.ReadString('\n'); err != nil || reply != "$1\r\n" {
		t.Fatalf("GET k sent before the load began: got %q, %v; want v, from the loaded dataset", reply, err)
	}
}

// Ensure that a command waiting for the lock while a load fails gets
// -LOADING (or the connection closes as the server stops), never a reply
// from the partly loaded dataset.
func TestNoCommandAfterFailedLoad(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, func(c *config.Config) { c.Dir = dir })
	c := ts.dial(t)
	c.expect("+OK", "SET", "k", "v")
	c.expect("+OK", "SAVE")
	// Every key loads, then the checksum fails.
	path := filepath.Join(dir, "dump.rdb")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-1] ^= 0xff
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 20; run++ {
		cfg := config.Default()
		cfg.Save = nil
		cfg.Dir = dir
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
		s.listeners = []net.Listener{ln}
		var waiting net.Conn
		s.testHookBeforeLoad = func() {
			// The command waits for the lock the load holds.
			if conn, err := net.Dial("tcp", ln.Addr().String()); err == nil {
				waiting = conn
				_, _ = conn.Write([]byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"))
				time.Sleep(10 * time.Millisecond)
			}
		}
		ran := make(chan error, 1)
		go func() { ran <- s.Run(context.Background()) }()
		select {
		case err := <-ran:
			if err == nil {
				t.Fatal("Run succeeded on a dump.rdb with a bad checksum")
			}
		case <-time.After(10 * time.Second):
			// The connection accepted during the load was never closed.
			t.Fatal("Run did not return after the failed load while a client was connected")
		}
		if waiting == nil {
			t.Fatal("no connection")
		}
		_ = waiting.SetReadDeadline(time.Now().Add(5 * time.Second))
		reply, _ := bufio.NewReader(waiting).ReadString('\n')
		waiting.Close()
		if reply != "" && !strings.HasPrefix(reply, "-LOADING") {
			t.Fatalf("run %d: GET k waiting during a failed load: got %q, want -LOADING or nothing", run, reply)
		}
	}
}

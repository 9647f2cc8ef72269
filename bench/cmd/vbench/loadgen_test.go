package main

import (
	"bufio"
	"context"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeServer answers every RESP command with +OK, or with an error for
// commands named FAIL, and counts them.
type fakeServer struct {
	ln   net.Listener
	mu   sync.Mutex
	cmds map[string]int
}

func newFakeServer(t *testing.T) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeServer{ln: ln, cmds: map[string]int{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	for {
		req, err := readReply(r)
		if err != nil || req.Kind != '*' || len(req.Arr) == 0 {
			return
		}
		name := strings.ToUpper(req.Arr[0].Str)
		f.mu.Lock()
		f.cmds[name]++
		f.mu.Unlock()
		if name == "FAIL" {
			w.WriteString("-ERR failed on purpose\r\n")
		} else {
			w.WriteString("+OK\r\n")
		}
		if r.Buffered() == 0 {
			if w.Flush() != nil {
				return
			}
		}
	}
}

func (f *fakeServer) count(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cmds[name]
}

func TestPipelineLoad(t *testing.T) {
	f := newFakeServer(t)
	err := pipelineLoad(f.ln.Addr().String(), 2500, 1000, func(i int) []string { return []string{"HSET", "k", "f", "v"} })
	if err != nil {
		t.Fatal(err)
	}
	if got := f.count("HSET"); got != 2500 {
		t.Errorf("got %d commands, want 2500", got)
	}
	err = pipelineLoad(f.ln.Addr().String(), 10, 4, func(i int) []string {
		if i == 6 {
			return []string{"FAIL"}
		}
		return []string{"SET", "k", "v"}
	})
	if err == nil || !strings.Contains(err.Error(), "command 6") {
		t.Errorf("got %v, want an error for command 6", err)
	}
}

func TestWriterLoad(t *testing.T) {
	f := newFakeServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	w, err := startWriters(ctx, f.ln.Addr().String(), 4, 1000)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	w.setPhase(phaseBefore)
	time.Sleep(50 * time.Millisecond)
	w.setPhase(phaseDuring)
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := w.wait(); err != nil {
		t.Fatal(err)
	}
	var total uint64
	for p := range numPhases {
		if w.hists[p].n != w.ops[p] {
			t.Errorf("phase %d: got %d latencies for %d ops", p, w.hists[p].n, w.ops[p])
		}
		total += w.ops[p]
	}
	if w.ops[phaseBefore] == 0 || w.ops[phaseDuring] == 0 {
		t.Errorf("got ops %v, want some in the before and during phases", w.ops)
	}
	if got := f.count("SET"); uint64(got) < total {
		t.Errorf("server saw %d SETs, fewer than the %d counted", got, total)
	}
}

func TestProcStat(t *testing.T) {
	pid := os.Getpid()
	if n, err := rss(pid); err != nil || n <= 0 {
		t.Errorf("rss: got %d, %v, want > 0", n, err)
	}
	if n, err := footprint(pid); err != nil || n <= 0 {
		t.Errorf("footprint: got %d, %v, want > 0", n, err)
	}
	if _, err := cpuTicks(pid); err != nil {
		t.Errorf("cpuTicks: %v", err)
	}
	// Spin until the counter has moved by 5 ms; on a busy machine that may
	// take longer than 5 ms of wall time, but not 10 s.
	c0 := cpuTime(pid)
	for deadline := time.Now().Add(10 * time.Second); cpuTime(pid)-c0 < 5*time.Millisecond; {
		if time.Now().After(deadline) {
			t.Fatalf("cpuTime grew by only %v over 10 s of spinning", cpuTime(pid)-c0)
		}
	}
	if _, err := rss(-1); err == nil {
		t.Error("rss(-1): got no error")
	}
}

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var modes = []string{"mutex", "executor", "lockfree"}

// netModes are the models the end-to-end tests run: the execution models
// and the epoll event loop, which replaces the network layer too.
var netModes = append(append([]string(nil), modes...), "epoll")

// startServer serves a fresh keyspace under mode on a loopback port and
// returns its address.
func startServer(t *testing.T, mode string) string {
	t.Helper()
	if mode == "epoll" {
		es, err := listenEpoll("127.0.0.1:0", newDB())
		if err != nil {
			t.Fatal(err)
		}
		// The loop's thread stays blocked in epoll_wait after the test;
		// the test binary exits soon after.
		go es.serve()
		return es.addr
	}
	m, err := newModel(mode, newDB())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serveConn(c, m)
		}
	}()
	return ln.Addr().String()
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

func TestNewModelUnknown(t *testing.T) {
	if _, err := newModel("nope", newDB()); err == nil {
		t.Fatal("got nil error, want unknown mode error")
	}
}

// TestConcurrentIncr has many pipelining clients increment one counter; a
// model that lost or reordered writes would end below the total.
func TestConcurrentIncr(t *testing.T) {
	const clients, rounds, pipeline = 20, 50, 8
	for _, mode := range netModes {
		t.Run(mode, func(t *testing.T) {
			addr := startServer(t, mode)
			var wg sync.WaitGroup
			errs := make(chan error, clients)
			for range clients {
				c := dial(t, addr)
				wg.Go(func() {
					var req []byte
					for range pipeline {
						req = appendCommand(req, []byte("INCR"), []byte("n"))
					}
					rd := bufio.NewReader(c)
					last := int64(0)
					for range rounds {
						if _, err := c.Write(req); err != nil {
							errs <- err
							return
						}
						for range pipeline {
							line, err := rd.ReadString('\n')
							if err != nil {
								errs <- err
								return
							}
							n, err := strconv.ParseInt(strings.TrimSuffix(line[1:], "\r\n"), 10, 64)
							if err != nil || n <= last {
								errs <- fmt.Errorf("reply %q after %d: want a larger integer", line, last)
								return
							}
							last = n
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			got := roundTrip(t, dial(t, addr), "*2\r\n$3\r\nGET\r\n$1\r\nn\r\n", len("$4\r\n8000\r\n"))
			if want := fmt.Sprintf("$4\r\n%d\r\n", clients*rounds*pipeline); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
}

// roundTrip writes req in one go and reads exactly n reply bytes.
func roundTrip(t *testing.T, c net.Conn, req string, n int) string {
	t.Helper()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("reading %d bytes: %v", n, err)
	}
	return string(buf)
}

// TestByteAtATime feeds a pipeline one byte per write, so commands arrive
// split at every possible point.
func TestByteAtATime(t *testing.T) {
	req := string(appendCommand(nil, []byte("SET"), []byte("k"), []byte(strings.Repeat("v", 40000)))) +
		"PING\r\n" + string(appendCommand(nil, []byte("GET"), []byte("nope")))
	want := "+OK\r\n+PONG\r\n$-1\r\n"
	for _, mode := range netModes {
		t.Run(mode, func(t *testing.T) {
			c := dial(t, startServer(t, mode))
			go func() {
				for i := range len(req) {
					if _, err := c.Write([]byte{req[i]}); err != nil {
						return
					}
				}
			}()
			buf := make([]byte, len(want))
			if _, err := io.ReadFull(c, buf); err != nil {
				t.Fatal(err)
			}
			if string(buf) != want {
				t.Fatalf("got %q, want %q", buf, want)
			}
		})
	}
}

func TestProtocolErrorAndQuit(t *testing.T) {
	tests := []struct {
		name, req, want string
	}{
		{"protocol error runs earlier commands then closes", "PING\r\n*1\r\n$x\r\nPING\r\n", "+PONG\r\n-ERR Protocol error: invalid bulk length at offset 4\r\n"},
		{"quit closes", "PING\r\nQUIT\r\nPING\r\n", "+PONG\r\n+OK\r\n"},
	}
	for _, mode := range netModes {
		for _, tt := range tests {
			t.Run(mode+"/"+tt.name, func(t *testing.T) {
				c := dial(t, startServer(t, mode))
				if _, err := io.WriteString(c, tt.req); err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(c)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tt.want {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			})
		}
	}
}

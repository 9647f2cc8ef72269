package server

import (
	"strings"
	"sync"
	"testing"
)

// clientField returns a field of the CLIENT LIST line of the client named
// name.
func clientField(list, name, field string) string {
	for _, line := range strings.Split(list, "\n") {
		if !strings.Contains(line, " name="+name+" ") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if k, v, ok := strings.Cut(f, "="); ok && k == field {
				return v
			}
		}
	}
	return "?"
}

// Ensure that CLIENT LIST's buffer fields hold what the clients' buffers
// hold, and that listing clients while they pipeline requests is free of
// data races (go test -race).
func TestClientListBuffers(t *testing.T) {
	ts := startServer(t, nil)
	m := ts.dial(t)
	m.do("CLIENT", "SETNAME", "m")
	m.do("MULTI")
	m.do("SET", "k", "v")
	m.do("SET", "key2", "value2")
	c := ts.dial(t)
	c.do("CLIENT", "SETNAME", "caller")
	list := c.do("CLIENT", "LIST")
	cases := []struct{ name, field, want string }{
		{"m", "multi", "2"},
		// 5 and 13 argument bytes, and a slice header of 24 bytes per argument.
		{"m", "multi-mem", "162"},
		{"m", "argv-mem", "0"},
		{"m", "obl", "0"},
		{"caller", "multi", "-1"},
		{"caller", "multi-mem", "0"},
		{"caller", "argv-mem", "10"},
		{"caller", "qbuf", "0"},
		{"caller", "oll", "0"},
		{"caller", "omem", "0"},
	}
	for _, tc := range cases {
		if got := clientField(list, tc.name, tc.field); got != tc.want {
			t.Errorf("%s %s=%s, want %s\n%s", tc.name, tc.field, got, tc.want, list)
		}
	}
	for _, name := range []string{"m", "caller"} {
		if v := clientField(list, name, "tot-mem"); v == "0" || v == "?" {
			t.Errorf("%s tot-mem=%s", name, v)
		}
		if v := clientField(list, name, "qbuf-free"); v == "?" {
			t.Errorf("%s has no qbuf-free", name)
		}
	}
	m.do("EXEC")

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 3 {
		p := ts.dial(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for range 20 {
					p.send("SET", "k", strings.Repeat("x", 100))
				}
				for range 20 {
					p.read()
				}
			}
		}()
	}
	for range 200 {
		if got := c.do("CLIENT", "LIST"); !strings.Contains(got, "tot-mem=") {
			t.Fatalf("CLIENT LIST: %q", got)
		}
	}
	close(stop)
	wg.Wait()
}

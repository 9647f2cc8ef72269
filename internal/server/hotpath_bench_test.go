package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/vestadb/vesta/internal/config"
)

// BenchmarkRoundTrip drives a whole request through a real in-process
// server over loopback TCP: read, parse, dispatch, execute, AOF append and
// write, reply encoding and the reply write. The client side allocates
// nothing (pre-encoded requests, a fixed read buffer), so allocs/op is the
// server's allocations per request. One op is one request; requests go in
// batches of the pipeline depth. The commands mirror the throughput
// scenario (redis-benchmark -r: random keys, 3-byte values).
//
//	go test -run '^$' -bench RoundTrip -benchmem ./internal/server
//
// docs/BENCHMARKS.md "Where the CPU goes" uses it for allocations per request.
func BenchmarkRoundTrip(b *testing.B) {
	modes := []struct {
		name   string
		mutate func(c *config.Config)
	}{
		{"off", nil},
		{"everysec", func(c *config.Config) { c.AppendOnly, c.AppendFsync = true, config.FsyncEverySec }},
		{"always", func(c *config.Config) { c.AppendOnly, c.AppendFsync = true, config.FsyncAlways }},
	}
	for _, m := range modes {
		for _, cmd := range roundTripCommands {
			for _, p := range []int{1, 16} {
				b.Run(fmt.Sprintf("%s/%s/P%d", m.name, cmd.name, p), func(b *testing.B) {
					benchRoundTrip(b, m.mutate, cmd, p)
				})
			}
		}
	}
}

type roundTripCmd struct {
	name  string
	setup [][]string           // run once before timing
	req   func(i int) []string // request i
	lines int                  // "\n" bytes in one reply
}

// 1024 distinct keys, as redis-benchmark's -r spreads keys (fewer, so
// that the run stays in steady state: every key exists after the setup).
const roundTripKeys = 1024

func rtKey(i int) string { return fmt.Sprintf("key:%012d", i%roundTripKeys) }

var roundTripCommands = []roundTripCmd{
	{name: "SET", req: func(i int) []string { return []string{"SET", rtKey(i), "xxx"} }, lines: 1},
	{name: "GET", setup: msetAll(), req: func(i int) []string { return []string{"GET", rtKey(i)} }, lines: 2},
	{name: "INCR", req: func(i int) []string { return []string{"INCR", rtKey(i)} }, lines: 1},
	{name: "LPUSH", req: func(i int) []string { return []string{"LPUSH", "mylist", "xxx"} }, lines: 1},
	{name: "HSET", req: func(i int) []string { return []string{"HSET", rtKey(i), "element:" + rtKey(i), "xxx"} }, lines: 1},
	{name: "MSET", req: func(i int) []string {
		args := []string{"MSET"}
		for k := range 10 {
			args = append(args, rtKey(i*10+k), "xxx")
		}
		return args
	}, lines: 1},
	{name: "LRANGE_100", setup: lrangeSetup(), req: func(i int) []string { return []string{"LRANGE", "mylist", "0", "99"} }, lines: 1 + 2*100},
	// The types scenario's one-call script (issue 15's EVALSHA target).
	{name: "EVALSHA", setup: [][]string{{"SCRIPT", "LOAD", benchScript}}, req: func(i int) []string {
		return []string{"EVALSHA", benchScriptSHA, "1", rtKey(i)}
	}, lines: 1},
	{name: "EVALSHA_10", setup: [][]string{{"SCRIPT", "LOAD", benchScript10}}, req: func(i int) []string {
		return []string{"EVALSHA", benchScript10SHA, "1", rtKey(i)}
	}, lines: 1},
	// The types scenario's function (FCALL of a one-call library function).
	{name: "FCALL", setup: [][]string{{"FUNCTION", "LOAD", benchLibrary}}, req: func(i int) []string {
		return []string{"FCALL", "bench_incr", "1", rtKey(i)}
	}, lines: 1},
}

const (
	benchScript    = "return redis.call('INCR', KEYS[1])"
	benchScriptSHA = "61636018f4e6b5817b89791bbed242f93fa089e3"
	// The types scenario's ten-call script.
	benchScript10    = "local n for i = 1, 10 do n = redis.call('INCR', KEYS[1]) end return n"
	benchScript10SHA = "18634e55a39b734ffcd317a27edc02243fb25def"
	// The types scenario's library (bench/cmd/vbench/scen_types.go).
	benchLibrary = "#!lua name=bench\nredis.register_function('bench_incr', function(keys) return redis.call('INCR', keys[1]) end)"
)

// msetAll sets every key the commands use.
func msetAll() [][]string {
	cmd := []string{"MSET"}
	for i := range roundTripKeys {
		cmd = append(cmd, rtKey(i), "xxx")
	}
	return [][]string{cmd}
}

func lrangeSetup() [][]string {
	cmd := []string{"RPUSH", "mylist"}
	for range 100 {
		cmd = append(cmd, "xxx")
	}
	return [][]string{cmd}
}

func encodeCmd(dst []byte, args []string) []byte {
	dst = fmt.Appendf(dst, "*%d\r\n", len(args))
	for _, a := range args {
		dst = fmt.Appendf(dst, "$%d\r\n%s\r\n", len(a), a)
	}
	return dst
}

func benchRoundTrip(b *testing.B, mutate func(c *config.Config), cmd roundTripCmd, p int) {
	cfg := config.Default()
	cfg.Save = nil
	cfg.EnableDebugCommand = config.ProtectedYes
	cfg.Dir = b.TempDir()
	if mutate != nil {
		mutate(cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	s.listeners = []net.Listener{ln}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Run(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	rbuf := make([]byte, 1<<20)
	// roundTrip sends req and reads replies until n lines arrived.
	roundTrip := func(req []byte, n int) {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		for n > 0 {
			k, err := c.Read(rbuf)
			if err != nil {
				b.Fatal(err)
			}
			if bytes.HasPrefix(rbuf[:k], []byte("-")) {
				b.Fatalf("error reply: %q", rbuf[:k])
			}
			n -= bytes.Count(rbuf[:k], []byte("\n"))
		}
	}
	// Wait until the AOF is on (loading done): PING until the server
	// answers, then the setup commands.
	roundTrip(encodeCmd(nil, []string{"PING"}), 1)
	for _, sc := range cmd.setup {
		roundTrip(encodeCmd(nil, sc), 1)
	}
	// A ring of pre-encoded batches.
	const ring = 64
	batches := make([][]byte, ring)
	for i := range batches {
		for j := range p {
			batches[i] = encodeCmd(batches[i], cmd.req(i*p+j))
		}
	}
	// Warm up: every key exists, buffers have grown.
	for i := range 4 * ring {
		roundTrip(batches[i%ring], p*cmd.lines)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += p {
		roundTrip(batches[(i/p)%ring], p*cmd.lines)
	}
}

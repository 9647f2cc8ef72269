package command_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/server"
)

// This file runs command scripts against a real redis-server 7.0 and an
// in-process Vesta server over raw RESP, and compares the raw replies.
//
// Each script line starts with a mode:
//
//	= CMD …   the replies must be byte-identical
//	~ CMD …   an aggregate whose element order is hash order: compare the
//	          elements sorted (a scan reply: its element list sorted)
//	p CMD …   like ~ but the elements are field,value pairs (flat in RESP2,
//	          a map in RESP3) and are sorted as pairs
//	s CMD …   random picks: compare only the shape (types and lengths)
//	d DEBUG DIGEST   compare the digest text (Vesta replies with a bulk
//	          string, Redis with a simple string)
//	S CMD key [options]   HSCAN/SSCAN driven to cursor 0 on each side; the
//	          sets of elements returned must be equal
//	D         rdb_changes_since_last_save must have grown by the same
//	          amount on both sides since the last D
//	P 2|3     switch both connections to RESP2 or RESP3 (HELLO)
//	W         wait until neither server has an AOF rewrite running
//
// {x*N} in a line expands to N 'x' characters.
//
// Both servers run with appendonly yes, so DEBUG LOADAOF in a script
// replays what each one propagated (SPOP as SREMs, HINCRBYFLOAT as HSET …)
// and DEBUG RELOAD round-trips the values through an RDB file; every
// script ends with DEBUG DIGEST, which must agree.

// freePort returns a TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startRedis starts redis-server on a free port with its data in dir;
// without the binary the test is skipped, unless CI=true where it fails.
func startRedis(t *testing.T, dir string) int {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server is required in CI: %v", err)
		}
		t.Skipf("redis-server not found: %v", err)
	}
	port := freePort(t)
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", dir, "--save", "", "--appendonly", "yes", "--enable-debug-command", "yes")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return port
}

// startVesta runs a Vesta server in-process on a free port with its data
// in dir.
func startVesta(t *testing.T, dir string) int {
	t.Helper()
	cfg := config.Default()
	cfg.Port = freePort(t)
	cfg.Bind = []string{"127.0.0.1"}
	cfg.Save = nil
	cfg.Dir = dir
	cfg.AppendOnly = true
	cfg.EnableDebugCommand = config.ProtectedYes
	srv := server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), new(slog.LevelVar))
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return cfg.Port
}

// conn is a raw RESP connection.
type conn struct {
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, port int) *conn {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			t.Cleanup(func() { c.Close() })
			return &conn{c: c, r: bufio.NewReader(c)}
		}
		if time.Now().After(deadline) {
			t.Fatalf("connect to %d: %v", port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// reply is a parsed RESP reply that keeps its raw bytes.
type reply struct {
	raw  []byte
	kind byte
	kids []*reply
}

func (c *conn) do(t *testing.T, args []string) *reply {
	t.Helper()
	var b []byte
	b = fmt.Appendf(b, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
	}
	_ = c.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.c.Write(b); err != nil {
		t.Fatal(err)
	}
	r, err := c.read()
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return r
}

func (c *conn) read() (*reply, error) {
	line, err := c.r.ReadBytes('\n')
	if err != nil {
		return nil, err
	}
	r := &reply{raw: line, kind: line[0]}
	body := string(bytes.TrimRight(line[1:], "\r\n"))
	switch r.kind {
	case '$', '=', '!':
		n, _ := strconv.Atoi(body)
		if n >= 0 {
			buf := make([]byte, n+2)
			if _, err := io.ReadFull(c.r, buf); err != nil {
				return nil, err
			}
			r.raw = append(r.raw, buf...)
		}
	case '*', '~', '>', '%', '|':
		n, _ := strconv.Atoi(body)
		if r.kind == '%' || r.kind == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			k, err := c.read()
			if err != nil {
				return nil, err
			}
			r.kids = append(r.kids, k)
		}
	}
	return r, nil
}

// full returns the raw bytes of the reply and its children.
func (r *reply) full() []byte {
	out := slices.Clone(r.raw)
	for _, k := range r.kids {
		out = append(out, k.full()...)
	}
	return out
}

// sorted returns the reply with its elements (or pairs of elements, when
// pairs is set) in byte order; a scan reply has its element list sorted.
func (r *reply) sorted(pairs bool) string {
	kids := r.kids
	head := string(r.raw)
	if r.kind == '*' && len(kids) == 2 && kids[0].kind == '$' && kids[1].kind == '*' && isScanCursor(kids[0]) {
		return head + string(kids[0].full()) + kids[1].sorted(pairs)
	}
	step := 1
	if pairs {
		step = 2
	}
	var items []string
	for i := 0; i+step <= len(kids); i += step {
		var s string
		for j := 0; j < step; j++ {
			s += string(kids[i+j].full())
		}
		items = append(items, s)
	}
	slices.Sort(items)
	return head + strings.Join(items, "")
}

func isScanCursor(r *reply) bool {
	s := string(r.raw)
	i := strings.Index(s, "\r\n")
	_, err := strconv.ParseUint(strings.TrimSpace(s[i+2:]), 10, 64)
	return err == nil
}

// shape describes the reply's types and lengths without its contents.
func (r *reply) shape() string {
	var b strings.Builder
	b.WriteByte(r.kind)
	if len(r.kids) > 0 || strings.ContainsRune("*~%>|", rune(r.kind)) {
		fmt.Fprintf(&b, "%d[", len(r.kids))
		for _, k := range r.kids {
			b.WriteString(k.shape())
		}
		b.WriteByte(']')
	}
	if r.kind == '-' || r.kind == ':' {
		b.Write(r.raw) // errors and integers must still agree
	}
	return b.String()
}

func expand(line string) string {
	for {
		i := strings.Index(line, "{")
		if i < 0 {
			return line
		}
		j := strings.Index(line[i:], "}")
		spec := line[i+1 : i+j]
		ch, n, _ := strings.Cut(spec, "*")
		count, _ := strconv.Atoi(n)
		line = line[:i] + strings.Repeat(ch, count) + line[i+j+1:]
	}
}

// digestText is the hex text of a DEBUG DIGEST reply. Vesta replies with a
// bulk string where Redis uses a simple string (a known difference, see
// docs/COMPATIBILITY.md), so only the text is compared.
func digestText(r *reply) string {
	s := strings.TrimSpace(string(r.raw))
	if r.kind == '$' {
		_, s, _ = strings.Cut(s, "\r\n")
		return s
	}
	return s[1:]
}

// waitRewrite waits for a background AOF rewrite to finish.
func waitRewrite(t *testing.T, c *conn) {
	t.Helper()
	for i := 0; i < 500; i++ {
		r := string(c.do(t, []string{"INFO", "persistence"}).raw)
		if strings.Contains(r, "aof_rewrite_in_progress:0") && strings.Contains(r, "aof_rewrite_scheduled:0") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("AOF rewrite did not finish")
}

// dirty reads rdb_changes_since_last_save.
func dirty(t *testing.T, c *conn) int64 {
	r := c.do(t, []string{"INFO", "persistence"})
	for _, l := range strings.Split(string(r.raw), "\r\n") {
		if v, ok := strings.CutPrefix(l, "rdb_changes_since_last_save:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	t.Fatal("no rdb_changes_since_last_save in INFO")
	return 0
}

// scanAll drives a scan command to completion and returns the elements
// (pairs joined for HSCAN) sorted and de-duplicated.
func scanAll(t *testing.T, c *conn, args []string) string {
	pairs := strings.EqualFold(args[0], "HSCAN")
	seen := map[string]bool{}
	cursor := "0"
	for i := 0; ; i++ {
		a := slices.Clone(args)
		a = slices.Insert(a, 2, cursor)
		r := c.do(t, a)
		if r.kind != '*' || len(r.kids) != 2 {
			return string(r.full())
		}
		cr := string(r.kids[0].raw)
		cursor = strings.TrimSpace(cr[strings.Index(cr, "\n")+1:])
		els := r.kids[1].kids
		step := 1
		if pairs {
			step = 2
		}
		for j := 0; j+step <= len(els); j += step {
			var s string
			for k := 0; k < step; k++ {
				s += string(els[j+k].full())
			}
			seen[s] = true
		}
		if cursor == "0" || i > 100000 {
			break
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return strings.Join(out, "")
}

func runScript(t *testing.T, redis, vesta *conn, script string) {
	t.Helper()
	dr, dv := dirty(t, redis), dirty(t, vesta)
	for n, line := range strings.Split(strings.TrimSpace(script), "\n") {
		line = expand(strings.TrimSpace(line))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		mode, cmd, _ := strings.Cut(line, " ")
		args := strings.Fields(cmd)
		where := fmt.Sprintf("line %d: %s", n+1, line)
		switch mode {
		case "D":
			nr, nv := dirty(t, redis), dirty(t, vesta)
			if nr-dr != nv-dv {
				t.Errorf("%s: dirty grew by %d in Redis, %d in Vesta", where, nr-dr, nv-dv)
			}
			dr, dv = nr, nv
			continue
		case "W":
			waitRewrite(t, redis)
			waitRewrite(t, vesta)
			continue
		case "P":
			redis.do(t, []string{"HELLO", cmd})
			vesta.do(t, []string{"HELLO", cmd})
			continue
		case "S":
			want, got := scanAll(t, redis, args), scanAll(t, vesta, args)
			if want != got {
				t.Errorf("%s:\nredis %q\nvesta %q", where, want, got)
			}
			continue
		}
		rr, rv := redis.do(t, args), vesta.do(t, args)
		var want, got string
		switch mode {
		case "=":
			want, got = string(rr.full()), string(rv.full())
		case "~":
			want, got = rr.sorted(false), rv.sorted(false)
		case "p":
			// RESP2 flattens pairs; RESP3 HGETALL is a map (pairs too),
			// while RESP3 HRANDFIELD nests each pair in an array.
			pairs := len(rr.kids) == 0 || rr.kids[0].kind != '*'
			want, got = rr.sorted(pairs), rv.sorted(pairs)
		case "s":
			want, got = rr.shape(), rv.shape()
		case "d":
			want, got = digestText(rr), digestText(rv)
		default:
			t.Fatalf("%s: unknown mode %q", where, mode)
		}
		if want != got {
			t.Errorf("%s:\nredis %q\nvesta %q", where, want, got)
		}
	}
	if rr, rv := digestText(redis.do(t, []string{"DEBUG", "DIGEST"})), digestText(vesta.do(t, []string{"DEBUG", "DIGEST"})); rr != rv {
		t.Errorf("end of script: DEBUG DIGEST differs: redis %s, vesta %s", rr, rv)
	}
	// Dirty counts must agree at the end of every script.
	if nr, nv := dirty(t, redis), dirty(t, vesta); nr-dr != nv-dv {
		t.Errorf("end of script: dirty grew by %d in Redis, %d in Vesta", nr-dr, nv-dv)
	}
}

func TestHashSetAgainstRedis(t *testing.T) {
	redisPort := startRedis(t, t.TempDir())
	vestaPort := startVesta(t, t.TempDir())
	redis, vesta := dial(t, redisPort), dial(t, vestaPort)
	for _, sc := range hashSetScripts {
		t.Run(sc.name, func(t *testing.T) {
			for _, p := range []string{"2", "3"} {
				for _, c := range []*conn{redis, vesta} {
					c.do(t, []string{"FLUSHALL"})
					c.do(t, []string{"HELLO", p})
					for _, cfg := range [][]string{
						{"hash-max-listpack-entries", "128"}, {"hash-max-listpack-value", "64"},
						{"set-max-intset-entries", "512"},
					} {
						c.do(t, []string{"CONFIG", "SET", cfg[0], cfg[1]})
					}
				}
				runScript(t, redis, vesta, sc.script)
			}
		})
	}
}

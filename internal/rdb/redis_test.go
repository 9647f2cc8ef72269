package rdb

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// requireRedis returns the paths of redis-server and redis-check-rdb. When
// they are missing the test is skipped, unless CI=true, where it fails.
func requireRedis(t *testing.T) (server, check string) {
	t.Helper()
	server, err1 := exec.LookPath("redis-server")
	check, err2 := exec.LookPath("redis-check-rdb")
	if err := errors.Join(err1, err2); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server is required in CI: %v", err)
		}
		t.Skipf("redis-server not installed: %v", err)
	}
	return server, check
}

// startRedis runs redis-server on a free loopback port with dir as its
// data directory, loading dir/dump.rdb, and returns a connection to it.
func startRedis(t *testing.T, server, dir string) *respConn {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(server, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--logfile", filepath.Join(dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		nc, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c := &respConn{t: t, c: nc, r: bufio.NewReader(nc)}
			t.Cleanup(func() { nc.Close() })
			if reply, err := c.try("PING"); err == nil && reply == "PONG" {
				return c
			}
			nc.Close()
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
	t.Fatalf("redis-server did not come up; log:\n%s", log)
	return nil
}

// respConn is a minimal RESP2 client for checking the server's data.
type respConn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func (c *respConn) do(args ...string) any {
	c.t.Helper()
	reply, err := c.try(args...)
	if err != nil {
		c.t.Fatalf("%q: %v", args, err)
	}
	return reply
}

func (c *respConn) try(args ...string) (any, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	c.c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.c.Write(b.Bytes()); err != nil {
		return nil, err
	}
	return c.read()
}

func (c *respConn) read() (any, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("empty reply line")
	}
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return nil, errors.New(line[1:])
	case ':':
		return strconv.ParseInt(line[1:], 10, 64)
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, _ := strconv.Atoi(line[1:])
		out := make([]any, 0, max(n, 0))
		for range n {
			v, err := c.read()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("bad reply %q", line)
}

// strs turns an array reply into sorted strings.
func strs(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, len(arr))
	for i, e := range arr {
		out[i] = fmt.Sprint(e)
	}
	slices.Sort(out)
	return out
}

// writeAllTypes writes a file with every type Vesta may hand to Redis:
// plain encodings 0/1/2/3/4/5, a hand-built intset (11), hash listpack
// (16) and quicklist with a plain node (18), a function, expiries, and two
// databases.
func writeAllTypes(t *testing.T, path string, opts WriterOptions) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := NewWriter(f, opts)
	w.Header()
	w.WriteStandardAux(RedisVersion, time.Now().Unix(), 1<<20, false)
	w.Aux("vesta-note", "ignored by redis")
	w.Function("#!lua name=vlib\nredis.register_function('vfunc', function(keys, args) return 42 end)")
	w.SelectDB(0)
	w.ResizeDB(12, 1)

	w.Type(TypeString)
	w.Str("raw")
	w.Str("hello world")
	w.Type(TypeString)
	w.Str("int")
	w.Str("-300")
	w.Type(TypeString)
	w.Str("bigint")
	w.Int(1 << 40)
	w.Type(TypeString)
	w.Str("lzf")
	w.Str(strings.Repeat("abcabc", 50))
	w.ExpireMs(time.Now().Add(time.Hour).UnixMilli())
	w.Type(TypeString)
	w.Str("ttl")
	w.Str("v")

	w.Type(TypeList)
	w.Str("list")
	w.Len(3)
	w.Str("a")
	w.Str("12")
	w.Str(strings.Repeat("long", 20))

	w.Type(TypeSet)
	w.Str("set")
	w.Len(3)
	w.Str("x")
	w.Str("y")
	w.Str("7")

	w.Type(TypeZSet)
	w.Str("zset3")
	w.Len(2)
	w.Str("a")
	w.TextDouble(1.5)
	w.Str("b")
	w.TextDouble(-0.25)

	w.Type(TypeHash)
	w.Str("hash")
	w.Len(2)
	w.Str("f1")
	w.Str("v1")
	w.Str("f2")
	w.Str(strings.Repeat("w", 100))

	w.Type(TypeZSet2)
	w.Str("zset2")
	w.Len(2)
	w.Str("hi")
	w.Double(10)
	w.Str("lo")
	w.Double(-1e300)

	w.Type(TypeSetIntset)
	w.Str("intset")
	w.Blob([]byte{2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0})

	w.Type(TypeHashListpack)
	w.Str("hlp")
	w.Blob([]byte{0x12, 0, 0, 0, 4, 0, 0x81, 'f', 2, 0x81, 'v', 2, 0x81, 'n', 2, 5, 1, 0xff})

	w.Type(TypeListQuicklist2)
	w.Str("qlist")
	w.Len(2)
	w.Len(uint64(ContainerPacked))
	w.Blob([]byte{0x0f, 0, 0, 0, 3, 0, 0x81, 'a', 2, 0x81, 'b', 2, 1, 1, 0xff}) // a, b, 1
	w.Len(uint64(ContainerPlain))
	w.Str(strings.Repeat("P", 30))

	w.SelectDB(2)
	w.ResizeDB(1, 0)
	w.Type(TypeString)
	w.Str("k2")
	w.Str("v2")
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
}

// TestRedisLoadsOurFile writes a file with every type, checks it with
// redis-check-rdb, loads it in redis-server and reads the values back.
func TestRedisLoadsOurFile(t *testing.T) {
	server, check := requireRedis(t)
	for _, opts := range []WriterOptions{{}, {NoCompression: true, NoChecksum: true}} {
		t.Run(fmt.Sprintf("compression=%v,checksum=%v", !opts.NoCompression, !opts.NoChecksum), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "dump.rdb")
			writeAllTypes(t, path, opts)

			out, err := exec.Command(check, path).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "RDB looks OK") {
				t.Fatalf("redis-check-rdb: %v\n%s", err, out)
			}

			c := startRedis(t, server, dir)
			checks := []struct {
				args []string
				want any
			}{
				{[]string{"DBSIZE"}, int64(13)},
				{[]string{"GET", "raw"}, "hello world"},
				{[]string{"GET", "int"}, "-300"},
				{[]string{"GET", "bigint"}, "1099511627776"},
				{[]string{"GET", "lzf"}, strings.Repeat("abcabc", 50)},
				{[]string{"GET", "ttl"}, "v"},
				{[]string{"LRANGE", "list", "0", "-1"}, []any{"a", "12", strings.Repeat("long", 20)}},
				{[]string{"ZRANGE", "zset3", "0", "-1", "WITHSCORES"}, []any{"b", "-0.25", "a", "1.5"}},
				{[]string{"HGET", "hash", "f2"}, strings.Repeat("w", 100)},
				{[]string{"ZRANGE", "zset2", "0", "-1", "WITHSCORES"}, []any{"lo", "-1.0000000000000001e+300", "hi", "10"}},
				{[]string{"HGETALL", "hlp"}, []any{"f", "v", "n", "5"}},
				{[]string{"LRANGE", "qlist", "0", "-1"}, []any{"a", "b", "1", strings.Repeat("P", 30)}},
				{[]string{"OBJECT", "ENCODING", "intset"}, "intset"},
				{[]string{"FCALL", "vfunc", "0"}, int64(42)},
			}
			for _, tc := range checks {
				if got := c.do(tc.args...); fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("%q: got %v, want %v", tc.args, got, tc.want)
				}
			}
			if got := strs(c.do("SMEMBERS", "set")); !slices.Equal(got, []string{"7", "x", "y"}) {
				t.Errorf("SMEMBERS set: got %q", got)
			}
			if got := strs(c.do("SMEMBERS", "intset")); !slices.Equal(got, []string{"1", "2", "3"}) {
				t.Errorf("SMEMBERS intset: got %q", got)
			}
			if ttl, _ := c.do("PTTL", "ttl").(int64); ttl <= 0 || ttl > 3600*1000 {
				t.Errorf("PTTL ttl: got %d, want within the hour", ttl)
			}
			c.do("SELECT", "2")
			if got := c.do("GET", "k2"); got != "v2" {
				t.Errorf("db 2 GET k2: got %v, want v2", got)
			}
			// Have Redis save the data and read its file back.
			c.do("SELECT", "0")
			c.do("SAVE")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, eof := readAllItems(t, data, bytes.NewReader(data), ReaderOptions{}); !eof.Verified {
				t.Error("Redis's re-saved file: checksum not verified")
			}
		})
	}
}

// TestRedisRejectsBadChecksum checks that our checksum is the one Redis
// verifies: a flipped trailer makes redis-check-rdb fail.
func TestRedisRejectsBadChecksum(t *testing.T) {
	_, check := requireRedis(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "dump.rdb")
	writeAllTypes(t, path, WriterOptions{})
	data, _ := os.ReadFile(path)
	data[len(data)-3] ^= 0x40
	os.WriteFile(path, data, 0o644)
	out, err := exec.Command(check, path).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "CRC") && !strings.Contains(string(out), "checksum") {
		t.Fatalf("redis-check-rdb accepted a bad checksum: %v\n%s", err, out)
	}
}

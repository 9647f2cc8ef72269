package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// populate writes a small dataset touching several encodings, databases
// and expiries, and returns the DEBUG DIGEST it leaves.
func populate(t *testing.T, c *testutil.Conn) string {
	t.Helper()
	cmds := [][]string{
		{"SET", "int", "12345"},
		{"SET", "neg", "-9223372036854775808"},
		{"SET", "short", "hello"},
		{"SET", "long", strings.Repeat("x", 200)},
		{"SET", "bin", "\x00\xff\r\n"},
		{"SET", "ttl", "v", "EX", "100000"},
		{"SET", "pttl", "v", "PXAT", "4102444800000"},
		{"INCRBYFLOAT", "float", "3.14"},
		{"APPEND", "appended", "abc"},
		{"SELECT", "3"},
		{"SET", "in-db-3", "x"},
		{"MSET", "a", "1", "b", "2"},
		{"SELECT", "0"},
	}
	for i := 0; i < 200; i++ {
		cmds = append(cmds, []string{"SET", "key:" + strconv.Itoa(i), strings.Repeat("v", i)})
	}
	for _, cmd := range cmds {
		if reply := string(c.Do(cmd...)); strings.HasPrefix(reply, "-") {
			t.Fatalf("%q: %q", cmd, reply)
		}
	}
	return digest(t, c)
}

// digest returns the DEBUG DIGEST text, whatever the reply type.
func digest(t *testing.T, c *testutil.Conn) string {
	t.Helper()
	switch v := c.DoValue("DEBUG", "DIGEST").(type) {
	case testutil.Status:
		return string(v)
	case string:
		return v
	default:
		t.Fatalf("DEBUG DIGEST: got %#v", v)
		return ""
	}
}

// Ensure that SAVE, and SIGTERM with save points configured, leave an RDB
// file that the next start loads.
func TestRDBSurvivesRestart(t *testing.T) {
	s := testutil.StartVesta(t, "--save", "3600", "1", "--enable-debug-command", "yes")
	c := testutil.Dial(t, s.Addr)
	populate(t, c)
	if got := string(c.Do("SAVE")); got != "+OK\r\n" {
		t.Fatalf("SAVE: got %q", got)
	}
	c.Do("SET", "after-save", "1") // saved by the shutdown, not by SAVE
	want := digest(t, c)
	s.Restart()
	c = testutil.Dial(t, s.Addr)
	if got := digest(t, c); got != want {
		t.Fatalf("digest after restart: got %s, want %s", got, want)
	}
	if ttl := c.DoValue("TTL", "ttl").(int64); ttl < 99000 || ttl > 100000 {
		t.Fatalf("TTL after restart: got %d, want about 100000", ttl)
	}
}

// Ensure that with appendfsync always every acknowledged write survives
// SIGKILL.
func TestAOFSurvivesKill(t *testing.T) {
	s := testutil.StartVesta(t, "--appendonly", "yes", "--appendfsync", "always", "--enable-debug-command", "yes")
	c := testutil.Dial(t, s.Addr)
	populate(t, c)
	for i := 0; i < 100; i++ {
		c.Do("INCR", "counter")
	}
	want := digest(t, c)
	s.Kill()
	s.StartAgain()
	c = testutil.Dial(t, s.Addr)
	if got := digest(t, c); got != want {
		t.Fatalf("digest after SIGKILL and restart: got %s, want %s\n%s", got, want, s.Log())
	}
	if got := string(c.Do("GET", "counter")); got != "$3\r\n100\r\n" {
		t.Fatalf("counter after restart: got %q, want 100", got)
	}
}

// Ensure that an RDB file written by one server loads into the other with
// the same dataset digest, both ways.
func TestRDBInterchange(t *testing.T) {
	testutil.RequireTool(t, "redis-server")
	type starter func(t *testing.T, args ...string) *testutil.Server
	vesta := func(t *testing.T, args ...string) *testutil.Server { return testutil.StartVesta(t, args...) }
	redis := func(t *testing.T, args ...string) *testutil.Server { return testutil.StartRedis(t, args...) }
	for _, tc := range []struct {
		name           string
		writer, reader starter
	}{
		{"vesta to redis", vesta, redis},
		{"redis to vesta", redis, vesta},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.writer(t, "--enable-debug-command", "yes")
			c := testutil.Dial(t, w.Addr)
			want := populate(t, c)
			if got := string(c.Do("SAVE")); got != "+OK\r\n" {
				t.Fatalf("SAVE: got %q", got)
			}
			dir := t.TempDir()
			data, err := os.ReadFile(filepath.Join(w.Dir, "dump.rdb"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "dump.rdb"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			r := tc.reader(t, "--dir", dir, "--enable-debug-command", "yes")
			rc := testutil.Dial(t, r.Addr)
			if got := digest(t, rc); got != want {
				t.Fatalf("digest after loading the other server's RDB: got %s, want %s\n%s", got, want, r.Log())
			}
		})
	}
}

package diskfull

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

const aofMisconf = "-MISCONF Errors writing to the AOF file: "

// Redis 7.0 exits when an AOF write fails under appendfsync always (its
// replies are already on their way); Vesta holds replies back until the
// AOF is durable, so it refuses instead, under every policy. Redis is the
// reference for everysec.
func TestAOFDiskFull(t *testing.T) {
	cases := []struct {
		srv    server
		policy string
	}{
		{vesta, "always"},
		{vesta, "everysec"},
		{redis, "everysec"},
	}
	for _, tc := range cases {
		t.Run(tc.srv.name+"/"+tc.policy, func(t *testing.T) {
			aofDiskFull(t, tc.srv, tc.policy)
		})
	}
}

// ackedWrites remembers the last acknowledged value of each key.
type ackedWrites map[string]string

// set sends SET and records it when acknowledged; it returns the reply.
func (a ackedWrites) set(c *testutil.Conn, k, v string) string {
	r := string(c.Do("SET", k, v))
	if r == "+OK\r\n" {
		a[k] = v
	}
	return r
}

// check verifies every acknowledged write on a (restarted) server.
func (a ackedWrites) check(t *testing.T, addr string) {
	t.Helper()
	c := testutil.Dial(t, addr)
	defer c.Close()
	for k, v := range a {
		if got := string(c.Do("GET", k)); got != "$"+strconv.Itoa(len(v))+"\r\n"+v+"\r\n" {
			t.Fatalf("%s after restart: got %.60q, want the acknowledged value %.40q", k, got, v)
		}
	}
}

func aofDiskFull(t *testing.T, srv server, policy string) {
	dir := tmpfs(t, 2<<20)
	s := srv.start(t, "--dir", dir, "--appendonly", "yes", "--appendfsync", policy,
		"--auto-aof-rewrite-percentage", "0")
	c := testutil.Dial(t, s.Addr)
	acked := ackedWrites{}
	for i := 0; i < 50; i++ {
		if r := acked.set(c, "k:"+strconv.Itoa(i), value(i)); r != "+OK\r\n" {
			t.Fatalf("SET before the disk is full: got %q", r)
		}
	}
	f := fill(t, dir, 0)

	// Write until the server refuses: the AOF cannot grow any more.
	refused := ""
	for i := 50; i < 3000 && refused == ""; i++ {
		if r := acked.set(c, "k:"+strconv.Itoa(i%100), value(i)); r != "+OK\r\n" {
			refused = r
		}
	}
	want := aofMisconf + "No space left on device\r\n"
	if refused != want {
		t.Fatalf("SET on a full disk: got %q, want %q", refused, want)
	}
	if info(t, c, "aof_last_write_status") != "err" {
		t.Fatalf("aof_last_write_status: got ok, want err")
	}
	for _, cmd := range [][]string{{"SET", "other", "x"}, {"PING"}, {"INCR", "n"}} {
		if r := string(c.Do(cmd...)); r != want {
			t.Errorf("%s while the AOF cannot be written: got %q, want %q", cmd[0], r, want)
		}
	}
	for k, v := range acked {
		if r := string(c.Do("GET", k)); !strings.HasSuffix(r, v+"\r\n") {
			t.Fatalf("GET %s while the AOF cannot be written: got %.60q, want the value", k, r)
		}
		break
	}
	if r := string(c.Do("DBSIZE")); !strings.HasPrefix(r, ":") {
		t.Errorf("DBSIZE while the AOF cannot be written: got %q", r)
	}
	// Still refusing a second later (the cron's retry fails too), and alive.
	time.Sleep(1100 * time.Millisecond)
	if r := string(c.Do("SET", "other", "x")); r != want {
		t.Errorf("SET a second later: got %q, want %q", r, want)
	}
	if !s.Running() {
		t.Fatal("the server exited on a full disk")
	}

	f.remove(t)
	waitInfo(t, c, "aof_last_write_status", "ok", 5*time.Second)
	for i := 0; i < 50; i++ {
		if r := acked.set(c, "after:"+strconv.Itoa(i), value(i)); r != "+OK\r\n" {
			t.Fatalf("SET after space returned: got %q", r)
		}
	}
	s.Kill()
	s.StartAgain()
	acked.check(t, s.Addr)
}

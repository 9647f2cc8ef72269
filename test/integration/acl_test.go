package integration

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vestadb/vesta/internal/testutil"
)

// writeFile writes a test file or fails the test.
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Ensure that users declared in the configuration file work with
// redis-cli's --user/--pass and go-redis's Username, over RESP2 and RESP3,
// on Vesta as on Redis.
func TestACLClients(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			conf := filepath.Join(t.TempDir(), "acl.conf")
			writeFile(t, conf, "user alice on >wonderland ~app:* &app.* +@all -@dangerous\nuser bob off >x +@all ~*\n")
			s := tg.start(t, conf)
			out, err := testutil.RedisCLI(t, s.Port, "--no-auth-warning", "--user", "alice", "--pass", "wonderland", "SET", "app:1", "v")
			if err != nil || strings.TrimSpace(out) != "OK" {
				t.Errorf("redis-cli SET as alice: %q %v", out, err)
			}
			out, _ = testutil.RedisCLI(t, s.Port, "--no-auth-warning", "--user", "alice", "--pass", "wonderland", "SET", "other", "v")
			if !strings.Contains(out, "NOPERM this user has no permissions to access one of the keys used as arguments") {
				t.Errorf("redis-cli SET outside the patterns: %q", out)
			}
			out, _ = testutil.RedisCLI(t, s.Port, "--no-auth-warning", "--user", "alice", "--pass", "wonderland", "FLUSHALL")
			if !strings.Contains(out, "NOPERM this user has no permissions to run the 'flushall' command") {
				t.Errorf("redis-cli FLUSHALL: %q", out)
			}
			// A failed AUTH leaves redis-cli the default user.
			out, _ = testutil.RedisCLI(t, s.Port, "--no-auth-warning", "--user", "alice", "--pass", "wrong", "ACL", "WHOAMI")
			if strings.TrimSpace(out) != "default" {
				t.Errorf("redis-cli with a wrong password: %q", out)
			}
			ctx := context.Background()
			for _, proto := range []int{2, 3} {
				rc := testutil.GoRedisOptions(t, &redis.Options{Addr: s.Addr, Protocol: proto, Username: "alice", Password: "wonderland"})
				if err := rc.Set(ctx, "app:2", "x", 0).Err(); err != nil {
					t.Errorf("go-redis RESP%d SET: %v", proto, err)
				}
				if v, err := rc.Get(ctx, "app:2").Result(); err != nil || v != "x" {
					t.Errorf("go-redis RESP%d GET: %q %v", proto, v, err)
				}
				if err := rc.Get(ctx, "secret").Err(); err == nil || !strings.HasPrefix(err.Error(), "NOPERM") {
					t.Errorf("go-redis RESP%d GET outside the patterns: %v", proto, err)
				}
				if who, err := rc.Do(ctx, "ACL", "WHOAMI").Text(); err != nil || who != "alice" {
					t.Errorf("go-redis RESP%d ACL WHOAMI: %q %v", proto, who, err)
				}
				bad := testutil.GoRedisOptions(t, &redis.Options{Addr: s.Addr, Protocol: proto, Username: "bob", Password: "x",
					MaxRetries: -1})
				if err := bad.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "WRONGPASS") {
					t.Errorf("go-redis RESP%d as a user that is off: %v", proto, err)
				}
			}
		})
	}
}

// Ensure that a bad aclfile line, users in both the configuration and an
// aclfile, and a bad user directive stop startup, naming the file and the
// line.
func TestACLStartupErrors(t *testing.T) {
	bin := testutil.BuildVesta(t)
	dir := t.TempDir()
	acl := filepath.Join(dir, "users.acl")
	writeFile(t, acl, "user alice on >p +@all ~*\nuser bob on +nosuch\n")
	stdout, stderr, code := runBinary(t, bin, "", "--port", "0", "--aclfile", acl)
	out := stdout + stderr
	if code != 1 || !strings.Contains(out, "Aborting Redis startup because of ACL errors: "+acl+":2: Error in applying operation '+nosuch'") {
		t.Errorf("bad aclfile line: exit %d\n%s", code, out)
	}
	stdout, stderr, code = runBinary(t, bin, "", "--port", "0", "--aclfile", filepath.Join(dir, "missing.acl"))
	if out := stdout + stderr; code != 1 || !strings.Contains(out, "Error loading ACLs, opening file") {
		t.Errorf("missing aclfile: exit %d\n%s", code, out)
	}
	conf := filepath.Join(dir, "both.conf")
	writeFile(t, conf, "port 0\nuser alice on\naclfile "+acl+"\n")
	stdout, stderr, code = runBinary(t, bin, "", conf)
	if out := stdout + stderr; code != 1 || !strings.Contains(out, "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid") {
		t.Errorf("users in both places: exit %d\n%s", code, out)
	}
	conf = filepath.Join(dir, "bad.conf")
	writeFile(t, conf, "port 0\n\nuser alice on bogus\n")
	stdout, stderr, code = runBinary(t, bin, "", conf)
	out = stdout + stderr
	for _, want := range []string{"FATAL CONFIG FILE ERROR", "at line 3", ">>> 'user alice on bogus'", "Error in user declaration 'alice': Syntax error"} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("bad user line: exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
	conf = filepath.Join(dir, "unknown.conf")
	writeFile(t, conf, "port 0\nuser alice on +nosuch\n")
	stdout, stderr, code = runBinary(t, bin, "", conf)
	if out := stdout + stderr; code != 1 || !strings.Contains(out, "Error loading ACL rule '+nosuch' for the user named 'alice'") {
		t.Errorf("unknown command in a user line: exit %d\n%s", code, out)
	}
}

// Ensure that ACL SAVE writes a file the next start loads, that ACL LOAD
// with a bad file changes nothing, and that CONFIG REWRITE keeps the
// users of the configuration file.
func TestACLPersistence(t *testing.T) {
	dir := t.TempDir()
	acl := filepath.Join(dir, "users.acl")
	writeFile(t, acl, "")
	s := testutil.StartVesta(t, "--aclfile", acl)
	c := testutil.Dial(t, s.Addr)
	for _, cmd := range [][]string{
		{"ACL", "SETUSER", "alice", "on", ">p", "~k*", "+get", "(+set ~w*)"},
		{"ACL", "SETUSER", "default", ">admin"},
		{"ACL", "SAVE"},
	} {
		if got := string(c.Do(cmd...)); got != "+OK\r\n" {
			t.Fatalf("%q: %q", cmd, got)
		}
	}
	saved, _ := os.ReadFile(acl)
	if !strings.Contains(string(saved), "user alice on #") {
		t.Fatalf("saved file:\n%s", saved)
	}
	s.Restart()
	c = testutil.Dial(t, s.Addr)
	if got := string(c.Do("AUTH", "alice", "p")); got != "+OK\r\n" {
		t.Fatalf("AUTH after restart: %q", got)
	}
	if got := string(c.Do("SET", "w1", "v")); got != "+OK\r\n" {
		t.Fatalf("SET through the selector after restart: %q", got)
	}
	writeFile(t, acl, "user alice on >p\nuser broken +nosuch\n")
	admin := testutil.Dial(t, s.Addr)
	admin.Do("AUTH", "admin")
	if got := string(admin.Do("ACL", "LOAD")); !strings.Contains(got, acl+":2: Error in applying operation '+nosuch'") {
		t.Fatalf("ACL LOAD of a bad file: %q", got)
	}
	if got := string(c.Do("SET", "w2", "v")); got != "+OK\r\n" {
		t.Fatalf("a failed ACL LOAD changed the users: %q", got)
	}
	writeFile(t, acl, "user alice on >p2 +@all ~*\n")
	if got := string(admin.Do("ACL", "LOAD")); got != "+OK\r\n" {
		t.Fatalf("ACL LOAD: %q", got)
	}
	// ACL LOAD replaced alice: her connections are closed, the default
	// user (now without a password) stays. A connection of hers running
	// ACL LOAD gets its reply first.
	c.ExpectClosed(2 * time.Second)
	alice := testutil.Dial(t, s.Addr)
	alice.Do("AUTH", "alice", "p2")
	if got := string(alice.Do("ACL", "LOAD")); got != "+OK\r\n" {
		t.Fatalf("ACL LOAD by a user it replaces: %q", got)
	}
	alice.ExpectClosed(2 * time.Second)
	if got := string(admin.Do("ACL", "WHOAMI")); got != "$7\r\ndefault\r\n" {
		t.Fatalf("the default user's connection after ACL LOAD: %q", got)
	}

	conf := filepath.Join(t.TempDir(), "users.conf")
	writeFile(t, conf, "# users\nuser alice on >p ~k* +get\n")
	s2 := testutil.StartVesta(t, conf)
	c2 := testutil.Dial(t, s2.Addr)
	c2.Do("ACL", "SETUSER", "carol", "on", ">c", "+@read", "~*")
	c2.Do("ACL", "DELUSER", "alice")
	if got := string(c2.Do("CONFIG", "REWRITE")); got != "+OK\r\n" {
		t.Fatalf("CONFIG REWRITE: %q", got)
	}
	rewritten, _ := os.ReadFile(conf)
	if strings.Contains(string(rewritten), "alice") || !strings.Contains(string(rewritten), "user carol on #") ||
		!strings.Contains(string(rewritten), "user default on nopass ~* &* +@all") {
		t.Fatalf("rewritten configuration:\n%s", rewritten)
	}
	s2.Restart()
	c2 = testutil.Dial(t, s2.Addr)
	if got := string(c2.Do("AUTH", "carol", "c")); got != "+OK\r\n" {
		t.Fatalf("AUTH carol after the rewrite and restart: %q\n%s", got, rewritten)
	}
}

// Ensure that switching a user off or deleting it closes the connections
// authenticated as that user (Redis 7.0 closes them only on deletion).
func TestACLDisabledUserDisconnected(t *testing.T) {
	s := testutil.StartVesta(t)
	admin := testutil.Dial(t, s.Addr)
	admin.Do("ACL", "SETUSER", "u", "on", ">p", "+@all", "~*")
	a, b := testutil.Dial(t, s.Addr), testutil.Dial(t, s.Addr)
	for _, c := range []*testutil.Conn{a, b} {
		if got := string(c.Do("AUTH", "u", "p")); got != "+OK\r\n" {
			t.Fatalf("AUTH: %q", got)
		}
	}
	if got := string(admin.Do("ACL", "SETUSER", "u", "on", "-get")); got != "+OK\r\n" {
		t.Fatal(got)
	}
	if got := string(a.Do("PING")); got != "+PONG\r\n" {
		t.Fatalf("a change that keeps the user on closed its connection: %q", got)
	}
	admin.Do("ACL", "SETUSER", "u", "off")
	a.ExpectClosed(2 * time.Second)
	b.ExpectClosed(2 * time.Second)
	if got := string(admin.Do("PING")); got != "+PONG\r\n" {
		t.Fatalf("admin: %q", got)
	}
	admin.Do("ACL", "SETUSER", "u", "on")
	c := testutil.Dial(t, s.Addr)
	c.Do("AUTH", "u", "p")
	admin.Do("ACL", "DELUSER", "u")
	c.ExpectClosed(2 * time.Second)
}

// Ensure that a relative aclfile is found in dir, as Redis (whose working
// directory is dir) finds it, and that ACL SAVE writes it there.
func TestACLFileRelativeToDir(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "users.acl"), "user zed on nopass +@all ~*\n")
			s := tg.start(t, "--dir", dir, "--aclfile", "users.acl")
			c := testutil.Dial(t, s.Addr)
			if got := string(c.Do("ACL", "USERS")); got != "*2\r\n$7\r\ndefault\r\n$3\r\nzed\r\n" {
				t.Fatalf("ACL USERS: %q", got)
			}
			c.Do("ACL", "SETUSER", "amy", "on")
			if got := string(c.Do("ACL", "SAVE")); got != "+OK\r\n" {
				t.Fatalf("ACL SAVE: %q", got)
			}
			if data, _ := os.ReadFile(filepath.Join(dir, "users.acl")); !strings.Contains(string(data), "user amy on") {
				t.Fatalf("saved file:\n%s", data)
			}
		})
	}
}

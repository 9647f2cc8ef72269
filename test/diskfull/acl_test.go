package diskfull

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// Ensure that ACL SAVE on a full disk fails with Redis's error, leaves the
// old aclfile complete and no temporary file behind, changes no user, and
// succeeds once space returns.
func TestACLSaveDiskFull(t *testing.T) {
	dir := tmpfs(t, 1<<20)
	acl := filepath.Join(dir, "users.acl")
	if err := os.WriteFile(acl, []byte("user default on nopass ~* &* +@all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := testutil.StartVesta(t, "--dir", dir, "--aclfile", acl, "--appendonly", "no")
	c := testutil.Dial(t, s.Addr)
	if got := string(c.Do("ACL", "SETUSER", "alice", "on", ">p", "~k*", "+get")); got != "+OK\r\n" {
		t.Fatal(got)
	}
	if got := string(c.Do("ACL", "SAVE")); got != "+OK\r\n" {
		t.Fatalf("ACL SAVE: %q", got)
	}
	old, _ := os.ReadFile(acl)
	// Many users with long patterns: the file no longer fits.
	for i := 0; i < 200; i++ {
		name := "user" + strings.Repeat("x", 40) + strconv.Itoa(i)
		if got := string(c.Do("ACL", "SETUSER", name, "on", "~"+strings.Repeat("p", 200))); got != "+OK\r\n" {
			t.Fatal(got)
		}
	}
	f := fill(t, dir, 0)
	want := "-ERR There was an error trying to save the ACLs. Please check the server logs for more information\r\n"
	if got := string(c.Do("ACL", "SAVE")); got != want {
		t.Fatalf("ACL SAVE on a full disk: %q", got)
	}
	if now, _ := os.ReadFile(acl); string(now) != string(old) {
		t.Fatalf("the aclfile changed:\n%s", now)
	}
	if tmp := tempFiles(t, dir); len(tmp) > 0 {
		t.Fatalf("temporary files left: %v", tmp)
	}
	if got := string(c.Do("ACL", "DRYRUN", "alice", "get", "k1")); got != "+OK\r\n" {
		t.Fatalf("users after the failed save: %q", got)
	}
	f.remove(t)
	if got := string(c.Do("ACL", "SAVE")); got != "+OK\r\n" {
		t.Fatalf("ACL SAVE after space returned: %q", got)
	}
	s.Restart()
	c = testutil.Dial(t, s.Addr)
	if got := string(c.Do("ACL", "USERS")); !strings.Contains(got, "alice") || strings.Count(got, "userxxxx") != 200 {
		t.Fatalf("users after a restart: %.200q", got)
	}
}

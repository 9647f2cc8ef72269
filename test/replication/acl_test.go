package replication

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// TestReplicationUser: a Vesta master whose default user has a password
// and a replication user allowed only PSYNC, REPLCONF and PING is
// followed by a redis-server replica and a Vesta replica that log in with
// masteruser/masterauth; a replica whose user may not run PSYNC never gets
// its link up, and the master logs the denial in ACL LOG.
func TestReplicationUser(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "master.conf")
	if err := os.WriteFile(conf, []byte("requirepass adminpw\nuser repl on >rp +psync +replconf +ping\nuser norepl on >np +replconf +ping\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := testutil.StartVesta(t, conf, "--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0")
	mc := testutil.Dial(t, m.Addr)
	mc.Do("AUTH", "adminpw")
	mc.Do("SET", "k", "v")
	_, rr := startReplica(t, m, "--masteruser", "repl", "--masterauth", "rp")
	_, vr := startVestaReplica(t, "127.0.0.1", m.Port, "--masteruser", "repl", "--masterauth", "rp")
	for _, rc := range []*testutil.Conn{rr, vr} {
		waitLinkUp(t, rc)
		syncedTo(t, mc, rc)
	}
	if got := string(mc.Do("CLIENT", "LIST", "TYPE", "replica")); strings.Count(got, "user=repl") != 2 {
		t.Fatalf("replicas' users: %q", got)
	}
	_, bad := startVestaReplica(t, "127.0.0.1", m.Port, "--masteruser", "norepl", "--masterauth", "np")
	time.Sleep(1500 * time.Millisecond)
	if st := info(t, bad, "replication", "master_link_status"); st != "down" {
		t.Fatalf("a replica whose user may not PSYNC: link %s", st)
	}
	if got := string(mc.Do("ACL", "LOG", "1")); !strings.Contains(got, "psync") || !strings.Contains(got, "norepl") {
		t.Fatalf("ACL LOG on the master: %q", got)
	}
}

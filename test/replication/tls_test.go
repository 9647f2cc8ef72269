package replication

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// TestTLSReplica: Debian's redis-server, with tls-replication yes, replicates
// from Vesta's TLS port (client certificate required), by a full
// synchronisation, disk-based or diskless, then a partial one after the link
// is killed.
func TestTLSReplica(t *testing.T) {
	for _, diskless := range []string{"yes", "no"} {
		t.Run("diskless-"+diskless, func(t *testing.T) {
			f := testutil.GenTLS(t, t.TempDir(), "a")
			port, err := testutil.FreePort()
			if err != nil {
				t.Fatal(err)
			}
			m, mc := startMaster(t, "--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0",
				"--tls-port", strconv.Itoa(port), "--tls-cert-file", f.ServerCert, "--tls-key-file", f.ServerKey,
				"--tls-ca-cert-file", f.CA, "--tls-auth-clients", "yes")
			preload(t, mc, 100)
			r := testutil.StartRedis(t, "--enable-debug-command", "yes", "--replicaof", "127.0.0.1", strconv.Itoa(port),
				"--tls-replication", "yes", "--tls-cert-file", f.ClientCert, "--tls-key-file", f.ClientKey, "--tls-ca-cert-file", f.CA)
			rc := testutil.Dial(t, r.Addr)
			defer rc.Close()
			waitLinkUp(t, rc)
			digestsEqual(t, mc, rc)
			if got := fmt.Sprint(mc.DoValue("SET", "after", "sync")); got != "OK" {
				t.Fatalf("SET: %v", got)
			}
			waitFor(t, 10*time.Second, "the write on the replica", func() bool { return fmt.Sprint(rc.DoValue("GET", "after")) == "sync" })
			if got := mc.DoValue("CLIENT", "KILL", "TYPE", "replica"); got != int64(1) {
				t.Fatalf("CLIENT KILL TYPE replica = %v", got)
			}
			mc.DoValue("SET", "after", "kill")
			waitFor(t, 20*time.Second, "the replica back online", func() bool {
				return strings.Contains(info(t, mc, "replication", "slave0"), "state=online") && fmt.Sprint(rc.DoValue("GET", "after")) == "kill"
			})
			digestsEqual(t, mc, rc)
			if got := info(t, mc, "stats", "sync_partial_ok"); got != "1" {
				t.Errorf("sync_partial_ok = %s, want 1 (log:\n%s)", got, m.Log())
			}
		})
	}
}

// TestTLSVestaReplicaOfRedis: Vesta, with tls-replication yes, replicates
// from redis-server's TLS port (client certificate required), full sync
// then streaming.
func TestTLSVestaReplicaOfRedis(t *testing.T) {
	f := testutil.GenTLS(t, t.TempDir(), "a")
	port, err := testutil.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	_, mc := startRedisMaster(t, "--tls-port", strconv.Itoa(port), "--tls-cert-file", f.ServerCert,
		"--tls-key-file", f.ServerKey, "--tls-ca-cert-file", f.CA, "--tls-auth-clients", "yes")
	preload(t, mc, 100)
	r, rc := startVestaReplica(t, "127.0.0.1", port, "--tls-replication", "yes", "--tls-cert-file", f.ClientCert,
		"--tls-key-file", f.ClientKey, "--tls-ca-cert-file", f.CA)
	waitLinkUp(t, rc)
	if got := fmt.Sprint(mc.DoValue("SET", "after", "sync")); got != "OK" {
		t.Fatalf("SET: %v", got)
	}
	syncedTo(t, mc, rc)
	if !strings.Contains(info(t, mc, "replication", "slave0"), "state=online") {
		t.Fatalf("master does not list the replica online (replica log:\n%s)", r.Log())
	}
}

// TestTLSReplicationRefusesPlainMaster: with tls-replication yes, a master
// that speaks plain TCP is never synced from; the failure is logged.
func TestTLSReplicationRefusesPlainMaster(t *testing.T) {
	f := testutil.GenTLS(t, t.TempDir(), "a")
	m, _ := startRedisMaster(t)
	_, mport, _ := strings.Cut(m.Addr, ":")
	p, _ := strconv.Atoi(mport)
	r, rc := startVestaReplica(t, "127.0.0.1", p, "--tls-replication", "yes", "--tls-cert-file", f.ClientCert,
		"--tls-key-file", f.ClientKey, "--tls-ca-cert-file", f.CA, "--repl-timeout", "1")
	// Redis waits for a newline in the ClientHello, so the handshake ends
	// at the link's timeout, and is logged.
	waitFor(t, 10*time.Second, "a logged link failure", func() bool {
		return strings.Contains(r.Log(), "Replication with MASTER 127.0.0.1:"+mport+" failed")
	})
	if got := info(t, rc, "replication", "master_link_status"); got != "down" {
		t.Fatalf("master_link_status = %s over a plain link with tls-replication yes", got)
	}
}

package replication

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// TestAuthAndOutputLimits: with requirepass and normal-class output limits
// (every client on queued output), a replica with masterauth still syncs;
// a stopped replica is cut off by the replica-class limit while the master
// keeps serving.
func TestAuthAndOutputLimits(t *testing.T) {
	m := testutil.StartVesta(t, "--enable-debug-command", "yes", "--requirepass", "pw",
		"--client-output-buffer-limit", "normal 1gb 0 0 replica 256kb 0 0 pubsub 32mb 8mb 60",
		"--repl-diskless-sync-delay", "0")
	mc := testutil.Dial(t, m.Addr)
	defer mc.Close()
	mc.Do("AUTH", "pw")
	rs, rc := startReplica(t, m, "--masterauth", "pw")
	waitLinkUp(t, rc)
	mc.Do("SET", "a", "1")
	if got := mc.DoValue("WAIT", "1", "5000"); got != int64(1) {
		t.Fatalf("WAIT = %v", got)
	}
	if err := rs.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer rs.Signal(syscall.SIGCONT)
	big := strings.Repeat("x", 10000)
	waitFor(t, 20*time.Second, "the stopped replica dropped", func() bool {
		for i := 0; i < 50; i++ {
			mc.Do("SET", "big"+strconv.Itoa(i), big)
		}
		return info(t, mc, "replication", "connected_slaves") == "0"
	})
	if !strings.Contains(m.Log(), "output buffer limits") {
		t.Errorf("no log line about the output buffer limit")
	}
	if got := string(mc.Do("PING")); got != "+PONG\r\n" {
		t.Fatalf("PING = %q", got)
	}
	if err := rs.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the replica back", func() bool {
		return strings.Contains(info(t, mc, "replication", "slave0"), "state=online")
	})
	if got := mc.DoValue("WAIT", "1", "5000"); got != int64(1) {
		t.Fatalf("WAIT after the comeback = %v", got)
	}
	digestsEqual(t, mc, rc)
}

// TestHostileReplicas: replicas that stop at every step of the handshake,
// stall in the middle of the snapshot or never acknowledge leave the master
// healthy, and it drops the stalled ones after repl-timeout.
func TestHostileReplicas(t *testing.T) {
	m, mc := startMaster(t, "--repl-diskless-sync", "no", "--repl-timeout", "2")
	preload(t, mc, 3000) // a snapshot larger than the socket buffers
	steps := []string{
		"PING\r\n",
		"REPLCONF listening-port 1234\r\n",
		"REPLCONF capa eof capa psync2\r\n",
		"PSYNC ? -1\r\n",
	}
	for i := range steps {
		nc, err := net.Dial("tcp", m.Addr)
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(nc)
		for j, s := range steps[:i+1] {
			if _, err := nc.Write([]byte(s)); err != nil {
				t.Fatal(err)
			}
			if j < i {
				if _, err := br.ReadString('\n'); err != nil {
					t.Fatal(err)
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
		nc.Close()
	}
	// A replica that asks for a full sync, reads the first line and then
	// never reads again nor acknowledges anything.
	nc, err := net.Dial("tcp", m.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4096)
	}
	if _, err := nc.Write([]byte("REPLCONF capa eof\r\n")); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	line, err := br.ReadString('\n')
	if err != nil || line != "+OK\r\n" {
		t.Fatalf("REPLCONF: %q %v", line, err)
	}
	if _, err := nc.Write([]byte("PSYNC ? -1\r\n")); err != nil {
		t.Fatal(err)
	}
	for {
		line, err = br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line != "\n" {
			break
		}
	}
	if !strings.HasPrefix(line, "+FULLRESYNC ") {
		t.Fatalf("PSYNC: %q", line)
	}
	// Writes go on while it stalls.
	for i := 0; i < 200; i++ {
		if got := string(mc.Do("INCR", "n")); !strings.HasPrefix(got, ":") {
			t.Fatalf("INCR = %q", got)
		}
	}
	// It is dropped (write deadline or no ACK within repl-timeout).
	waitFor(t, 15*time.Second, "the stalled replica dropped", func() bool {
		return info(t, mc, "replication", "connected_slaves") == "0"
	})
	// Its connection is gone from the server (the kernel may take a while
	// to deliver the rest and the FIN to a peer that does not read).
	waitFor(t, 5*time.Second, "no replica client", func() bool {
		return fmt.Sprint(mc.DoValue("CLIENT", "LIST", "TYPE", "replica")) == ""
	})
	// A real replica still syncs afterwards.
	_, rc := startReplica(t, m)
	waitLinkUp(t, rc)
	digestsEqual(t, mc, rc)
}

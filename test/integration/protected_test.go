package integration

import (
	"bytes"
	"context"
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// protectedScript runs inside a fresh network namespace (unshare -n), so
// nothing leaves this test: it gives the namespace's loopback device a
// second, non-127/8 address, starts the server on it and on 127.0.0.1,
// and sends PING and QUIT from both. A connection to 198.18.0.1 comes from
// 198.18.0.1, which is not a loopback address, so protected mode applies to
// it. Each probe prints one line: its name and the escaped reply.
const protectedScript = `
set -u
trap '' PIPE
ip link set lo up || exit 90
ip addr add 198.18.0.1/32 dev lo || exit 91
"$BIN" --port 7000 --bind 198.18.0.1 127.0.0.1 --save "" --dir "$DIR" $EXTRA >"$DIR/server.log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null' EXIT
probe() { # name host
	exec 3<>"/dev/tcp/$2/7000" || { echo "$1 connect-failed"; return; }
	printf 'PING\r\nQUIT\r\n' >&3 2>/dev/null
	reply=$(timeout 3 cat <&3 | od -An -v -tx1 | tr -d ' \n')
	exec 3<&-
	echo "$1 $reply"
}
for i in $(seq 100); do
	(exec 3<>/dev/tcp/127.0.0.1/7000) 2>/dev/null && break
	sleep 0.05
done
probe remote 198.18.0.1
probe local 127.0.0.1
kill -TERM $pid
wait $pid
echo "exit $?"
`

// runProtected runs protectedScript for bin with extra options and returns
// its probe lines.
func runProtected(t *testing.T, bin, extra string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "-n", "bash", "-c", protectedScript)
	dir := t.TempDir()
	cmd.Env = append(cmd.Environ(), "BIN="+bin, "DIR="+dir, "EXTRA="+extra)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("protected-mode script: %v\n%s", err, out.String())
	}
	lines := map[string]string{}
	for _, l := range strings.Split(out.String(), "\n") {
		if name, rest, ok := strings.Cut(l, " "); ok {
			lines[name] = strings.TrimSpace(rest)
		}
	}
	return lines
}

// Ensure that protected mode (on by default, no password) refuses clients
// that do not come from loopback with Redis's -DENIED message and accepts
// loopback ones; a password or protected-mode no lets remote clients in.
func TestProtectedMode(t *testing.T) {
	if !hasUnshare() {
		// Needs CAP_SYS_ADMIN for a private network namespace; CI runs as
		// root and has it.
		t.Skip("cannot create a network namespace (unshare -n); protected mode needs a non-loopback address")
	}
	for _, tool := range []string{"bash", "ip", "od", "timeout"} {
		testutil.RequireTool(t, tool)
	}
	cases := []struct {
		name, extra        string
		remote, localWants string
	}{
		{"default", "", "-DENIED Redis is running in protected mode", "+PONG"},
		{"with password", "--requirepass pw", "-NOAUTH Authentication required.", "-NOAUTH"},
		{"protected-mode no", "--protected-mode no", "+PONG", "+PONG"},
	}
	results := map[string]map[string]string{}
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			bin := binaryOf(t, tg.name)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					got := runProtected(t, bin, tc.extra)
					results[tg.name+"/"+tc.name] = got
					if !strings.HasPrefix(unOd(got["remote"]), tc.remote) {
						t.Errorf("remote PING: got %q, want prefix %q", unOd(got["remote"]), tc.remote)
					}
					if !strings.HasPrefix(unOd(got["local"]), tc.localWants) {
						t.Errorf("loopback PING: got %q, want prefix %q", unOd(got["local"]), tc.localWants)
					}
					if got["exit"] != "0" {
						t.Errorf("exit status after SIGTERM: got %q, want 0", got["exit"])
					}
				})
			}
		})
	}
	// The remote replies, the whole DENIED message included, are Redis's
	// bytes.
	for _, tc := range cases {
		v, r := results["vesta/"+tc.name], results["redis/"+tc.name]
		if v == nil || r == nil || v["remote"] == r["remote"] {
			continue
		}
		t.Errorf("%s: remote reply differs from Redis's\nvesta: %s\nredis: %s", tc.name, unOd(v["remote"]), unOd(r["remote"]))
	}
}

// unOd decodes the hex dump of a reply and escapes it for messages.
func unOd(s string) string {
	b, err := hex.DecodeString(s)
	if err != nil {
		return "<" + s + ">"
	}
	return testutil.Escape(b)
}

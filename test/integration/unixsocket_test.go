package integration

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// cli runs redis-cli on the Unix socket and returns its output.
func cli(t *testing.T, sock string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, testutil.RequireTool(t, "redis-cli"), append([]string{"-s", sock}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli -s %s %q: %v\n%s", sock, args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// clientFields keeps the CLIENT LIST/INFO fields that describe the
// connection itself (the others count bytes and seconds).
func clientFields(line string) string {
	var keep []string
	for _, f := range strings.Fields(line) {
		k, _, _ := strings.Cut(f, "=")
		switch k {
		case "addr", "laddr", "flags", "db", "name", "resp", "user":
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, " ")
}

// Ensure that unixsocket listens beside TCP with unixsocketperm's bits,
// that redis-cli -s and redis-benchmark -s work on it, that CLIENT LIST and
// CLIENT INFO show such clients as Redis does (addr and laddr
// "<path>:0", flag U), and that the socket file goes away at shutdown.
func TestUnixSocket(t *testing.T) {
	got := map[string][]string{}
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			// A short path: sun_path holds 107 bytes.
			dir, err := os.MkdirTemp("", "vu")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(dir)
			sock := filepath.Join(dir, tg.name+".sock")
			s := tg.start(t, "--unixsocket", sock, "--unixsocketperm", "700")
			fi, err := os.Stat(sock)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o700 || fi.Mode().Type() != os.ModeSocket {
				t.Errorf("socket mode %v, want a socket with 0700", fi.Mode())
			}
			if out := cli(t, sock, "PING"); out != "PONG" {
				t.Errorf("PING over the socket: %q", out)
			}
			// TCP still answers.
			if c := testutil.Dial(t, s.Addr); string(c.Do("PING")) != "+PONG\r\n" {
				t.Error("TCP does not answer beside the Unix socket")
			}
			info := clientFields(cli(t, sock, "CLIENT", "INFO"))
			var list string
			for _, line := range strings.Split(cli(t, sock, "CLIENT", "LIST"), "\n") {
				if strings.Contains(line, "addr="+sock) {
					list = clientFields(line)
				}
			}
			want := "addr=" + sock + ":0 laddr=" + sock + ":0 name= flags=U db=0 user=default resp=2"
			if info != want || list != want {
				t.Errorf("CLIENT INFO %q, CLIENT LIST %q; want %q", info, list, want)
			}
			got[tg.name] = []string{strings.ReplaceAll(info, sock, "X")}
			if out := cli(t, sock, "CONFIG", "GET", "unixsocket"); out != "unixsocket\n"+sock {
				t.Errorf("CONFIG GET unixsocket: %q", out)
			}
			if out := cli(t, sock, "CONFIG", "GET", "unixsocketperm"); out != "unixsocketperm\n700" {
				t.Errorf("CONFIG GET unixsocketperm: %q", out)
			}
			// CONFIG SET port moves the TCP listener and keeps the socket.
			if port, err := testutil.FreePort(); err == nil {
				if out := cli(t, sock, "CONFIG", "SET", "port", strconv.Itoa(port)); out != "OK" {
					t.Errorf("CONFIG SET port: %q", out)
				} else if out := cli(t, sock, "PING"); out != "PONG" {
					t.Errorf("PING over the socket after CONFIG SET port: %q", out)
				}
			}
			// redis-benchmark -s: a short run of two commands over the socket.
			bench := testutil.RequireTool(t, "redis-benchmark")
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, bench, "-s", sock, "-n", "2000", "-c", "4", "-t", "set,get", "-q").CombinedOutput()
			if err != nil || !regexp.MustCompile(`SET: [0-9.]+ requests per second`).Match(out) ||
				!regexp.MustCompile(`GET: [0-9.]+ requests per second`).Match(out) {
				t.Errorf("redis-benchmark -s: %v\n%s", err, out)
			}
			if n := cli(t, sock, "DBSIZE"); n != "1" {
				t.Errorf("after redis-benchmark -t set: DBSIZE %s, want 1 (key:__rand_int__)", n)
			}
			s.Stop()
			if _, err := os.Stat(sock); !os.IsNotExist(err) {
				t.Errorf("the socket file is left after shutdown: %v", err)
			}
		})
	}
	if v, r := got["vesta"], got["redis"]; v != nil && r != nil && v[0] != r[0] {
		t.Errorf("CLIENT INFO differs:\nvesta %s\nredis %s", v[0], r[0])
	}
}

// Ensure that a stale socket file is replaced, and that a regular file in
// the way stops startup instead of being deleted.
func TestUnixSocketPathInUse(t *testing.T) {
	bin := testutil.BuildVesta(t)
	dir, err := os.MkdirTemp("", "vu")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("keep me"), 0o644)
	stdout, stderr, code := runBinary(t, bin, "", "--port", "0", "--unixsocket", file)
	if code != 1 || !strings.Contains(stdout+stderr, "Failed opening Unix socket: "+file+": ") {
		t.Errorf("exit %d, output %q", code, stdout+stderr)
	}
	if data, _ := os.ReadFile(file); !bytes.Equal(data, []byte("keep me")) {
		t.Error("the file in the way was changed")
	}
}

// unixProtectedScript starts the server on a non-loopback address only,
// inside a private network namespace, plus a Unix socket, and sends PING
// over both: protected mode must refuse the TCP client and let the socket's
// in, since a Unix-socket client is local.
const unixProtectedScript = `
set -u
ip link set lo up || exit 90
ip addr add 198.18.0.1/32 dev lo || exit 91
"$BIN" --port 7000 --bind 198.18.0.1 --save "" --dir "$DIR" --unixsocket "$DIR/s.sock" >"$DIR/server.log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null' EXIT
for i in $(seq 100); do
	[ -S "$DIR/s.sock" ] && break
	sleep 0.05
done
echo "unix $(timeout 3 redis-cli -s "$DIR/s.sock" PING)"
echo "remote $(timeout 3 redis-cli -h 198.18.0.1 -p 7000 PING | cut -c1-7)"
`

// Ensure that protected mode treats Unix-socket clients as local, for both
// servers.
func TestUnixSocketProtectedMode(t *testing.T) {
	if !hasUnshare() {
		t.Skip("cannot create a network namespace (unshare -n)")
	}
	for _, tool := range []string{"bash", "ip", "timeout", "redis-cli"} {
		testutil.RequireTool(t, tool)
	}
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			dir, err := os.MkdirTemp("", "vu")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(dir)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "unshare", "-n", "bash", "-c", unixProtectedScript)
			cmd.Env = append(cmd.Environ(), "BIN="+binaryOf(t, tg.name), "DIR="+dir)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if !strings.Contains(string(out), "unix PONG") || !strings.Contains(string(out), "remote DENIED") {
				t.Errorf("want the socket's PING answered and the remote one denied:\n%s", out)
			}
		})
	}
}

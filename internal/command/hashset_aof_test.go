package command_test

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readAOF returns the commands of the incr AOF file in dir's appendonlydir,
// one string per command with arguments joined by spaces. The member of an
// SREM is replaced by "?" when maskSREM is set (SPOP picks at random).
func readAOF(t *testing.T, dir string, maskSREM bool) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "appendonlydir", "*.incr.aof"))
	if len(files) != 1 {
		t.Fatalf("%s: want one incr file, have %v", dir, files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(bytes.NewReader(data))
	var out []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return out
		}
		if strings.HasPrefix(line, "#") {
			continue // #TS annotations
		}
		n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
		args := make([]string, n)
		for i := range args {
			hdr, _ := r.ReadString('\n')
			l, _ := strconv.Atoi(strings.TrimSpace(hdr[1:]))
			b := make([]byte, l+2)
			if _, err := readFull(r, b); err != nil {
				t.Fatal(err)
			}
			args[i] = string(b[:l])
		}
		if maskSREM && len(args) == 3 && args[0] == "SREM" {
			args[2] = "?"
		}
		out = append(out, strings.Join(args, " "))
	}
}

func readFull(r *bufio.Reader, b []byte) (int, error) { return io.ReadFull(r, b) }

// TestHashSetAOFAgainstRedis runs write commands on both servers with
// appendonly yes and compares what each wrote to its AOF: the command forms
// Redis propagates (SPOP as SREMs in MULTI/EXEC or as DEL, HINCRBYFLOAT as
// HSET, no entry for writes that changed nothing), with SREM members masked
// because SPOP picks them at random.
func TestHashSetAOFAgainstRedis(t *testing.T) {
	rdir, vdir := t.TempDir(), t.TempDir()
	redis := dial(t, startRedis(t, rdir))
	vesta := dial(t, startVesta(t, vdir))
	script := `
HSET h a 1 b 2
HSET h a 1
HSETNX h a 5
HSETNX h c 5
HMSET h d 4
HDEL h zz
HDEL h a b
HINCRBY h n 5
HINCRBYFLOAT h f 1.5
HINCRBYFLOAT h f abc
HINCRBYFLOAT h f 0.1
SADD s 1 2 3 4 5 6 7 8 9 10
SADD s 1
SREM s 99
SREM s 1
SPOP s 2
SPOP s 6
SPOP s
SPOP s 10
SPOP s
SPOP s 0
SADD one x
SPOP one
SADD a 1 2 3
SADD b 3 4
SMOVE a b 1
SMOVE a b 99
SINTERSTORE d a b
SUNIONSTORE d a b
SDIFFSTORE d a b
SINTERSTORE e nokey a
SUNIONSTORE e nokey
SDIFFSTORE d nokey
SINTER a b
SRANDMEMBER a
HRANDFIELD h
`
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		args := strings.Fields(line)
		redis.do(t, args)
		vesta.do(t, args)
	}
	// Both flush their AOF buffer before replying; give the files a moment.
	time.Sleep(100 * time.Millisecond)
	want, got := readAOF(t, rdir, true), readAOF(t, vdir, true)
	if len(want) < 30 {
		t.Fatalf("Redis's AOF has only %d commands:\n%s", len(want), strings.Join(want, "\n"))
	}
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Fatalf("AOF differs.\nredis:\n%s\nvesta:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
}

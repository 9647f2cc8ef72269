package compat

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// aofSize returns the size of the server's incremental AOF file.
func aofSize(t *testing.T, s *testutil.Server) int64 {
	t.Helper()
	fi, err := os.Stat(incrAOF(t, s))
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// incrAOF returns the path of the server's one incremental AOF file.
func incrAOF(t *testing.T, s *testutil.Server) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.Dir, "appendonlydir", "*.incr.aof"))
	if len(files) != 1 {
		t.Fatalf("%s: want one incr AOF file, have %v", s.Name, files)
	}
	return files[0]
}

// aofCommands returns the commands the server appended to its incremental
// AOF file from offset on, one line each with the arguments quoted, and
// without #TS annotations.
func aofCommands(t *testing.T, s *testutil.Server, offset int64) []string {
	t.Helper()
	data, err := os.ReadFile(incrAOF(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if offset > int64(len(data)) {
		t.Fatalf("%s: the AOF shrank from %d to %d bytes", s.Name, offset, len(data))
	}
	out, err := parseAOF(data[offset:])
	if err != nil {
		t.Fatalf("%s: %v", s.Name, err)
	}
	return out
}

// parseAOF splits AOF bytes into commands rendered as redis-cli lines.
func parseAOF(data []byte) ([]string, error) {
	r := bufio.NewReader(bytes.NewReader(data))
	var out []string
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF && line == "" {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("AOF cut short after %d commands: %q", len(out), line)
		}
		if strings.HasPrefix(line, "#") {
			continue // #TS annotations
		}
		if !strings.HasPrefix(line, "*") {
			return out, fmt.Errorf("AOF: bad command header %q", line)
		}
		n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
		if err != nil || n < 1 || n > 1<<20 {
			return out, fmt.Errorf("AOF: bad command header %q", line)
		}
		parts := make([]string, 0, min(n, 64))
		for i := 0; i < n; i++ {
			hdr, err := r.ReadString('\n')
			if err != nil || !strings.HasPrefix(hdr, "$") {
				return out, fmt.Errorf("AOF: bad bulk header %q", hdr)
			}
			l, err := strconv.Atoi(strings.TrimSpace(hdr[1:]))
			if err != nil || l < 0 || l > 1<<30 {
				return out, fmt.Errorf("AOF: bad bulk header %q", hdr)
			}
			b := make([]byte, 0, min(l+2, 1<<16))
			for len(b) < l+2 {
				chunk := make([]byte, min(l+2-len(b), 1<<16))
				if _, err := io.ReadFull(r, chunk); err != nil {
					return out, fmt.Errorf("AOF: bulk of %d bytes cut short", l)
				}
				b = append(b, chunk...)
			}
			parts = append(parts, testutil.Quote(string(b[:l])))
		}
		out = append(out, strings.Join(parts, " "))
	}
}

// TestScenarioAOF runs the blocking and transaction scenarios on servers
// with appendonly yes and compares what each appended to its AOF: how a
// served blocking command is propagated (BLPOP as LPOP, BLMOVE as LMOVE),
// transactions wrapped in MULTI/EXEC, failed ones not at all, the SELECTs
// before them.
func TestScenarioAOF(t *testing.T) {
	// With appendfsync everysec Redis may postpone writing its AOF
	// buffer while a background fsync runs; always writes before replying.
	p := StartPair(t, "--appendonly", "yes", "--appendfsync", "always")
	for _, sc := range append(append([]scenario(nil), blockingScenarios...), txScenarios...) {
		t.Run(sc.name, func(t *testing.T) {
			skipKnown(t, sc.bug)
			q := p.For(t)
			vOff, rOff := aofSize(t, p.Vesta), aofSize(t, p.Redis)
			if m := q.Run(sc.script); m != nil {
				t.Fatalf("%s\nscript:\n%s", m, sc.script)
			}
			got, want := aofCommands(t, p.Vesta, vOff), aofCommands(t, p.Redis, rOff)
			if !sameAOF(got, want) {
				t.Errorf("AOF differs.\nvesta:\n  %s\nredis:\n  %s\nscript:\n%s",
					strings.Join(got, "\n  "), strings.Join(want, "\n  "), sc.script)
			}
		})
	}
}

// sameAOF compares two AOF command lists, accepting absolute times in
// milliseconds (PEXPIREAT, SET ... PXAT propagated for relative expiries)
// that differ by at most tolMillis: the servers ran the command a few
// milliseconds apart.
func sameAOF(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		fa, fb := strings.Fields(a[i]), strings.Fields(b[i])
		if len(fa) != len(fb) {
			return false
		}
		for j := range fa {
			if fa[j] == fb[j] {
				continue
			}
			x, errx := strconv.ParseInt(fa[j], 10, 64)
			y, erry := strconv.ParseInt(fb[j], 10, 64)
			if errx != nil || erry != nil || x < 1e12 || y < 1e12 || x-y > tolMillis || y-x > tolMillis {
				return false
			}
		}
	}
	return true
}

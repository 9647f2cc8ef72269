package aofcheck_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/aofcheck"
	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/testutil"
	"github.com/vestadb/vesta/internal/vfs"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// serverKinds are the servers whose files the tools must handle.
var serverKinds = []struct {
	name  string
	start func(testing.TB, ...string) *testutil.Server
}{
	{"vesta", testutil.StartVesta},
	{"redis", testutil.StartRedis},
}

// forEachServer runs f against a fresh Vesta and a fresh Redis started with
// the AOF on and args.
// f receives the arguments the server was started with.
func forEachServer(t *testing.T, f func(t *testing.T, s *testutil.Server, args []string), args ...string) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	for _, k := range serverKinds {
		t.Run(k.name, func(t *testing.T) {
			all := append([]string{"--appendonly", "yes", "--enable-debug-command", "yes", "--appendfsync", "always"}, args...)
			s := k.start(t, all...)
			f(t, s, all)
		})
	}
}

// do sends a command and fails the test on an error reply.
func do(t *testing.T, c *testutil.Conn, args ...string) []byte {
	t.Helper()
	r := c.Do(args...)
	if len(r) > 0 && r[0] == '-' {
		t.Fatalf("%q: %s", args, testutil.Escape(r))
	}
	return r
}

// workload writes a bit of everything a string-only dataset can hold.
func workload(t *testing.T, c *testutil.Conn, tag string) {
	t.Helper()
	do(t, c, "SET", "a"+tag, "1")
	do(t, c, "SET", "bin"+tag, "a\r\nb\x00c\n")
	do(t, c, "INCR", "counter")
	do(t, c, "SET", "ttl"+tag, "v", "EX", "1000")
	do(t, c, "MULTI")
	do(t, c, "SET", "m"+tag, "x")
	do(t, c, "INCRBY", "counter", "10")
	do(t, c, "EXEC")
	do(t, c, "SELECT", "2")
	do(t, c, "SET", "k2"+tag, strings.Repeat("v", 300))
	do(t, c, "SELECT", "0")
	do(t, c, "APPEND", "a"+tag, "23")
	do(t, c, "DEL", "missing")
}

func manifestPath(s *testutil.Server) string {
	return filepath.Join(s.Dir, "appendonlydir", "appendonly.aof.manifest")
}

// loadManifest reads the server's manifest.
func loadManifest(t *testing.T, s *testutil.Server) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Load(vfs.Default, filepath.Dir(manifestPath(s)), "appendonly.aof")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// lastIncr returns the path of the incr file the server appends to.
func lastIncr(t *testing.T, s *testutil.Server) string {
	t.Helper()
	f, ok := loadManifest(t, s).LastIncr()
	if !ok {
		t.Fatal("no incr file in the manifest")
	}
	return filepath.Join(filepath.Dir(manifestPath(s)), f.Name)
}

// boundaries returns the offsets at which the commands of a RESP file end.
func boundaries(t *testing.T, data []byte) []int64 {
	t.Helper()
	r := aof.NewReader(bytes.NewReader(data), 0)
	var out []int64
	for {
		_, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r.Offset())
	}
}

// toolRun runs an external checker and returns its output and exit code.
func toolRun(t *testing.T, stdin string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(testutil.RequireTool(t, name), args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	}
	t.Fatalf("%s: %v", name, err)
	return "", 0
}

var analyzedRE = regexp.MustCompile(`AOF analyzed: filename=(.*), size=(\d+), ok_up_to=(\d+), ok_up_to_line=\d+, diff=(\d+)`)

// redisVerdict runs redis-check-aof on path. It returns whether Redis
// finds the AOF valid and, if not, the ok_up_to it printed for the first
// bad file (-1 when it printed none, as for a bad RDB part).
func redisVerdict(t *testing.T, path string) (bool, int64, string) {
	t.Helper()
	out, code := toolRun(t, "", "redis-check-aof", path)
	if code == 0 {
		return true, -1, out
	}
	for _, m := range analyzedRE.FindAllStringSubmatch(out, -1) {
		if m[4] != "0" {
			ok, _ := strconv.ParseInt(m[3], 10, 64)
			return false, ok, out
		}
	}
	return false, -1, out
}

// compareWithRedis checks that redis-check-aof reaches the same verdict
// and, for the first bad file, the same ok_up_to.
func compareWithRedis(t *testing.T, path string, rep *aofcheck.Report) {
	t.Helper()
	valid, okUpTo, out := redisVerdict(t, path)
	if valid != rep.OK() {
		t.Fatalf("redis-check-aof says valid=%v, Vesta says %v\n%s", valid, rep.OK(), out)
	}
	if probs := rep.Problems(); len(probs) > 0 && okUpTo >= 0 && probs[0].OKUpTo != okUpTo {
		t.Fatalf("redis-check-aof says ok_up_to=%d, Vesta says %d\n%s", okUpTo, probs[0].OKUpTo, out)
	}
}

func checkDir(t *testing.T, s *testutil.Server) *aofcheck.Report {
	t.Helper()
	rep, err := aofcheck.Check(vfs.Default, manifestPath(s), aofcheck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// Ensure that a directory written by each server is valid for both
// checkers, and that the RDB base is read.
func TestServers_ValidDirectory(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *testutil.Server, args []string) {
		c := testutil.Dial(t, s.Addr)
		workload(t, c, "")
		do(t, c, "BGREWRITEAOF")
		waitRewrite(t, c)
		workload(t, c, "2")
		s.Stop()
		rep := checkDir(t, s)
		if !rep.OK() || len(rep.Files) != 2 || rep.Files[0].Format != aofcheck.FormatRDB || rep.Files[0].RDB.Keys == 0 {
			t.Fatalf("got %+v, want a valid RDB base with keys and one incr file", rep.Files)
		}
		if rep.Files[1].Commands < 10 {
			t.Errorf("got %d commands in the incr file, want the workload's", rep.Files[1].Commands)
		}
		compareWithRedis(t, manifestPath(s), rep)
	})
}

// waitRewrite waits until no AOF rewrite is in progress.
func waitRewrite(t *testing.T, c *testutil.Conn) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		info := string(c.Do("INFO", "persistence"))
		if strings.Contains(info, "aof_rewrite_in_progress:0") && strings.Contains(info, "aof_rewrite_scheduled:0") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the AOF rewrite did not finish")
}

// Ensure that a torn last file is reported as truncated by both checkers
// with the same offset, is fixed (keeping the tail in .broken), and then
// loads with the data intact, even with aof-load-truncated no.
func TestServers_TornLastFile(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *testutil.Server, args []string) {
		c := testutil.Dial(t, s.Addr)
		workload(t, c, "")
		digest := string(do(t, c, "DEBUG", "DIGEST"))
		s.Stop()
		incr := lastIncr(t, s)
		st, err := os.Stat(incr)
		if err != nil {
			t.Fatal(err)
		}
		tail := cmd("SET", "torn", "never acknowledged")
		appendFile(t, incr, tail[:len(tail)-7])

		rep := checkDir(t, s)
		last := rep.Files[len(rep.Files)-1]
		if last.Status != aofcheck.StatusTruncated || last.OKUpTo != st.Size() {
			t.Fatalf("got %v, want truncated at %d", last, st.Size())
		}
		compareWithRedis(t, manifestPath(s), rep)
		target, err := rep.FixTarget()
		if err != nil || target != last {
			t.Fatalf("got FixTarget %v, %v; want the last file", target, err)
		}
		saved, err := aofcheck.Fix(vfs.Default, target.Path, target.OKUpTo)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(saved); string(b) != tail[:len(tail)-7] {
			t.Errorf("got saved tail %q, want %q", b, tail[:len(tail)-7])
		}
		if rep := checkDir(t, s); !rep.OK() {
			t.Fatalf("after the fix: %v", rep.Problems())
		}
		if valid, _, out := redisVerdict(t, manifestPath(s)); !valid {
			t.Fatalf("redis-check-aof after the fix:\n%s", out)
		}
		s.Restart(append(args, "--aof-load-truncated", "no")...)
		c = testutil.Dial(t, s.Addr)
		if got := string(do(t, c, "DEBUG", "DIGEST")); got != digest {
			t.Errorf("got digest %q after the fix, want %q", got, digest)
		}
	})
}

// splitLastIncr moves the second half of the commands of the last incr
// file into a new incr file listed after it, making a directory with two
// incr files. It returns the paths of both.
func splitLastIncr(t *testing.T, s *testutil.Server) (string, string) {
	t.Helper()
	m := loadManifest(t, s)
	first := lastIncr(t, s)
	data, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	ends := boundaries(t, data)
	cut := ends[len(ends)/2]
	nf := m.NewIncr("appendonly.aof")
	second := filepath.Join(filepath.Dir(first), nf.Name)
	writeFile(t, second, data[cut:])
	writeFile(t, first, data[:cut])
	if err := manifest.Save(vfs.Default, filepath.Dir(first), "appendonly.aof", m); err != nil {
		t.Fatal(err)
	}
	return first, second
}

// Ensure that a torn file that is not the last one is refused by Fix and
// reported at the same offset as redis-check-aof.
func TestServers_TornMiddleFile(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *testutil.Server, args []string) {
		c := testutil.Dial(t, s.Addr)
		workload(t, c, "")
		workload(t, c, "2")
		s.Stop()
		first, _ := splitLastIncr(t, s)
		if rep := checkDir(t, s); !rep.OK() {
			t.Fatalf("the split directory is not valid: %v", rep.Problems())
		}
		data, _ := os.ReadFile(first)
		ends := boundaries(t, data)
		writeFile(t, first, data[:len(data)-4])

		rep := checkDir(t, s)
		mid := rep.Files[len(rep.Files)-2]
		if mid.Status != aofcheck.StatusTruncated || mid.Last || mid.OKUpTo != ends[len(ends)-2] {
			t.Fatalf("got %v, want truncated at %d and not last", mid, ends[len(ends)-2])
		}
		if _, err := rep.FixTarget(); !errors.Is(err, aofcheck.ErrNotFixable) {
			t.Fatalf("got FixTarget error %v, want ErrNotFixable", err)
		}
		compareWithRedis(t, manifestPath(s), rep)
		out, code := toolRun(t, "y\n", "redis-check-aof", "--fix", manifestPath(s))
		if code == 0 || !strings.Contains(out, "is not the last file") {
			t.Errorf("redis-check-aof --fix accepted a torn middle file:\n%s", out)
		}
	})
}

// Ensure that garbage between two commands of the last file is corrupt,
// found at its offset by both checkers, and not fixable.
func TestServers_GarbageInTheMiddle(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *testutil.Server, args []string) {
		c := testutil.Dial(t, s.Addr)
		workload(t, c, "")
		s.Stop()
		incr := lastIncr(t, s)
		data, _ := os.ReadFile(incr)
		ends := boundaries(t, data)
		at := ends[3]
		bad := append(append(append([]byte(nil), data[:at]...), "$garbage\r\n"...), data[at:]...)
		writeFile(t, incr, bad)

		rep := checkDir(t, s)
		last := rep.Files[len(rep.Files)-1]
		if last.Status != aofcheck.StatusCorrupt || last.ErrOffset != at || last.OKUpTo != at {
			t.Fatalf("got %v, want corrupt at %d", last, at)
		}
		if _, err := rep.FixTarget(); !errors.Is(err, aofcheck.ErrNotFixable) {
			t.Fatalf("got FixTarget error %v, want ErrNotFixable", err)
		}
		compareWithRedis(t, manifestPath(s), rep)
	})
}

// Ensure that a damaged RDB base is refused with its offset by both
// checkers.
func TestServers_CorruptBase(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *testutil.Server, args []string) {
		c := testutil.Dial(t, s.Addr)
		workload(t, c, "")
		do(t, c, "BGREWRITEAOF")
		waitRewrite(t, c)
		s.Stop()
		m := loadManifest(t, s)
		base := filepath.Join(filepath.Dir(manifestPath(s)), m.Base.Name)
		data, _ := os.ReadFile(base)
		at := bytes.Index(data, []byte("k2"))
		if at < 0 {
			t.Fatal("key k2 not found in the base")
		}
		data[at-1] = 0xee // the type byte before the key's length
		writeFile(t, base, data)

		rep := checkDir(t, s)
		f := rep.Files[0]
		if f.Status != aofcheck.StatusCorrupt || f.RDB == nil || f.RDB.OK() || f.ErrOffset <= 0 || f.ErrOffset > int64(at) {
			t.Fatalf("got %v, want the RDB part refused at an offset up to %d", f, at)
		}
		if _, err := rep.FixTarget(); !errors.Is(err, aofcheck.ErrNotFixable) {
			t.Fatalf("got FixTarget error %v, want ErrNotFixable", err)
		}
		compareWithRedis(t, manifestPath(s), rep)
	})
}

// Ensure that --truncate-to-timestamp restores the dataset as it was at the
// end of the chosen second, for files of both servers.
func TestServers_PointInTime(t *testing.T) {
	forEachServer(t, func(t *testing.T, s *testutil.Server, args []string) {
		c := testutil.Dial(t, s.Addr)
		var secs [3]int64
		var digests [3]string
		for i := range 3 {
			for try := 0; ; try++ {
				now := time.Now()
				time.Sleep(now.Truncate(time.Second).Add(time.Second + 50*time.Millisecond).Sub(now))
				secs[i] = time.Now().Unix()
				workload(t, c, strconv.Itoa(i))
				digests[i] = string(do(t, c, "DEBUG", "DIGEST"))
				if time.Now().Unix() == secs[i] {
					break
				}
				if try == 3 {
					t.Fatal("the machine is too slow to write within one second")
				}
			}
		}
		s.Stop()
		data, _ := os.ReadFile(lastIncr(t, s))
		for _, sec := range secs {
			if !bytes.Contains(data, fmt.Appendf(nil, "#TS:%d\r\n", sec)) {
				t.Fatalf("no #TS:%d annotation in\n%s", sec, testutil.Escape(data))
			}
		}
		rep, err := aofcheck.TruncateToTimestamp(vfs.Default, manifestPath(s), secs[1])
		if err != nil {
			t.Fatal(err)
		}
		last := rep.Files[len(rep.Files)-1]
		if last.CutTo < 0 || last.Saved == "" {
			t.Fatalf("got %v, want the last file cut", last)
		}
		if valid, _, out := redisVerdict(t, manifestPath(s)); !valid {
			t.Fatalf("redis-check-aof after the cut:\n%s", out)
		}
		s.StartAgain()
		c = testutil.Dial(t, s.Addr)
		if got := string(do(t, c, "DEBUG", "DIGEST")); got != digests[1] {
			t.Errorf("got digest %s, want %s (the dataset at %d)", got, digests[1], secs[1])
		}
		if got := string(do(t, c, "EXISTS", "a2")); got != ":0\r\n" {
			t.Errorf("a key of the third second survived: EXISTS a2 = %q", got)
		}
	}, "--aof-timestamp-enabled", "yes")
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, name, data string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// Ensure that Vesta writes timestamp annotations exactly as Redis 7.0
// does: the same commands sent to both servers within the same seconds give
// byte-identical incr files, once the annotations' times are masked (the
// second each server saw may differ only if the clock ticks between the
// two sends, which the test avoids).
func TestTimestampAnnotationsMatchRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	args := []string{"--appendonly", "yes", "--aof-timestamp-enabled", "yes"}
	servers := []*testutil.Server{testutil.StartVesta(t, args...), testutil.StartRedis(t, args...)}
	conns := []*testutil.Conn{testutil.Dial(t, servers[0].Addr), testutil.Dial(t, servers[1].Addr)}
	batches := [][][]string{
		{{"SET", "a", "1"}, {"INCR", "n"}, {"SELECT", "2"}, {"SET", "b", "x\r\ny"}},
		{{"APPEND", "b", "z"}, {"MULTI"}, {"SET", "c", "1"}, {"INCR", "n"}, {"EXEC"}, {"SELECT", "0"}, {"DEL", "a", "nope"}},
		{{"SET", "a", "2"}, {"GET", "a"}, {"SELECT", "2"}, {"INCR", "n"}},
	}
	for _, batch := range batches {
		now := time.Now()
		time.Sleep(now.Truncate(time.Second).Add(time.Second + 50*time.Millisecond).Sub(now))
		for _, c := range conns {
			for _, cmd := range batch {
				do(t, c, cmd...)
			}
		}
	}
	ts := regexp.MustCompile(`#TS:\d+\r\n`)
	var files [2][]byte
	for i, s := range servers {
		s.Stop()
		data, err := os.ReadFile(lastIncr(t, s))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(ts.FindAll(data, -1)); n != len(batches) {
			t.Errorf("%s wrote %d annotations, want one per second (%d)", s.Name, n, len(batches))
		}
		files[i] = ts.ReplaceAll(data, []byte("#TS:<time>\r\n"))
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Errorf("the incr files differ:\nvesta: %s\nredis: %s", testutil.Escape(files[0]), testutil.Escape(files[1]))
	}
}

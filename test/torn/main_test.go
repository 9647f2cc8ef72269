// Package torn holds process-level tests of damaged data directories: the
// real vesta-server binary is started on copies of an AOF directory or a
// dump.rdb that were cut short or had one byte flipped, and must either
// load exactly what the rules allow or refuse to start with the file and
// the offset in its log. It must never panic, and never serve a partially
// loaded dataset as if it were complete.
//
// The damaged copies are made from files that a real server wrote (Vesta,
// and Redis 7.0.15 for dump.rdb), and each copy gets a server process of
// its own: several hundred processes per test, run by a small worker pool.
// -short runs a sample of the cases.
package torn

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// workers is how many server processes run at once. Starting a server is
// mostly waiting (exec, the first PING), so a few more than the two cores
// of the CI machine keep them busy.
const workers = 6

// forEach calls f(i) for i in [0, n) on the worker pool and returns when
// all calls have returned. f must not call t.Fatal.
func forEach(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// outcome is how one start of a server on a damaged directory ended.
type outcome struct {
	started bool
	code    int    // exit code when it refused to start
	log     string // everything the process printed
	digest  string // the dataset's fingerprint (see inspect), when it started
	keys    int64  // keys in all databases, when it started
	err     string // a failure of the harness itself (not of the server)
}

// refused reports a start that ended with a non-zero exit status.
func (o outcome) refused() bool { return !o.started && o.err == "" && o.code > 0 }

// panicked reports a Go panic or runtime crash in the log.
func (o outcome) panicked() bool {
	return strings.Contains(o.log, "panic:") || strings.Contains(o.log, "goroutine ") ||
		strings.Contains(o.log, "fatal error:")
}

// String describes the outcome in one line plus the end of the log, for
// failure messages.
func (o outcome) String() string {
	var head string
	switch {
	case o.err != "":
		head = "harness error: " + o.err
	case o.started:
		head = fmt.Sprintf("started (digest %s, %d keys)", o.digest, o.keys)
	default:
		head = fmt.Sprintf("exited with status %d", o.code)
	}
	log := o.log
	if len(log) > 3000 {
		log = "..." + log[len(log)-3000:]
	}
	return head + "\n--- log ---\n" + log
}

// start runs a server binary on dir with args, and, if it starts, reads
// its DEBUG DIGEST and key count before killing it. It may run on any
// goroutine.
func start(t *testing.T, name, bin, dir string, args ...string) outcome {
	full := append([]string{"--dir", dir, "--enable-debug-command", "yes"}, args...)
	s, err := testutil.TryStart(t, testutil.Spec{Name: name, Bin: bin, Args: full, Quiet: true})
	var o outcome
	if err != nil {
		s.Kill()
		o.log = s.Log()
		o.code = s.ExitCode()
		if o.code <= 0 {
			o.err = err.Error()
		}
		return o
	}
	o.started = true
	o.digest, o.keys, err = inspect(t, s.Addr)
	if err != nil {
		o.err = err.Error()
	}
	s.Kill()
	// Read the log once the process is gone: its last lines may still
	// have been on their way through the pipe.
	o.log = s.Log()
	return o
}

// inspect returns a fingerprint of a server's dataset, its DEBUG DIGEST
// followed by the expiry times (which the digest leaves out: it only notes
// that a key has one), and the number of keys in all its databases.
func inspect(t *testing.T, addr string) (string, int64, error) {
	c, err := testutil.DialErr(t, addr)
	if err != nil {
		return "", 0, err
	}
	defer c.Close()
	do := func(args ...string) (any, error) {
		raw, err := c.DoErr(args...)
		if err != nil {
			return nil, err
		}
		v, err := testutil.Parse(raw)
		if err != nil {
			return nil, err
		}
		if e, ok := v.(testutil.ErrorReply); ok {
			return nil, fmt.Errorf("%q: %s", args, string(e))
		}
		return v, nil
	}
	v, err := do("DEBUG", "DIGEST")
	if err != nil {
		return "", 0, err
	}
	digest := fmt.Sprint(v)
	v, err = do("INFO", "keyspace")
	if err != nil {
		return "", 0, err
	}
	dbs, keys, err := keyspaceKeys(fmt.Sprint(v))
	if err != nil {
		return "", 0, err
	}
	var expires []string
	for _, db := range dbs {
		if _, err := do("SELECT", db); err != nil {
			return "", 0, err
		}
		v, err := do("KEYS", "*")
		if err != nil {
			return "", 0, err
		}
		names, _ := v.([]any)
		for _, name := range names {
			ms, err := do("PEXPIRETIME", fmt.Sprint(name))
			if err != nil {
				return "", 0, err
			}
			if n, _ := ms.(int64); n >= 0 {
				expires = append(expires, fmt.Sprintf("%s:%s=%d", db, name, n))
			}
		}
	}
	sort.Strings(expires)
	return digest + " expires[" + strings.Join(expires, " ") + "]", keys, nil
}

var keysField = regexp.MustCompile(`(?m)^db(\d+):keys=(\d+),`)

// keyspaceKeys returns the databases named in an INFO keyspace reply and
// the sum of their keys= fields.
func keyspaceKeys(info string) ([]string, int64, error) {
	var (
		dbs []string
		n   int64
	)
	for _, m := range keysField.FindAllStringSubmatch(info, -1) {
		k, err := strconv.ParseInt(m[2], 10, 64)
		if err != nil {
			return nil, 0, err
		}
		dbs = append(dbs, m[1])
		n += k
	}
	return dbs, n, nil
}

// mentionsOffset reports whether log has a line naming file and, on the
// same line, the offset ("offset 100", "offset=100").
func mentionsOffset(log, file string, off int64) bool {
	re := regexp.MustCompile(`offset[ =]` + strconv.FormatInt(off, 10) + `\b`)
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, file) && re.MatchString(line) {
			return true
		}
	}
	return false
}

var anyOffset = regexp.MustCompile(`offset[ =](\d+)\b`)

// fatalLoad matches the log line that says why the load stopped the
// server, in Redis's words (engine/logs.go).
var fatalLoad = regexp.MustCompile(`Fatal error loading|Internal error in RDB reading|Bad file format reading the append only file|Unexpected end of file reading the append only file`)

// fatalOffset returns the offset named on the line of the log that stopped
// the server (fatalLoad), and whether the line names file and an offset.
func fatalOffset(log, file string) (int64, bool) {
	for _, line := range strings.Split(log, "\n") {
		if !fatalLoad.MatchString(line) || !strings.Contains(line, file) {
			continue
		}
		m := anyOffset.FindAllStringSubmatch(line, -1)
		if len(m) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(m[len(m)-1][1], 10, 64)
		return n, err == nil
	}
	return 0, false
}

// copyDir copies the regular files of src (one level of subdirectories)
// into a new temporary directory under root and returns its path.
func copyDir(root, src string) (string, error) {
	dst, err := os.MkdirTemp(root, "copy-")
	if err != nil {
		return "", err
	}
	err = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	return dst, err
}

// tally counts outcomes by name, safely from the worker goroutines.
type tally struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *tally) add(what string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[what]++
}

func (c *tally) get(what string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[what]
}

// failures collects the failed cases of a worker pool, reported at the
// end from the test's goroutine.
type failures struct {
	mu   sync.Mutex
	msgs []string
}

func (f *failures) addf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}

func (f *failures) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.msgs)
}

// report fails the test with the first few failures.
func (f *failures) report(t *testing.T) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, m := range f.msgs {
		if i == 5 {
			t.Errorf("... and %d more failures", len(f.msgs)-5)
			break
		}
		t.Error(m)
	}
}

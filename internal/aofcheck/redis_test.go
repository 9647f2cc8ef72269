package aofcheck_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/aofcheck"
	"github.com/vestadb/vesta/internal/testutil"
	"github.com/vestadb/vesta/internal/vfs"
)

// sourceAOF returns an incr file written by a real server: the workload
// over two seconds, with timestamp annotations.
func sourceAOF(t *testing.T, start func(testing.TB, ...string) *testutil.Server) []byte {
	t.Helper()
	s := start(t, "--appendonly", "yes", "--aof-timestamp-enabled", "yes")
	c := testutil.Dial(t, s.Addr)
	do(t, c, "SET", "a", "1")
	do(t, c, "MULTI")
	do(t, c, "SET", "bin", "x\r\ny")
	do(t, c, "INCR", "n")
	do(t, c, "EXEC")
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
	do(t, c, "SELECT", "3")
	do(t, c, "SET", "k", strings.Repeat("v", 12), "PX", "100000")
	s.Stop()
	data, err := os.ReadFile(lastIncr(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(data), "#TS:") < 2 {
		t.Fatalf("want two timestamp annotations in %q", data)
	}
	return data
}

// variant is a damaged copy of a source file.
type variant struct {
	name string
	data []byte
	// annotationCut marks a file cut inside an annotation line, which
	// redis-check-aof calls valid and Vesta truncated (a documented
	// difference).
	annotationCut bool
}

// variants cuts data at a sample of offsets and overwrites single bytes at
// others.
func variants(data []byte) []variant {
	var out []variant
	inAnnotation := func(off int) bool {
		start := strings.LastIndexByte(string(data[:off]), '\n') + 1
		return data[start] == '#'
	}
	for off := 1; off < len(data); off += 5 {
		out = append(out, variant{fmt.Sprintf("cut-%d", off), data[:off], inAnnotation(off)})
	}
	for i, off := 0, 2; off < len(data); i, off = i+1, off+7 {
		b := append([]byte(nil), data...)
		b[off] = "X\n\x00"[i%3]
		out = append(out, variant{fmt.Sprintf("byte-%d-%02x", off, b[off]), b, false})
	}
	return out
}

// Ensure that on files written by Redis and by Vesta, cut or damaged in
// many ways, redis-check-aof and Vesta reach the same verdict and the same
// ok_up_to, and that Vesta calls truncated only what ends at the damage.
func TestRedisCheckAOF_Differential(t *testing.T) {
	if testing.Short() {
		t.Skip("runs redis-check-aof many times")
	}
	testutil.RequireTool(t, "redis-check-aof")
	for _, k := range serverKinds {
		t.Run(k.name, func(t *testing.T) {
			src := sourceAOF(t, k.start)
			dir := t.TempDir()
			vs := variants(src)
			var (
				mu   sync.Mutex
				errs []string
				wg   sync.WaitGroup
				sem  = make(chan struct{}, 4)
			)
			for _, v := range vs {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					if msg := compareVariant(t, dir, v); msg != "" {
						mu.Lock()
						errs = append(errs, msg)
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			for _, e := range errs {
				t.Error(e)
			}
			t.Logf("%d variants of a %d-byte file compared", len(vs), len(src))
		})
	}
}

// compareVariant checks one variant with both tools and returns a
// description of any disagreement.
func compareVariant(t *testing.T, dir string, v variant) string {
	path := filepath.Join(dir, v.name+".aof")
	if err := os.WriteFile(path, v.data, 0o644); err != nil {
		return err.Error()
	}
	res, err := aofcheck.CheckFile(vfs.Default, path, aofcheck.Options{})
	if err != nil {
		return err.Error()
	}
	valid, okUpTo, out := redisVerdict(t, path)
	if v.annotationCut {
		if !valid || res.Status != aofcheck.StatusTruncated {
			return fmt.Sprintf("%s: cut in an annotation: redis valid=%v, vesta %v", v.name, valid, res)
		}
		return ""
	}
	switch {
	case valid != res.Status.OK():
		return fmt.Sprintf("%s: redis valid=%v, vesta %v\n%s", v.name, valid, res, out)
	case !valid && okUpTo != res.OKUpTo:
		return fmt.Sprintf("%s: redis ok_up_to=%d, vesta %v\n%s", v.name, okUpTo, res, out)
	case res.Status == aofcheck.StatusTruncated && strings.HasPrefix(v.name, "byte-") &&
		!strings.Contains(res.Reason, "zero bytes") && !strings.Contains(res.Reason, "EXEC"):
		// A damaged EXEC leaves a MULTI open to the end of the file, which
		// looks like a torn transaction to every loader; anything else
		// with data after it is corruption.
		return fmt.Sprintf("%s: a damaged byte with data after it was called truncated: %v", v.name, res)
	}
	return ""
}

package rdbcheck_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestExploreNoCRC(t *testing.T) {
	path := redisDump(t, "--rdbchecksum", "no")
	good, _ := os.ReadFile(path)
	dir := t.TempDir()
	mism := 0
	for off := 9; off < len(good); off += 3 {
		bad := bytes.Clone(good)
		bad[off] ^= 0x5a
		p := filepath.Join(dir, fmt.Sprintf("flip-%d.rdb", off))
		os.WriteFile(p, bad, 0o644)
		rep, err := checkPath(t, p)
		ok, _, out := redisCheckRDB(t, p)
		if ok != (err == nil) {
			mism++
			if mism < 15 {
				t.Logf("flip %d (%x): redis ok=%v, vesta %v\nREDIS: %s\nVESTA: %v", off, good[off], ok, err, lastLines(out), rep.OK())
			}
		}
	}
	t.Logf("%d mismatches of %d", mism, len(good)/3)
}

func lastLines(s string) string {
	if len(s) > 600 {
		return s[len(s)-600:]
	}
	return s
}

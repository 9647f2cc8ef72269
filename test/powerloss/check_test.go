package powerloss

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// fileCheck is what Redis's own checkers said about the files a cut left.
type fileCheck struct {
	aofOK      bool // redis-check-aof found every file valid
	aofTorn    bool // only the last incr file ends inside a command
	rdbChecked bool // a dump.rdb existed and redis-check-rdb accepted it
}

// Lines of redis-check-aof's report: the file found invalid, and for each
// file how many bytes follow the last valid command.
var (
	invalidAOF = regexp.MustCompile(`AOF (\S+) is not valid`)
	analyzed   = regexp.MustCompile(`AOF analyzed: filename=(\S+), .* diff=(\d+)`)
)

// checkFiles runs Redis 7.0's redis-check-aof on the manifest and
// redis-check-rdb on dump.rdb in the backing directory right after a cut,
// before Vesta touches them: what survived must be files Redis itself
// accepts. Without torn writes only synced bytes survive, and every AOF
// file must be valid. With torn writes (tornBytes is how many unsynced bytes
// the cut kept), the last incr file may end with an incomplete command or
// transaction, but the invalid tail must lie within the torn bytes: the
// server never syncs part of a command or of a transaction.
func checkFiles(t *testing.T, backing string, tornBytes int64) fileCheck {
	t.Helper()
	var fc fileCheck
	manifest := filepath.Join(backing, "appendonlydir", "appendonly.aof.manifest")
	if _, err := os.Stat(manifest); err == nil {
		bin := testutil.RequireTool(t, "redis-check-aof")
		out, err := exec.Command(bin, manifest).CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			fc.aofOK = true
		case errors.As(err, &exit) && tornTail(manifest, out, tornBytes):
			fc.aofTorn = true
		default:
			t.Fatalf("redis-check-aof %s after the cut (%d torn bytes kept): %v\n%s", manifest, tornBytes, err, out)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	} else {
		t.Fatalf("no AOF manifest in %s after the cut: the AOF directory was not durable", backing)
	}
	dump := filepath.Join(backing, "dump.rdb")
	if _, err := os.Stat(dump); err == nil {
		bin := testutil.RequireTool(t, "redis-check-rdb")
		if out, err := exec.Command(bin, dump).CombinedOutput(); err != nil {
			t.Fatalf("redis-check-rdb %s after the cut: %v\n%s", dump, err, out)
		}
		fc.rdbChecked = true
	}
	return fc
}

// tornTail reports whether redis-check-aof's complaint is a torn tail: the
// invalid file is the last incr file in the manifest and its invalid bytes
// are no more than the torn bytes the cut kept.
func tornTail(manifest string, out []byte, tornBytes int64) bool {
	bad := invalidAOF.FindSubmatch(out)
	if bad == nil || tornBytes == 0 {
		return false
	}
	diff := int64(-1)
	for _, m := range analyzed.FindAllSubmatch(out, -1) {
		if string(m[1]) == string(bad[1]) {
			diff, _ = strconv.ParseInt(string(m[2]), 10, 64)
		}
	}
	if diff < 0 || diff > tornBytes {
		return false
	}
	data, err := os.ReadFile(manifest)
	if err != nil {
		return false
	}
	last := ""
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 6 && f[0] == "file" && f[4] == "type" && f[5] == "i" {
			last = f[1]
		}
	}
	return last != "" && string(bad[1]) == last
}

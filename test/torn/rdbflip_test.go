package torn

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// rdbCommands fill a dataset with every RDB encoding Redis 7.0 writes for
// these types: integer, short and LZF-compressible strings; a small and a
// big list (quicklist of listpacks); hashes and sorted sets as listpacks and
// as hash tables and skiplists; sets as intsets and hash tables; expiries;
// and a second database.
func rdbCommands() [][]string {
	cmds := [][]string{
		{"SET", "int", "12345"},
		{"SET", "neg", "-9223372036854775808"},
		{"SET", "raw", "hello"},
		{"SET", "lzf", strings.Repeat("compressible ", 40)},
		{"SET", "ttl", "v", "PXAT", "4102444800000"},
		{"RPUSH", "list", "a", "b", "c", "1", "2", "3"},
		{"HSET", "hash", "f1", "v1", "f2", "2"},
		{"SADD", "intset", "1", "2", "3", "-4"},
		{"SADD", "set", "x", "y", "z"},
		{"ZADD", "zset", "1", "a", "2.5", "b", "-3", "c"},
		{"PEXPIREAT", "hash", "4102444800000"},
	}
	big := func(cmd, key string, n int, arg func(i int) []string) []string {
		c := []string{cmd, key}
		for i := 0; i < n; i++ {
			c = append(c, arg(i)...)
		}
		return c
	}
	cmds = append(cmds,
		big("RPUSH", "biglist", 300, func(i int) []string { return []string{"item-" + strconv.Itoa(i)} }),
		big("HSET", "bighash", 200, func(i int) []string { return []string{"field-" + strconv.Itoa(i), strconv.Itoa(i * 7)} }),
		big("SADD", "bigset", 200, func(i int) []string { return []string{"member-" + strconv.Itoa(i)} }),
		big("ZADD", "bigzset", 200, func(i int) []string { return []string{strconv.Itoa(i) + ".5", "m-" + strconv.Itoa(i)} }),
		[]string{"SELECT", "1"},
		[]string{"SET", "db1", "value in db 1"},
		[]string{"RPUSH", "db1list", "x", "y"},
		[]string{"SELECT", "0"},
	)
	return cmds
}

// rdbFile writes a dump.rdb with the server that start launches and
// returns its bytes.
func rdbFile(t *testing.T, s *testutil.Server, extra ...[]string) []byte {
	t.Helper()
	c := testutil.Dial(t, s.Addr)
	for _, cmd := range append(extra, rdbCommands()...) {
		if r := string(c.Do(cmd...)); strings.HasPrefix(r, "-") {
			t.Fatalf("%s %q: %q", s.Name, cmd, r)
		}
	}
	if r := string(c.Do("SAVE")); r != "+OK\r\n" {
		t.Fatalf("%s SAVE: %q", s.Name, r)
	}
	data, err := os.ReadFile(filepath.Join(s.Dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// rdbDamage is one damaged copy of a dump.rdb: the byte at off XORed with
// mask, or the file cut to off bytes when mask is 0.
type rdbDamage struct {
	off  int
	mask byte
}

func (d rdbDamage) String() string {
	if d.mask == 0 {
		return fmt.Sprintf("cut to %d bytes", d.off)
	}
	return fmt.Sprintf("byte %d ^ %#02x", d.off, d.mask)
}

func (d rdbDamage) apply(data []byte) []byte {
	if d.mask == 0 {
		return data[:d.off]
	}
	out := append([]byte(nil), data...)
	out[d.off] ^= d.mask
	return out
}

// rdbDamages returns single-bit flips at about flips offsets spread over
// the file (every offset if it is smaller), the bit moving from one to the
// next, and cuts at about cuts offsets plus every offset of the last 9
// bytes (the EOF opcode and the checksum) and the empty file.
func rdbDamages(size, flips, cuts int) []rdbDamage {
	var out []rdbDamage
	step := max(1, size/flips)
	for i, off := 0, 0; off < size; i, off = i+1, off+step {
		out = append(out, rdbDamage{off: off, mask: 1 << (i % 8)})
	}
	step = max(1, size/cuts)
	for off := 0; off < size-9; off += step {
		out = append(out, rdbDamage{off: off})
	}
	for off := size - 9; off < size; off++ {
		out = append(out, rdbDamage{off: off})
	}
	return out
}

// requireLoads fails the test unless vesta-server loads the undamaged
// file: otherwise the refusals would prove nothing.
func requireLoads(t *testing.T, bin string, data []byte) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dump.rdb"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if o := start(t, "vesta", bin, dir, "--appendonly", "no"); !o.started || o.err != "" || o.keys == 0 {
		t.Fatalf("the undamaged dump.rdb does not load: %v", o)
	}
}

// checkRDBRefused runs vesta-server on dump.rdb holding data and says what
// is wrong if it does not refuse with the file and an offset in the log.
func checkRDBRefused(t *testing.T, bin, root string, data []byte) (outcome, string) {
	dir, err := os.MkdirTemp(root, "rdb-")
	if err != nil {
		return outcome{}, err.Error()
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "dump.rdb"), data, 0o644); err != nil {
		return outcome{}, err.Error()
	}
	o := start(t, "vesta", bin, dir, "--appendonly", "no")
	switch {
	case o.err != "" || o.panicked():
		return o, "harness error or panic"
	case o.started:
		return o, "loaded a damaged dump.rdb"
	case !o.refused():
		return o, "did not exit with a non-zero status"
	}
	off, ok := fatalOffset(o.log, "dump.rdb")
	if !ok {
		return o, "the fatal error does not name dump.rdb and an offset"
	}
	if off < 0 || off > int64(len(data)) {
		return o, fmt.Sprintf("the fatal error names offset %d, outside the %d-byte file", off, len(data))
	}
	return o, ""
}

// Ensure that a dump.rdb written by vesta-server (every encoding, expiries,
// two databases) with one bit flipped, at a few hundred offsets spread over
// the whole file, or cut short, is refused: the server exits with a
// non-zero status and a log naming the file and an offset, and never
// panics. The CRC64 trailer catches a flip in the payload; a flip in the
// structure must be caught where it is. -short tries fewer offsets.
func TestRDBDamage(t *testing.T) {
	bin := testutil.BuildVesta(t)
	data := rdbFile(t, testutil.StartVesta(t, "--enable-debug-command", "yes"))
	flips, cuts := 250, 40
	if testing.Short() {
		flips, cuts = 60, 10
	}
	if *all {
		flips, cuts = len(data), len(data)
	}
	requireLoads(t, bin, data)
	damages := rdbDamages(len(data), flips, cuts)
	root := t.TempDir()
	var (
		fails failures
		why   tally
	)
	nflips := 0
	forEach(len(damages), func(i int) {
		d := damages[i]
		o, msg := checkRDBRefused(t, bin, root, d.apply(data))
		if msg != "" {
			fails.addf("vesta dump.rdb %v: %s\n%v", d, msg, o)
			return
		}
		if strings.Contains(strings.ToLower(fatalLine(o.log)), "checksum") {
			why.add("checksum")
		}
	})
	for _, d := range damages {
		if d.mask != 0 {
			nflips++
		}
	}
	fails.report(t)
	t.Logf("RDB damage (Vesta's %d-byte dump.rdb): %d single-bit flips and %d cuts, %d failures: all refused with the offset, %d of them by the checksum",
		len(data), nflips, len(damages)-nflips, fails.count(), why.get("checksum"))
}

// fatalLine returns the log line that stopped the server.
func fatalLine(log string) string {
	for _, line := range strings.Split(log, "\n") {
		if fatalLoad.MatchString(line) {
			return line
		}
	}
	return ""
}

// Ensure that a dump.rdb written by redis-server 7.0.15 (DEBUG POPULATE and
// the same types) with one bit flipped or cut short is refused by
// vesta-server with the file and an offset in its log.
func TestRDBDamageFromRedis(t *testing.T) {
	bin := testutil.BuildVesta(t)
	r := testutil.StartRedis(t, "--enable-debug-command", "yes")
	data := rdbFile(t, r, []string{"DEBUG", "POPULATE", "500"})
	flips, cuts := 50, 10
	if testing.Short() {
		flips, cuts = 15, 5
	}
	requireLoads(t, bin, data)
	damages := rdbDamages(len(data), flips, cuts)
	root := t.TempDir()
	var fails failures
	forEach(len(damages), func(i int) {
		d := damages[i]
		if o, msg := checkRDBRefused(t, bin, root, d.apply(data)); msg != "" {
			fails.addf("redis dump.rdb %v: %s\n%v", d, msg, o)
		}
	})
	fails.report(t)
	t.Logf("RDB damage (redis-server's %d-byte dump.rdb): %d flips and cuts, %d failures (each refused with the offset)",
		len(data), len(damages), fails.count())
}

package torn

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// An AOF fixture is a clean AOF directory written by a real vesta-server:
// a base holding a first batch of data (rewritten by BGREWRITEAOF), and one
// incr file holding the tail commands, each written with appendfsync always
// so that the incr file's size after each acknowledged command, and the
// dataset digest at that moment, are known.

// baseCommands fill the base: several types, two databases, an expiry.
var baseCommands = [][]string{
	{"SET", "str", "hello"},
	{"SET", "int", "12345"},
	{"RPUSH", "list", "a", "b", "c", "d"},
	{"HSET", "hash", "f1", "v1", "f2", "v2"},
	{"SADD", "set", "x", "y", "z"},
	{"SADD", "ints", "1", "2", "3"},
	{"ZADD", "zset", "1", "a", "2.5", "b"},
	{"SET", "ttl", "v", "PXAT", "4102444800000"},
	{"SELECT", "2"},
	{"SET", "other", "v2"},
	{"SELECT", "0"},
}

// bigValueLen is larger than the loader's read buffers, so that cuts and
// flips inside it exercise reads that span refills.
const bigValueLen = 100_000

// tailCommands are sent after the rewrite and land in the incr file. The
// last ones, whose every byte offset is cut, hold a MULTI/EXEC block, a
// SELECT to another database, SET with PXAT (and EX, logged as PXAT), and
// INCR.
func tailCommands() [][]string {
	return [][]string{
		{"SET", "big", strings.Repeat("0123456789abcdef", bigValueLen/16)},
		{"SET", "plain", "hello"},
		{"RPUSH", "list2", "a", "b", "c"},
		{"INCR", "counter"},
		{"HSET", "h2", "f1", "v1", "f2", "v2"},
		{"SELECT", "3"},
		{"SET", "db3", "v3", "PXAT", "4102444800000"},
		{"SET", "ex", "v", "EX", "100000"},
		{"MULTI"},
		{"SET", "m1", "x"},
		{"INCR", "counter3"},
		{"LPUSH", "l3", "q"},
		{"EXEC"},
		{"SELECT", "0"},
		{"INCRBY", "counter", "5"},
		{"DEL", "plain"},
		{"SET", "last", "tail-value"},
	}
}

type aofFixture struct {
	root     string // the --dir of the server that wrote it
	aofDir   string // root/appendonlydir
	manifest string // manifest file name
	base     string // base file name
	incr     string // the last (only) incr file's name
	baseData []byte
	incrData []byte
	// incrRecs and incrClass describe the incr file; baseRecs and
	// baseClass the base when it is RESP.
	incrRecs  []record
	incrClass []class
	baseRecs  []record
	baseClass []class
	// sizes[i] is the incr file's size after the i-th acknowledged tail
	// command (0 first, before any), digests[i] the dataset's fingerprint
	// then (see inspect).
	sizes   []int64
	digests []string
	// keys is the number of keys of the complete dataset.
	keys int64
}

// final is the digest of the complete dataset.
func (f *aofFixture) final() string { return f.digests[len(f.digests)-1] }

// digestAt returns the digest of the dataset made of the incr file's first
// off bytes, which must end at a command boundary.
func (f *aofFixture) digestAt(off int64) string {
	i := sort.Search(len(f.sizes), func(i int) bool { return f.sizes[i] > off }) - 1
	return f.digests[i]
}

// newAOFFixture writes an AOF directory with vesta-server, with an RDB
// (preamble yes) or RESP (no) base.
func newAOFFixture(t *testing.T, preamble string) *aofFixture {
	t.Helper()
	s := testutil.StartVesta(t, "--appendonly", "yes", "--appendfsync", "always",
		"--aof-use-rdb-preamble", preamble, "--auto-aof-rewrite-percentage", "0",
		"--enable-debug-command", "yes")
	c := testutil.Dial(t, s.Addr)
	for _, cmd := range baseCommands {
		if r := string(c.Do(cmd...)); strings.HasPrefix(r, "-") {
			t.Fatalf("%q: %q", cmd, r)
		}
	}
	if r := string(c.Do("BGREWRITEAOF")); !strings.HasPrefix(r, "+") {
		t.Fatalf("BGREWRITEAOF: %q", r)
	}
	waitRewrite(t, c)
	f := &aofFixture{root: s.Dir, aofDir: filepath.Join(s.Dir, "appendonlydir")}
	f.readManifest(t)
	incrPath := filepath.Join(f.aofDir, f.incr)
	size := func() int64 {
		st, err := os.Stat(incrPath)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	record := func() {
		f.sizes = append(f.sizes, size())
		d, _ := mustInspect(t, s.Addr)
		f.digests = append(f.digests, d)
	}
	record()
	inMulti := false
	for _, cmd := range tailCommands() {
		r := string(c.Do(cmd...))
		if strings.HasPrefix(r, "-") {
			t.Fatalf("%q: %q", cmd, r)
		}
		switch strings.ToUpper(cmd[0]) {
		case "MULTI":
			inMulti = true
		case "EXEC":
			inMulti = false
		}
		if !inMulti {
			record()
		}
	}
	_, f.keys = mustInspect(t, s.Addr)
	if code := s.Stop(); code != 0 {
		t.Fatalf("vesta-server exit status %d after SIGTERM", code)
	}
	f.readManifest(t)
	var err error
	if f.incrData, err = os.ReadFile(incrPath); err != nil {
		t.Fatal(err)
	}
	if f.baseData, err = os.ReadFile(filepath.Join(f.aofDir, f.base)); err != nil {
		t.Fatal(err)
	}
	if f.incrRecs, f.incrClass, err = scanRESP(f.incrData); err != nil {
		t.Fatalf("incr file %s: %v", f.incr, err)
	}
	if preamble == "no" {
		if f.baseRecs, f.baseClass, err = scanRESP(f.baseData); err != nil {
			t.Fatalf("base file %s: %v", f.base, err)
		}
	}
	// Every recorded size is a command boundary of the file.
	for _, sz := range f.sizes {
		if sz != 0 && recordEndingAt(f.incrRecs, sz) < 0 {
			t.Fatalf("incr size %d after a command is not a command boundary", sz)
		}
	}
	if f.sizes[len(f.sizes)-1] != int64(len(f.incrData)) {
		t.Fatalf("incr file grew after the last command: %d, then %d", f.sizes[len(f.sizes)-1], len(f.incrData))
	}
	return f
}

// readManifest finds the base and the last incr file of the directory.
func (f *aofFixture) readManifest(t *testing.T) {
	t.Helper()
	f.manifest = "appendonly.aof.manifest"
	data, err := os.ReadFile(filepath.Join(f.aofDir, f.manifest))
	if err != nil {
		t.Fatal(err)
	}
	f.base, f.incr = "", ""
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 6 || fields[0] != "file" {
			t.Fatalf("manifest line %q", line)
		}
		switch fields[5] {
		case "b":
			f.base = fields[1]
		case "i":
			f.incr = fields[1]
		}
	}
	if f.base == "" || f.incr == "" {
		t.Fatalf("manifest without a base or an incr file:\n%s", data)
	}
}

// waitRewrite waits until no AOF rewrite is running or scheduled.
func waitRewrite(t *testing.T, c *testutil.Conn) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		info := string(c.Do("INFO", "persistence"))
		if strings.Contains(info, "aof_rewrite_in_progress:0") && strings.Contains(info, "aof_rewrite_scheduled:0") {
			if !strings.Contains(info, "aof_last_bgrewrite_status:ok") {
				t.Fatalf("AOF rewrite failed:\n%s", info)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("AOF rewrite still running after 20s:\n%s", info)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func mustInspect(t *testing.T, addr string) (string, int64) {
	t.Helper()
	d, n, err := inspect(t, addr)
	if err != nil {
		t.Fatal(err)
	}
	return d, n
}

// damaged copies the fixture's directory under root and lets edit change
// the copy's AOF directory. It returns the --dir of the copy.
func (f *aofFixture) damaged(root string, edit func(aofDir string) error) (string, error) {
	dst, err := copyDir(root, f.root)
	if err != nil {
		return "", err
	}
	return dst, edit(filepath.Join(dst, "appendonlydir"))
}

// The RESP scanner below reads the files the test damages. It is
// deliberately independent of the server's reader: it accepts only what a
// server writes (no annotations) and labels every byte.

// class is the role of one byte of a RESP command log.
type class uint8

const (
	// marker is the '*' of an argument count or the '$' of a length.
	marker class = iota
	// digit is a digit of an argument count or of a length.
	digit
	// lineEnd is the "\r\n" that closes a count or length line.
	lineEnd
	// payload is a byte of an argument.
	payload
	// terminator is the "\r\n" after an argument's bytes.
	terminator
)

var classNames = [...]string{"marker", "digit", "line end", "payload", "payload terminator"}

func (c class) String() string { return classNames[c] }

// structural reports the bytes that frame commands: markers, digits of
// counts and lengths, and the line ends after them. The terminator after a
// payload is not: Redis's loader, and Vesta's like it, skips those two
// bytes unchecked, so they carry neither data nor framing.
func (c class) structural() bool { return c <= lineEnd }

// record is one command of a RESP log.
type record struct {
	start, end int64
	args       []string
}

// scanRESP splits data into commands and labels each byte.
func scanRESP(data []byte) ([]record, []class, error) {
	classes := make([]class, len(data))
	var recs []record
	pos := 0
	line := func(mark byte) (int, error) {
		if pos >= len(data) || data[pos] != mark {
			return 0, fmt.Errorf("offset %d: expected %q", pos, mark)
		}
		end := bytes.Index(data[pos:], []byte("\r\n"))
		if end < 2 {
			return 0, fmt.Errorf("offset %d: bad %q line", pos, mark)
		}
		n, err := strconv.Atoi(string(data[pos+1 : pos+end]))
		if err != nil {
			return 0, fmt.Errorf("offset %d: %v", pos, err)
		}
		classes[pos] = marker
		for i := pos + 1; i < pos+end; i++ {
			classes[i] = digit
		}
		classes[pos+end], classes[pos+end+1] = lineEnd, lineEnd
		pos += end + 2
		return n, nil
	}
	for pos < len(data) {
		rec := record{start: int64(pos)}
		argc, err := line('*')
		if err != nil {
			return nil, nil, err
		}
		for i := 0; i < argc; i++ {
			n, err := line('$')
			if err != nil {
				return nil, nil, err
			}
			if pos+n+2 > len(data) || string(data[pos+n:pos+n+2]) != "\r\n" {
				return nil, nil, fmt.Errorf("offset %d: bad argument of %d bytes", pos, n)
			}
			rec.args = append(rec.args, string(data[pos:pos+n]))
			for j := pos; j < pos+n; j++ {
				classes[j] = payload
			}
			classes[pos+n], classes[pos+n+1] = terminator, terminator
			pos += n + 2
		}
		rec.end = int64(pos)
		recs = append(recs, rec)
	}
	return recs, classes, nil
}

// recordEndingAt returns the index of the record that ends at off, or -1.
func recordEndingAt(recs []record, off int64) int {
	for i, r := range recs {
		if r.end == off {
			return i
		}
	}
	return -1
}

// safeCut returns the largest offset ≤ off where a loader may cut the log:
// the end of a whole command outside MULTI … EXEC (the start of a MULTI is
// such an end).
func safeCut(recs []record, off int64) int64 {
	var safe int64
	inMulti := false
	for _, r := range recs {
		if r.end > off {
			break
		}
		switch strings.ToUpper(r.args[0]) {
		case "MULTI":
			inMulti = true
		case "EXEC":
			inMulti = false
		}
		if !inMulti {
			safe = r.end
		}
	}
	return safe
}

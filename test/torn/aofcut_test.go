package torn

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

var all = flag.Bool("torn.all", false, "cut and flip at every offset instead of the sample CI runs")

// cutOffsets returns the offsets at which the incr file is cut. Its last
// commands, from the tail's `SET db3 … PXAT` on, are two SELECTs, SET with
// PXAT, SET EX (logged as PXAT), a MULTI/EXEC block of three commands,
// INCRBY, DEL and SET. Every offset of the last two (DEL and SET) is cut,
// and of the rest of those last commands every 3rd offset plus every
// command boundary and the offsets on either side of it; before them,
// every 20th offset outside the big value and 8 offsets spread over it.
// The full set (every offset from `SET db3` on) costs twice as many server
// starts, more than this package's time budget on a loaded 2-core machine;
// -torn.all runs it. -short cuts fewer offsets.
func cutOffsets(f *aofFixture) []int64 {
	var from, last2, bigStart, bigEnd int64 = -1, -1, 0, 0
	for _, r := range f.incrRecs {
		switch {
		case len(r.args) > 1 && r.args[1] == "db3" && from < 0:
			from = r.start
		case r.args[0] == "DEL":
			last2 = r.start
		case len(r.args) > 1 && r.args[1] == "big":
			bigStart, bigEnd = r.start+30, r.end-10
		}
	}
	every, everyLast, everyBefore := int64(3), int64(1), int64(20)
	switch {
	case *all:
		every = 1
	case testing.Short():
		every, everyLast, everyBefore = 7, 2, 60
	}
	near := map[int64]bool{}
	for _, r := range f.incrRecs {
		if r.end >= from {
			near[r.end-1], near[r.end], near[r.end+1] = true, true, true
		}
	}
	var offs []int64
	for off := int64(0); off <= int64(len(f.incrData)); off++ {
		inBig := off >= bigStart && off < bigEnd
		switch {
		case off >= last2:
			if (off-last2)%everyLast == 0 || near[off] {
				offs = append(offs, off)
			}
		case off >= from:
			if (off-from)%every == 0 || near[off] {
				offs = append(offs, off)
			}
		case inBig:
			if (off-bigStart)%((bigEnd-bigStart)/8) == 0 {
				offs = append(offs, off)
			}
		case off%everyBefore == 0:
			offs = append(offs, off)
		}
	}
	return offs
}

// Ensure that an AOF whose last incr file is cut at every byte offset of
// its last commands loads exactly the whole commands before the cut with
// aof-load-truncated yes (MULTI blocks all or nothing), that the file is
// then cut to its last whole command, and that the log names the file and
// that offset. With aof-load-truncated no, a cut on a command boundary
// loads the same way, and any other cut is refused with a log naming the
// file and the offset and advising vesta-check-aof --fix. Expected
// datasets are the DEBUG DIGESTs the writing server reported after each
// acknowledged command (appendfsync always), matched to the file's size at
// that moment.
func TestAOFEveryCut(t *testing.T) {
	bin := testutil.BuildVesta(t)
	f := newAOFFixture(t, "yes")
	offs := cutOffsets(f)
	settings := []string{"yes", "no"}
	root := t.TempDir()
	var (
		fails   failures
		results tally
	)
	forEach(len(offs)*len(settings), func(i int) {
		cut, setting := offs[i/len(settings)], settings[i%len(settings)]
		what := fmt.Sprintf("cut at %d of %d, aof-load-truncated %s", cut, len(f.incrData), setting)
		dir, err := f.damaged(root, func(aofDir string) error {
			return os.Truncate(filepath.Join(aofDir, f.incr), cut)
		})
		defer os.RemoveAll(dir)
		if err != nil {
			fails.addf("%s: %v", what, err)
			return
		}
		o := start(t, "vesta", bin, dir, "--appendonly", "yes", "--aof-load-truncated", setting)
		if msg := checkCut(f, dir, cut, setting, o); msg != "" {
			fails.addf("%s: %s\n%v", what, msg, o)
			return
		}
		safe := safeCut(f.incrRecs, cut)
		switch {
		case safe == cut:
			results.add("boundary loaded")
		case setting == "yes":
			results.add("torn tail cut")
		default:
			results.add("refused")
		}
	})
	fails.report(t)
	t.Logf("AOF cuts: %d offsets × %d settings of a %d-byte incr file (%d of them in its last %d bytes), %d failures: "+
		"%d loaded at a command boundary, %d torn tails cut and loaded, %d refused",
		len(offs), len(settings), len(f.incrData), tailCuts(f, offs), tailLen(f), fails.count(),
		results.get("boundary loaded"), results.get("torn tail cut"), results.get("refused"))
}

// tailLen is the size of the last commands of the incr file, from
// `SET db3` on.
func tailLen(f *aofFixture) int64 {
	for _, r := range f.incrRecs {
		if len(r.args) > 1 && r.args[1] == "db3" {
			return int64(len(f.incrData)) - r.start
		}
	}
	return 0
}

// tailCuts counts the offsets that fall in the last commands.
func tailCuts(f *aofFixture, offs []int64) int {
	n := 0
	for _, off := range offs {
		if off >= int64(len(f.incrData))-tailLen(f) {
			n++
		}
	}
	return n
}

// checkCut returns what is wrong with the outcome of starting on an incr
// file cut at cut, or "".
func checkCut(f *aofFixture, dir string, cut int64, setting string, o outcome) string {
	if o.err != "" || o.panicked() {
		return "harness error or panic"
	}
	safe := safeCut(f.incrRecs, cut)
	size := fileSize(filepath.Join(dir, "appendonlydir", f.incr))
	if safe != cut && setting == "no" {
		switch {
		case !o.refused():
			return "started, want a refusal"
		case !mentionsOffset(o.log, f.incr, safe):
			return fmt.Sprintf("the log does not name %s and offset %d", f.incr, safe)
		case !strings.Contains(o.log, "vesta-check-aof --fix"):
			return "the log does not advise vesta-check-aof --fix"
		case size != cut:
			return fmt.Sprintf("the refused file was changed: %d bytes, want %d", size, cut)
		}
		return ""
	}
	switch {
	case !o.started:
		return "refused to start"
	case o.digest != f.digestAt(safe):
		return fmt.Sprintf("digest %s, want %s (the commands before offset %d)", o.digest, f.digestAt(safe), safe)
	case size != safe:
		return fmt.Sprintf("the file is %d bytes after loading, want %d", size, safe)
	case safe != cut && !mentionsOffset(o.log, f.incr, safe):
		return fmt.Sprintf("the log does not name %s and offset %d", f.incr, safe)
	case safe == cut && strings.Contains(o.log, "cut_bytes"):
		return "a whole file was reported as cut"
	}
	return ""
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

// Ensure that a torn file that is not the last one of the manifest (an
// incr file followed by another, a RESP base, an RDB base) is refused even
// with aof-load-truncated yes, with the file and the offset in the log, and
// is left as it was: a second start refuses again instead of loading a
// dataset with a hole in its history.
func TestAOFTornMiddleFile(t *testing.T) {
	bin := testutil.BuildVesta(t)
	rdbBase := newAOFFixture(t, "yes")
	respBase := newAOFFixture(t, "no")
	mid := func(recs []record) int64 { r := recs[len(recs)/2]; return (r.start + r.end) / 2 }
	cases := []struct {
		name string
		f    *aofFixture
		file string // the file cut
		cut  int64
		want int64 // the offset the log must name
	}{
		{"incr followed by another incr", rdbBase, rdbBase.incr, mid(rdbBase.incrRecs), safeCut(rdbBase.incrRecs, mid(rdbBase.incrRecs))},
		{"RESP base", respBase, respBase.base, mid(respBase.baseRecs), safeCut(respBase.baseRecs, mid(respBase.baseRecs))},
		{"RDB base", rdbBase, rdbBase.base, int64(len(rdbBase.baseData) / 2), -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, err := tc.f.damaged(t.TempDir(), func(aofDir string) error {
				if err := os.Truncate(filepath.Join(aofDir, tc.file), tc.cut); err != nil {
					return err
				}
				if tc.file != tc.f.incr {
					return nil
				}
				return appendIncr(aofDir, tc.f.manifest, "*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n")
			})
			if err != nil {
				t.Fatal(err)
			}
			for run := 1; run <= 2; run++ {
				o := start(t, "vesta", bin, dir, "--appendonly", "yes", "--aof-load-truncated", "yes")
				if !o.refused() || o.panicked() {
					t.Fatalf("start %d: %v, want a refusal", run, o)
				}
				off, ok := fatalOffset(o.log, tc.file)
				if !ok || (tc.want >= 0 && off != tc.want) || off > tc.cut {
					t.Fatalf("start %d: the fatal error does not name %s and offset %d (got %d, %v)\n%v", run, tc.file, tc.want, off, ok, o)
				}
				if size := fileSize(filepath.Join(dir, "appendonlydir", tc.file)); size != tc.cut {
					t.Fatalf("start %d: %s is %d bytes after the refusal, want %d as it was", run, tc.file, size, tc.cut)
				}
				t.Logf("start %d: refused, offset %d of %s named", run, off, tc.file)
			}
		})
	}
}

// appendIncr adds an incr file holding data at the end of the manifest.
func appendIncr(aofDir, manifest, data string) error {
	mpath := filepath.Join(aofDir, manifest)
	m, err := os.ReadFile(mpath)
	if err != nil {
		return err
	}
	seq := 0
	for _, line := range strings.Split(string(m), "\n") {
		var name string
		var n int
		var typ string
		if _, err := fmt.Sscanf(line, "file %s seq %d type %s", &name, &n, &typ); err == nil && typ == "i" && n > seq {
			seq = n
		}
	}
	name := fmt.Sprintf("appendonly.aof.%d.incr.aof", seq+1)
	if err := os.WriteFile(filepath.Join(aofDir, name), []byte(data), 0o644); err != nil {
		return err
	}
	m = append(m, fmt.Sprintf("file %s seq %d type i\n", name, seq+1)...)
	return os.WriteFile(mpath, m, 0o644)
}

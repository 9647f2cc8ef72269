package torn

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// flipCase is one damaged copy of an AOF directory: the byte at off of
// file is XORed with mask.
type flipCase struct {
	file  string
	last  bool // file is the last of the manifest (the incr file)
	off   int64
	mask  byte
	class class
}

func (c flipCase) String() string {
	return fmt.Sprintf("%s byte %d (%s) ^ %#02x", c.file, c.off, c.class, c.mask)
}

// flipCases lists the flips of a RESP file: every structural byte (a
// marker or line end XOR 1; a digit turned into the next digit, and into
// a letter), every byte of the payload terminators (XOR 1), and the first
// and last byte of every argument (XOR 1; 8 bytes spread over the big
// value).
func flipCases(file string, last bool, data []byte, classes []class) []flipCase {
	var out []flipCase
	add := func(off int, mask byte) {
		out = append(out, flipCase{file: file, last: last, off: int64(off), mask: mask, class: classes[off]})
	}
	for i, c := range classes {
		switch c {
		case marker, lineEnd, terminator:
			add(i, 0x01)
		case digit:
			d := data[i] - '0'
			add(i, data[i]^('0'+(d+1)%10))
			add(i, 0x40)
		case payload:
			first := i == 0 || classes[i-1] != payload
			lastByte := i+1 == len(classes) || classes[i+1] != payload
			if first || lastByte {
				add(i, 0x01)
			}
		}
	}
	// The big value: 8 bytes spread over it.
	for start := 0; start < len(classes); start++ {
		if classes[start] != payload {
			continue
		}
		end := start
		for end < len(classes) && classes[end] == payload {
			end++
		}
		if end-start >= bigValueLen {
			for k := 1; k <= 8; k++ {
				add(start+(end-start)*k/9, 0x01)
			}
		}
		start = end
	}
	return out
}

// sampleFlips keeps every case of the last three commands of the incr
// file, where a damaged command may pass for a torn tail, and every
// stride-th case of the others (a prime stride, so that the sample moves
// across the positions inside commands).
func sampleFlips(f *aofFixture, cases []flipCase) []flipCase {
	stride := 5
	switch {
	case *all:
		stride = 1
	case testing.Short():
		stride = 17
	}
	tail := f.incrRecs[len(f.incrRecs)-3].start
	var out []flipCase
	for i, c := range cases {
		if (c.last && c.off >= tail) || i%stride == 0 {
			out = append(out, c)
		}
	}
	return out
}

// Ensure that one flipped byte in the last incr file or in a RESP base is
// either refused, with a log naming the file and an offset, or loaded only
// where RESP cannot see the damage: a payload byte (the dataset then
// differs from the original, with about as many keys) or a payload
// terminator, which Redis's loader and Vesta's skip unchecked (the dataset
// is then the original). A flip of a structural byte (the '*' and '$'
// markers, the digits of counts and lengths, the "\r\n" ending those
// lines) must be refused, or, in the last file, look like a torn tail and
// be cut as one: the dataset is then exactly the commands before the cut,
// which lies at or before the flipped byte. Never a panic. Every 3rd case
// also runs on redis-server 7.0.15, and Vesta must refuse whatever Redis
// refuses; where both load a payload flip, their digests must agree.
func TestAOFByteFlips(t *testing.T) {
	bin := testutil.BuildVesta(t)
	redisBin := testutil.RequireTool(t, "redis-server")
	f := newAOFFixture(t, "no")
	cases := append(flipCases(f.incr, true, f.incrData, f.incrClass), flipCases(f.base, false, f.baseData, f.baseClass)...)
	cases = sampleFlips(f, cases)
	root := t.TempDir()
	var (
		fails   failures
		results tally
	)
	forEach(len(cases), func(i int) {
		c := cases[i]
		damage := func(aofDir string) error {
			p := filepath.Join(aofDir, c.file)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			data[c.off] ^= c.mask
			return os.WriteFile(p, data, 0o644)
		}
		dir, err := f.damaged(root, damage)
		defer os.RemoveAll(dir)
		if err != nil {
			fails.addf("%v: %v", c, err)
			return
		}
		o := start(t, "vesta", bin, dir, "--appendonly", "yes", "--aof-load-truncated", "yes")
		verdict, msg := checkFlip(f, dir, c, o)
		if msg != "" {
			fails.addf("%v: %s\n%v", c, msg, o)
			return
		}
		results.add(verdict)
		results.add(c.class.String() + ": " + verdict)
		if i%3 != 0 {
			return
		}
		rdir, err := f.damaged(root, damage)
		defer os.RemoveAll(rdir)
		if err != nil {
			fails.addf("%v: %v", c, err)
			return
		}
		r := start(t, "redis", redisBin, rdir, "--appendonly", "yes", "--aof-load-truncated", "yes")
		switch {
		case r.err != "":
			fails.addf("%v: redis-server: %s", c, r)
		case r.refused() && o.started:
			fails.addf("%v: redis-server refuses the file, vesta-server loads it\n--- redis ---\n%v\n--- vesta ---\n%v", c, r, o)
		case r.refused() && o.refused():
			results.add("redis: both refused")
		case r.started && o.started && !c.class.structural() && r.digest != o.digest:
			fails.addf("%v: redis-server and vesta-server load different datasets: %s and %s", c, r.digest, o.digest)
		case r.started && o.started:
			results.add("redis: both loaded")
		case r.started && o.refused():
			results.add("redis: only vesta refused")
		}
	})
	fails.report(t)
	t.Logf("AOF byte flips: %d cases (%d in %s, %d in the RESP base %s), %d failures: %d refused, %d cut as a torn tail, %d loaded a changed payload, %d loaded unchanged (payload terminator)",
		len(cases), countLast(cases, true), f.incr, countLast(cases, false), f.base, fails.count(),
		results.get("refused"), results.get("torn tail"), results.get("changed payload"), results.get("unchanged"))
	for _, cl := range []class{marker, digit, lineEnd, payload, terminator} {
		t.Logf("  %s: %d refused, %d cut as a torn tail, %d loaded a changed payload, %d loaded unchanged", cl,
			results.get(cl.String()+": refused"), results.get(cl.String()+": torn tail"),
			results.get(cl.String()+": changed payload"), results.get(cl.String()+": unchanged"))
	}
	t.Logf("redis-server 7.0.15 on %d of them: %d refused by both, %d loaded by both, %d refused by Vesta only, 0 refused by Redis only",
		(len(cases)+2)/3, results.get("redis: both refused"), results.get("redis: both loaded"), results.get("redis: only vesta refused"))
}

func countLast(cases []flipCase, last bool) int {
	n := 0
	for _, c := range cases {
		if c.last == last {
			n++
		}
	}
	return n
}

// checkFlip classifies the outcome of a start on a flipped file ("refused",
// "torn tail", "changed payload", "unchanged"), or says what is wrong.
func checkFlip(f *aofFixture, dir string, c flipCase, o outcome) (string, string) {
	if o.err != "" || o.panicked() {
		return "", "harness error or panic"
	}
	if o.refused() {
		if _, ok := fatalOffset(o.log, c.file); !ok {
			return "", "refused without naming the file and an offset"
		}
		return "refused", ""
	}
	size := fileSize(filepath.Join(dir, "appendonlydir", c.file))
	full := int64(len(f.incrData))
	if !c.last {
		full = int64(len(f.baseData))
	}
	switch {
	case c.class.structural():
		// Only a torn tail of the last file may be cut.
		switch {
		case !c.last || size == full:
			return "", "a structural flip loaded silently"
		case size > c.off:
			return "", fmt.Sprintf("cut as a torn tail at %d, after the flipped byte", size)
		case size != safeCut(f.incrRecs, size):
			return "", fmt.Sprintf("cut at %d, not a command boundary outside MULTI", size)
		case o.digest != f.digestAt(size):
			return "", fmt.Sprintf("cut at %d but loaded digest %s, want %s", size, o.digest, f.digestAt(size))
		case !mentionsOffset(o.log, c.file, size):
			return "", fmt.Sprintf("the log does not name %s and offset %d", c.file, size)
		}
		return "torn tail", ""
	case size != full:
		return "", fmt.Sprintf("the file was cut to %d bytes", size)
	case c.class == terminator:
		if o.digest != f.final() {
			return "", fmt.Sprintf("digest %s, want the original %s", o.digest, f.final())
		}
		return "unchanged", ""
	default:
		if o.digest == f.final() {
			return "", "a payload flip loaded without changing the dataset"
		}
		if d := o.keys - f.keys; d < -2 || d > 2 {
			return "", fmt.Sprintf("%d keys, want about %d", o.keys, f.keys)
		}
		return "changed payload", ""
	}
}

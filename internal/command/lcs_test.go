package command

import (
	"bytes"
	"strings"
	"testing"
)

// Ensure that LCS replies in its three forms, refuses conflicting and
// unknown options, and reports the memory limit, in RESP2 and RESP3.
func TestLCS(t *testing.T) {
	tt := newTester(t)
	tt.run(
		xstep{"SET a ohmytext", "+OK|", "-", 1},
		xstep{"SET b mynewtext", "+OK|", "-", 1},
		xstep{"LCS a b", "$6|mytext|", "", 0},
		xstep{"LCS a b LEN", ":6|", "", 0},
		xstep{"LCS a b IDX", "*4|$7|matches|*2|*2|*2|:4|:7|*2|:5|:8|*2|*2|:2|:3|*2|:0|:1|$3|len|:6|", "", 0},
		xstep{"LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN", "*4|$7|matches|*1|*3|*2|:4|:7|*2|:5|:8|:4|$3|len|:6|", "", 0},
		xstep{"LCS a b IDX LEN", "-ERR If you want both the length and indexes, please just use IDX.|", "", 0},
		xstep{"LCS a b MINMATCHLEN", "-ERR syntax error|", "", 0},
		xstep{"LCS a b MINMATCHLEN x", "-ERR value is not an integer or out of range|", "", 0},
		xstep{"LCS a nokey", "$0||", "", 0},
		xstep{"LCS nokey nokey IDX", "*4|$7|matches|*0|$3|len|:0|", "", 0},
		xstep{"SADD s x", ":1|", "-", 1},
		xstep{"LCS a s", "-ERR The specified keys must contain string values|", "", 0},
	)
	tt.w.Proto = 3
	tt.run(xstep{"LCS a b IDX MINMATCHLEN 4", "%2|$7|matches|*1|*2|*2|:4|:7|*2|:5|:8|$3|len|:6|", "", 0})
	tt.w.Proto = 2
	tt.env.limits.ProtoMaxBulkLen = 1 << 20
	tt.doArgs("SET", "x", strings.Repeat("a", 600))
	tt.doArgs("SET", "y", strings.Repeat("a", 500))
	tt.run(
		xstep{"LCS x y LEN", "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len|", "", 0},
		xstep{"LCS x b LEN", ":0|", "", 0},
	)
}

// Ensure that a table LCS cannot allocate is refused with Redis's
// allocation error instead of exhausting memory.
func TestLCSAllocationLimit(t *testing.T) {
	old := lcsMaxAlloc
	lcsMaxAlloc = 1000
	defer func() { lcsMaxAlloc = old }()
	tt := newTester(t)
	tt.doArgs("SET", "x", strings.Repeat("a", 40))
	tt.run(
		xstep{"LCS x x", "-ERR Insufficient memory, failed allocating transient memory for LCS|", "", 0},
		xstep{"LCS x x LEN", ":40|", "", 0},
	)
}

// isSubsequence reports whether s can be taken from t in order.
func isSubsequence(s, t []byte) bool {
	for _, c := range t {
		if len(s) > 0 && s[0] == c {
			s = s[1:]
		}
	}
	return len(s) == 0
}

// FuzzLCS checks the table walk against its own invariants and the
// two-row length: the result is a common subsequence as long as the LCS
// length, the ranges match byte for byte, do not overlap and add up to the
// result, and the 8-, 16- and 32-bit tables agree.
func FuzzLCS(f *testing.F) {
	f.Add([]byte("ohmytext"), []byte("mynewtext"))
	f.Add([]byte("abcabcabc"), []byte("cbacbacba"))
	f.Add([]byte(""), []byte("x"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if len(a) > 300 || len(b) > 300 {
			return
		}
		var m8, m16, m32 lcsMatcher
		lcsWalk[uint8](&m8, a, b)
		lcsWalk[uint16](&m16, a, b)
		lcsWalk[uint32](&m32, a, b)
		if !bytes.Equal(m8.result, m32.result) && len(a) <= 255 && len(b) <= 255 ||
			!bytes.Equal(m16.result, m32.result) {
			t.Fatalf("tables disagree: %q %q %q", m8.result, m16.result, m32.result)
		}
		m := m32
		if n := lcsLength(a, b); int(n) != len(m.result) {
			t.Fatalf("LCS(%q, %q): walk gives %q, length %d", a, b, m.result, n)
		}
		if !isSubsequence(m.result, a) || !isSubsequence(m.result, b) {
			t.Fatalf("LCS(%q, %q) = %q is not a common subsequence", a, b, m.result)
		}
		total := 0
		lastA, lastB := len(a), len(b)
		for _, r := range m.ranges {
			if !bytes.Equal(a[r.aStart:r.aEnd+1], b[r.bStart:r.bEnd+1]) || r.aEnd-r.aStart != r.bEnd-r.bStart {
				t.Fatalf("range %+v does not match", r)
			}
			if r.aEnd >= lastA || r.bEnd >= lastB {
				t.Fatalf("ranges out of order: %+v", m.ranges)
			}
			lastA, lastB = r.aStart, r.bStart
			total += r.aEnd - r.aStart + 1
		}
		if total != len(m.result) {
			t.Fatalf("ranges cover %d bytes, the LCS has %d", total, len(m.result))
		}
	})
}

func BenchmarkLCS(b *testing.B) {
	x := bytes.Repeat([]byte("the quick brown fox "), 50)
	y := bytes.Repeat([]byte("jumps over the lazy dog "), 40)
	b.ReportAllocs()
	for b.Loop() {
		var m lcsMatcher
		lcsWalk[uint16](&m, x, y)
	}
}

package command

import (
	"math"

	"github.com/vestadb/vesta/internal/keyspace"
)

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest
// common subsequence of two strings (missing keys are empty), as Redis 7.0
// computes it with the classic dynamic-programming table and walks it back
// from the end, so that ties between equally long subsequences resolve
// the same way.
//
// Redis sizes the table as (len1+1)*(len2+1) 32-bit cells and refuses the
// command when that exceeds proto-max-bulk-len. Vesta applies the same
// limit with the same error, but stores the cells in 8 or 16 bits when the
// shorter string is short enough for the LCS length to fit, computes LEN
// with two rows instead of a table, and refuses a table it could not
// allocate (more than lcsMaxAlloc bytes) with Redis's allocation-failure
// error instead of dying of it.

// lcsMaxAlloc bounds the table Vesta tries to allocate: half the machine's
// memory where it is known (lcs_mem_linux.go), else 4 GiB.
var lcsMaxAlloc = func() uint64 {
	if m := totalMemory(); m > 0 {
		return m / 2
	}
	return 4 << 30
}()

func registerLCS(t *Table) { t.Define("lcs", cmdLCS) }

func cmdLCS(c *Ctx) {
	ea := c.DB.Lookup(c.Args[1])
	eb := c.DB.Lookup(c.Args[2])
	if ea != nil && ea.Type() != keyspace.TypeString || eb != nil && eb.Type() != keyspace.TypeString {
		c.Error(ErrLCSType)
		return
	}
	var a, b []byte
	if ea != nil {
		a = ea.Str()
	}
	if eb != nil {
		b = eb.Str()
	}
	var getLen, getIdx, withLen bool
	minLen := int64(0)
	for j := 3; j < len(c.Args); j++ {
		switch opt := c.Args[j]; {
		case EqFold(opt, "IDX"):
			getIdx = true
		case EqFold(opt, "LEN"):
			getLen = true
		case EqFold(opt, "WITHMATCHLEN"):
			withLen = true
		case EqFold(opt, "MINMATCHLEN") && j+1 < len(c.Args):
			n, ok := c.intArg(j + 1)
			if !ok {
				return
			}
			minLen = max(n, 0)
			j++
		default:
			c.SyntaxError()
			return
		}
	}
	if getIdx && getLen {
		c.Error(ErrLCSLenIdx)
		return
	}
	if uint64(len(a)) >= math.MaxUint32-1 || uint64(len(b)) >= math.MaxUint32-1 {
		c.Error(ErrLCSTooLong)
		return
	}
	if cells := uint64(len(a)+1) * uint64(len(b)+1); cells*4 > uint64(c.Env.Limits().ProtoMaxBulkLen) {
		c.Error(ErrLCSMemLimit)
		return
	}
	if getLen && !getIdx {
		c.W.Int(int64(lcsLength(a, b)))
		return
	}
	var m lcsMatcher
	short := min(len(a), len(b))
	var ok bool
	switch {
	case short <= math.MaxUint8:
		ok = lcsWalk[uint8](&m, a, b)
	case short <= math.MaxUint16:
		ok = lcsWalk[uint16](&m, a, b)
	default:
		ok = lcsWalk[uint32](&m, a, b)
	}
	if !ok {
		c.Error(ErrLCSMemAlloc)
		return
	}
	if !getIdx {
		c.W.Bulk(m.result)
		return
	}
	c.W.Map(2)
	c.W.BulkString("matches")
	n := 0
	for _, r := range m.ranges {
		if minLen > 0 && int64(r.aEnd-r.aStart+1) < minLen {
			continue
		}
		n++
	}
	c.W.Array(n)
	for _, r := range m.ranges {
		matchLen := int64(r.aEnd - r.aStart + 1)
		if minLen > 0 && matchLen < minLen {
			continue
		}
		if withLen {
			c.W.Array(3)
		} else {
			c.W.Array(2)
		}
		c.W.Array(2)
		c.W.Int(int64(r.aStart))
		c.W.Int(int64(r.aEnd))
		c.W.Array(2)
		c.W.Int(int64(r.bStart))
		c.W.Int(int64(r.bEnd))
		if withLen {
			c.W.Int(matchLen)
		}
	}
	c.W.BulkString("len")
	c.W.Int(int64(len(m.result)))
}

// lcsRange is one run of consecutive matched bytes: a[aStart..aEnd] equals
// b[bStart..bEnd].
type lcsRange struct{ aStart, aEnd, bStart, bEnd int }

// lcsMatcher receives the result of lcsWalk.
type lcsMatcher struct {
	result []byte
	ranges []lcsRange // from the end of the strings backwards
}

// lcsLength returns the length of the LCS of a and b using two rows as
// long as the shorter string.
func lcsLength(a, b []byte) uint32 {
	if len(b) > len(a) {
		a, b = b, a
	}
	prev := make([]uint32, len(b)+1)
	cur := make([]uint32, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] > cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// lcsWalk fills the table (cells of type T, which must hold the LCS
// length), then walks it back from the end as Redis does: on a match it
// takes the byte and extends the current range, otherwise it steps up if
// the cell above is greater, else left, closing the current range. It
// returns false if the table is too large to allocate.
func lcsWalk[T uint8 | uint16 | uint32](m *lcsMatcher, a, b []byte) bool {
	w := len(b) + 1
	size := uint64(len(a)+1) * uint64(w)
	var zero T
	if size*uint64(sizeofCell(zero)) > lcsMaxAlloc || size > math.MaxInt {
		return false
	}
	t := make([]T, size)
	for i := 1; i <= len(a); i++ {
		row, up := t[i*w:(i+1)*w], t[(i-1)*w:i*w]
		for j := 1; j < w; j++ {
			switch {
			case a[i-1] == b[j-1]:
				row[j] = up[j-1] + 1
			case up[j] > row[j-1]:
				row[j] = up[j]
			default:
				row[j] = row[j-1]
			}
		}
	}
	n := int(t[len(a)*w+len(b)])
	m.result = make([]byte, n)
	idx := n
	open := false // a range is being extended
	var r lcsRange
	i, j := len(a), len(b)
	for i > 0 && j > 0 {
		emit := false
		if a[i-1] == b[j-1] {
			m.result[idx-1] = a[i-1]
			if !open {
				r = lcsRange{aStart: i - 1, aEnd: i - 1, bStart: j - 1, bEnd: j - 1}
				open = true
			} else {
				// After a match the walk moved diagonally, so the
				// range always extends.
				r.aStart--
				r.bStart--
			}
			// A range that reached the start of either string ends here.
			if r.aStart == 0 || r.bStart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if t[(i-1)*w+j] > t[i*w+j-1] {
				i--
			} else {
				j--
			}
			emit = open
		}
		if emit {
			m.ranges = append(m.ranges, r)
			open = false
		}
	}
	return true
}

func sizeofCell[T uint8 | uint16 | uint32](T) int {
	var x T
	switch any(x).(type) {
	case uint8:
		return 1
	case uint16:
		return 2
	}
	return 4
}

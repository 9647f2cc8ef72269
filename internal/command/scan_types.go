package command

import (
	"strconv"

	"github.com/vestadb/vesta/internal/glob"
)

// collectionScan runs HSCAN or SSCAN (ZSCAN can share it) on a value
// already looked up. step runs one SCAN step from a cursor, appending
// elements (for hashes field then value) to the list, and returns the next
// cursor; compact encodings return everything with cursor 0. pairs says
// that elements come in field,value pairs, so that MATCH drops both.
func collectionScan(c *Ctx, cursor uint64, optsFrom int, pairs bool,
	step func(cursor uint64, add func(b []byte)) uint64) {
	o, ok := parseScanOptions(c, optsFrom, false)
	if !ok {
		return
	}
	var out [][]byte
	add := func(b []byte) { out = append(out, append([]byte(nil), b...)) }
	// Like Redis, COUNT bounds the elements gathered (a pair counts as
	// two) and the buckets visited (ten per requested element).
	maxIter := o.count * 10
	for {
		cursor = step(cursor, add)
		maxIter--
		if cursor == 0 || maxIter <= 0 || int64(len(out)) >= o.count {
			break
		}
	}
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(cursor, 10))
	stride := 1
	if pairs {
		stride = 2
	}
	d := c.W.Defer()
	n := 0
	for i := 0; i+stride <= len(out); i += stride {
		if o.pattern != nil && !glob.Match(o.pattern, out[i], false) {
			continue
		}
		for j := 0; j < stride; j++ {
			c.W.Bulk(out[i+j])
		}
		n += stride
	}
	c.W.ArrayAt(d, n)
}

// scanCursor parses the cursor of a collection scan, replying the error.
func scanCursor(c *Ctx, i int) (uint64, bool) {
	cur, ok := parseCursor(c.Args[i])
	if !ok {
		c.Error(ErrInvalidCursor)
	}
	return cur, ok
}

// emptyScan is the reply to a scan of a missing key.
func emptyScan(c *Ctx) {
	c.W.Array(2)
	c.W.BulkString("0")
	c.W.Array(0)
}

func cmdHScan(c *Ctx) {
	cursor, ok := scanCursor(c, 2)
	if !ok {
		return
	}
	h, ok := readHash(c, c.Args[1])
	if !ok {
		return
	}
	if h == nil {
		emptyScan(c)
		return
	}
	collectionScan(c, cursor, 3, true, func(cur uint64, add func([]byte)) uint64 {
		return h.Scan(cur, func(f, v []byte) {
			add(f)
			add(v)
		})
	})
}

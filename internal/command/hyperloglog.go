package command

import (
	"fmt"
	"strings"

	"github.com/vestadb/vesta/internal/hll"
	"github.com/vestadb/vesta/internal/keyspace"
)

// HyperLogLog commands. The algorithm and the representations are in
// internal/hll; a HyperLogLog is a string value, so these commands only
// find, check and rewrite strings, and persistence needs nothing of its
// own.

// Error replies of the HyperLogLog commands, worded as Redis 7.0 words them.
const (
	ErrHLLWrongType = "WRONGTYPE Key is not a valid HyperLogLog string value."
	ErrHLLCorrupt   = "INVALIDOBJ Corrupted HLL object detected"
)

func registerHyperLogLog(t *Table) {
	t.Define("pfadd", cmdPFAdd)
	t.Define("pfcount", cmdPFCount)
	t.Define("pfmerge", cmdPFMerge)
	t.Define("pfdebug", cmdPFDebug)
	t.Define("pfselftest", cmdPFSelfTest)
}

// hllSparseMax is hll-sparse-max-bytes.
func (c *Ctx) hllSparseMax() int {
	n := c.Env.Limits().HLLSparseMaxBytes
	if n < 0 {
		return 0
	}
	return n
}

// hllCheck is Redis's isHLLObjectOrReply for an existing entry: WRONGTYPE
// for another type, the HyperLogLog WRONGTYPE for a string that is not one.
func hllCheck(c *Ctx, e *keyspace.Entry) bool {
	if e.Type() != keyspace.TypeString {
		c.Error(ErrWrongType)
		return false
	}
	if !hll.Valid(e.Str()) {
		c.Error(ErrHLLWrongType)
		return false
	}
	return true
}

// hllStore makes v the value of e (which came from LookupWrite) if it is
// not already the bytes StringForWrite handed out.
func hllStore(c *Ctx, e *keyspace.Entry, buf, v []byte) {
	if len(v) != len(buf) || (len(v) > 0 && &v[0] != &buf[0]) {
		c.DB.UpdateString(e, v, keyspace.EncRaw)
	}
}

func cmdPFAdd(c *Ctx) {
	key := c.Args[1]
	e := c.DB.LookupWrite(key)
	updated := 0
	var v []byte
	if e == nil {
		v = hll.New()
		e = c.DB.AddString(key, v)
		updated++
		v = c.DB.StringForWrite(e, len(v))
	} else {
		if !hllCheck(c, e) {
			return
		}
		v = c.DB.StringForWrite(e, len(e.Str()))
	}
	buf := v
	max := c.hllSparseMax()
	for _, ele := range c.Args[2:] {
		var r int
		v, r = hll.Add(v, ele, max)
		switch r {
		case hll.Changed:
			updated++
		case hll.Corrupt:
			hllStore(c, e, buf, v)
			c.Error(ErrHLLCorrupt)
			return
		}
	}
	if updated > 0 {
		hll.InvalidateCache(v)
		hllStore(c, e, buf, v)
		c.DB.Signal(key)
		c.Notify(NotifyString, "pfadd", key)
		c.Dirty(updated)
		c.W.Int(1)
		return
	}
	hllStore(c, e, buf, v)
	c.W.Int(0)
}

func cmdPFCount(c *Ctx) {
	if len(c.Args) > 2 {
		var max [hll.Registers]uint8
		for _, key := range c.Args[1:] {
			e := c.DB.Lookup(key)
			if e == nil {
				continue
			}
			if !hllCheck(c, e) {
				return
			}
			if !hll.Merge(&max, e.Str()) {
				c.Error(ErrHLLCorrupt)
				return
			}
		}
		c.W.Int(int64(hll.CountRegisters(&max)))
		return
	}
	key := c.Args[1]
	e := c.DB.Lookup(key)
	if e == nil {
		c.W.Int(0)
		return
	}
	if !hllCheck(c, e) {
		return
	}
	e = c.DB.LookupWrite(key)
	v := c.DB.StringForWrite(e, len(e.Str()))
	card, ok := hll.CachedCard(v)
	if !ok {
		var invalid bool
		card, invalid = hll.Count(v)
		if invalid {
			c.Error(ErrHLLCorrupt)
			return
		}
		hll.SetCachedCard(v, card)
		// A read command that changed the value: propagated like a
		// write, as Redis does.
		c.Changed(key)
	}
	c.W.Int(int64(card))
}

func cmdPFMerge(c *Ctx) {
	var max [hll.Registers]uint8
	dense := false
	for _, key := range c.Args[1:] {
		e := c.DB.Lookup(key)
		if e == nil {
			continue
		}
		if !hllCheck(c, e) {
			return
		}
		if hll.Encoding(e.Str()) == hll.Dense {
			dense = true
		}
		if !hll.Merge(&max, e.Str()) {
			c.Error(ErrHLLCorrupt)
			return
		}
	}
	dst := c.Args[1]
	e := c.DB.LookupWrite(dst)
	var v []byte
	if e == nil {
		v = hll.New()
		e = c.DB.AddString(dst, v)
	}
	v = c.DB.StringForWrite(e, len(e.Str()))
	buf := v
	if dense {
		d, ok := hll.ToDense(v)
		if !ok {
			c.Error(ErrHLLCorrupt)
			return
		}
		v = d
	}
	sparseMax := c.hllSparseMax()
	for i, r := range max {
		if r != 0 {
			v, _ = hll.Set(v, i, r, sparseMax)
		}
	}
	hll.InvalidateCache(v)
	hllStore(c, e, buf, v)
	c.Changed(dst)
	// Redis raises pfadd for PFMERGE too: a mass add of elements.
	c.Notify(NotifyString, "pfadd", dst)
	c.W.OK()
}

func cmdPFDebug(c *Ctx) {
	sub := c.Args[1]
	key := c.Args[2]
	e := c.DB.LookupWrite(key)
	if e == nil {
		c.Error("ERR The specified key does not exist")
		return
	}
	if !hllCheck(c, e) {
		return
	}
	v := c.DB.StringForWrite(e, len(e.Str()))
	toDense := func() bool {
		d, ok := hll.ToDense(v)
		if !ok {
			c.Error(ErrHLLCorrupt)
			return false
		}
		c.DB.UpdateString(e, d, keyspace.EncRaw)
		c.Dirty(1) // propagated, so that replicas convert too
		v = d
		return true
	}
	switch {
	case eq(sub, "GETREG"):
		if hll.Encoding(v) == hll.Sparse && !toDense() {
			return
		}
		c.W.Array(hll.Registers)
		regs := v[hll.HeaderSize:]
		for i := 0; i < hll.Registers; i++ {
			c.W.Int(int64(hll.DenseGet(regs, i)))
		}
	case eq(sub, "DECODE"):
		if hll.Encoding(v) != hll.Sparse {
			c.Error("ERR HLL encoding is not sparse")
			return
		}
		c.W.Bulk([]byte(hll.Decode(v)))
	case eq(sub, "ENCODING"):
		if hll.Encoding(v) == hll.Dense {
			c.W.Simple("dense")
		} else {
			c.W.Simple("sparse")
		}
	case eq(sub, "TODENSE"):
		if hll.Encoding(v) == hll.Sparse {
			if !toDense() {
				return
			}
			c.W.Int(1)
			return
		}
		c.W.Int(0)
	default:
		name := string(sub)
		if i := strings.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		c.Error(fmt.Sprintf("ERR Unknown PFDEBUG subcommand '%s'", name))
	}
}

func cmdPFSelfTest(c *Ctx) {
	if err := hll.SelfTest(); err != nil {
		c.Error("ERR " + err.Error())
		return
	}
	c.W.OK()
}

package command

import (
	"fmt"
	"math"
	"strconv"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/hash"
)

// Hash commands: HSET and friends, counters, whole-hash reads, HRANDFIELD
// and HSCAN.

func registerHashes(t *Table) {
	t.Define("hset", cmdHSet)
	t.Define("hmset", cmdHSet)
	t.Define("hsetnx", cmdHSetNX)
	t.Define("hget", cmdHGet)
	t.Define("hmget", cmdHMGet)
	t.Define("hdel", cmdHDel)
	t.Define("hlen", cmdHLen)
	t.Define("hstrlen", cmdHStrLen)
	t.Define("hexists", cmdHExists)
	t.Define("hkeys", func(c *Ctx) { hgetAll(c, true, false) })
	t.Define("hvals", func(c *Ctx) { hgetAll(c, false, true) })
	t.Define("hgetall", func(c *Ctx) { hgetAll(c, true, true) })
	t.Define("hincrby", cmdHIncrBy)
	t.Define("hincrbyfloat", cmdHIncrByFloat)
	t.Define("hrandfield", cmdHRandField)
	t.Define("hscan", cmdHScan)
}

var argHSET = []byte("HSET")

// hashLimits are the listpack thresholds from the configuration.
func hashLimits(c *Ctx) hash.Limits {
	l := c.Env.Limits()
	return hash.Limits{MaxEntries: l.HashMaxListpackEntries, MaxValue: l.HashMaxListpackValue}
}

// readHash returns key's hash for reading: nil when the key is absent, and
// ok false after replying WRONGTYPE.
func readHash(c *Ctx, key []byte) (*hash.Hash, bool) {
	e, ok := c.lookupRead(key, keyspace.TypeHash)
	if !ok || e == nil {
		return nil, ok
	}
	return e.Obj().(*hash.Hash), true
}

// writeHash returns key's hash for modification in place (nil when absent).
func writeHash(c *Ctx, key []byte) (*hash.Hash, bool) {
	e, ok := c.lookupWrite(key, keyspace.TypeHash)
	if !ok || e == nil {
		return nil, ok
	}
	return e.Obj().(*hash.Hash), true
}

// writeOrCreateHash is writeHash that adds an empty hash when the key is
// absent. The caller must store at least one field in it.
func writeOrCreateHash(c *Ctx, key []byte) (*hash.Hash, bool) {
	h, ok := writeHash(c, key)
	if ok && h == nil {
		// The entry keeps the hash itself (a keyspace.WordObject): change
		// the one it holds, not the carrier.
		h = c.DB.Add(key, hash.New()).Obj().(*hash.Hash)
	}
	return h, ok
}

func wrongArgs(c *Ctx) {
	c.Error(fmt.Sprintf("ERR wrong number of arguments for '%s' command", c.Spec.Name))
}

func cmdHSet(c *Ctx) {
	if len(c.Args)%2 != 0 {
		wrongArgs(c)
		return
	}
	key := c.Args[1]
	h, ok := writeOrCreateHash(c, key)
	if !ok {
		return
	}
	lim := hashLimits(c)
	created := 0
	for i := 2; i < len(c.Args); i += 2 {
		if h.Set(c.Args[i], c.Args[i+1], lim) {
			created++
		}
	}
	c.DB.Signal(key)
	c.Notify(NotifyHash, "hset", key)
	c.Dirty((len(c.Args) - 2) / 2)
	if c.Spec.Name == "hmset" {
		c.W.OK()
	} else {
		c.W.Int(int64(created))
	}
}

func cmdHSetNX(c *Ctx) {
	key := c.Args[1]
	h, ok := writeOrCreateHash(c, key)
	if !ok {
		return
	}
	if h.Exists(c.Args[2]) {
		c.W.Int(0)
		return
	}
	h.Set(c.Args[2], c.Args[3], hashLimits(c))
	c.Changed(key)
	c.Notify(NotifyHash, "hset", key)
	c.W.Int(1)
}

func cmdHGet(c *Ctx) {
	h, ok := readHash(c, c.Args[1])
	if !ok {
		return
	}
	replyField(c, h, c.Args[2])
}

// replyField replies with field's value, or null.
func replyField(c *Ctx, h *hash.Hash, field []byte) {
	if h == nil {
		c.W.Null()
		return
	}
	var buf [64]byte
	v, found := h.Get(buf[:0], field)
	if !found {
		c.W.Null()
		return
	}
	c.W.Bulk(v)
}

func cmdHMGet(c *Ctx) {
	h, ok := readHash(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, f := range c.Args[2:] {
		replyField(c, h, f)
	}
}

func cmdHDel(c *Ctx) {
	key := c.Args[1]
	h, ok := writeHash(c, key)
	if !ok {
		return
	}
	if h == nil {
		c.W.Int(0)
		return
	}
	deleted, removed := 0, false
	for _, f := range c.Args[2:] {
		if h.Delete(f) {
			deleted++
			if h.Len() == 0 {
				c.DB.Unlink(key)
				removed = true
				break
			}
		}
	}
	if deleted > 0 {
		c.DB.Signal(key)
		c.Dirty(deleted)
		c.Notify(NotifyHash, "hdel", key)
		if removed {
			c.Notify(NotifyGeneric, "del", key)
		}
	}
	c.W.Int(int64(deleted))
}

func cmdHLen(c *Ctx) {
	h, ok := readHash(c, c.Args[1])
	if !ok {
		return
	}
	if h == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(h.Len()))
}

func cmdHStrLen(c *Ctx) {
	h, ok := readHash(c, c.Args[1])
	if !ok {
		return
	}
	if h == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(h.StrLen(c.Args[2])))
}

func cmdHExists(c *Ctx) {
	h, ok := readHash(c, c.Args[1])
	if !ok {
		return
	}
	if h == nil || !h.Exists(c.Args[2]) {
		c.W.Int(0)
		return
	}
	c.W.Int(1)
}

// hgetAll serves HKEYS, HVALS and HGETALL: an array, or a map in RESP3 for
// HGETALL.
func hgetAll(c *Ctx, keys, vals bool) {
	h, ok := readHash(c, c.Args[1])
	if !ok {
		return
	}
	both := keys && vals
	if h == nil {
		if both {
			c.W.Map(0)
		} else {
			c.W.Array(0)
		}
		return
	}
	if both {
		c.W.Map(h.Len())
	} else {
		c.W.Array(h.Len())
	}
	h.Each(func(f, v []byte) bool {
		if keys {
			c.W.Bulk(f)
		}
		if vals {
			c.W.Bulk(v)
		}
		return true
	})
}

func cmdHIncrBy(c *Ctx) {
	incr, ok := c.intArg(3)
	if !ok {
		return
	}
	key, field := c.Args[1], c.Args[2]
	h, ok := writeOrCreateHash(c, key)
	if !ok {
		return
	}
	var buf [64]byte
	var cur int64
	if v, found := h.Get(buf[:0], field); found {
		if cur, ok = ParseInt(v); !ok {
			c.Error(ErrHashNotInt)
			return
		}
	}
	if (incr < 0 && cur < 0 && incr < math.MinInt64-cur) ||
		(incr > 0 && cur > 0 && incr > math.MaxInt64-cur) {
		c.Error(ErrOverflow)
		return
	}
	cur += incr
	h.Set(field, strconv.AppendInt(buf[:0], cur, 10), hashLimits(c))
	c.Changed(key)
	c.Notify(NotifyHash, "hincrby", key)
	c.W.Int(cur)
}

func cmdHIncrByFloat(c *Ctx) {
	incr, ok := ParseLongDouble(c.Args[3])
	if !ok {
		c.Error(ErrNotFloat)
		return
	}
	if incr.IsInf() {
		c.Error(ErrIncrNaNOrInf)
		return
	}
	key, field := c.Args[1], c.Args[2]
	h, ok := writeOrCreateHash(c, key)
	if !ok {
		return
	}
	cur := LongDoubleFromInt(0)
	var buf [64]byte
	if v, found := h.Get(buf[:0], field); found {
		if cur, ok = ParseLongDouble(v); !ok {
			c.Error(ErrHashNotFloat)
			return
		}
	}
	sum, ok := cur.Add(incr)
	if !ok {
		c.Error(ErrNaNOrInf)
		return
	}
	val := []byte(sum.Format())
	h.Set(field, val, hashLimits(c))
	c.Changed(key)
	c.Notify(NotifyHash, "hincrbyfloat", key)
	c.W.Bulk(val)
	c.Rewrite(argHSET, key, field, val)
}

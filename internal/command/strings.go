package command

import (
	"fmt"
	"math"
	"strconv"

	"github.com/vestadb/vesta/internal/keyspace"
)

// String commands: GET, SET and its variants, counters, ranges.

func registerStrings(t *Table) {
	t.Define("get", cmdGet)
	t.Define("set", cmdSet)
	t.Define("setnx", cmdSetNX)
	t.Define("setex", func(c *Ctx) { setWithTime(c, unitSeconds) })
	t.Define("psetex", func(c *Ctx) { setWithTime(c, unitMillis) })
	t.Define("getset", cmdGetSet)
	t.Define("getdel", cmdGetDel)
	t.Define("getex", cmdGetEx)
	t.Define("mget", cmdMGet)
	t.Define("mset", func(c *Ctx) { msetGeneric(c, false) })
	t.Define("msetnx", func(c *Ctx) { msetGeneric(c, true) })
	t.Define("append", cmdAppend)
	t.Define("strlen", cmdStrlen)
	t.Define("incr", func(c *Ctx) { incrBy(c, 1) })
	t.Define("decr", func(c *Ctx) { incrBy(c, -1) })
	t.Define("incrby", func(c *Ctx) {
		if n, ok := c.intArg(2); ok {
			incrBy(c, n)
		}
	})
	t.Define("decrby", func(c *Ctx) {
		n, ok := c.intArg(2)
		if !ok {
			return
		}
		if n == math.MinInt64 {
			c.Error("ERR decrement would overflow")
			return
		}
		incrBy(c, -n)
	})
	t.Define("incrbyfloat", cmdIncrByFloat)
	t.Define("getrange", cmdGetRange)
	t.Define("substr", cmdGetRange)
	t.Define("setrange", cmdSetRange)
}

// getString replies with key's string value (null when absent). It returns
// false after replying WRONGTYPE.
func getString(c *Ctx, key []byte) bool {
	e, ok := c.lookupRead(key, keyspace.TypeString)
	if !ok {
		return false
	}
	if e == nil {
		c.W.Null()
	} else {
		c.W.Bulk(e.Str())
	}
	return true
}

func cmdGet(c *Ctx) { getString(c, c.Args[1]) }

// Options of SET and GETEX.
const (
	setNX = 1 << iota
	setXX
	setGet
	setKeepTTL
	setEX
	setPX
	setEXAT
	setPXAT
	setPersist
)

const (
	unitSeconds = iota
	unitMillis
)

// parseSetOptions parses the options of SET (getex=false) or GETEX from
// args[from:], returning the flags and the expire argument. Redis rejects
// any conflicting or repeated option with a syntax error.
func parseSetOptions(c *Ctx, from int, getex bool) (flags int, expire []byte, ok bool) {
	// Each option conflicts with the others of its group but not with
	// itself: "SET k v EX 1 EX 2" is accepted and the last value wins.
	timeFlags := setEX | setPX | setEXAT | setPXAT
	for i := from; i < len(c.Args); i++ {
		a := c.Args[i]
		var next []byte
		if i+1 < len(c.Args) {
			next = c.Args[i+1]
		}
		timeOK := func(self int) bool {
			return flags&(setKeepTTL|setPersist|(timeFlags&^self)) == 0 && next != nil
		}
		switch {
		case !getex && eq(a, "NX") && flags&setXX == 0:
			flags |= setNX
		case !getex && eq(a, "XX") && flags&setNX == 0:
			flags |= setXX
		case !getex && eq(a, "GET"):
			flags |= setGet
		case !getex && eq(a, "KEEPTTL") && flags&(timeFlags|setPersist) == 0:
			flags |= setKeepTTL
		case getex && eq(a, "PERSIST") && flags&(timeFlags|setKeepTTL) == 0:
			flags |= setPersist
		case eq(a, "EX") && timeOK(setEX):
			flags, expire = flags|setEX, next
			i++
		case eq(a, "PX") && timeOK(setPX):
			flags, expire = flags|setPX, next
			i++
		case eq(a, "EXAT") && timeOK(setEXAT):
			flags, expire = flags|setEXAT, next
			i++
		case eq(a, "PXAT") && timeOK(setPXAT):
			flags, expire = flags|setPXAT, next
			i++
		default:
			c.SyntaxError()
			return 0, nil, false
		}
	}
	return flags, expire, true
}

// expireMillis turns the expire argument into an absolute unix time in ms,
// replying the error Redis gives for a bad value.
func expireMillis(c *Ctx, arg []byte, flags int) (int64, bool) {
	ms, ok := ParseInt(arg)
	if !ok {
		c.W.Error(ErrNotInt)
		return 0, false
	}
	seconds := flags&(setEX|setEXAT) != 0
	if ms <= 0 || (seconds && ms > math.MaxInt64/1000) {
		c.Error(fmt.Sprintf(ErrInvalidExpire, c.Spec.Name))
		return 0, false
	}
	if seconds {
		ms *= 1000
	}
	if flags&(setEX|setPX) != 0 {
		if ms > math.MaxInt64-c.KS.Now {
			c.Error(fmt.Sprintf(ErrInvalidExpire, c.Spec.Name))
			return 0, false
		}
		ms += c.KS.Now
	}
	return ms, true
}

func cmdSet(c *Ctx) {
	flags, expArg, ok := parseSetOptions(c, 3, false)
	if !ok {
		return
	}
	var when int64
	if expArg != nil {
		if when, ok = expireMillis(c, expArg, flags); !ok {
			return
		}
	}
	setGeneric(c, flags, c.Args[1], c.Args[2], expArg != nil, when, false)
}

// setGeneric is Redis's setGenericCommand. okReply/abort handle SETNX's
// integer replies.
func setGeneric(c *Ctx, flags int, key, val []byte, hasExpire bool, when int64, intReply bool) {
	if flags&setGet != 0 {
		if !getString(c, key) {
			return
		}
	}
	cur := c.DB.LookupWrite(key)
	found := cur != nil
	if (flags&setNX != 0 && found) || (flags&setXX != 0 && !found) {
		switch {
		case flags&setGet != 0:
		case intReply:
			c.W.Int(0)
		default:
			c.W.Null()
		}
		return
	}
	e := c.DB.SetStringAt(cur, key, val, flags&setKeepTTL != 0)
	c.Changed(key)
	c.Notify(NotifyString, "set", key)
	if hasExpire {
		c.DB.SetExpire(e, when)
		c.Notify(NotifyGeneric, "expire", key)
		c.Rewrite(argSET, key, val, argPXAT, itob(when))
	} else if flags&setGet != 0 {
		// Propagate without GET.
		args := [][]byte{}
		for i, a := range c.Args {
			if i >= 3 && eq(a, "GET") {
				continue
			}
			args = append(args, a)
		}
		c.Rewrite(args...)
	}
	switch {
	case flags&setGet != 0:
	case intReply:
		c.W.Int(1)
	default:
		c.W.OK()
	}
}

func cmdSetNX(c *Ctx) { setGeneric(c, setNX, c.Args[1], c.Args[2], false, 0, true) }

func setWithTime(c *Ctx, unit int) {
	flags := setEX
	if unit == unitMillis {
		flags = setPX
	}
	when, ok := expireMillis(c, c.Args[2], flags)
	if !ok {
		return
	}
	setGeneric(c, flags, c.Args[1], c.Args[3], true, when, false)
}

func cmdGetSet(c *Ctx) {
	if !getString(c, c.Args[1]) {
		return
	}
	c.DB.SetString(c.Args[1], c.Args[2], false)
	c.Changed(c.Args[1])
	c.Notify(NotifyString, "set", c.Args[1])
	c.Rewrite(argSET, c.Args[1], c.Args[2])
}

func cmdGetDel(c *Ctx) {
	key := c.Args[1]
	e, ok := c.lookupRead(key, keyspace.TypeString)
	if !ok {
		return
	}
	if e == nil {
		c.W.Null()
		return
	}
	c.W.Bulk(e.Str())
	c.DB.Unlink(key)
	c.Changed(key)
	c.Notify(NotifyGeneric, "del", key)
	c.Rewrite(c.delArg(c.Env.Limits().LazyfreeLazyUserDel), key)
}

func cmdGetEx(c *Ctx) {
	key := c.Args[1]
	flags, expArg, ok := parseSetOptions(c, 2, true)
	if !ok {
		return
	}
	e, ok := c.lookupRead(key, keyspace.TypeString)
	if !ok {
		return
	}
	if e == nil {
		c.W.Null()
		return
	}
	var when int64
	if expArg != nil {
		if when, ok = expireMillis(c, expArg, flags); !ok {
			return
		}
	}
	c.W.Bulk(e.Str())
	switch {
	case expArg != nil && when <= c.KS.Now && !c.KS.Loading:
		c.DB.Unlink(key)
		c.Changed(key)
		c.Notify(NotifyGeneric, "del", key)
		c.Rewrite(c.delArg(c.Env.Limits().LazyfreeLazyExpire), key)
	case expArg != nil:
		c.DB.SetExpire(c.DB.LookupWrite(key), when)
		c.Changed(key)
		c.Notify(NotifyGeneric, "expire", key)
		c.Rewrite(argPEXPIREAT, key, itob(when))
	case flags&setPersist != 0:
		if c.DB.Persist(c.DB.LookupWrite(key)) {
			c.Changed(key)
			c.Notify(NotifyGeneric, "persist", key)
			c.Rewrite(argPERSIST, key)
		}
	}
}

func cmdMGet(c *Ctx) {
	c.W.Array(len(c.Args) - 1)
	for _, key := range c.Args[1:] {
		e := c.DB.Lookup(key)
		if e == nil || e.Type() != keyspace.TypeString {
			c.W.Null()
			continue
		}
		c.W.Bulk(e.Str())
	}
}

func msetGeneric(c *Ctx, nx bool) {
	if len(c.Args)%2 == 0 {
		c.Error(fmt.Sprintf("ERR wrong number of arguments for '%s' command", c.Spec.Name))
		return
	}
	if nx {
		for i := 1; i < len(c.Args); i += 2 {
			if c.DB.LookupWrite(c.Args[i]) != nil {
				c.W.Int(0)
				return
			}
		}
	}
	for i := 1; i < len(c.Args); i += 2 {
		e := c.DB.LookupWrite(c.Args[i]) // expires first, as setKey's lookup does
		c.DB.SetStringAt(e, c.Args[i], c.Args[i+1], false)
		c.DB.Signal(c.Args[i])
		c.Notify(NotifyString, "set", c.Args[i])
	}
	c.Dirty((len(c.Args) - 1) / 2)
	if nx {
		c.W.Int(1)
	} else {
		c.W.OK()
	}
}

func cmdAppend(c *Ctx) {
	key, add := c.Args[1], c.Args[2]
	e, ok := c.lookupWrite(key, keyspace.TypeString)
	if !ok {
		return
	}
	if e == nil {
		c.DB.AddString(key, add)
		c.Changed(key)
		c.Notify(NotifyString, "append", key)
		c.W.Int(int64(len(add)))
		return
	}
	n := int64(len(e.Str()) + len(add))
	if n > c.Env.Limits().ProtoMaxBulkLen {
		c.Error(ErrStringTooLong)
		return
	}
	if len(add) > 0 || !e.RawString() {
		buf := make([]byte, 0, n)
		buf = append(append(buf, e.Str()...), add...)
		c.DB.UpdateString(e, buf, keyspace.EncRaw)
	}
	c.Changed(key)
	c.Notify(NotifyString, "append", key)
	c.W.Int(n)
}

func cmdStrlen(c *Ctx) {
	e, ok := c.lookupRead(c.Args[1], keyspace.TypeString)
	if !ok {
		return
	}
	if e == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(len(e.Str())))
}

func incrBy(c *Ctx, by int64) {
	key := c.Args[1]
	e, ok := c.lookupWrite(key, keyspace.TypeString)
	if !ok {
		return
	}
	var cur int64
	if e != nil {
		if cur, ok = ParseInt(e.Str()); !ok {
			c.Error(ErrNotInt)
			return
		}
	}
	if (by < 0 && cur < 0 && by < math.MinInt64-cur) || (by > 0 && cur > 0 && by > math.MaxInt64-cur) {
		c.Error(ErrOverflow)
		return
	}
	cur += by
	var tmp [24]byte
	val := strconv.AppendInt(tmp[:0], cur, 10)
	if e == nil {
		c.DB.AddString(key, val)
	} else {
		c.DB.UpdateString(e, val, keyspace.EncAuto)
	}
	c.Changed(key)
	c.Notify(NotifyString, "incrby", key)
	c.W.Int(cur)
}

func cmdIncrByFloat(c *Ctx) {
	key := c.Args[1]
	e, ok := c.lookupWrite(key, keyspace.TypeString)
	if !ok {
		return
	}
	cur := LongDoubleFromInt(0)
	if e != nil {
		if cur, ok = ParseLongDouble(e.Str()); !ok {
			c.Error(ErrNotFloat)
			return
		}
	}
	incr, ok := ParseLongDouble(c.Args[2])
	if !ok {
		c.Error(ErrNotFloat)
		return
	}
	sum, ok := cur.Add(incr)
	if !ok {
		c.Error(ErrNaNOrInf)
		return
	}
	val := []byte(sum.Format())
	if e == nil {
		e = c.DB.AddString(key, val)
	}
	c.DB.UpdateString(e, val, keyspace.EncNoInt)
	c.Changed(key)
	c.Notify(NotifyString, "incrbyfloat", key)
	c.W.Bulk(val)
	// Propagate the result, so that float formatting differences between
	// machines cannot make a replayed AOF diverge.
	c.Rewrite(argSET, key, val, argKEEPTTL)
}

func cmdGetRange(c *Ctx) {
	start, ok := c.intArg(2)
	if !ok {
		return
	}
	end, ok := c.intArg(3)
	if !ok {
		return
	}
	e, ok := c.lookupRead(c.Args[1], keyspace.TypeString)
	if !ok {
		return
	}
	if e == nil || (start < 0 && end < 0 && start > end) {
		c.W.BulkString("")
		return
	}
	s := e.Str()
	n := int64(len(s))
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start = max(start, 0)
	end = max(end, 0)
	if end >= n {
		end = n - 1
	}
	if start > end || n == 0 {
		c.W.BulkString("")
		return
	}
	c.W.Bulk(s[start : end+1])
}

func cmdSetRange(c *Ctx) {
	key, val := c.Args[1], c.Args[3]
	off, ok := c.intArg(2)
	if !ok {
		return
	}
	if off < 0 {
		c.Error(ErrOffset)
		return
	}
	e, ok := c.lookupWrite(key, keyspace.TypeString)
	if !ok {
		return
	}
	cur := 0
	if e != nil {
		cur = len(e.Str())
	}
	if len(val) == 0 {
		c.W.Int(int64(cur))
		return
	}
	// Written as a subtraction: off+len(val) overflows for offsets near
	// 2^63 and would pass the check (Redis's checkStringLength).
	if off > c.Env.Limits().ProtoMaxBulkLen-int64(len(val)) {
		c.Error(ErrStringTooLong)
		return
	}
	size := max(cur, int(off)+len(val))
	buf := make([]byte, size)
	if e != nil {
		copy(buf, e.Str())
	}
	copy(buf[off:], val)
	if e == nil {
		e = c.DB.AddString(key, buf)
	}
	c.DB.UpdateString(e, buf, keyspace.EncRaw)
	c.Changed(key)
	c.Notify(NotifyString, "setrange", key)
	c.W.Int(int64(size))
}

package command

import (
	"fmt"
	"math"
	"strconv"

	"github.com/vestadb/vesta/internal/glob"
	"github.com/vestadb/vesta/internal/keyspace"
)

// Generic keyspace commands: DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, expiry…

func registerKeys(t *Table) {
	t.Define("del", func(c *Ctx) { delGeneric(c, c.Env.Limits().LazyfreeLazyUserDel) })
	t.Define("unlink", func(c *Ctx) { delGeneric(c, true) })
	t.Define("exists", cmdExists)
	t.Define("touch", cmdTouch)
	t.Define("type", cmdType)
	t.Define("keys", cmdKeys)
	t.Define("scan", cmdScan)
	t.Define("randomkey", cmdRandomKey)
	t.Define("rename", func(c *Ctx) { renameGeneric(c, false) })
	t.Define("renamenx", func(c *Ctx) { renameGeneric(c, true) })
	t.Define("move", cmdMove)
	t.Define("copy", cmdCopy)
	t.Define("expire", func(c *Ctx) { expireGeneric(c, c.KS.Now, unitSeconds) })
	t.Define("pexpire", func(c *Ctx) { expireGeneric(c, c.KS.Now, unitMillis) })
	t.Define("expireat", func(c *Ctx) { expireGeneric(c, 0, unitSeconds) })
	t.Define("pexpireat", func(c *Ctx) { expireGeneric(c, 0, unitMillis) })
	t.Define("ttl", func(c *Ctx) { ttlGeneric(c, false, false) })
	t.Define("pttl", func(c *Ctx) { ttlGeneric(c, true, false) })
	t.Define("expiretime", func(c *Ctx) { ttlGeneric(c, false, true) })
	t.Define("pexpiretime", func(c *Ctx) { ttlGeneric(c, true, true) })
	t.Define("persist", cmdPersist)
	t.Define("object|encoding", cmdObjectEncoding)
	t.Define("object|refcount", cmdObjectRefcount)
	t.Define("object|idletime", cmdObjectIdletime)
	t.Define("object|freq", cmdObjectFreq)
	t.Define("object|help", cmdObjectHelp)
}

// delGeneric deletes keys; lazy only changes how the command is named in
// Redis (memory is freed by the garbage collector either way).
func delGeneric(c *Ctx, lazy bool) {
	n := 0
	for _, key := range c.Args[1:] {
		if c.DB.Delete(key) {
			c.Changed(key)
			c.Notify(NotifyGeneric, "del", key)
			n++
		}
	}
	c.W.Int(int64(n))
}

func cmdExists(c *Ctx) {
	n := 0
	for _, key := range c.Args[1:] {
		if c.peekRead(key) != nil {
			n++
		}
	}
	c.W.Int(int64(n))
}

func cmdTouch(c *Ctx) {
	n := 0
	for _, key := range c.Args[1:] {
		if c.DB.Lookup(key) != nil {
			n++
		}
	}
	c.W.Int(int64(n))
}

func cmdType(c *Ctx) {
	e := c.peekRead(c.Args[1])
	if e == nil {
		c.W.Simple("none")
		return
	}
	c.W.Simple(e.Type().String())
}

func cmdKeys(c *Ctx) {
	pattern := c.Args[1]
	all := len(pattern) == 1 && pattern[0] == '*'
	d := c.W.Defer()
	n := 0
	c.DB.Each(func(e *keyspace.Entry) bool {
		if (all || glob.Match(pattern, e.Key(), false)) && !c.DB.IsExpired(e) {
			c.W.Bulk(e.Key())
			n++
		}
		return true
	})
	c.W.ArrayAt(d, n)
}

// parseCursor parses a SCAN cursor the way strtoul does: an optional sign,
// decimal digits, nothing else; a leading space is refused.
func parseCursor(b []byte) (uint64, bool) {
	if len(b) > 0 && isCSpace(b[0]) {
		return 0, false
	}
	neg := false
	s := b
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, len(b) == 0 // strtoul("") parses nothing, leaving no junk
	}
	v, err := strconv.ParseUint(string(s), 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// scanOptions are SCAN/SSCAN/HSCAN/ZSCAN's MATCH, COUNT and TYPE.
type scanOptions struct {
	count   int64
	pattern []byte
	typ     []byte
}

// parseScanOptions parses options starting at args[from]. withType allows
// TYPE (SCAN only).
func parseScanOptions(c *Ctx, from int, withType bool) (scanOptions, bool) {
	o := scanOptions{count: 10}
	for i := from; i < len(c.Args); i += 2 {
		rest := len(c.Args) - i - 1
		switch {
		case eq(c.Args[i], "COUNT") && rest >= 1:
			n, ok := ParseInt(c.Args[i+1])
			if !ok {
				c.Error(ErrNotInt)
				return o, false
			}
			if n < 1 {
				c.SyntaxError()
				return o, false
			}
			o.count = n
		case eq(c.Args[i], "MATCH") && rest >= 1:
			o.pattern = c.Args[i+1]
			if len(o.pattern) == 1 && o.pattern[0] == '*' {
				o.pattern = nil
			}
		case withType && eq(c.Args[i], "TYPE") && rest >= 1:
			o.typ = c.Args[i+1]
		default:
			c.SyntaxError()
			return o, false
		}
	}
	return o, true
}

func cmdScan(c *Ctx) {
	cursor, ok := parseCursor(c.Args[1])
	if !ok {
		c.Error("ERR invalid cursor")
		return
	}
	o, ok := parseScanOptions(c, 2, true)
	if !ok {
		return
	}
	var keys [][]byte
	maxIter := o.count * 10
	for {
		cursor = c.DB.Scan(cursor, func(e *keyspace.Entry) {
			keys = append(keys, copyBytes(e.Key()))
		})
		maxIter--
		if cursor == 0 || maxIter <= 0 || int64(len(keys)) >= o.count {
			break
		}
	}
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(cursor, 10))
	d := c.W.Defer()
	n := 0
	for _, k := range keys {
		if o.pattern != nil && !glob.Match(o.pattern, k, false) {
			continue
		}
		e := c.DB.Peek(k) // deletes the key if it expired
		if e == nil {
			continue
		}
		if o.typ != nil && !EqFold(o.typ, e.Type().String()) {
			continue
		}
		c.W.Bulk(k)
		n++
	}
	c.W.ArrayAt(d, n)
}

// EqFold reports whether a equals b, ignoring ASCII case.
func EqFold(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func cmdRandomKey(c *Ctx) {
	e := c.DB.Random()
	if e == nil {
		c.W.Null()
		return
	}
	c.W.Bulk(e.Key())
}

// moveEntry adds key to dst with src's value and TTL; the caller removes
// the source.
func moveEntry(dst *keyspace.DB, key []byte, srcDB *keyspace.DB, src *keyspace.Entry, clone bool) {
	obj := src.Obj()
	if obj != nil && clone {
		obj = obj.Clone()
	}
	at := srcDB.ExpireAt(src)
	e := dst.AddValueOf(key, src, obj)
	if at != -1 {
		dst.SetExpire(e, at)
	}
}

func renameGeneric(c *Ctx, nx bool) {
	src, dst := c.Args[1], c.Args[2]
	e := c.DB.LookupWrite(src)
	if e == nil {
		c.Error(ErrNoSuchKey)
		return
	}
	if string(src) == string(dst) {
		if nx {
			c.W.Int(0)
		} else {
			c.W.OK()
		}
		return
	}
	if c.DB.LookupWrite(dst) != nil {
		if nx {
			c.W.Int(0)
			return
		}
		c.DB.Unlink(dst)
	}
	e = c.DB.Find(src) // the lookup of dst may have moved buckets, not entries
	moveEntry(c.DB, dst, c.DB, e, false)
	c.DB.Unlink(src)
	c.DB.Signal(src)
	c.DB.Signal(dst)
	c.Notify(NotifyGeneric, "rename_from", src)
	c.Notify(NotifyGeneric, "rename_to", dst)
	c.Dirty(1)
	if nx {
		c.W.Int(1)
	} else {
		c.W.OK()
	}
}

// dbArg parses a database number argument.
func dbArg(c *Ctx, i int) (*keyspace.DB, bool) {
	n, ok := c.Int32Arg(i)
	if !ok {
		return nil, false
	}
	if n < 0 || n >= int64(len(c.KS.DBs)) {
		c.Error(ErrDBIndex)
		return nil, false
	}
	return c.KS.DBs[n], true
}

func cmdMove(c *Ctx) {
	key := c.Args[1]
	dst, ok := dbArg(c, 2)
	if !ok {
		return
	}
	if dst == c.DB {
		c.Error(ErrSameObject)
		return
	}
	e := c.DB.LookupWrite(key)
	if e == nil || dst.LookupWrite(key) != nil {
		c.W.Int(0)
		return
	}
	moveEntry(dst, key, c.DB, e, false)
	c.DB.Unlink(key)
	c.DB.Signal(key)
	dst.Signal(key)
	c.Notify(NotifyGeneric, "move_from", key)
	c.NotifyIn(dst.ID, NotifyGeneric, "move_to", key)
	c.Dirty(1)
	c.W.Int(1)
}

func cmdCopy(c *Ctx) {
	dst := c.DB
	replace := false
	for i := 3; i < len(c.Args); i++ {
		switch {
		case eq(c.Args[i], "REPLACE"):
			replace = true
		case eq(c.Args[i], "DB") && i+1 < len(c.Args):
			db, ok := dbArg(c, i+1)
			if !ok {
				return
			}
			dst = db
			i++
		default:
			c.SyntaxError()
			return
		}
	}
	key, newKey := c.Args[1], c.Args[2]
	if dst == c.DB && string(key) == string(newKey) {
		c.Error(ErrSameObject)
		return
	}
	e := c.DB.Lookup(key)
	if e == nil {
		c.W.Int(0)
		return
	}
	if dst.LookupWrite(newKey) != nil {
		if !replace {
			c.W.Int(0)
			return
		}
		dst.Unlink(newKey)
	}
	e = c.DB.Find(key)
	moveEntry(dst, newKey, c.DB, e, true)
	dst.Signal(newKey)
	c.NotifyIn(dst.ID, NotifyGeneric, "copy_to", newKey)
	c.Dirty(1)
	c.W.Int(1)
}

// Options of the EXPIRE family.
const (
	expNX = 1 << iota
	expXX
	expGT
	expLT
)

func expireGeneric(c *Ctx, base int64, unit int) {
	key := c.Args[2-1]
	flags := 0
	for _, a := range c.Args[3:] {
		switch {
		case eq(a, "NX"):
			flags |= expNX
		case eq(a, "XX"):
			flags |= expXX
		case eq(a, "GT"):
			flags |= expGT
		case eq(a, "LT"):
			flags |= expLT
		default:
			c.Error(fmt.Sprintf("ERR Unsupported option %s", a))
			return
		}
	}
	if flags&expNX != 0 && flags&(expXX|expGT|expLT) != 0 {
		c.Error("ERR NX and XX, GT or LT options at the same time are not compatible")
		return
	}
	if flags&expGT != 0 && flags&expLT != 0 {
		c.Error("ERR GT and LT options at the same time are not compatible")
		return
	}
	when, ok := c.intArg(2)
	if !ok {
		return
	}
	invalid := func() { c.Error(fmt.Sprintf(ErrInvalidExpire, c.Spec.Name)) }
	if unit == unitSeconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			invalid()
			return
		}
		when *= 1000
	}
	if when > math.MaxInt64-base {
		invalid()
		return
	}
	when += base
	e := c.DB.LookupWrite(key)
	if e == nil {
		c.W.Int(0)
		return
	}
	if flags != 0 {
		cur := c.DB.ExpireAt(e)
		if (flags&expNX != 0 && cur != -1) ||
			(flags&expXX != 0 && cur == -1) ||
			(flags&expGT != 0 && (when <= cur || cur == -1)) ||
			(flags&expLT != 0 && cur != -1 && when >= cur) {
			c.W.Int(0)
			return
		}
	}
	if when <= c.KS.Now && !c.KS.Loading {
		c.DB.Unlink(key)
		c.Changed(key)
		c.Notify(NotifyGeneric, "del", key)
		c.Rewrite(c.delArg(c.Env.Limits().LazyfreeLazyExpire), key)
		c.W.Int(1)
		return
	}
	c.DB.SetExpire(e, when)
	c.Notify(NotifyGeneric, "expire", key)
	c.W.Int(1)
	if c.Spec.Name != "pexpireat" || base != 0 || unit == unitSeconds {
		args := append([][]byte{argPEXPIREAT, key, itob(when)}, c.Args[3:]...)
		c.Rewrite(args...)
	}
	c.Changed(key)
}

func ttlGeneric(c *Ctx, ms, abs bool) {
	e := c.peekRead(c.Args[1])
	if e == nil {
		c.W.Int(-2)
		return
	}
	at := c.DB.ExpireAt(e)
	if at == -1 {
		c.W.Int(-1)
		return
	}
	ttl := at
	if !abs {
		ttl = at - c.KS.Now
	}
	ttl = max(ttl, 0)
	if !ms {
		// Rounded to the nearest second; unsigned so that a TTL near the
		// int64 limit does not wrap (Redis prints 9223372036854776 for
		// PXAT 9223372036854775807).
		ttl = int64((uint64(ttl) + 500) / 1000)
	}
	c.W.Int(ttl)
}

func cmdPersist(c *Ctx) {
	e := c.DB.LookupWrite(c.Args[1])
	if e == nil || !c.DB.Persist(e) {
		c.W.Int(0)
		return
	}
	c.Changed(c.Args[1])
	c.Notify(NotifyGeneric, "persist", c.Args[1])
	c.W.Int(1)
}

// StringEncoding is the OBJECT ENCODING of a string entry: "int" when the
// value is a canonical integer of at most 20 characters, "embstr" up to 44
// bytes, "raw" above or after in-place modification.
func StringEncoding(e *keyspace.Entry) string {
	s := e.Str()
	if !e.RawString() && !e.NoIntString() && len(s) <= 20 {
		if _, ok := ParseInt(s); ok {
			return "int"
		}
	}
	if !e.RawString() && len(s) <= 44 {
		return "embstr"
	}
	return "raw"
}

func objectTarget(c *Ctx) *keyspace.Entry {
	e := c.DB.Peek(c.Args[2])
	if e == nil {
		c.W.Null()
	}
	return e
}

func cmdObjectEncoding(c *Ctx) {
	if e := objectTarget(c); e != nil {
		if e.Type() == keyspace.TypeString {
			c.W.BulkString(StringEncoding(e))
		} else {
			c.W.BulkString(e.Obj().Encoding())
		}
	}
}

func cmdObjectRefcount(c *Ctx) {
	e := objectTarget(c)
	if e == nil {
		return
	}
	// Redis shares the objects of the integers 0..9999.
	if e.Type() == keyspace.TypeString && StringEncoding(e) == "int" {
		if n, _ := ParseInt(e.Str()); n >= 0 && n < 10000 {
			c.W.Int(math.MaxInt32)
			return
		}
	}
	c.W.Int(1)
}

// IdleSeconds estimates how long ago e was accessed, from the 24-bit LRU
// clocks, like Redis's estimateObjectIdleTime.
func IdleSeconds(now uint32, e *keyspace.Entry) int64 {
	const max = 1<<24 - 1
	lru := e.LRU()
	if now >= lru {
		return int64(now - lru)
	}
	return int64(now) + int64(max-lru)
}

func cmdObjectIdletime(c *Ctx) {
	if e := objectTarget(c); e != nil {
		if c.KS.Access.LFU {
			c.Error("ERR An LFU maxmemory policy is selected, idle time not tracked. " +
				"Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
			return
		}
		c.W.Int(IdleSeconds(c.KS.LRUClock, e))
	}
}

func cmdObjectFreq(c *Ctx) {
	if e := objectTarget(c); e != nil {
		if !c.KS.Access.LFU {
			c.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. " +
				"Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
			return
		}
		c.W.Int(int64(c.KS.LFUCounter(e)))
	}
}

func cmdObjectHelp(c *Ctx) {
	ReplyHelp(c, "OBJECT", []string{
		"ENCODING <key>",
		"    Return the internal encoding of the value stored at <key>.",
		"FREQ <key>",
		"    Return the access frequency of <key> (needs an LFU maxmemory-policy).",
		"IDLETIME <key>",
		"    Return the seconds since <key> was last read or written.",
		"REFCOUNT <key>",
		"    Return how many references the value of <key> has.",
	})
}

// ReplyHelp replies with the help lines of a container command, framed the
// way Redis frames them (a header line and a trailing HELP entry).
func ReplyHelp(c *Ctx, name string, lines []string) {
	c.W.Array(len(lines) + 3)
	c.W.Simple(name + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.W.Simple(l)
	}
	c.W.Simple("HELP")
	c.W.Simple("    Prints this help.")
}

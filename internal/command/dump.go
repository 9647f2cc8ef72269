package command

import (
	"encoding/binary"
	"errors"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/types/hash"
	"github.com/vestadb/vesta/internal/types/zset"
)

// DUMP key and RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s]
// [FREQ f], with Redis 7.0's payload:
//
//	<value type> <value as the RDB writer encodes it after a key>
//	<RDB version, 2 bytes LE (10)> <CRC64 of everything before, 8 bytes LE>
//
// so payloads move between Vesta and Redis in both directions. RESTORE
// checks the version and the CRC, then decodes and validates the value in
// full whatever sanitize-dump-payload says (Redis checks listpacks and
// intsets deeply only with "yes", or "clients"): a corrupt payload is
// refused with "Bad data format", as are stream and module values, which
// Vesta does not hold. A relative TTL is propagated as an absolute one with
// ABSTTL appended; a TTL already in the past stores nothing (and deletes the
// key REPLACE removed, propagated as DEL). IDLETIME sets the LRU idle time;
// FREQ is accepted and ignored, since Vesta has no LFU policy (Redis
// ignores it too unless maxmemory-policy is an LFU one).

func registerDump(t *Table) {
	t.Define("dump", cmdDump)
	t.Define("restore", cmdRestore)
}

// dumpVersion is the RDB version DUMP writes and the highest RESTORE
// accepts.
const dumpVersion = rdb.Version

// DumpPayload returns the DUMP payload of e's value, compressing strings if
// compress (rdbcompression).
func DumpPayload(e *keyspace.Entry, compress bool) ([]byte, error) {
	enc := rdb.NewEncoder(compress)
	if err := persist.EncodeValue(enc, e); err != nil {
		return nil, err
	}
	b := enc.Take()
	b = binary.LittleEndian.AppendUint16(b, dumpVersion)
	return binary.LittleEndian.AppendUint64(b, rdb.CRC64(0, b)), nil
}

func cmdDump(c *Ctx) {
	e := c.DB.Lookup(c.Args[1])
	if e == nil {
		c.W.Null()
		return
	}
	p, err := DumpPayload(e, c.Env.Limits().RDBCompression)
	if err != nil {
		c.Error("ERR " + err.Error())
		return
	}
	c.W.Bulk(p)
}

// errDumpPayload reports a payload whose version or CRC is wrong.
var errDumpPayload = errors.New(ErrDumpPayload)

// checkDumpPayload verifies the footer of a DUMP payload: a version Vesta
// can read and a matching CRC64.
func checkDumpPayload(p []byte) error {
	if len(p) < 10 {
		return errDumpPayload
	}
	footer := p[len(p)-10:]
	if binary.LittleEndian.Uint16(footer) > dumpVersion {
		return errDumpPayload
	}
	if rdb.CRC64(0, p[:len(p)-8]) != binary.LittleEndian.Uint64(footer[2:]) {
		return errDumpPayload
	}
	return nil
}

// DecodeDumpPayload checks a DUMP payload and decodes its value into what
// the keyspace stores: the string (obj nil), or the object built with the
// limits. Any problem with the value itself is reported as an error
// wrapping rdb.ErrCorrupt or rdb.ErrUnsupportedType; a wrong footer as
// one whose text is ErrDumpPayload.
func DecodeDumpPayload(p []byte, l *Limits) (str []byte, obj keyspace.Object, err error) {
	if err := checkDumpPayload(p); err != nil {
		return nil, nil, err
	}
	// The value is decoded from the whole payload, footer included, as
	// Redis does: a value that overruns its end reads the footer bytes.
	k, _, err := rdb.DecodeValue(p)
	if err != nil {
		return nil, nil, err
	}
	if k.Type == rdb.TypeString {
		return k.Value.Str, nil, nil
	}
	obj, err = LoadRDBObject(l)(k)
	if err != nil {
		return nil, nil, err
	}
	if obj == nil {
		return nil, nil, errEmptyValue
	}
	return nil, obj, nil
}

// errEmptyValue reports an empty collection, which Redis refuses to
// restore.
var errEmptyValue = errors.New("rdb: empty collection")

// restoreOptions are RESTORE's optional arguments.
type restoreOptions struct {
	replace, absTTL bool
	idle, freq      int64 // -1 when not given
}

func parseRestore(c *Ctx) (o restoreOptions, ok bool) {
	o.idle, o.freq = -1, -1
	for j := 4; j < len(c.Args); j++ {
		more := len(c.Args) - j - 1
		switch a := c.Args[j]; {
		case EqFold(a, "replace"):
			o.replace = true
		case EqFold(a, "absttl"):
			o.absTTL = true
		case EqFold(a, "idletime") && more >= 1 && o.freq == -1:
			if o.idle, ok = c.intArg(j + 1); !ok {
				return o, false
			}
			if o.idle < 0 {
				c.Error(ErrRestoreIdle)
				return o, false
			}
			j++
		case EqFold(a, "freq") && more >= 1 && o.idle == -1:
			if o.freq, ok = c.intArg(j + 1); !ok {
				return o, false
			}
			if o.freq < 0 || o.freq > 255 {
				c.Error(ErrRestoreFreq)
				return o, false
			}
			j++
		default:
			c.SyntaxError()
			return o, false
		}
	}
	return o, true
}

func cmdRestore(c *Ctx) {
	o, ok := parseRestore(c)
	if !ok {
		return
	}
	key := c.Args[1]
	if !o.replace && c.DB.LookupWrite(key) != nil {
		c.Error(ErrBusyKey)
		return
	}
	ttl, ok := c.intArg(2)
	if !ok {
		return
	}
	if ttl < 0 {
		c.Error(ErrRestoreTTL)
		return
	}
	str, obj, err := DecodeDumpPayload(c.Args[3], c.Env.Limits())
	switch {
	case errors.Is(err, errDumpPayload):
		c.Error(ErrDumpPayload)
		return
	case err != nil:
		c.Error(ErrBadDataFormat)
		return
	}
	// REPLACE removes the key whatever its TTL says.
	deleted := false
	if o.replace && c.DB.Find(key) != nil {
		c.DB.Unlink(key)
		deleted = true
	}
	if ttl != 0 && !o.absTTL {
		ttl += c.KS.Now // wraps for huge TTLs, which then count as past
	}
	if ttl != 0 && ttl <= c.KS.Now && !c.KS.Loading {
		if deleted {
			c.Changed(key)
			c.Notify(NotifyGeneric, "del", key)
			c.Rewrite(argDEL, key)
		}
		c.W.OK()
		return
	}
	var e *keyspace.Entry
	if obj == nil {
		e = c.DB.AddString(key, str)
	} else {
		e = c.DB.Add(key, obj)
	}
	if ttl != 0 {
		c.DB.SetExpire(e, ttl)
		if !o.absTTL {
			args := append([][]byte{}, c.Args...)
			args[2] = itob(ttl)
			c.Rewrite(append(args, argABSTTL)...)
		}
	}
	// Like Redis's objectSetLRUOrLFU: FREQ counts under an LFU policy,
	// IDLETIME under any other.
	if c.KS.Access.LFU {
		if o.freq >= 0 {
			c.KS.SetLFU(e, uint8(o.freq))
		}
	} else if o.idle >= 0 {
		e.SetLRU(lruMinusIdle(c.KS.LRUClock, o.idle))
	}
	c.Changed(key)
	c.Notify(NotifyGeneric, "restore", key)
	c.W.OK()
}

var argABSTTL = []byte("ABSTTL")

// lruMinusIdle is the LRU clock value of an object idle for idle seconds,
// wrapped into the 24-bit clock as Redis stores it. Redis scales the idle
// time to its clock resolution (×1000/1000 ms), which wraps for idle times
// above about 9.2e15 s; so does this.
func lruMinusIdle(clock uint32, idle int64) uint32 {
	const clockMax = 1<<24 - 1
	idle = idle * 1000 / 1000
	lru := int64(clock) - idle
	if lru < 0 {
		lru += clockMax
	}
	return uint32(lru) & clockMax
}

// LoadRDBObject returns the loader of collection values (RDB files, AOF
// bases, RESTORE) with the encoding thresholds *l holds when it runs.
func LoadRDBObject(l *Limits) persist.ObjectLoader {
	return func(k *rdb.Key) (keyspace.Object, error) {
		return persist.DecodeObject(k, persist.Limits{
			Hash:                hash.Limits{MaxEntries: l.HashMaxListpackEntries, MaxValue: l.HashMaxListpackValue},
			SetMaxIntsetEntries: l.SetMaxIntsetEntries,
			ListFill:            l.ListMaxListpackSize,
			ListCompressDepth:   l.ListCompressDepth,
			ZSet:                zsetLimits(l),
		})
	}
}

// zsetLimits are the sorted-set encoding thresholds of l.
func zsetLimits(l *Limits) zset.Limits {
	return zset.Limits{MaxListpackEntries: l.ZSetMaxListpackEntries, MaxListpackValue: l.ZSetMaxListpackValue}
}

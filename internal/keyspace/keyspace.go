package keyspace

import (
	"math/rand/v2"
	"time"
)

// Hooks are the keyspace events the server reacts to. All run under the
// server lock, synchronously.
type Hooks struct {
	// Expired runs after a key was deleted because its TTL passed, lazily
	// or by the active cycle: the server counts it and propagates DEL.
	Expired func(db *DB, key []byte)
	// Modified runs when a command signals that it changed key (Redis's
	// signalModifiedKey): WATCH invalidation, blocked-client wakeups.
	Modified func(db *DB, key []byte)
	// Added runs when a key is created (Redis's dbAdd, which signals the
	// key as ready for clients blocked on it).
	Added func(db *DB, key []byte)
	// Flushed runs when a whole database was emptied or swapped.
	Flushed func(db *DB)
	// Notify publishes a keyspace notification (event of class about key
	// in db). It runs only for the classes set in Keyspace.Notify.
	Notify func(db *DB, class int, event string, key []byte)
}

// Keyspace is the whole dataset: the databases and the state shared by them.
type Keyspace struct {
	DBs   []*DB
	Hooks Hooks
	// Notify is the mask of keyspace notification classes that are on
	// (config.NotifyFlags bits), zero when notifications are off.
	Notify int

	// Now is the time, in unix ms, that commands see; the server sets it
	// before each command so that one command sees one instant.
	Now int64
	// Loading disables expiry while a file is being replayed, as in Redis.
	Loading bool
	// Replica is set while the server replicates a master: a key whose
	// TTL passed is hidden from reads but not deleted (the master's DEL
	// deletes it), as Redis's expireIfNeeded does on a replica. A write
	// command's lookup (LookupWrite) still deletes it.
	Replica bool
	// MasterExec is set while a command of the master's stream runs: no
	// key is expired for it, so it applies to what the master saw.
	MasterExec bool
	// KeepExpired is set while clients are paused (CLIENT PAUSE): reads
	// see an expired key as gone but do not delete it, so the dataset
	// stays still, as in Redis. Writes still delete (none run while
	// writes are paused).
	KeepExpired bool
	// LRUClock is the current 24-bit LRU clock (seconds).
	LRUClock uint32
	// Access says how entries' access clocks are kept (LRU or LFU).
	Access Access
	// Dirty counts changes since the last successful save.
	Dirty int64

	epoch uint32    // last snapshot cut handed out
	snap  *Snapshot // the running snapshot, if any
	rnd   *rand.Rand

	Stats Stats
}

// Stats are counters reported by INFO.
type Stats struct {
	KeyspaceHits        int64
	KeyspaceMisses      int64
	ExpiredKeys         int64
	ExpiredStalePerc    float64
	ExpiredTimeCapCount int64
	ExpireCycleMicros   int64 // time spent in active expiry (INFO expire_cycle_cpu_milliseconds)
}

// DB is a numbered database. Its Dict can be replaced (FLUSHDB) or swapped
// with another DB's (SWAPDB).
type DB struct {
	ID int
	*Dict
	ks     *Keyspace
	AvgTTL int64 // estimated by the active expiry cycle, in ms
}

// New returns a keyspace with n empty databases.
func New(n int) *Keyspace {
	ks := &Keyspace{rnd: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
	// The LRU clock runs from the start: keys loaded before the server's
	// first tick must not look idle since 1970.
	ks.LRUClock = uint32(time.Now().Unix()) & lruMask
	ks.DBs = make([]*DB, n)
	for i := range ks.DBs {
		ks.DBs[i] = &DB{ID: i, Dict: NewDict(), ks: ks}
	}
	return ks
}

// Rand returns a random number in [0, n).
func (ks *Keyspace) Rand(n uint64) uint64 { return ks.rnd.Uint64N(n) }

// Keyspace returns the keyspace the DB belongs to.
func (db *DB) Keyspace() *Keyspace { return db.ks }

// expired reports whether e has expired (never while loading).
func (db *DB) expired(e *Entry) bool {
	return e.ttl != 0 && !db.ks.Loading && !db.ks.MasterExec && db.expires[e.ttl-1].at <= db.ks.Now
}

// expireRead handles an expired key met by a read: deleted, except on a
// replica where it is only hidden, and during a client pause (KeepExpired).
func (db *DB) expireRead(key []byte) {
	if !db.ks.Replica && !db.ks.KeepExpired {
		db.expire(key)
	}
}

// Lookup returns the live entry for key, deleting it first if it expired.
// It stamps the entry's LRU clock and counts a keyspace hit or miss.
func (db *DB) Lookup(key []byte) *Entry {
	e := db.lookup(key)
	if e == nil {
		db.ks.Stats.KeyspaceMisses++
		db.notify(NotifyKeyMiss, "keymiss", key)
	} else {
		db.ks.Stats.KeyspaceHits++
	}
	return e
}

func (db *DB) lookup(key []byte) *Entry {
	e := db.Find(key)
	if e == nil {
		return nil
	}
	if db.expired(e) {
		db.expireRead(key)
		return nil
	}
	db.ks.accessed(e)
	return e
}

// Peek is Lookup without touching the LRU clock (OBJECT, TYPE-less probes).
func (db *DB) Peek(key []byte) *Entry {
	e := db.Find(key)
	if e != nil && db.expired(e) {
		db.expireRead(key)
		return nil
	}
	return e
}

// IsExpired reports whether e's TTL has passed (used by commands that must
// not delete, such as SCAN filtering in the middle of an iteration).
func (db *DB) IsExpired(e *Entry) bool { return db.expired(e) }

// LookupWrite is Lookup for a command that will modify the value or TTL in
// place: a running snapshot gets the old contents first. It walks the
// table once.
func (db *DB) LookupWrite(key []byte) *Entry {
	if db.Len() == 0 {
		return nil
	}
	t, idx, e := db.locate(key, hashKey(key))
	if e == nil {
		return nil
	}
	if db.expired(e) {
		db.expire(key)
		return nil
	}
	db.touch(t, idx)
	db.ks.accessed(e)
	return e
}

// SetStringAt sets key to a string value, where e is what LookupWrite
// returned for key (nil when absent): an existing entry is updated in place
// without walking the table again. Unless keepTTL, any TTL is removed.
func (db *DB) SetStringAt(e *Entry, key, val []byte, keepTTL bool) *Entry {
	if e == nil {
		e = newStringEntry(key, val)
		db.ks.stampNew(e)
		db.add(e)
		return e
	}
	e.setString(val)
	if !keepTTL && e.ttl != 0 {
		db.dropTTL(e)
	}
	return e
}

// expire deletes an expired key and reports it through the Expired hook.
func (db *DB) expire(key []byte) {
	k := append([]byte(nil), key...) // key may alias the entry being freed
	db.remove(k)
	db.expired1(k)
}

// expired1 does the bookkeeping of a key deleted because it expired.
func (db *DB) expired1(k []byte) {
	db.ks.Stats.ExpiredKeys++
	db.notify(NotifyExpired, "expired", k)
	if h := db.ks.Hooks.Expired; h != nil {
		h(db, k)
	}
	if h := db.ks.Hooks.Modified; h != nil {
		h(db, k)
	}
}

// SetString sets key to a string value. Unless keepTTL, any TTL is removed.
// It returns the entry.
func (db *DB) SetString(key, val []byte, keepTTL bool) *Entry {
	e := db.FindForWrite(key)
	if e == nil {
		e = newStringEntry(key, val)
		db.ks.stampNew(e)
		db.add(e)
		return e
	}
	e.setString(val)
	db.ks.accessed(e)
	if !keepTTL && e.ttl != 0 {
		db.dropTTL(e)
	}
	return e
}

// StrEnc says how OBJECT ENCODING should see a string a command made.
type StrEnc uint8

// String encodings as Redis would have chosen them.
const (
	EncAuto  StrEnc = iota // int, embstr or raw by content (tryObjectEncoding)
	EncNoInt               // embstr or raw by length, never int (INCRBYFLOAT)
	EncRaw                 // raw (APPEND, SETRANGE, SETBIT…)
)

// UpdateString replaces the value of an existing string entry in place,
// keeping its TTL (INCR, APPEND, SETRANGE). The entry must come from
// LookupWrite or have just been added.
func (db *DB) UpdateString(e *Entry, val []byte, enc StrEnc) {
	e.setString(val)
	switch enc {
	case EncRaw:
		e.meta |= flagRaw
	case EncNoInt:
		e.meta |= flagNoInt
	}
}

// SetObject sets key to a non-string value, replacing any value and, unless
// keepTTL, its TTL.
func (db *DB) SetObject(key []byte, obj Object, keepTTL bool) *Entry {
	e := db.FindForWrite(key)
	if e == nil {
		e = newObjectEntry(key, obj)
		db.ks.stampNew(e)
		db.add(e)
		return e
	}
	e.setObj(obj)
	if !keepTTL && e.ttl != 0 {
		db.dropTTL(e)
	}
	return e
}

// Add inserts a key that the caller knows is absent (after a failed Lookup).
func (db *DB) Add(key []byte, obj Object) *Entry {
	var e *Entry
	if obj == nil {
		e = newStringEntry(key, nil)
	} else {
		e = newObjectEntry(key, obj)
	}
	db.ks.stampNew(e)
	db.add(e)
	return e
}

// TryAddString inserts a string key unless it exists; it reports false
// (and leaves the existing key) if it does.
func (db *DB) TryAddString(key, val []byte) bool {
	if db.Find(key) != nil {
		return false
	}
	db.AddString(key, val)
	return true
}

// AddString inserts a string key that the caller knows is absent.
func (db *DB) AddString(key, val []byte) *Entry {
	e := newStringEntry(key, val)
	db.ks.stampNew(e)
	db.add(e)
	return e
}

// AddValueOf inserts key, which the caller knows is absent, with the value
// of src. Non-string values are shared, not copied: callers either remove src
// (RENAME, MOVE) or pass a clone.
func (db *DB) AddValueOf(key []byte, src *Entry, obj Object) *Entry {
	var e *Entry
	if src.Type() == TypeString {
		e = newStringEntry(key, src.Str())
		e.meta |= src.meta & (flagRaw | flagNoInt)
	} else {
		e = newObjectEntry(key, obj)
	}
	db.ks.stampNew(e)
	db.add(e)
	return e
}

// Delete removes key and reports whether it existed (expired keys count as
// absent, and are deleted as expired).
func (db *DB) Delete(key []byte) bool {
	e, at := db.removeTTL(key) // one walk of the table
	if e == nil {
		return false
	}
	if at != -1 && !db.ks.Loading && at <= db.ks.Now {
		// It had expired: what happened is an expiry, not a deletion.
		db.expired1(e.Key())
		return false
	}
	return true
}

// Unlink removes key regardless of its TTL and returns the removed entry.
func (db *DB) Unlink(key []byte) *Entry { return db.remove(key) }

// SetExpire sets the TTL of a live entry obtained from LookupWrite.
func (db *DB) SetExpire(e *Entry, at int64) { db.setTTL(e, at) }

// Persist removes the TTL of an entry obtained from LookupWrite and reports
// whether it had one.
func (db *DB) Persist(e *Entry) bool {
	if e.ttl == 0 {
		return false
	}
	db.dropTTL(e)
	return true
}

// Signal reports that a command changed key (Redis's signalModifiedKey).
func (db *DB) Signal(key []byte) {
	if h := db.ks.Hooks.Modified; h != nil {
		h(db, key)
	}
}

// Flush empties the database. A running snapshot keeps the old Dict.
func (db *DB) Flush() int {
	n := db.Len()
	db.Dict = NewDict()
	db.AvgTTL = 0
	if h := db.ks.Hooks.Flushed; h != nil {
		h(db)
	}
	return n
}

// Swap exchanges the contents of two databases (SWAPDB).
func (ks *Keyspace) Swap(a, b int) {
	da, dbb := ks.DBs[a], ks.DBs[b]
	da.Dict, dbb.Dict = dbb.Dict, da.Dict
	da.AvgTTL, dbb.AvgTTL = dbb.AvgTTL, da.AvgTTL
	if h := ks.Hooks.Flushed; h != nil {
		h(da)
		h(dbb)
	}
}

// Random returns a random live key's entry, or nil. Expired keys it picks
// are deleted on the way, as Redis's RANDOMKEY does.
func (db *DB) Random() *Entry {
	for tries := 0; ; tries++ {
		e := db.Dict.Random(db.ks.Rand)
		if e == nil || !db.expired(e) {
			return e
		}
		if db.ks.Replica {
			// Nothing is deleted on a replica: after enough expired
			// picks, return one anyway, as Redis does.
			if tries >= 100 {
				return e
			}
			continue
		}
		db.expire(e.Key())
	}
}

// Cron does the database housekeeping Redis's serverCron does: it moves
// buckets of resizing tables for at most steps buckets per database and
// starts shrinking sparse tables.
func (ks *Keyspace) Cron(steps int) {
	for _, db := range ks.DBs {
		if !db.ShrinkIfNeeded() {
			db.Rehash(steps)
		}
	}
}

// Reset returns the stats with the counters CONFIG RESETSTAT clears zeroed.
func (s Stats) Reset() Stats {
	return Stats{ExpiredStalePerc: s.ExpiredStalePerc}
}

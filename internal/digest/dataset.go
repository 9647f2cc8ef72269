package digest

import (
	"iter"
)

// Dataset accumulates the DEBUG DIGEST of a whole dataset. The zero value is
// an empty dataset positioned on database 0, ready to use.
//
// Feed it database by database in ascending id order: call DB, then one of
// the key methods for every key of that database, in any order. Keys added
// before the first DB call belong to database 0. A Dataset is not safe for
// concurrent use.
type Dataset struct {
	sum   Sum
	db    uint32  // database the next key belongs to
	mixed bool    // whether db's id is already mixed into sum
	f     *folder // reused for every collection key, made on first use
}

// DB starts database id. The id is mixed into the digest only when the first
// key of the database arrives, exactly as Redis skips empty databases, so DB
// may be called for every database. Calling DB again with the current id is a
// no-op. Ids must not decrease: the digest depends on the order of databases.
func (d *Dataset) DB(id int) {
	if d.mixed && d.db == uint32(id) {
		return
	}
	d.db = uint32(id)
	d.mixed = false
}

// String adds a string key. expireMs is the key's absolute expire time in
// Unix milliseconds, or NoExpire.
func (d *Dataset) String(key, val []byte, expireMs int64) {
	k := d.key(key)
	k.stringValue(val, expireMs)
	d.sum.xor(k[:])
}

// List adds a list key whose elements elems yields from head to tail.
func (d *Dataset) List(key []byte, elems iter.Seq[[]byte], expireMs int64) {
	f := d.folder(key)
	f.list(elems, expireMs)
	d.sum.xor(f.s[:])
}

// Set adds a set key whose members members yields in any order. Integer
// members must be given as their decimal text.
func (d *Dataset) Set(key []byte, members iter.Seq[[]byte], expireMs int64) {
	f := d.folder(key)
	f.set(members, expireMs)
	d.sum.xor(f.s[:])
}

// ZSet adds a sorted set key whose member/score pairs elems yields in any
// order.
func (d *Dataset) ZSet(key []byte, elems iter.Seq2[[]byte, float64], expireMs int64) {
	f := d.folder(key)
	f.zset(elems, expireMs)
	d.sum.xor(f.s[:])
}

// Hash adds a hash key whose field/value pairs pairs yields in any order.
func (d *Dataset) Hash(key []byte, pairs iter.Seq2[[]byte, []byte], expireMs int64) {
	f := d.folder(key)
	f.hash(pairs, expireMs)
	d.sum.xor(f.s[:])
}

// Stream adds a stream key; entries is as for [StreamValue].
func (d *Dataset) Stream(key []byte, entries iter.Seq2[StreamID, [][]byte], expireMs int64) {
	f := d.folder(key)
	f.stream(entries, expireMs)
	d.sum.xor(f.s[:])
}

// Sum returns the digest of everything added so far. It does not change the
// Dataset, so more keys may follow.
func (d *Dataset) Sum() Sum {
	return d.sum
}

// key mixes the pending database id if this is the database's first key and
// returns the start of the key's digest: zero with the key name mixed in.
func (d *Dataset) key(name []byte) Sum {
	if !d.mixed {
		d.sum.mixHash(be32Hash(d.db))
		d.mixed = true
	}
	var k Sum
	k.mix(name)
	return k
}

// folder returns the Dataset's folder with its digest set to the start of
// key name's digest.
func (d *Dataset) folder(name []byte) *folder {
	if d.f == nil {
		d.f = newFolder()
	}
	d.f.s = d.key(name)
	return d.f
}

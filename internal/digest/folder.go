package digest

import (
	"iter"
	"strconv"
)

// A folder folds the elements of one collection value into a digest. Its
// yield functions are bound once, when the folder is made, so that calling a
// caller's iterator with them allocates nothing; a Dataset keeps one folder
// for all its keys.
type folder struct {
	s   Sum // the key or value digest being built
	buf [scoreBufSize]byte

	mixYield    func([]byte) bool
	xorYield    func([]byte) bool
	zsetYield   func([]byte, float64) bool
	hashYield   func([]byte, []byte) bool
	streamYield func(StreamID, [][]byte) bool
}

func newFolder() *folder {
	f := &folder{}
	f.mixYield = f.mixElem
	f.xorYield = f.xorElem
	f.zsetYield = f.zsetElem
	f.hashYield = f.hashElem
	f.streamYield = f.streamEntry
	return f
}

// Each method below continues f.s, which the caller set to zero for
// DEBUG DIGEST-VALUE or to the mixed key name for DEBUG DIGEST. The iterators
// are called directly rather than ranged over: a range loop would build a
// fresh yield closure on the heap for every value.

func (f *folder) list(elems iter.Seq[[]byte], expireMs int64) {
	f.s.mixHash(typeHashes[typeList])
	elems(f.mixYield)
	f.s.expire(expireMs)
}

func (f *folder) set(members iter.Seq[[]byte], expireMs int64) {
	f.s.mixHash(typeHashes[typeSet])
	members(f.xorYield)
	f.s.expire(expireMs)
}

func (f *folder) zset(elems iter.Seq2[[]byte, float64], expireMs int64) {
	f.s.mixHash(typeHashes[typeZSet])
	elems(f.zsetYield)
	f.s.expire(expireMs)
}

func (f *folder) hash(pairs iter.Seq2[[]byte, []byte], expireMs int64) {
	f.s.mixHash(typeHashes[typeHash])
	pairs(f.hashYield)
	f.s.expire(expireMs)
}

func (f *folder) stream(entries iter.Seq2[StreamID, [][]byte], expireMs int64) {
	f.s.mixHash(typeHashes[typeStream])
	entries(f.streamYield)
	f.s.expire(expireMs)
}

// mixElem chains one list element.
func (f *folder) mixElem(e []byte) bool {
	f.s.mix(e)
	return true
}

// xorElem adds one set member.
func (f *folder) xorElem(m []byte) bool {
	f.s.xor(m)
	return true
}

// zsetElem adds one sorted set member: the member and its score text are
// chained in an element digest of their own, which is then added.
func (f *folder) zsetElem(member []byte, score float64) bool {
	var e Sum
	e.mix(member)
	e.mix(appendScore(f.buf[:0], score))
	f.s.xor(e[:])
	return true
}

// hashElem adds one hash field and its value, chained like a zset element.
func (f *folder) hashElem(field, value []byte) bool {
	var e Sum
	e.mix(field)
	e.mix(value)
	f.s.xor(e[:])
	return true
}

// streamEntry chains one stream entry: its ID as "<ms>.<seq>", then each
// field and value in order.
func (f *folder) streamEntry(id StreamID, fields [][]byte) bool {
	b := strconv.AppendUint(f.buf[:0], id.MS, 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, id.Seq, 10)
	f.s.mix(b)
	for _, v := range fields {
		f.s.mix(v)
	}
	return true
}

package stream

import (
	"sort"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
)

// Entry flags, as Redis keeps them in each entry of a node.
const (
	flagDeleted    = 1
	flagSameFields = 2
)

// maxNodeBytes is STREAM_LISTPACK_MAX_SIZE: a node never grows past it.
const maxNodeBytes = 1 << 30

// Limits are stream-node-max-bytes and stream-node-max-entries.
type Limits struct {
	MaxBytes   int64
	MaxEntries int64
}

// DefaultLimits are Redis 7.0's defaults.
var DefaultLimits = Limits{MaxBytes: 4096, MaxEntries: 100}

// node is one listpack of entries, keyed by its master ID (the ID of the
// first entry ever added to it), exactly as Redis 7.0 stores it: the
// master entry (count, deleted, master fields, 0), then the entries
// (flags, ms-diff, seq-diff, [num-fields, fields and] values, lp-count).
type node struct {
	master ID
	lp     listpack.Listpack
}

// Stream is a Redis 7.0 stream. The nodes are kept in a slice ordered by
// master ID in place of Redis's radix tree; their listpacks are byte for
// byte what Redis keeps (and writes to RDB files).
type Stream struct {
	nodes        []node
	length       uint64
	lastID       ID
	firstID      ID
	maxDeletedID ID
	entriesAdded uint64
	groups       []*Group // ordered by name
}

// New returns an empty stream.
func New() *Stream { return &Stream{} }

// Type is keyspace.TypeStream.
func (s *Stream) Type() keyspace.Type { return keyspace.TypeStream }

// Encoding is "stream".
func (s *Stream) Encoding() string { return "stream" }

// Clone returns a deep copy.
func (s *Stream) Clone() keyspace.Object {
	c := *s
	c.nodes = make([]node, len(s.nodes))
	for i, n := range s.nodes {
		c.nodes[i] = node{n.master, n.lp.Clone()}
	}
	c.groups = nil
	for _, g := range s.groups {
		c.groups = append(c.groups, g.clone())
	}
	return &c
}

// Len is the number of entries.
func (s *Stream) Len() uint64 { return s.length }

// LastID is the last ID ever added (or set with XSETID).
func (s *Stream) LastID() ID { return s.lastID }

// FirstID is the ID of the first entry (0-0 when empty).
func (s *Stream) FirstID() ID { return s.firstID }

// MaxDeletedID is the largest ID deleted with XDEL.
func (s *Stream) MaxDeletedID() ID { return s.maxDeletedID }

// EntriesAdded counts every entry ever added.
func (s *Stream) EntriesAdded() uint64 { return s.entriesAdded }

// SetMeta sets what XSETID sets.
func (s *Stream) SetMeta(last ID, entriesAdded uint64, maxDeleted ID) {
	s.lastID, s.entriesAdded, s.maxDeletedID = last, entriesAdded, maxDeleted
}

// NodeCount is the number of listpack nodes (XINFO STREAM radix-tree-keys).
func (s *Stream) NodeCount() int { return len(s.nodes) }

// lpInt reads an integer entry (Redis's lpGetInteger on a validated node).
func lpInt(lp listpack.Listpack, pos int) int64 {
	v, b, isInt := lp.Get(pos)
	if isInt {
		return b
	}
	n, _ := listpack.ParseInt(v)
	return n
}

// nodeHeader returns a node's live and deleted counts, master fields
// count, and the position of its first entry (-1 if none).
func nodeHeader(lp listpack.Listpack) (count, deleted, nfields int64, first int) {
	p := lp.First()
	count = lpInt(lp, p)
	p = lp.Next(p)
	deleted = lpInt(lp, p)
	p = lp.Next(p)
	nfields = lpInt(lp, p)
	for range nfields + 1 {
		p = lp.Next(p)
	}
	return count, deleted, nfields, lp.Next(p)
}

// masterFields returns the master entry's fields.
func masterFields(lp listpack.Listpack, dst [][]byte) [][]byte {
	p := lp.First()
	p = lp.Next(lp.Next(p))
	n := lpInt(lp, p)
	for range n {
		p = lp.Next(p)
		dst = append(dst, lp.AppendGet(nil, p))
	}
	return dst
}

// entry is a decoded entry of a node.
type entry struct {
	pos     int // position of the flags
	flags   int64
	id      ID
	nfields int64
	fpos    int // position of the first field (or value, with same fields)
	next    int // position of the next entry, -1 at the end
}

// readEntry decodes the entry at pos of a node with master id m and
// nmaster master fields.
func readEntry(lp listpack.Listpack, pos int, m ID, nmaster int64) entry {
	e := entry{pos: pos, flags: lpInt(lp, pos)}
	p := lp.Next(pos)
	e.id.MS = m.MS + uint64(lpInt(lp, p))
	p = lp.Next(p)
	e.id.Seq = m.Seq + uint64(lpInt(lp, p))
	p = lp.Next(p)
	var skip int64
	if e.flags&flagSameFields != 0 {
		e.nfields = nmaster
		skip = nmaster
	} else {
		e.nfields = lpInt(lp, p)
		p = lp.Next(p)
		skip = 2 * e.nfields
	}
	e.fpos = p
	for range skip {
		p = lp.Next(p)
	}
	// p is at lp-count
	e.next = lp.Next(p)
	return e
}

// fields appends the entry's field/value pairs as text.
func (e *entry) fields(lp listpack.Listpack, master [][]byte, dst [][]byte) [][]byte {
	p := e.fpos
	for i := range e.nfields {
		if e.flags&flagSameFields != 0 {
			dst = append(dst, master[i])
		} else {
			dst = append(dst, lp.AppendGet(nil, p))
			p = lp.Next(p)
		}
		dst = append(dst, lp.AppendGet(nil, p))
		p = lp.Next(p)
	}
	return dst
}

// findNode returns the index of the last node whose master ID is <= id
// (-1 if none).
func (s *Stream) findNode(id ID) int {
	i := sort.Search(len(s.nodes), func(i int) bool { return id.Less(s.nodes[i].master) })
	return i - 1
}

// Range calls fn with each live entry whose ID is within [start, end], in
// ascending order or, with rev, descending. fields is the flat list of
// field/value pairs, valid during the call. fn returns false to stop.
func (s *Stream) Range(start, end ID, rev bool, fn func(id ID, fields [][]byte) bool) {
	if end.Less(start) {
		return
	}
	var master, fields [][]byte
	if !rev {
		i := max(s.findNode(start), 0)
		for ; i < len(s.nodes); i++ {
			n := &s.nodes[i]
			if end.Less(n.master) {
				return
			}
			_, _, nm, p := nodeHeader(n.lp)
			master = masterFields(n.lp, master[:0])
			for p >= 0 {
				e := readEntry(n.lp, p, n.master, nm)
				p = e.next
				if e.flags&flagDeleted != 0 || e.id.Less(start) {
					continue
				}
				if end.Less(e.id) {
					return
				}
				fields = e.fields(n.lp, master, fields[:0])
				if !fn(e.id, fields) {
					return
				}
			}
		}
		return
	}
	// Backwards, as Redis walks: each entry ends with its lp-count, the
	// number of elements before it back to its flags.
	for i := s.findNode(end); i >= 0; i-- {
		n := &s.nodes[i]
		_, _, nm, first := nodeHeader(n.lp)
		if first < 0 {
			continue
		}
		master = masterFields(n.lp, master[:0])
		for p := n.lp.Last(); ; {
			q := p
			for range lpInt(n.lp, p) {
				q = n.lp.Prev(q)
			}
			e := readEntry(n.lp, q, n.master, nm)
			if e.flags&flagDeleted == 0 && !end.Less(e.id) {
				if e.id.Less(start) {
					return
				}
				fields = e.fields(n.lp, master, fields[:0])
				if !fn(e.id, fields) {
					return
				}
			}
			if q <= first {
				break
			}
			p = n.lp.Prev(q)
		}
	}
}

// Each calls fn with every entry in ascending order (DEBUG DIGEST, AOF
// rewrite).
func (s *Stream) Each(fn func(id ID, fields [][]byte) bool) {
	s.Range(ID{}, MaxID, false, fn)
}

// Get returns the fields of the entry id, or false.
func (s *Stream) Get(id ID) (fields [][]byte, ok bool) {
	s.Range(id, id, false, func(_ ID, f [][]byte) bool {
		fields = append([][]byte(nil), f...)
		ok = true
		return false
	})
	return fields, ok
}

// edgeID returns the first (or last) live entry's ID, or false when empty.
func (s *Stream) edgeID(first bool) (ID, bool) {
	var id ID
	found := false
	s.Range(ID{}, MaxID, !first, func(e ID, _ [][]byte) bool {
		id, found = e, true
		return false
	})
	return id, found
}

// Append adds an entry with ID id, which the caller has checked is
// greater than the last ID, following streamAppendItem: the tail node
// takes it unless it is full by bytes or entries, in which case a new node
// with id as its master entry is started. fv is field, value, ….
func (s *Stream) Append(id ID, fv [][]byte, lim Limits) {
	numfields := int64(len(fv) / 2)
	var total int64
	for _, b := range fv {
		total += int64(len(b))
	}
	var n *node
	if len(s.nodes) > 0 {
		n = &s.nodes[len(s.nodes)-1]
		maxBytes := lim.MaxBytes
		if maxBytes <= 0 || maxBytes > maxNodeBytes {
			maxBytes = maxNodeBytes
		}
		if int64(len(n.lp))+total >= maxBytes {
			n = nil
		} else if lim.MaxEntries > 0 {
			count, deleted, _, _ := nodeHeader(n.lp)
			if count+deleted >= lim.MaxEntries {
				n = nil
			}
		}
	}
	var flags int64
	if n == nil {
		if len(s.nodes) > 0 {
			// The tail node is full: it will only shrink from now on, so
			// give back the room its growth reserved (up to a quarter).
			t := &s.nodes[len(s.nodes)-1]
			if cap(t.lp)-len(t.lp) > 64 {
				t.lp = append(make(listpack.Listpack, 0, len(t.lp)), t.lp...)
			}
		}
		lp := listpack.New()
		lp = lp.AppendInt(1)
		lp = lp.AppendInt(0)
		lp = lp.AppendInt(numfields)
		for i := int64(0); i < numfields; i++ {
			lp = lp.Append(fv[2*i])
		}
		lp = lp.AppendInt(0)
		s.nodes = append(s.nodes, node{master: id, lp: lp})
		n = &s.nodes[len(s.nodes)-1]
		flags = flagSameFields
	} else {
		p := n.lp.First()
		n.lp = n.lp.ReplaceInt(p, lpInt(n.lp, p)+1)
		p = n.lp.Next(n.lp.Next(n.lp.First()))
		if lpInt(n.lp, p) == numfields {
			same := true
			var tmp [64]byte // most field names fit: no allocation
			buf := tmp[:0]
			for i := int64(0); i < numfields; i++ {
				p = n.lp.Next(p)
				buf = n.lp.AppendGet(buf[:0], p)
				if string(buf) != string(fv[2*i]) {
					same = false
					break
				}
			}
			if same {
				flags = flagSameFields
			}
		}
	}
	lp := n.lp
	lp = lp.AppendInt(flags)
	lp = lp.AppendInt(int64(id.MS - n.master.MS))
	lp = lp.AppendInt(int64(id.Seq - n.master.Seq))
	if flags&flagSameFields == 0 {
		lp = lp.AppendInt(numfields)
	}
	for i := int64(0); i < numfields; i++ {
		if flags&flagSameFields == 0 {
			lp = lp.Append(fv[2*i])
		}
		lp = lp.Append(fv[2*i+1])
	}
	lpCount := numfields + 3
	if flags&flagSameFields == 0 {
		lpCount += numfields + 1
	}
	lp = lp.AppendInt(lpCount)
	n.lp = lp
	s.length++
	s.entriesAdded++
	s.lastID = id
	if s.length == 1 {
		s.firstID = id
	}
}

// removeEntry marks the entry at e in node i deleted, as
// streamIteratorRemoveEntry does: the node goes when it was its last live
// entry. It reports whether the node was removed.
func (s *Stream) removeEntry(i int, e *entry) bool {
	n := &s.nodes[i]
	n.lp = n.lp.ReplaceInt(e.pos, e.flags|flagDeleted)
	p := n.lp.First()
	count := lpInt(n.lp, p)
	s.length--
	if count == 1 {
		s.nodes = append(s.nodes[:i], s.nodes[i+1:]...)
		return true
	}
	n.lp = n.lp.ReplaceInt(p, count-1)
	p = n.lp.Next(n.lp.First())
	n.lp = n.lp.ReplaceInt(p, lpInt(n.lp, p)+1)
	return false
}

// deleteEntry deletes entry id if it is live, reporting whether it was.
func (s *Stream) deleteEntry(id ID) bool {
	i := s.findNode(id)
	if i < 0 {
		return false
	}
	n := &s.nodes[i]
	_, _, nm, p := nodeHeader(n.lp)
	for p >= 0 {
		e := readEntry(n.lp, p, n.master, nm)
		if e.id == id {
			if e.flags&flagDeleted != 0 {
				return false
			}
			s.removeEntry(i, &e)
			return true
		}
		if id.Less(e.id) {
			return false
		}
		p = e.next
	}
	return false
}

// Delete is XDEL: it deletes the given entries, updating the first ID and
// the max deleted ID as Redis 7.0 does, and returns how many were deleted.
func (s *Stream) Delete(ids []ID) int {
	deleted := 0
	firstEntry := false
	for _, id := range ids {
		if s.deleteEntry(id) {
			if id == s.firstID {
				firstEntry = true
			}
			if s.maxDeletedID.Less(id) {
				s.maxDeletedID = id
			}
			deleted++
		}
	}
	if deleted > 0 {
		if s.length == 0 {
			s.firstID = ID{}
		} else if firstEntry {
			s.firstID, _ = s.edgeID(true)
		}
	}
	return deleted
}

// Trim strategies.
const (
	TrimNone = iota
	TrimMaxLen
	TrimMinID
)

// TrimArgs are the MAXLEN/MINID arguments of XADD and XTRIM.
type TrimArgs struct {
	Strategy int
	MaxLen   int64
	MinID    ID
	Approx   bool
	Limit    int64 // 0: no limit
}

// Trim removes entries per a, as streamTrim does (whole nodes first; with
// Approx only whole nodes), and returns how many it deleted.
func (s *Stream) Trim(a TrimArgs) int64 {
	if a.Strategy == TrimNone {
		return 0
	}
	var deleted int64
	for len(s.nodes) > 0 {
		if a.Strategy == TrimMaxLen && s.length <= uint64(a.MaxLen) {
			break
		}
		n := &s.nodes[0]
		entries, _, nm, first := nodeHeader(n.lp)
		if a.Limit != 0 && deleted+entries > a.Limit {
			break
		}
		var remove bool
		if a.Strategy == TrimMaxLen {
			remove = int64(s.length)-entries >= a.MaxLen
		} else {
			remove = s.nodeLastID(n).Less(a.MinID)
		}
		if remove {
			s.nodes = s.nodes[1:]
			s.length -= uint64(entries)
			deleted += entries
			continue
		}
		if a.Approx {
			break
		}
		var fromNode int64
		p := first
		for p >= 0 {
			e := readEntry(n.lp, p, n.master, nm)
			var stop bool
			if a.Strategy == TrimMaxLen {
				stop = s.length <= uint64(a.MaxLen)
			} else {
				stop = !e.id.Less(a.MinID)
			}
			if stop {
				break
			}
			if e.flags&flagDeleted == 0 {
				n.lp = n.lp.ReplaceInt(e.pos, e.flags|flagDeleted)
				fromNode++
				s.length--
			}
			p = e.next
		}
		deleted += fromNode
		p = n.lp.First()
		n.lp = n.lp.ReplaceInt(p, entries-fromNode)
		p = n.lp.Next(n.lp.First())
		n.lp = n.lp.ReplaceInt(p, lpInt(n.lp, p)+fromNode)
		break
	}
	if s.length == 0 {
		s.firstID = ID{}
	} else {
		s.firstID, _ = s.edgeID(true)
	}
	return deleted
}

// nodeLastID is the ID of the last entry of a node, deleted or not
// (lpGetEdgeStreamID).
func (s *Stream) nodeLastID(n *node) ID {
	_, _, nm, first := nodeHeader(n.lp)
	if first < 0 {
		return n.master
	}
	q := n.lp.Last()
	for range lpInt(n.lp, q) {
		q = n.lp.Prev(q)
	}
	return readEntry(n.lp, q, n.master, nm).id
}

// FirstEntryID is the ID of the first entry, deleted ones included, or
// the largest ID when there is none (streamGetEdgeID without skipping
// tombstones): what an approximate MINID trim is propagated with.
func (s *Stream) FirstEntryID() ID {
	if len(s.nodes) == 0 {
		return MaxID
	}
	n := &s.nodes[0]
	_, _, nm, p := nodeHeader(n.lp)
	if p < 0 {
		return MaxID
	}
	return readEntry(n.lp, p, n.master, nm).id
}

// LastEntryID is the ID of the last live entry, or 0-0 (streamLastValidID).
func (s *Stream) LastEntryID() ID {
	id, _ := s.edgeID(false)
	return id
}

// HasTombstonesAfter is streamRangeHasTombstones(s, id, NULL): whether a
// deleted entry may lie at or after id (judged by the max deleted ID, as
// Redis does).
func (s *Stream) HasTombstonesAfter(id ID) bool {
	if s.length == 0 || s.maxDeletedID.IsZero() || s.maxDeletedID.Less(s.firstID) {
		return false
	}
	return !s.maxDeletedID.Less(id)
}

// RaxNodes is the number of nodes a radix tree holding the node keys has
// when built by insertion alone (a compressed node for each run without
// branches, a node per branch, a leaf per key): what Redis's XINFO reports
// as radix-tree-nodes. After deletions Redis's tree may keep a shape this
// does not reproduce (docs/COMPATIBILITY.md).
func (s *Stream) RaxNodes() int64 {
	keys := make([][16]byte, len(s.nodes))
	for i, n := range s.nodes {
		var k [16]byte
		for j := range 8 {
			k[j] = byte(n.master.MS >> (56 - 8*j))
			k[8+j] = byte(n.master.Seq >> (56 - 8*j))
		}
		keys[i] = k
	}
	if len(keys) == 0 {
		return 1
	}
	var count func(lo, hi, d int) int64
	count = func(lo, hi, d int) int64 {
		e := d
		for e < 16 && keys[lo][e] == keys[hi-1][e] {
			e++
		}
		if e > d {
			return 1 + count(lo, hi, e)
		}
		if d == 16 {
			return 1
		}
		total := int64(1)
		for i := lo; i < hi; {
			j := i + 1
			for j < hi && keys[j][d] == keys[i][d] {
				j++
			}
			total += count(i, j, d+1)
			i = j
		}
		return total
	}
	return count(0, len(keys), 0)
}

// NodeBytes calls fn with each node's listpack size, in order, until fn
// returns false (MEMORY USAGE).
func (s *Stream) NodeBytes(fn func(n int) bool) {
	for _, n := range s.nodes {
		if !fn(len(n.lp)) {
			return
		}
	}
}

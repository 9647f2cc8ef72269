package keyspace

import "unsafe"

// Sink receives the entries of a snapshot, each exactly once, with the value
// and TTL it had at the cut (expireAt is -1 without a TTL). It runs under the
// server lock, either from the walker or from a write that is about to change
// the entry's bucket, so it must copy what it needs (typically by encoding
// the entry into a buffer) and must not modify the keyspace.
type Sink func(db int, e *Entry, expireAt int64)

// Snapshot is a point-in-time view of the keyspace being serialised. See the
// package documentation for how it works.
type Snapshot struct {
	ks    *Keyspace
	cut   uint32
	sink  Sink
	dicts []*dictSnap
	cur   int // index into dicts of the Dict being walked

	// walker position within dicts[cur]
	ti       int
	idx      int
	id0, id1 *uint32

	// Keys counts entries serialised so far; Total is the key count at the cut.
	Keys, Total int64

	touched byte // what touchAhead read, kept so that its loads stay
}

type dictSnap struct {
	s       *Snapshot
	d       *Dict
	db      int
	cut     uint32
	done    bool
	keys    int // at the cut
	expires int // at the cut
}

// StartSnapshot begins a point-in-time snapshot of every non-empty database.
// Only one snapshot may run at a time; it panics otherwise (the server
// serialises background jobs). Call under the server lock.
func (ks *Keyspace) StartSnapshot(sink Sink) *Snapshot {
	if ks.snap != nil {
		panic("keyspace: a snapshot is already running")
	}
	ks.epoch++
	s := &Snapshot{ks: ks, cut: ks.epoch, sink: sink}
	for _, db := range ks.DBs {
		if db.Len() == 0 {
			continue
		}
		ds := &dictSnap{s: s, d: db.Dict, db: db.ID, cut: s.cut, keys: db.Len(), expires: db.ExpiresLen()}
		db.Dict.snap = ds
		s.dicts = append(s.dicts, ds)
		s.Total += int64(db.Len())
	}
	ks.snap = s
	return s
}

// Running returns the snapshot in progress, or nil.
func (ks *Keyspace) Running() *Snapshot { return ks.snap }

// DBSize is a database's size at the cut.
type DBSize struct {
	ID            int
	Keys, Expires int
}

// DBs returns the databases in the snapshot in ascending order (numbered as
// at the cut) with their sizes at the cut.
func (s *Snapshot) DBs() []DBSize {
	out := make([]DBSize, 0, len(s.dicts))
	for _, ds := range s.dicts {
		out = append(out, DBSize{ds.db, ds.keys, ds.expires})
	}
	return out
}

func (ds *dictSnap) emitChain(d *Dict, head *Entry) {
	for e := head; e != nil; e = e.next {
		ds.s.Keys++
		ds.s.sink(ds.db, e, d.ExpireAt(e))
	}
}

// emitGroup serialises the chains of the group of buckets of t that
// starts at lo.
func (ds *dictSnap) emitGroup(d *Dict, t *table, lo int) {
	hi := min(lo+verGroup, len(t.b))
	for i := lo; i < hi; i++ {
		if t.b[i] != nil {
			ds.emitChain(d, t.b[i])
		}
	}
}

func tableID(t *table) *uint32 {
	if len(t.ver) == 0 {
		return nil
	}
	return unsafe.SliceData(t.ver)
}

// Step walks at most maxBuckets buckets, serialising those not yet
// serialised, and reports whether the snapshot is complete. It returns early
// when budget() reports false (for example when the sink's buffer is full).
// Call under the server lock.
func (s *Snapshot) Step(maxBuckets int, budget func() bool) bool {
	for s.cur < len(s.dicts) {
		ds := s.dicts[s.cur]
		d := ds.d
		// A resize that started or finished since the last step changes the
		// tables under us: rescan from the start of whatever changed.
		// Versions make the rescan skip what was already serialised.
		if id := tableID(&d.t[0]); id != s.id0 {
			s.id0, s.id1 = id, tableID(&d.t[1])
			s.ti, s.idx = 0, 0
		} else if id := tableID(&d.t[1]); id != s.id1 {
			s.id1 = id
			if s.ti == 1 {
				s.idx = 0
			}
		}
		for s.ti < 2 {
			t := &d.t[s.ti]
			s.touched += touchAhead(t, s.idx, maxBuckets, s.cut)
			for s.idx < len(t.b) {
				if maxBuckets <= 0 || !budget() {
					return false
				}
				// s.idx starts at 0 and moves a group at a time.
				i := s.idx
				s.idx = min(i+verGroup, len(t.b))
				maxBuckets -= s.idx - i
				if t.ver[i/verGroup] >= s.cut {
					continue
				}
				t.ver[i/verGroup] = s.cut
				ds.emitGroup(d, t, i)
			}
			s.ti++
			s.idx = 0
		}
		ds.done = true
		s.cur++
		s.ti, s.idx, s.id0, s.id1 = 0, 0, nil, nil
	}
	return true
}

// End detaches the snapshot from the keyspace; writes stop serialising
// buckets for it. Call it when the snapshot completed or is abandoned.
func (s *Snapshot) End() {
	for _, ds := range s.dicts {
		if ds.d.snap == ds {
			ds.d.snap = nil
		}
	}
	if s.ks.snap == s {
		s.ks.snap = nil
	}
}

// touchAhead reads the first byte of every entry in the next n buckets of t
// from i that the walker is about to serialise. The loads do not depend on
// each other from one bucket to the next, so the processor overlaps their
// cache misses, which the serialisation, one entry after the other, would
// take one at a time. It returns a value computed from the loads, so that
// they are not optimised away.
func touchAhead(t *table, i, n int, cut uint32) byte {
	end := min(i+n, len(t.b))
	var x byte
	for ; i < end; i++ {
		if t.ver[i/verGroup] >= cut {
			continue
		}
		for e := t.b[i]; e != nil; e = e.next {
			if e.klen > 0 {
				x += *e.kv
			}
		}
	}
	return x
}

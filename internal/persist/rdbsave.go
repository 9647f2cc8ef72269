package persist

import (
	"fmt"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/rdb"
)

// RDBSink encodes snapshot entries into RDB bytes. It emits SELECTDB (and,
// the first time, RESIZEDB with the size at the cut) whenever the database of
// the next entry differs from the last one: a snapshot hands entries over in
// whatever order writes and the walker reach them, and RDB allows any number
// of SELECTDB opcodes.
type RDBSink struct {
	Enc *rdb.Encoder
	// KS, when set, is the keyspace whose access clocks are recorded
	// (IDLE under an LRU policy, FREQ under an LFU one, as Redis does).
	KS    *keyspace.Keyspace
	sizes map[int]keyspace.DBSize
	last  int
	sized map[int]bool
	err   error
}

// NewRDBSink returns a sink writing into enc.
func NewRDBSink(enc *rdb.Encoder) *RDBSink {
	return &RDBSink{Enc: enc, last: -1, sized: map[int]bool{}}
}

// SetSizes gives the database sizes at the cut, for RESIZEDB.
func (s *RDBSink) SetSizes(dbs []keyspace.DBSize) {
	s.sizes = map[int]keyspace.DBSize{}
	for _, d := range dbs {
		s.sizes[d.ID] = d
	}
}

// Err is the first entry that could not be encoded.
func (s *RDBSink) Err() error { return s.err }

// Entry is the keyspace.Sink.
func (s *RDBSink) Entry(db int, e *keyspace.Entry, expireAt int64) {
	if db != s.last {
		s.Enc.SelectDB(uint64(db))
		if !s.sized[db] {
			s.sized[db] = true
			if sz, ok := s.sizes[db]; ok {
				s.Enc.ResizeDB(uint64(sz.Keys), uint64(sz.Expires))
			}
		}
		s.last = db
	}
	if s.KS != nil {
		if idle, freq := s.KS.SavedAccess(e); idle >= 0 || freq >= 0 {
			// Redis's order: expire time, then IDLE or FREQ, then the key.
			if expireAt != -1 {
				s.Enc.ExpireMs(expireAt)
				expireAt = -1
			}
			if idle >= 0 {
				s.Enc.Idle(uint64(idle))
			} else {
				s.Enc.Freq(byte(freq))
			}
		}
	}
	if err := EncodeEntry(s.Enc, e, expireAt); err != nil && s.err == nil {
		s.err = err
	}
}

// EncodeEntry appends one key: its expire time if any, the value type, the
// key and the value, in the encodings Redis 7.0 writes.
func EncodeEntry(enc *rdb.Encoder, e *keyspace.Entry, expireAt int64) error {
	if expireAt != -1 {
		enc.ExpireMs(expireAt)
	}
	switch v := e.Obj().(type) {
	case nil:
		enc.Type(rdb.TypeString)
		enc.String(e.Key())
		enc.String(e.Str())
		return nil
	case rdbEncodable:
		return v.EncodeRDB(enc, e.Key())
	default:
		return fmt.Errorf("persist: cannot serialise key %q of type %s", e.Key(), e.Type())
	}
}

// rdbEncodable is implemented by value types that know their RDB encoding.
type rdbEncodable interface {
	EncodeRDB(enc *rdb.Encoder, key []byte) error
}

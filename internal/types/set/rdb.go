package set

import (
	"fmt"
	"slices"

	"github.com/vestadb/vesta/internal/intset"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/rdb"
)

// EncodeRDB writes the set as Redis 7.0 does: an intset as type 11 with the
// blob as is, a hashtable as type 2 with its members.
func (s *Set) EncodeRDB(enc *rdb.Encoder, key []byte) error {
	if s.d == nil {
		enc.Type(rdb.TypeSetIntset)
		enc.String(key)
		enc.Blob(s.ints().Bytes())
		return nil
	}
	enc.Type(rdb.TypeSet)
	enc.String(key)
	enc.Len(uint64(s.d.Len()))
	s.d.Each(func(k, _ string) bool {
		enc.String(sbytes(k))
		return true
	})
	return nil
}

// DecodeRDB builds a set from a decoded RDB value of SET or SET_INTSET,
// converting as Redis 7.0's loader does: an intset when it has more than
// maxIntsetEntries members, a plain set when it has too many members or a
// non-integer one. An intset blob is validated in full; an empty set yields
// no object. What is kept is copied from the reader's buffers.
func DecodeRDB(k *rdb.Key, maxIntsetEntries int) (keyspace.Object, error) {
	switch k.Type {
	case rdb.TypeSet:
		if len(k.Value.Elems) == 0 {
			return nil, nil
		}
		s, err := FromMembers(k.Value.Elems, maxIntsetEntries)
		if err != nil {
			return nil, err
		}
		return s, nil
	case rdb.TypeSetIntset:
		if err := intset.Validate(k.Value.Blob, true); err != nil {
			return nil, err
		}
		return FromIntset(slices.Clone(k.Value.Blob), maxIntsetEntries), nil
	}
	return nil, fmt.Errorf("%w: %s is not a set", rdb.ErrUnsupportedType, rdb.TypeName(k.Type))
}

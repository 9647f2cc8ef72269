package set

import "github.com/vestadb/vesta/internal/rdb"

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

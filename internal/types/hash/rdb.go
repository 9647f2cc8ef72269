package hash

import "github.com/vestadb/vesta/internal/rdb"

// EncodeRDB writes the hash as Redis 7.0 does: a listpack as type 16 with
// the blob as is, a hashtable as type 4 with its field,value pairs.
func (h *Hash) EncodeRDB(enc *rdb.Encoder, key []byte) error {
	if h.d == nil {
		enc.Type(rdb.TypeHashListpack)
		enc.String(key)
		enc.Blob(h.list().Bytes())
		return nil
	}
	enc.Type(rdb.TypeHash)
	enc.String(key)
	enc.Len(uint64(h.d.Len()))
	h.d.Each(func(k, v string) bool {
		enc.String(sbytes(k))
		enc.String(sbytes(v))
		return true
	})
	return nil
}

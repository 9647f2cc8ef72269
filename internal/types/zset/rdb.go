package zset

import "github.com/vestadb/vesta/internal/rdb"

// EncodeRDB writes the key and the set as Redis 7.0 does: the listpack blob
// as ZSET_LISTPACK, a skiplist as ZSET_2 with binary scores, highest score
// first.
func (z *ZSet) EncodeRDB(enc *rdb.Encoder, key []byte) error {
	if z.sl == nil {
		enc.Type(rdb.TypeZSetListpack)
		enc.String(key)
		enc.String(z.lp.Bytes())
		return nil
	}
	enc.Type(rdb.TypeZSet2)
	enc.String(key)
	enc.Len(uint64(z.sl.length))
	z.EachReverse(func(member []byte, score float64) bool {
		enc.String(member)
		enc.Double(score)
		return true
	})
	return nil
}

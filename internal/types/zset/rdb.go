package zset

import (
	"bytes"
	"fmt"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/ziplist"
)

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

// DecodeRDB builds a sorted set from a decoded RDB value of ZSET, ZSET_2,
// ZSET_ZIPLIST or ZSET_LISTPACK, converted as lim requires. Blobs are
// validated in full; an empty set yields no object. What is kept is copied
// from the reader's buffers.
func DecodeRDB(k *rdb.Key, lim Limits) (keyspace.Object, error) {
	switch k.Type {
	case rdb.TypeZSet, rdb.TypeZSet2:
		return decodePairs(&k.Value, lim)
	case rdb.TypeZSetListpack:
		if err := listpack.Validate(k.Value.Blob, true, true); err != nil {
			return nil, fmt.Errorf("%w: zset listpack: %v", rdb.ErrCorrupt, err)
		}
		return decodeListpack(listpack.FromBytes(bytes.Clone(k.Value.Blob)), lim)
	case rdb.TypeZSetZiplist:
		lp, err := ziplist.ToListpackPairs(k.Value.Blob)
		if err != nil {
			return nil, fmt.Errorf("%w: zset ziplist: %v", rdb.ErrCorrupt, err)
		}
		return decodeListpack(lp, lim)
	}
	return nil, fmt.Errorf("%w: %s is not a sorted set", rdb.ErrUnsupportedType, rdb.TypeName(k.Type))
}

// decodeListpack keeps a validated listpack of pairs as the set, converted
// if it has more members than lim allows; an empty one is skipped.
func decodeListpack(lp listpack.Listpack, lim Limits) (keyspace.Object, error) {
	if lp.Len() == 0 {
		return nil, nil
	}
	z, err := FromListpack(lp, lim)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", rdb.ErrCorrupt, err)
	}
	return z, nil
}

// decodePairs builds a set from ZSET or ZSET_2 member/score lists.
func decodePairs(v *rdb.Value, lim Limits) (keyspace.Object, error) {
	if len(v.Elems) == 0 {
		return nil, nil
	}
	b := NewBuilder(len(v.Elems))
	for i, m := range v.Elems {
		b.Add(m, v.Scores[i])
	}
	z, err := b.Build(lim)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", rdb.ErrCorrupt, err)
	}
	return z, nil
}

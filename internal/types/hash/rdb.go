package hash

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/ziplist"
)

// EncodeRDB writes the hash as Redis 7.0 does: a listpack as type 16 with
// the blob as is, a hashtable as type 4 with its field,value pairs.
func (h *Hash) EncodeRDB(enc *rdb.Encoder, key []byte) error {
	d := h.dict()
	if d == nil {
		enc.Type(rdb.TypeHashListpack)
		enc.String(key)
		enc.Blob(h.list().Bytes())
		return nil
	}
	enc.Type(rdb.TypeHash)
	enc.String(key)
	enc.Len(uint64(d.Len()))
	d.Each(func(k, v string) bool {
		enc.String(sbytes(k))
		enc.String(sbytes(v))
		return true
	})
	return nil
}

// DecodeRDB builds a hash from a decoded RDB value of one of the hash types
// (HASH, HASH_ZIPMAP, HASH_ZIPLIST, HASH_LISTPACK), choosing the encoding
// as Redis 7.0's loader does: a listpack or ziplist hash converts only when
// it has more fields than lim allows, a zipmap or plain hash also when an
// element is too long. Every blob is validated in full (Redis does that
// only with sanitize-dump-payload yes, but the structures must never see a
// malformed blob). An empty hash yields no object: the key is skipped. The
// value's slices may alias the reader's buffers; what is kept is copied.
func DecodeRDB(k *rdb.Key, lim Limits) (keyspace.Object, error) {
	switch k.Type {
	case rdb.TypeHash:
		return decodePairs(&k.Value, lim)
	case rdb.TypeHashListpack:
		return decodeListpack(k.Value.Blob, lim, false)
	case rdb.TypeHashZiplist:
		lp, err := ziplist.ToListpackPairs(k.Value.Blob)
		if err != nil {
			return nil, err
		}
		return decodeListpack(lp.Bytes(), lim, false)
	case rdb.TypeHashZipmap:
		lp, err := ziplist.ZipmapToListpack(k.Value.Blob)
		if err != nil {
			return nil, err
		}
		return decodeListpack(lp.Bytes(), lim, true)
	}
	return nil, fmt.Errorf("%w: %s is not a hash", rdb.ErrUnsupportedType, rdb.TypeName(k.Type))
}

func decodePairs(v *rdb.Value, lim Limits) (keyspace.Object, error) {
	if len(v.Elems) != len(v.Values) {
		return nil, fmt.Errorf("hash with %d fields and %d values", len(v.Elems), len(v.Values))
	}
	if len(v.Elems) == 0 {
		return nil, nil
	}
	pairs := make([][]byte, 0, 2*len(v.Elems))
	for i := range v.Elems {
		pairs = append(pairs, v.Elems[i], v.Values[i])
	}
	h, err := FromPairs(pairs, lim)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// decodeListpack validates a hash listpack blob and wraps a copy. byLength
// also converts when an element is longer than lim.MaxValue.
func decodeListpack(b []byte, lim Limits, byLength bool) (keyspace.Object, error) {
	if err := listpack.Validate(b, true, true); err != nil {
		return nil, err
	}
	lp := listpack.FromBytes(slices.Clone(b))
	if err := listpack.CheckUniqueFields(lp); err != nil {
		return nil, err
	}
	if lp.Len() == 0 {
		return nil, nil
	}
	if byLength {
		for it := lp.Iter(); it.Next(); {
			if s, n, isInt := it.Entry(); (!isInt && len(s) > lim.MaxValue) || (isInt && len(strconv.FormatInt(n, 10)) > lim.MaxValue) {
				lim.MaxEntries = -1 // forces the conversion
				break
			}
		}
	}
	return FromListpack(lp.Bytes(), lim), nil
}

package persist

import (
	"fmt"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/types/hash"
	"github.com/vestadb/vesta/internal/types/list"
	"github.com/vestadb/vesta/internal/types/set"
	"github.com/vestadb/vesta/internal/types/stream"
	"github.com/vestadb/vesta/internal/types/zset"
)

// Limits are the encoding thresholds by which the decoders of collection
// values choose an encoding (the *-max-listpack-*, set-max-intset-entries
// and list-* directives).
type Limits struct {
	Hash                        hash.Limits
	SetMaxIntsetEntries         int
	ListFill, ListCompressDepth int
	ZSet                        zset.Limits
}

// DecodeObject turns a decoded RDB value of a collection type into a
// keyspace object with the decoder of the type's package (next to its
// EncodeRDB). A nil object without error means an empty collection, whose
// key is skipped as Redis skips it.
func DecodeObject(k *rdb.Key, l Limits) (keyspace.Object, error) {
	switch k.Type {
	case rdb.TypeHash, rdb.TypeHashZipmap, rdb.TypeHashZiplist, rdb.TypeHashListpack:
		return hash.DecodeRDB(k, l.Hash)
	case rdb.TypeSet, rdb.TypeSetIntset:
		return set.DecodeRDB(k, l.SetMaxIntsetEntries)
	case rdb.TypeList, rdb.TypeListZiplist, rdb.TypeListQuicklist, rdb.TypeListQuicklist2:
		return list.DecodeRDB(k, l.ListFill, l.ListCompressDepth)
	case rdb.TypeZSet, rdb.TypeZSet2, rdb.TypeZSetZiplist, rdb.TypeZSetListpack:
		return zset.DecodeRDB(k, l.ZSet)
	case rdb.TypeStreamListpacks, rdb.TypeStreamListpacks2:
		return stream.DecodeRDB(k)
	}
	return nil, fmt.Errorf("%w: %s", rdb.ErrUnsupportedType, rdb.TypeName(k.Type))
}

package command

import (
	"bytes"
	"fmt"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/types/zset"
	"github.com/vestadb/vesta/internal/ziplist"
)

func init() {
	objectLoaders[rdb.TypeZSet] = loadZSetPairs
	objectLoaders[rdb.TypeZSet2] = loadZSetPairs
	objectLoaders[rdb.TypeZSetListpack] = func(l *Limits, k *rdb.Key) (keyspace.Object, error) {
		if err := listpack.Validate(k.Value.Blob, true, true); err != nil {
			return nil, fmt.Errorf("%w: zset listpack: %v", rdb.ErrCorrupt, err)
		}
		// The loader's slices alias its buffers: the set keeps a copy.
		return loadZSetListpack(l, listpack.FromBytes(bytes.Clone(k.Value.Blob)))
	}
	objectLoaders[rdb.TypeZSetZiplist] = func(l *Limits, k *rdb.Key) (keyspace.Object, error) {
		lp, err := ziplist.ToListpackPairs(k.Value.Blob)
		if err != nil {
			return nil, fmt.Errorf("%w: zset ziplist: %v", rdb.ErrCorrupt, err)
		}
		return loadZSetListpack(l, lp)
	}
}

// zsetLimits are the sorted-set encoding thresholds of l.
func zsetLimits(l *Limits) zset.Limits {
	return zset.Limits{MaxListpackEntries: l.ZSetMaxListpackEntries, MaxListpackValue: l.ZSetMaxListpackValue}
}

// loadZSetListpack keeps a validated listpack of pairs as the set, converted
// if it has more members than the limits allow; an empty one is skipped.
func loadZSetListpack(l *Limits, lp listpack.Listpack) (keyspace.Object, error) {
	if lp.Len() == 0 {
		return nil, nil
	}
	z, err := zset.FromListpack(lp, zsetLimits(l))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", rdb.ErrCorrupt, err)
	}
	return z, nil
}

// loadZSetPairs builds a set from ZSET or ZSET_2 member/score lists.
func loadZSetPairs(l *Limits, k *rdb.Key) (keyspace.Object, error) {
	v := &k.Value
	if len(v.Elems) == 0 {
		return nil, nil
	}
	b := zset.NewBuilder(len(v.Elems))
	for i, m := range v.Elems {
		b.Add(m, v.Scores[i])
	}
	z, err := b.Build(zsetLimits(l))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", rdb.ErrCorrupt, err)
	}
	return z, nil
}

package command

import (
	"fmt"
	"slices"

	"github.com/vestadb/vesta/internal/intset"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/types/hash"
	"github.com/vestadb/vesta/internal/types/set"
	"github.com/vestadb/vesta/internal/ziplist"
)

// Loaders of the hash and set RDB types. Every blob is validated in full
// (Redis does that only with sanitize-dump-payload yes, but Vesta's
// structures must never see a malformed blob), and a blob that decodes to
// an empty collection is skipped as Redis skips it. Encodings follow the
// loader of Redis 7.0: a listpack or ziplist hash converts only when it has
// too many fields, a zipmap hash or a plain one also when an element is too
// long; an intset converts when it has too many members, a plain set when it
// has too many members or a non-integer one.

func init() {
	objectLoaders[rdb.TypeHash] = loadHashPairs
	objectLoaders[rdb.TypeHashListpack] = func(l *Limits, k *rdb.Key) (keyspace.Object, error) {
		return loadHashListpack(l, k.Value.Blob, false)
	}
	objectLoaders[rdb.TypeHashZiplist] = func(l *Limits, k *rdb.Key) (keyspace.Object, error) {
		lp, err := ziplist.ToListpackPairs(k.Value.Blob)
		if err != nil {
			return nil, err
		}
		return loadHashListpack(l, lp.Bytes(), false)
	}
	objectLoaders[rdb.TypeHashZipmap] = func(l *Limits, k *rdb.Key) (keyspace.Object, error) {
		lp, err := ziplist.ZipmapToListpack(k.Value.Blob)
		if err != nil {
			return nil, err
		}
		return loadHashListpack(l, lp.Bytes(), true)
	}
	objectLoaders[rdb.TypeSet] = loadSetMembers
	objectLoaders[rdb.TypeSetIntset] = loadIntset
}

func hashLimitsOf(l *Limits) hash.Limits {
	return hash.Limits{MaxEntries: l.HashMaxListpackEntries, MaxValue: l.HashMaxListpackValue}
}

func loadHashPairs(l *Limits, k *rdb.Key) (keyspace.Object, error) {
	v := &k.Value
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
	h, err := hash.FromPairs(pairs, hashLimitsOf(l))
	if err != nil {
		return nil, err
	}
	return h, nil
}

// loadHashListpack validates a hash listpack blob and wraps it. byLength
// also converts when an element is longer than hash-max-listpack-value.
func loadHashListpack(l *Limits, b []byte, byLength bool) (keyspace.Object, error) {
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
	lim := hashLimitsOf(l)
	if byLength {
		for it := lp.Iter(); it.Next(); {
			if s, n, isInt := it.Entry(); (!isInt && len(s) > lim.MaxValue) || (isInt && len(itob(n)) > lim.MaxValue) {
				lim.MaxEntries = -1 // forces the conversion
				break
			}
		}
	}
	return hash.FromListpack(lp.Bytes(), lim), nil
}

func loadSetMembers(l *Limits, k *rdb.Key) (keyspace.Object, error) {
	if len(k.Value.Elems) == 0 {
		return nil, nil
	}
	s, err := set.FromMembers(k.Value.Elems, l.SetMaxIntsetEntries)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func loadIntset(l *Limits, k *rdb.Key) (keyspace.Object, error) {
	if err := intset.Validate(k.Value.Blob, true); err != nil {
		return nil, err
	}
	return set.FromIntset(slices.Clone(k.Value.Blob), l.SetMaxIntsetEntries), nil
}

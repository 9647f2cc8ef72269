package command

import (
	"bytes"
	"fmt"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/types/list"
	"github.com/vestadb/vesta/internal/ziplist"
)

// Loading lists from RDB values, as Redis 7.0's loader does: LIST_QUICKLIST_2
// and LIST_QUICKLIST keep the nodes of the file (ziplist nodes converted to
// listpacks), while the old LIST and LIST_ZIPLIST types push their elements
// one by one under the configured fill. The reader may reuse its buffers, so
// node bytes are copied. An empty list yields no object: the key is skipped.

func init() {
	objectLoaders[rdb.TypeList] = loadListElements
	objectLoaders[rdb.TypeListZiplist] = loadListZiplist
	objectLoaders[rdb.TypeListQuicklist] = loadListNodes
	objectLoaders[rdb.TypeListQuicklist2] = loadListNodes
}

func listBuilder(l *Limits) *list.Builder {
	return list.NewBuilder(l.ListMaxListpackSize, l.ListCompressDepth)
}

// builtList returns the built list, or no object when it is empty.
func builtList(b *list.Builder) keyspace.Object {
	if b.Len() == 0 {
		return nil
	}
	return b.List()
}

func loadListElements(l *Limits, k *rdb.Key) (keyspace.Object, error) {
	b := listBuilder(l)
	for _, e := range k.Value.Elems {
		b.Push(e)
	}
	return builtList(b), nil
}

func loadListZiplist(l *Limits, k *rdb.Key) (keyspace.Object, error) {
	lp, err := ziplist.ToListpack(k.Value.Blob)
	if err != nil {
		return nil, err
	}
	b := listBuilder(l)
	var buf []byte
	for it := listpack.Listpack(lp).Iter(); it.Next(); {
		buf = lp.AppendGet(buf[:0], it.Pos())
		b.Push(buf)
	}
	return builtList(b), nil
}

func loadListNodes(l *Limits, k *rdb.Key) (keyspace.Object, error) {
	b := listBuilder(l)
	for i, node := range k.Value.Nodes {
		switch {
		case k.Type == rdb.TypeListQuicklist:
			lp, err := ziplist.ToListpack(node)
			if err != nil {
				return nil, fmt.Errorf("quicklist node %d: %w", i, err)
			}
			if err := b.AppendListpack(lp); err != nil {
				return nil, fmt.Errorf("quicklist node %d: %w", i, err)
			}
		case i < len(k.Value.Containers) && k.Value.Containers[i] == rdb.ContainerPlain:
			b.AppendPlain(bytes.Clone(node))
		default:
			if err := b.AppendListpack(bytes.Clone(node)); err != nil {
				return nil, fmt.Errorf("quicklist node %d: %w", i, err)
			}
		}
	}
	return builtList(b), nil
}

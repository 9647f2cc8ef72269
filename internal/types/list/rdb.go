package list

import (
	"bytes"
	"fmt"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/ziplist"
)

// EncodeRDB appends the list as an RDB LIST_QUICKLIST_2 key, the only list
// type Redis 7.0 writes: the node count, then for each node its container
// (2 PACKED, 1 PLAIN) and its bytes as a string. Nodes kept compressed in
// memory are written as LZF strings without recompressing them, as Redis
// does; the others follow the encoder's compression setting.
func (l *List) EncodeRDB(enc *rdb.Encoder, key []byte) error {
	enc.Type(rdb.TypeListQuicklist2)
	enc.String(key)
	enc.Len(uint64(l.n))
	l.StoredNodes(func(data []byte, plain bool, rawLen int) bool {
		if plain {
			enc.Len(uint64(rdb.ContainerPlain))
		} else {
			enc.Len(uint64(rdb.ContainerPacked))
		}
		if rawLen > 0 {
			enc.CompressedBlob(data, rawLen)
		} else {
			enc.Blob(data)
		}
		return true
	})
	return nil
}

// DecodeRDB builds a list from a decoded RDB value, as Redis 7.0's loader
// does: QUICKLIST_2 and QUICKLIST keep the nodes of the file (ziplist nodes
// converted to listpacks), while the old LIST and LIST_ZIPLIST types push
// their elements one by one under fill (list-max-listpack-size) and depth
// (list-compress-depth). The reader may reuse its buffers, so node bytes
// are copied. An empty list yields no object: the key is skipped.
func DecodeRDB(k *rdb.Key, fill, depth int) (keyspace.Object, error) {
	b := NewBuilder(fill, depth)
	switch k.Type {
	case rdb.TypeList:
		for _, e := range k.Value.Elems {
			b.Push(e)
		}
	case rdb.TypeListZiplist:
		lp, err := ziplist.ToListpack(k.Value.Blob)
		if err != nil {
			return nil, err
		}
		var buf []byte
		for it := listpack.Listpack(lp).Iter(); it.Next(); {
			buf = lp.AppendGet(buf[:0], it.Pos())
			b.Push(buf)
		}
	case rdb.TypeListQuicklist, rdb.TypeListQuicklist2:
		if err := decodeNodes(b, k); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: %s is not a list", rdb.ErrUnsupportedType, rdb.TypeName(k.Type))
	}
	if b.Len() == 0 {
		return nil, nil
	}
	return b.List(), nil
}

func decodeNodes(b *Builder, k *rdb.Key) error {
	for i, node := range k.Value.Nodes {
		switch {
		case k.Type == rdb.TypeListQuicklist:
			lp, err := ziplist.ToListpack(node)
			if err != nil {
				return fmt.Errorf("quicklist node %d: %w", i, err)
			}
			if err := b.AppendListpack(lp); err != nil {
				return fmt.Errorf("quicklist node %d: %w", i, err)
			}
		case i < len(k.Value.Containers) && k.Value.Containers[i] == rdb.ContainerPlain:
			b.AppendPlain(bytes.Clone(node))
		default:
			if err := b.AppendListpack(bytes.Clone(node)); err != nil {
				return fmt.Errorf("quicklist node %d: %w", i, err)
			}
		}
	}
	return nil
}

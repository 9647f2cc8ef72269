package list

import (
	"github.com/vestadb/vesta/internal/rdb"
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

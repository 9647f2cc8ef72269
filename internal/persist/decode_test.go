package persist

import (
	"errors"
	"testing"

	"github.com/vestadb/vesta/internal/intset"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/types/hash"
	"github.com/vestadb/vesta/internal/types/zset"
)

// Ensure that DecodeObject hands every collection type to its decoder, that
// an empty collection of any type yields no object at all (not a typed
// nil), and that other types are refused as unsupported.
func TestDecodeObject(t *testing.T) {
	lim := Limits{Hash: hash.Limits{MaxEntries: 128, MaxValue: 64}, SetMaxIntsetEntries: 512, ListFill: -2,
		ZSet: zset.Limits{MaxListpackEntries: 128, MaxListpackValue: 64}}
	emptyLP := []byte(listpack.New())
	is, _ := intset.New().Add(7)
	empty := []rdb.Key{
		{Type: rdb.TypeHash}, {Type: rdb.TypeHashListpack, Value: rdb.Value{Blob: emptyLP}},
		{Type: rdb.TypeSet}, {Type: rdb.TypeList}, {Type: rdb.TypeListQuicklist2},
		{Type: rdb.TypeZSet}, {Type: rdb.TypeZSet2}, {Type: rdb.TypeZSetListpack, Value: rdb.Value{Blob: emptyLP}},
	}
	for _, k := range empty {
		obj, err := DecodeObject(&k, lim)
		if err != nil || obj != nil {
			t.Errorf("empty %s: %v, %v; want no object", rdb.TypeName(k.Type), obj, err)
		}
	}
	full := []rdb.Key{
		{Type: rdb.TypeHash, Value: rdb.Value{Elems: [][]byte{[]byte("f")}, Values: [][]byte{[]byte("v")}}},
		{Type: rdb.TypeSet, Value: rdb.Value{Elems: [][]byte{[]byte("m"), []byte("7")}}},
		{Type: rdb.TypeSetIntset, Value: rdb.Value{Blob: is.Bytes()}},
		{Type: rdb.TypeList, Value: rdb.Value{Elems: [][]byte{[]byte("a")}}},
		{Type: rdb.TypeZSet2, Value: rdb.Value{Elems: [][]byte{[]byte("m")}, Scores: []float64{1.5}}},
	}
	for _, k := range full {
		obj, err := DecodeObject(&k, lim)
		if err != nil || obj == nil {
			t.Errorf("%s: %v, %v", rdb.TypeName(k.Type), obj, err)
		}
	}
	if _, err := DecodeObject(&rdb.Key{Type: rdb.TypeString}, lim); !errors.Is(err, rdb.ErrUnsupportedType) {
		t.Errorf("a string: %v, want ErrUnsupportedType", err)
	}
	if _, err := DecodeObject(&rdb.Key{Type: rdb.TypeHashListpack, Value: rdb.Value{Blob: []byte("junk")}}, lim); err == nil {
		t.Error("a corrupt hash listpack decoded")
	}
}

package list_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/types/list"
)

// limits are the list directives the decoder takes.
type limits struct{ fill, depth int }

func decoder(l *limits) func(k *rdb.Key) (keyspace.Object, error) {
	return func(k *rdb.Key) (keyspace.Object, error) { return list.DecodeRDB(k, l.fill, l.depth) }
}

// readListKeys loads every list key of an RDB file with DecodeRDB and
// returns the loaded lists and the nodes the file held for each.
func readListKeys(t *testing.T, path string, lim *limits) (map[string]*list.List, map[string][][]byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := rdb.NewReader(f, rdb.ReaderOptions{Alias: true})
	if err != nil {
		t.Fatal(err)
	}
	load := decoder(lim)
	lists, nodes := map[string]*list.List{}, map[string][][]byte{}
	for {
		it, err := rd.Next()
		if errors.Is(err, rdb.ErrUnsupportedType) {
			if err := rd.SkipValue(); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := it.(rdb.EOF); ok {
			return lists, nodes
		}
		k, ok := it.(*rdb.Key)
		if !ok || k.Type != rdb.TypeListQuicklist2 {
			continue
		}
		var fileNodes [][]byte
		for _, n := range k.Value.Nodes {
			fileNodes = append(fileNodes, bytes.Clone(n))
		}
		obj, err := load(k)
		if err != nil {
			t.Fatalf("%s: %v", k.Key, err)
		}
		lists[string(k.Key)] = obj.(*list.List)
		nodes[string(k.Key)] = fileNodes
	}
}

func listElems(l *list.List) []string {
	var out []string
	l.Each(func(e []byte) bool { out = append(out, string(e)); return true })
	return out
}

// Ensure that lists saved by redis-server 7.0.15 load with their elements
// and exactly their nodes, and are written back with the same node bytes.
func TestLoadRedisLists(t *testing.T) {
	seq := func(format string, n int) []string {
		var out []string
		for i := 1; i <= n; i++ {
			out = append(out, fmt.Sprintf(format, i))
		}
		return out
	}
	tests := []struct {
		file, key string
		lim       limits
		want      []string
	}{
		{"small.rdb", "list", limits{fill: -2}, []string{"a", "b", "c", "1", "2", "3"}},
		{"big.rdb", "biglist", limits{fill: -2}, seq("e%d", 2000)},
		{"listcompress.rdb", "clist", limits{fill: 16, depth: 1}, seq("element-padding-padding-%d", 100)},
		{"plain.rdb", "plist", limits{fill: -2}, []string{"small", strings.Repeat("p", 200), "small2"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			lists, fileNodes := readListKeys(t, "../../rdb/testdata/"+tc.file, &tc.lim)
			l := lists[tc.key]
			if l == nil {
				t.Fatalf("no list %q in %s", tc.key, tc.file)
			}
			if err := l.Verify(); err != nil {
				t.Fatal(err)
			}
			if got := listElems(l); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("elements %.100q, want %.100q", got, tc.want)
			}
			i := 0
			l.Nodes(func(data []byte, _ bool) bool {
				if !bytes.Equal(data, fileNodes[tc.key][i]) {
					t.Errorf("node %d differs from the file", i)
				}
				i++
				return true
			})
			if i != len(fileNodes[tc.key]) {
				t.Fatalf("%d nodes, the file has %d", i, len(fileNodes[tc.key]))
			}
			// Write it back and read it again.
			back := roundTrip(t, l, &tc.lim)
			if got := listElems(back); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("after a round trip: %.100q", got)
			}
			if back.NodeCount() != l.NodeCount() {
				t.Fatalf("after a round trip: %d nodes, want %d", back.NodeCount(), l.NodeCount())
			}
		})
	}
}

// roundTrip writes l in an RDB file and loads it back.
func roundTrip(t *testing.T, l *list.List, lim *limits) *list.List {
	t.Helper()
	for _, compress := range []bool{false, true} {
		enc := rdb.NewEncoder(compress)
		enc.Header()
		enc.SelectDB(0)
		if err := l.EncodeRDB(enc, []byte("k")); err != nil {
			t.Fatal(err)
		}
		enc.EOF(true)
		dir := t.TempDir()
		path := dir + "/rt.rdb"
		if err := os.WriteFile(path, enc.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		lists, _ := readListKeys(t, path, lim)
		if !compress {
			continue
		}
		return lists["k"]
	}
	return nil
}

// Ensure that the old list types load by pushing their elements under the
// configured fill, that QUICKLIST (ziplist nodes) keeps its nodes, and that
// an empty list yields no object.
func TestLoadOldListTypes(t *testing.T) {
	lim := &limits{fill: 2}
	load := decoder(lim)
	obj, err := load(&rdb.Key{Type: rdb.TypeList, Value: rdb.Value{Elems: [][]byte{[]byte("a"), []byte("b"), []byte("12")}}})
	if err != nil {
		t.Fatal(err)
	}
	l := obj.(*list.List)
	if got := strings.Join(listElems(l), ","); got != "a,b,12" || l.NodeCount() != 2 {
		t.Fatalf("LIST: %s in %d nodes", got, l.NodeCount())
	}
	// A ziplist of "x", 7: zlbytes zltail zllen, entries, 0xFF.
	zl := []byte{17, 0, 0, 0, 13, 0, 0, 0, 2, 0, 0x00, 0x01, 'x', 0x03, 0xF8, 0xFF}
	zl[0] = byte(len(zl))
	obj, err = load(&rdb.Key{Type: rdb.TypeListZiplist, Value: rdb.Value{Blob: zl}})
	if err != nil {
		t.Fatalf("LIST_ZIPLIST: %v", err)
	}
	if got := strings.Join(listElems(obj.(*list.List)), ","); got != "x,7" {
		t.Fatalf("LIST_ZIPLIST: %s", got)
	}
	obj, err = load(&rdb.Key{Type: rdb.TypeListQuicklist, Value: rdb.Value{Nodes: [][]byte{zl, zl, zl}}})
	if err != nil {
		t.Fatalf("LIST_QUICKLIST: %v", err)
	}
	if l := obj.(*list.List); l.NodeCount() != 3 || strings.Join(listElems(l), ",") != "x,7,x,7,x,7" {
		t.Fatalf("LIST_QUICKLIST: %v in %d nodes", listElems(l), l.NodeCount())
	}
	obj, err = load(&rdb.Key{Type: rdb.TypeList})
	if err != nil || obj != nil {
		t.Fatalf("empty LIST: %v, %v; want no object", obj, err)
	}
	empty := listpack.New()
	obj, err = load(&rdb.Key{Type: rdb.TypeListQuicklist2, Value: rdb.Value{Nodes: [][]byte{empty}, Containers: []byte{rdb.ContainerPacked}}})
	if err != nil || obj != nil {
		t.Fatalf("QUICKLIST_2 of an empty listpack: %v, %v; want no object", obj, err)
	}
	_, err = load(&rdb.Key{Type: rdb.TypeListQuicklist2, Value: rdb.Value{Nodes: [][]byte{[]byte("garbage")}, Containers: []byte{rdb.ContainerPacked}}})
	if !errors.Is(err, list.ErrNode) {
		t.Fatalf("a corrupt node: %v, want list.ErrNode", err)
	}
}

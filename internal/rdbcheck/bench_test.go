package rdbcheck_test

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/rdbcheck"
)

// BenchmarkCheck measures checking a 10,000-key file of strings and small
// listpack hashes.
func BenchmarkCheck(b *testing.B) {
	data := file(b, rdb.WriterOptions{}, func(w *rdb.Writer) {
		for i := range 10000 {
			if i%2 == 0 {
				key(w, rdb.TypeString, "key:"+strconv.Itoa(i))
				w.Str("value-" + strconv.Itoa(i))
				continue
			}
			key(w, rdb.TypeHashListpack, "hash:"+strconv.Itoa(i))
			w.Blob(lp("a", "1", "b", "2", "c", "3", "d", "4"))
		}
	})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rdbcheck.Check(bytes.NewReader(data), int64(len(data)), rdbcheck.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

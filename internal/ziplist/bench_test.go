package ziplist_test

import (
	"fmt"
	"testing"

	"github.com/vestadb/vesta/internal/ziplist"
)

func BenchmarkToListpack128(b *testing.B) {
	var es []zentry
	for i := range 64 {
		es = append(es, zs(fmt.Sprintf("field:%d", i)), zi(int64(i*1000), 0xD0))
	}
	zl := zlistOf(es...)
	b.SetBytes(int64(len(zl)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ziplist.ToListpackPairs(zl); err != nil {
			b.Fatal(err)
		}
	}
}

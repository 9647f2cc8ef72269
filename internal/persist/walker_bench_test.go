package persist

import (
	"io"
	"strconv"
	"sync"
	"testing"

	"github.com/vestadb/vesta/internal/keyspace"
)

func BenchmarkSnapshotWalk(b *testing.B) {
	ks := keyspace.New(16)
	db := ks.DBs[0]
	for i := range 1_000_000 {
		db.AddString([]byte("key:"+strconv.Itoa(i)), []byte("value:"+strconv.Itoa(i)))
	}
	var mu sync.Mutex
	b.ResetTimer()
	for range b.N {
		mu.Lock()
		j := StartSnapshot(&mu, ks, io.Discard, SaveOptions{Compression: true, Checksum: true})
		mu.Unlock()
		if err := j.Run(true); err != nil {
			b.Fatal(err)
		}
	}
}

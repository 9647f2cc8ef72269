package digest_test

import (
	"strconv"
	"testing"

	"github.com/vestadb/vesta/internal/digest"
)

// BenchmarkDataset1MStrings digests a database of one million string keys,
// the shape of DEBUG POPULATE 1000000.
func BenchmarkDataset1MStrings(b *testing.B) {
	const n = 1_000_000
	keys := make([][]byte, n)
	vals := make([][]byte, n)
	size := 0
	for i := range n {
		keys[i] = []byte("key:" + strconv.Itoa(i))
		vals[i] = []byte("value:" + strconv.Itoa(i))
		size += len(keys[i]) + len(vals[i])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		var d digest.Dataset
		d.DB(0)
		for i := range n {
			d.String(keys[i], vals[i], digest.NoExpire)
		}
		_ = d.Sum()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/key")
}

// BenchmarkZSetValue digests a 1000-member sorted set.
func BenchmarkZSetValue(b *testing.B) {
	members := make([][]byte, 1000)
	scores := make([]float64, len(members))
	for i := range members {
		members[i] = []byte("member:" + strconv.Itoa(i))
		scores[i] = float64(i) / 7
	}
	seq := func(yield func([]byte, float64) bool) {
		for i, m := range members {
			if !yield(m, scores[i]) {
				return
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = digest.ZSetValue(seq, digest.NoExpire)
	}
}

// BenchmarkHashValue digests a 1000-field hash.
func BenchmarkHashValue(b *testing.B) {
	fields := make([][]byte, 1000)
	values := make([][]byte, len(fields))
	for i := range fields {
		fields[i] = []byte("field:" + strconv.Itoa(i))
		values[i] = []byte("value:" + strconv.Itoa(i))
	}
	seq := func(yield func([]byte, []byte) bool) {
		for i, f := range fields {
			if !yield(f, values[i]) {
				return
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = digest.HashValue(seq, digest.NoExpire)
	}
}

// BenchmarkDatasetSmallHashes digests a database of 10000 three-field hashes.
func BenchmarkDatasetSmallHashes(b *testing.B) {
	const n = 10_000
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte("hash:" + strconv.Itoa(i))
	}
	fv := [][]byte{[]byte("name"), []byte("vesta"), []byte("age"), []byte("1"), []byte("city"), []byte("rome")}
	seq := func(yield func([]byte, []byte) bool) {
		for i := 0; i < len(fv); i += 2 {
			if !yield(fv[i], fv[i+1]) {
				return
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		var d digest.Dataset
		for _, k := range keys {
			d.Hash(k, seq, digest.NoExpire)
		}
		_ = d.Sum()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/key")
}

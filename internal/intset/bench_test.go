package intset_test

import (
	"testing"

	"github.com/vestadb/vesta/internal/intset"
)

func BenchmarkAdd512(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s := intset.New()
		for i := range 512 {
			s, _ = s.Add(int64(i*7919%512) - 256)
		}
	}
}

func BenchmarkContains512(b *testing.B) {
	s := intset.New()
	for i := range 512 {
		s, _ = s.Add(int64(i * 3))
	}
	b.ReportAllocs()
	var hits int
	i := int64(0)
	for b.Loop() {
		if s.Contains(i % 1600) {
			hits++
		}
		i++
	}
	_ = hits
}

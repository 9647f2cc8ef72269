package set

import (
	"fmt"
	"testing"
)

func members(n int, prefix string) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, "%s%d", prefix, i)
	}
	return out
}

func benchAdd(b *testing.B, ms [][]byte) {
	s := New(ms[0])
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Add(ms[i%len(ms)], 512)
		i++
	}
}

func benchHas(b *testing.B, ms [][]byte) {
	s := New(ms[0])
	for _, m := range ms {
		s.Add(m, 512)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Has(ms[i%len(ms)])
		i++
	}
}

func BenchmarkSAddIntset(b *testing.B)         { benchAdd(b, members(500, "")) }
func BenchmarkSAddHashtable(b *testing.B)      { benchAdd(b, members(100000, "m:")) }
func BenchmarkSIsMemberIntset(b *testing.B)    { benchHas(b, members(500, "")) }
func BenchmarkSIsMemberHashtable(b *testing.B) { benchHas(b, members(100000, "m:")) }

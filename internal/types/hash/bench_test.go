package hash

import (
	"fmt"
	"testing"
)

var defaults = Limits{MaxEntries: 128, MaxValue: 64}

func benchFields(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, "field:%d", i)
	}
	return out
}

func BenchmarkHSetListpack(b *testing.B) {
	fields := benchFields(100)
	h := New()
	val := []byte("value-123")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.Set(fields[i%len(fields)], val, defaults)
		i++
	}
}

func BenchmarkHGetListpack(b *testing.B) {
	fields := benchFields(100)
	h := New()
	for _, f := range fields {
		h.Set(f, []byte("value-123"), defaults)
	}
	var buf []byte
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		buf, _ = h.Get(buf[:0], fields[i%len(fields)])
		i++
	}
}

func BenchmarkHSetHashtable(b *testing.B) {
	fields := benchFields(100000)
	h := New()
	val := []byte("value-123")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.Set(fields[i%len(fields)], val, defaults)
		i++
	}
}

func BenchmarkHGetHashtable(b *testing.B) {
	fields := benchFields(100000)
	h := New()
	for _, f := range fields {
		h.Set(f, []byte("value-123"), defaults)
	}
	var buf []byte
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		buf, _ = h.Get(buf[:0], fields[i%len(fields)])
		i++
	}
}

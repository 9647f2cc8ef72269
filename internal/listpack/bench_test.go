package listpack_test

import (
	"fmt"
	"testing"

	"github.com/vestadb/vesta/internal/listpack"
)

// benchElems returns 128 mixed elements: field names, small and large
// integers and short strings, as a hash of 64 pairs would hold.
func benchElems() [][]byte {
	var out [][]byte
	for i := range 64 {
		out = append(out, fmt.Appendf(nil, "field:%d", i))
		if i%2 == 0 {
			out = append(out, fmt.Appendf(nil, "%d", i*100003))
		} else {
			out = append(out, fmt.Appendf(nil, "value-%d-xxxxxxxx", i))
		}
	}
	return out
}

func BenchmarkAppend128(b *testing.B) {
	elems := benchElems()
	b.ReportAllocs()
	for b.Loop() {
		lp := listpack.New()
		for _, e := range elems {
			lp = lp.Append(e)
		}
	}
}

func BenchmarkAppend128Presized(b *testing.B) {
	elems := benchElems()
	size := len(listpack.New().Append(elems...))
	b.ReportAllocs()
	for b.Loop() {
		lp := listpack.NewWithCapacity(size)
		for _, e := range elems {
			lp = lp.Append(e)
		}
	}
}

func BenchmarkIterate128(b *testing.B) {
	lp := listpack.New().Append(benchElems()...)
	b.SetBytes(int64(len(lp)))
	b.ReportAllocs()
	var sum int
	for b.Loop() {
		for it := lp.Iter(); it.Next(); {
			s, n, _ := it.Entry()
			sum += len(s) + int(n)
		}
	}
	_ = sum
}

func BenchmarkSeekPrev128(b *testing.B) {
	lp := listpack.New().Append(benchElems()...)
	b.ReportAllocs()
	for b.Loop() {
		for p := lp.Last(); p >= 0; p = lp.Prev(p) {
		}
	}
}

func BenchmarkFind128(b *testing.B) {
	lp := listpack.New().Append(benchElems()...)
	for _, tc := range []struct {
		name string
		elem []byte
		skip int
	}{
		{"last-field", []byte("field:63"), 1},
		{"missing", []byte("field:999"), 1},
		{"int-value", []byte("6300189"), 0},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = lp.Find(tc.elem, tc.skip)
			}
		})
	}
}

func BenchmarkHashSetExisting(b *testing.B) {
	lp := listpack.New().Append(benchElems()...)
	field, value := []byte("field:32"), []byte("12345")
	b.ReportAllocs()
	for b.Loop() {
		lp, _ = lp.HashSet(field, value)
	}
}

func BenchmarkZsetInsertDelete(b *testing.B) {
	lp := listpack.New()
	for i := range 64 {
		lp = lp.ZsetInsert(fmt.Appendf(nil, "m%d", i), float64(i)+0.5)
	}
	member := []byte("new-member")
	b.ReportAllocs()
	for b.Loop() {
		lp = lp.ZsetInsert(member, 31.25)
		lp, _ = lp.ZsetDelete(member)
	}
}

func BenchmarkValidateDeep128(b *testing.B) {
	lp := listpack.New().Append(benchElems()...)
	b.SetBytes(int64(len(lp)))
	b.ReportAllocs()
	for b.Loop() {
		if err := listpack.Validate(lp, true, true); err != nil {
			b.Fatal(err)
		}
	}
}

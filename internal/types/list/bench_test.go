package list

import (
	"strconv"
	"testing"
)

var benchElem = []byte("value:0123456789")

func filledList(n int) *List {
	l := New(-2, 0)
	for i := range n {
		l.PushTail(strconv.AppendInt(benchElem[:6:6], int64(i), 10))
	}
	return l
}

// BenchmarkPushHead measures LPUSH of a 16-byte element.
func BenchmarkPushHead(b *testing.B) {
	b.ReportAllocs()
	l := New(-2, 0)
	for b.Loop() {
		l.PushHead(benchElem)
		if l.Len() >= 1<<20 {
			l = New(-2, 0)
		}
	}
}

// BenchmarkPushTail measures RPUSH of a 16-byte element.
func BenchmarkPushTail(b *testing.B) {
	b.ReportAllocs()
	l := New(-2, 0)
	for b.Loop() {
		l.PushTail(benchElem)
		if l.Len() >= 1<<20 {
			l = New(-2, 0)
		}
	}
}

// BenchmarkPopTail measures RPOP, refilling the list when it runs out.
func BenchmarkPopTail(b *testing.B) {
	b.ReportAllocs()
	l := filledList(1 << 16)
	var buf []byte
	for b.Loop() {
		var ok bool
		if buf, ok = l.PopTail(buf[:0]); !ok {
			b.StopTimer()
			l = filledList(1 << 16)
			b.StartTimer()
		}
	}
}

// BenchmarkRange100 measures reading 100 elements from the head, as LRANGE
// 0 99 does.
func BenchmarkRange100(b *testing.B) {
	b.ReportAllocs()
	l := filledList(10000)
	n := 0
	for b.Loop() {
		it := l.Iter(0, false)
		for i := 0; i < 100 && it.Next(); i++ {
			s, _, _ := it.Entry()
			n += len(s)
		}
	}
	_ = n
}

// BenchmarkIndexMiddle measures LINDEX of the middle element of a list of
// one million elements.
func BenchmarkIndexMiddle(b *testing.B) {
	b.ReportAllocs()
	l := filledList(1 << 20)
	b.ResetTimer()
	for b.Loop() {
		it := l.Iter(l.Len()/2, false)
		if !it.Next() {
			b.Fatal("no middle element")
		}
	}
}

// BenchmarkIndexMiddleCompressed is BenchmarkIndexMiddle with
// list-compress-depth 1, so that the middle node must be inflated.
func BenchmarkIndexMiddleCompressed(b *testing.B) {
	b.ReportAllocs()
	l := New(-2, 1)
	for i := range 1 << 20 {
		l.PushTail(strconv.AppendInt(benchElem[:6:6], int64(i), 10))
	}
	b.ResetTimer()
	for b.Loop() {
		it := l.Iter(l.Len()/2, false)
		if !it.Next() {
			b.Fatal("no middle element")
		}
	}
}

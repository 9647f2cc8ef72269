package zset

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
)

const benchSize = 1_000_000

// benchMember is the member naming used for the Redis comparison:
// "member:<n>", 8 to 14 bytes.
func benchMember(i int) []byte { return strconv.AppendInt([]byte("member:"), int64(i), 10) }

// bigSet returns a set of n members "member:i" with score 1.5*i.
func bigSet(n int) *ZSet {
	z := New()
	for i := range n {
		z.Add(benchMember(i), float64(i)*1.5, 0, defaults)
	}
	return z
}

var bigOnce *ZSet

func sharedBig(b *testing.B) *ZSet {
	b.Helper()
	if bigOnce == nil {
		bigOnce = bigSet(benchSize)
	}
	return bigOnce
}

// BenchmarkZAdd adds new members to a set that already has 1M.
func BenchmarkZAdd(b *testing.B) {
	z := bigSet(benchSize)
	members := make([][]byte, 1<<16)
	for i := range members {
		members[i] = fmt.Appendf(nil, "new:%d", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m := members[i&(len(members)-1)]
		if _, res := z.Add(m, rand.Float64()*benchSize, 0, defaults); res == Nop {
			b.Fatal("nop")
		}
		i++
		if i&(len(members)-1) == 0 {
			b.StopTimer()
			for _, m := range members {
				z.Delete(m)
			}
			b.StartTimer()
		}
	}
}

func BenchmarkZScore(b *testing.B) {
	z := sharedBig(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := z.Score(benchMember(i % benchSize)); !ok {
			b.Fatal("missing")
		}
		i += 7919
	}
}

func BenchmarkZRank(b *testing.B) {
	z := sharedBig(b)
	m := benchMember(benchSize / 2)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := z.Rank(m, false); !ok {
			b.Fatal("missing")
		}
	}
}

// BenchmarkZRange100 reads 100 members from the middle, both directions.
func BenchmarkZRange100(b *testing.B) {
	z := sharedBig(b)
	for _, rev := range []bool{false, true} {
		b.Run(fmt.Sprint("rev=", rev), func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				z.RangeByRank(benchSize/2, benchSize/2+99, rev, func([]byte, float64) bool {
					n++
					return true
				})
			}
		})
	}
}

// BenchmarkZPopMin pops from a 1M set, refilling it when it runs low.
func BenchmarkZPopMin(b *testing.B) {
	for _, max := range []bool{false, true} {
		b.Run(fmt.Sprint("max=", max), func(b *testing.B) {
			z := bigSet(benchSize)
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				z.Pop(max, 1, func([]byte, float64) {})
				if i++; z.Len() < benchSize/2 {
					b.StopTimer()
					z = bigSet(benchSize)
					b.StartTimer()
				}
			}
		})
	}
}

func BenchmarkListpackAdd(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		z := New()
		for i := range 128 {
			z.Add(benchMember(i), float64(i%10), 0, defaults)
		}
	}
}

// TestMemoryPerMember reports the heap cost of a 1M-member set of
// "member:<n>" members (compare with Redis's used_memory delta in
// doc.go).
func TestMemoryPerMember(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-member set")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	z := bigSet(benchSize)
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / benchSize
	t.Logf("%.1f bytes per member (%s, %d members)", per, z.Encoding(), z.Len())
	runtime.KeepAlive(z)
	if per > 110 {
		t.Errorf("%.1f bytes per member; Redis 7.0 needs about 110", per)
	}
}

package rdb

import (
	"hash/crc64"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestCRC64Vectors(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"", 0},
		{"123456789", 0xe9c6d914c4b8d9ca},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := CRC64(0, []byte(tc.in)); got != tc.want {
				t.Errorf("got %#x, want %#x", got, tc.want)
			}
		})
	}
}

// crcReference computes the Jones CRC with the standard library, cancelling
// its built-in inversions.
func crcReference(crc uint64, p []byte) uint64 {
	return ^crc64.Update(^crc, crc64.MakeTable(crcPoly), p)
}

func TestCRC64MatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 7, 8, 9, 63, 64, 65, 127, 1000, 4096, 100003} {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		if got, want := CRC64(0, p), crcReference(0, p); got != want {
			t.Errorf("len %d: got %#x, want %#x", n, got, want)
		}
		// Incremental chaining over an arbitrary split.
		k := rng.IntN(n + 1)
		if got, want := CRC64(CRC64(0, p[:k]), p[k:]), CRC64(0, p); got != want {
			t.Errorf("len %d split %d: got %#x, want %#x", n, k, got, want)
		}
	}
}

func TestCRC64Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sizes := range [][2]int{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {9, 100}, {1000, 1}, {333, 4097}, {70000, 65536}} {
		a := make([]byte, sizes[0])
		b := make([]byte, sizes[1])
		for i := range a {
			a[i] = byte(rng.Uint32())
		}
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		want := CRC64(CRC64(0, a), b)
		if got := CRC64Combine(CRC64(0, a), CRC64(0, b), int64(len(b))); got != want {
			t.Errorf("sizes %v: got %#x, want %#x", sizes, got, want)
		}
	}
}

func BenchmarkCRC64(b *testing.B) {
	for _, size := range []int{64, 4096, 1 << 20} {
		p := make([]byte, size)
		for i := range p {
			p[i] = byte(i * 7)
		}
		b.Run(sizeName(size), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			var crc uint64
			for b.Loop() {
				crc = CRC64(crc, p)
			}
		})
	}
}

func BenchmarkCRC64Combine(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		CRC64Combine(0x1234, 0x5678, 1<<20)
	}
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.Itoa(n>>20) + "MiB"
	case n >= 1<<10:
		return strconv.Itoa(n>>10) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}

package rdb

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestLZFDecompressRedisBytes(t *testing.T) {
	// 40 × "a" as compressed by Redis 7.0.15 (spec §3.12).
	src := []byte{0x01, 0x61, 0x61, 0xe0, 0x1b, 0x00, 0x01, 0x61, 0x61}
	got, err := LZFDecompress(nil, src, 40)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("a", 40); string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLZFDecompressErrors(t *testing.T) {
	tests := []struct {
		name   string
		src    []byte
		outLen int
	}{
		{"empty input", nil, 1},
		{"zero output", []byte{0x00, 'a'}, 0},
		{"literal past input", []byte{0x03, 'a', 'b'}, 4},
		{"literal overflows output", []byte{0x02, 'a', 'b', 'c'}, 2},
		{"reference before start", []byte{0x00, 'a', 0x20, 0x01}, 4},
		{"reference cut short", []byte{0x00, 'a', 0x20}, 4},
		{"long reference cut short", []byte{0x00, 'a', 0xe0, 0x05}, 20},
		{"reference overflows output", []byte{0x00, 'a', 0x20, 0x00}, 3},
		{"short output", []byte{0x01, 'a', 'b'}, 3},
		{"impossible ratio", []byte{0x00, 'a'}, 1 << 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prefix := []byte("keep")
			got, err := LZFDecompress(prefix, tc.src, tc.outLen)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got error %v, want ErrCorrupt", err)
			}
			if string(got) != "keep" {
				t.Errorf("got dst %q, want it unextended", got)
			}
		})
	}
}

func lzfSamples() map[string][]byte {
	rng := rand.New(rand.NewPCG(5, 6))
	random := make([]byte, 12000)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	text := []byte(strings.Repeat("the quick brown fox jumps over the lazy dog; ", 200))
	mixed := make([]byte, 0, 100000)
	for len(mixed) < 100000 {
		if rng.IntN(2) == 0 {
			mixed = append(mixed, random[:rng.IntN(50)]...)
		} else {
			mixed = append(mixed, text[rng.IntN(100):][:rng.IntN(300)]...)
		}
	}
	return map[string][]byte{
		"a40":      bytes.Repeat([]byte("a"), 40),
		"a100k":    bytes.Repeat([]byte("a"), 100000),
		"abc":      bytes.Repeat([]byte("abc"), 1000),
		"text":     text,
		"mixed":    mixed,
		"random":   random,
		"short":    []byte("aaaaaaaaaaaaaaaaaaaaaaaa"),
		"far":      append(append(append([]byte{}, random[:3000]...), random[3000:9000]...), random[:3000]...),
		"periodic": bytes.Repeat([]byte("0123456789abcdefghij"), 500),
	}
}

func TestLZFRoundTrip(t *testing.T) {
	for name, src := range lzfSamples() {
		t.Run(name, func(t *testing.T) {
			comp := LZFCompress([]byte("prefix"), src)
			if name == "random" || name == "far" {
				if comp != nil {
					t.Fatalf("incompressible data compressed to %d bytes, want nil", len(comp))
				}
				return
			}
			if comp == nil {
				t.Fatal("got nil, want compressed data")
			}
			if string(comp[:6]) != "prefix" {
				t.Fatalf("dst prefix lost: %q", comp[:6])
			}
			comp = comp[6:]
			if len(comp) > len(src)-4 {
				t.Fatalf("compressed %d bytes to %d, beyond the len-4 limit", len(src), len(comp))
			}
			got, err := LZFDecompress(nil, comp, len(src))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, src) {
				t.Fatal("round trip mismatch")
			}
		})
	}
}

func TestLZFCompressTooSmall(t *testing.T) {
	for _, src := range []string{"", "a", "abcd", "aaaa"} {
		if got := LZFCompress(nil, []byte(src)); got != nil {
			t.Errorf("LZFCompress(%q) = %x, want nil", src, got)
		}
	}
}

// TestLZFCompressorReuse checks that stale table entries from an earlier
// input never produce references into the wrong data.
func TestLZFCompressorReuse(t *testing.T) {
	c := new(lzfCompressor)
	samples := lzfSamples()
	for round := range 3 {
		for name, src := range samples {
			comp := c.compress(nil, src, len(src))
			if comp == nil {
				continue
			}
			got, err := LZFDecompress(nil, comp, len(src))
			if err != nil || !bytes.Equal(got, src) {
				t.Fatalf("round %d %s: mismatch (err %v)", round, name, err)
			}
		}
	}
	// Force the generation base to wrap.
	c.base = 1<<32 - 100
	src := samples["text"]
	comp := c.compress(nil, src, len(src))
	if got, err := LZFDecompress(nil, comp, len(src)); err != nil || !bytes.Equal(got, src) {
		t.Fatalf("after wrap: mismatch (err %v)", err)
	}
}

func BenchmarkLZFCompress(b *testing.B) {
	for _, name := range []string{"text", "mixed", "random"} {
		src := lzfSamples()[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			c := new(lzfCompressor)
			dst := make([]byte, 0, len(src))
			for b.Loop() {
				c.compress(dst[:0], src, len(src)-4)
			}
		})
	}
	b.Run("short40", func(b *testing.B) {
		src := []byte("user:1000:session:abcdefabcdefabcdef:xyz")
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		c := new(lzfCompressor)
		dst := make([]byte, 0, 64)
		for b.Loop() {
			c.compress(dst[:0], src, len(src)-4)
		}
	})
}

func BenchmarkLZFDecompress(b *testing.B) {
	for _, name := range []string{"text", "mixed"} {
		src := lzfSamples()[name]
		comp := LZFCompress(nil, src)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			dst := make([]byte, 0, len(src))
			for b.Loop() {
				if _, err := LZFDecompress(dst[:0], comp, len(src)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

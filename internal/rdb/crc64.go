package rdb

import (
	"encoding/binary"
	"math/bits"
)

// crcPoly is the Jones CRC-64 polynomial 0xad93d23594c935a9 in reflected
// (LSB-first) form. Redis uses it with reflected input and output, an
// initial value of 0 and no final XOR.
const crcPoly = 0x95ac9329ac4bc9b5

// crcTables are the slicing-by-8 tables: crcTables[0] is the classic
// byte-at-a-time table, and crcTables[k][b] is the CRC of byte b followed
// by k zero bytes.
var crcTables = func() *[8][256]uint64 {
	t := new([8][256]uint64)
	for i := range 256 {
		c := uint64(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ crcPoly
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for i := range 256 {
		c := t[0][i]
		for k := 1; k < 8; k++ {
			c = t[0][c&0xff] ^ c>>8
			t[k][i] = c
		}
	}
	return t
}()

// CRC64 returns crc updated with the bytes of p, using Redis's CRC-64
// (Jones polynomial, reflected, init 0, no final XOR). Start with 0; the
// function chains, so CRC64(CRC64(0, a), b) == CRC64(0, a+b).
func CRC64(crc uint64, p []byte) uint64 {
	t := crcTables
	for len(p) >= 64 {
		// Unrolled by 8 words: the loop body is branch-free table lookups.
		for i := 0; i < 64; i += 8 {
			crc ^= binary.LittleEndian.Uint64(p[i:])
			crc = t[7][crc&0xff] ^
				t[6][(crc>>8)&0xff] ^
				t[5][(crc>>16)&0xff] ^
				t[4][(crc>>24)&0xff] ^
				t[3][(crc>>32)&0xff] ^
				t[2][(crc>>40)&0xff] ^
				t[1][(crc>>48)&0xff] ^
				t[0][crc>>56]
		}
		p = p[64:]
	}
	for len(p) >= 8 {
		crc ^= binary.LittleEndian.Uint64(p)
		crc = t[7][crc&0xff] ^
			t[6][(crc>>8)&0xff] ^
			t[5][(crc>>16)&0xff] ^
			t[4][(crc>>24)&0xff] ^
			t[3][(crc>>32)&0xff] ^
			t[2][(crc>>40)&0xff] ^
			t[1][(crc>>48)&0xff] ^
			t[0][crc>>56]
		p = p[8:]
	}
	for _, b := range p {
		crc = t[0][byte(crc)^b] ^ crc>>8
	}
	return crc
}

// CRC64Combine returns the CRC of the concatenation A‖B given crcA =
// CRC64(0, A), crcB = CRC64(0, B) and lenB = len(B). It lets chunks be
// checksummed where they are produced (in parallel) and the file's running
// checksum be extended without reading the bytes again. It costs
// O(log lenB) 64×64 bit-matrix products.
func CRC64Combine(crcA, crcB uint64, lenB int64) uint64 {
	if lenB <= 0 {
		return crcA
	}
	// With init 0 and no final XOR the CRC is linear:
	// crc(A‖B) = crc(A)·x^(8·lenB) mod P  ⊕  crc(B).
	// The first factor is crcA pushed through lenB zero bytes, done by
	// squaring the one-zero-bit operator (as zlib's crc32_combine does).
	var odd, even [64]uint64
	odd[0] = crcPoly // operator for one zero bit
	row := uint64(1)
	for n := 1; n < 64; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits
	for {
		gf2Square(&even, &odd) // one zero byte, then 4, 16... (even powers)
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

// gf2Times multiplies the 64×64 GF(2) matrix m (column n = image of bit n)
// by vector v.
func gf2Times(m *[64]uint64, v uint64) uint64 {
	var sum uint64
	for v != 0 {
		n := bits.TrailingZeros64(v)
		sum ^= m[n]
		v &= v - 1
	}
	return sum
}

// gf2Square sets sq = m·m.
func gf2Square(sq, m *[64]uint64) {
	for n := range 64 {
		sq[n] = gf2Times(m, m[n])
	}
}

// Package hll is Redis 7.0's HyperLogLog, byte for byte: the 16-byte
// "HYLL" header with its cached cardinality, the dense representation of
// 16384 six-bit registers, the sparse run-length representation with its
// ZERO, XZERO and VAL opcodes and the rules by which an update rewrites it
// (and promotes it to dense past hll-sparse-max-bytes or a register above
// 32), MurmurHash64A with Redis's seed, and the 7.0 cardinality estimator
// (Ertl's improved raw estimator over the register histogram).
//
// Values are plain byte strings, as Redis keeps them in string keys. Redis
// relies on the NUL byte that ends every sds string: a dense read of the
// last register and a sparse XZERO opcode in the last byte both read one
// byte past the end. Here every read past the end yields zero, which gives
// the same answers for corrupted values as Redis.
package hll

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// Layout constants, as Redis names them.
const (
	P          = 14          // register index bits
	Q          = 64 - P      // bits left for the run of zeroes
	Registers  = 1 << P      // 16384 registers
	Bits       = 6           // bits per dense register
	RegMax     = 1<<Bits - 1 // the largest register value
	HeaderSize = 16          // "HYLL", encoding, 3 unused bytes, cached cardinality
	DenseSize  = HeaderSize + (Registers*Bits+7)/8
	Dense      = 0 // encoding byte of the dense representation
	Sparse     = 1 // encoding byte of the sparse representation
	maxEnc     = 1

	sparseValMaxValue = 32
	sparseValMaxLen   = 4
	sparseZeroMaxLen  = 64
	sparseXZeroMaxLen = 16384

	// DefaultSparseMaxBytes is hll-sparse-max-bytes' default.
	DefaultSparseMaxBytes = 3000

	seed     = 0xadc83b19
	alphaInf = 0.721347520444481703680 // 0.5/ln(2)
)

// MurmurHash64A is the 64-bit MurmurHash2 Redis hashes elements with,
// reading 8-byte blocks little-endian.
func MurmurHash64A(data []byte, seed uint64) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	h := seed ^ uint64(int64(int32(len(data))))*m
	n := len(data) &^ 7
	for i := 0; i < n; i += 8 {
		k := binary.LittleEndian.Uint64(data[i:])
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
	}
	tail := data[n:]
	if len(tail) > 0 {
		for i := len(tail) - 1; i >= 0; i-- {
			h ^= uint64(tail[i]) << (8 * i)
		}
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// PatLen returns the register an element maps to and the length of the
// 000...1 pattern of its hash (1 to Q+1).
func PatLen(ele []byte) (index int, count uint8) {
	hash := MurmurHash64A(ele, seed)
	index = int(hash & (Registers - 1))
	hash >>= P
	hash |= 1 << Q
	count = 1
	for bit := uint64(1); hash&bit == 0; bit <<= 1 {
		count++
	}
	return index, count
}

// at returns v[i], or 0 past the end (the sds terminator Redis reads).
func at(v []byte, i int) byte {
	if i < len(v) {
		return v[i]
	}
	return 0
}

// New returns an empty HyperLogLog as PFADD creates it: sparse, one XZERO
// opcode covering every register, cached cardinality 0.
func New() []byte {
	v := make([]byte, HeaderSize+2)
	copy(v, "HYLL")
	v[4] = Sparse
	putXZero(v[HeaderSize:], Registers)
	return v
}

// Valid reports whether v passes Redis's isHLLObjectOrReply checks: at
// least a header, the magic, a known encoding, and the exact size when
// dense. (The sparse opcodes are checked when they are read.)
func Valid(v []byte) bool {
	if len(v) < HeaderSize || string(v[:4]) != "HYLL" || v[4] > maxEnc {
		return false
	}
	return v[4] != Dense || len(v) == DenseSize
}

// Encoding returns the encoding byte of a valid HyperLogLog.
func Encoding(v []byte) byte { return v[4] }

// CachedCard returns the cached cardinality and whether it is valid (the
// top bit of its last byte clear).
func CachedCard(v []byte) (uint64, bool) {
	if v[15]&0x80 != 0 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(v[8:16]), true
}

// SetCachedCard stores a cardinality in the header.
func SetCachedCard(v []byte, card uint64) { binary.LittleEndian.PutUint64(v[8:16], card) }

// InvalidateCache marks the cached cardinality stale.
func InvalidateCache(v []byte) { v[15] |= 0x80 }

// DenseGet returns dense register i of regs (the bytes after the header).
func DenseGet(regs []byte, i int) uint8 {
	b := i * Bits / 8
	fb := uint(i * Bits & 7)
	b0, b1 := uint(at(regs, b)), uint(at(regs, b+1))
	return uint8((b0>>fb | b1<<(8-fb)) & RegMax)
}

// denseGroup returns dense registers 4g..4g+3 of regs. Four 6-bit
// registers fill three bytes, low bits first, so one 24-bit read yields
// them all: PFCOUNT of ten dense keys spent most of its time getting the
// registers one at a time (DenseGet).
func denseGroup(regs *[Registers * Bits / 8]byte, g int) (r0, r1, r2, r3 uint8) {
	b := g * 3
	w := uint32(regs[b]) | uint32(regs[b+1])<<8 | uint32(regs[b+2])<<16
	return uint8(w & RegMax), uint8(w >> 6 & RegMax), uint8(w >> 12 & RegMax), uint8(w >> 18 & RegMax)
}

// maxBytes is the byte-wise maximum of a and b, whose bytes are all
// below 0x80: a byte of (a|0x80) - b keeps its top bit exactly when a's
// byte is at least b's (no borrow crosses a byte).
func maxBytes(a, b uint64) uint64 {
	const high = 0x8080808080808080
	keepA := (((a | high) - b) & high) >> 7 * 0xff
	return a&keepA | b&^keepA
}

// DenseSet sets dense register i of regs to val.
func DenseSet(regs []byte, i int, val uint8) {
	b := i * Bits / 8
	fb := uint(i * Bits & 7)
	v := uint(val)
	regs[b] &^= byte(RegMax << fb)
	regs[b] |= byte(v << fb)
	if b+1 < len(regs) {
		regs[b+1] &^= byte(RegMax >> (8 - fb))
		regs[b+1] |= byte(v >> (8 - fb))
	}
}

// denseSetMax raises register i to count, reporting whether it changed.
func denseSetMax(regs []byte, i int, count uint8) bool {
	if count > DenseGet(regs, i) {
		DenseSet(regs, i, count)
		return true
	}
	return false
}

// Sparse opcodes.
func isZero(b byte) bool  { return b&0xc0 == 0 }
func isXZero(b byte) bool { return b&0xc0 == 0x40 }
func isVal(b byte) bool   { return b&0x80 != 0 }
func zeroLen(b byte) int  { return int(b&0x3f) + 1 }
func xzeroLen(v []byte, p int) int {
	return (int(v[p]&0x3f)<<8 | int(at(v, p+1))) + 1
}
func valValue(b byte) int   { return int(b>>2&0x1f) + 1 }
func valLen(b byte) int     { return int(b&3) + 1 }
func valOp(val, n int) byte { return byte((val-1)<<2|(n-1)) | 0x80 }
func putXZero(p []byte, n int) {
	p[0] = byte((n-1)>>8) | 0x40
	p[1] = byte((n - 1) & 0xff)
}

// zeroRun appends the ZERO or XZERO opcode for n zero registers.
func zeroRun(seq []byte, n int) []byte {
	if n > sparseZeroMaxLen {
		return append(seq, byte((n-1)>>8)|0x40, byte((n-1)&0xff))
	}
	return append(seq, byte(n-1))
}

// ToDense converts a sparse HyperLogLog to dense, copying the header (and
// so the cached cardinality) and setting the encoding byte. ok is false if
// the opcodes do not cover exactly the 16384 registers. A dense value is
// returned as is.
func ToDense(v []byte) (dense []byte, ok bool) {
	if v[4] == Dense {
		return v, true
	}
	dense = make([]byte, DenseSize)
	copy(dense, v[:HeaderSize])
	dense[4] = Dense
	regs := dense[HeaderSize:]
	idx := 0
	for p := HeaderSize; p < len(v); {
		switch op := v[p]; {
		case isZero(op):
			idx += zeroLen(op)
			p++
		case isXZero(op):
			idx += xzeroLen(v, p)
			p += 2
		default:
			n, val := valLen(op), valValue(op)
			if n+idx > Registers {
				return nil, false
			}
			for ; n > 0; n-- {
				DenseSet(regs, idx, uint8(val))
				idx++
			}
			p++
		}
	}
	if idx != Registers {
		return nil, false
	}
	return dense, true
}

// Result of an update.
const (
	Unchanged = 0
	Changed   = 1
	Corrupt   = -1
)

// Add adds ele to the HyperLogLog v (valid per Valid) and returns the new
// value, which may share v's bytes or be new (the sparse form grows, or is
// promoted to dense), and whether a register changed: Changed, Unchanged,
// or Corrupt for a sparse value whose opcodes are invalid (v may then have
// been partly rewritten, as in Redis). The cached cardinality is not
// touched: the caller invalidates it once per command.
func Add(v []byte, ele []byte, sparseMaxBytes int) ([]byte, int) {
	index, count := PatLen(ele)
	return Set(v, index, count, sparseMaxBytes)
}

// Set raises register index of v to count if it is lower, like Add.
func Set(v []byte, index int, count uint8, sparseMaxBytes int) ([]byte, int) {
	if v[4] == Dense {
		if denseSetMax(v[HeaderSize:], index, count) {
			return v, Changed
		}
		return v, Unchanged
	}
	return sparseSet(v, index, count, sparseMaxBytes)
}

// sparseSet is Redis's hllSparseSet: find the opcode covering index, and
// either leave it (a VAL at least count), rewrite it in place (a VAL or
// ZERO of length one), or split it into up to three opcodes; promote to
// dense when count does not fit a VAL or the value would grow past
// sparseMaxBytes; then merge adjacent equal VALs around the change.
func sparseSet(v []byte, index int, count uint8, sparseMaxBytes int) ([]byte, int) {
	if count > sparseValMaxValue {
		return promote(v, index, count)
	}
	end := len(v)
	p, first, span, prev := HeaderSize, 0, 0, -1
	found := false
	for p < end {
		oplen := 1
		switch op := v[p]; {
		case isZero(op):
			span = zeroLen(op)
		case isVal(op):
			span = valLen(op)
		default:
			span = xzeroLen(v, p)
			oplen = 2
		}
		if index <= first+span-1 {
			found = true
			break
		}
		prev = p
		p += oplen
		first += span
	}
	if span == 0 || !found {
		return v, Corrupt
	}
	op := v[p]
	zero, xzero := isZero(op), isXZero(op)
	var runlen int
	switch {
	case zero:
		runlen = zeroLen(op)
	case xzero:
		runlen = xzeroLen(v, p)
	default:
		runlen = valLen(op)
	}
	if !zero && !xzero {
		if valValue(op) >= int(count) {
			return v, Unchanged
		}
		if runlen == 1 {
			v[p] = valOp(int(count), 1)
			return mergeVals(v, prev), Changed
		}
	}
	if zero && runlen == 1 {
		v[p] = valOp(int(count), 1)
		return mergeVals(v, prev), Changed
	}

	// Split the opcode into at most three: what precedes index, index
	// itself, what follows it.
	var buf [5]byte
	seq := buf[:0]
	last := first + span - 1
	if zero || xzero {
		if index != first {
			seq = zeroRun(seq, index-first)
		}
		seq = append(seq, valOp(int(count), 1))
		if index != last {
			seq = zeroRun(seq, last-index)
		}
	} else {
		cur := valValue(op)
		if index != first {
			seq = append(seq, valOp(cur, index-first))
		}
		seq = append(seq, valOp(int(count), 1))
		if index != last {
			seq = append(seq, valOp(cur, last-index))
		}
	}
	oldlen := 1
	if xzero {
		oldlen = 2
	}
	delta := len(seq) - oldlen
	if delta > 0 && len(v)+delta > sparseMaxBytes {
		return promote(v, index, count)
	}
	newLen := len(v) + delta
	if delta == 0 {
		copy(v[p:], seq)
	} else {
		out := make([]byte, 0, newLen+len(seq))
		out = append(out, v[:p]...)
		out = append(out, seq...)
		if p+oldlen < len(v) {
			out = append(out, v[p+oldlen:]...)
		}
		// An XZERO in the last byte took its second byte from past the
		// end: the sequence that replaces it is cut to the new length.
		v = out[:newLen]
	}
	return mergeVals(v, prev), Changed
}

// mergeVals merges adjacent VAL opcodes of equal value whose lengths fit
// one opcode, scanning up to five opcodes from prev (the opcode before the
// changed one, or the first). Like every change of the sparse form that
// does not promote it, it also marks the cached cardinality stale (which
// shows when a later element of the same PFADD finds the value corrupt).
func mergeVals(v []byte, prev int) []byte {
	defer InvalidateCache(v)
	p := prev
	if p < 0 {
		p = HeaderSize
	}
	for scan := 5; p < len(v) && scan > 0; scan-- {
		switch {
		case isXZero(v[p]):
			p += 2
			continue
		case isZero(v[p]):
			p++
			continue
		}
		if p+1 < len(v) && isVal(v[p+1]) {
			v1, v2 := valValue(v[p]), valValue(v[p+1])
			if n := valLen(v[p]) + valLen(v[p+1]); v1 == v2 && n <= sparseValMaxLen {
				v[p+1] = valOp(v1, n)
				v = append(v[:p], v[p+1:]...)
				continue
			}
		}
		p++
	}
	return v
}

// promote converts v to dense and sets the register there.
func promote(v []byte, index int, count uint8) ([]byte, int) {
	d, ok := ToDense(v)
	if !ok {
		return v, Corrupt
	}
	denseSetMax(d[HeaderSize:], index, count)
	return d, Changed
}

// Count computes the cardinality estimate of v (valid per Valid). invalid
// is set for sparse opcodes that do not cover exactly 16384 registers.
func Count(v []byte) (card uint64, invalid bool) {
	var histo [64]int
	if v[4] == Dense {
		regs := (*[Registers * Bits / 8]byte)(v[HeaderSize:DenseSize])
		for g := range Registers / 4 {
			r0, r1, r2, r3 := denseGroup(regs, g)
			histo[r0]++
			histo[r1]++
			histo[r2]++
			histo[r3]++
		}
	} else {
		idx := 0
		for p := HeaderSize; p < len(v); {
			switch op := v[p]; {
			case isZero(op):
				n := zeroLen(op)
				idx += n
				histo[0] += n
				p++
			case isXZero(op):
				n := xzeroLen(v, p)
				idx += n
				histo[0] += n
				p += 2
			default:
				n := valLen(op)
				idx += n
				histo[valValue(op)] += n
				p++
			}
		}
		invalid = idx != Registers
	}
	return estimate(&histo), invalid
}

// CountRegisters estimates the cardinality of raw registers, one byte per
// register (PFCOUNT of several keys).
func CountRegisters(regs *[Registers]uint8) uint64 {
	var histo [64]int
	for _, r := range regs {
		histo[r&63]++
	}
	return estimate(&histo)
}

// estimate is the 7.0 estimator over the register histogram.
func estimate(histo *[64]int) uint64 {
	const m = float64(Registers)
	z := m * tau((m-float64(histo[Q+1]))/m)
	for j := Q; j >= 1; j-- {
		z += float64(histo[j])
		z *= 0.5
	}
	z += m * sigma(float64(histo[0])/m)
	return uint64(int64(math.Round(alphaInf * m * m / z)))
}

func sigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		zp := z
		z += x * y
		y += y
		if zp == z {
			return z
		}
	}
}

func tau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		zp := z
		y *= 0.5
		d := 1 - x
		z -= d * d * y
		if zp == z {
			return z / 3
		}
	}
}

// Merge raises regMax[i] to register i of v (valid per Valid). It reports
// false for sparse opcodes that overflow or do not cover the registers;
// regMax may then be partly updated.
func Merge(regMax *[Registers]uint8, v []byte) bool {
	if v[4] == Dense {
		regs := v[HeaderSize:DenseSize]
		for i, b := 0, 0; i < Registers; i, b = i+8, b+6 {
			// Eight registers (six bytes) spread into the bytes of r,
			// then a byte-wise maximum without branches: whether a
			// register is above the maximum so far is a coin toss, and
			// a branch for each cost three times as much.
			w := uint64(binary.LittleEndian.Uint32(regs[b:])) | uint64(binary.LittleEndian.Uint16(regs[b+4:]))<<32
			r := w&RegMax | (w>>6&RegMax)<<8 | (w>>12&RegMax)<<16 | (w>>18&RegMax)<<24 |
				(w>>24&RegMax)<<32 | (w>>30&RegMax)<<40 | (w>>36&RegMax)<<48 | (w>>42&RegMax)<<56
			m := binary.LittleEndian.Uint64(regMax[i:])
			binary.LittleEndian.PutUint64(regMax[i:], maxBytes(m, r))
		}
		return true
	}
	i := 0
	for p := HeaderSize; p < len(v); {
		switch op := v[p]; {
		case isZero(op):
			i += zeroLen(op)
			p++
		case isXZero(op):
			i += xzeroLen(v, p)
			p += 2
		default:
			n, val := valLen(op), uint8(valValue(op))
			if n+i > Registers {
				return false
			}
			for ; n > 0; n-- {
				regMax[i] = max(regMax[i], val)
				i++
			}
			p++
		}
	}
	return i == Registers
}

// Decode renders the sparse opcodes as PFDEBUG DECODE does: "z:N" for
// ZERO, "Z:N" for XZERO, "v:VALUE,N" for VAL, separated by spaces.
func Decode(v []byte) string {
	var b strings.Builder
	for p := HeaderSize; p < len(v); {
		switch op := v[p]; {
		case isZero(op):
			b.WriteString("z:")
			b.WriteString(strconv.Itoa(zeroLen(op)))
			p++
		case isXZero(op):
			b.WriteString("Z:")
			b.WriteString(strconv.Itoa(xzeroLen(v, p)))
			p += 2
		default:
			b.WriteString("v:")
			b.WriteString(strconv.Itoa(valValue(op)))
			b.WriteByte(',')
			b.WriteString(strconv.Itoa(valLen(op)))
			p++
		}
		b.WriteByte(' ')
	}
	return strings.Trim(b.String(), " ")
}

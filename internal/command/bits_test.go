package command

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
)

// Ensure that SETBIT and GETBIT reply, grow strings, count changes and
// propagate as Redis 7.0.15 does (a SETBIT that changes nothing is not
// propagated).
func TestSetBitGetBit(t *testing.T) {
	tt := newTester(t)
	tt.run(
		xstep{"SETBIT k 0 0", ":0|", "SETBIT k 0 0", 1},
		xstep{"SETBIT k 0 0", ":0|", "", 0},
		xstep{"SETBIT k 0 1", ":0|", "SETBIT k 0 1", 1},
		xstep{"SETBIT k 0 1", ":1|", "", 0},
		xstep{"SETBIT k 15 0", ":0|", "SETBIT k 15 0", 1},
		xstep{"GET k", "$2|\x80\x00|", "", 0},
		xstep{"OBJECT ENCODING k", "$3|raw|", "", 0},
		xstep{"SETBIT k 7 x", "-ERR bit is not an integer or out of range|", "", 0},
		xstep{"SETBIT k 7 2", "-ERR bit is not an integer or out of range|", "", 0},
		xstep{"SETBIT k -1 1", "-ERR bit offset is not an integer or out of range|", "", 0},
		xstep{"SETBIT k 4294967296 1", "-ERR bit offset is not an integer or out of range|", "", 0},
		xstep{"GETBIT k 4294967296", "-ERR bit offset is not an integer or out of range|", "", 0},
		xstep{"GETBIT k 0", ":1|", "", 0},
		xstep{"GETBIT k 1", ":0|", "", 0},
		xstep{"GETBIT k 1000", ":0|", "", 0},
		xstep{"GETBIT nokey 3", ":0|", "", 0},
		xstep{"SET n 12", "+OK|", "-", 1},
		xstep{"SETBIT n 0 0", ":0|", "", 0},
		xstep{"OBJECT ENCODING n", "$3|raw|", "", 0},
		xstep{"HSET h f v", ":1|", "-", 1},
		xstep{"SETBIT h 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value|", "", 0},
		xstep{"GETBIT h 0", "-WRONGTYPE Operation against a key holding the wrong kind of value|", "", 0},
	)
}

// Ensure that bit offsets are limited by proto-max-bulk-len, except while
// loading, when Redis obeys whatever the AOF says.
func TestBitOffsetLimit(t *testing.T) {
	tt := newTester(t)
	tt.env.limits.ProtoMaxBulkLen = 4
	tt.run(
		xstep{"SETBIT k 31 1", ":0|", "-", 1},
		xstep{"SETBIT k 32 1", "-ERR bit offset is not an integer or out of range|", "", 0},
		xstep{"BITFIELD k GET u8 #3", "*1|:1|", "", 0},
		xstep{"BITFIELD k GET u8 #4", "-ERR bit offset is not an integer or out of range|", "", 0},
	)
	tt.ks.Loading = true
	tt.run(xstep{"SETBIT k 32 1", ":0|", "-", 1})
}

// Ensure that BITCOUNT and BITPOS handle ranges in bytes and bits, negative
// indexes, empty ranges and their argument errors as Redis does.
func TestBitCountBitPos(t *testing.T) {
	tt := newTester(t)
	tt.run(
		xstep{"BITCOUNT nokey", ":0|", "", 0},
		xstep{"BITCOUNT nokey 0", ":0|", "", 0}, // looked up first
		xstep{"SET s foobar", "+OK|", "-", 1},
		xstep{"BITCOUNT s", ":26|", "", 0},
		xstep{"BITCOUNT s 0", "-ERR syntax error|", "", 0},
		xstep{"BITCOUNT s 0 0", ":4|", "", 0},
		xstep{"BITCOUNT s 1 1", ":6|", "", 0},
		xstep{"BITCOUNT s 1 1 BIT", ":1|", "", 0},
		xstep{"BITCOUNT s 5 30 bit", ":17|", "", 0},
		xstep{"BITCOUNT s -1 -2 FOO", ":0|", "", 0},
		xstep{"BITCOUNT s 0 -1 FOO", "-ERR syntax error|", "", 0},
		xstep{"BITCOUNT s x 1", "-ERR value is not an integer or out of range|", "", 0},
		xstep{"BITCOUNT s 100 200", ":0|", "", 0},
		xstep{"BITCOUNT s -100 -3", ":19|", "", 0},
		xstep{"BITPOS nokey 0", ":0|", "", 0},
		xstep{"BITPOS nokey 1", ":-1|", "", 0},
		xstep{"BITPOS nokey 2", "-ERR The bit argument must be 1 or 0.|", "", 0},
		xstep{"BITPOS s 1", ":1|", "", 0},
		xstep{"BITPOS s 1 2", ":17|", "", 0},
		xstep{"BITPOS s 1 2 -1 BIT", ":2|", "", 0},
		xstep{"BITPOS s 0 100", ":-1|", "", 0},
		xstep{"BITPOS s 1 0 x FOO", "-ERR syntax error|", "", 0},
		xstep{"BITPOS s 1 x 1 FOO", "-ERR value is not an integer or out of range|", "", 0},
		xstep{`SET z "\xff\xff"`, "+OK|", "-", 1},
		xstep{"BITPOS z 0", ":16|", "", 0},
		xstep{"BITPOS z 0 1", ":16|", "", 0},
		xstep{"BITPOS z 0 0 -1", ":-1|", "", 0},
		xstep{"BITPOS z 0 0 15 BIT", ":-1|", "", 0},
		xstep{"SET e \"\"", "+OK|", "-", 1},
		xstep{"BITPOS e 0", ":-1|", "", 0},
		xstep{"BITCOUNT e 0 -1", ":0|", "", 0},
	)
}

// Ensure that BITOP computes the four operations over strings of different
// lengths, deletes the destination when every source is empty, and
// replaces it (dropping its TTL) otherwise.
func TestBitOp(t *testing.T) {
	tt := newTester(t)
	tt.run(
		xstep{`SET a "\x0f\xf0"`, "+OK|", "-", 1},
		xstep{`SET b "\xff"`, "+OK|", "-", 1},
		xstep{"BITOP AND d a b", ":2|", "BITOP AND d a b", 1},
		xstep{"GET d", "$2|\x0f\x00|", "", 0},
		xstep{"BITOP OR d a b", ":2|", "BITOP OR d a b", 1},
		xstep{"GET d", "$2|\xff\xf0|", "", 0},
		xstep{"BITOP XOR d a b", ":2|", "-", 1},
		xstep{"GET d", "$2|\xf0\xf0|", "", 0},
		xstep{"BITOP NOT d a", ":2|", "-", 1},
		xstep{"GET d", "$2|\xf0\x0f|", "", 0},
		xstep{"OBJECT ENCODING d", "$3|raw|", "", 0},
		xstep{"BITOP AND d nokey", ":0|", "BITOP AND d nokey", 1},
		xstep{"EXISTS d", ":0|", "", 0},
		xstep{"BITOP AND d nokey", ":0|", "", 0},
		xstep{"BITOP NOT d a b", "-ERR BITOP NOT must be called with a single source key.|", "", 0},
		xstep{"BITOP NAND d a", "-ERR syntax error|", "", 0},
		xstep{"SADD s x", ":1|", "-", 1},
		xstep{"BITOP OR d a s", "-WRONGTYPE Operation against a key holding the wrong kind of value|", "", 0},
		xstep{"SET t 12 EX 100", "+OK|", "-", 1},
		xstep{"BITOP NOT t t", ":2|", "-", 1},
		xstep{"TTL t", ":-1|", "", 0},
	)
}

// Ensure that BITFIELD parses its operations, applies the overflow
// policies exactly as Redis (including Redis's wrapping bounds for SET
// arguments near the int64 minimum), creates the key even when every write
// fails, and counts and propagates only writes that changed something.
func TestBitField(t *testing.T) {
	tt := newTester(t)
	tt.run(
		xstep{"BITFIELD bf OVERFLOW FAIL INCRBY u2 0 10", "*1|$-1|", "", 0},
		xstep{"GET bf", "$1|\x00|", "", 0},
		xstep{"BITFIELD bf SET u8 0 0", "*1|:0|", "", 0},
		xstep{"BITFIELD bf SET u8 0 1", "*1|:0|", "BITFIELD bf SET u8 0 1", 1},
		xstep{"BITFIELD bf SET u8 0 1 SET u8 8 0", "*2|:1|:0|", "BITFIELD bf SET u8 0 1 SET u8 8 0", 2},
		xstep{"BITFIELD bf GET u8 0 GET i8 0 GET u4 4", "*3|:1|:1|:1|", "", 0},
		xstep{"BITFIELD bf OVERFLOW SAT SET i8 0 -9223372036854775808 GET i8 0", "*2|:1|:127|", "-", 1},
		xstep{"BITFIELD bf OVERFLOW SAT SET i8 0 -9223372036854775680", "*1|:127|", "-", 1},
		xstep{"BITFIELD bf GET i8 0", "*1|:-128|", "", 0},
		xstep{"BITFIELD bf OVERFLOW WRAP SET i8 0 200 GET i8 0", "*2|:-128|:-56|", "-", 1},
		xstep{"BITFIELD bf OVERFLOW SAT SET u8 0 -1 INCRBY u8 0 -1000 INCRBY u8 0 1000", "*3|:200|:0|:255|", "-", 3},
		xstep{"BITFIELD bf OVERFLOW FAIL INCRBY u8 0 1 INCRBY u8 0 -1 GET u8 0", "*3|$-1|:254|:254|", "-", 1},
		xstep{"BITFIELD bf OVERFLOW SAT INCRBY i64 0 9223372036854775807 INCRBY i64 0 1", "*2|:9079256848778919935|:9079256848778919936|", "-", 2},
		xstep{"BITFIELD bf INCRBY i64 0 1", "*1|:9079256848778919937|", "-", 1},
		xstep{"BITFIELD bf GET i64 #1152921504606846976", "*1|:9079256848778919937|", "", 0},
		xstep{"BITFIELD bf GET u64 0", "-" + ErrBitfieldType + "|", "", 0},
		xstep{"BITFIELD bf GET i65 0", "-" + ErrBitfieldType + "|", "", 0},
		xstep{"BITFIELD bf GET u08 0", "-" + ErrBitfieldType + "|", "", 0},
		xstep{`BITFIELD bf GET "i8\x00x" 0`, "*1|:126|", "", 0},
		xstep{"BITFIELD bf GET u8 0 OVERFLOW", "-ERR syntax error|", "", 0},
		xstep{"BITFIELD bf OVERFLOW x GET u8 0", "-ERR Invalid OVERFLOW type specified|", "", 0},
		xstep{"BITFIELD bf SET u8 0 x", "-ERR value is not an integer or out of range|", "", 0},
		xstep{"BITFIELD bf GET u8 #-1", "-ERR bit offset is not an integer or out of range|", "", 0},
		xstep{"BITFIELD_RO bf GET u8 0 SET u8 0 1", "-ERR BITFIELD_RO only supports the GET subcommand|", "", 0},
		xstep{"BITFIELD_RO bf GET u8 0", "*1|:126|", "", 0},
		xstep{"BITFIELD nokey", "*0|", "", 0},
		xstep{"BITFIELD nokey GET u8 0", "*1|:0|", "", 0},
		xstep{"EXISTS nokey", ":0|", "", 0},
	)
}

// bitModel is a bitmap as a slice of bools, the model of the fuzz target.
type bitModel []bool

func (m bitModel) bytes() []byte {
	b := make([]byte, (len(m)+7)/8)
	for i, v := range m {
		if v {
			b[i/8] |= 0x80 >> (i % 8)
		}
	}
	return b
}

// FuzzBitmap checks SETBIT, GETBIT, BITCOUNT and BITPOS against a model
// bitmap, and the bit helpers against the model's bit-by-bit reading.
func FuzzBitmap(f *testing.F) {
	f.Add(uint64(1), uint16(50))
	f.Add(uint64(7), uint16(300))
	f.Fuzz(func(t *testing.T, seed uint64, n uint16) {
		rng := rand.New(rand.NewPCG(seed, 0))
		tt := newTester(t)
		var m bitModel
		for range int(n % 400) {
			switch rng.IntN(4) {
			case 0:
				off := rng.IntN(300)
				v := rng.IntN(2)
				for len(m) <= off {
					m = append(m, false)
				}
				for len(m)%8 != 0 {
					m = append(m, false)
				}
				old := m[off]
				m[off] = v == 1
				want := ":0\r\n"
				if old {
					want = ":1\r\n"
				}
				if got := tt.do("SETBIT k " + strconv.Itoa(off) + " " + strconv.Itoa(v)); got != want {
					t.Fatalf("SETBIT k %d %d: %q, want %q", off, v, got, want)
				}
			case 1:
				start, end := rng.IntN(60)-30, rng.IntN(60)-30
				bit := rng.IntN(2) == 1
				unit := "BIT"
				if rng.IntN(2) == 0 {
					unit = "BYTE"
				}
				got := tt.do("BITCOUNT k " + strconv.Itoa(start) + " " + strconv.Itoa(end) + " " + unit)
				first, last, empty := bitRange(int64(start), int64(end), len(m)/8, unit == "BIT")
				count := 0
				if !(start < 0 && end < 0 && start > end) && !empty {
					for i := first; i <= last; i++ {
						if m[i] {
							count++
						}
					}
				}
				if want := ":" + strconv.Itoa(count) + "\r\n"; got != want && len(m) > 0 {
					t.Fatalf("BITCOUNT k %d %d %s over %d bits: %q, want %q", start, end, unit, len(m), got, want)
				}
				pos := int64(-1)
				if !empty {
					for i := first; i <= last; i++ {
						if m[i] == bit {
							pos = i
							break
						}
					}
				}
				if got := findBitOrNone(m.bytes(), bit, first, last, empty); got != pos {
					t.Fatalf("findBit(%v, %d..%d) = %d, want %d", bit, first, last, got, pos)
				}
			case 2:
				off := rng.IntN(320)
				want := ":0\r\n"
				if off < len(m) && m[off] {
					want = ":1\r\n"
				}
				if got := tt.do("GETBIT k " + strconv.Itoa(off)); got != want {
					t.Fatalf("GETBIT k %d: %q, want %q", off, got, want)
				}
			case 3:
				if len(m) > 0 {
					got := tt.do("GET k")
					want := "$" + strconv.Itoa(len(m)/8) + "\r\n" + string(m.bytes()) + "\r\n"
					if got != want {
						t.Fatalf("GET k: %q, want %q", got, want)
					}
				}
			}
		}
	})
}

func findBitOrNone(b []byte, bit bool, first, last int64, empty bool) int64 {
	if empty {
		return -1
	}
	v := byte(0)
	if bit {
		v = 1
	}
	return findBit(b, v, first, last)
}

// FuzzBitfieldModel checks BITFIELD's bit access against reading and
// writing one bit at a time with GETBIT and SETBIT.
func FuzzBitfieldModel(f *testing.F) {
	f.Add(uint64(3), uint16(100))
	f.Fuzz(func(t *testing.T, seed uint64, n uint16) {
		rng := rand.New(rand.NewPCG(seed, 1))
		buf := make([]byte, 24)
		for range int(n % 300) {
			width := uint(1 + rng.IntN(64))
			off := uint64(rng.IntN(120))
			v := rng.Uint64()
			setBits(buf, off, width, v)
			got := getBits(buf, off, width)
			if want := v & widthMask(width); got != want {
				t.Fatalf("getBits after setBits(%d, %d, %x) = %x, want %x", off, width, v, got, want)
			}
			var slow uint64
			for i := uint64(0); i < uint64(width); i++ {
				p := off + i
				slow = slow<<1 | uint64(buf[p/8]>>(7-p%8)&1)
			}
			if slow != got {
				t.Fatalf("getBits(%d, %d) = %x, bit by bit %x", off, width, got, slow)
			}
		}
	})
}

func BenchmarkSetBitGrowing(b *testing.B) {
	tt := newTester(&testing.T{})
	args := [][]byte{[]byte("SETBIT"), []byte("k"), nil, []byte("1")}
	var c Ctx
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		args[2] = strconv.AppendInt(args[2][:0], int64(i*8), 10)
		tt.w.Reset()
		c = Ctx{Args: args, Spec: tt.table.Get("setbit"), W: &tt.w, KS: tt.ks, DB: tt.ks.DBs[0], Env: tt.env}
		cmdSetBit(&c)
		i++
		if i == 1<<22 {
			i = 0
		}
	}
}

func BenchmarkBitCount(b *testing.B) {
	s := bytes.Repeat([]byte{0x5a, 0xff, 0x00, 0x81}, 1<<18)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		countBits(s, 3, int64(len(s))*8-5)
	}
}

func BenchmarkBitOp(b *testing.B) {
	srcs := [][]byte{bytes.Repeat([]byte{0x5a}, 1<<20), bytes.Repeat([]byte{0x0f}, 1<<20), bytes.Repeat([]byte{0xf1}, 1<<19)}
	res := make([]byte, 1<<20)
	b.SetBytes(1 << 20)
	b.ReportAllocs()
	for b.Loop() {
		bitopInto(res, opXor, srcs)
	}
}

package compat

import (
	"strconv"
	"strings"
)

// The "hll" family: PFADD, PFCOUNT (one key and several), PFMERGE,
// PFDEBUG and the values themselves (GET, compared byte for byte: a
// HyperLogLog built by the same commands is the same string in both
// servers; DUMP), on the shared key space, so that HyperLogLogs meet the other
// types and plain strings. PFADD draws elements from pools of growing
// size, so that keys stay sparse, grow, and turn dense; CONFIG SET
// hll-sparse-max-bytes moves the point where they do. SET writes damaged
// HyperLogLogs: a wrong magic or encoding, a dense value of the wrong
// length, sparse opcodes that cover too few or too many registers, a
// trailing XZERO byte, a stale or valid cached cardinality.

// hllElement returns an element from a pool of n.
func (g *Gen) hllElement(n int) string { return "e" + strconv.Itoa(g.R.IntN(n)) }

// hllValue returns a string that is, or nearly is, a HyperLogLog.
func (g *Gen) hllValue() string {
	hdr := []byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	if g.Chance(0.5) {
		hdr[15] = 0x80 // stale cache
	} else {
		hdr[8] = byte(g.R.IntN(256))
		hdr[9] = byte(g.R.IntN(4))
	}
	switch g.R.IntN(10) {
	case 0:
		hdr[4] = byte(g.Pick("\x00", "\x02", "\xff")[0])
	case 1:
		hdr[g.R.IntN(4)] = 'x'
	case 2: // dense, of the right size or not
		hdr[4] = 0
		n := 12288 + g.Int(-1, 1)*g.R.IntN(2)
		return string(hdr) + strings.Repeat(g.Pick("\x00", "\xff", "\x41", "\x82"), n)
	case 3:
		return string(hdr[:g.Int(0, 15)])
	}
	var ops []byte
	covered := 0
	for covered < 16384 && len(ops) < 40 {
		switch g.R.IntN(4) {
		case 0:
			n := g.Int(1, 64)
			ops = append(ops, byte(n-1))
			covered += n
		case 1:
			n := g.Int(1, 16384-covered)
			ops = append(ops, byte((n-1)>>8)|0x40, byte(n-1))
			covered += n
		default:
			n := g.Int(1, 4)
			ops = append(ops, byte(0x80|(g.Int(1, 32)-1)<<2|(n-1)))
			covered += n
		}
	}
	if covered < 16384 && g.Chance(0.7) {
		n := 16384 - covered
		for n > 0 {
			m := min(n, 16384)
			ops = append(ops, byte((m-1)>>8)|0x40, byte(m-1))
			n -= m
		}
	}
	switch g.R.IntN(6) {
	case 0:
		ops = append(ops, byte(g.R.IntN(256)))
	case 1:
		if len(ops) > 0 {
			ops = ops[:len(ops)-1]
		}
	}
	// A value whose last byte is the first half of an XZERO opcode is
	// read as Redis reads it (its second byte is the string's terminating
	// NUL), but once an update splits that opcode Redis leaves a byte past
	// the end of the string and reads it back later, where Vesta reads
	// zero (docs/COMPATIBILITY.md): such values are left out.
	p := 0
	for p < len(ops) {
		if ops[p]&0xc0 == 0x40 {
			p += 2
		} else {
			p++
		}
	}
	if p > len(ops) {
		ops = ops[:len(ops)-1]
	}
	return string(hdr) + string(ops)
}

func init() {
	const f = "hll"
	pools := []int{5, 30, 300, 3000, 100000}
	Register(f, "PFADD", 12, true, func(g *Gen) Cmd {
		pool := pools[g.R.IntN(len(pools))]
		args := []string{"PFADD", g.Key()}
		n := g.Int(0, 8)
		if g.Chance(0.15) {
			n = g.Int(100, 600)
		}
		for range n {
			args = append(args, g.hllElement(pool))
		}
		if g.Chance(0.05) {
			args = append(args, g.Value())
		}
		return C(args...)
	})
	Register(f, "PFCOUNT", 6, true, func(g *Gen) Cmd {
		return C(append([]string{"PFCOUNT"}, g.KeysN(g.Int(1, 4))...)...)
	})
	Register(f, "PFMERGE", 3, true, func(g *Gen) Cmd {
		return C(append([]string{"PFMERGE"}, g.KeysN(g.Int(1, 4))...)...)
	})
	Register(f, "PFDEBUG", 2, true, func(g *Gen) Cmd {
		sub := g.Pick("ENCODING", "DECODE", "TODENSE", "GETREG", "encoding", "decode", "nope")
		return C("PFDEBUG", sub, g.Key())
	})
	Register(f, "GET", 3, true, func(g *Gen) Cmd { return C("GET", g.Key()) })
	// DUMP is compared by value: with other families in the script a key
	// may be a hash table, whose order differs. GET compares the bytes of
	// HyperLogLogs, and TestHyperLogLogBytesAgainstRedis (internal/command)
	// their DUMP payloads.
	Register(f, "DUMP", 2, true, func(g *Gen) Cmd { return C("DUMP", g.Key()).With(Payload) })
	Register(f, "SET hll", 2, true, func(g *Gen) Cmd { return C("SET", g.Key(), g.hllValue()) })
	Register(f, "SET", 1, true, func(g *Gen) Cmd { return C("SET", g.Key(), g.Value()) })
	Register(f, "RPUSH", 1, true, func(g *Gen) Cmd { return C("RPUSH", g.Key(), "x") })
	Register(f, "DEL", 1, true, func(g *Gen) Cmd { return C("DEL", g.Key()) })
	Register(f, "OBJECT ENCODING", 1, true, func(g *Gen) Cmd { return C("OBJECT", "ENCODING", g.Key()) })
	Register(f, "CONFIG SET hll-sparse-max-bytes", 1, true, func(g *Gen) Cmd {
		return C("CONFIG", "SET", "hll-sparse-max-bytes", g.Pick("3000", "3000", "0", "20", "100", "500", "20000", "-1", "x"))
	})
}

package compat

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/vestadb/vesta/internal/intset"
	"github.com/vestadb/vesta/internal/listpack"
	"github.com/vestadb/vesta/internal/rdb"
)

// The "dump" family: DUMP and RESTORE. DUMP replies are compared by what
// they hold (mode Payload: same value type and digest), since the bytes
// differ where hash order does. RESTORE gets payloads built
// here in every type and encoding Redis 7.0 writes or still reads (strings
// raw, int-encoded and LZF; plain, intset and listpack sets, hashes and
// sorted sets; quicklists with packed and plain nodes; the old list and
// text-score sorted set types), some damaged (a changed, added or cut byte
// under a valid footer), some with a wrong version or CRC, with every
// option. Both servers run with sanitize-dump-payload yes (added to
// ServerArgs here): Vesta always validates payloads in full, and Redis
// must too for the damaged ones to be judged alike.

func init() {
	ServerArgs = append(ServerArgs, "--sanitize-dump-payload", "yes")
}

// dumpKeys are the family's own keys; RESTORE also targets shared keys.
var dumpKeys = []string{"r1", "r2"}

// payloadMembers are the elements of generated collections.
var payloadMembers = []string{
	"a", "b", "c", "1", "2", "-3", "100000", "9223372036854775807", "-9223372036854775808",
	"1.5", "", "x y", "0", "65536", "long-member-" + "0123456789012345678901234567890123456789012345678901234567890123",
}

// distinctMembers picks n distinct members.
func (g *Gen) distinctMembers(n int) [][]byte {
	seen := map[string]bool{}
	var out [][]byte
	for len(out) < n && len(seen) < len(payloadMembers) {
		m := g.Pick(payloadMembers...)
		if !seen[m] {
			seen[m] = true
			out = append(out, []byte(m))
		}
	}
	return out
}

// payloadBody returns the type byte and value of a random DUMP payload.
func (g *Gen) payloadBody() []byte {
	var e rdb.Encoder
	switch g.R.IntN(12) {
	case 0, 1: // strings: raw, int-encoded, LZF
		v := g.Value()
		if g.Chance(0.3) {
			v = g.Pick("12345", "-1", "0", "2147483647", "-2147483648", "9223372036854775807")
		}
		e.Type(rdb.TypeString)
		if g.Chance(0.5) {
			e.Raw(rdb.AppendString(nil, []byte(v), true))
		} else {
			e.Raw(rdb.AppendRawString(nil, v))
		}
	case 2: // plain set
		ms := g.distinctMembers(g.Int(1, 6))
		e.Type(rdb.TypeSet)
		e.Len(uint64(len(ms)))
		for _, m := range ms {
			e.String(m)
		}
	case 3: // intset
		s := intset.New()
		for range g.Int(1, 6) {
			s, _ = s.Add(int64(g.Int(-70000, 70000)))
		}
		if g.Chance(0.3) {
			s, _ = s.Add(math.MaxInt64)
		}
		e.Type(rdb.TypeSetIntset)
		e.Blob(s.Bytes())
	case 4: // plain hash
		fs := g.distinctMembers(g.Int(1, 5))
		e.Type(rdb.TypeHash)
		e.Len(uint64(len(fs)))
		for _, f := range fs {
			e.String(f)
			e.Str(g.Pick(payloadMembers...))
		}
	case 5: // listpack hash
		lp := listpack.New()
		for _, f := range g.distinctMembers(g.Int(1, 5)) {
			lp = lp.Append(f, []byte(g.Pick(payloadMembers...)))
		}
		e.Type(rdb.TypeHashListpack)
		e.Blob(lp.Bytes())
	case 6: // ZSET_2, highest score first as Redis writes it (any order loads)
		ms := g.distinctMembers(g.Int(1, 5))
		e.Type(rdb.TypeZSet2)
		e.Len(uint64(len(ms)))
		for _, m := range ms {
			e.String(m)
			e.Double(g.payloadScore())
		}
	case 7: // old ZSET with text scores
		ms := g.distinctMembers(g.Int(1, 5))
		e.Type(rdb.TypeZSet)
		e.Len(uint64(len(ms)))
		for _, m := range ms {
			e.String(m)
			e.TextDouble(g.payloadScore())
		}
	case 8: // listpack sorted set
		lp := listpack.New()
		for _, m := range g.distinctMembers(g.Int(1, 5)) {
			lp, _, _ = lp.ZsetAdd(m, g.payloadScore())
		}
		e.Type(rdb.TypeZSetListpack)
		e.Blob(lp.Bytes())
	case 9, 10: // quicklist: packed nodes and, sometimes, a plain one
		nodes := g.Int(1, 3)
		e.Type(rdb.TypeListQuicklist2)
		e.Len(uint64(nodes))
		for range nodes {
			if g.Chance(0.2) {
				e.Len(uint64(rdb.ContainerPlain))
				e.Str(g.Value() + "p")
				continue
			}
			lp := listpack.New()
			for range g.Int(1, 5) {
				lp = lp.Append([]byte(g.Pick(payloadMembers...)))
			}
			e.Len(uint64(rdb.ContainerPacked))
			e.Blob(lp.Bytes())
		}
	default: // old plain list
		n := g.Int(1, 5)
		e.Type(rdb.TypeList)
		e.Len(uint64(n))
		for range n {
			e.Str(g.Pick(payloadMembers...))
		}
	}
	body := e.Bytes()
	if g.Chance(0.15) {
		body = g.damage(body)
	}
	return body
}

func (g *Gen) payloadScore() float64 {
	return []float64{0, 1, -1, 2.5, 1e17, math.Inf(1), math.Inf(-1), 0.1, -7}[g.R.IntN(9)]
}

// damage changes, inserts or cuts a byte.
func (g *Gen) damage(b []byte) []byte {
	b = append([]byte(nil), b...)
	switch g.R.IntN(3) {
	case 0:
		b[g.R.IntN(len(b))] = byte(g.R.IntN(256))
	case 1:
		at := g.R.IntN(len(b) + 1)
		b = append(b[:at], append([]byte{byte(g.R.IntN(256))}, b[at:]...)...)
	default:
		if len(b) > 1 {
			b = b[:1+g.R.IntN(len(b)-1)]
		}
	}
	return b
}

// payload returns a complete DUMP payload, now and then with a wrong
// version or CRC.
func (g *Gen) payload() string {
	p := g.payloadBody()
	version := uint16(10)
	if g.Chance(0.05) {
		version = uint16(9 + 2*g.R.IntN(2))
	}
	p = binary.LittleEndian.AppendUint16(p, version)
	crc := rdb.CRC64(0, p)
	if g.Chance(0.05) {
		crc++
	}
	return string(binary.LittleEndian.AppendUint64(p, crc))
}

func init() {
	const f = "dump"
	Register(f, "DUMP", 3, true, func(g *Gen) Cmd {
		return C("DUMP", g.Pick(append(dumpKeys, g.Key())...)).With(Payload)
	})
	Register(f, "RESTORE", 6, true, func(g *Gen) Cmd {
		key := g.Pick(append(dumpKeys, g.Key())...)
		ttl, abs := "0", false
		switch g.R.IntN(8) {
		case 0:
			ttl = strconv.Itoa(g.TTL() * 1000)
		case 1:
			ttl, abs = strconv.FormatInt(g.FutureUnix()*1000, 10), true
		case 2:
			ttl, abs = strconv.FormatInt(g.PastUnix()*1000, 10), true
		case 3:
			ttl = g.Pick("-1", "x", "9223372036854775807")
		}
		args := []string{"RESTORE", key, ttl, g.payload()}
		if abs || g.Chance(0.05) {
			args = append(args, "ABSTTL")
		}
		if g.Chance(0.5) {
			args = append(args, g.Pick("REPLACE", "replace"))
		}
		switch g.R.IntN(6) {
		case 0:
			args = append(args, "IDLETIME", g.Pick("0", "1000", "-1", "x", "100000000000"))
		case 1:
			args = append(args, "FREQ", g.Pick("0", "5", "255", "256", "-1"))
		case 2:
			if g.Chance(0.2) {
				args = append(args, g.Pick("IDLETIME", "FREQ", "BOGUS"))
			}
		}
		return C(args...)
	})
	Register(f, "OBJECT ENCODING", 1, true, func(g *Gen) Cmd { return C("OBJECT", "ENCODING", g.Pick(dumpKeys...)) })
	Register(f, "TYPE", 1, true, func(g *Gen) Cmd { return C("TYPE", g.Pick(dumpKeys...)) })
}

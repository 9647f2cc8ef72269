package ziplist_test

import (
	"encoding/binary"
)

// zentry describes one ziplist entry for the test builder, which encodes
// ziplists independently of the package from the format description.
type zentry struct {
	str     string
	isInt   bool
	v       int64
	enc     byte // for ints: 0xC0, 0xD0, 0xE0, 0xF0, 0xFE or 0xF1..0xFD
	strEnc  int  // for strings: 0 smallest, else 1, 2 or 5 header bytes
	bigPrev bool // store prevlen in 5 bytes even if small
}

func zs(s string) zentry                   { return zentry{str: s} }
func zi(v int64, enc byte) zentry          { return zentry{isInt: true, v: v, enc: enc} }
func zsEnc(s string, hdr int) zentry       { return zentry{str: s, strEnc: hdr} }
func zbig(e zentry) zentry                 { e.bigPrev = true; return e }
func zimm(v int64) zentry                  { return zi(v, byte(0xF1+v)) }
func zlistOf(entries ...zentry) []byte     { return buildZiplist(-1, entries...) }
func zlistCount(n int, e ...zentry) []byte { return buildZiplist(n, e...) }

// buildZiplist encodes entries; count < 0 stores the real count in zllen.
func buildZiplist(count int, entries ...zentry) []byte {
	zl := make([]byte, 10)
	prev, tail := 0, 10
	for _, e := range entries {
		tail = len(zl)
		start := len(zl)
		if prev < 254 && !e.bigPrev {
			zl = append(zl, byte(prev))
		} else {
			zl = append(zl, 0xFE)
			zl = binary.LittleEndian.AppendUint32(zl, uint32(prev))
		}
		if e.isInt {
			zl = append(zl, e.enc)
			switch e.enc {
			case 0xC0:
				zl = binary.LittleEndian.AppendUint16(zl, uint16(e.v))
			case 0xD0:
				zl = binary.LittleEndian.AppendUint32(zl, uint32(e.v))
			case 0xE0:
				zl = binary.LittleEndian.AppendUint64(zl, uint64(e.v))
			case 0xF0:
				zl = append(zl, byte(e.v), byte(e.v>>8), byte(e.v>>16))
			case 0xFE:
				zl = append(zl, byte(e.v))
			}
		} else {
			n := len(e.str)
			hdr := e.strEnc
			if hdr == 0 {
				switch {
				case n <= 63:
					hdr = 1
				case n <= 16383:
					hdr = 2
				default:
					hdr = 5
				}
			}
			switch hdr {
			case 1:
				zl = append(zl, byte(n))
			case 2:
				zl = append(zl, 0x40|byte(n>>8), byte(n))
			default:
				zl = append(zl, 0x80)
				zl = binary.BigEndian.AppendUint32(zl, uint32(n))
			}
			zl = append(zl, e.str...)
		}
		prev = len(zl) - start
	}
	zl = append(zl, 0xFF)
	if count < 0 {
		count = len(entries)
	}
	binary.LittleEndian.PutUint32(zl, uint32(len(zl)))
	binary.LittleEndian.PutUint32(zl[4:], uint32(tail))
	binary.LittleEndian.PutUint16(zl[8:], uint16(count))
	return zl
}

// zmPair is one zipmap key/value for the test builder.
type zmPair struct {
	k, v        string
	free        int
	bigValueLen bool // use the 5-byte length form for the value length
}

// buildZipmap encodes pairs; count < 0 stores the real count (or 254 if it
// does not fit).
func buildZipmap(count int, pairs ...zmPair) []byte {
	if count < 0 {
		count = min(len(pairs), 254)
	}
	zm := []byte{byte(count)}
	putLen := func(n int, big bool) {
		if n < 254 && !big {
			zm = append(zm, byte(n))
			return
		}
		zm = append(zm, 254)
		zm = binary.LittleEndian.AppendUint32(zm, uint32(n))
	}
	for _, p := range pairs {
		putLen(len(p.k), false)
		zm = append(zm, p.k...)
		putLen(len(p.v), p.bigValueLen)
		zm = append(zm, byte(p.free))
		zm = append(zm, p.v...)
		zm = append(zm, make([]byte, p.free)...)
	}
	return append(zm, 0xFF)
}

package rdb

import (
	"slices"
	"strconv"
)

// RedisVersion is the redis-ver AUX value Vesta writes: the Redis release
// whose RDB files it reproduces.
const RedisVersion = "7.0.15"

// Encoder appends RDB items to an in-memory buffer. It does no I/O and
// keeps no checksum, so several Encoders can serialise parts of one file
// concurrently; their chunks are then handed, in order, to a [Writer]
// (see [Writer.Write] and [Writer.WriteChunk]), which owns the CRC.
//
// The zero Encoder is ready to use, with compression off.
type Encoder struct {
	// Compress enables LZF for strings longer than 20 bytes, like
	// Redis's rdbcompression yes.
	Compress bool

	buf []byte
	lzf *lzfCompressor
}

// NewEncoder returns an Encoder with LZF compression set as given.
func NewEncoder(compress bool) *Encoder {
	return &Encoder{Compress: compress}
}

// Bytes returns the encoded bytes. They stay valid until the next call
// that modifies the Encoder.
func (e *Encoder) Bytes() []byte { return e.buf }

// Size returns the number of encoded bytes held.
func (e *Encoder) Size() int { return len(e.buf) }

// Reset empties the buffer, keeping its memory.
func (e *Encoder) Reset() { e.buf = e.buf[:0] }

// Truncate discards all but the first n encoded bytes.
func (e *Encoder) Truncate(n int) { e.buf = e.buf[:n] }

// Take returns the encoded bytes and gives up the buffer: the caller owns
// the slice and the Encoder starts a new one. This hands a finished chunk
// to another goroutine without copying.
func (e *Encoder) Take() []byte {
	b := e.buf
	e.buf = nil
	return b
}

// Grow makes room for n more bytes, so that a chunk of known rough size
// is built without reallocations.
func (e *Encoder) Grow(n int) { e.buf = slices.Grow(e.buf, n) }

// Raw appends p as it is.
func (e *Encoder) Raw(p []byte) { e.buf = append(e.buf, p...) }

// Header appends the magic and version, "REDIS0010".
func (e *Encoder) Header() {
	e.buf = append(e.buf, "REDIS00"...)
	e.buf = strconv.AppendInt(e.buf, Version, 10)
}

// Aux appends an AUX field.
func (e *Encoder) Aux(key, value string) {
	e.buf = append(e.buf, OpAux)
	e.Str(key)
	e.Str(value)
}

// AuxInt appends an AUX field whose value is the decimal text of v
// (stored int-encoded when it fits 32 bits, as Redis does).
func (e *Encoder) AuxInt(key string, v int64) {
	e.buf = append(e.buf, OpAux)
	e.Str(key)
	var tmp [20]byte
	e.String(strconv.AppendInt(tmp[:0], v, 10))
}

// ReplInfo is the replication state Redis records in the AUX fields of an
// RDB made for, or by, a replica.
type ReplInfo struct {
	StreamDB int64
	ID       string // 40 hex characters
	Offset   int64
}

// StandardAux appends the AUX fields Redis writes after the header, in
// Redis's order: redis-ver, redis-bits (64), ctime (unix seconds),
// used-mem (bytes), the repl-* fields when repl is not nil, and aof-base
// (1 in an AOF base or preamble, else 0).
func (e *Encoder) StandardAux(ver string, ctime, usedMem int64, repl *ReplInfo, aofBase bool) {
	e.Aux("redis-ver", ver)
	e.AuxInt("redis-bits", 64)
	e.AuxInt("ctime", ctime)
	e.AuxInt("used-mem", usedMem)
	if repl != nil {
		e.AuxInt("repl-stream-db", repl.StreamDB)
		e.Aux("repl-id", repl.ID)
		e.AuxInt("repl-offset", repl.Offset)
	}
	base := int64(0)
	if aofBase {
		base = 1
	}
	e.AuxInt("aof-base", base)
}

// Function appends a FUNCTION2 item: the full library source, including
// its "#!lua name=..." first line.
func (e *Encoder) Function(code string) {
	e.buf = append(e.buf, OpFunction)
	e.Str(code)
}

// SelectDB appends a SELECTDB opcode.
func (e *Encoder) SelectDB(n uint64) {
	e.buf = AppendLen(append(e.buf, OpSelectDB), n)
}

// ResizeDB appends a RESIZEDB hint: the number of keys in the current
// database and how many of them have an expire.
func (e *Encoder) ResizeDB(keys, expires uint64) {
	e.buf = AppendLen(AppendLen(append(e.buf, OpResizeDB), keys), expires)
}

// ExpireMs appends an EXPIRETIME_MS opcode for the next key: an absolute
// unix time in milliseconds.
func (e *Encoder) ExpireMs(ms int64) {
	e.buf = AppendMillis(append(e.buf, OpExpireTimeMs), ms)
}

// Idle appends an IDLE opcode (LRU idle seconds) for the next key.
func (e *Encoder) Idle(sec uint64) {
	e.buf = AppendLen(append(e.buf, OpIdle), sec)
}

// Freq appends a FREQ opcode (LFU counter) for the next key.
func (e *Encoder) Freq(b byte) {
	e.buf = append(e.buf, OpFreq, b)
}

// Type appends a value type (or any opcode byte).
func (e *Encoder) Type(t byte) {
	e.buf = append(e.buf, t)
}

// Len appends a length.
func (e *Encoder) Len(n uint64) {
	e.buf = AppendLen(e.buf, n)
}

// String appends b with Redis's string rules (see [AppendString]),
// compressing when e.Compress is set.
func (e *Encoder) String(b []byte) {
	e.buf = appendString(e.buf, b, e.compressor(len(b)))
}

// Str is [Encoder.String] for a Go string.
func (e *Encoder) Str(s string) {
	e.buf = appendString(e.buf, s, e.compressor(len(s)))
}

// Int appends the string value of an integer the way Redis saves an
// int-encoded string object (see [AppendInt]).
func (e *Encoder) Int(v int64) {
	e.buf = AppendInt(e.buf, v)
}

// Double appends a binary double (ZSET_2 scores).
func (e *Encoder) Double(f float64) {
	e.buf = AppendDouble(e.buf, f)
}

// TextDouble appends an old-style text double (ZSET scores of type 3).
func (e *Encoder) TextDouble(f float64) {
	e.buf = AppendTextDouble(e.buf, f)
}

// Blob appends an encoded structure (listpack, intset, ...) as a string.
// Redis writes these with the same rules as any string, so a blob longer
// than 20 bytes is LZF-compressed when compression is on and it pays.
func (e *Encoder) Blob(b []byte) {
	e.String(b)
}

// CompressedBlob appends data that is already LZF-compressed (comp, which
// expands to origLen bytes) in the LZF string encoding. Redis writes
// quicklist nodes that are compressed in memory this way, whatever the
// compression setting.
func (e *Encoder) CompressedBlob(comp []byte, origLen int) {
	e.buf = AppendLZFString(e.buf, comp, origLen)
}

// EOF appends the EOF opcode and the CRC64 trailer, computed over the
// whole buffer, which must then hold the complete file from its header;
// with checksum false the trailer is 0. Use it to build a whole file in
// memory; streamed files end with [Writer.End] instead.
func (e *Encoder) EOF(checksum bool) {
	e.buf = append(e.buf, OpEOF)
	var crc uint64
	if checksum {
		crc = CRC64(0, e.buf)
	}
	e.buf = AppendMillis(e.buf, int64(crc))
}

func (e *Encoder) compressor(n int) *lzfCompressor {
	if !e.Compress || n <= 20 {
		return nil
	}
	if e.lzf == nil {
		e.lzf = new(lzfCompressor)
	}
	return e.lzf
}

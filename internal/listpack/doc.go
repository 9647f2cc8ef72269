// Package listpack implements Redis 7.0's listpack encoding byte for byte.
//
// A listpack is the compact, contiguous encoding Redis uses for small hashes,
// sorted sets and list nodes. Vesta keeps those values in memory in exactly
// this form so that an RDB file can carry them as raw blobs (RDB types 16,
// 17, 18 and 19) and so that the memory used per key stays close to Redis.
//
// # Byte layout
//
// All multi-byte header fields are little-endian.
//
//	+-------------+--------------+---------+---------+-----+------+
//	| total_bytes | num_elements | entry 0 | entry 1 | ... | 0xFF |
//	|   uint32    |    uint16    |         |         |     |      |
//	+-------------+--------------+---------+---------+-----+------+
//
// total_bytes counts the whole blob, header and terminator included, so an
// empty listpack is the 7 bytes 07 00 00 00 00 00 FF. num_elements is the
// entry count, or 65535 when the count does not fit; the count is then found
// by scanning and the field stays 65535 ("saturated").
//
// Each entry is its encoding byte(s) and data, followed by a backlen:
//
//	first byte    meaning                                  encoding+data size
//	0xxxxxxx      unsigned int 0..127                      1
//	10LLLLLL      string, length < 64                      1+len
//	110xxxxx x    signed 13-bit int, -4096..4095           2
//	1110LLLL L    string, length < 4096 (high nibble first) 2+len
//	0xF0 + u32    string, longer (length little-endian)    5+len
//	0xF1 + i16    signed 16-bit int                        3
//	0xF2 + i24    signed 24-bit int                        4
//	0xF3 + i32    signed 32-bit int                        5
//	0xF4 + i64    signed 64-bit int                        9
//	0xF5..0xFE    invalid
//	0xFF          terminator
//
// The backlen stores the encoding+data size so that the listpack can be
// walked from right to left. It is read from its last byte backwards, seven
// bits per byte: the rightmost byte holds the lowest seven bits, and every
// byte except the leftmost (most significant) has bit 7 set. Its length is 1
// byte for sizes up to 127, 2 below 16383, 3 below 2097151, 4 below
// 268435455 and 5 otherwise (these odd bounds are Redis's and are kept).
//
// # Choice of encoding
//
// An element is stored as an integer exactly when it is the canonical decimal
// text of an int64 (the rule of Redis's string2ll: no sign '+', no leading
// zeros except "0" itself, "-0" is not canonical, no spaces), using the
// smallest integer form that holds it. Anything else is stored with the
// smallest string form. This makes the bytes we produce identical to the
// bytes Redis produces for the same sequence of operations; the tests compare
// against blobs dumped by a real redis-server 7.0.15 (see testdata/).
//
// # The Listpack type
//
// [Listpack] is a plain []byte rather than a struct. The header already holds
// everything a listpack needs to know about itself, so a struct would only add
// a second word of state to keep in sync; a slice costs nothing extra, can be
// handed to the RDB writer as-is through [Listpack.Bytes], and its capacity
// lets repeated appends grow in place the way append does. Like append, every
// mutating method returns the listpack to use from then on; the old value
// must not be used again because it may share (and have had overwritten) the
// same backing array. [Listpack.ShrinkToFit] drops spare capacity when memory
// matters more than future appends.
//
// # Positions
//
// Entries are addressed by their byte offset ("position") inside the
// listpack. [Listpack.First], [Listpack.Last], [Listpack.Next],
// [Listpack.Prev] and [Listpack.Seek] return positions, and -1 when there is
// no such entry. [Listpack.Get] decodes the entry at a position without
// allocating: a string entry is returned as a sub-slice of the listpack, an
// integer entry as an int64. A position is only valid until the next
// mutation; mutating methods that need to hand one back say so.
//
// # Trust
//
// Reading and mutating methods assume a well-formed listpack: one built by
// this package, or one accepted by [Validate] with deep set. Bytes from disk
// or the network must go through Validate first; Validate never panics and
// never allocates according to a length it has not checked. On a listpack
// that has not been validated, other methods may return garbage or panic.
// A mutation whose result would exceed [MaxBytes] (4 GiB, the limit of the
// 32-bit header) panics; callers convert to a larger encoding long before
// that, and [EntrySize] lets them check sizes up front.
//
// # Layout helpers
//
// Hashes store field,value pairs and sorted sets store member,score pairs,
// both as consecutive entries. [Listpack.HashFind], [Listpack.HashSet] and
// [Listpack.HashDelete] implement Redis's hash operations on that layout;
// [Listpack.ZsetAdd], [Listpack.ZsetInsert], [Listpack.ZsetDelete] and
// [AppendScore] implement the sorted-set layout, where entries are kept in
// ascending score order (ties by member bytes) and a score is stored as an
// integer when it is integral and within ±2^62, else as the %.17g text Redis
// 7.0 writes ("1.5", "0.10000000000000001", "1e+20", "inf").
package listpack

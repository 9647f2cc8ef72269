// Package ziplist converts Redis's legacy ziplist and zipmap encodings into
// listpacks. It is load-only: Redis 7.0 never writes these encodings, but it
// still loads them from old RDB files (types 9, 10, 12, 13 and 14), and so
// does Vesta. Every input is validated in full before anything is built, and
// the output is sized from what was validated, never from a claimed length.
//
// # Ziplist layout
//
// Header fields are little-endian.
//
//	+---------+--------+--------+---------+-----+---------+------+
//	| zlbytes | zltail | zllen  | entry 0 | ... | entry n | 0xFF |
//	| uint32  | uint32 | uint16 |         |     |         |      |
//	+---------+--------+--------+---------+-----+---------+------+
//
// zlbytes is the whole blob's size, zltail the offset of the last entry (10
// when empty), zllen the entry count or 65535 when it must be counted.
// Each entry is <prevlen><encoding><data>:
//
//   - prevlen is the previous entry's total size: one byte if below 254,
//     else 0xFE and a uint32 LE. A 5-byte prevlen may hold a small value
//     (Redis never shrinks it).
//   - encoding, by its first byte:
//     00LLLLLL string of up to 63 bytes;
//     01LLLLLL LLLLLLLL string, 14-bit length, big-endian;
//     10xxxxxx + 4 bytes string, 32-bit big-endian length;
//     0xC0 int16, 0xD0 int32, 0xE0 int64, 0xF0 int24, 0xFE int8 (data
//     little-endian); 0xF1..0xFD the values 0..12 with no data.
//     Any other byte is invalid.
//
// # Zipmap layout
//
//	<count> { <len>key <len><free>value <free unused bytes> } 0xFF
//
// count is one byte (254 or more means unknown). Each len is one byte if
// below 254, else a marker byte (254, or 255 where a value length is
// expected) followed by a uint32 LE of at least 254; free is one byte.
//
// # Validation
//
// The checks are Redis 7.0's deep checks (ziplistValidateIntegrity and
// zipmapValidateIntegrity), plus, for the pair layouts of hashes and sorted
// sets, an even entry count and no duplicate field, as Redis's loader
// requires. Like Redis, an empty ziplist is valid (the caller skips the key)
// while an empty zipmap is not.
package ziplist

// Package intset implements Redis 7.0's intset encoding byte for byte.
//
// An intset is the compact form Redis uses for sets whose members are all
// integers (up to set-max-intset-entries, 512 by default). RDB type 11
// stores it as a raw blob, so Vesta keeps such sets in exactly this form.
//
// # Byte layout
//
// All fields are little-endian.
//
//	+----------+--------+-----------+-----------+-----+
//	| encoding | length | element 0 | element 1 | ... |
//	|  uint32  | uint32 |           |           |     |
//	+----------+--------+-----------+-----------+-----+
//
// encoding is the size in bytes of every element: 2 (int16), 4 (int32) or 8
// (int64). length is the number of elements, which follow as signed
// integers of that size in strictly ascending order. The blob is exactly
// 8 + length*encoding bytes. {1, 2, 3} is
//
//	02 00 00 00  03 00 00 00  01 00  02 00  03 00
//
// The encoding is the smallest that holds every element ever added: adding
// a value that does not fit upgrades every element to the wider size, and
// removing elements never downgrades it. That history is part of the bytes,
// so [IntSet.Add] and [IntSet.Remove] follow Redis exactly.
//
// # The IntSet type
//
// [IntSet] is a plain []byte for the same reasons as listpack.Listpack: the
// header holds all the state, the blob can be handed to the RDB writer
// as-is, and mutating methods return the value to use from then on, like
// append. Methods other than [Validate] assume a well-formed intset; bytes
// from outside must pass Validate first.
package intset

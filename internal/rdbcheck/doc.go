// Package rdbcheck verifies an RDB file completely, the way redis-check-rdb
// does, and reports what it holds. Both vesta-check-rdb and vesta-check-aof
// (for the RDB part of an AOF base) are thin printers over [Check]; the
// server can call it too, when loading a file fails, to log a precise
// diagnosis.
//
// # What is checked
//
// [Check] walks every item with the streaming [rdb.Reader]: the header
// ("REDIS" and a version of 1 to 10), every opcode and string encoding, LZF
// payloads, and the CRC64 trailer. On top of the framing it validates every
// value the way Redis's loader does with deep sanitisation on (which is what
// redis-check-rdb runs):
//
//   - listpacks (hashes, sorted sets, quicklist nodes): header size, every
//     entry's encoding and backlen, the count, and for hashes and sorted
//     sets an even number of entries and no repeated field or member;
//   - intsets: a valid encoding, an exact size, strictly ascending elements,
//     at least one element;
//   - ziplists and zipmaps of old files: every entry, prevlen and count,
//     pairs and uniqueness for hashes and sorted sets;
//   - plain sets, hashes and sorted sets: no repeated member or field, and
//     no NaN score;
//   - streams: every node in full (the master entry, each entry's flags,
//     ID deltas, fields and lp-count, the live and deleted counts, IDs
//     ascending), the length and last ID against the entries, groups,
//     PELs and consumers (internal/types/stream's decoder).
//
// Module values are stepped over by their framing and counted as
// unsupported: the file is valid, but Vesta does not load such keys.
// An empty collection is valid too (loaders skip it with a warning) and is
// counted apart.
//
// Checking stops at the first problem. The [Report] then holds what was
// read before it and a [*Error] giving the offset, the key and the reason.
//
// # Output
//
// [Report.WriteTo] prints the report in the shape of redis-check-rdb's
// output, so that people and scripts used to it can read it:
//
//	[offset 0] Checking RDB file dump.rdb
//	[offset 27] AUX FIELD redis-ver = '7.0.15'
//	[offset 82] Selecting DB ID 0
//	[offset 329] Checksum OK
//	[offset 329] \o/ RDB looks OK! \o/
//	[info] 11 keys read
//	[info] 1 expires
//	[info] 0 already expired
//
// followed by Vesta's own lines (keys per database and type, warnings about
// content Vesta cannot load). On failure the block starts with
// "--- RDB ERROR DETECTED ---" as in Redis.
package rdbcheck

// Package aof reads and writes Redis 7.0's append-only files: the RESP
// command log of an incr (or RESP base) file, and the directory of base, incr
// and history files that a manifest describes.
//
// # Record format
//
// An AOF is a sequence of commands, each a RESP array of bulk strings, with
// optional annotation lines:
//
//	#TS:1795324319\r\n                   annotation (aof-timestamp-enabled), skipped by loaders
//	*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n     the database of the commands that follow
//	*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n
//
// A base file may instead start with an RDB image ("REDIS0010…", see package
// rdb); RESP commands may follow the RDB's checksum (the old preamble form).
//
// # What can go wrong, and what it means
//
// [Reader] distinguishes three endings, because they call for different
// recovery:
//
//   - a clean end after a whole command: io.EOF;
//   - the file ends inside a command (a torn last write): [ErrTruncated],
//     with the offset of the end of the last whole command, which is where
//     the file can be cut;
//   - bytes that cannot be a command (a line that does not start with '*' or
//     '$', a bad number): [ErrCorrupt], with the offset of the bad record.
//     Truncation must never be applied to corruption.
//
// As in Redis's loader, the two bytes after each argument are skipped
// without being checked, and a command must have at least one argument.
//
// # Writing
//
// [Writer] appends commands to an in-memory buffer under the server lock and
// makes them durable with group commit; see its documentation for the fsync
// policies.
package aof

// Package aofcheck checks append-only files the way redis-check-aof does,
// tells a torn tail (which may be cut) from corruption (which must not
// be), and performs the two repairs an operator may ask for: cutting a
// torn tail ([Fix]) and cutting the log at a point in time
// ([TruncateToTimestamp]). vesta-check-aof prints what this package
// finds; the server can call [Diagnose] when loading fails.
//
// # Inputs
//
// [Check] accepts what redis-check-aof accepts ([Detect]):
//
//   - a manifest (its first line that is not a '#' comment starts with
//     "file"): the base and every incr file it lists are checked in load
//     order, found in the manifest's directory; history files are not;
//   - a file of at least 8 bytes starting with "REDIS": an RDB image,
//     checked completely by package rdbcheck, then RESP commands up to the
//     end (an old preamble AOF, or a .base.rdb given on its own);
//   - anything else: an old-style RESP AOF.
//
// # The RESP check
//
// It is stricter than the loader, as redis-check-aof is:
//
//	#<text>\r\n                 an annotation (at most 1023 bytes with its \n)
//	*<argc>\r\n                 argc ≥ 1, then argc times:
//	$<len>\r\n<len bytes>\r\n   0 ≤ len ≤ 4 GiB
//
// Every number is an optional sign and decimal digits followed by exactly
// "\r\n" (the loader accepts a bare "\n" and skips the two bytes after a
// payload unchecked). A MULTI inside a MULTI and an EXEC outside one are
// errors; a file ending inside a MULTI is reported as "Reached EOF before
// reading EXEC for MULTI".
//
// The check of a file stops at the first problem. [Result.OKUpTo] is the
// start of the bad record, or of the unclosed MULTI that holds it: the
// size the file would have if it were cut. Beyond redis-check-aof, which
// only reports that offset, the verdict is one of:
//
//   - StatusTruncated: the file ends where the check stopped: inside a
//     command, inside an annotation line or with a MULTI open; or the
//     offending byte is in a run of zero bytes that ends the file (a file
//     system may expose a torn write that way). Only the unfinished record
//     is lost by cutting.
//   - StatusCorrupt: anything else. Data follows the damage, and cutting
//     would throw it away, so Report.FixTarget refuses. A MULTI left open
//     at the end of the file counts as corrupt, not torn, when a "#"
//     annotation lies inside it: Redis writes a transaction in one piece
//     after its timestamp, so the EXEC is missing, and the commands after
//     it would be lost by a cut.
//
// A truncated file other than the last one is not fixable either: the
// later files hold writes made after the lost ones.
//
// # Differences from redis-check-aof 7.0.15
//
// Deliberate, each to avoid a wrong verdict:
//
//   - "*0", "*-1" and numbers with spaces are errors (Redis's checker
//     accepts them, its loader and Vesta's refuse them);
//   - an annotation cut by the end of the file is reported as truncated
//     (Vesta's loader cuts it);
//   - ok_up_to_line is the line at ok_up_to, counted per file (Redis
//     prints the line where checking stopped, counted across files);
//   - only the first non-comment line decides whether a file is a
//     manifest (Redis takes any line starting with "file");
//   - every file is checked and reported, not only up to the first bad
//     one;
//   - a timestamp cut that falls at offset 0 of a last file that has files
//     before it empties that file (Redis refuses); at offset 0 of the first
//     file it is refused, as in Redis.
//
// # Repairs
//
// Both repairs keep what they cut: [Fix] in <file>.broken and
// [TruncateToTimestamp] in <file>.after-<time>, written and fsynced before
// the file is truncated and fsynced, through package vfs. The server must
// be stopped meanwhile.
package aofcheck

// Package manifest reads and writes the manifest of Redis 7.0's multi-part
// append-only file, byte for byte as Redis 7.0.15 does.
//
// The AOF directory (appenddirname, default "appendonlydir") holds one base
// file, zero or more incr files and possibly history files, all named from
// the appendfilename prefix F (default "appendonly.aof"):
//
//	F.manifest                  this package's file
//	F.<seq>.base.rdb            base, RDB format (aof-use-rdb-preamble yes)
//	F.<seq>.base.aof            base, RESP format (preamble no)
//	F.<seq>.incr.aof            incr, RESP command log; only the last is written to
//	temp-F.manifest             the manifest while it is being replaced
//	temp-F.incr                 incr written while AOF is being switched on
//
// Base and incr sequence numbers are separate counters.
//
// # Format
//
// The manifest is text, one file per line, each line ending in "\n":
//
//	file appendonly.aof.2.base.rdb seq 2 type b
//	file appendonly.aof.1.incr.aof seq 1 type h
//	file appendonly.aof.1.base.rdb seq 1 type h
//	file appendonly.aof.2.incr.aof seq 2 type i
//
// Type b is the base, h a history file (a former base or incr, waiting to
// be deleted) and i an incr. [Manifest.Marshal] writes the base first, then
// history lines, then incr lines in sequence order, exactly as Redis does. A
// name holding a space, a quote, a backslash or a byte outside printable
// ASCII is written in double quotes with C escapes (\n \r \t \a \b \" \\ and
// \xhh with lower-case hex), for example
//
//	file "my aof.1.incr.aof" seq 1 type i
//
// Redis leaves an empty name and a name with a single quote unquoted,
// producing a manifest it cannot read back; Marshal quotes them.
//
// # Reader rules
//
// [Parse] accepts exactly what Redis 7.0.15 accepts:
//
//   - An empty file is an error. A file of only comments is an empty manifest.
//   - The file is read in pieces of at most 1024 bytes, each ending at a
//     newline if one comes first; every piece counts as a line. A piece
//     starting with '#' is a comment. Any other piece must end in '\n' (so a
//     line, newline included, is at most 1024 bytes, and the last line needs
//     its newline) and must not contain a NUL byte.
//   - After trimming spaces, tabs, CR and LF from both ends, the line must
//     not be empty.
//   - The line is split like a redis-cli command line: blanks separate
//     tokens; "double quotes" allow the escapes above; 'single quotes' allow
//     \'; a closing quote must be followed by a blank or the end; a quote
//     may also open in the middle of a token (a"b c" is the token "ab c").
//     Unbalanced quotes are an error. A token is cut at its first NUL byte,
//     as C string handling in Redis does.
//   - There must be an even number of tokens, at least six: key value pairs.
//     Keys file, seq and type are matched ignoring ASCII case; other keys are
//     ignored; a repeated key overrides the earlier value.
//   - The file value must not contain '/' or '\'. It may be empty.
//   - The seq value is read like C's atoll (leading blanks, a sign, digits up
//     to the first other byte, saturating at the int64 range) and must not
//     be 0. The type is the first byte of its value, which must not be empty.
//   - There is at most one base. Incr sequence numbers strictly increase,
//     starting above 0. Types other than b, h and i are errors.
//
// A refused line is reported as a *[ParseError] naming the line and wrapping
// one of the sentinel errors; an empty file gives [ErrEmpty] itself.
package manifest

// Package glob implements the glob dialect that Redis uses for KEYS, SCAN
// MATCH, PSUBSCRIBE, CONFIG GET and friends, with the exact answers of Redis
// 7.0.15 (stringmatchlen in src/util.c), odd patterns included.
//
// # Syntax
//
// Matching works on bytes, never on runes: '?' consumes one byte, whatever
// encoding the key uses.
//
//	pattern  matches
//	*        any run of bytes, the empty run included
//	?        exactly one byte
//	[abc]    one byte from the set
//	[^abc]   one byte not in the set
//	[a-z]    one byte in the range; a reversed range [z-a] means [a-z]
//	\x       the byte x itself, also inside a class
//
// With nocase set, letters compare case-insensitively in the ASCII (C locale)
// sense only: 'A'..'Z' fold to 'a'..'z' and every other byte is itself. An
// escaped byte inside a class (`[\x]`) is always compared exactly, as Redis
// does.
//
// # Odd patterns, as Redis answers them
//
//   - A subject must be non-empty for anything but the empty pattern to match
//     it: Match("*", "") is false. (KEYS * and SCAN without MATCH do not ask
//     the matcher, so the empty key is still listed by them.)
//   - A trailing lone backslash matches a literal backslash.
//   - An unterminated class "[abc" behaves as if the class were closed at the
//     end of the pattern; "[" alone at the end never matches, and "[^" alone
//     at the end matches any single byte.
//   - In "[a-]" the '-' starts a range whose end is ']', so the class is
//     open and runs to the end of the pattern.
//   - Range bounds compare as C's signed char: bytes 0x80..0xff sort before
//     0x00, so "[a-\xff]" means the signed interval [-1, 'a'].
//
// # Bounded work
//
// A naive backtracking matcher takes exponential time on patterns such as
// "*a*a*a*a*b" against a long run of 'a'. Like Redis, the matcher notes when
// the text after a star failed to match at every remaining position of the
// subject; no earlier star can then succeed by consuming more, so the whole
// search stops. This keeps the work polynomial in the pattern and subject
// lengths. Also like Redis, the recursion depth is capped: a pattern that
// needs more than 1000 nested stars reports no match (Redis 7.0.15 returns 0
// past that depth, and so do we, so the answers agree).
package glob

// Package zset implements Redis 7.0's sorted set as a pure data structure:
// members (byte strings) with float64 scores, ordered by score and then by
// member bytes, in the two encodings OBJECT ENCODING names.
//
// # Encodings
//
// A new set is a listpack ("listpack"): member, score, member, score …
// ascending, in Redis's exact bytes (see listpack.AppendScore for how scores
// are written). Lookups and inserts scan it, which is fast while it stays
// small. It converts to a skiplist ("skiplist") before a change would give
// it more than zset-max-listpack-entries members or a member longer than
// zset-max-listpack-value bytes (or a blob past 1 GiB, Redis's lpSafeToAdd),
// and it never converts back, however small it gets, as in Redis 7.0.
//
// Sets built in one go follow Redis's constructors:
//
//   - [Builder] (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, and RDB types ZSET and
//     ZSET_2) collects the result, then keeps it as a listpack if it is
//     within the limits, else as a skiplist;
//   - [NewSized] (ZRANGESTORE by rank) starts as a skiplist when the result
//     is known to be too big, else as a listpack filled by [ZSet.Add];
//   - [FromListpack] (RDB ZSET_LISTPACK and, after conversion, ZSET_ZIPLIST)
//     keeps the blob unless it has too many members; member lengths are not
//     checked, as in Redis's loader.
//
// # Negative zero
//
// A listpack writes an integral score as an integer, so -0 is stored as 0,
// while a skiplist keeps the float as given. ZSCORE and DEBUG DIGEST show
// the difference, and Vesta reproduces it: ZADD k INCR -0 m replies the -0 it
// was given but stores 0 in a listpack; converting a skiplist to a listpack turns
// its -0 scores into 0; Builder.Sorted (replies of ZUNION and friends) keeps
// them.
//
// # The skiplist
//
// The big encoding is Redis's zskiplist: Pugh's skiplist with P = 1/4 and at
// most 32 levels, whose links carry spans so that rank queries and rank
// ranges cost O(log n), plus a hash index from member to node. Two things
// differ, both to save memory:
//
//   - A node is one allocation holding the member header, the score, its
//     forward links and their spans (see node.go). Level-0 spans are not
//     stored (they are always 1), and there is no backward pointer: walking
//     from the highest score goes by rank, in chunks (walkRev), at O(log n)
//     per 64 members. Three nodes in four are then 48 bytes.
//   - The member index chains nodes through a pointer inside each node, so it
//     costs 8 bytes per bucket and no allocation per member. It resizes
//     incrementally like Redis's dict and scans with Redis's reverse-binary
//     cursor, which ZSCAN needs: every member present for a whole scan is
//     returned even if the index grows or shrinks meanwhile.
//
// # Memory
//
// A 1M-member set of members "member:0" … "member:999999" (8 to 14 bytes)
// with distinct scores costs about 78 bytes per member of live Go heap
// (TestMemoryPerMember). In a running vesta-server the same ZADDs raise
// used_memory by about 84 bytes per member and RSS by about 89; redis-server
// 7.0.15 (jemalloc) needs 110 and 116 (INFO memory used_memory and
// used_memory_rss deltas, measured on the same machine).
//
// # Callbacks
//
// Iterating methods pass members as byte slices that are only valid during
// the call and must not be modified; a listpack's integer members are
// formatted into a scratch buffer.
package zset

// Package keyspace holds the dataset: numbered databases, each a [Dict] of
// keys to values with optional expiry times, and the machinery that lets a
// snapshot see the dataset as it was at one instant while clients keep
// writing.
//
// # Concurrency
//
// Nothing here locks. The server serialises every access under one mutex
// (see docs/ARCHITECTURE.md); background work such as a snapshot walker takes
// that same mutex for short steps.
//
// # The hash table
//
// [Dict] is a chained hash table with power-of-two sizes and Redis-style
// incremental rehashing: while it grows or shrinks, two tables exist and
// every write (plus the server's cron) moves a few buckets from the old one to
// the new one. Lookups consult both tables. Reads never move buckets, so a
// read never changes the structure. SCAN uses Redis's reverse-binary cursor,
// which visits every bucket of the smaller table and all of its expansions in
// the larger one, so a key present for the whole scan is returned at least
// once even while the table is resized.
//
// Keys with a TTL are also listed in a dense array (index kept in the entry),
// which gives O(1) uniform sampling for the active expiry cycle and O(1)
// removal.
//
// # Point-in-time snapshots without fork
//
// Every bucket carries a version, shared by groups of 8 neighbouring
// buckets (verGroup: what is said here of a bucket holds of its group,
// which is serialised as one). Starting a snapshot takes a new cut number
// C from a counter and attaches a tracker to each database's Dict. A bucket
// whose version is below C has not been serialised yet. Two things
// serialise a bucket, and both then set its version to C:
//
//   - the snapshot's walker, which visits the buckets in order in small steps
//     under the server lock;
//   - any write that is about to change the bucket: inserting or deleting a
//     key, changing a value or a TTL in place, or a rehash step moving
//     entries out of or into it. The write first hands the bucket's current
//     entries to the snapshot (Dict.touch), then proceeds.
//
// So every entry that existed at the cut is serialised exactly once, with the
// value it had at the cut, and nothing written after the cut is: a new key
// lands in a bucket that is serialised (without it) before the insert, and
// buckets created after the cut start at version C. The cost of a snapshot is
// the serialised bytes waiting in buffers, not a copy of the dataset.
//
// FLUSHDB and SWAPDB work on whole Dicts: a snapshot keeps references to the
// Dict objects it started with, so a flushed Dict is simply left to the
// walker, and swapped Dicts keep the database number they had at the cut.
package keyspace

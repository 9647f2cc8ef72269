// Package dict is the hash table behind the "hashtable" encoding of sets and
// hashes: a chained table of immutable strings with power-of-two sizes,
// incremental rehashing and Redis's reverse-binary SCAN cursor.
//
// # Entries
//
// Every element is one node of 24 bytes (next pointer and string header) plus
// one string allocation. A set member is stored as is. A hash field and its
// value share one string: the field's length as a uvarint, the field, then
// the value. So a hash field costs a node, its bucket slot and one allocation
// holding field and value together, which keeps the memory per field close
// to Redis's dictEntry plus two sds strings.
//
// # Resizing
//
// The table grows when it holds as many entries as buckets and shrinks when
// fewer than a tenth of the buckets are used (Redis's rules for set and hash
// dicts). A resize allocates the new bucket array and then moves a few
// buckets on every later write, as Redis does, so that no single command pays
// for moving a large table. Reads never move buckets.
//
// # Scanning
//
// [Dict.Scan] implements the SCAN contract with Redis's cursor: it walks bucket
// indexes with the bits reversed, so an element present from the first call
// to the last is returned at least once even if the table grows or shrinks
// between calls (elements may be returned more than once). A Go map cannot
// offer this: its iteration order is randomised per iteration and it has no
// position that survives a resize, which is why the hashtable encodings use
// this table and not a map.
//
// # Random elements
//
// [Dict.Random] draws a random bucket and a random position below a small
// bound and retries on a miss, which makes every element equally likely
// unless its chain is unusually long (rejection sampling; Redis picks a
// random element of a random non-empty bucket, which is less fair).
package dict

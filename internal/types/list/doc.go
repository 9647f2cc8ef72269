// Package list is Vesta's list value: a quicklist, the structure Redis 7.0
// uses for every list, rebuilt in Go with the same node layout so that the
// RDB writer can emit a LIST_QUICKLIST_2 value straight from memory and so
// that memory per key stays close to Redis's.
//
// # Layout
//
// A [List] is a sequence of nodes. A node is either
//
//   - PACKED: a listpack (package listpack) holding one or more elements, or
//   - PLAIN: one raw element, for elements at or above the packed threshold
//     (1 GiB by default, see [SetPackedThreshold]).
//
// Redis links its nodes in a doubly linked list; Vesta keeps them in one
// slice with free room at both ends, so that pushing a node at either end is
// amortised O(1), locating an index walks a contiguous array, and a node
// costs 32 bytes (a slice header, a count and flags) like Redis's 32-byte
// quicklistNode. Inserting or removing a node in the middle moves the node
// headers on the shorter side; Redis's O(n) seek to reach the middle
// dominates that anyway.
//
// # Node fill
//
// The fill factor is list-max-listpack-size. A negative fill -1..-5 caps a
// node's listpack at 4, 8, 16, 32 or 64 KiB; a positive fill caps the number
// of elements per node, with an 8 KiB safety limit on the size. An element
// goes into an existing node when the node's size plus the element's length
// plus 8 bytes of estimated overhead stays within the limit (this is the
// estimate Redis 7.0.15 uses, checked against a real server: with the default
// fill -2 a node holds 2726 one-byte elements). Otherwise a new node is
// started. Inserting in the middle of a full node splits it, and the
// neighbourhood of the split is then merged where two neighbours fit in one
// node, following Redis's rules, so that node boundaries, and hence RDB bytes
// and DEBUG OBJECT's ql_nodes, match Redis for the same sequence of commands.
//
// # Compression
//
// list-compress-depth d > 0 keeps the d nodes at each end as plain listpacks
// and stores interior nodes LZF-compressed when that saves at least 8 bytes
// and the node is at least 48 bytes, as Redis does. A compressed node's data
// starts with its uncompressed size (4 bytes, little-endian) followed by the
// LZF bytes. Reads decompress into a scratch buffer and leave the node
// compressed; writes decompress the node, change it and compress it again.
// With d = 0 (the default) none of this code runs.
//
// # Ownership
//
// Element slices handed out by iterators and callbacks alias the list or a
// scratch buffer and are valid only until the next call or mutation; copy
// them to keep them. Elements passed in are copied.
package list

// Package persist connects the keyspace to the file formats: it serialises
// entries to RDB (SAVE, BGSAVE, AOF base files) and loads RDB files and AOF
// directories back into a keyspace.
//
// Serialising is driven by keyspace snapshots (see package keyspace): the
// snapshot hands every entry, once, to an [RDBSink], which encodes it into an
// in-memory chunk; the goroutine that owns the file takes the chunks under the
// server lock and writes them outside it. Loading streams through rdb.Reader
// and aof.Reader and inserts directly into the keyspace, yielding the server
// lock periodically so that clients get -LOADING instead of waiting; values
// of the collection types are built by the decoders of their type packages
// (DecodeObject dispatches by RDB type). The lifecycle around these (which
// file, when, in the background or not) is package engine's.
package persist

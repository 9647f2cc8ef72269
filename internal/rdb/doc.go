// Package rdb is the byte layer of Redis's RDB format, version 10, as
// written and read by Redis 7.0.15: Vesta's dump.rdb files load in real
// Redis, and Redis's files load in Vesta. The package knows bytes, not the
// keyspace: listpack, intset, ziplist and zipmap payloads pass through as
// opaque blobs that other packages decode and validate.
//
// The package has four parts: [CRC64] (Redis's Jones CRC-64), LZF
// ([LZFCompress], [LZFDecompress]), the encoders ([Encoder], [Writer], and
// Append* functions) and the streaming [Reader].
//
// # File layout
//
//	"REDIS0010"                  magic + version, 4 ASCII digits (readers: 1..10)
//	FA <str key> <str value>     AUX, repeated: redis-ver, redis-bits, ctime,
//	                             used-mem, [repl-stream-db, repl-id,
//	                             repl-offset], aof-base
//	F5 <str code>                FUNCTION2, one per library
//	FE <len db>                  SELECTDB, for each non-empty db in order
//	FB <len keys> <len expires>  RESIZEDB hint
//	[FC <int64 LE ms>]           EXPIRETIME_MS  } apply to the next key only
//	[F8 <len seconds>]           IDLE (LRU)     }
//	[F9 <byte>]                  FREQ (LFU)     }
//	<type> <str key> <value>     a key; repeated
//	FF                           EOF
//	<uint64 LE CRC64>            over every byte from 'R' to FF; 0 = not computed
//
// Opcodes may come in any order before a key. Old files may also hold FD
// <int32 LE seconds> (EXPIRETIME), F6 (7.0-rc FUNCTION: name, engine,
// len has-desc, [desc], code) and F7 (MODULE_AUX: len module-id, len 2,
// len when, module opcodes..., len 0). Versions below 5 have no CRC.
//
// # Lengths
//
//	00xxxxxx                     6-bit length (0..63)
//	01xxxxxx yyyyyyyy            14-bit length, big-endian
//	10000000 <uint32 BE>         32-bit length
//	10000001 <uint64 BE>         64-bit length
//	11xxxxxx                     not a length: special string encoding xxxxxx
//
// Writers use the shortest form.
//
// # Strings
//
//	<len n> <n bytes>            raw
//	C0 <int8>                    the decimal text of the integer
//	C1 <int16 LE>
//	C2 <int32 LE>
//	C3 <len clen> <len ulen> <clen bytes of LZF>
//
// Redis writes a string (key, value, member, blob) as an integer when it
// is the canonical decimal form of an int64 (no '+', no leading zeros, not
// "-0"), at most 11 bytes long and within int32; else as LZF when
// compression is on, it is longer than 20 bytes and LZF saves at least 4
// bytes; else raw. Readers accept every form everywhere.
//
// # LZF
//
//	000LLLLL <L+1 literal bytes>           L+1 = 1..32
//	LLLooooo oooooooo                      copy L+2 bytes (L = 1..6) from
//	                                       offset o+1 back (1..8192)
//	111ooooo <L-7> oooooooo                the same with L = 7..262
//
// Back-references may overlap the bytes they produce.
//
// # Values
//
//	0  STRING              <str>
//	1  LIST                <len n> n × <str>                    (load only)
//	2  SET                 <len n> n × <str>
//	3  ZSET                <len n> n × (<str> <text double>)    (load only)
//	4  HASH                <len n> n × (<str field> <str value>)
//	5  ZSET_2              <len n> n × (<str> <float64 LE>), highest score first
//	6  MODULE              opaque                               (cannot be skipped)
//	7  MODULE_2            <len module-id> module opcodes... <len 0>
//	9  HASH_ZIPMAP         <str zipmap>                         (load only)
//	10 LIST_ZIPLIST        <str ziplist>                        (load only)
//	11 SET_INTSET          <str intset>
//	12 ZSET_ZIPLIST        <str ziplist>                        (load only)
//	13 HASH_ZIPLIST        <str ziplist>                        (load only)
//	14 LIST_QUICKLIST      <len n> n × <str ziplist>            (load only)
//	15 STREAM_LISTPACKS    see STREAM_LISTPACKS_2, without the v2 fields
//	16 HASH_LISTPACK       <str listpack>
//	17 ZSET_LISTPACK       <str listpack>
//	18 LIST_QUICKLIST_2    <len n> n × (<len container> <str node>),
//	                       container 2 = PACKED (a listpack), 1 = PLAIN (one element)
//	19 STREAM_LISTPACKS_2  <len n> n × (<str 16-byte master id> <str listpack>)
//	                       <len items> <len last.ms> <len last.seq>
//	                       <len first.ms> <len first.seq> <len maxdel.ms>
//	                       <len maxdel.seq> <len entries-added>
//	                       <len groups> groups × (<str name> <len last.ms>
//	                       <len last.seq> <len entries-read>
//	                       <len pel> pel × (<16-byte id> <int64 LE time> <len count>)
//	                       <len consumers> consumers × (<str name>
//	                       <int64 LE seen> <len k> k × <16-byte id>))
//
// Text doubles are a length byte and ASCII ("%.17g", or an integer when
// integral within ±2^52); the lengths 253, 254 and 255 alone mean NaN,
// +inf and -inf. Module opcodes are 1 SINT and 2 UINT (a len), 3 FLOAT (4
// bytes), 4 DOUBLE (8 bytes), 5 STRING (a str), 0 EOF.
//
// # Reading
//
// [Reader] parses a stream item by item: [Aux], [SelectDB], [ResizeDB],
// [Function], [ModuleAux], *[Key] (its value decoded to the neutral
// [Value]) and finally [EOF] once the CRC matched. Errors are *[Error]
// values with the stream offset, wrapping [ErrCorrupt], [ErrTruncated],
// [ErrChecksum], [ErrVersion] or [ErrUnsupportedType]. Streams (types 15
// and 19) are decoded to [Stream] (nodes as they are, groups, PELs,
// consumers); module values are reported with ErrUnsupportedType and can
// be stepped over with [Reader.SkipValue]. No input makes the Reader panic, and a claimed length
// never causes an allocation of that size before the bytes arrive: buffers
// grow as data is read, and an optional total-size hint refuses
// impossible claims at once. LZF output is allocated only after the
// compressed bytes were read, and LZF cannot expand more than 88-fold.
//
// # Writing, and snapshots in chunks
//
// Encoding and output are split so that a snapshot can be serialised in
// parallel and written by another goroutine:
//
//   - [Encoder] appends items to a []byte. It does no I/O and keeps no
//     checksum, so any number of Encoders can each serialise a part of
//     the keyspace (say one bucket range) into chunks. [Encoder.Take]
//     hands a finished chunk over without copying.
//   - [Writer] owns the io.Writer and the running CRC64. It has the same
//     encoding methods as Encoder (writing straight into its buffer), and
//     accepts pre-encoded chunks with [Writer.Write], which checksums the
//     bytes as they pass, or [Writer.WriteChunk], which takes the chunk's
//     own CRC, computed by the goroutine that produced it, and folds it
//     in with [CRC64Combine] in O(log n) without reading the chunk again.
//     [Writer.End] writes FF and the trailer.
//
// Because the CRC is a plain function of the byte sequence, the file is the
// same whether it was written by one Writer in one pass or assembled from
// chunks: only the order of the chunks matters. A typical snapshot:
//
//	w := rdb.NewWriter(f, rdb.WriterOptions{})
//	w.Header()
//	w.WriteStandardAux(rdb.RedisVersion, now, usedMem, false)
//	w.SelectDB(0)
//	w.ResizeDB(keys, expires)
//	for chunk := range chunks { // produced by Encoders elsewhere
//		w.WriteChunk(chunk.Bytes, chunk.CRC)
//	}
//	err := w.End() // then fsync and rename
//
// Writer errors are sticky, so checking the error of End is enough.
package rdb

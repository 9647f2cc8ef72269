// Package digest computes the same dataset and value digests as Redis 7.0's
// DEBUG DIGEST and DEBUG DIGEST-VALUE commands, bit for bit, so that a Vesta
// dataset can be compared with a Redis dataset by a single 40-character hex
// string.
//
// The package knows nothing about the server: callers stream keys and values
// into a [Dataset], or ask for a single value's digest with [StringValue],
// [ListValue], [SetValue], [ZSetValue], [HashValue] and [StreamValue].
// Collection elements are supplied through Go iterators, so no copy of a value
// is ever built.
//
// # Building blocks
//
// Everything is made of SHA-1 (FIPS 180-1) and two operations on a 20-byte
// state d:
//
//	xor(d, b):  d = d XOR SHA1(b)          order-independent ("add" an element)
//	mix(d, b):  d = SHA1(d XOR SHA1(b))    order-dependent (chain an element)
//
// Because mix feeds the state back into SHA-1, mix("foo") followed by
// mix("bar") differs from mix("fo") followed by mix("obar"). Note that xor
// hashes its input: element and key digests below are hashed once more as
// they are added to their container.
//
// # Value digest (DEBUG DIGEST-VALUE)
//
// A value digest starts from 20 zero bytes and is built as follows:
//
//	mix(be32(type))                     type: string 0, list 1, set 2, zset 3,
//	                                    hash 4, stream 6; be32 is 4 bytes,
//	                                    big-endian (network order)
//	string:  mix(value)
//	list:    mix(elem) for each element, head to tail
//	set:     xor(member) for each member
//	zset:    xor(e) for each member, where e starts at zero and is
//	         mix(member) then mix(score formatted as C "%.17g")
//	hash:    xor(e) for each field, where e starts at zero and is
//	         mix(field) then mix(value)
//	stream:  for each entry in ID order: mix("<ms>.<seq>") in decimal,
//	         then mix(field), mix(value) for each of its fields in order
//	expire:  xor("!!expire!!") if the key has a time to live
//
// The key name is not part of DEBUG DIGEST-VALUE, and only the presence of an
// expire counts, never its time. A missing key digests to 40 zeros.
//
// # Dataset digest (DEBUG DIGEST)
//
// The dataset digest F starts from 20 zero bytes. For each database in
// ascending id order that holds at least one key, Redis first performs
// mix(F, be32(id)) and then, for every key in any order, xor(F, k) where k is
// the key digest: a state that starts at zero, gets mix(keyname) and then
// continues exactly as the value digest above. An empty dataset is therefore
// 40 zeros, and an empty database leaves F untouched. [Dataset.DB] only
// remembers the id and performs the mix when the first key of that database
// arrives, so callers may announce every database, empty or not.
//
// # Encodings and quirks
//
// Redis decodes every compact encoding before hashing: integers held in
// listpacks and intsets, and integer-encoded strings, are hashed as their
// decimal text, which is the exact text the client sent, because Redis only
// stores canonical decimal text as an integer. The encodings therefore do not
// change the result, and callers pass the bytes a client would read back.
//
// Scores are formatted with C's "%.17g" (a 128-byte buffer, far more than the
// at most 24 characters the format produces); infinities print as "inf" and
// "-inf". One quirk comes from the zset encodings rather than from the
// digest: a listpack-encoded zset stores a score of negative zero as 0, while a
// skiplist-encoded zset keeps -0 and it digests as "-0". Callers must pass the
// score the way their zset holds it (ZSCORE replies "0" or "-0" accordingly),
// and a zset that models Redis's listpack behaviour must store +0.
//
// Redis walks its key tables directly, so a key whose time to live has passed
// but which expiry has not yet removed still counts, in DEBUG DIGEST and in
// DEBUG DIGEST-VALUE alike. Callers comparing with Redis decide whether to
// feed such keys.
//
// Module values (type 5) are not supported.
//
// # Cost
//
// A string key costs six SHA-1 computations (the type code and the expire
// marker are hashed once, at start-up) and no allocation. Collections are
// folded by calling the caller's iterator with yield functions bound once per
// Dataset, so a Dataset allocates only once however many keys it sees.
package digest

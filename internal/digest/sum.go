package digest

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
)

// Sum is a 20-byte digest in the form Redis computes it.
type Sum [20]byte

// String returns the digest as 40 lowercase hex characters, exactly as
// DEBUG DIGEST and DEBUG DIGEST-VALUE reply with it.
func (s Sum) String() string {
	var buf [2 * len(s)]byte
	hex.Encode(buf[:], s[:])
	return string(buf[:])
}

// AppendHex appends the 40 lowercase hex characters of the digest to dst and
// returns the extended slice; it lets a reply writer avoid String's
// allocation.
func (s Sum) AppendHex(dst []byte) []byte {
	return hex.AppendEncode(dst, s[:])
}

// IsZero reports whether the digest is all zeros, which is what Redis returns
// for an empty dataset and for a missing key.
func (s Sum) IsZero() bool {
	return s == Sum{}
}

// xor folds the SHA-1 of b into s. Elements combined this way may arrive in
// any order.
func (s *Sum) xor(b []byte) {
	s.xorHash(sha1.Sum(b))
}

// xorHash folds an already computed SHA-1 h into s.
func (s *Sum) xorHash(h [sha1.Size]byte) {
	for i := range s {
		s[i] ^= h[i]
	}
}

// mix folds the SHA-1 of b into s and then replaces s by its own SHA-1, so
// that the order of mixed elements matters.
func (s *Sum) mix(b []byte) {
	s.mixHash(sha1.Sum(b))
}

// mixHash is mix for an already computed SHA-1 h.
func (s *Sum) mixHash(h [sha1.Size]byte) {
	s.xorHash(h)
	*s = sha1.Sum(s[:])
}

// be32Hash returns the SHA-1 of v written as 4 big-endian bytes, which is how
// Redis hashes database ids and type codes.
func be32Hash(v uint32) [sha1.Size]byte {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return sha1.Sum(b[:])
}

package digest_test

import (
	"iter"
	"math"
	"slices"

	"github.com/vestadb/vesta/internal/digest"
)

// farFuture is an absolute expire time (2100-01-01) used by keys with a TTL.
const farFuture = 4102444800000

// elems returns an iterator over the given strings as byte slices.
func elems(ss ...string) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for _, s := range ss {
			if !yield([]byte(s)) {
				return
			}
		}
	}
}

// pairs returns an iterator over alternating field, value strings.
func pairs(kv ...string) iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		for i := 0; i+1 < len(kv); i += 2 {
			if !yield([]byte(kv[i]), []byte(kv[i+1])) {
				return
			}
		}
	}
}

// zmember is one sorted set member and its score.
type zmember struct {
	member string
	score  float64
}

// zmembers returns an iterator over the given member/score pairs.
func zmembers(ms ...zmember) iter.Seq2[[]byte, float64] {
	return func(yield func([]byte, float64) bool) {
		for _, m := range ms {
			if !yield([]byte(m.member), m.score) {
				return
			}
		}
	}
}

// sentry is one stream entry for the tests.
type sentry struct {
	id     digest.StreamID
	fields []string
}

// sentries returns an iterator over the given stream entries.
func sentries(es ...sentry) iter.Seq2[digest.StreamID, [][]byte] {
	return func(yield func(digest.StreamID, [][]byte) bool) {
		var buf [][]byte
		for _, e := range es {
			buf = buf[:0]
			for _, f := range e.fields {
				buf = append(buf, []byte(f))
			}
			if !yield(e.id, buf) {
				return
			}
		}
	}
}

// reversed returns the strings in reverse order.
func reversed(ss ...string) []string {
	out := slices.Clone(ss)
	slices.Reverse(out)
	return out
}

var negZero = math.Copysign(0, -1)

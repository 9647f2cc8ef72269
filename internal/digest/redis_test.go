package digest_test

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/digest"
)

// These tests compare the package with a live redis-server 7.0. They skip
// when redis-server is not installed, unless CI=true.

// TestFixturesMatchRedis replays every fixture against Redis and checks that
// the recorded want values, and the package, agree with the live server.
func TestFixturesMatchRedis(t *testing.T) {
	rs := startRedis(t)
	for _, fx := range datasetFixtures {
		t.Run("dataset/"+fx.name, func(t *testing.T) {
			rs.must(t, "FLUSHALL")
			rs.must(t, "SELECT", "0")
			for _, c := range fx.cmds {
				rs.must(t, c...)
			}
			rs.must(t, "SELECT", "0")
			redis := rs.mustString(t, "DEBUG", "DIGEST")
			if redis != fx.want {
				t.Errorf("fixture want is %s, but redis-server says %s", fx.want, redis)
			}
			var d digest.Dataset
			fx.feed(&d)
			if got := d.Sum().String(); got != redis {
				t.Errorf("got %s, want %s (redis-server)", got, redis)
			}
		})
	}
	for _, fx := range valueFixtures {
		t.Run("value/"+fx.name, func(t *testing.T) {
			rs.must(t, "FLUSHALL")
			rs.must(t, "SELECT", "0")
			for _, c := range fx.cmds {
				rs.must(t, c...)
			}
			if fx.encoding != "" {
				if enc := rs.mustString(t, "OBJECT", "ENCODING", "k"); enc != fx.encoding {
					t.Errorf("OBJECT ENCODING k: got %s, want %s", enc, fx.encoding)
				}
			}
			replies := rs.mustStrings(t, "DEBUG", "DIGEST-VALUE", "k")
			if len(replies) != 1 {
				t.Fatalf("DEBUG DIGEST-VALUE k: got %d replies, want 1", len(replies))
			}
			redis := replies[0]
			if redis != fx.want {
				t.Errorf("fixture want is %s, but redis-server says %s", fx.want, redis)
			}
			if got := fx.sum().String(); got != redis {
				t.Errorf("got %s, want %s (redis-server)", got, redis)
			}
		})
	}
}

// TestPopulateMatchesRedis checks the DEBUG POPULATE fixtures against the
// live server.
func TestPopulateMatchesRedis(t *testing.T) {
	rs := startRedis(t)
	for _, fx := range populateFixtures {
		if fx.slow {
			continue
		}
		t.Run(fmt.Sprintf("db=%d/n=%d/size=%d", fx.db, fx.n, fx.size), func(t *testing.T) {
			rs.must(t, "FLUSHALL")
			rs.must(t, "SELECT", strconv.Itoa(fx.db))
			args := []string{"DEBUG", "POPULATE", strconv.Itoa(fx.n), fx.prefix}
			if fx.size > 0 {
				args = append(args, strconv.Itoa(fx.size))
			}
			rs.must(t, args...)
			redis := rs.mustString(t, "DEBUG", "DIGEST")
			if redis != fx.want {
				t.Errorf("fixture want is %s, but redis-server says %s", fx.want, redis)
			}
			var d digest.Dataset
			fx.feed(&d)
			if got := d.Sum().String(); got != redis {
				t.Errorf("got %s, want %s (redis-server)", got, redis)
			}
		})
	}
}

// TestRandomDatasetsMatchRedis fills Redis with a varied random dataset per
// seed, reads it back through ordinary commands, feeds it to a Dataset and
// compares with DEBUG DIGEST, then compares every key with
// DEBUG DIGEST-VALUE.
func TestRandomDatasetsMatchRedis(t *testing.T) {
	rs := startRedis(t)
	encodings := map[string]bool{}
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			rs.must(t, "FLUSHALL")
			fillRandom(t, rs, seed)
			keys := readBack(t, rs, encodings)

			var d digest.Dataset
			for db := range 16 {
				d.DB(db)
				for _, k := range keys[db] {
					k.addTo(&d)
				}
			}
			rs.must(t, "SELECT", "0")
			want := rs.mustString(t, "DEBUG", "DIGEST")
			if got := d.Sum().String(); got != want {
				t.Errorf("DEBUG DIGEST: got %s, want %s", got, want)
			}

			for db := range 16 {
				if len(keys[db]) == 0 {
					continue
				}
				rs.must(t, "SELECT", strconv.Itoa(db))
				for batch := range slices.Chunk(keys[db], 100) {
					args := []string{"DEBUG", "DIGEST-VALUE"}
					for _, k := range batch {
						args = append(args, k.name)
					}
					wants := rs.mustStrings(t, args...)
					for i, k := range batch {
						if got := k.value().String(); got != wants[i] {
							t.Errorf("db %d key %q (%s): got %s, want %s", db, k.name, k.typ, got, wants[i])
						}
					}
				}
			}
			if t.Failed() {
				t.Logf("seed %d failed", seed)
			}
		})
	}
	for _, enc := range []string{
		"string/int", "string/embstr", "string/raw",
		"list/quicklist",
		"set/intset", "set/hashtable",
		"zset/listpack", "zset/skiplist",
		"hash/listpack", "hash/hashtable",
		"stream/stream",
	} {
		if !encodings[enc] {
			t.Errorf("random datasets never produced encoding %s; saw %v", enc, slices.Sorted(maps.Keys(encodings)))
		}
	}
}

// Value pools for the random datasets.
var (
	// Integer-looking texts: canonical ones are stored as integers by Redis,
	// the others stay strings.
	intTexts = []string{"0", "1", "-1", "42", "-7", "12345678", "9223372036854775807",
		"-9223372036854775808", "9223372036854775808", "007", "+5", "-0", " 1", "1.5", "1e3"}
	scores = []float64{0, 1, -1, 2, 0.5, 0.1, -0.25, 1.0 / 3, 123456789, -987654321.125,
		1e15, 1e16, 1e17, 1e300, -1e300, 1e-300, 5e-324, math.MaxFloat64,
		math.Inf(1), math.Inf(-1), negZero, 9007199254740993}
)

// randValue returns a random value: integer text, empty, short, binary or
// long.
func randValue(r *rand.Rand) string {
	switch r.IntN(8) {
	case 0:
		return intTexts[r.IntN(len(intTexts))]
	case 1:
		return strconv.FormatInt(r.Int64()>>r.IntN(64), 10)
	case 2:
		return ""
	case 3:
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return string(b)
	case 4:
		return strings.Repeat("x", 40+r.IntN(100))
	default:
		return "v" + strconv.Itoa(r.IntN(1000))
	}
}

// formatScore renders a score as ZADD accepts it.
func formatScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0 && math.Signbit(f):
		return "-0"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// randScore returns a score from the pool or a random one.
func randScore(r *rand.Rand) float64 {
	if r.IntN(2) == 0 {
		return scores[r.IntN(len(scores))]
	}
	return r.NormFloat64() * math.Pow(10, float64(r.IntN(30)-15))
}

// randSize returns a small size, or a size over the compact-encoding limits.
func randSize(r *rand.Rand) int {
	if r.IntN(4) == 0 {
		return 129 + r.IntN(500)
	}
	return 1 + r.IntN(10)
}

// fillRandom writes a random dataset into a few random databases.
func fillRandom(t *testing.T, rs *redisServer, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x7e57a))
	for _, db := range []int{0, 1 + r.IntN(7), 8 + r.IntN(8)} {
		rs.must(t, "SELECT", strconv.Itoa(db))
		for i := range 60 + r.IntN(60) {
			key := fmt.Sprintf("k:%d:%s", i, randValue(r))
			var args []string
			switch r.IntN(6) {
			case 0:
				args = []string{"SET", key, randValue(r)}
			case 1:
				args = []string{"RPUSH", key}
				for range randSize(r) {
					args = append(args, randValue(r))
				}
			case 2:
				args = []string{"SADD", key}
				ints := r.IntN(2) == 0
				n := randSize(r)
				if ints && r.IntN(3) == 0 {
					n += 512 // past set-max-intset-entries
				}
				for range n {
					if ints {
						args = append(args, strconv.FormatInt(r.Int64N(1<<40)-1<<39, 10))
					} else {
						args = append(args, randValue(r))
					}
				}
			case 3:
				args = []string{"ZADD", key}
				for range randSize(r) {
					args = append(args, formatScore(randScore(r)), randValue(r))
				}
			case 4:
				args = []string{"HSET", key}
				for range randSize(r) {
					args = append(args, randValue(r), randValue(r))
				}
				if r.IntN(4) == 0 {
					args = append(args, "big", strings.Repeat("b", 65+r.IntN(100)))
				}
			case 5:
				var ms, seq uint64
				n := 1 + r.IntN(5)
				for range n {
					if step := uint64(r.IntN(3)); step > 0 || ms == 0 {
						ms, seq = ms+1+step*uint64(r.IntN(1e6)), uint64(r.IntN(3))
					} else {
						seq++
					}
					args = []string{"XADD", key, fmt.Sprintf("%d-%d", ms, seq)}
					for range 1 + r.IntN(3) {
						args = append(args, randValue(r), randValue(r))
					}
					rs.must(t, args...)
				}
				if n > 1 && r.IntN(2) == 0 {
					rs.must(t, "XDEL", key, fmt.Sprintf("%d-%d", ms, seq))
				}
				args = nil
			}
			if args != nil {
				rs.must(t, args...)
			}
			if r.IntN(3) == 0 {
				rs.must(t, "PEXPIREAT", key, strconv.FormatInt(farFuture+r.Int64N(1e9), 10))
			}
		}
	}
}

// readKey is one key as read back from Redis with ordinary commands.
type readKey struct {
	name   string
	typ    string
	expire int64
	str    string
	elems  []string    // list elements, set members, hash field/value pairs
	scores []float64   // zset scores, parallel to elems
	stream []streamEnt // stream entries
}

type streamEnt struct {
	id     digest.StreamID
	fields []string
}

// addTo feeds the key into d.
func (k *readKey) addTo(d *digest.Dataset) {
	name := []byte(k.name)
	switch k.typ {
	case "string":
		d.String(name, []byte(k.str), k.expire)
	case "list":
		d.List(name, elems(k.elems...), k.expire)
	case "set":
		d.Set(name, elems(k.elems...), k.expire)
	case "zset":
		d.ZSet(name, k.zset(), k.expire)
	case "hash":
		d.Hash(name, pairs(k.elems...), k.expire)
	case "stream":
		d.Stream(name, k.entries(), k.expire)
	default:
		panic("unknown type " + k.typ)
	}
}

// value returns the key's DEBUG DIGEST-VALUE digest.
func (k *readKey) value() digest.Sum {
	switch k.typ {
	case "string":
		return digest.StringValue([]byte(k.str), k.expire)
	case "list":
		return digest.ListValue(elems(k.elems...), k.expire)
	case "set":
		return digest.SetValue(elems(k.elems...), k.expire)
	case "zset":
		return digest.ZSetValue(k.zset(), k.expire)
	case "hash":
		return digest.HashValue(pairs(k.elems...), k.expire)
	case "stream":
		return digest.StreamValue(k.entries(), k.expire)
	}
	panic("unknown type " + k.typ)
}

func (k *readKey) zset() func(func([]byte, float64) bool) {
	return func(yield func([]byte, float64) bool) {
		for i, m := range k.elems {
			if !yield([]byte(m), k.scores[i]) {
				return
			}
		}
	}
}

func (k *readKey) entries() func(func(digest.StreamID, [][]byte) bool) {
	es := make([]sentry, len(k.stream))
	for i, e := range k.stream {
		es[i] = sentry(e)
	}
	return sentries(es...)
}

// readBack reads every database's keys with SCAN, TYPE, PEXPIRETIME and the
// type's read command, and records which type/encoding pairs it saw.
func readBack(t *testing.T, rs *redisServer, encodings map[string]bool) [16][]*readKey {
	t.Helper()
	var out [16][]*readKey
	for db := range 16 {
		rs.must(t, "SELECT", strconv.Itoa(db))
		names := map[string]bool{}
		cursor := "0"
		for {
			reply := rs.must(t, "SCAN", cursor, "COUNT", "500").([]any)
			cursor = reply[0].(string)
			for _, n := range reply[1].([]any) {
				names[n.(string)] = true
			}
			if cursor == "0" {
				break
			}
		}
		for _, name := range slices.Sorted(maps.Keys(names)) {
			k := &readKey{name: name}
			k.typ = rs.mustString(t, "TYPE", name)
			k.expire = rs.mustInt(t, "PEXPIRETIME", name)
			enc := rs.mustString(t, "OBJECT", "ENCODING", name)
			encodings[k.typ+"/"+enc] = true
			switch k.typ {
			case "string":
				k.str = rs.mustString(t, "GET", name)
			case "list":
				k.elems = rs.mustStrings(t, "LRANGE", name, "0", "-1")
			case "set":
				k.elems = rs.mustStrings(t, "SMEMBERS", name)
			case "hash":
				k.elems = rs.mustStrings(t, "HGETALL", name)
			case "zset":
				flat := rs.mustStrings(t, "ZRANGE", name, "0", "-1", "WITHSCORES")
				for i := 0; i+1 < len(flat); i += 2 {
					sc, err := strconv.ParseFloat(flat[i+1], 64)
					if err != nil {
						t.Fatalf("ZRANGE %q: score %q: %v", name, flat[i+1], err)
					}
					k.elems = append(k.elems, flat[i])
					k.scores = append(k.scores, sc)
				}
			case "stream":
				for _, e := range rs.must(t, "XRANGE", name, "-", "+").([]any) {
					pair := e.([]any)
					ms, seq, ok := strings.Cut(pair[0].(string), "-")
					if !ok {
						t.Fatalf("XRANGE %q: bad id %q", name, pair[0])
					}
					var se streamEnt
					var err1, err2 error
					se.id.MS, err1 = strconv.ParseUint(ms, 10, 64)
					se.id.Seq, err2 = strconv.ParseUint(seq, 10, 64)
					if err1 != nil || err2 != nil {
						t.Fatalf("XRANGE %q: bad id %q", name, pair[0])
					}
					for _, f := range pair[1].([]any) {
						se.fields = append(se.fields, f.(string))
					}
					k.stream = append(k.stream, se)
				}
			default:
				t.Fatalf("key %q has unexpected type %q", name, k.typ)
			}
			out[db] = append(out[db], k)
		}
	}
	return out
}

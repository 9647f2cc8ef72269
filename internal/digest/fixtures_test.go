package digest_test

import (
	"math"
	"strconv"
	"strings"

	"github.com/vestadb/vesta/internal/digest"
)

// A datasetFixture is a dataset built in redis-server 7.0.15 by cmds (after
// FLUSHALL, starting in database 0), the same dataset fed to a Dataset, and
// the DEBUG DIGEST reply Redis gave for it. TestFixturesMatchRedis replays
// cmds against a live server to keep want honest.
type datasetFixture struct {
	name string
	cmds [][]string
	feed func(d *digest.Dataset)
	want string
}

// A valueFixture is a key "k" built in database 0 by cmds, its digest as
// computed by this package, and the DEBUG DIGEST-VALUE k reply of
// redis-server 7.0.15.
type valueFixture struct {
	name     string
	cmds     [][]string
	encoding string // OBJECT ENCODING k in Redis, when it matters
	sum      func() digest.Sum
	want     string
}

// cmd splits a command line on spaces; arguments that need spaces or binary
// bytes are built directly as slices instead.
func cmd(line string) []string { return strings.Fields(line) }

// bigList returns n elements "e0", "e1", ... used by large-encoding fixtures.
func bigList(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "e" + strconv.Itoa(i)
	}
	return out
}

// bigZSet returns n members with scores i/4 - 10 followed by one member with
// score -0, and the ZADD arguments that create them.
func bigZSet(n int) ([]zmember, []string) {
	ms := make([]zmember, 0, n+1)
	args := []string{"ZADD", "k"}
	for i := range n {
		sc := float64(i)/4 - 10
		ms = append(ms, zmember{"m" + strconv.Itoa(i), sc})
		args = append(args, strconv.FormatFloat(sc, 'g', -1, 64), "m"+strconv.Itoa(i))
	}
	ms = append(ms, zmember{"negzero", negZero})
	args = append(args, "-0", "negzero")
	return ms, args
}

var datasetFixtures = []datasetFixture{
	{
		name: "empty",
		feed: func(d *digest.Dataset) {},
		want: "0000000000000000000000000000000000000000",
	},
	{
		name: "empty databases announced",
		feed: func(d *digest.Dataset) {
			for id := range 16 {
				d.DB(id)
			}
		},
		want: "0000000000000000000000000000000000000000",
	},
	{
		name: "one string in db 0",
		cmds: [][]string{cmd("SET foo bar")},
		feed: func(d *digest.Dataset) {
			d.String([]byte("foo"), []byte("bar"), digest.NoExpire)
		},
		want: "d2ab4820c1be0580ea28efbfe8bfa1dc05bb802a",
	},
	{
		name: "one string in db 1",
		cmds: [][]string{cmd("SELECT 1"), cmd("SET foo bar")},
		feed: func(d *digest.Dataset) {
			d.DB(0)
			d.DB(1)
			d.String([]byte("foo"), []byte("bar"), digest.NoExpire)
		},
		want: "ca1ca3c163c25b0650d3afe1417fd35e01ab7498",
	},
	{
		name: "same key in db 0 and db 1",
		cmds: [][]string{cmd("SET foo bar"), cmd("SELECT 1"), cmd("SET foo bar")},
		feed: func(d *digest.Dataset) {
			d.DB(0)
			d.String([]byte("foo"), []byte("bar"), digest.NoExpire)
			d.DB(1)
			d.String([]byte("foo"), []byte("bar"), digest.NoExpire)
		},
		want: "7e443c2bc3bfcaf4ef6f488ab938c507dfb85eb8",
	},
	{
		name: "string with ttl",
		cmds: [][]string{cmd("SET foo bar PXAT " + strconv.Itoa(farFuture))},
		feed: func(d *digest.Dataset) {
			d.String([]byte("foo"), []byte("bar"), farFuture)
		},
		want: "8b0c6d22108f15467022bc27c005787072eb4c4b",
	},
	{
		name: "integer empty and binary strings in any order",
		cmds: [][]string{
			cmd("SET n 12345"), cmd("SET neg -9223372036854775808"),
			{"SET", "e", ""}, {"SET", "b\x00in", "\x00\xff\r\n"},
		},
		feed: func(d *digest.Dataset) {
			d.String([]byte("b\x00in"), []byte("\x00\xff\r\n"), digest.NoExpire)
			d.String([]byte("e"), nil, digest.NoExpire)
			d.String([]byte("neg"), []byte("-9223372036854775808"), digest.NoExpire)
			d.String([]byte("n"), []byte("12345"), digest.NoExpire)
		},
		want: "2de8127e2502345edabc5ec067192d638783ec21",
	},
	{
		name: "every type across databases 0 5 and 15",
		cmds: [][]string{
			cmd("RPUSH l a b 3 -4 c"),
			cmd("SADD si 3 1 2 -7"),
			cmd("SELECT 5"),
			cmd("SADD ss x y z"),
			cmd("ZADD z 1 a 2.5 b -3 c inf d -inf e 1e-300 f 1e300 g 0.1 h"),
			cmd("SELECT 15"),
			{"HSET", "h", "f1", "v1", "f2", "2", "f3", ""},
			cmd("XADD x 1-1 a 1 b 2"),
			cmd("XADD x 2-0 c 3"),
			cmd("PEXPIREAT x " + strconv.Itoa(farFuture)),
		},
		feed: func(d *digest.Dataset) {
			for id := range 16 {
				d.DB(id)
				switch id {
				case 0:
					d.Set([]byte("si"), elems("-7", "1", "2", "3"), digest.NoExpire)
					d.List([]byte("l"), elems("a", "b", "3", "-4", "c"), digest.NoExpire)
				case 5:
					d.ZSet([]byte("z"), zmembers(
						zmember{"a", 1}, zmember{"b", 2.5}, zmember{"c", -3},
						zmember{"d", math.Inf(1)}, zmember{"e", math.Inf(-1)},
						zmember{"f", 1e-300}, zmember{"g", 1e300}, zmember{"h", 0.1},
					), digest.NoExpire)
					d.Set([]byte("ss"), elems("z", "x", "y"), digest.NoExpire)
				case 15:
					d.Hash([]byte("h"), pairs("f3", "", "f1", "v1", "f2", "2"), digest.NoExpire)
					d.Stream([]byte("x"), sentries(
						sentry{digest.StreamID{MS: 1, Seq: 1}, []string{"a", "1", "b", "2"}},
						sentry{digest.StreamID{MS: 2}, []string{"c", "3"}},
					), farFuture)
				}
			}
		},
		want: "d0c3f5e1119f7ca044f1187a9b2d70c26164ec60",
	},
}

var valueFixtures = []valueFixture{
	{
		name: "missing key",
		sum:  func() digest.Sum { return digest.Sum{} },
		want: "0000000000000000000000000000000000000000",
	},
	{
		name:     "string",
		encoding: "embstr",
		cmds:     [][]string{cmd("SET k bar")},
		sum:      func() digest.Sum { return digest.StringValue([]byte("bar"), digest.NoExpire) },
		want:     "68467c70ae30376e7ce005bcc8827f5ba7fd67dc",
	},
	{
		name: "string with ttl",
		cmds: [][]string{cmd("SET k bar PXAT " + strconv.Itoa(farFuture))},
		sum:  func() digest.Sum { return digest.StringValue([]byte("bar"), farFuture) },
		want: "8ec3828f7209dd3abdf6ee448de8b0c0bd53265f",
	},
	{
		name:     "integer string",
		encoding: "int",
		cmds:     [][]string{cmd("SET k 42")},
		sum:      func() digest.Sum { return digest.StringValue([]byte("42"), digest.NoExpire) },
		want:     "547a004a370bc71c2d611f010c52f2e7b64c77a4",
	},
	{
		name: "empty string",
		cmds: [][]string{{"SET", "k", ""}},
		sum:  func() digest.Sum { return digest.StringValue(nil, digest.NoExpire) },
		want: "8b3447c33a834b810e3e181b6fd6a2ee1020921c",
	},
	{
		name: "list",
		cmds: [][]string{cmd("RPUSH k a b 3 -4 c")},
		sum:  func() digest.Sum { return digest.ListValue(elems("a", "b", "3", "-4", "c"), digest.NoExpire) },
		want: "d0ef23e55a9f8a3851130fe65db7445be7b1ffd0",
	},
	{
		name:     "list of 200 elements",
		encoding: "quicklist",
		cmds:     [][]string{append([]string{"RPUSH", "k"}, bigList(200)...)},
		sum:      func() digest.Sum { return digest.ListValue(elems(bigList(200)...), digest.NoExpire) },
		want:     "1b1e47bd054ccac6d4c66889588d965b278c567e",
	},
	{
		name:     "intset",
		encoding: "intset",
		cmds:     [][]string{cmd("SADD k 3 1 2 -7")},
		sum:      func() digest.Sum { return digest.SetValue(elems("1", "2", "3", "-7"), digest.NoExpire) },
		want:     "7c18a1ee501cbbac4570c254b09c36f4da1267c7",
	},
	{
		name:     "set of strings with ttl",
		encoding: "hashtable",
		cmds:     [][]string{cmd("SADD k x y z"), cmd("PEXPIREAT k " + strconv.Itoa(farFuture))},
		sum:      func() digest.Sum { return digest.SetValue(elems("y", "z", "x"), farFuture) },
		want:     "e95c69828bdd814f5a91a8671faf7ca35bc28da7",
	},
	{
		name:     "zset",
		encoding: "listpack",
		cmds:     [][]string{cmd("ZADD k 1 a 2.5 b -3 c inf d -inf e 1e-300 f 1e300 g 0.1 h")},
		sum: func() digest.Sum {
			return digest.ZSetValue(zmembers(
				zmember{"h", 0.1}, zmember{"g", 1e300}, zmember{"f", 1e-300},
				zmember{"e", math.Inf(-1)}, zmember{"d", math.Inf(1)},
				zmember{"c", -3}, zmember{"b", 2.5}, zmember{"a", 1},
			), digest.NoExpire)
		},
		want: "fcd5cc1515a9c374730c8a71c2813058231b3849",
	},
	{
		name:     "listpack zset stores negative zero as zero",
		encoding: "listpack",
		cmds:     [][]string{cmd("ZADD k -0 a")},
		sum:      func() digest.Sum { return digest.ZSetValue(zmembers(zmember{"a", 0}), digest.NoExpire) },
		want:     "8d8d88c2cfb8d9411b8d9973c96538bd6378d446",
	},
	{
		name:     "skiplist zset keeps negative zero",
		encoding: "skiplist",
		cmds:     func() [][]string { _, args := bigZSet(200); return [][]string{args} }(),
		sum: func() digest.Sum {
			ms, _ := bigZSet(200)
			return digest.ZSetValue(zmembers(ms...), digest.NoExpire)
		},
		want: "6be7e98fc66d30b9b8e79775fc43a89c2bcbf4eb",
	},
	{
		name:     "hash",
		encoding: "listpack",
		cmds:     [][]string{{"HSET", "k", "f1", "v1", "f2", "2", "f3", ""}},
		sum:      func() digest.Sum { return digest.HashValue(pairs("f2", "2", "f3", "", "f1", "v1"), digest.NoExpire) },
		want:     "54ba343b2fc249ad121091e313cbdcc8da98b680",
	},
	{
		name:     "hash with a value over 64 bytes",
		encoding: "hashtable",
		cmds:     [][]string{{"HSET", "k", "f", strings.Repeat("v", 65), "g", "1"}},
		sum: func() digest.Sum {
			return digest.HashValue(pairs("g", "1", "f", strings.Repeat("v", 65)), digest.NoExpire)
		},
		want: "d7dbb3f07df2f7ffee062b678bd496af9eb3e783",
	},
	{
		name: "stream",
		cmds: [][]string{cmd("XADD k 1-1 a 1 b 2"), cmd("XADD k 2-0 c 3"), cmd("XADD k 18446744073709551615-5 d 4")},
		sum: func() digest.Sum {
			return digest.StreamValue(sentries(
				sentry{digest.StreamID{MS: 1, Seq: 1}, []string{"a", "1", "b", "2"}},
				sentry{digest.StreamID{MS: 2}, []string{"c", "3"}},
				sentry{digest.StreamID{MS: math.MaxUint64, Seq: 5}, []string{"d", "4"}},
			), digest.NoExpire)
		},
		want: "16ec2c4ca969879fcb904284de992b6d4658cf9c",
	},
	{
		name: "empty stream",
		cmds: [][]string{cmd("XADD k 1-1 a 1"), cmd("XDEL k 1-1")},
		sum:  func() digest.Sum { return digest.StreamValue(sentries(), digest.NoExpire) },
		want: "06bd01623de1d087bbd377851096317b1af476a2",
	},
}

// A populateFixture is the dataset DEBUG POPULATE n prefix size creates in
// database db, and the DEBUG DIGEST redis-server 7.0.15 gave for it.
type populateFixture struct {
	db     int
	n      int
	prefix string
	size   int // 0: values are "value:<i>"; else padded or cut to size bytes
	want   string
	slow   bool // skipped with -short, and not replayed against Redis
}

var populateFixtures = []populateFixture{
	{db: 0, n: 10_000, prefix: "key", want: "7164ae8b6730c8bcade46532e5e4a8015d4cccfb"},
	{db: 3, n: 1000, prefix: "pfx", size: 100, want: "a885252a9252b38d8fdda5209657840ac751d03a"},
	// Redis needs about 23 seconds for this digest.
	{db: 0, n: 1_000_000, prefix: "key", want: "9e20e09c47d9e35697f9589a7c1db25814fac1f8", slow: true},
}

// feed adds the populated keys to d, building each value the way
// DEBUG POPULATE does: "value:<i>" zero-padded or cut to size bytes.
func (fx populateFixture) feed(d *digest.Dataset) {
	d.DB(fx.db)
	key := make([]byte, 0, 64)
	val := make([]byte, 0, 64)
	for i := range fx.n {
		key = strconv.AppendInt(append(key[:0], fx.prefix+":"...), int64(i), 10)
		val = strconv.AppendInt(append(val[:0], "value:"...), int64(i), 10)
		if fx.size > 0 {
			for len(val) < fx.size {
				val = append(val, 0)
			}
			val = val[:fx.size]
		}
		d.String(key, val, digest.NoExpire)
	}
}

package persist

import (
	"strconv"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/resp"
	"github.com/vestadb/vesta/internal/types/stream"
)

// itemsPerCommand is AOF_REWRITE_ITEMS_PER_CMD: big collections are written
// as several commands of at most this many elements.
const itemsPerCommand = 64

// RESPSink encodes snapshot entries as the commands that recreate them, the
// form of an AOF base without RDB preamble (spec §2.6): SELECT when the
// database changes, then SET / RPUSH / SADD / ZADD / HMSET (chunked by 64),
// then PEXPIREAT for keys with a TTL, even a past one.
type RESPSink struct {
	buf  []byte
	last int
	args [][]byte
	err  error
}

// NewRESPSink returns an empty sink.
func NewRESPSink() *RESPSink { return &RESPSink{last: -1} }

// Size is the number of encoded bytes not yet taken.
func (s *RESPSink) Size() int { return len(s.buf) }

// Bytes returns the encoded bytes not yet consumed.
func (s *RESPSink) Bytes() []byte { return s.buf }

// Consume drops the first n bytes, keeping what was appended after them.
func (s *RESPSink) Consume(n int) { s.buf = append(s.buf[:0], s.buf[n:]...) }

// Err is the first entry that could not be encoded.
func (s *RESPSink) Err() error { return s.err }

func (s *RESPSink) cmd(args ...[]byte) { s.buf = aof.AppendCommand(s.buf, args) }

// Functions appends a FUNCTION LOAD command for each library source, as
// Redis's AOF rewrite starts its base.
func (s *RESPSink) Functions(codes []string) {
	for _, c := range codes {
		s.cmd([]byte("FUNCTION"), []byte("LOAD"), []byte(c))
	}
}

// Entry is the keyspace.Sink.
func (s *RESPSink) Entry(db int, e *keyspace.Entry, expireAt int64) {
	if db != s.last {
		s.cmd([]byte("SELECT"), strconv.AppendInt(nil, int64(db), 10))
		s.last = db
	}
	key := e.Key()
	// Dispatch on the type, not on the interface: lists and sets have the
	// same method set.
	switch o := e.Obj(); e.Type() {
	case keyspace.TypeString:
		s.cmd([]byte("SET"), key, e.Str())
	case keyspace.TypeList:
		v := o.(keyspace.ListValue)
		s.chunked("RPUSH", key, v.Len(), func(add func(...[]byte)) {
			v.Each(func(el []byte) bool { add(el); return true })
		})
	case keyspace.TypeSet:
		v := o.(keyspace.SetValue)
		s.chunked("SADD", key, v.Len(), func(add func(...[]byte)) {
			v.Each(func(m []byte) bool { add(m); return true })
		})
	case keyspace.TypeZSet:
		v := o.(keyspace.ZSetValue)
		s.chunked("ZADD", key, v.Len(), func(add func(...[]byte)) {
			v.Each(func(m []byte, score float64) bool {
				add(resp.AppendDouble(nil, score), m)
				return true
			})
		})
	case keyspace.TypeHash:
		v := o.(keyspace.HashValue)
		s.chunked("HMSET", key, v.Len(), func(add func(...[]byte)) {
			v.Each(func(f, val []byte) bool { add(f, val); return true })
		})
	case keyspace.TypeStream:
		s.stream(key, o.(*stream.Stream))
	default:
		if s.err == nil {
			s.err = errUnsupported(e)
		}
		return
	}
	if expireAt != -1 {
		s.cmd([]byte("PEXPIREAT"), key, strconv.AppendInt(nil, expireAt, 10))
	}
}

// chunked writes name key items… in commands of at most 64 items; an item
// may be several arguments (a ZADD score and member).
func (s *RESPSink) chunked(name string, key []byte, n int, each func(add func(...[]byte))) {
	s.args = append(s.args[:0], []byte(name), key)
	count := 0
	each(func(parts ...[]byte) {
		for _, p := range parts {
			s.args = append(s.args, append([]byte(nil), p...))
		}
		count++
		if count == itemsPerCommand {
			s.buf = aof.AppendCommand(s.buf, s.args)
			s.args = s.args[:2]
			count = 0
		}
	})
	if count > 0 {
		s.buf = aof.AppendCommand(s.buf, s.args)
	}
}

// WriteRESP writes the whole dataset as RESP commands, the function
// libraries first (synchronously; the caller holds the server lock).
func WriteRESP(w interface{ Write([]byte) (int, error) }, ks *keyspace.Keyspace, functions []string) error {
	j := StartRESPSnapshot(nopLocker{}, ks, w, SaveOptions{Functions: functions})
	return j.Run(false)
}

type nopLocker struct{}

func (nopLocker) Lock()   {}
func (nopLocker) Unlock() {}

// stream writes a stream as Redis 7.0's rewriteStreamObject does: one XADD
// per entry (or XADD MAXLEN 0 0-1 x y for an empty stream), XSETID with
// ENTRIESADDED and MAXDELETEDID, then for each group XGROUP CREATE …
// ENTRIESREAD, an XCLAIM … FORCE per pending entry of each consumer and
// XGROUP CREATECONSUMER for a consumer with none.
func (s *RESPSink) stream(key []byte, v *stream.Stream) {
	b := func(str string) []byte { return []byte(str) }
	id := func(x stream.ID) []byte { return x.Append(nil) }
	num := func(n int64) []byte { return strconv.AppendInt(nil, n, 10) }
	if v.Len() > 0 {
		v.Each(func(x stream.ID, fields [][]byte) bool {
			s.args = append(s.args[:0], b("XADD"), key, id(x))
			s.args = append(s.args, fields...)
			s.buf = aof.AppendCommand(s.buf, s.args)
			return true
		})
	} else {
		s.cmd(b("XADD"), key, b("MAXLEN"), b("0"), b("0-1"), b("x"), b("y"))
	}
	s.cmd(b("XSETID"), key, id(v.LastID()), b("ENTRIESADDED"), num(int64(v.EntriesAdded())),
		b("MAXDELETEDID"), id(v.MaxDeletedID()))
	for _, g := range v.Groups() {
		s.cmd(b("XGROUP"), b("CREATE"), key, g.Name, id(g.LastID), b("ENTRIESREAD"), num(g.EntriesRead))
		for _, c := range g.Consumers {
			if c.PEL.Len() == 0 {
				s.cmd(b("XGROUP"), b("CREATECONSUMER"), key, g.Name, c.Name)
				continue
			}
			c.PEL.Each(func(n *stream.NACK) bool {
				s.cmd(b("XCLAIM"), key, g.Name, c.Name, b("0"), id(n.ID), b("TIME"), num(n.DeliveryTime),
					b("RETRYCOUNT"), num(int64(n.DeliveryCount)), b("JUSTID"), b("FORCE"))
				return true
			})
		}
	}
}

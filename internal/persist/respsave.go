package persist

import (
	"strconv"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/resp"
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

// WriteRESP writes the whole dataset as RESP commands (synchronously; the
// caller holds the server lock).
func WriteRESP(w interface{ Write([]byte) (int, error) }, ks *keyspace.Keyspace) error {
	j := StartRESPSnapshot(nopLocker{}, ks, w, SaveOptions{})
	return j.Run(false)
}

type nopLocker struct{}

func (nopLocker) Lock()   {}
func (nopLocker) Unlock() {}

package server

import (
	"fmt"
	"strconv"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/digest"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/list"
	"github.com/vestadb/vesta/internal/types/stream"
)

// DEBUG: the subcommands tests and tools rely on. Gated by
// enable-debug-command, as in Redis.

const debugDenied = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", " +
	"you can run it from a local connection, otherwise you need to set this option in the configuration file, " +
	"and then restart the server."

func (s *Server) registerDebugCommands(t *command.Table) {
	t.Define("debug", s.cmdDebug)
}

func (s *Server) cmdDebug(c *command.Ctx) {
	sub := c.Args[1]
	n := len(c.Args)
	switch {
	case command.EqFold(sub, "HELP") && n == 2:
		command.ReplyHelp(c, "DEBUG", []string{
			"ASSERT", "    Crash by assertion failed.",
			"DIGEST", "    Output a hex signature representing the current DB content.",
			"DIGEST-VALUE <key> [<key> ...]", "    Output a hex signature of the values of all the specified keys.",
			"OBJECT <key>", "    Show low level info about the `key` and associated value.",
			"PANIC", "    Crash the server simulating a panic.",
			"POPULATE <count> [<prefix>] [<size>]",
			"    Create <count> string keys named key:<num>, or <prefix>:<num>, with values of <size> bytes.",
			"SET-ACTIVE-EXPIRE <0|1>", "    Switch the active expiry of keys with a TTL off or on.",
			"SLEEP <seconds>", "    Stop the server for <seconds>; fractions are allowed.",
		})
	case command.EqFold(sub, "PANIC") && n == 2:
		// Crash with a report, as Redis's serverPanic: the path a real
		// bug takes (crash.go), testable.
		panic(guruMeditation(fmt.Sprintf("DEBUG PANIC called at Unix time %d", time.Now().Unix())))
	case command.EqFold(sub, "ASSERT") && n == 2:
		panic(assertion("cmd_debug.go: '1 == 2' is not true"))
	case command.EqFold(sub, "RELOAD"):
		s.debugReload(c)
	case command.EqFold(sub, "LOADAOF") && n == 2:
		s.debugLoadAOF(c)
	case command.EqFold(sub, "SLEEP") && n == 3:
		f, err := strconv.ParseFloat(string(c.Args[2]), 64)
		if err != nil {
			f = 0
		}
		time.Sleep(time.Duration(f * float64(time.Second)))
		c.W.OK()
	case command.EqFold(sub, "SET-ACTIVE-EXPIRE") && n == 3:
		v, _ := strconv.Atoi(string(c.Args[2]))
		s.activeExp = v != 0
		c.W.OK()
	case command.EqFold(sub, "OBJECT") && n == 3:
		e := c.DB.Peek(c.Args[2])
		if e == nil {
			c.Error("ERR no such key")
			return
		}
		enc := command.StringEncoding(e)
		size := command.SerializedLength(e, s.cfg.RDBCompression)
		if e.Type() != keyspace.TypeString {
			enc = e.Obj().Encoding()
		}
		extra := ""
		if l, ok := e.Obj().(*list.List); ok {
			in := l.Info()
			compressed := 0
			if in.Compressed {
				compressed = 1
			}
			extra = fmt.Sprintf(" ql_nodes:%d ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d ql_uncompressed_size:%d",
				in.Nodes, float64(l.Len())/float64(in.Nodes), in.Fill, compressed, in.UncompressedSize)
		}
		c.W.Simple(fmt.Sprintf("Value at:%p refcount:1 encoding:%s serializedlength:%d lru:%d lru_seconds_idle:%d%s",
			e, enc, size, e.LRU(), command.IdleSeconds(s.ks.LRUClock, e), extra))
	case command.EqFold(sub, "DIGEST") && n == 2:
		c.W.Simple(s.datasetDigest().String())
	case command.EqFold(sub, "DIGEST-VALUE") && n >= 2:
		c.W.Array(n - 2)
		for _, key := range c.Args[2:] {
			e := c.DB.Peek(key)
			if e == nil {
				c.W.Simple(digest.Sum{}.String())
				continue
			}
			c.W.Simple(valueDigest(c.DB, e).String())
		}
	case command.EqFold(sub, "POPULATE") && n >= 3 && n <= 5:
		count, ok := command.ParseInt(c.Args[2])
		if !ok || count < 0 {
			c.Error(command.ErrNegativeLen)
			return
		}
		var size int64
		if n == 5 {
			if size, ok = command.ParseInt(c.Args[4]); !ok || size < 0 {
				c.Error(command.ErrNegativeLen)
				return
			}
		}
		prefix := []byte("key")
		if n >= 4 {
			prefix = c.Args[3]
		}
		var key, val []byte
		for j := int64(0); j < count; j++ {
			key = strconv.AppendInt(append(append(key[:0], prefix...), ':'), j, 10)
			if c.DB.LookupWrite(key) != nil {
				continue
			}
			val = strconv.AppendInt(append(val[:0], "value:"...), j, 10)
			v := val
			if size > 0 {
				v = make([]byte, size)
				copy(v, val)
			}
			c.DB.AddString(key, v)
			c.DB.Signal(key)
		}
		c.W.OK()
	default:
		c.SubcommandError()
	}
}

// debugReload implements DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] (see
// engine.ReloadRDB).
func (s *Server) debugReload(c *command.Ctx) {
	merge, noflush, nosave := false, false, false
	for _, a := range c.Args[2:] {
		switch {
		case command.EqFold(a, "MERGE"):
			merge = true
		case command.EqFold(a, "NOFLUSH"):
			noflush = true
		case command.EqFold(a, "NOSAVE"):
			nosave = true
		default:
			c.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
			return
		}
	}
	if err := s.eng.ReloadRDB(merge, noflush, nosave); err != nil {
		c.Error(err.Error())
		return
	}
	c.W.OK()
}

// debugLoadAOF implements DEBUG LOADAOF: flush the AOF, empty the dataset
// and load the AOF directory again. As in Redis, the process exits if the
// load fails: the dataset would be incomplete.
func (s *Server) debugLoadAOF(c *command.Ctx) {
	if err := s.eng.ReloadAOF(); err != nil {
		c.Error(err.Error())
		return
	}
	c.W.OK()
}

// datasetDigest computes DEBUG DIGEST over every database.
func (s *Server) datasetDigest() digest.Sum {
	var d digest.Dataset
	for _, db := range s.ks.DBs {
		if db.Len() == 0 {
			continue
		}
		d.DB(db.ID)
		db.Each(func(e *keyspace.Entry) bool {
			at := db.ExpireAt(e)
			// Dispatch on the type, not on the interface: lists and sets
			// have the same method set.
			switch o := e.Obj(); e.Type() {
			case keyspace.TypeString:
				d.String(e.Key(), e.Str(), at)
			case keyspace.TypeList:
				d.List(e.Key(), listSeq(o.(keyspace.ListValue)), at)
			case keyspace.TypeSet:
				d.Set(e.Key(), setSeq(o.(keyspace.SetValue)), at)
			case keyspace.TypeZSet:
				d.ZSet(e.Key(), zsetSeq(o.(keyspace.ZSetValue)), at)
			case keyspace.TypeHash:
				d.Hash(e.Key(), hashSeq(o.(keyspace.HashValue)), at)
			case keyspace.TypeStream:
				d.Stream(e.Key(), streamSeq(o.(*stream.Stream)), at)
			}
			return true
		})
	}
	return d.Sum()
}

// valueDigest computes DEBUG DIGEST-VALUE of one entry.
func valueDigest(db *keyspace.DB, e *keyspace.Entry) digest.Sum {
	at := db.ExpireAt(e)
	switch o := e.Obj(); e.Type() {
	case keyspace.TypeString:
		return digest.StringValue(e.Str(), at)
	case keyspace.TypeList:
		return digest.ListValue(listSeq(o.(keyspace.ListValue)), at)
	case keyspace.TypeSet:
		return digest.SetValue(setSeq(o.(keyspace.SetValue)), at)
	case keyspace.TypeZSet:
		return digest.ZSetValue(zsetSeq(o.(keyspace.ZSetValue)), at)
	case keyspace.TypeHash:
		return digest.HashValue(hashSeq(o.(keyspace.HashValue)), at)
	case keyspace.TypeStream:
		return digest.StreamValue(streamSeq(o.(*stream.Stream)), at)
	}
	return digest.Sum{}
}

func listSeq(v keyspace.ListValue) func(func([]byte) bool) {
	return func(yield func([]byte) bool) { v.Each(yield) }
}

func setSeq(v keyspace.SetValue) func(func([]byte) bool) {
	return func(yield func([]byte) bool) { v.Each(yield) }
}

func zsetSeq(v keyspace.ZSetValue) func(func([]byte, float64) bool) {
	return func(yield func([]byte, float64) bool) { v.Each(yield) }
}

func hashSeq(v keyspace.HashValue) func(func([]byte, []byte) bool) {
	return func(yield func([]byte, []byte) bool) { v.Each(yield) }
}

func streamSeq(v *stream.Stream) func(func(digest.StreamID, [][]byte) bool) {
	return func(yield func(digest.StreamID, [][]byte) bool) {
		v.Each(func(id stream.ID, fields [][]byte) bool {
			return yield(digest.StreamID{MS: id.MS, Seq: id.Seq}, fields)
		})
	}
}

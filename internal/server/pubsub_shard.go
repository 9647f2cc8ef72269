package server

import (
	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/resp"
)

// Sharded Pub/Sub as Redis 7.0 serves it outside cluster mode: SSUBSCRIBE,
// SUNSUBSCRIBE and SPUBLISH over a namespace of shard channels separate
// from the channels of SUBSCRIBE and PUBLISH, with messages named smessage.
// There is one shard, so every shard channel lives here and SSUBSCRIBE
// accepts channels of any slots together.

func (s *Server) registerShardCommands(t *command.Table) {
	subscribe := s.subscribeCommand(kindShard)
	t.Define("ssubscribe", func(c *command.Ctx) {
		// Unlike SUBSCRIBE, Redis 7.0 makes no exception for EXEC: a
		// transaction may not block, and subscribing counts as blocking.
		if clientOf(c).inExec {
			c.Error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client")
			return
		}
		subscribe(c)
	})
	t.Define("sunsubscribe", s.unsubscribeCommand(kindShard))
	t.Define("spublish", func(c *command.Ctx) { c.W.Int(int64(s.spublish(c.Args[1], c.Args[2]))) })
}

// spublish delivers a message to a shard channel's subscribers and returns
// their number.
func (s *Server) spublish(ch, msg []byte) int {
	n := 0
	var w resp.Writer
	for cl := range s.shardChannels[string(ch)] {
		w.Reset()
		w.Proto = cl.w.Proto
		w.Push(3)
		w.BulkString("smessage")
		w.Bulk(ch)
		w.Bulk(msg)
		s.deliver(cl, w.B)
		n++
	}
	return n
}

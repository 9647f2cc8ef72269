package server

import (
	"sort"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/glob"
	"github.com/vestadb/vesta/internal/resp"
)

// Pub/Sub: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their UNSUBSCRIBEs, PUBLISH,
// SPUBLISH and PUBSUB.
//
// A client holds three kinds of subscriptions: channels, patterns, and
// shard channels. Shard channels are a namespace of their own (SPUBLISH
// reaches only SSUBSCRIBE, PUBLISH never does); outside cluster mode they
// behave like channels otherwise. The counts in confirmations are per
// family: channels and patterns together, shard channels alone. The client
// is in the subscribed context (RESP2 restrictions, PING as a message, the
// pubsub client type) while it holds any subscription of any kind.
//
// A subscribed client switches to queued output: its replies and the
// messages other clients publish go, in order, through one queue written
// by its own writer goroutine, because messages arrive while its reader
// goroutine waits for requests. The queue is bounded by the pubsub class of
// client-output-buffer-limit: past the hard limit, or past the soft limit
// for longer than its seconds, the client is disconnected, as in Redis.

// subKind is one kind of subscription: where the server and the client
// keep it, and the names of its confirmations.
type subKind struct {
	subscribe, unsubscribe string
	server                 func(s *Server) map[string]map[*client]struct{}
	own                    func(cl *client) *map[string]struct{}
	count                  func(cl *client) int // the count confirmations report
}

var (
	kindChannel = &subKind{"subscribe", "unsubscribe",
		func(s *Server) map[string]map[*client]struct{} { return s.channels },
		func(cl *client) *map[string]struct{} { return &cl.subs },
		(*client).subCount}
	kindPattern = &subKind{"psubscribe", "punsubscribe",
		func(s *Server) map[string]map[*client]struct{} { return s.patterns },
		func(cl *client) *map[string]struct{} { return &cl.psubs },
		(*client).subCount}
	kindShard = &subKind{"ssubscribe", "sunsubscribe",
		func(s *Server) map[string]map[*client]struct{} { return s.shardChannels },
		func(cl *client) *map[string]struct{} { return &cl.ssubs },
		func(cl *client) int { return len(cl.ssubs) }}
)

func (s *Server) registerPubSubCommands(t *command.Table) {
	t.Define("subscribe", s.subscribeCommand(kindChannel))
	t.Define("psubscribe", s.subscribeCommand(kindPattern))
	t.Define("unsubscribe", s.unsubscribeCommand(kindChannel))
	t.Define("punsubscribe", s.unsubscribeCommand(kindPattern))
	t.Define("publish", func(c *command.Ctx) { c.W.Int(int64(s.publish(c.Args[1], c.Args[2]))) })
	s.registerShardCommands(t)
	s.registerPubSubContainer(t)
}

// subscribeCommand is SUBSCRIBE, PSUBSCRIBE or SSUBSCRIBE: one
// confirmation per argument, repeated names included.
func (s *Server) subscribeCommand(k *subKind) func(c *command.Ctx) {
	return func(c *command.Ctx) {
		cl := clientOf(c)
		for _, a := range c.Args[1:] {
			s.subscribe(cl, k, string(a))
			pubsubReply(c.W, k.subscribe, a, k.count(cl))
		}
		cl.startAsync()
	}
}

// unsubscribeCommand is UNSUBSCRIBE, PUNSUBSCRIBE or SUNSUBSCRIBE: one
// confirmation per argument, or per subscription of the kind when there
// are no arguments, or a single one with a null name when there is none.
func (s *Server) unsubscribeCommand(k *subKind) func(c *command.Ctx) {
	return func(c *command.Ctx) {
		cl := clientOf(c)
		names := argNames(c.Args[1:])
		if len(names) == 0 {
			names = sortedKeys(*k.own(cl))
			if len(names) == 0 {
				pubsubReply(c.W, k.unsubscribe, nil, k.count(cl))
			}
		}
		for _, n := range names {
			s.unsubscribe(cl, k, n)
			pubsubReply(c.W, k.unsubscribe, []byte(n), k.count(cl))
		}
	}
}

func argNames(args [][]byte) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

func sortedKeys(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pubsubReply writes a subscription confirmation: a push in RESP3, an
// array in RESP2.
func pubsubReply(w *resp.Writer, kind string, name []byte, count int) {
	w.Push(3)
	w.BulkString(kind)
	if name == nil {
		w.Null()
	} else {
		w.Bulk(name)
	}
	w.Int(int64(count))
}

// subCount is the count channel and pattern confirmations report.
func (cl *client) subCount() int { return len(cl.subs) + len(cl.psubs) }

// pubsubCount is the number of subscriptions of every kind: while it is
// not zero the client is in the subscribed context.
func (cl *client) pubsubCount() int { return len(cl.subs) + len(cl.psubs) + len(cl.ssubs) }

func (s *Server) subscribe(cl *client, k *subKind, name string) {
	own := k.own(cl)
	if _, ok := (*own)[name]; ok {
		return
	}
	if *own == nil {
		*own = map[string]struct{}{}
	}
	(*own)[name] = struct{}{}
	all := k.server(s)
	if all[name] == nil {
		all[name] = map[*client]struct{}{}
	}
	all[name][cl] = struct{}{}
}

func (s *Server) unsubscribe(cl *client, k *subKind, name string) {
	own := k.own(cl)
	if _, ok := (*own)[name]; !ok {
		return
	}
	delete(*own, name)
	all := k.server(s)
	delete(all[name], cl)
	if len(all[name]) == 0 {
		delete(all, name)
	}
}

// unsubscribeAll drops every subscription of a client (RESET, close).
func (s *Server) unsubscribeAll(cl *client) {
	for _, k := range []*subKind{kindChannel, kindPattern, kindShard} {
		for n := range *k.own(cl) {
			s.unsubscribe(cl, k, n)
		}
	}
}

// publish delivers a message and returns the number of receivers.
func (s *Server) publish(ch, msg []byte) int {
	n := 0
	var w resp.Writer
	for cl := range s.channels[string(ch)] {
		w.Reset()
		w.Proto = cl.w.Proto
		w.Push(3)
		w.BulkString("message")
		w.Bulk(ch)
		w.Bulk(msg)
		s.deliver(cl, w.B)
		n++
	}
	for pat, cls := range s.patterns {
		if !glob.Match([]byte(pat), ch, false) {
			continue
		}
		for cl := range cls {
			w.Reset()
			w.Proto = cl.w.Proto
			w.Push(4)
			w.BulkString("pmessage")
			w.BulkString(pat)
			w.Bulk(ch)
			w.Bulk(msg)
			s.deliver(cl, w.B)
			n++
		}
	}
	return n
}

// deliver queues a message for a subscriber, enforcing the pubsub output
// buffer limits.
func (s *Server) deliver(cl *client, msg []byte) {
	cl.queue(msg)
	s.checkOutputLimit(cl, s.cfg.ClientOutputBufferLimit[config.ClassPubSub], "pubsub")
}

// checkOutputLimit disconnects a client whose queued output passed the
// hard limit, or the soft limit for longer than its seconds. Called under mu.
func (s *Server) checkOutputLimit(cl *client, lim config.OutputBufferLimit, class string) {
	pending := uint64(cl.pendingBytes())
	switch {
	case lim.Hard > 0 && pending > lim.Hard:
		s.closeSlowClient(cl, "hard", class)
	case lim.Soft > 0 && pending > lim.Soft:
		if cl.softSince.IsZero() {
			cl.softSince = time.Now()
		} else if time.Since(cl.softSince) > time.Duration(lim.SoftSeconds)*time.Second {
			s.closeSlowClient(cl, "soft", class)
		}
	default:
		cl.softSince = time.Time{}
	}
}

func (s *Server) closeSlowClient(cl *client, which, class string) {
	s.log.Warn("Client scheduled to be closed ASAP for overcoming of output buffer limits.",
		"addr", cl.addr, "limit", which, "class", class)
	cl.killed = true
	cl.conn.Close()
}

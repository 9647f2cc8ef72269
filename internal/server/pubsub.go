package server

import (
	"sort"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/glob"
	"github.com/vestadb/vesta/internal/resp"
)

// Pub/Sub: SUBSCRIBE, PSUBSCRIBE, their UNSUBSCRIBEs, PUBLISH and PUBSUB.
//
// A subscribed client switches to queued output: its replies and the
// messages other clients publish go, in order, through one queue written
// by its own writer goroutine, because messages arrive while its reader
// goroutine waits for requests. The queue is bounded by the pubsub class of
// client-output-buffer-limit: past the hard limit, or past the soft limit
// for longer than its seconds, the client is disconnected, as in Redis.

func (s *Server) registerPubSubCommands(t *command.Table) {
	t.Define("subscribe", func(c *command.Ctx) {
		cl := clientOf(c)
		for _, ch := range c.Args[1:] {
			name := string(ch)
			if cl.subs == nil {
				cl.subs = map[string]struct{}{}
			}
			if _, ok := cl.subs[name]; !ok {
				cl.subs[name] = struct{}{}
				if s.channels[name] == nil {
					s.channels[name] = map[*client]struct{}{}
				}
				s.channels[name][cl] = struct{}{}
			}
			pubsubReply(c.W, "subscribe", ch, cl.subCount())
		}
		cl.startAsync()
	})
	t.Define("psubscribe", func(c *command.Ctx) {
		cl := clientOf(c)
		for _, p := range c.Args[1:] {
			name := string(p)
			if cl.psubs == nil {
				cl.psubs = map[string]struct{}{}
			}
			if _, ok := cl.psubs[name]; !ok {
				cl.psubs[name] = struct{}{}
				if s.patterns[name] == nil {
					s.patterns[name] = map[*client]struct{}{}
				}
				s.patterns[name][cl] = struct{}{}
			}
			pubsubReply(c.W, "psubscribe", p, cl.subCount())
		}
		cl.startAsync()
	})
	t.Define("unsubscribe", func(c *command.Ctx) {
		cl := clientOf(c)
		names := argNames(c.Args[1:])
		if len(names) == 0 {
			names = sortedKeys(cl.subs)
			if len(names) == 0 {
				pubsubReply(c.W, "unsubscribe", nil, cl.subCount())
			}
		}
		for _, n := range names {
			s.unsubscribe(cl, n)
			pubsubReply(c.W, "unsubscribe", []byte(n), cl.subCount())
		}
	})
	t.Define("punsubscribe", func(c *command.Ctx) {
		cl := clientOf(c)
		names := argNames(c.Args[1:])
		if len(names) == 0 {
			names = sortedKeys(cl.psubs)
			if len(names) == 0 {
				pubsubReply(c.W, "punsubscribe", nil, cl.subCount())
			}
		}
		for _, n := range names {
			s.punsubscribe(cl, n)
			pubsubReply(c.W, "punsubscribe", []byte(n), cl.subCount())
		}
	})
	t.Define("publish", func(c *command.Ctx) { c.W.Int(int64(s.publish(c.Args[1], c.Args[2]))) })
	t.Define("pubsub|channels", func(c *command.Ctx) {
		var pat []byte
		if len(c.Args) > 3 {
			c.Error("ERR wrong number of arguments for 'pubsub|channels' command")
			return
		}
		if len(c.Args) == 3 {
			pat = c.Args[2]
		}
		var out []string
		for ch := range s.channels {
			if pat == nil || glob.Match(pat, []byte(ch), false) {
				out = append(out, ch)
			}
		}
		sort.Strings(out)
		replyBulkStrings(c.W, out...)
	})
	t.Define("pubsub|numsub", func(c *command.Ctx) {
		c.W.Map(len(c.Args) - 2)
		for _, ch := range c.Args[2:] {
			c.W.Bulk(ch)
			c.W.Int(int64(len(s.channels[string(ch)])))
		}
	})
	t.Define("pubsub|numpat", func(c *command.Ctx) { c.W.Int(int64(len(s.patterns))) })
	t.Define("pubsub|help", func(c *command.Ctx) {
		command.ReplyHelp(c, "PUBSUB", []string{
			"CHANNELS [<pattern>]", "    Return the currently active channels matching a <pattern> (default: '*').",
			"NUMPAT", "    Return number of subscriptions to patterns.",
			"NUMSUB [<channel> ...]", "    Return the number of subscribers for the specified channels.",
		})
	})
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

// pubsubReply writes a (p)(un)subscribe confirmation: a push in RESP3, an
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

func (cl *client) subCount() int { return len(cl.subs) + len(cl.psubs) }

func (s *Server) unsubscribe(cl *client, name string) {
	if _, ok := cl.subs[name]; !ok {
		return
	}
	delete(cl.subs, name)
	delete(s.channels[name], cl)
	if len(s.channels[name]) == 0 {
		delete(s.channels, name)
	}
}

func (s *Server) punsubscribe(cl *client, name string) {
	if _, ok := cl.psubs[name]; !ok {
		return
	}
	delete(cl.psubs, name)
	delete(s.patterns[name], cl)
	if len(s.patterns[name]) == 0 {
		delete(s.patterns, name)
	}
}

// unsubscribeAll drops every subscription of a closing client.
func (s *Server) unsubscribeAll(cl *client) {
	for n := range cl.subs {
		s.unsubscribe(cl, n)
	}
	for n := range cl.psubs {
		s.punsubscribe(cl, n)
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

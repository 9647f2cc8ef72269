package server

import (
	"sort"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/glob"
)

// PUBSUB: the introspection container.

// pubsubHelp is Redis 7.0.15's PUBSUB HELP text, line for line: clients
// and tools show it, so it is part of the protocol.
var pubsubHelp = []string{
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
	"SHARDCHANNELS [<pattern>]",
	"    Return the currently active shard level channels matching a <pattern> (default: '*').",
	"SHARDNUMSUB [<shardchannel> ...]",
	"    Return the number of subscribers for the specified shard level channel(s)",
}

func (s *Server) registerPubSubContainer(t *command.Table) {
	t.Define("pubsub|channels", func(c *command.Ctx) { listChannels(c, s.channels) })
	t.Define("pubsub|shardchannels", func(c *command.Ctx) { listChannels(c, s.shardChannels) })
	t.Define("pubsub|numsub", func(c *command.Ctx) { countSubscribers(c, s.channels) })
	t.Define("pubsub|shardnumsub", func(c *command.Ctx) { countSubscribers(c, s.shardChannels) })
	t.Define("pubsub|numpat", func(c *command.Ctx) { c.W.Int(int64(len(s.patterns))) })
	t.Define("pubsub|help", func(c *command.Ctx) { command.ReplyHelp(c, "PUBSUB", pubsubHelp) })
}

// listChannels replies the channels with subscribers, all or those
// matching the optional pattern. The table lets any number of arguments
// through; more than one pattern is the subcommand error.
func listChannels(c *command.Ctx, channels map[string]map[*client]struct{}) {
	if len(c.Args) > 3 {
		c.SubcommandError()
		return
	}
	all := len(c.Args) == 2
	out := make([]string, 0, len(channels))
	for ch := range channels {
		if all || glob.Match(c.Args[2], []byte(ch), false) {
			out = append(out, ch)
		}
	}
	sort.Strings(out)
	replyBulkStrings(c.W, out...)
}

// countSubscribers replies channel, count pairs as one flat array, in
// RESP3 too (Redis 7.0 does not make it a map).
func countSubscribers(c *command.Ctx, channels map[string]map[*client]struct{}) {
	c.W.Array(2 * (len(c.Args) - 2))
	for _, ch := range c.Args[2:] {
		c.W.Bulk(ch)
		c.W.Int(int64(len(channels[string(ch)])))
	}
}

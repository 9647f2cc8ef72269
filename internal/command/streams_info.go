package command

import (
	"fmt"

	"github.com/vestadb/vesta/internal/types/stream"
)

// XINFO STREAM [FULL [COUNT n]], GROUPS and CONSUMERS in Redis 7.0's
// shapes.

func registerXInfo(t *Table) {
	for _, sub := range []string{"stream", "groups", "consumers"} {
		t.Define("xinfo|"+sub, cmdXInfo)
	}
	t.Define("xinfo|help", func(c *Ctx) {
		ReplyHelp(c, "XINFO", []string{
			"CONSUMERS <key> <groupname>",
			"    Show consumers of <groupname>.",
			"GROUPS <key>",
			"    Show the stream consumer groups.",
			"STREAM <key> [FULL [COUNT <count>]",
			"    Show information about the stream.",
		})
	})
}

func cmdXInfo(c *Ctx) {
	s, ok := readStream(c, c.Args[2])
	if !ok {
		return
	}
	if s == nil {
		c.Error(ErrNoSuchKey)
		return
	}
	sub := c.Args[1]
	switch {
	case eq(sub, "CONSUMERS") && len(c.Args) == 4:
		g := s.Group(c.Args[3])
		if g == nil {
			c.Error(fmt.Sprintf("NOGROUP No such consumer group '%s' for key name '%s'", CString(c.Args[3]), CString(c.Args[2])))
			return
		}
		c.W.Array(len(g.Consumers))
		for _, co := range g.Consumers {
			c.W.Map(3)
			c.W.BulkString("name")
			c.W.Bulk(co.Name)
			c.W.BulkString("pending")
			c.W.Int(int64(co.PEL.Len()))
			c.W.BulkString("idle")
			c.W.Int(max(c.KS.Now-co.SeenTime, 0))
		}
	case eq(sub, "GROUPS") && len(c.Args) == 3:
		c.W.Array(len(s.Groups()))
		for _, g := range s.Groups() {
			c.W.Map(6)
			c.W.BulkString("name")
			c.W.Bulk(g.Name)
			c.W.BulkString("consumers")
			c.W.Int(int64(len(g.Consumers)))
			c.W.BulkString("pending")
			c.W.Int(int64(g.PEL.Len()))
			c.W.BulkString("last-delivered-id")
			bulkID(c, g.LastID)
			replyGroupCounters(c, s, g)
		}
	case eq(sub, "STREAM"):
		xinfoStream(c, s)
	default:
		c.SubcommandError()
	}
}

// replyGroupCounters writes entries-read and lag (streamReplyWithCGLag).
func replyGroupCounters(c *Ctx, s *stream.Stream, g *stream.Group) {
	c.W.BulkString("entries-read")
	if g.EntriesRead != stream.InvalidEntriesRead {
		c.W.Int(g.EntriesRead)
	} else {
		c.W.Null()
	}
	c.W.BulkString("lag")
	switch {
	case s.EntriesAdded() == 0:
		c.W.Int(0)
	case g.EntriesRead != stream.InvalidEntriesRead && !s.HasTombstonesAfter(g.LastID):
		c.W.Int(int64(s.EntriesAdded()) - g.EntriesRead)
	default:
		if r := s.EstimateEntriesRead(g.LastID); r != stream.InvalidEntriesRead {
			c.W.Int(int64(s.EntriesAdded()) - r)
		} else {
			c.W.Null()
		}
	}
}

func xinfoStream(c *Ctx, s *stream.Stream) {
	full := false
	count := int64(10)
	if len(c.Args) > 3 {
		if !eq(c.Args[3], "FULL") {
			c.SyntaxError()
			return
		}
		full = true
		if len(c.Args) > 4 {
			if len(c.Args) != 6 || !eq(c.Args[4], "COUNT") {
				c.SyntaxError()
				return
			}
			n, ok := c.intArg(5)
			if !ok {
				return
			}
			if n < 0 {
				n = 10
			}
			count = n
		}
	}
	if full {
		c.W.Map(9)
	} else {
		c.W.Map(10)
	}
	c.W.BulkString("length")
	c.W.Int(int64(s.Len()))
	c.W.BulkString("radix-tree-keys")
	c.W.Int(int64(s.NodeCount()))
	c.W.BulkString("radix-tree-nodes")
	c.W.Int(s.RaxNodes())
	c.W.BulkString("last-generated-id")
	bulkID(c, s.LastID())
	c.W.BulkString("max-deleted-entry-id")
	bulkID(c, s.MaxDeletedID())
	c.W.BulkString("entries-added")
	c.W.Int(int64(s.EntriesAdded()))
	c.W.BulkString("recorded-first-entry-id")
	bulkID(c, s.FirstID())
	if !full {
		c.W.BulkString("groups")
		c.W.Int(int64(len(s.Groups())))
		c.W.BulkString("first-entry")
		edgeEntry(c, s, false)
		c.W.BulkString("last-entry")
		edgeEntry(c, s, true)
		return
	}
	c.W.BulkString("entries")
	n := count
	if n == 0 {
		n = -1
	}
	replyRange(c, s, stream.ID{}, stream.MaxID, n, false)
	c.W.BulkString("groups")
	c.W.Array(len(s.Groups()))
	for _, g := range s.Groups() {
		c.W.Map(7)
		c.W.BulkString("name")
		c.W.Bulk(g.Name)
		c.W.BulkString("last-delivered-id")
		bulkID(c, g.LastID)
		replyGroupCounters(c, s, g)
		c.W.BulkString("pel-count")
		c.W.Int(int64(g.PEL.Len()))
		c.W.BulkString("pending")
		c.W.Array(pelShown(&g.PEL, count))
		left := count
		g.PEL.Each(func(nack *stream.NACK) bool {
			c.W.Array(4)
			bulkID(c, nack.ID)
			c.W.Bulk(nack.Consumer.Name)
			c.W.Int(nack.DeliveryTime)
			c.W.Int(int64(nack.DeliveryCount))
			left--
			return left != 0
		})
		c.W.BulkString("consumers")
		c.W.Array(len(g.Consumers))
		for _, co := range g.Consumers {
			c.W.Map(4)
			c.W.BulkString("name")
			c.W.Bulk(co.Name)
			c.W.BulkString("seen-time")
			c.W.Int(co.SeenTime)
			c.W.BulkString("pel-count")
			c.W.Int(int64(co.PEL.Len()))
			c.W.BulkString("pending")
			c.W.Array(pelShown(&co.PEL, count))
			left := count
			co.PEL.Each(func(nack *stream.NACK) bool {
				c.W.Array(3)
				bulkID(c, nack.ID)
				c.W.Int(nack.DeliveryTime)
				c.W.Int(int64(nack.DeliveryCount))
				left--
				return left != 0
			})
		}
	}
}

// edgeEntry replies with the first (or last) entry, or null.
func edgeEntry(c *Ctx, s *stream.Stream, last bool) {
	found := false
	s.Range(stream.ID{}, stream.MaxID, last, func(id stream.ID, fields [][]byte) bool {
		replyEntry(c, id, fields)
		found = true
		return false
	})
	if !found {
		c.W.Null()
	}
}

// pelShown is how many entries of pel XINFO STREAM FULL shows: all of
// them, or at most count when count > 0.
func pelShown(pel *stream.PEL, count int64) int {
	if count > 0 && int64(pel.Len()) > count {
		return int(count)
	}
	return pel.Len()
}

package command

import (
	"fmt"
	"math"
	"time"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/stream"
)

// XREAD and XREADGROUP, and the delivery of entries to a consumer group
// with its propagation as Redis 7.0 does it: each delivered entry as
// XCLAIM … FORCE JUSTID LASTID, the group's last ID as XGROUP SETID …
// ENTRIESREAD; the command itself is not propagated.

// xreadBlockedDefaultCount is XREAD_BLOCKED_DEFAULT_COUNT.
const xreadBlockedDefaultCount = 1000

var maxStreamID = stream.MaxID

// xreadGeneric is xreadCommand.
func xreadGeneric(c *Ctx, group bool) {
	timeout := int64(-1)
	count := int64(0)
	streamsArg, nstreams := 0, 0
	var groupName, consumerName []byte
	noack := false
	name := "XREAD"
	if group {
		name = "XREADGROUP"
	}
	for i := 1; i < len(c.Args); i++ {
		more := len(c.Args) - i - 1
		o := c.Args[i]
		switch {
		case eq(o, "BLOCK") && more > 0:
			i++
			n, ok := ParseInt(c.Args[i])
			if !ok {
				c.Error("ERR timeout is not an integer or out of range")
				return
			}
			if n < 0 {
				c.Error("ERR timeout is negative")
				return
			}
			timeout = n
		case eq(o, "COUNT") && more > 0:
			i++
			n, ok := c.intArg(i)
			if !ok {
				return
			}
			count = max(n, 0)
		case eq(o, "STREAMS") && more > 0:
			streamsArg = i + 1
			nstreams = len(c.Args) - streamsArg
			if nstreams%2 != 0 {
				sym := '$'
				if group {
					sym = '>'
				}
				c.Error(fmt.Sprintf("ERR Unbalanced '%s' list of streams: for each stream key an ID or '%c' must be specified.", name, sym))
				return
			}
			nstreams /= 2
			i = len(c.Args)
		case eq(o, "GROUP") && more >= 2:
			if !group {
				c.Error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
				return
			}
			groupName, consumerName = c.Args[i+1], c.Args[i+2]
			i += 2
		case eq(o, "NOACK"):
			if !group {
				c.Error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
				return
			}
			noack = true
		default:
			c.SyntaxError()
			return
		}
	}
	if streamsArg == 0 || (group && groupName == nil) {
		c.SyntaxError()
		return
	}
	keys := c.Args[streamsArg : streamsArg+nstreams]
	ids := make([]stream.ID, nstreams)
	var groups []*stream.Group
	if groupName != nil {
		groups = make([]*stream.Group, nstreams)
	}
	for k := range nstreams {
		arg := c.Args[streamsArg+nstreams+k]
		s, ok := readStream(c, keys[k])
		if !ok {
			return
		}
		if groupName != nil {
			var g *stream.Group
			if s != nil {
				g = s.Group(groupName)
			}
			if g == nil {
				c.Error(fmt.Sprintf("NOGROUP No such key '%s' or consumer group '%s' in XREADGROUP with GROUP option", CString(keys[k]), CString(groupName)))
				return
			}
			groups[k] = g
		}
		switch {
		case len(arg) == 1 && arg[0] == '$':
			if group {
				c.Error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
				return
			}
			if s != nil {
				ids[k] = s.LastID()
			}
		case len(arg) == 1 && arg[0] == '>':
			if !group {
				c.Error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
				return
			}
			ids[k] = maxStreamID
		default:
			id, ok := c.streamIDArg(streamsArg+nstreams+k, 0)
			if !ok {
				return
			}
			ids[k] = id
		}
	}
	if timeout > 0 && timeout > math.MaxInt64-c.KS.Now {
		c.Error("ERR timeout is out of range")
		return
	}

	// Serve at once what can be served.
	d := c.W.Defer()
	served := 0
	for k := range nstreams {
		s, _ := readStream(c, keys[k])
		if s == nil {
			continue
		}
		gt := ids[k]
		history := false
		serve := false
		if groups != nil {
			if gt != maxStreamID {
				serve, history = true, true
			} else if last := groups[k].LastID; s.Len() > 0 && last.Less(s.LastEntryID()) {
				serve, gt = true, last
			}
		} else if s.Len() > 0 && gt.Less(s.LastEntryID()) {
			serve = true
		}
		if !serve {
			continue
		}
		served++
		if c.W.Proto < 3 {
			c.W.Array(2)
		}
		c.W.Bulk(keys[k])
		start := nextID(gt)
		if groups != nil {
			consumer := streamConsumerFor(c, keys[k], groups[k], groupName, consumerName, noack)
			if history {
				replyConsumerPEL(c, s, start, count, consumer)
			} else {
				deliver(c, keys[k], s, groups[k], groupName, consumer, start, count, noack)
			}
			c.Dirty(1)
		} else {
			replyRange(c, s, start, stream.MaxID, max(count, 0)-boolInt(count == 0), false)
		}
	}
	if groups != nil {
		c.NoPropagate()
	}
	if served > 0 {
		if c.W.Proto >= 3 {
			c.W.MapAt(d, served)
		} else {
			c.W.ArrayAt(d, served)
		}
		return
	}
	if timeout == -1 || c.Env.InExec(c) {
		c.W.NullArray()
		return
	}
	var deadline time.Time
	if timeout > 0 {
		deadline = time.UnixMilli(c.KS.Now + timeout)
	}
	bcount := count
	if bcount == 0 {
		bcount = xreadBlockedDefaultCount
	}
	keyIDs := map[string]stream.ID{}
	for k := range nstreams {
		if _, dup := keyIDs[string(keys[k])]; !dup {
			keyIDs[string(keys[k])] = ids[k]
		}
	}
	groupName, consumerName = copyBytes(groupName), copyBytes(consumerName)
	c.Env.Block(c, keys, deadline, false, func(c *Ctx, key []byte) bool {
		gt := keyIDs[string(key)]
		e := c.DB.LookupWrite(key)
		if groupName == nil {
			if e == nil || e.Type() != keyspace.TypeStream {
				return false
			}
			s := e.Obj().(*stream.Stream)
			if !gt.Less(s.LastID()) {
				return false
			}
			replyBlockedHeader(c, key)
			replyRange(c, s, nextID(gt), stream.MaxID, bcount, false)
			return true
		}
		c.NoPropagate()
		if e == nil || e.Type() != keyspace.TypeStream {
			c.Error("UNBLOCKED the stream key no longer exists")
			return true
		}
		s := e.Obj().(*stream.Stream)
		g := s.Group(groupName)
		if g == nil {
			c.Error("NOGROUP the consumer group this client was blocked on no longer exists")
			return true
		}
		if !g.LastID.Less(s.LastID()) {
			return false
		}
		last := g.LastID
		replyBlockedHeader(c, key)
		consumer := streamConsumerFor(c, key, g, groupName, consumerName, noack)
		deliver(c, key, s, g, groupName, consumer, nextID(last), bcount, noack)
		c.Dirty(1)
		return true
	})
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// replyBlockedHeader starts the reply to a served blocked reader: one
// stream.
func replyBlockedHeader(c *Ctx, key []byte) {
	if c.W.Proto >= 3 {
		c.W.Map(1)
	} else {
		c.W.Array(1)
		c.W.Array(2)
	}
	c.W.Bulk(key)
}

// streamConsumerFor looks the consumer up (refreshing its seen time) or
// creates it; with NOACK its creation is propagated, as nothing else would
// create it on replay.
func streamConsumerFor(c *Ctx, key []byte, g *stream.Group, groupName, name []byte, noack bool) *stream.Consumer {
	if co := g.Consumer(name); co != nil {
		co.SeenTime = c.KS.Now
		return co
	}
	co := g.CreateConsumer(name, c.KS.Now)
	c.Dirty(1)
	c.Notify(NotifyStream, "xgroup-createconsumer", key)
	if noack {
		c.Env.AlsoPropagate(c.DB.ID, [][]byte{[]byte("XGROUP"), []byte("CREATECONSUMER"), key, groupName, name})
	}
	return co
}

// replyConsumerPEL is streamReplyWithRangeFromConsumerPEL: the consumer's
// pending entries from start, each delivered again (a deleted entry shows
// as its ID with a null).
func replyConsumerPEL(c *Ctx, s *stream.Stream, start stream.ID, count int64, co *stream.Consumer) {
	d := c.W.Defer()
	n := 0
	co.PEL.Ascend(start, func(nack *stream.NACK) bool {
		if count > 0 && int64(n) >= count {
			return false
		}
		if fields, ok := s.Get(nack.ID); ok {
			replyEntry(c, nack.ID, fields)
			nack.DeliveryTime = c.KS.Now
			nack.DeliveryCount++
		} else {
			c.W.Array(2)
			bulkID(c, nack.ID)
			c.W.NullArray()
		}
		n++
		return true
	})
	c.W.ArrayAt(d, n)
}

// deliver is streamReplyWithRange for a group reading new entries: it
// replies with the entries from start, advances the group's last ID and
// entries-read, adds them to the PELs (unless noack), and propagates each
// delivery as XCLAIM … LASTID, or with NOACK the group's position as
// XGROUP SETID … ENTRIESREAD (Redis 7.0 logs entries-read only then).
func deliver(c *Ctx, key []byte, s *stream.Stream, g *stream.Group, groupName []byte, co *stream.Consumer, start stream.ID, count int64, noack bool) {
	d := c.W.Defer()
	n := 0
	propagateLast := false
	s.Range(start, stream.MaxID, false, func(id stream.ID, fields [][]byte) bool {
		if g.LastID.Less(id) {
			if g.EntriesRead != stream.InvalidEntriesRead && !s.HasTombstonesAfter(id) {
				g.EntriesRead++
			} else if s.EntriesAdded() != 0 {
				g.EntriesRead = s.EstimateEntriesRead(id)
			}
			g.LastID = id
			// Without NOACK the XCLAIMs carry the last ID (LASTID).
			propagateLast = noack
		}
		replyEntry(c, id, fields)
		if !noack {
			nack := g.Pending(id)
			if nack == nil {
				nack = g.AddPending(id, co, c.KS.Now, 1)
			} else {
				g.Transfer(nack, co)
				nack.DeliveryTime = c.KS.Now
				nack.DeliveryCount = 1
			}
			propagateXClaim(c, key, g, groupName, idArg(id), nack)
		}
		n++
		return count <= 0 || int64(n) < count
	})
	c.W.ArrayAt(d, n)
	if propagateLast {
		propagateGroupID(c, key, g, groupName)
	}
}

// propagateXClaim is streamPropagateXCLAIM: an idempotent XCLAIM that
// recreates nack as it is on replay.
func propagateXClaim(c *Ctx, key []byte, g *stream.Group, groupName, id []byte, nack *stream.NACK) {
	c.Env.AlsoPropagate(c.DB.ID, [][]byte{
		[]byte("XCLAIM"), key, groupName, nack.Consumer.Name, []byte("0"), id,
		[]byte("TIME"), itob(nack.DeliveryTime),
		[]byte("RETRYCOUNT"), itob(int64(nack.DeliveryCount)),
		[]byte("FORCE"), []byte("JUSTID"), []byte("LASTID"), idArg(g.LastID),
	})
}

// propagateGroupID is streamPropagateGroupID: XGROUP SETID with
// ENTRIESREAD.
func propagateGroupID(c *Ctx, key []byte, g *stream.Group, groupName []byte) {
	c.Env.AlsoPropagate(c.DB.ID, [][]byte{
		[]byte("XGROUP"), []byte("SETID"), key, groupName, idArg(g.LastID),
		[]byte("ENTRIESREAD"), itob(g.EntriesRead),
	})
}

// nextID is the first ID after id (streamIncrID; id is never the largest
// here).
func nextID(id stream.ID) stream.ID {
	n, _ := id.Incr()
	return n
}

package command

import (
	"fmt"
	"math"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/stream"
)

// Consumer group commands: XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM.

func registerStreamGroups(t *Table) {
	for _, sub := range []string{"create", "createconsumer", "delconsumer", "destroy", "setid"} {
		t.Define("xgroup|"+sub, cmdXGroup)
	}
	t.Define("xgroup|help", func(c *Ctx) {
		ReplyHelp(c, "XGROUP", []string{
			"CREATE <key> <groupname> <id|$> [option]",
			"    Create a new consumer group. Options are:",
			"    * MKSTREAM",
			"      Create the empty stream if it does not exist.",
			"    * ENTRIESREAD entries_read",
			"      Set the group's entries_read counter (internal use).",
			"CREATECONSUMER <key> <groupname> <consumer>",
			"    Create a new consumer in the specified group.",
			"DELCONSUMER <key> <groupname> <consumer>",
			"    Remove the specified consumer.",
			"DESTROY <key> <groupname>",
			"    Remove the specified group.",
			"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
			"    Set the current group ID and entries_read counter.",
		})
	})
	t.Define("xack", cmdXAck)
	t.Define("xpending", cmdXPending)
	t.Define("xclaim", cmdXClaim)
	t.Define("xautoclaim", cmdXAutoClaim)
	registerXInfo(t)
}

// cmdXGroup is xgroupCommand for every subcommand but HELP.
func cmdXGroup(c *Ctx) {
	sub := c.Args[1]
	key, name := c.Args[2], c.Args[3]
	mkstream := false
	entriesRead := stream.InvalidEntriesRead
	create, setid := eq(sub, "CREATE"), eq(sub, "SETID")
	if create || setid {
		for i := 5; i < len(c.Args); {
			more := len(c.Args) - 1 - i
			switch {
			case create && eq(c.Args[i], "MKSTREAM"):
				mkstream = true
				i++
			case eq(c.Args[i], "ENTRIESREAD") && more > 0:
				n, ok := c.intArg(i + 1)
				if !ok {
					return
				}
				if n < 0 && n != stream.InvalidEntriesRead {
					c.Error("ERR value for ENTRIESREAD must be positive or -1")
					return
				}
				entriesRead = n
				i += 2
			default:
				c.SubcommandError()
				return
			}
		}
	}
	s, ok := writeStream(c, key)
	if !ok {
		return
	}
	var g *stream.Group
	if !mkstream {
		if s == nil {
			c.Error(ErrStreamKeyRequired)
			return
		}
		if g = s.Group(name); g == nil && (setid || eq(sub, "CREATECONSUMER") || eq(sub, "DELCONSUMER")) {
			c.Error(fmt.Sprintf("NOGROUP No such consumer group '%s' for key name '%s'", CString(name), CString(key)))
			return
		}
	}
	switch {
	case create:
		var id stream.ID
		if a := c.Args[4]; len(a) == 1 && a[0] == '$' {
			if s != nil {
				id = s.LastID()
			}
		} else if id, ok = c.streamIDArg(4, 0); !ok {
			return
		}
		if s == nil {
			s = stream.New()
			c.DB.Add(key, s)
			c.DB.Signal(key)
		}
		if s.CreateGroup(name, id, entriesRead) == nil {
			c.Error("BUSYGROUP Consumer Group name already exists")
			return
		}
		c.W.OK()
		c.Dirty(1)
		c.Notify(NotifyStream, "xgroup-create", key)
	case setid:
		var id stream.ID
		if a := c.Args[4]; len(a) == 1 && a[0] == '$' {
			id = s.LastID()
		} else {
			var ok bool
			if id, _, ok = parseStreamID(c.Args[4], 0, false, false); !ok {
				c.Error(ErrStreamID)
				return
			}
		}
		g.LastID, g.EntriesRead = id, entriesRead
		c.W.OK()
		c.Dirty(1)
		c.Notify(NotifyStream, "xgroup-setid", key)
	case eq(sub, "DESTROY"):
		if g == nil {
			c.W.Int(0)
			return
		}
		s.DestroyGroup(name)
		c.W.Int(1)
		c.Changed(key) // wakes XREADGROUP readers of the group with -NOGROUP
		c.Notify(NotifyStream, "xgroup-destroy", key)
	case eq(sub, "CREATECONSUMER"):
		if g.CreateConsumer(c.Args[4], c.KS.Now) == nil {
			c.W.Int(0)
			return
		}
		c.W.Int(1)
		c.Dirty(1)
		c.Notify(NotifyStream, "xgroup-createconsumer", key)
	case eq(sub, "DELCONSUMER"):
		n := g.DeleteConsumer(c.Args[4])
		if n < 0 {
			c.W.Int(0)
			return
		}
		c.W.Int(int64(n))
		c.Dirty(1)
		c.Notify(NotifyStream, "xgroup-delconsumer", key)
	}
}

func cmdXAck(c *Ctx) {
	s, ok := readStream(c, c.Args[1])
	if !ok {
		return
	}
	var g *stream.Group
	if s != nil {
		g = s.Group(c.Args[2])
	}
	if g == nil {
		c.W.Int(0)
		return
	}
	var few [8]stream.ID // the IDs of a usual XACK, without an allocation
	ids := few[:0]
	for j := 3; j < len(c.Args); j++ {
		id, ok := c.streamIDArg(j, 0)
		if !ok {
			return
		}
		ids = append(ids, id)
	}
	n := 0
	for _, id := range ids {
		if g.Ack(id) {
			n++
		}
	}
	c.Dirty(n)
	c.W.Int(int64(n))
}

func noGroupError(c *Ctx, key, group []byte) {
	c.Error(fmt.Sprintf("NOGROUP No such key '%s' or consumer group '%s'", CString(key), CString(group)))
}

func cmdXPending(c *Ctx) {
	n := len(c.Args)
	justInfo := n == 3
	if n != 3 && (n < 6 || n > 9) {
		c.SyntaxError()
		return
	}
	var start, end stream.ID
	var count, minIdle int64
	var consumerName []byte
	if n >= 6 {
		si := 3
		if eq(c.Args[3], "IDLE") {
			v, ok := c.intArg(4)
			if !ok {
				return
			}
			minIdle = v
			if n < 8 {
				c.SyntaxError()
				return
			}
			si += 2
		}
		v, ok := c.intArg(si + 2)
		if !ok {
			return
		}
		count = max(v, 0)
		var sx, ex bool
		if start, sx, ok = c.streamIntervalArg(si, 0); !ok {
			return
		}
		if sx {
			if start, ok = start.Incr(); !ok {
				c.Error(ErrStreamStartID)
				return
			}
		}
		if end, ex, ok = c.streamIntervalArg(si+1, ^uint64(0)); !ok {
			return
		}
		if ex {
			if end, ok = end.Decr(); !ok {
				c.Error(ErrStreamEndID)
				return
			}
		}
		if si+3 < n {
			consumerName = c.Args[si+3]
		}
	}
	s, ok := readStream(c, c.Args[1])
	if !ok {
		return
	}
	var g *stream.Group
	if s != nil {
		g = s.Group(c.Args[2])
	}
	if g == nil {
		noGroupError(c, c.Args[1], c.Args[2])
		return
	}
	if justInfo {
		c.W.Array(4)
		c.W.Int(int64(g.PEL.Len()))
		if g.PEL.Len() == 0 {
			c.W.Null()
			c.W.Null()
			c.W.NullArray()
			return
		}
		bulkID(c, g.PEL.First().ID)
		bulkID(c, g.PEL.Last().ID)
		d := c.W.Defer()
		k := 0
		for _, co := range g.Consumers {
			if co.PEL.Len() == 0 {
				continue
			}
			c.W.Array(2)
			c.W.Bulk(co.Name)
			c.W.BulkInt(int64(co.PEL.Len()))
			k++
		}
		c.W.ArrayAt(d, k)
		return
	}
	pel := &g.PEL
	if consumerName != nil {
		co := g.Consumer(consumerName)
		if co == nil {
			c.W.Array(0)
			return
		}
		pel = &co.PEL
	}
	now := c.KS.Now
	d := c.W.Defer()
	k := 0
	pel.Ascend(start, func(nack *stream.NACK) bool {
		if count == 0 || end.Less(nack.ID) {
			return false
		}
		if minIdle != 0 && now-nack.DeliveryTime < minIdle {
			return true
		}
		k++
		count--
		c.W.Array(4)
		bulkID(c, nack.ID)
		c.W.Bulk(nack.Consumer.Name)
		c.W.Int(max(now-nack.DeliveryTime, 0))
		c.W.Int(int64(nack.DeliveryCount))
		return true
	})
	c.W.ArrayAt(d, k)
}

// consumerOf looks a consumer up (refreshing its seen time) or creates it.
func consumerOf(c *Ctx, key []byte, g *stream.Group, name []byte) *stream.Consumer {
	if co := g.Consumer(name); co != nil {
		co.SeenTime = c.KS.Now
		return co
	}
	c.Dirty(1)
	co := g.CreateConsumer(name, c.KS.Now)
	c.Notify(NotifyStream, "xgroup-createconsumer", key)
	return co
}

func cmdXClaim(c *Ctx) {
	key := c.Args[1]
	s, ok := readStream(c, key)
	if !ok {
		return
	}
	var g *stream.Group
	if s != nil {
		g = s.Group(c.Args[2])
	}
	if g == nil {
		noGroupError(c, key, c.Args[2])
		return
	}
	minIdle, ok := ParseInt(c.Args[4])
	if !ok {
		c.Error("ERR Invalid min-idle-time argument for XCLAIM")
		return
	}
	minIdle = max(minIdle, 0)
	j := 5
	var ids []stream.ID
	for ; j < len(c.Args); j++ {
		id, _, ok := parseStreamID(c.Args[j], 0, true, false)
		if !ok {
			break
		}
		ids = append(ids, id)
	}
	now := c.KS.Now
	deliveryTime, retryCount := int64(-1), int64(-1)
	force, justID := false, false
	var lastID stream.ID
	for ; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		opt := c.Args[j]
		switch {
		case eq(opt, "FORCE"):
			force = true
		case eq(opt, "JUSTID"):
			justID = true
		case eq(opt, "IDLE") && more > 0:
			j++
			v, ok := ParseInt(c.Args[j])
			if !ok {
				c.Error("ERR Invalid IDLE option argument for XCLAIM")
				return
			}
			deliveryTime = now - v
		case eq(opt, "TIME") && more > 0:
			j++
			v, ok := ParseInt(c.Args[j])
			if !ok {
				c.Error("ERR Invalid TIME option argument for XCLAIM")
				return
			}
			deliveryTime = v
		case eq(opt, "RETRYCOUNT") && more > 0:
			j++
			v, ok := ParseInt(c.Args[j])
			if !ok {
				c.Error("ERR Invalid RETRYCOUNT option argument for XCLAIM")
				return
			}
			retryCount = v
		case eq(opt, "LASTID") && more > 0:
			j++
			if lastID, ok = c.streamIDArg(j, 0); !ok {
				return
			}
		default:
			c.Error(fmt.Sprintf("ERR Unrecognized XCLAIM option '%s'", CString(opt)))
			return
		}
	}
	propagateLast := false
	if g.LastID.Less(lastID) {
		g.LastID = lastID
		propagateLast = true
	}
	if deliveryTime < 0 || deliveryTime > now {
		deliveryTime = now
	}
	var co *stream.Consumer
	d := c.W.Defer()
	n := 0
	for k, id := range ids {
		idArgB := c.Args[5+k]
		nack := g.Pending(id)
		fields, exists := s.Get(id)
		if !exists {
			if nack != nil {
				propagateXClaim(c, key, g, c.Args[2], idArgB, nack)
				propagateLast = false
				c.Dirty(1)
				g.Ack(id)
			}
			continue
		}
		if force && nack == nil {
			nack = g.AddPending(id, nil, now, 1)
		}
		if nack == nil {
			continue
		}
		if nack.Consumer != nil && minIdle != 0 && now-nack.DeliveryTime < minIdle {
			continue
		}
		if co == nil {
			co = consumerOf(c, key, g, c.Args[3])
		}
		g.Transfer(nack, co)
		nack.DeliveryTime = deliveryTime
		if retryCount >= 0 {
			nack.DeliveryCount = uint64(retryCount)
		} else if !justID {
			nack.DeliveryCount++
		}
		if justID {
			bulkID(c, id)
		} else {
			replyEntry(c, id, fields)
		}
		n++
		propagateXClaim(c, key, g, c.Args[2], idArgB, nack)
		propagateLast = false
		c.Dirty(1)
	}
	if propagateLast {
		propagateGroupID(c, key, g, c.Args[2])
		c.Dirty(1)
	}
	c.W.ArrayAt(d, n)
	c.NoPropagate()
}

func cmdXAutoClaim(c *Ctx) {
	key := c.Args[1]
	// Redis looks the key up first (a miss raises keymiss, an expired key
	// goes) but checks its type only after the arguments.
	e := c.DB.Lookup(key)
	minIdle, ok := ParseInt(c.Args[4])
	if !ok {
		c.Error("ERR Invalid min-idle-time argument for XAUTOCLAIM")
		return
	}
	minIdle = max(minIdle, 0)
	start, sx, ok := c.streamIntervalArg(5, 0)
	if !ok {
		return
	}
	if sx {
		if start, ok = start.Incr(); !ok {
			c.Error(ErrStreamStartID)
			return
		}
	}
	count := int64(100)
	justID := false
	for j := 6; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		switch {
		case eq(c.Args[j], "COUNT") && more > 0:
			v, ok := ParseInt(c.Args[j+1])
			if !ok || v < 1 || v > math.MaxInt64/16 {
				c.Error("ERR COUNT must be > 0")
				return
			}
			count = v
			j++
		case eq(c.Args[j], "JUSTID"):
			justID = true
		default:
			c.SyntaxError()
			return
		}
	}
	var s *stream.Stream
	var g *stream.Group
	if e != nil {
		if e.Type() != keyspace.TypeStream {
			c.W.Error(ErrWrongType)
			return
		}
		s = e.Obj().(*stream.Stream)
		g = s.Group(c.Args[2])
	}
	if g == nil {
		noGroupError(c, key, c.Args[2])
		return
	}
	attempts := count * 10
	now := c.KS.Now
	var co *stream.Consumer
	var deleted []stream.ID
	c.W.Array(3)
	var body []byte
	// The entries are written after the cursor, which is only known at
	// the end: build them aside.
	saved := c.W.B
	c.W.B = nil
	n := 0
	// cur is the next entry to look at, nil past the end of the PEL.
	cur := g.PEL.Ceil(start)
	for attempts > 0 && count > 0 && cur != nil {
		attempts--
		nack := cur
		id := nack.ID
		cur = nil
		if after, ok := id.Incr(); ok {
			cur = g.PEL.Ceil(after)
		}
		fields, exists := s.Get(id)
		if !exists {
			propagateXClaim(c, key, g, c.Args[2], idArg(id), nack)
			c.Dirty(1)
			g.Ack(id)
			deleted = append(deleted, id)
			count--
			continue
		}
		if minIdle != 0 && now-nack.DeliveryTime < minIdle {
			continue
		}
		if co == nil {
			co = consumerOf(c, key, g, c.Args[3])
		}
		g.Transfer(nack, co)
		nack.DeliveryTime = now
		if !justID {
			nack.DeliveryCount++
		}
		if justID {
			bulkID(c, id)
		} else {
			replyEntry(c, id, fields)
		}
		n++
		count--
		propagateXClaim(c, key, g, c.Args[2], idArg(id), nack)
		c.Dirty(1)
	}
	body = c.W.B
	c.W.B = saved
	var next stream.ID
	if cur != nil {
		next = cur.ID
	}
	bulkID(c, next)
	c.W.Array(n)
	c.W.B = append(c.W.B, body...)
	c.W.Array(len(deleted))
	for _, id := range deleted {
		bulkID(c, id)
	}
	c.NoPropagate()
}

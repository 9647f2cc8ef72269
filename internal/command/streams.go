package command

import (
	"strconv"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/types/stream"
)

// Stream commands, as Redis 7.0's t_stream.c answers and propagates them.
// The data structure is internal/types/stream; this file has XADD, the
// range reads, XLEN, XDEL, XTRIM, XSETID and XREAD/XREADGROUP;
// streams_group.go the consumer group commands, streams_info.go XINFO.

// Error replies of the stream commands, worded as Redis 7.0 words them.
const (
	ErrStreamID          = "ERR Invalid stream ID specified as stream command argument"
	ErrStreamExhausted   = "ERR The stream has exhausted the last possible ID, unable to add more items"
	ErrStreamIDSmall     = "ERR The ID specified in XADD is equal or smaller than the target stream top item"
	ErrStreamIDZero      = "ERR The ID specified in XADD must be greater than 0-0"
	ErrStreamTooLarge    = "ERR Elements are too large to be stored"
	ErrStreamStartID     = "ERR invalid start ID for the interval"
	ErrStreamEndID       = "ERR invalid end ID for the interval"
	ErrStreamKeyRequired = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."
)

func registerStreams(t *Table) {
	t.Define("xadd", cmdXAdd)
	t.Define("xrange", func(c *Ctx) { xrangeGeneric(c, false) })
	t.Define("xrevrange", func(c *Ctx) { xrangeGeneric(c, true) })
	t.Define("xlen", cmdXLen)
	t.Define("xdel", cmdXDel)
	t.Define("xtrim", cmdXTrim)
	t.Define("xsetid", cmdXSetID)
	t.Define("xread", func(c *Ctx) { xreadGeneric(c, false) })
	t.Define("xreadgroup", func(c *Ctx) { xreadGeneric(c, true) })
	registerStreamGroups(t)
}

// streamLimits are stream-node-max-bytes and stream-node-max-entries.
func streamLimits(c *Ctx) stream.Limits {
	l := c.Env.Limits()
	return stream.Limits{MaxBytes: l.StreamNodeMaxBytes, MaxEntries: l.StreamNodeMaxEntries}
}

// readStream returns key's stream for reading: nil when absent, ok false
// after replying WRONGTYPE.
func readStream(c *Ctx, key []byte) (*stream.Stream, bool) {
	e, ok := c.lookupRead(key, keyspace.TypeStream)
	if !ok || e == nil {
		return nil, ok
	}
	return e.Obj().(*stream.Stream), true
}

// writeStream is readStream for modification.
func writeStream(c *Ctx, key []byte) (*stream.Stream, bool) {
	e, ok := c.lookupWrite(key, keyspace.TypeStream)
	if !ok || e == nil {
		return nil, ok
	}
	return e.Obj().(*stream.Stream), true
}

// string2ull is Redis's string2ull: string2ll, or else strtoull's
// leniency (leading spaces, a sign, leading zeros; a negative value
// wraps), refusing overflow and trailing bytes.
func string2ull(b []byte) (uint64, bool) {
	if v, ok := ParseInt(b); ok {
		if v < 0 {
			return 0, false
		}
		return uint64(v), true
	}
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	if i == len(b) {
		return 0, false
	}
	var v uint64
	for ; i < len(b); i++ {
		d := b[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		if v > (^uint64(0)-uint64(d-'0'))/10 {
			return 0, false
		}
		v = v*10 + uint64(d-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseStreamID is streamGenericParseIDOrReply without the reply: "-" and
// "+" (unless strict), "ms", "ms-seq" and, with allowAutoSeq, "ms-*"
// (seqGiven false).
func parseStreamID(b []byte, missingSeq uint64, strict, allowAutoSeq bool) (id stream.ID, seqGiven bool, ok bool) {
	if len(b) > 127 {
		return id, false, false
	}
	if len(b) == 1 && (b[0] == '-' || b[0] == '+') {
		if strict {
			return id, false, false
		}
		if b[0] == '+' {
			return stream.MaxID, true, true
		}
		return stream.ID{}, true, true
	}
	// A NUL ends the C string Redis parses.
	for i, ch := range b {
		if ch == 0 {
			b = b[:i]
			break
		}
	}
	seqGiven = true
	msPart, seqPart, dot := b, []byte(nil), false
	for i, ch := range b {
		if ch == '-' {
			msPart, seqPart, dot = b[:i], b[i+1:], true
			break
		}
	}
	ms, ok := string2ull(msPart)
	if !ok {
		return id, false, false
	}
	seq := missingSeq
	if dot {
		if allowAutoSeq && len(seqPart) == 1 && seqPart[0] == '*' {
			seq, seqGiven = 0, false
		} else if seq, ok = string2ull(seqPart); !ok {
			return id, false, false
		}
	}
	return stream.ID{MS: ms, Seq: seq}, seqGiven, true
}

// streamIDArg parses argument i as a strict ID (no "-" or "+"), replying
// the error.
func (c *Ctx) streamIDArg(i int, missingSeq uint64) (stream.ID, bool) {
	id, _, ok := parseStreamID(c.Args[i], missingSeq, true, false)
	if !ok {
		c.Error(ErrStreamID)
	}
	return id, ok
}

// streamIntervalArg is streamParseIntervalIDOrReply: "(" makes the bound
// exclusive (then the ID is strict).
func (c *Ctx) streamIntervalArg(i int, missingSeq uint64) (id stream.ID, exclusive, ok bool) {
	b := c.Args[i]
	if len(b) > 1 && b[0] == '(' {
		id, _, ok = parseStreamID(b[1:], missingSeq, true, false)
		exclusive = true
	} else {
		id, _, ok = parseStreamID(b, missingSeq, false, false)
	}
	if !ok {
		c.Error(ErrStreamID)
	}
	return id, exclusive, ok
}

func bulkID(c *Ctx, id stream.ID) {
	var buf [48]byte
	c.W.Bulk(id.Append(buf[:0]))
}

func idArg(id stream.ID) []byte { return id.Append(nil) }

// replyEntry writes one entry: [id, [field, value, …]].
func replyEntry(c *Ctx, id stream.ID, fields [][]byte) {
	c.W.Array(2)
	bulkID(c, id)
	c.W.Array(len(fields))
	for _, f := range fields {
		c.W.Bulk(f)
	}
}

// trimArgs are the parsed MAXLEN/MINID options of XADD and XTRIM.
type trimArgs struct {
	stream.TrimArgs
	argIdx     int // the threshold argument
	limitGiven bool
	idGiven    bool
	seqGiven   bool
	id         stream.ID
	noMkStream bool
}

// parseTrimArgs is streamParseAddOrTrimArgsOrReply; for XADD it returns
// the index of the ID argument.
func parseTrimArgs(c *Ctx, xadd bool) (a trimArgs, idx int, ok bool) {
	a.Limit = -1
	i := 2
	for ; i < len(c.Args); i++ {
		more := len(c.Args) - 1 - i
		opt := c.Args[i]
		switch {
		case xadd && len(opt) == 1 && opt[0] == '*':
			goto done
		case (eq(opt, "MAXLEN") || eq(opt, "MINID")) && more > 0:
			if a.Strategy != stream.TrimNone {
				c.Error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
				return a, 0, false
			}
			a.Approx = false
			next := c.Args[i+1]
			if more >= 2 && len(next) == 1 && (next[0] == '~' || next[0] == '=') {
				a.Approx = next[0] == '~'
				i++
			}
			if eq(opt, "MAXLEN") {
				n, ok := c.intArg(i + 1)
				if !ok {
					return a, 0, false
				}
				if n < 0 {
					c.Error("ERR The MAXLEN argument must be >= 0.")
					return a, 0, false
				}
				a.MaxLen, a.Strategy = n, stream.TrimMaxLen
			} else {
				id, ok := c.streamIDArg(i+1, 0)
				if !ok {
					return a, 0, false
				}
				a.MinID, a.Strategy = id, stream.TrimMinID
			}
			i++
			a.argIdx = i
		case eq(opt, "LIMIT") && more > 0:
			n, ok := c.intArg(i + 1)
			if !ok {
				return a, 0, false
			}
			if n < 0 {
				c.Error("ERR The LIMIT argument must be >= 0.")
				return a, 0, false
			}
			a.Limit, a.limitGiven = n, true
			i++
		case xadd && eq(opt, "NOMKSTREAM"):
			a.noMkStream = true
		case xadd:
			id, seqGiven, ok := parseStreamID(opt, 0, true, true)
			if !ok {
				c.Error(ErrStreamID)
				return a, 0, false
			}
			a.id, a.seqGiven, a.idGiven = id, seqGiven, true
			goto done
		default:
			c.SyntaxError()
			return a, 0, false
		}
	}
done:
	if a.limitGiven && a.Strategy == stream.TrimNone {
		c.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
		return a, 0, false
	}
	if !xadd && a.Strategy == stream.TrimNone {
		c.Error("ERR syntax error, XTRIM must be called with a trimming strategy")
		return a, 0, false
	}
	if c.Obey {
		// The AOF loader obeys whatever was logged: no work limit.
		a.Limit = 0
	} else if a.limitGiven {
		if !a.Approx {
			c.Error("ERR syntax error, LIMIT cannot be used without the special ~ option")
			return a, 0, false
		}
	} else if a.Approx {
		a.Limit = 100 * c.Env.Limits().StreamNodeMaxEntries
		if a.Limit <= 0 || a.Limit > 1000000 {
			a.Limit = 1000000
		}
	} else {
		a.Limit = 0
	}
	return a, i, true
}

// trimRewrite rewrites an approximate trim for propagation as Redis does:
// "=" and the exact length or first ID reached, so that replay trims the
// same entries.
func trimRewrite(c *Ctx, args [][]byte, a *trimArgs, s *stream.Stream) {
	args[a.argIdx-1] = []byte("=")
	if a.Strategy == stream.TrimMaxLen {
		args[a.argIdx] = strconv.AppendUint(nil, s.Len(), 10)
	} else {
		args[a.argIdx] = idArg(s.FirstEntryID())
	}
}

func cmdXAdd(c *Ctx) {
	a, idIdx, ok := parseTrimArgs(c, true)
	if !ok {
		return
	}
	fieldPos := idIdx + 1
	n := len(c.Args) - fieldPos
	if n < 2 || n%2 == 1 {
		wrongArgs(c)
		return
	}
	if a.idGiven && a.seqGiven && a.id.IsZero() {
		c.Error(ErrStreamIDZero)
		return
	}
	var total int64
	for _, b := range c.Args[fieldPos:] {
		total += int64(len(b))
	}
	key := c.Args[1]
	s, ok := writeStream(c, key)
	if !ok {
		return
	}
	if s == nil {
		if a.noMkStream {
			c.W.Null()
			return
		}
		s = stream.New()
		c.DB.Add(key, s)
	}
	last := s.LastID()
	if last == stream.MaxID {
		c.Error(ErrStreamExhausted)
		return
	}
	var id stream.ID
	switch {
	case !a.idGiven:
		ms := uint64(max(c.KS.Now, 0))
		if ms > last.MS {
			id = stream.ID{MS: ms}
		} else {
			id, _ = last.Incr()
		}
	case a.seqGiven:
		id = a.id
	case a.id.MS == last.MS:
		if last.Seq == ^uint64(0) {
			c.Error(ErrStreamTooLarge) // sic: Redis 7.0's errno for this case
			return
		}
		id = stream.ID{MS: last.MS, Seq: last.Seq + 1}
	default:
		id = a.id
	}
	if !last.Less(id) {
		c.Error(ErrStreamIDSmall)
		return
	}
	if total > 1<<30 {
		c.Error(ErrStreamTooLarge)
		return
	}
	s.Append(id, c.Args[fieldPos:], streamLimits(c))
	c.idArg = id.Append(c.idArg[:0]) // the reply, and the log's ID for '*'
	c.W.Bulk(c.idArg)
	c.Changed(key)
	c.Notify(NotifyStream, "xadd", key)
	if a.Strategy != stream.TrimNone {
		if s.Trim(a.TrimArgs) > 0 {
			c.Notify(NotifyStream, "xtrim", key)
		}
		if a.Approx {
			args := append([][]byte(nil), c.Args...)
			trimRewrite(c, args, &a, s)
			c.Rewrite(args...)
		}
	}
	if !a.idGiven || !a.seqGiven {
		c.RewriteArg(idIdx, c.idArg)
	}
}

func xrangeGeneric(c *Ctx, rev bool) {
	si, ei := 2, 3
	if rev {
		si, ei = 3, 2
	}
	start, sx, ok := c.streamIntervalArg(si, 0)
	if !ok {
		return
	}
	if sx {
		if start, ok = start.Incr(); !ok {
			c.Error(ErrStreamStartID)
			return
		}
	}
	end, ex, ok := c.streamIntervalArg(ei, ^uint64(0))
	if !ok {
		return
	}
	if ex {
		if end, ok = end.Decr(); !ok {
			c.Error(ErrStreamEndID)
			return
		}
	}
	count := int64(-1)
	for j := 4; j < len(c.Args); j++ {
		if eq(c.Args[j], "COUNT") && j+1 < len(c.Args) {
			n, ok := c.intArg(j + 1)
			if !ok {
				return
			}
			count = max(n, 0)
			j++
		} else {
			c.SyntaxError()
			return
		}
	}
	s, ok := readStream(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.W.Array(0)
		return
	}
	if count == 0 {
		c.W.NullArray()
		return
	}
	replyRange(c, s, start, end, count, rev)
}

// replyRange replies with the entries of [start, end], at most count
// (-1: all).
func replyRange(c *Ctx, s *stream.Stream, start, end stream.ID, count int64, rev bool) int {
	d := c.W.Defer()
	n := 0
	s.Range(start, end, rev, func(id stream.ID, fields [][]byte) bool {
		replyEntry(c, id, fields)
		n++
		return count < 0 || int64(n) < count
	})
	c.W.ArrayAt(d, n)
	return n
}

func cmdXLen(c *Ctx) {
	s, ok := readStream(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(s.Len()))
}

func cmdXDel(c *Ctx) {
	s, ok := writeStream(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	ids := make([]stream.ID, 0, len(c.Args)-2)
	for j := 2; j < len(c.Args); j++ {
		id, ok := c.streamIDArg(j, 0)
		if !ok {
			return
		}
		ids = append(ids, id)
	}
	n := s.Delete(ids)
	if n > 0 {
		c.DB.Signal(c.Args[1])
		c.Notify(NotifyStream, "xdel", c.Args[1])
		c.Dirty(n)
	}
	c.W.Int(int64(n))
}

func cmdXTrim(c *Ctx) {
	a, _, ok := parseTrimArgs(c, false)
	if !ok {
		return
	}
	s, ok := writeStream(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	n := s.Trim(a.TrimArgs)
	if n > 0 {
		if a.Approx {
			args := append([][]byte(nil), c.Args...)
			trimRewrite(c, args, &a, s)
			c.Rewrite(args...)
		}
		c.DB.Signal(c.Args[1])
		c.Notify(NotifyStream, "xtrim", c.Args[1])
		c.Dirty(int(n))
	}
	c.W.Int(n)
}

func cmdXSetID(c *Ctx) {
	id, ok := c.streamIDArg(2, 0)
	if !ok {
		return
	}
	entriesAdded := int64(-1)
	var maxDel stream.ID
	for i := 3; i < len(c.Args); i += 2 {
		more := len(c.Args) - 1 - i
		switch {
		case eq(c.Args[i], "ENTRIESADDED") && more > 0:
			n, ok := c.intArg(i + 1)
			if !ok {
				return
			}
			if n < 0 {
				c.Error("ERR entries_added must be positive")
				return
			}
			entriesAdded = n
		case eq(c.Args[i], "MAXDELETEDID") && more > 0:
			if maxDel, ok = c.streamIDArg(i+1, 0); !ok {
				return
			}
			if id.Less(maxDel) {
				c.Error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
				return
			}
		default:
			c.SyntaxError()
			return
		}
	}
	s, ok := writeStream(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.Error(ErrNoSuchKey)
		return
	}
	if s.Len() > 0 {
		if id.Less(s.LastEntryID()) {
			c.Error("ERR The ID specified in XSETID is smaller than the target stream top item")
			return
		}
		if entriesAdded != -1 && s.Len() > uint64(entriesAdded) {
			c.Error("ERR The entries_added specified in XSETID is smaller than the target stream length")
			return
		}
	}
	ea := s.EntriesAdded()
	if entriesAdded != -1 {
		ea = uint64(entriesAdded)
	}
	md := s.MaxDeletedID()
	if !maxDel.IsZero() {
		md = maxDel
	}
	s.SetMeta(id, ea, md)
	c.W.OK()
	c.Notify(NotifyStream, "xsetid", c.Args[1])
	c.Dirty(1)
}

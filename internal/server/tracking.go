package server

import (
	"bytes"
	"slices"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/resp"
)

// Server-assisted client-side caching (CLIENT TRACKING), as Redis 7.0's
// tracking.c does it.
//
// Default mode: the keys a tracking client reads (the key arguments of
// read-only commands it runs, also inside MULTI and scripts) go into the
// tracking table, key name -> client ids, shared by all databases. When a
// key is modified (keyModified: every write, expiry, FLUSH*), the
// table's entry is dropped and each client in it gets an invalidation
// message, once; the client that made the change gets it after its
// command's reply (and not at all with NOLOOP). OPTIN/OPTOUT make the
// remembering depend on CLIENT CACHING yes/no before the command.
//
// BCAST mode: no table; a client subscribes to key prefixes (all keys
// with none), and every key modified under a prefix is collected and
// sent, sorted, to the prefix's clients once the command is over.
//
// Messages are RESP3 pushes [invalidate, [keys]] (null keys: everything,
// after FLUSHALL/FLUSHDB), or, when the client redirects to another
// client in RESP2 that is subscribed to something, Pub/Sub messages on
// __redis__:invalidate. tracking-table-max-keys bounds the table: past
// it, before each command, random keys are invalidated.

// trackingState is the server's side (under mu).
type trackingState struct {
	clients  int                           // clients with tracking on
	table    map[string]map[int64]struct{} // key -> ids of the clients that read it
	items    int                           // sum of the table's id sets
	prefixes map[string]*bcastState        // BCAST prefix -> state
	pending  [][]byte                      // invalidations for the executing client (nil: flush)
	effort   int                           // Redis's timeout_counter of trackingLimitUsedSlots
}

// bcastState is one BCAST prefix: its clients and the keys modified
// under it since the last broadcast, with the client that modified each
// (for NOLOOP).
type bcastState struct {
	clients map[*client]struct{}
	keys    map[string]*client
}

// clientTracking is one client's tracking (nil while off).
type clientTracking struct {
	bcast, optin, optout, noloop bool
	caching                      bool // CLIENT CACHING given for the next command
	brokenRedir                  bool
	redirect                     int64
	prefixes                     []string // BCAST prefixes, sorted
}

const trackingChannel = "__redis__:invalidate"

// cmdClientTracking implements CLIENT TRACKING on|off [REDIRECT id]
// [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP].
func (s *Server) cmdClientTracking(c *command.Ctx) {
	cl := clientOf(c)
	var redir int64
	var bcast, optin, optout, noloop bool
	var prefixes []string
	for j := 3; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		a := c.Args[j]
		switch {
		case command.EqFold(a, "redirect") && more > 0:
			j++
			if redir != 0 {
				c.Error("ERR A client can only redirect to a single other client")
				return
			}
			id, ok := command.ParseInt(c.Args[j])
			if !ok {
				c.Error(command.ErrNotInt)
				return
			}
			redir = id
			if s.clients[id] == nil {
				c.Error("ERR The client ID you want redirect to does not exist")
				return
			}
		case command.EqFold(a, "bcast"):
			bcast = true
		case command.EqFold(a, "optin"):
			optin = true
		case command.EqFold(a, "optout"):
			optout = true
		case command.EqFold(a, "noloop"):
			noloop = true
		case command.EqFold(a, "prefix") && more > 0:
			j++
			prefixes = append(prefixes, string(c.Args[j]))
		default:
			c.SyntaxError()
			return
		}
	}
	switch {
	case command.EqFold(c.Args[2], "on"):
		t := cl.trk
		switch {
		case !bcast && len(prefixes) > 0:
			c.Error("ERR PREFIX option requires BCAST mode to be enabled")
			return
		case t != nil && t.bcast != bcast:
			c.Error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
			return
		case bcast && (optin || optout):
			c.Error("ERR OPTIN and OPTOUT are not compatible with BCAST")
			return
		case optin && optout:
			c.Error("ERR You can't specify both OPTIN mode and OPTOUT mode")
			return
		case t != nil && (optin && t.optout || optout && t.optin):
			c.Error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
			return
		}
		if bcast {
			if msg := prefixCollision(cl.trk, prefixes); msg != "" {
				c.Error(msg)
				return
			}
		}
		s.trackingOn(cl, redir, bcast, optin, optout, noloop, prefixes)
	case command.EqFold(c.Args[2], "off"):
		s.trackingOff(cl)
	default:
		c.SyntaxError()
		return
	}
	c.W.OK()
}

// prefixCollision checks new BCAST prefixes against the client's and
// each other: no prefix may be a prefix of another. (Redis 7.0 replies an
// error and then OK when two new prefixes after the first collide; Vesta
// replies the error only.)
func prefixCollision(t *clientTracking, prefixes []string) string {
	overlap := func(a, b string) bool {
		n := min(len(a), len(b))
		return a[:n] == b[:n]
	}
	for i, p := range prefixes {
		if t != nil {
			for _, old := range t.prefixes {
				if overlap(old, p) {
					return "ERR Prefix '" + cString(p) + "' overlaps with an existing prefix '" + cString(old) + "'. Prefixes for a single client must not overlap."
				}
			}
		}
		for _, q := range prefixes[i+1:] {
			if overlap(p, q) {
				return "ERR Prefix '" + cString(p) + "' overlaps with another provided prefix '" + cString(q) + "'. Prefixes for a single client must not overlap."
			}
		}
	}
	return ""
}

// cString is s as C's %s prints it: up to its first NUL.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// trackingOn is Redis's enableTracking.
func (s *Server) trackingOn(cl *client, redir int64, bcast, optin, optout, noloop bool, prefixes []string) {
	t := cl.trk
	if t == nil {
		t = &clientTracking{}
		cl.trk = t
		s.track.clients++
	}
	old := t.prefixes
	*t = clientTracking{bcast: bcast, optin: optin, optout: optout, noloop: noloop, redirect: redir, prefixes: old}
	if bcast {
		if len(prefixes) == 0 {
			prefixes = []string{""}
		}
		for _, p := range prefixes {
			s.bcastSubscribe(cl, p)
		}
	}
	if s.track.table == nil {
		s.track.table = map[string]map[int64]struct{}{}
	}
	// Invalidations reach the client from other clients' commands.
	cl.startAsync()
	if r := s.clients[redir]; r != nil && !r.async {
		r.wantAsync.Store(true)
		s.wakeClient(r)
	}
}

func (s *Server) bcastSubscribe(cl *client, p string) {
	t := cl.trk
	if i, found := slices.BinarySearch(t.prefixes, p); !found {
		t.prefixes = slices.Insert(t.prefixes, i, p)
	}
	bs := s.track.prefixes[p]
	if bs == nil {
		if s.track.prefixes == nil {
			s.track.prefixes = map[string]*bcastState{}
		}
		bs = &bcastState{clients: map[*client]struct{}{}, keys: map[string]*client{}}
		s.track.prefixes[p] = bs
	}
	bs.clients[cl] = struct{}{}
}

// trackingOff is Redis's disableTracking: the client leaves its BCAST
// prefixes; its entries in the tracking table are left to be skipped.
func (s *Server) trackingOff(cl *client) {
	t := cl.trk
	if t == nil {
		return
	}
	for _, p := range t.prefixes {
		if bs := s.track.prefixes[p]; bs != nil {
			delete(bs.clients, cl)
			if len(bs.clients) == 0 {
				delete(s.track.prefixes, p)
			}
		}
	}
	cl.trk = nil
	s.track.clients--
}

// trackingAfterProcess runs after each request of a tracking client:
// CLIENT CACHING lasts for one command, or one transaction, and CLIENT
// subcommands leave it alone (Redis's resetClient).
func (s *Server) trackingAfterProcess(cl *client, name []byte) {
	if t := cl.trk; t != nil && cl.multi == nil && !command.EqFold(name, "client") {
		t.caching = false
	}
}

// trackingRemember remembers the keys a read-only command reads for the
// tracking client executing it (the caller of a script or transaction),
// unless it is in BCAST mode or OPTIN/OPTOUT says not to. Called by call()
// right after the handler.
func (s *Server) trackingRemember(spec *command.Spec, args [][]byte) {
	if s.track.clients == 0 || spec.Flags&command.ReadOnly == 0 || spec.Flags&command.PubSub != 0 {
		return
	}
	switch spec.Name {
	case "eval_ro", "evalsha_ro", "fcall_ro":
		return
	}
	cl := s.executing.Load()
	if cl == nil || cl.trk == nil || cl.trk.bcast {
		return
	}
	t := cl.trk
	if t.optin && !t.caching || t.optout && t.caching {
		return
	}
	for _, p := range spec.KeyPositions(args) {
		key := string(args[p])
		ids := s.track.table[key]
		if ids == nil {
			ids = map[int64]struct{}{}
			s.track.table[key] = ids
		}
		if _, ok := ids[cl.id]; !ok {
			ids[cl.id] = struct{}{}
			s.track.items++
		}
	}
}

// trackingInvalidate is Redis's trackingInvalidateKey for a modified key:
// collect it for the BCAST prefixes it falls under, and invalidate it for
// the clients that read it. Called by keyModified.
func (s *Server) trackingInvalidate(key []byte, bcast bool) {
	cur := s.executing.Load()
	if bcast {
		for p, bs := range s.track.prefixes {
			if bytes.HasPrefix(key, []byte(p)) {
				bs.keys[string(key)] = cur
			}
		}
	}
	ids := s.track.table[string(key)]
	if ids == nil {
		return
	}
	for _, id := range sortedIDs(ids) {
		target := s.clients[id]
		if target == nil || target.trk == nil || target.trk.bcast {
			continue
		}
		if target.trk.noloop && target == cur {
			continue
		}
		if target == cur {
			s.track.pending = append(s.track.pending, append([]byte(nil), key...))
			continue
		}
		s.sendTracking(target, nil, keyArray(key))
	}
	s.track.items -= len(ids)
	delete(s.track.table, string(key))
}

func sortedIDs(ids map[int64]struct{}) []int64 {
	out := make([]int64, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// keyArray is the value of an invalidation for one key: [key].
func keyArray(key []byte) []byte {
	var w resp.Writer
	w.Array(1)
	w.Bulk(key)
	return w.B
}

// nullFor is the null an invalidation after a flush carries, in the
// tracking client's protocol (also when it redirects, as in Redis).
func nullFor(cl *client) []byte {
	if cl.w.Proto > 2 {
		return []byte("_\r\n")
	}
	return []byte("$-1\r\n")
}

// trackingFlushed sends the null invalidation of FLUSHALL and FLUSHDB to
// every tracking client and empties the tracking table.
func (s *Server) trackingFlushed() {
	if s.track.clients > 0 {
		cur := s.executing.Load()
		for _, cl := range s.sortedClients() {
			if cl.trk == nil {
				continue
			}
			if cl == cur {
				s.track.pending = append(s.track.pending, nil)
				continue
			}
			s.sendTracking(cl, nil, nullFor(cl))
		}
	}
	if len(s.track.table) > 0 {
		s.track.table = map[string]map[int64]struct{}{}
		s.track.items = 0
	}
}

// sendTracking sends an invalidation whose value (an array of keys, or a
// null) is already encoded to cl, or to the client it redirects to: a
// RESP3 push, or a Pub/Sub message for a subscribed RESP2 client that is
// redirected to. self is the client whose command just ended, whose
// output is still its batch buffer.
func (s *Server) sendTracking(cl, self *client, value []byte) {
	var w resp.Writer
	target := cl
	redirected := false
	if id := cl.trk.redirect; id != 0 {
		r := s.clients[id]
		if r == nil {
			cl.trk.brokenRedir = true
			if cl.w.Proto > 2 {
				w.Proto = 3
				w.Push(2)
				w.BulkString("tracking-redir-broken")
				w.Int(id)
				s.output(cl, self, w.B)
			}
			return
		}
		target, redirected = r, true
	}
	w.Proto = target.w.Proto
	switch {
	case target.w.Proto > 2:
		w.Push(2)
		w.BulkString("invalidate")
	case redirected && target.pubsubCount() > 0:
		w.Array(3)
		w.BulkString("message")
		w.BulkString(trackingChannel)
	default:
		// A RESP2 connection cannot receive pushes.
		return
	}
	w.Raw(value)
	s.output(target, self, w.B)
}

// output appends an out-of-band message to a client's output: its batch
// buffer if it is the client whose command just ended, its queue if its
// output is asynchronous, or, for a client that waits for its first
// message, its queue that its goroutine starts writing when woken.
func (s *Server) output(cl, self *client, b []byte) {
	if cl == self {
		cl.w.Raw(b)
		return
	}
	if !cl.async {
		cl.wantAsync.Store(true)
		s.wakeClient(cl)
	}
	cl.queue(b)
}

// trackingAfterCommand runs when a top-level command of cl is over: the
// invalidations it caused for itself follow its reply.
func (s *Server) trackingAfterCommand(cl *client) {
	if len(s.track.pending) > 0 {
		pending := s.track.pending
		s.track.pending = nil
		for _, key := range pending {
			if cl.trk == nil {
				continue
			}
			if key == nil {
				s.sendTracking(cl, cl, nullFor(cl))
			} else {
				s.sendTracking(cl, cl, keyArray(key))
			}
		}
	}
}

// trackingBroadcast sends every BCAST prefix's collected keys, sorted, to
// its clients (without the keys a NOLOOP client modified itself), in
// prefix order. It runs where Redis's beforeSleep would: at the end of
// each client's batch of requests (self, whose replies are still in its
// batch buffer) and of each cron tick (self nil).
func (s *Server) trackingBroadcast(self *client) {
	if s.track.clients == 0 || len(s.track.prefixes) == 0 {
		return
	}
	var ps []string
	for p, bs := range s.track.prefixes {
		if len(bs.keys) > 0 {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return
	}
	slices.Sort(ps)
	for _, p := range ps {
		bs := s.track.prefixes[p]
		keys := make([]string, 0, len(bs.keys))
		for k := range bs.keys {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		all := keysReply(keys, bs.keys, nil)
		clients := make([]*client, 0, len(bs.clients))
		for c := range bs.clients {
			clients = append(clients, c)
		}
		slices.SortFunc(clients, func(a, b *client) int { return int(a.id - b.id) })
		for _, c := range clients {
			if c.trk.noloop {
				if own := keysReply(keys, bs.keys, c); own != nil {
					s.sendTracking(c, self, own)
				}
				continue
			}
			s.sendTracking(c, self, all)
		}
		bs.keys = map[string]*client{}
	}
}

// keysReply encodes keys as an array, leaving out those modified by
// skip (nil when none is left).
func keysReply(keys []string, by map[string]*client, skip *client) []byte {
	n := 0
	for _, k := range keys {
		if skip == nil || by[k] != skip {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	var w resp.Writer
	w.Array(n)
	for _, k := range keys {
		if skip == nil || by[k] != skip {
			w.BulkString(k)
		}
	}
	return w.B
}

// trackingLimit invalidates tracked keys while the table holds more than
// tracking-table-max-keys, with an effort that grows while it stays over
// (Redis's trackingLimitUsedSlots). Called before each command.
func (s *Server) trackingLimit() {
	if s.track.clients == 0 {
		return
	}
	max := int(s.cfg.TrackingTableMaxKeys)
	if max == 0 || len(s.track.table) <= max {
		s.track.effort = 0
		return
	}
	effort := 100 * (s.track.effort + 1)
	for key := range s.track.table { // random order
		if effort == 0 {
			break
		}
		effort--
		s.trackingInvalidate([]byte(key), false)
		if len(s.track.table) <= max {
			s.track.effort = 0
			return
		}
	}
	s.track.effort++
}

// wakeClient interrupts the read of a client's goroutine so that it looks
// at wantAsync (takeWake). Under mu.
func (s *Server) wakeClient(cl *client) {
	if cl.lc != nil {
		s.loop.post(loopMsg{cl: cl, wake: true}) // loop.go
		return
	}
	_ = cl.conn.SetReadDeadline(time.Now())
}

// takeWake switches a client that is to receive messages it did not ask
// for to asynchronous output, from its own goroutine, and reports whether
// it did: the read that a wakeClient interrupted is then retried.
func (cl *client) takeWake() bool {
	if !cl.wantAsync.Load() {
		return false
	}
	cl.s.mu.Lock()
	defer cl.s.mu.Unlock()
	cl.wantAsync.Store(false)
	_ = cl.conn.SetReadDeadline(time.Time{}) // the wake's; serveConn sets its own
	cl.startAsync()
	cl.kickWriter()
	return true
}

// kickWriter wakes the writer goroutine for output queued before it ran.
func (cl *client) kickWriter() {
	cl.outMu.Lock()
	defer cl.outMu.Unlock()
	if len(cl.pending) > 0 && cl.wake != nil && !cl.outClosed {
		select {
		case cl.wake <- struct{}{}:
		default:
		}
	}
}

// trackingCron is the cron's share: the table's bound, in case CONFIG
// SET lowered it while idle, and the BCAST keys of expired keys.
func (s *Server) trackingCron() {
	s.trackingLimit()
	s.trackingBroadcast(nil)
}

// trackingDetach turns tracking off for a client that leaves.
func (s *Server) trackingDetach(cl *client) { s.trackingOff(cl) }

// trackingFlags are the tracking letters of CLIENT LIST's flags.
func (cl *client) trackingFlags() string {
	t := cl.trk
	if t == nil {
		return ""
	}
	f := "t"
	if t.brokenRedir {
		f += "R"
	}
	if t.bcast {
		f += "B"
	}
	return f
}

// trackingRedir is CLIENT LIST's redir field and CLIENT GETREDIR.
func (cl *client) trackingRedir() int64 {
	if cl.trk == nil {
		return -1
	}
	return cl.trk.redirect
}

func (s *Server) registerTrackingCommands(t *command.Table) {
	t.Define("client|tracking", s.cmdClientTracking)
	t.Define("client|caching", func(c *command.Ctx) {
		cl := clientOf(c)
		tr := cl.trk
		if tr == nil {
			c.Error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
			return
		}
		switch {
		case command.EqFold(c.Args[2], "yes"):
			if !tr.optin {
				c.Error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
				return
			}
		case command.EqFold(c.Args[2], "no"):
			if !tr.optout {
				c.Error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
				return
			}
		default:
			c.SyntaxError()
			return
		}
		tr.caching = true
		c.W.OK()
	})
	t.Define("client|getredir", func(c *command.Ctx) { c.W.Int(clientOf(c).trackingRedir()) })
	t.Define("client|trackinginfo", func(c *command.Ctx) {
		cl := clientOf(c)
		tr := cl.trk
		flags := []string{"off"}
		if tr != nil {
			flags[0] = "on"
			if tr.bcast {
				flags = append(flags, "bcast")
			}
			if tr.optin {
				flags = append(flags, "optin")
				if tr.caching {
					flags = append(flags, "caching-yes")
				}
			}
			if tr.optout {
				flags = append(flags, "optout")
				if tr.caching {
					flags = append(flags, "caching-no")
				}
			}
			if tr.noloop {
				flags = append(flags, "noloop")
			}
			if tr.brokenRedir {
				flags = append(flags, "broken_redirect")
			}
		}
		c.W.Map(3)
		c.W.BulkString("flags")
		c.W.Set(len(flags))
		for _, f := range flags {
			c.W.BulkString(f)
		}
		c.W.BulkString("redirect")
		c.W.Int(cl.trackingRedir())
		c.W.BulkString("prefixes")
		if tr == nil {
			c.W.Array(0)
			return
		}
		c.W.Array(len(tr.prefixes))
		for _, p := range tr.prefixes {
			c.W.BulkString(p)
		}
	})
}

// infoTracking is the tracking part of INFO stats: keys, items and
// prefixes.
func (s *Server) infoTrackingTotals() (keys, items, prefixes int) {
	return len(s.track.table), s.track.items, len(s.track.prefixes)
}

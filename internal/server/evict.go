package server

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/evict"
	"github.com/vestadb/vesta/internal/keyspace"
)

// maxmemory: measuring memory, evicting keys before commands, refusing
// deny-oom commands with -OOM, and the Go runtime's memory limit. The
// choice of keys is package evict's; see docs/ARCHITECTURE.md "Memory
// limit" for the design and its measurements.

const msgOOM = "OOM command not allowed when used memory > 'maxmemory'."

// evictResult is what performEvictions achieved (Redis's EVICT_*).
type evictResult int

const (
	evictOK      evictResult = iota // memory is under the limit
	evictRunning                    // over it, the rest is evicted in the background
	evictFail                       // over it and nothing (more) can be evicted
)

// evictState is the server's maxmemory state (under mu).
type evictState struct {
	picker      evict.Picker
	gauge       memGauge
	evictedKeys int64
	// exceededSince is when memory went over maxmemory without being
	// brought back (zero when it is not); exceededTotal sums the past
	// periods (INFO total/current_eviction_exceeded_time).
	exceededSince time.Time
	exceededTotal time.Duration
	// background is true while the eviction goroutine finishes a loop
	// that ran out of time (Redis's eviction time proc).
	background bool
	// preCommandOOM is whether memory was over the limit, with nothing to
	// evict, when the current command started: a script may then not run
	// its first deny-oom command (Redis's pre_command_oom_state).
	preCommandOOM bool
	policy        config.MaxmemoryPolicy // to reset the pool on a change
	// quick is the last reading that found memory under the limit: the
	// batch millisecond it was taken in, the figure, and the client input
	// counter then (evictLoop).
	quick struct {
		ms   int64
		used uint64
		in   uint64
	}

	// limitSet says that the Go memory limit was set from maxmemory;
	// initialLimit is the limit the process started with (GOMEMLIMIT or
	// none), restored when maxmemory goes back to 0.
	limitSet     bool
	initialLimit int64
}

// memGauge measures used_memory from the Go runtime, cheaply enough to run
// before every command when maxmemory is set (one runtime/metrics read,
// no stop-the-world).
//
// The runtime knows the live heap only as of the end of the last garbage
// collection; since then it knows how much was allocated, not how much of
// it is still referenced. Much of it is not: request buffers, replies,
// overwritten values, decoded payloads. Counting all of it would make
// eviction throw away far more than needed (tests showed three bytes of
// garbage per byte kept under RESTORE). So the gauge estimates
//
//	used = live at the last GC + survival × allocated since − evicted since
//
// where survival is the share of the allocations of the previous GC cycle
// that were still live (net of what evictions freed, and leaving out the
// memory maxmemory does not count, such as AOF buffers that grew) at its
// end, and
// "evicted since" the estimated sizes of the keys evicted since the last
// GC (garbage the runtime still counts). When the workload changes and the
// estimate runs low, the Go memory limit set from maxmemory
// (goMemoryLimit) forces a collection, which gives the true live figure
// again: memory stays bounded either way.
type memGauge struct {
	samples     [4]metrics.Sample
	cycles      uint64  // GC cycles seen
	live        uint64  // live heap at the end of that cycle
	liveCounted uint64  // the same less what was not counted for eviction
	allocsAtGC  uint64  // cumulative heap allocations when it was seen
	freed       uint64  // estimated bytes released by evictions since then
	survival    float64 // see above; 1 until measured
	lastForced  time.Time
	estimated   uint64 // the estimated part of the last figure
}

// unmeasured is the part of the last figure that is estimated rather
// than measured: survival × allocated since the last collection.
func (g *memGauge) unmeasured() uint64 { return g.estimated }

const (
	mLive    = "/gc/heap/live:bytes"
	mAllocs  = "/gc/heap/allocs:bytes"
	mCycles  = "/gc/cycles/total:gc-cycles"
	mObjects = "/memory/classes/heap/objects:bytes"
	// survivalWindow is the least a cycle must have allocated for its
	// survival share to be measured.
	survivalWindow = 1 << 20
	// minSurvival keeps the estimate from ignoring allocations entirely
	// after a cycle of reads.
	minSurvival = 0.05
)

func (g *memGauge) init() {
	for i, n := range [...]string{mLive, mAllocs, mCycles, mObjects} {
		g.samples[i].Name = n
	}
	g.cycles = math.MaxUint64
	g.survival = 1
}

// used returns the bytes in use (INFO used_memory). notCounted is what
// maxmemory leaves out now (notCountedForEvict).
func (g *memGauge) used(notCounted uint64) uint64 {
	if g.samples[0].Name == "" {
		g.init()
	}
	metrics.Read(g.samples[:])
	live, allocs := g.samples[0].Value.Uint64(), g.samples[1].Value.Uint64()
	if cycles := g.samples[2].Value.Uint64(); cycles != g.cycles {
		counted := live - min(live, notCounted)
		if a := allocs - g.allocsAtGC; g.cycles != math.MaxUint64 && g.live > 0 && live > 0 && a >= survivalWindow {
			kept := (float64(counted) - float64(g.liveCounted) + float64(g.freed)) / float64(a)
			g.survival = min(max(kept, minSurvival), 1)
		}
		g.cycles, g.live, g.liveCounted, g.allocsAtGC, g.freed = cycles, live, counted, allocs, 0
	}
	if live == 0 {
		// No collection yet: every object allocated so far.
		used := g.samples[3].Value.Uint64()
		return used - min(used, g.freed)
	}
	g.estimated = uint64(g.survival * float64(allocs-g.allocsAtGC))
	// The uncounted part as it is now, not as it was at the collection:
	// an AOF buffer dropped since is garbage, one grown since is not in
	// the live figure.
	used := g.liveCounted + g.estimated
	return used - min(used, g.freed) + notCounted
}

// usedMemory is INFO's used_memory.
func (s *Server) usedMemory() uint64 { return s.evict.gauge.used(s.notCountedForEvict()) }

// notCountedForEvict is memory that eviction does not try to free (Redis's
// freeMemoryGetNotCountedMemory): the AOF writer's buffers, used or kept
// for reuse, and its copy of the bytes not yet fsynced.
func (s *Server) notCountedForEvict() uint64 {
	if !s.eng.AOFOn() {
		return 0
	}
	return uint64(max(s.eng.AOFBufferAlloc(), 0))
}

// evictionSafe reports whether keys may be evicted now: not while the
// dataset loads, nor while a script that ran too long lets other clients
// in, nor on a replica (replica-ignore-maxmemory, whose only value so far
// is yes: a replica is an exact copy of its master, which evicts for it),
// nor while clients are paused (the dataset stays still, pause.go)
// (Redis's isSafeToPerformEvictions).
func (s *Server) evictionSafe() bool {
	return !s.eng.Loading() && !s.scriptYielding() && s.replica.link == nil && !s.clientsPaused()
}

// oomReject is processCommand's maxmemory step: evict what must go and
// return the -OOM error for a command that may not run, or "".
func (s *Server) oomReject(cl *client, spec *command.Spec, args [][]byte) string {
	if s.cfg.Maxmemory == 0 {
		s.evict.preCommandOOM = false
		return ""
	}
	if s.scriptYielding() {
		return ""
	}
	oom := s.performEvictions() == evictFail
	s.evict.preCommandOOM = oom
	if !oom {
		return ""
	}
	deny := spec.Has(command.DenyOOM) || s.scriptDeniesOOM(spec, args)
	if spec.Name == "exec" {
		deny = s.multiDeniesOOM(cl.multi)
	}
	// Queuing in MULTI takes memory too: only EXEC, DISCARD, QUIT and
	// RESET are let through.
	if cl.multi != nil {
		switch spec.Name {
		case "exec", "discard", "quit", "reset":
		default:
			deny = true
		}
	}
	if deny {
		return msgOOM
	}
	return ""
}

// multiDeniesOOM reports whether a queued command is deny-oom (an EVAL
// by its script's flags too), which makes EXEC one.
func (s *Server) multiDeniesOOM(m *multiState) bool {
	if m == nil {
		return false
	}
	for _, q := range m.cmds {
		if q.spec.Has(command.DenyOOM) || s.scriptDeniesOOM(q.spec, q.args) {
			return true
		}
	}
	return false
}

// scriptDeniesOOM reports whether an EVAL's script or an FCALL's function
// declares flags that make it deny-oom: a shebang without allow-oom or
// no-writes, a function without either flag (Redis's
// scriptFlagsToCmdFlags). A script without a shebang is not; its first
// write is checked instead (scriptOOM).
func (s *Server) scriptDeniesOOM(spec *command.Spec, args [][]byte) bool {
	var body string
	switch spec.Name {
	case "fcall", "fcall_ro":
		fn := s.functions().Current().Lookup(string(args[1]))
		return fn != nil && fn.Flags&(flagAllowOOM|flagNoWrites) == 0
	case "eval", "eval_ro":
		body = string(args[1])
	case "evalsha", "evalsha_ro":
		if s.scripting.eng == nil {
			return false
		}
		sc, ok := s.scripting.eng.Lookup(args[1])
		if !ok {
			return false
		}
		body = sc.Body()
	default:
		return false
	}
	flags, _, has, msg := parseShebang(body)
	return has && msg == "" && flags&(flagAllowOOM|flagNoWrites) == 0
}

// scriptOOM is the error of a deny-oom command a script runs while memory
// was over the limit when the script started, unless the script already
// wrote (it cannot stop half-way) or allows OOM (Redis's scriptVerifyOOM).
func (s *Server) scriptOOM(h *scriptHost, spec *command.Spec) string {
	if s.cfg.Maxmemory == 0 || h.allowOOM || h.wrote || !s.evict.preCommandOOM || !spec.Has(command.DenyOOM) {
		return ""
	}
	return msgOOM
}

// performEvictions evicts keys until memory is under maxmemory, for at most
// the time maxmemory-eviction-tenacity allows (Redis's performEvictions).
func (s *Server) performEvictions() evictResult {
	if !s.evictionSafe() {
		return evictOK
	}
	res := s.evictLoop()
	st := &s.evict
	switch {
	case res == evictOK && !st.exceededSince.IsZero():
		st.exceededTotal += time.Since(st.exceededSince)
		st.exceededSince = time.Time{}
	case res != evictOK && st.exceededSince.IsZero():
		st.exceededSince = time.Now()
	}
	return res
}

func (s *Server) evictLoop() evictResult {
	limit := s.cfg.Maxmemory
	st := &s.evict
	// Reading the runtime's figures costs about as much as a simple
	// command: within the millisecond of the last reading, while that
	// reading plus every byte clients sent since stays under the limit,
	// it stands.
	in := uint64(s.stats.netInput.Load())
	q := &st.quick
	if q.ms == s.batchNow && q.used+(in-q.in) <= limit {
		return evictOK
	}
	q.ms = -1
	notCounted := s.notCountedForEvict()
	used := st.gauge.used(notCounted)
	if used <= limit {
		q.ms, q.used, q.in = s.batchNow, used, in
		return evictOK
	}
	if est := st.gauge.unmeasured(); est > limit/4 && est > 256<<10 {
		// Most of the excess may be garbage the estimate counts: measure
		// before evicting on its word. With a large maxmemory the
		// runtime's own collections (the memory limit is a quarter above
		// maxmemory) keep the estimated part below this; with a small one
		// a collection is cheap.
		runtime.GC()
		st.gauge.lastForced = time.Now()
		notCounted = s.notCountedForEvict()
		used = st.gauge.used(notCounted)
	}
	used -= min(used, notCounted)
	if used <= limit {
		return evictOK
	}
	policy := s.cfg.MaxmemoryPolicy
	if policy == config.NoEviction {
		return s.evictFailed(limit)
	}
	if policy != st.policy {
		st.picker.Reset()
		st.policy = policy
	}
	toFree := used - limit
	var freed uint64
	start := time.Now()
	defer s.evictionLatency("eviction-cycle", start)
	budget := evict.TimeLimit(s.cfg.MaxmemoryEvictionTenacity)
	del := argDEL
	if s.cfg.LazyfreeLazyEviction {
		del = argUNLNK
	}
	for n := 1; freed < toFree; n++ {
		db, key, ok := st.picker.Pick(s.ks, policy, s.cfg.MaxmemorySamples)
		if !ok {
			return s.evictFailed(limit)
		}
		size := entrySize(db.Find(key))
		var delStart time.Time
		if s.lat.mon.Threshold() != 0 {
			delStart = time.Now()
		}
		db.Evict(key)
		s.evictionLatency("eviction-del", delStart)
		freed += size
		st.gauge.freed += size
		st.evictedKeys++
		s.AlsoPropagate(db.ID, [][]byte{del, key})
		if s.prop.depth == 0 {
			s.propagatePending()
		}
		if n%16 == 0 && time.Since(start) > budget {
			s.startBackgroundEviction()
			return evictRunning
		}
	}
	if len(s.ready) > 0 && s.prop.depth == 0 {
		s.serveBlocked()
	}
	return evictOK
}

// evictFailed is the verdict when memory looks over the limit and nothing
// (more) can be evicted. Part of the figure is an estimate (allocations
// since the last collection); before refusing commands with -OOM on its
// word, a collection measures the live heap, at most once a second so that
// a server that really is full does not collect all the time.
func (s *Server) evictFailed(limit uint64) evictResult {
	g := &s.evict.gauge
	if g.unmeasured() == 0 || time.Since(g.lastForced) < time.Second {
		return evictFail
	}
	runtime.GC()
	g.lastForced = time.Now()
	notCounted := s.notCountedForEvict()
	used := g.used(notCounted)
	if used-min(used, notCounted) <= limit {
		return evictOK
	}
	return evictFail
}

// entrySize estimates the Go heap bytes deleting e releases.
func entrySize(e *keyspace.Entry) uint64 {
	if e == nil {
		return 0
	}
	n := e.Footprint()
	if e.Type() != keyspace.TypeString {
		n += command.MemoryUsage(e, command.DefaultMemorySamples)
	}
	return uint64(n)
}

// startBackgroundEviction goes on evicting, in short turns of the lock,
// after a command's loop ran out of time (Redis's evictionTimeProc).
func (s *Server) startBackgroundEviction() {
	if s.evict.background {
		return
	}
	s.evict.background = true
	go func() {
		defer s.crashOnPanic("eviction", nil)
		for {
			time.Sleep(0)
			s.mu.Lock()
			res := evictOK
			if s.cfg.Maxmemory != 0 {
				s.ks.Now = time.Now().UnixMilli()
				res = s.performEvictions()
			}
			if res != evictRunning {
				s.evict.background = false
				s.mu.Unlock()
				return
			}
			s.mu.Unlock()
			select {
			case <-s.shutdown:
				s.mu.Lock()
				s.evict.background = false
				s.mu.Unlock()
				return
			default:
			}
		}
	}()
}

// registerEvictHooks makes CONFIG SET maxmemory warn when it is below the
// memory in use and evict at once, as Redis does, and warns at startup
// about a limit below 1MB.
func (s *Server) registerEvictHooks() {
	if m := s.cfg.Maxmemory; m != 0 && m < 1<<20 {
		s.log.Warn(fmt.Sprintf("WARNING: You specified a maxmemory value that is less than 1MB (current value is %d bytes). Are you sure this is what you really want?", m))
	}
	s.cfg.OnApply("maxmemory", func(c *config.Config) error {
		if c.Maxmemory == 0 {
			return nil
		}
		notCounted := s.notCountedForEvict()
		used := s.evict.gauge.used(notCounted)
		used -= min(used, notCounted)
		if c.Maxmemory < used {
			s.log.Warn(fmt.Sprintf("WARNING: the new maxmemory value set via CONFIG SET (%d) is smaller than the current memory usage (%d). "+
				"This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.", c.Maxmemory, used))
		}
		s.performEvictions()
		return nil
	})
}

// applyMemoryConfig makes the maxmemory directives take effect: the access
// clocks' mode and the Go runtime's memory limit.
func (s *Server) applyMemoryConfig() {
	c := s.cfg
	s.ks.Access = keyspace.Access{
		LFU:       c.MaxmemoryPolicy.LFU(),
		LRU:       c.MaxmemoryPolicy.LRU(),
		LogFactor: c.LFULogFactor,
		DecayTime: c.LFUDecayTime,
	}
	st := &s.evict
	if !st.limitSet {
		st.initialLimit = debug.SetMemoryLimit(-1)
	}
	if _, env := os.LookupEnv("GOMEMLIMIT"); env {
		return // the operator's own limit stands
	}
	if c.Maxmemory == 0 {
		if st.limitSet {
			debug.SetMemoryLimit(st.initialLimit)
			st.limitSet = false
		}
		return
	}
	debug.SetMemoryLimit(goMemoryLimit(c.Maxmemory))
	st.limitSet = true
}

// goMemoryLimit is the Go runtime's soft memory limit for a maxmemory:
// a quarter more, at least 16 MiB more, so that garbage is collected before
// the process outgrows maxmemory by much, without collecting all the time
// when the dataset sits at maxmemory.
func goMemoryLimit(maxmemory uint64) int64 {
	headroom := max(maxmemory/4, 16<<20)
	if maxmemory > math.MaxInt64-headroom {
		return math.MaxInt64
	}
	return int64(maxmemory + headroom)
}

// infoMaxmemory writes the maxmemory fields of INFO memory.
func (s *Server) infoMaxmemory(b *strings.Builder) {
	field(b, "maxmemory", s.cfg.Maxmemory)
	field(b, "maxmemory_human", human(s.cfg.Maxmemory))
	field(b, "maxmemory_policy", s.cfg.MaxmemoryPolicy.String())
}

// resetEvictStats is CONFIG RESETSTAT's part: evicted_keys and the
// exceeded times restart from zero.
func (s *Server) resetEvictStats() {
	st := &s.evict
	st.evictedKeys = 0
	st.exceededTotal = 0
	if !st.exceededSince.IsZero() {
		st.exceededSince = time.Now()
	}
}

// evictionExceeded returns INFO's total_eviction_exceeded_time and
// current_eviction_exceeded_time, in milliseconds.
func (s *Server) evictionExceeded() (total, current int64) {
	st := &s.evict
	var cur time.Duration
	if !st.exceededSince.IsZero() {
		cur = time.Since(st.exceededSince)
	}
	return (st.exceededTotal + cur).Milliseconds(), cur.Milliseconds()
}

// scriptStartOOM refuses to start a script or function with declared
// flags that may write and do not allow OOM while memory is over the limit
// (Redis's scriptPrepareForRun; reached inside EXEC, as processCommand
// refuses such an EVAL or FCALL on its own).
func (s *Server) scriptStartOOM(r scriptRun) string {
	if s.cfg.Maxmemory == 0 || !s.evict.preCommandOOM || !r.flagged || r.flags&(flagAllowOOM|flagNoWrites) != 0 {
		return ""
	}
	return "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'"
}

// infoMemoryOverhead writes INFO memory's used_memory_overhead,
// used_memory_startup, used_memory_dataset and used_memory_dataset_perc,
// with MEMORY STATS's accounting.
func (s *Server) infoMemoryOverhead(b *strings.Builder, used uint64) {
	overhead := uint64(max(s.memOverheads().total, 0))
	startup := s.memStartup
	dataset := used - min(used, overhead)
	net := max(int64(used)-int64(startup), 1)
	field(b, "used_memory_overhead", overhead)
	field(b, "used_memory_startup", startup)
	field(b, "used_memory_dataset", dataset)
	field(b, "used_memory_dataset_perc", fmt.Sprintf("%.2f%%", float64(dataset)*100/float64(net)))
}

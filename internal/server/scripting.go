package server

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/script"
)

// Scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, on the Lua
// engine of internal/script.
//
// A script runs on the goroutine of the client that sent EVAL, under the
// server lock that client already holds. Its redis.call()s run through
// s.call with a connection-less client (scriptHost.fake), so they are
// checked, executed, counted and propagated like a transaction's commands:
// their effects are queued in s.prop and emitted when EVAL returns, wrapped
// in MULTI/EXEC when there are several (EVAL itself is never propagated).
//
// Busy scripts: every 10000 Lua instructions the engine calls Tick. Past
// busy-reply-threshold, Tick releases the lock for a moment (at most every
// millisecond) so that other clients are served: processCommand answers
// them -BUSY (scriptBusyReject) except for the commands flagged allow-busy
// (SCRIPT KILL, SHUTDOWN NOSAVE, ...). SCRIPT KILL marks the script; the
// next Tick aborts it with Redis's error. A script that wrote cannot be
// killed (-UNKILLABLE); SHUTDOWN NOSAVE aborts it in any case. While a
// script yields, the cron does no work (no expiry, no save) so that the
// keyspace never shows a half-run script to anything but BUSY replies.

// scriptingState is the server's scripting state (under mu).
type scriptingState struct {
	eng *script.Engine
	fns *script.Functions // the function engine (functions.go)
	cur *scriptHost       // the running script, if any
	// client runs the scripts' commands (scriptClient), reused by each run.
	client *client
	// host is the running script's host (cur while it runs), reused by
	// each run.
	host scriptHost
	// The command a script called last, as it spelled it, and its spec
	// (a command without subcommands): scripts call the same few
	// commands over and over (scriptLookup).
	lastName []byte
	lastSpec *command.Spec
}

// scriptLookup is s.table.Lookup for a script's command, answering from
// the last command found when the script calls it again by the same
// spelling with a valid number of arguments. The command table does not
// change once the server runs.
func (s *Server) scriptLookup(args [][]byte) (*command.Spec, string) {
	st := &s.scripting
	if sp := st.lastSpec; sp != nil && bytes.Equal(args[0], st.lastName) {
		if n := len(args); (sp.Arity <= 0 || n == sp.Arity) && n >= -sp.Arity {
			return sp, ""
		}
	}
	spec, msg := s.table.Lookup(args)
	if spec != nil && msg == "" && spec.Parent == nil && len(spec.Subcommands) == 0 {
		st.lastName = append(st.lastName[:0], args[0]...)
		st.lastSpec = spec
	}
	return spec, msg
}

// maxKeptScriptReply bounds the reply buffer the script client keeps
// between runs.
const maxKeptScriptReply = 64 << 10

// engine returns the Lua engine, created on first use.
func (s *Server) engine() *script.Engine {
	if s.scripting.eng == nil {
		s.scripting.eng = script.New()
	}
	return s.scripting.eng
}

// Shebang flags (#!lua flags=...).
const (
	flagNoWrites = 1 << iota
	flagAllowOOM
	flagAllowStale
	flagNoCluster
	flagAllowCrossSlot
)

var shebangFlags = map[string]int{
	"no-writes": flagNoWrites, "allow-oom": flagAllowOOM, "allow-stale": flagAllowStale,
	"no-cluster": flagNoCluster, "allow-cross-slot-keys": flagAllowCrossSlot,
}

// parseShebang reads the "#!lua flags=a,b" line of body. It returns the
// flags, the body for the compiler (the shebang line blanked so line
// numbers stay), whether there was a shebang, and Redis's error.
func parseShebang(body string) (flags int, code string, has bool, errMsg string) {
	if !strings.HasPrefix(body, "#!") {
		return 0, body, false, ""
	}
	line, rest, nl := strings.Cut(body, "\n")
	parts := strings.Fields(line)
	if len(parts) == 0 || parts[0] != "#!lua" {
		eng := line
		if len(parts) > 0 {
			eng = parts[0]
		}
		return 0, "", true, "ERR Unexpected engine in script shebang: " + eng
	}
	for _, p := range parts[1:] {
		v, ok := strings.CutPrefix(p, "flags=")
		if !ok {
			return 0, "", true, "ERR Unknown lua shebang option: " + p
		}
		for _, f := range strings.Split(v, ",") {
			if f == "" {
				continue
			}
			bit, ok := shebangFlags[f]
			if !ok {
				return 0, "", true, "ERR Unexpected flag in script shebang: " + f
			}
			flags |= bit
		}
	}
	if nl {
		return flags, "\n" + rest, true, ""
	}
	return flags, "", true, ""
}

// scriptHost runs the commands of one script (script.Host).
type scriptHost struct {
	s        *Server
	caller   *client
	fake     *client
	sha      string
	start    time.Time
	readOnly bool // EVAL_RO, EVALSHA_RO or flags=no-writes
	allowOOM bool // flags=allow-oom
	repl     int
	wrote    bool   // a write command changed the dataset: unkillable
	killMsg  string // set by SCRIPT KILL / SHUTDOWN NOSAVE
	timedOut bool   // past busy-reply-threshold: other clients get BUSY
	yielding bool   // the lock is released inside Tick
	lastTick time.Time
	shutdown bool // aborted because the server shuts down
	panicVal any  // a panic of a command the script ran, re-raised after it
	panicked bool
	fn       bool     // a function (FCALL), not an EVAL script
	args     [][]byte // the caller's command (FUNCTION STATS)
}

// busyMsg is the -BUSY error other clients get while h runs.
func (h *scriptHost) busyMsg() string {
	if h.fn {
		return msgBusyFunction
	}
	return msgBusy
}

const (
	msgBusy         = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	msgBusyFunction = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
	msgKilled       = "ERR Script killed by user with SCRIPT KILL..."
)

// Call implements script.Host: Redis's scriptCall.
func (h *scriptHost) Call(args [][]byte, proto int) []byte {
	s := h.s
	cl := h.fake
	cl.w.Reset()
	cl.w.Proto = proto
	spec, msg := s.scriptLookup(args)
	switch {
	case spec == nil && msg != "" && strings.HasPrefix(msg, "ERR unknown command"):
		cl.w.Error("ERR Unknown Redis command called from script")
	case spec == nil:
		// An unknown subcommand: Redis reports the command as unknown.
		cl.w.Error("ERR Unknown Redis command called from script")
	case msg != "":
		cl.w.Error("ERR Wrong number of args calling Redis command from script")
		s.rejected(spec)
	case spec.Has(command.NoScript):
		cl.w.Error("ERR This Redis command is not allowed from script")
		s.rejected(spec)
	case !s.aclScriptAllowed(h, spec, args):
	case spec.Has(command.Write) && h.readOnly:
		cl.w.Error("ERR Write commands are not allowed from read-only scripts.")
		s.rejected(spec)
	case spec.Has(command.Write) && s.writeDenied() != "":
		cl.w.Error(s.writeDenied())
		s.rejected(spec)
	case s.scriptOOM(h, spec) != "":
		cl.w.Error(s.scriptOOM(h, spec))
		s.rejected(spec)
	default:
		h.run(spec, args)
	}
	s.stats.errorReplies += cl.w.Errors
	cl.w.Errors = 0
	return cl.w.B
}

// run executes one command of the script, keeping what it propagates only
// when set_repl allows the AOF.
func (h *scriptHost) run(spec *command.Spec, args [][]byte) {
	s := h.s
	before := len(s.prop.ops)
	dirty := s.ks.Dirty
	defer func() {
		if r := recover(); r != nil {
			// A command handler panicked: not the script's fault. Stop
			// the script and re-raise the panic outside the Lua engine
			// (cmdEval), where the server's crash report handles it.
			h.panicVal, h.panicked = r, true
			h.killMsg = "ERR command panicked"
		}
	}()
	s.call(h.fake, spec, args)
	if s.ks.Dirty != dirty && spec.Has(command.Write) {
		h.wrote = true
	}
	if h.repl&script.ReplAOF == 0 && len(s.prop.ops) > before {
		s.prop.ops = s.prop.ops[:before]
	}
}

// SetRepl implements script.Host.
func (h *scriptHost) SetRepl(flags int) { h.repl = flags }

// Log implements script.Host: redis.log at Redis's levels.
func (h *scriptHost) Log(level int, msg string) {
	switch level {
	case script.LogDebug, script.LogVerbose:
		h.s.log.Debug(msg)
	case script.LogNotice:
		h.s.log.Info(msg)
	default:
		h.s.log.Warn(msg)
	}
}

// KnownCommand reports whether args name a command (redis.acl_check_cmd).
func (h *scriptHost) KnownCommand(args [][]byte) bool {
	spec, _ := h.s.table.Lookup(args)
	return spec != nil
}

// Tick implements script.Host: past busy-reply-threshold it lets other
// clients in (to get -BUSY, or to kill the script) by releasing the lock
// for a moment. It returns the error that aborts the script, if any.
func (h *scriptHost) Tick() string {
	if h.killMsg != "" {
		return h.killMsg
	}
	s := h.s
	now := time.Now()
	limit := time.Duration(s.cfg.BusyReplyThreshold) * time.Millisecond
	if now.Sub(h.start) < limit {
		return ""
	}
	if !h.timedOut {
		h.timedOut = true
		s.log.Warn(fmt.Sprintf("Slow script detected: still in execution after %d milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: %s.",
			now.Sub(h.start).Milliseconds(), "f_"+h.sha))
	}
	if now.Sub(h.lastTick) < time.Millisecond {
		return h.killMsg
	}
	h.lastTick = now
	h.yielding = true
	ksNow, batchNow := s.ks.Now, s.batchNow
	s.executing.Store(nil)
	s.mu.Unlock()
	runtime.Gosched()
	time.Sleep(50 * time.Microsecond)
	s.mu.Lock()
	if l := s.loop; l != nil && l.cur == h.caller && h.caller != nil {
		// The script runs on the event loop's thread: serve the loop's
		// other clients from here (loop.go).
		l.busyPass(h.caller)
	}
	s.executing.Store(h.caller)
	s.ks.Now, s.batchNow = ksNow, batchNow
	h.yielding = false
	select {
	case <-s.shutdown:
		h.shutdown = true
		if h.killMsg == "" {
			h.killMsg = msgKilled
		}
	default:
	}
	return h.killMsg
}

// scriptBusyReject is processCommand's check while a script yields: the
// error for cl's command, or "" when it may run (Redis's allow-busy flag).
func (s *Server) scriptBusyReject(cl *client, spec *command.Spec, args [][]byte) string {
	h := s.scripting.cur
	if h == nil || !h.yielding || cl == h.caller || cl == h.fake {
		return ""
	}
	if spec.Name == "shutdown" {
		for _, a := range args[1:] {
			if command.EqFold(a, "NOSAVE") {
				return ""
			}
		}
		return h.busyMsg()
	}
	if spec.Has(command.AllowBusy) {
		return ""
	}
	return h.busyMsg()
}

// scriptYielding reports whether a script has released the lock in the
// middle of its run: the cron must leave the keyspace alone.
func (s *Server) scriptYielding() bool {
	return s.scripting.cur != nil && s.scripting.cur.yielding
}

// lockOutsideScript takes the lock at a moment no script is half-way
// through: a signal's shutdown saves the dataset, which must not hold half
// of a script's writes (Redis defers SIGTERM until the script ends; SCRIPT
// KILL or SHUTDOWN NOSAVE end a runaway one). It returns false, without
// the lock, when a SHUTDOWN ran meanwhile: the server is already stopping.
func (s *Server) lockOutsideScript() bool {
	s.mu.Lock()
	for s.scriptYielding() {
		s.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
		s.mu.Lock()
	}
	select {
	case <-s.shutdown:
		s.mu.Unlock()
		return false
	default:
		return true
	}
}

// writeDenied is the error of a write command refused because the disk
// fails (MISCONF) or the server is a read-only replica (READONLY), or "".
func (s *Server) writeDenied() string {
	if msg := s.scriptReplicaRefusal(); msg != "" {
		return msg
	}
	return s.eng.WriteRefusal()
}

func (s *Server) registerScriptCommands(t *command.Table) {
	t.Define("eval", func(c *command.Ctx) { s.cmdEval(c, false, false) })
	t.Define("eval_ro", func(c *command.Ctx) { s.cmdEval(c, false, true) })
	t.Define("evalsha", func(c *command.Ctx) { s.cmdEval(c, true, false) })
	t.Define("evalsha_ro", func(c *command.Ctx) { s.cmdEval(c, true, true) })
	t.Define("script|load", func(c *command.Ctx) {
		sha, msg := s.loadScript(string(c.Args[2]))
		if msg != "" {
			c.Error(msg)
			return
		}
		c.W.BulkString(sha)
	})
	t.Define("script|exists", func(c *command.Ctx) {
		eng := s.engine()
		c.W.Array(len(c.Args) - 2)
		for _, a := range c.Args[2:] {
			if eng.Exists(string(a)) {
				c.W.Int(1)
			} else {
				c.W.Int(0)
			}
		}
	})
	t.Define("script|flush", func(c *command.Ctx) {
		if len(c.Args) > 3 || (len(c.Args) == 3 && !command.EqFold(c.Args[2], "SYNC") && !command.EqFold(c.Args[2], "ASYNC")) {
			c.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
			return
		}
		// ASYNC and SYNC alike: the old interpreter is left to the
		// garbage collector, which is asynchronous anyway.
		s.engine().Flush()
		c.W.OK()
	})
	t.Define("script|kill", func(c *command.Ctx) {
		s.killScript(c, false)
	})
	t.Define("script|debug", func(c *command.Ctx) {
		switch {
		case command.EqFold(c.Args[2], "NO"):
			c.W.OK()
		case command.EqFold(c.Args[2], "YES"), command.EqFold(c.Args[2], "SYNC"):
			c.Error("ERR The Lua debugger is not available in Vesta")
		default:
			c.Error("ERR Use SCRIPT DEBUG YES/SYNC/NO")
		}
	})
	t.Define("script|help", func(c *command.Ctx) {
		lines := []string{
			"SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"DEBUG (YES|SYNC|NO)",
			"    Set the debug mode for subsequent scripts executed.",
			"EXISTS <sha1> [<sha1> ...]",
			"    Return information about the existence of the scripts in the script cache.",
			"FLUSH [ASYNC|SYNC]",
			"    Flush the Lua scripts cache. Very dangerous on replicas.",
			"    When called without the optional mode argument, the behavior is determined by the",
			"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
			"    * ASYNC: Asynchronously flush the scripts cache.",
			"    * SYNC: Synchronously flush the scripts cache.",
			"KILL",
			"    Kill the currently executing Lua script.",
			"LOAD <script>",
			"    Load a script into the scripts cache without executing it.",
			"HELP",
			"    Prints this help.",
		}
		c.W.Array(len(lines))
		for _, l := range lines {
			c.W.Simple(l)
		}
	})
}

// loadScript compiles body into the cache (checking its shebang).
func (s *Server) loadScript(body string) (string, string) {
	if _, _, _, msg := parseShebang(body); msg != "" {
		return "", msg
	}
	return s.engine().LoadAs(body, shebangCode(body))
}

func shebangCode(body string) string {
	_, code, _, _ := parseShebang(body)
	return code
}

// cmdEval runs EVAL/EVALSHA and their _RO forms.
func (s *Server) cmdEval(c *command.Ctx, bySHA, ro bool) {
	cl := clientOf(c)
	if len(s.monitors) > 0 {
		// EVAL is flagged skip-monitor so that call() does not show it
		// after the commands it ran; Redis shows it first.
		s.feedMonitors(cl, cl.db.ID, c.Args)
	}
	if bySHA && len(c.Args[1]) != 40 {
		// No SHA1 has another length: Redis answers before anything else.
		c.Error("NOSCRIPT No matching script. Please use EVAL.")
		return
	}
	numkeys, err := strconv.ParseInt(string(c.Args[2]), 10, 64)
	if err != nil || !canonicalInt(c.Args[2]) {
		c.Error("ERR value is not an integer or out of range")
		return
	}
	if numkeys > int64(len(c.Args)-3) {
		c.Error("ERR Number of keys can't be greater than number of args")
		return
	}
	if numkeys < 0 {
		c.Error("ERR Number of keys can't be negative")
		return
	}
	eng := s.engine()
	var sha, body string
	var cached *script.Script
	if bySHA {
		sc, ok := eng.Lookup(c.Args[1])
		if !ok {
			c.Error("NOSCRIPT No matching script. Please use EVAL.")
			return
		}
		cached, sha, body = sc, sc.SHA(), sc.Body()
	} else {
		body = string(c.Args[1])
		var msg string
		sha, msg = s.loadScript(body)
		if msg != "" {
			c.Error(msg)
			return
		}
	}
	flags, _, hasShebang, _ := parseShebang(body)
	keys := c.Args[3 : 3+numkeys]
	argv := c.Args[3+numkeys:]
	s.runScript(c, cl, scriptRun{name: sha, flags: flags, flagged: hasShebang, ro: ro}, func(h *scriptHost) {
		if cached != nil {
			eng.RunScript(cached, keys, argv, h, c.W)
			return
		}
		eng.Run(sha, keys, argv, h, c.W)
	})
}

// scriptRun describes a script or function about to run.
type scriptRun struct {
	name    string // the SHA1, or the function's name
	flags   int    // shebang or register_function flags
	flagged bool   // flags were declared (a shebang, or any function)
	ro      bool   // EVAL_RO, EVALSHA_RO, FCALL_RO
	fn      bool   // a function (FCALL)
}

// runScript runs a script or function for cl with Redis's checks before
// it (scriptPrepareForRun), and propagates what it wrote.
func (s *Server) runScript(c *command.Ctx, cl *client, r scriptRun, run func(h *scriptHost)) {
	if s.scripting.cur != nil {
		// EVAL and FCALL are flagged noscript: a script cannot run another.
		c.Error("ERR This Redis command is not allowed from script")
		return
	}
	// One host serves every run, as one client does (a script cannot
	// run another, and nothing keeps the host past its run).
	h := &s.scripting.host
	*h = scriptHost{
		s:        s,
		caller:   cl,
		start:    s.clock(),
		readOnly: r.ro || r.flags&flagNoWrites != 0,
		allowOOM: r.flags&flagAllowOOM != 0,
		repl:     script.ReplAll,
		fn:       r.fn,
		args:     c.Args,
	}
	if r.flagged && r.flags&flagNoWrites == 0 {
		// Scripts with declared flags that may write are refused up
		// front when writes are (Redis's scriptPrepareForRun).
		if msg := s.writeDenied(); msg != "" {
			c.Error(msg)
			return
		}
		if r.ro {
			c.Error("ERR Can not execute a script with write flag using *_ro command.")
			return
		}
		if msg := s.scriptStartOOM(r); msg != "" {
			c.Error(msg)
			return
		}
	}
	h.fake = s.scriptClient(cl)
	h.sha = r.name
	s.scripting.cur = h
	opsStart := len(s.prop.ops)
	replyStart := c.W.Len()
	run(h)
	if c.W.Len() > replyStart && c.W.B[replyStart] == '-' && s.errs.total == s.errs.seen {
		// The script failed with an error its command already counted
		// (not counted twice in errorstats); EVAL still failed.
		c.Spec.Stats.Failed++
	}
	s.scripting.cur = nil
	if h.shutdown {
		// SHUTDOWN NOSAVE stopped the script: as in Redis, none of its
		// writes reach the AOF (they were never acknowledged).
		s.prop.ops = s.prop.ops[:opsStart]
	}
	// EVAL is not propagated: the commands it ran were.
	c.NoPropagate()
	if h.panicked {
		panic(h.panicVal)
	}
}

// canonicalInt reports whether b is an integer as Redis's string2ll takes
// it (no spaces, no leading '+', no leading zeros).
func canonicalInt(b []byte) bool {
	if len(b) == 0 || len(b) > 20 {
		return false
	}
	i := 0
	if b[0] == '-' {
		i = 1
		if len(b) == 1 {
			return false
		}
	}
	if b[i] == '0' && (len(b) > i+1 || i == 1) {
		return false
	}
	for ; i < len(b); i++ {
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	return true
}

// scriptClient is the connection-less client a script's commands run as:
// in the caller's database, with its own reply buffer, never blocking.
func (s *Server) scriptClient(caller *client) *client {
	// Id 0, not the AOF loader's -1: its commands count in commandstats,
	// errorstats and the slow log, as a script's do in Redis.
	// One client serves every script, as Redis's Lua client does (one
	// script runs at a time); its reply buffer is kept unless a large
	// reply grew it.
	cl := s.scripting.client
	if cl == nil || cap(cl.w.B) > maxKeptScriptReply {
		cl = &client{s: s, id: 0, addr: "lua", created: time.Now(), authenticated: true}
		cl.w.OnError = s.countError
		cl.ctx.W = &cl.w
		cl.ctx.KS = s.ks
		cl.ctx.Env = s
		cl.ctx.Client = cl
		s.scripting.client = cl
	}
	cl.w.Reset()
	cl.db = caller.db
	cl.ctx.DB = cl.db
	cl.user = caller.user
	cl.inExec = true
	cl.w.Proto = 2
	return cl
}

// infoScripts writes the scripting fields of INFO memory.
func (s *Server) infoScripts(b *strings.Builder) {
	var n int
	var mem, vm int64
	if eng := s.scripting.eng; eng != nil {
		n = eng.Len()
		mem = eng.Memory()
		vm = script.StateBytes
	}
	field(b, "used_memory_lua", vm)
	field(b, "used_memory_vm_eval", vm)
	field(b, "used_memory_lua_human", human(uint64(vm)))
	field(b, "used_memory_scripts_eval", mem)
	field(b, "number_of_cached_scripts", n)
	var nf, nl int
	var fvm, fmem int64
	if f := s.scripting.fns; f != nil {
		nf, nl = f.Current().Funcs(), f.Current().Len()
		fvm, fmem = script.StateBytes, f.MemoryBytes()
	}
	field(b, "number_of_functions", nf)
	field(b, "number_of_libraries", nl)
	field(b, "used_memory_vm_functions", fvm)
	field(b, "used_memory_vm_total", vm+fvm)
	field(b, "used_memory_vm_total_human", human(uint64(vm+fvm)))
	field(b, "used_memory_functions", fmem)
	field(b, "used_memory_scripts", mem+fmem)
	field(b, "used_memory_scripts_human", human(uint64(mem+fmem)))
}

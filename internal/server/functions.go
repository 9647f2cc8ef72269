package server

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/glob"
	"github.com/vestadb/vesta/internal/rdb"
	"github.com/vestadb/vesta/internal/script"
)

// Functions (Redis 7.0): FUNCTION LOAD/DELETE/FLUSH/LIST/DUMP/RESTORE/
// STATS/KILL/HELP, FCALL and FCALL_RO, on the function engine of
// internal/script. Libraries are part of the dataset: LOAD, DELETE, FLUSH
// and RESTORE count as changes (propagated as they were sent, so the AOF
// and replicas replay them), snapshots save them (FUNCTION2 items in an
// RDB, FUNCTION LOAD commands in a RESP AOF base) and loads restore them
// before the keys (FunctionCodes, LoadFunction, FlushFunctions below,
// which the persistence engine calls).

// functions returns the function engine, created on first use.
func (s *Server) functions() *script.Functions {
	if s.scripting.fns == nil {
		f := script.NewFunctions()
		f.Log = func(level int, msg string) { (&scriptHost{s: s}).Log(level, msg) }
		s.scripting.fns = f
	}
	return s.scripting.fns
}

// FunctionCodes returns the sources of the loaded libraries, sorted by
// library name, for a snapshot (under the lock).
func (s *Server) FunctionCodes() []string {
	if s.scripting.fns == nil {
		return nil
	}
	return s.scripting.fns.Current().Codes()
}

// LoadFunction loads a library from a data file (an RDB item). With
// replace a library of the same name is replaced (DEBUG RELOAD MERGE).
func (s *Server) LoadFunction(code string, replace bool) error {
	f := s.functions()
	if _, msg := f.Load(f.Current(), code, replace); msg != "" {
		return errors.New(strings.TrimPrefix(msg, "ERR "))
	}
	return nil
}

// FlushFunctions deletes every library (a full resynchronisation, DEBUG
// RELOAD).
func (s *Server) FlushFunctions() {
	if s.scripting.fns != nil {
		s.scripting.fns.Swap(script.NewLibSet())
	}
}

func (s *Server) registerFunctionCommands(t *command.Table) {
	t.Define("fcall", func(c *command.Ctx) { s.cmdFcall(c, false) })
	t.Define("fcall_ro", func(c *command.Ctx) { s.cmdFcall(c, true) })
	t.Define("function|load", s.cmdFunctionLoad)
	t.Define("function|delete", func(c *command.Ctx) {
		if !s.functions().Current().Delete(string(c.Args[2])) {
			c.Error("ERR Library not found")
			return
		}
		c.Dirty(1)
		c.W.OK()
	})
	t.Define("function|flush", func(c *command.Ctx) {
		if len(c.Args) > 3 {
			c.SubcommandError()
			return
		}
		if len(c.Args) == 3 && !command.EqFold(c.Args[2], "SYNC") && !command.EqFold(c.Args[2], "ASYNC") {
			c.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
			return
		}
		// ASYNC and SYNC alike: the old set is left to the garbage
		// collector.
		s.functions().Swap(script.NewLibSet())
		c.Dirty(1)
		c.W.OK()
	})
	t.Define("function|list", s.cmdFunctionList)
	t.Define("function|dump", func(c *command.Ctx) {
		c.W.Bulk(rdb.AppendFunctionPayload(s.FunctionCodes(), s.cfg.RDBCompression))
	})
	t.Define("function|restore", s.cmdFunctionRestore)
	t.Define("function|stats", s.cmdFunctionStats)
	t.Define("function|kill", func(c *command.Ctx) { s.killScript(c, true) })
	t.Define("function|help", func(c *command.Ctx) {
		lines := []string{
			"FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"LOAD [REPLACE] <FUNCTION CODE>",
			"    Create a new library with the given library name and code.",
			"DELETE <LIBRARY NAME>",
			"    Delete the given library.",
			"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
			"    Return general information on all the libraries:",
			"    * Library name",
			"    * The engine used to run the Library",
			"    * Library description",
			"    * Functions list",
			"    * Library code (if WITHCODE is given)",
			"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
			"STATS",
			"    Return information about the current function running:",
			"    * Function name",
			"    * Command used to run the function",
			"    * Duration in MS that the function is running",
			"    If no function is running, return nil",
			"    In addition, returns a list of available engines.",
			"KILL",
			"    Kill the current running function.",
			"FLUSH [ASYNC|SYNC]",
			"    Delete all the libraries.",
			"    When called without the optional mode argument, the behavior is determined by the",
			"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
			"    * ASYNC: Asynchronously flush the libraries.",
			"    * SYNC: Synchronously flush the libraries.",
			"DUMP",
			"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
			"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
			"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
			"    control how to handle existing libraries (default APPEND):",
			"    * FLUSH: delete all existing libraries.",
			"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
			"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
			"      libraries with the new libraries (notice that even on this option there is a chance of failure",
			"      in case of functions name collision with another library).",
			"HELP",
			"    Prints this help.",
		}
		c.W.Array(len(lines))
		for _, l := range lines {
			c.W.Simple(l)
		}
	})
}

// cmdFunctionLoad is FUNCTION LOAD [REPLACE] code.
func (s *Server) cmdFunctionLoad(c *command.Ctx) {
	replace := false
	i := 2
	for ; i < len(c.Args)-1; i++ {
		if !command.EqFold(c.Args[i], "REPLACE") {
			c.Error("ERR Unknown option given: " + string(c.Args[i]))
			return
		}
		replace = true
	}
	f := s.functions()
	name, msg := f.Load(f.Current(), string(c.Args[i]), replace)
	if msg != "" {
		c.Error(msg)
		return
	}
	c.Dirty(1)
	c.W.BulkString(name)
}

// cmdFunctionList is FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE].
func (s *Server) cmdFunctionList(c *command.Ctx) {
	withCode := false
	var pattern []byte
	hasPattern := false
	for i := 2; i < len(c.Args); i++ {
		a := c.Args[i]
		if !withCode && command.EqFold(a, "WITHCODE") {
			withCode = true
			continue
		}
		if !hasPattern && command.EqFold(a, "LIBRARYNAME") {
			if i >= len(c.Args)-1 {
				c.Error("ERR library name argument was not given")
				return
			}
			i++
			pattern, hasPattern = c.Args[i], true
			continue
		}
		c.Error("ERR Unknown argument " + string(a))
		return
	}
	var libs []*script.Library
	for _, l := range s.functions().Current().Libraries() {
		if hasPattern && !glob.Match(pattern, []byte(l.Name), true) {
			continue
		}
		libs = append(libs, l)
	}
	w := c.W
	w.Array(len(libs))
	for _, l := range libs {
		if withCode {
			w.Map(4)
		} else {
			w.Map(3)
		}
		w.BulkString("library_name")
		w.BulkString(l.Name)
		w.BulkString("engine")
		w.BulkString(script.EngineName)
		w.BulkString("functions")
		w.Array(len(l.Funcs))
		for _, fn := range l.Funcs {
			w.Map(3)
			w.BulkString("name")
			w.BulkString(fn.Name)
			w.BulkString("description")
			if fn.HasDesc {
				w.BulkString(fn.Desc)
			} else {
				w.Null()
			}
			w.BulkString("flags")
			var names []string
			for bit, n := range script.FlagNames {
				if fn.Flags&(1<<bit) != 0 {
					names = append(names, n)
				}
			}
			w.Set(len(names))
			for _, n := range names {
				w.Simple(n)
			}
		}
		if withCode {
			w.BulkString("library_code")
			w.BulkString(l.Code)
		}
	}
}

// cmdFunctionRestore is FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE].
func (s *Server) cmdFunctionRestore(c *command.Ctx) {
	if len(c.Args) > 4 {
		c.SubcommandError()
		return
	}
	policy := "APPEND"
	if len(c.Args) == 4 {
		switch {
		case command.EqFold(c.Args[3], "APPEND"):
		case command.EqFold(c.Args[3], "REPLACE"):
			policy = "REPLACE"
		case command.EqFold(c.Args[3], "FLUSH"):
			policy = "FLUSH"
		default:
			c.Error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
			return
		}
	}
	codes, err := rdb.ParseFunctionPayload(c.Args[2])
	if err != nil {
		c.Error("ERR " + err.Error())
		return
	}
	f := s.functions()
	set := script.NewLibSet()
	for _, code := range codes {
		if _, msg := f.Load(set, code, false); msg != "" {
			c.Error(msg)
			return
		}
	}
	if policy == "FLUSH" {
		f.Swap(set)
	} else if msg := f.Current().Join(set, policy == "REPLACE"); msg != "" {
		c.Error(msg)
		return
	}
	c.Dirty(1)
	c.W.OK()
}

// cmdFunctionStats is FUNCTION STATS.
func (s *Server) cmdFunctionStats(c *command.Ctx) {
	h := s.scripting.cur
	if h != nil && !h.fn {
		c.Error(msgBusy)
		return
	}
	w := c.W
	w.Map(2)
	w.BulkString("running_script")
	if h == nil {
		w.Null()
	} else {
		w.Map(3)
		w.BulkString("name")
		w.BulkString(h.sha)
		w.BulkString("command")
		w.Array(len(h.args))
		for _, a := range h.args {
			w.Bulk(a)
		}
		w.BulkString("duration_ms")
		w.Int(time.Since(h.start).Milliseconds())
	}
	cur := s.functions().Current()
	w.BulkString("engines")
	w.Map(1)
	w.BulkString(script.EngineName)
	w.Map(2)
	w.BulkString("libraries_count")
	w.Int(int64(cur.Len()))
	w.BulkString("functions_count")
	w.Int(int64(cur.Funcs()))
}

// killScript is SCRIPT KILL (fn false) and FUNCTION KILL (Redis's
// scriptKill).
func (s *Server) killScript(c *command.Ctx, fn bool) {
	h := s.scripting.cur
	switch {
	case h == nil:
		c.Error("NOTBUSY No scripts in execution right now.")
	case h.wrote:
		c.Error("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")
	case !fn && h.fn:
		c.Error(msgBusyFunction)
	case fn && !h.fn:
		c.Error(msgBusy)
	default:
		h.killMsg = msgKilled
		c.W.OK()
	}
}

// cmdFcall is FCALL and FCALL_RO.
func (s *Server) cmdFcall(c *command.Ctx, ro bool) {
	cl := clientOf(c)
	if len(s.monitors) > 0 {
		// Shown before the commands the function runs, as in Redis.
		s.feedMonitors(cl, cl.db.ID, c.Args)
	}
	f := s.functions()
	fn := f.Current().Lookup(string(c.Args[1]))
	if fn == nil {
		c.Error("ERR Function not found")
		return
	}
	numkeys, err := strconv.ParseInt(string(c.Args[2]), 10, 64)
	if err != nil || !canonicalInt(c.Args[2]) {
		c.Error("ERR Bad number of keys provided")
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
	keys := c.Args[3 : 3+numkeys]
	argv := c.Args[3+numkeys:]
	s.runScript(c, cl, scriptRun{name: fn.Name, flags: fn.Flags, flagged: true, ro: ro, fn: true}, func(h *scriptHost) {
		f.Call(fn, keys, argv, h, c.W)
	})
}

// scriptCaches are MEMORY STATS's lua.caches (the cached EVAL scripts) and
// functions.caches (the libraries), as estimated by the engines.
func (s *Server) scriptCaches() (lua, functions int64) {
	if s.scripting.eng != nil {
		lua = s.scripting.eng.Memory()
	}
	if s.scripting.fns != nil {
		functions = s.scripting.fns.MemoryBytes()
	}
	return lua, functions
}

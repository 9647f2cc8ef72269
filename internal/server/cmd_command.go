package server

import (
	"strings"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/glob"
	"github.com/vestadb/vesta/internal/resp"
)

// COMMAND and its subcommands: the command table as Redis 7.0 reports it.

func (s *Server) registerCommandCommands(t *command.Table) {
	t.Define("command", func(c *command.Ctx) {
		all := t.All()
		c.W.Array(len(all))
		for _, sp := range all {
			writeCommandInfo(c.W, sp)
		}
	})
	t.Define("command|count", func(c *command.Ctx) { c.W.Int(int64(t.Len())) })
	t.Define("command|info", func(c *command.Ctx) {
		if len(c.Args) == 2 {
			all := t.All()
			c.W.Array(len(all))
			for _, sp := range all {
				writeCommandInfo(c.W, sp)
			}
			return
		}
		c.W.Array(len(c.Args) - 2)
		for _, name := range c.Args[2:] {
			sp := t.Get(string(name))
			if sp == nil || sp.Run == nil && len(sp.Subcommands) == 0 {
				c.W.Null() // $-1 over RESP2, like Redis, not *-1
				continue
			}
			writeCommandInfo(c.W, sp)
		}
	})
	t.Define("command|docs", func(c *command.Ctx) {
		var specs []*command.Spec
		if len(c.Args) == 2 {
			specs = t.All()
		} else {
			for _, name := range c.Args[2:] {
				if sp := t.Get(string(name)); sp != nil {
					specs = append(specs, sp)
				}
			}
		}
		c.W.Map(len(specs))
		for _, sp := range specs {
			c.W.BulkString(sp.Name)
			writeCommandDocs(c.W, sp)
		}
	})
	t.Define("command|list", func(c *command.Ctx) {
		var filter func(*command.Spec) bool
		switch {
		case len(c.Args) == 2:
		case len(c.Args) == 5 && command.EqFold(c.Args[2], "FILTERBY"):
			v := string(c.Args[4])
			switch {
			case command.EqFold(c.Args[3], "MODULE"):
				filter = func(*command.Spec) bool { return false }
			case command.EqFold(c.Args[3], "ACLCAT"):
				filter = func(sp *command.Spec) bool {
					for _, a := range sp.ACL {
						if strings.EqualFold(a, v) {
							return true
						}
					}
					return false
				}
			case command.EqFold(c.Args[3], "PATTERN"):
				filter = func(sp *command.Spec) bool { return glob.MatchString(v, sp.Name, true) }
			default:
				c.SyntaxError()
				return
			}
		default:
			c.SyntaxError()
			return
		}
		var names []string
		for _, sp := range t.All() {
			if filter == nil || filter(sp) {
				names = append(names, sp.Name)
			}
			for _, sub := range sortedSubs(sp) {
				if filter == nil || filter(sub) {
					names = append(names, sub.Name)
				}
			}
		}
		replyBulkStrings(c.W, names...)
	})
	getkeys := func(c *command.Ctx, withFlags bool) {
		args := c.Args[2:]
		sp, msg := t.Lookup(args)
		switch {
		case sp == nil:
			c.Error("ERR Invalid command specified")
			return
		case msg != "":
			c.Error("ERR Invalid number of arguments specified for command")
			return
		}
		pos := sp.KeyPositions(args)
		if len(pos) == 0 {
			if !sp.Has(command.NoMandatoryKeys) {
				c.Error("ERR The command has no key arguments")
				return
			}
		}
		c.W.Array(len(pos))
		for _, p := range pos {
			if withFlags {
				c.W.Array(2)
				c.W.Bulk(args[p])
				flags := keySpecFlagsFor(sp, args, p)
				c.W.Array(len(flags))
				for _, f := range flags {
					c.W.Simple(f)
				}
			} else {
				c.W.Bulk(args[p])
			}
		}
	}
	t.Define("command|getkeys", func(c *command.Ctx) { getkeys(c, false) })
	t.Define("command|getkeysandflags", func(c *command.Ctx) { getkeys(c, true) })
	t.Define("command|help", func(c *command.Ctx) {
		command.ReplyHelp(c, "COMMAND", []string{
			"(no subcommand)", "    Return details about all commands.",
			"COUNT", "    Return the total number of commands in this server.",
			"LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
			"    Return a list of all commands in this server.",
			"INFO [<command-name> ...]", "    Return details about the given commands, or all of them.",
			"DOCS [<command-name> ...]", "    Return documentation for the given commands, or all of them.",
			"GETKEYS <full-command>", "    Return the keys from a full command.",
			"GETKEYSANDFLAGS <full-command>", "    Return the keys and their access flags from a full command.",
		})
	})
}

// keySpecFlagsFor returns the flags of the key spec that found argument p.
func keySpecFlagsFor(sp *command.Spec, args [][]byte, p int) []string {
	if sp.GetKeys != nil {
		for _, k := range sp.GetKeys(args) {
			if k.Pos == p && k.Spec < len(sp.KeySpecs) {
				return sp.KeySpecs[k.Spec].Flags
			}
		}
		return nil
	}
	for _, ks := range sp.KeySpecs {
		one := *sp
		one.KeySpecs = []command.KeySpec{ks}
		for _, q := range one.KeyPositions(args) {
			if q == p {
				return ks.Flags
			}
		}
	}
	return nil
}

func sortedSubs(sp *command.Spec) []*command.Spec {
	var subs []*command.Spec
	for _, sub := range sp.Subcommands {
		subs = append(subs, sub)
	}
	for i := 1; i < len(subs); i++ {
		for j := i; j > 0 && subs[j].Name < subs[j-1].Name; j-- {
			subs[j], subs[j-1] = subs[j-1], subs[j]
		}
	}
	return subs
}

// writeCommandInfo writes one command as COMMAND INFO reports it.
func writeCommandInfo(w *resp.Writer, sp *command.Spec) {
	w.Array(10)
	w.BulkString(sp.Name)
	w.Int(int64(sp.Arity))
	flags := sp.Flags.Names()
	w.Set(len(flags))
	for _, f := range flags {
		w.Simple(f)
	}
	w.Int(int64(sp.FirstKey))
	w.Int(int64(sp.LastKey))
	w.Int(int64(sp.KeyStep))
	w.Set(len(sp.ACL))
	for _, a := range sp.ACL {
		w.Simple("@" + a)
	}
	w.Set(len(sp.Tips))
	for _, tip := range sp.Tips {
		w.BulkString(tip)
	}
	w.Set(len(sp.KeySpecs))
	for _, ks := range sp.KeySpecs {
		writeKeySpec(w, ks)
	}
	subs := sortedSubs(sp)
	w.Array(len(subs))
	for _, sub := range subs {
		writeCommandInfo(w, sub)
	}
}

func writeKeySpec(w *resp.Writer, ks command.KeySpec) {
	n := 3
	if ks.Notes != "" {
		n++
	}
	w.Map(n)
	if ks.Notes != "" {
		w.BulkString("notes")
		w.BulkString(ks.Notes)
	}
	w.BulkString("flags")
	w.Set(len(ks.Flags))
	for _, f := range ks.Flags {
		w.Simple(f)
	}
	w.BulkString("begin_search")
	w.Map(2)
	w.BulkString("type")
	w.BulkString(ks.BeginSearch)
	w.BulkString("spec")
	switch ks.BeginSearch {
	case "index":
		w.Map(1)
		w.BulkString("index")
		w.Int(int64(ks.Index))
	case "keyword":
		w.Map(2)
		w.BulkString("keyword")
		w.BulkString(ks.Keyword)
		w.BulkString("startfrom")
		w.Int(int64(ks.StartFrom))
	default:
		w.Map(0)
	}
	w.BulkString("find_keys")
	w.Map(2)
	w.BulkString("type")
	w.BulkString(ks.FindKeys)
	w.BulkString("spec")
	switch ks.FindKeys {
	case "range":
		w.Map(3)
		w.BulkString("lastkey")
		w.Int(int64(ks.LastKey))
		w.BulkString("keystep")
		w.Int(int64(ks.KeyStep))
		w.BulkString("limit")
		w.Int(int64(ks.Limit))
	case "keynum":
		w.Map(3)
		w.BulkString("keynumidx")
		w.Int(int64(ks.KeyNumIdx))
		w.BulkString("firstkey")
		w.Int(int64(ks.FirstKey))
		w.BulkString("keystep")
		w.Int(int64(ks.KeyStep))
	default:
		w.Map(0)
	}
}

// writeCommandDocs writes one command's COMMAND DOCS map.
func writeCommandDocs(w *resp.Writer, sp *command.Spec) {
	type field struct {
		name  string
		write func()
	}
	var fields []field
	add := func(name string, f func()) { fields = append(fields, field{name, f}) }
	if sp.Summary != "" {
		add("summary", func() { w.BulkString(sp.Summary) })
	}
	if sp.Since != "" {
		add("since", func() { w.BulkString(sp.Since) })
	}
	if sp.Group != "" {
		add("group", func() { w.BulkString(sp.Group) })
	}
	if sp.Complexity != "" {
		add("complexity", func() { w.BulkString(sp.Complexity) })
	}
	if len(sp.DocFlags) > 0 {
		add("doc_flags", func() {
			w.Set(len(sp.DocFlags))
			for _, f := range sp.DocFlags {
				w.Simple(f)
			}
		})
	}
	if len(sp.Args) > 0 {
		add("arguments", func() { writeDocArgs(w, sp.Args) })
	}
	if subs := sortedSubs(sp); len(subs) > 0 {
		add("subcommands", func() {
			w.Map(len(subs))
			for _, sub := range subs {
				w.BulkString(sub.Name)
				writeCommandDocs(w, sub)
			}
		})
	}
	w.Map(len(fields))
	for _, f := range fields {
		w.BulkString(f.name)
		f.write()
	}
}

func writeDocArgs(w *resp.Writer, args []command.Arg) {
	w.Array(len(args))
	for _, a := range args {
		n := 2
		if a.DisplayText != "" {
			n++
		}
		if a.KeySpecIdx >= 0 {
			n++
		}
		if a.Token != "" {
			n++
		}
		if a.Since != "" {
			n++
		}
		if len(a.Flags) > 0 {
			n++
		}
		if len(a.Args) > 0 {
			n++
		}
		w.Map(n)
		w.BulkString("name")
		w.BulkString(a.Name)
		w.BulkString("type")
		w.BulkString(a.Type)
		if a.DisplayText != "" {
			w.BulkString("display_text")
			w.BulkString(a.DisplayText)
		}
		if a.KeySpecIdx >= 0 {
			w.BulkString("key_spec_index")
			w.Int(int64(a.KeySpecIdx))
		}
		if a.Token != "" {
			w.BulkString("token")
			w.BulkString(a.Token)
		}
		if a.Since != "" {
			w.BulkString("since")
			w.BulkString(a.Since)
		}
		if len(a.Flags) > 0 {
			w.BulkString("flags")
			w.Set(len(a.Flags))
			for _, f := range a.Flags {
				w.Simple(f)
			}
		}
		if len(a.Args) > 0 {
			w.BulkString("arguments")
			writeDocArgs(w, a.Args)
		}
	}
}

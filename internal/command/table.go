package command

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Table maps command names to specs.
type Table struct {
	byName map[string]*Spec
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{byName: map[string]*Spec{}} }

// Add registers specs. A name containing '|' registers a subcommand of an
// already registered container.
func (t *Table) Add(specs ...*Spec) {
	for _, s := range specs {
		s.Name = strings.ToLower(s.Name)
		if parent, sub, ok := strings.Cut(s.Name, "|"); ok {
			p := t.byName[parent]
			if p == nil {
				panic("command: subcommand " + s.Name + " registered before its container")
			}
			if p.Subcommands == nil {
				p.Subcommands = map[string]*Spec{}
			}
			s.Parent = p
			p.Subcommands[sub] = s
			continue
		}
		if t.byName[s.Name] != nil {
			panic("command: " + s.Name + " registered twice")
		}
		t.byName[s.Name] = s
	}
}

// Handle attaches a handler to a registered command or subcommand.
func (t *Table) Handle(name string, run func(c *Ctx)) {
	s := t.Get(name)
	if s == nil {
		panic("command: no spec for " + name)
	}
	s.Run = run
}

// Get returns the spec of "name" or "container|sub".
func (t *Table) Get(name string) *Spec {
	name = strings.ToLower(name)
	parent, sub, ok := strings.Cut(name, "|")
	s := t.byName[parent]
	if !ok || s == nil {
		return s
	}
	return s.Subcommands[sub]
}

// All returns the top-level specs sorted by name.
func (t *Table) All() []*Spec {
	out := make([]*Spec, 0, len(t.byName))
	for _, s := range t.byName {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Len is the number of top-level commands.
func (t *Table) Len() int { return len(t.byName) }

// lookupName finds a top-level command by a client-supplied name without
// allocating for names of reasonable length.
func (t *Table) lookupName(name []byte) *Spec {
	var buf [32]byte
	if len(name) > len(buf) {
		return t.byName[strings.ToLower(string(name))]
	}
	for i, c := range name {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return t.byName[string(buf[:len(name)])]
}

// Lookup resolves args to a spec the way Redis's processCommand does and
// returns the error reply for unknown commands, unknown subcommands and wrong
// arity ("" when the command can run).
func (t *Table) Lookup(args [][]byte) (*Spec, string) {
	s := t.lookupName(args[0])
	if s == nil {
		return nil, unknownCommand(args)
	}
	if len(s.Subcommands) > 0 && len(args) >= 2 {
		sub := s.Subcommands[strings.ToLower(string(args[1]))]
		if sub == nil {
			return nil, fmt.Sprintf("ERR unknown subcommand '%.128s'. Try %s HELP.",
				args[1], strings.ToUpper(string(args[0])))
		}
		s = sub
	}
	if (s.Arity > 0 && len(args) != s.Arity) || len(args) < -s.Arity {
		return s, fmt.Sprintf("ERR wrong number of arguments for '%s' command", s.Name)
	}
	return s, ""
}

func unknownCommand(args [][]byte) string {
	// Redis formats these with %s, so each stops at its first NUL byte.
	cstr := func(a []byte) []byte {
		if i := bytes.IndexByte(a, 0); i >= 0 {
			return a[:i]
		}
		return a
	}
	var b strings.Builder
	for i := 1; i < len(args) && b.Len() < 128; i++ {
		a := cstr(args[i])
		if n := 128 - b.Len(); len(a) > n {
			a = a[:n]
		}
		fmt.Fprintf(&b, "'%s' ", a)
	}
	name := cstr(args[0])
	if len(name) > 128 {
		name = name[:128]
	}
	return fmt.Sprintf("ERR unknown command '%s', with args beginning with: %s", name, b.String())
}

// redisByName indexes the generated Redis 7.0 metadata by name.
var redisByName = func() map[string]*Spec {
	m := make(map[string]*Spec, len(redisSpecs))
	for _, s := range redisSpecs {
		m[s.Name] = s
	}
	return m
}()

// redisSpec returns a copy of the Redis 7.0 metadata for "name" or
// "container|sub", without subcommands, or nil.
func redisSpec(name string) *Spec {
	parent, sub, isSub := strings.Cut(name, "|")
	s := redisByName[parent]
	if s != nil && isSub {
		s = s.Subcommands[sub]
	}
	if s == nil {
		return nil
	}
	cp := *s
	cp.Subcommands = nil
	cp.Summary = summaries[name]
	return &cp
}

// Define registers the command (or "container|sub") with Redis 7.0's
// metadata and the given handler. A container is registered on first use of
// one of its subcommands.
func (t *Table) Define(name string, run func(c *Ctx)) {
	name = strings.ToLower(name)
	if parent, _, ok := strings.Cut(name, "|"); ok && t.byName[parent] == nil {
		t.Add(redisSpec(parent))
	}
	if existing := t.Get(name); existing != nil && !strings.Contains(name, "|") {
		existing.Run = run // a container defined by a subcommand first
		return
	}
	s := redisSpec(name)
	if s == nil {
		panic("command: Redis 7.0 has no command " + name)
	}
	s.Run = run
	t.Add(s)
}

// RedisSpec returns a copy of Redis 7.0's metadata (arguments, flags,
// group) for "name" or "container|sub", without a handler, or nil. Tests
// and tools use it to build calls of any command from its documented
// arguments.
func RedisSpec(name string) *Spec { return redisSpec(strings.ToLower(name)) }

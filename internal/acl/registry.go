package acl

import (
	"sort"
	"strings"

	"github.com/vestadb/vesta/internal/command"
)

// Categories are Redis 7.0's command categories, in Redis's order (ACL CAT
// lists them so, and rule descriptions try them so).
var Categories = []string{
	"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
	"bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
	"blocking", "dangerous", "connection", "transaction", "scripting",
}

// CategoryFlag returns the bit of a category name (case-insensitive), 0
// for an unknown one.
func CategoryFlag(name string) uint32 {
	for i, c := range Categories {
		if strings.EqualFold(c, name) {
			return 1 << i
		}
	}
	return 0
}

// chanKind says which arguments of a command are Pub/Sub channels.
type chanKind uint8

const (
	chanNone    chanKind = iota
	chanFirst            // PUBLISH, SPUBLISH: argument 1
	chanAll              // SUBSCRIBE, SSUBSCRIBE: every argument
	chanPattern          // PSUBSCRIBE: every argument, compared literally
)

// Cmd is one command or subcommand as the ACL sees it.
type Cmd struct {
	Spec   *command.Spec
	ID     int
	Cats   uint32
	Subs   []*Cmd // sorted by name
	Parent *Cmd
	// keyPerm is the permission each key spec asks for (Read, Write).
	keyPerm []uint8
	chans   chanKind
	noAuth  bool
	hasKeys bool
	// oneKey, when > 0, is the argument index of the call's only key,
	// with oneKeyPerm its access: the commands whose key specs name one
	// key at a fixed index (GET, INCR, HSET, LPUSH, ...) are checked
	// without the key-spec walk (Checker.checkSelector).
	oneKey     int
	oneKeyPerm uint8
}

// Registry numbers the commands of a table and knows their categories.
// It also holds the Redis 7.0 commands the table lacks, so that rules
// naming them (from configuration written for Redis) are accepted and
// categories count as in Redis.
type Registry struct {
	table  *command.Table
	cmds   []*Cmd // by ID
	top    []*Cmd // top-level commands sorted by name
	bySpec map[*command.Spec]*Cmd
	byName map[string]*Cmd
	words  int // uint64 words of a command bitmap
	all    []*Cmd
	// inCat lists the command IDs of each category.
	inCat [][]int
}

// NewRegistry builds the registry of a command table. The table must not
// change afterwards.
func NewRegistry(t *command.Table) *Registry {
	r := &Registry{table: t, bySpec: map[*command.Spec]*Cmd{}, byName: map[string]*Cmd{}}
	tops := map[string]*command.Spec{}
	subs := map[string]map[string]*command.Spec{}
	for _, s := range t.All() {
		tops[s.Name] = s
		for n, sub := range s.Subcommands {
			if subs[s.Name] == nil {
				subs[s.Name] = map[string]*command.Spec{}
			}
			subs[s.Name][n] = sub
		}
	}
	for _, rc := range command.RedisCommands() {
		parent, sub, isSub := strings.Cut(rc.Name, "|")
		switch {
		case !isSub && tops[parent] == nil:
			tops[parent] = command.RedisSpec(rc.Name)
		case isSub && subs[parent][sub] == nil:
			if subs[parent] == nil {
				subs[parent] = map[string]*command.Spec{}
			}
			subs[parent][sub] = command.RedisSpec(rc.Name)
		}
	}
	names := make([]string, 0, len(tops))
	for n := range tops {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := r.add(tops[n], nil)
		subNames := make([]string, 0, len(subs[n]))
		for sn := range subs[n] {
			subNames = append(subNames, sn)
		}
		sort.Strings(subNames)
		for _, sn := range subNames {
			c.Subs = append(c.Subs, r.add(subs[n][sn], c))
		}
		r.top = append(r.top, c)
	}
	r.words = (len(r.cmds) + 63) / 64
	r.index()
	return r
}

func (r *Registry) index() {
	r.all = make([]*Cmd, 0, len(r.cmds))
	for _, c := range r.top {
		r.all = append(r.all, c)
		r.all = append(r.all, c.Subs...)
	}
	r.inCat = make([][]int, len(Categories))
	for _, c := range r.all {
		for j := range Categories {
			if c.Cats&(1<<j) != 0 {
				r.inCat[j] = append(r.inCat[j], c.ID)
			}
		}
	}
}

func (r *Registry) add(s *command.Spec, parent *Cmd) *Cmd {
	c := &Cmd{Spec: s, ID: len(r.cmds), Parent: parent, noAuth: s.Has(command.NoAuth)}
	// Commands Redis 7.0 does not have (CLIENT SETINFO, from 7.2) are in
	// no category, so that ACL CAT and rule descriptions are Redis's:
	// they follow their container's rules.
	if redisNames[s.Name] {
		for _, name := range s.ACL {
			c.Cats |= CategoryFlag(name)
		}
	}
	for _, ks := range s.KeySpecs {
		var p uint8
		for _, f := range ks.Flags {
			switch strings.ToLower(f) {
			case "access":
				p |= Read
			case "insert", "delete", "update":
				p |= Write
			case "not_key":
				p = 0xff
			}
		}
		if p == 0xff {
			p = notKey
		} else {
			c.hasKeys = true
		}
		c.keyPerm = append(c.keyPerm, p)
	}
	if s.GetKeys != nil {
		c.hasKeys = true
	}
	if len(s.KeySpecs) == 1 && s.GetKeys == nil && !ownKeyFinder[s.Name] {
		ks := &s.KeySpecs[0]
		if c.keyPerm[0] != notKey && ks.BeginSearch == "index" && ks.Index > 0 &&
			ks.FindKeys == "range" && ks.LastKey == 0 {
			c.oneKey, c.oneKeyPerm = ks.Index, c.keyPerm[0]
		}
	}
	switch s.Name {
	case "publish", "spublish":
		c.chans = chanFirst
	case "subscribe", "ssubscribe":
		c.chans = chanAll
	case "psubscribe":
		c.chans = chanPattern
	}
	r.cmds = append(r.cmds, c)
	r.bySpec[s] = c
	r.byName[s.Name] = c
	return c
}

var redisNames = func() map[string]bool {
	m := map[string]bool{}
	for _, rc := range command.RedisCommands() {
		m[rc.Name] = true
	}
	return m
}()

// ownKeyFinder names the commands Checker.findKeys treats by hand
// (their key specs have variable flags or are incomplete).
var ownKeyFinder = map[string]bool{"set": true, "bitfield": true, "migrate": true}

// notKey marks a key spec that names no key (shard channels).
const notKey uint8 = 0x80

// Of returns the registry entry of a spec of the table, nil if unknown.
func (r *Registry) Of(s *command.Spec) *Cmd { return r.bySpec[s] }

// Lookup finds a command by a rule's name: "get" or "config|get",
// case-insensitive, as Redis's ACLLookupCommand (more than one '|' finds
// nothing).
func (r *Registry) Lookup(name string) *Cmd {
	return r.byName[strings.ToLower(name)]
}

// All returns every command and subcommand, parents before their
// subcommands, sorted by name.
func (r *Registry) All() []*Cmd { return r.all }

// InCategory returns the full names of the commands of a category, in the
// order of All.
func (r *Registry) InCategory(flag uint32) []string {
	var out []string
	for _, c := range r.All() {
		if c.Cats&flag != 0 {
			out = append(out, c.Spec.Name)
		}
	}
	return out
}

var emptyReg = func() *Registry {
	r := &Registry{bySpec: map[*command.Spec]*Cmd{}, byName: map[string]*Cmd{}}
	r.index()
	return r
}()

// emptyRegistry knows no command: rules naming one fail as unknown.
func emptyRegistry() *Registry { return emptyReg }

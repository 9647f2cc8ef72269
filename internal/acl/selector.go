package acl

import (
	"bytes"
	"strings"

	"github.com/vestadb/vesta/internal/sds"
)

// Key permissions of a key pattern (%R~, %W~, %RW~ or ~).
const (
	Read  uint8 = 1
	Write uint8 = 2
	All         = Read | Write
)

// Selector flags.
const (
	allKeys uint8 = 1 << iota
	allChannels
	allCommands
)

// KeyPattern is a key glob and the access it grants.
type KeyPattern struct {
	Pattern []byte
	Perm    uint8
	// prefixEnd is len(Pattern) when Pattern is a literal prefix followed
	// by one '*' (the usual "app:*"): a key is then checked by comparing
	// bytes instead of running the glob matcher. 0 (the zero value): glob.
	prefixEnd int
}

func newKeyPattern(pat []byte, perm uint8) KeyPattern {
	k := KeyPattern{Pattern: pat, Perm: perm}
	if n := len(pat); n > 0 && pat[n-1] == '*' && !bytes.ContainsAny(pat[:n-1], "*?[\\") {
		k.prefixEnd = n
	}
	return k
}

// Selector is one set of command, key and channel permissions. A user has a
// root selector and any number of others; a command may run if one of them
// allows it.
type Selector struct {
	flags uint8
	// cmds has a bit per command ID of the registry.
	cmds []uint64
	// future is Redis's reserved bit: set by +@all, cleared by -@all, it
	// says whether commands added later would be allowed (and whether the
	// description starts with +@all).
	future bool
	// firstArgs are the first arguments allowed for an otherwise denied
	// command (+select|0), by command ID.
	firstArgs map[int][]string
	keys      []KeyPattern
	channels  [][]byte
}

func newSelector(r *Registry, pubsubAll bool) *Selector {
	s := &Selector{cmds: make([]uint64, r.words)}
	if pubsubAll {
		s.flags |= allChannels
	}
	return s
}

func (s *Selector) clone() *Selector {
	c := &Selector{flags: s.flags, future: s.future}
	c.cmds = append([]uint64(nil), s.cmds...)
	if s.firstArgs != nil {
		c.firstArgs = make(map[int][]string, len(s.firstArgs))
		for id, a := range s.firstArgs {
			c.firstArgs[id] = append([]string(nil), a...)
		}
	}
	for _, k := range s.keys {
		c.keys = append(c.keys, newKeyPattern(append([]byte(nil), k.Pattern...), k.Perm))
	}
	for _, ch := range s.channels {
		c.channels = append(c.channels, append([]byte(nil), ch...))
	}
	return c
}

func (s *Selector) bit(id int) bool { return s.cmds[id>>6]&(1<<(id&63)) != 0 }

func (s *Selector) setBit(id int, on bool) {
	if on {
		s.cmds[id>>6] |= 1 << (id & 63)
	} else {
		s.cmds[id>>6] &^= 1 << (id & 63)
		s.flags &^= allCommands
	}
}

// changePerm allows or denies a command and, for a container, all its
// subcommands (ACLChangeSelectorPerm).
func (s *Selector) changePerm(c *Cmd, on bool) {
	s.setBit(c.ID, on)
	delete(s.firstArgs, c.ID)
	for _, sub := range c.Subs {
		s.setBit(sub.ID, on)
	}
}

// setCategory applies +@cat or -@cat: every command of the category, a
// container with all its subcommands, then the subcommands of the category.
func (s *Selector) setCategory(r *Registry, flag uint32, on bool) {
	for _, c := range r.top {
		if c.Cats&flag != 0 {
			s.changePerm(c, on)
		}
		for _, sub := range c.Subs {
			if sub.Cats&flag != 0 {
				s.changePerm(sub, on)
			}
		}
	}
}

func (s *Selector) setAll(on bool) {
	var v uint64
	if on {
		v = ^uint64(0)
		s.flags |= allCommands
	} else {
		s.flags &^= allCommands
	}
	for i := range s.cmds {
		s.cmds[i] = v
	}
	s.future = on
	s.firstArgs = nil
}

func (s *Selector) addFirstArg(id int, arg string) {
	if s.firstArgs == nil {
		s.firstArgs = map[int][]string{}
	}
	for _, a := range s.firstArgs[id] {
		if strings.EqualFold(a, arg) {
			return
		}
	}
	s.firstArgs[id] = append(s.firstArgs[id], arg)
}

// hasSpaces is Redis's ACLStringHasSpaces: white space or NUL.
func hasSpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\v', '\f', '\r', 0:
			return true
		}
	}
	return false
}

// apply applies one selector rule (ACLSetSelector).
func (s *Selector) apply(r *Registry, op string) error {
	if op == "" {
		return errSyntax
	}
	switch {
	case strings.EqualFold(op, "allkeys") || op == "~*":
		s.flags |= allKeys
		s.keys = nil
	case strings.EqualFold(op, "resetkeys"):
		s.flags &^= allKeys
		s.keys = nil
	case strings.EqualFold(op, "allchannels") || op == "&*":
		s.flags |= allChannels
		s.channels = nil
	case strings.EqualFold(op, "resetchannels"):
		s.flags &^= allChannels
		s.channels = nil
	case strings.EqualFold(op, "allcommands") || strings.EqualFold(op, "+@all"):
		s.setAll(true)
	case strings.EqualFold(op, "nocommands") || strings.EqualFold(op, "-@all"):
		s.setAll(false)
	case op[0] == '~' || op[0] == '%':
		return s.addKeyPattern(op)
	case op[0] == '&':
		if s.flags&allChannels != 0 {
			return errChannelAfterAll
		}
		pat := op[1:]
		if hasSpaces(pat) {
			return errSyntax
		}
		found := false
		for _, c := range s.channels {
			if string(c) == pat {
				found = true
				break
			}
		}
		if !found {
			s.channels = append(s.channels, []byte(pat))
		}
		s.flags &^= allChannels
	case (op[0] == '+' || op[0] == '-') && len(op) > 1 && op[1] == '@':
		flag := CategoryFlag(op[2:])
		if flag == 0 {
			return errUnknown
		}
		s.setCategory(r, flag, op[0] == '+')
	case op[0] == '+':
		return s.allowCommand(r, op[1:])
	case op[0] == '-':
		c := r.Lookup(op[1:])
		if c == nil {
			return errUnknown
		}
		s.changePerm(c, false)
	default:
		return errSyntax
	}
	return nil
}

func (s *Selector) addKeyPattern(op string) error {
	if s.flags&allKeys != 0 {
		return errKeyAfterAll
	}
	var perm uint8
	off := 1
	if op[0] == '%' {
		for ; off < len(op); off++ {
			c := op[off]
			switch {
			case (c == 'R' || c == 'r') && perm&Read == 0:
				perm |= Read
			case (c == 'W' || c == 'w') && perm&Write == 0:
				perm |= Write
			case c == '~':
				off++
				goto done
			default:
				return errSyntax
			}
		}
	done:
		if perm == 0 {
			return errSyntax
		}
	} else {
		perm = All
	}
	pat := op[min(off, len(op)):]
	if hasSpaces(pat) {
		return errSyntax
	}
	for i := range s.keys {
		if string(s.keys[i].Pattern) == pat {
			s.keys[i].Perm |= perm
			s.flags &^= allKeys
			return nil
		}
	}
	s.keys = append(s.keys, newKeyPattern([]byte(pat), perm))
	s.flags &^= allKeys
	return nil
}

func (s *Selector) allowCommand(r *Registry, name string) error {
	i := strings.LastIndexByte(name, '|')
	if i < 0 {
		c := r.Lookup(name)
		if c == nil {
			return errUnknown
		}
		s.changePerm(c, true)
		return nil
	}
	base, sub := name[:i], name[i+1:]
	c := r.Lookup(base)
	if c == nil {
		return errUnknown
	}
	if c.Parent != nil {
		return errFirstArgSub
	}
	if sub == "" {
		return errSyntax
	}
	if len(c.Subs) > 0 {
		sc := r.Lookup(name)
		if sc == nil {
			return errUnknown
		}
		s.changePerm(sc, true)
		return nil
	}
	s.addFirstArg(c.ID, sub)
	return nil
}

// parseSelector builds a selector from "(rule rule ...)".
func parseSelector(r *Registry, op string, pubsubAll bool) (*Selector, error) {
	s := newSelector(r, pubsubAll)
	args, ok := sds.SplitArgs([]byte(op[1:len(op)-1]), nil)
	if !ok {
		return nil, errSyntax
	}
	for _, a := range args {
		if err := s.apply(r, string(a)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

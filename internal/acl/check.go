package acl

import (
	"bytes"
	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/glob"
)

// Reasons a command is denied, in Redis's order of relevance (ACL_DENIED_*).
const (
	OK            = 0
	DeniedCmd     = 1
	DeniedKey     = 2
	DeniedAuth    = 3
	DeniedChannel = 4
)

// keyRef is a key argument and the access the command needs to it.
type keyRef struct {
	pos  int
	perm uint8
}

// Checker checks command calls against users. Its scratch space makes a
// check allocation-free once warm; one Checker serves one goroutine (the
// server's, under its lock).
type Checker struct {
	reg  *Registry
	keys []keyRef
}

// NewChecker returns a checker for the registry's commands.
func NewChecker(r *Registry) *Checker { return &Checker{reg: r} }

// Check reports whether u may run the command c with args (args[0] is the
// command name). On denial it returns the most relevant reason over all
// selectors and the index of the offending argument (Redis's
// ACLCheckAllUserCommandPerm).
func (ck *Checker) Check(u *User, c *Cmd, args [][]byte) (reason, pos int) {
	if u == nil || u.open || c == nil {
		return OK, 0
	}
	keysDone := false
	reason = DeniedCmd
	for _, s := range u.selectors {
		r, p := ck.checkSelector(s, c, args, &keysDone)
		if r == OK {
			return OK, 0
		}
		if r > reason || (r == reason && p > pos) {
			reason, pos = r, p
		}
	}
	return reason, pos
}

func (ck *Checker) checkSelector(s *Selector, c *Cmd, args [][]byte, keysDone *bool) (int, int) {
	if s.flags&allCommands == 0 && !c.noAuth && !s.bit(c.ID) {
		fa := s.firstArgs[c.ID]
		if len(args) < 2 || fa == nil {
			return DeniedCmd, 0
		}
		idx := 1
		if c.Parent != nil {
			idx = 2
		}
		if idx >= len(args) {
			return DeniedCmd, 0
		}
		found := false
		for _, a := range fa {
			if command.EqFold(args[idx], a) {
				found = true
				break
			}
		}
		if !found {
			return DeniedCmd, 0
		}
	}
	if s.flags&allKeys == 0 && c.oneKey > 0 {
		// One key at a fixed index (findKeys would find just it; a call
		// too short for it names no key).
		if c.oneKey < len(args) && !s.keyAllowed(args[c.oneKey], c.oneKeyPerm) {
			return DeniedKey, c.oneKey
		}
	} else if s.flags&allKeys == 0 && c.hasKeys {
		if !*keysDone {
			ck.keys = ck.findKeys(ck.keys[:0], c, args)
			*keysDone = true
		}
		for _, k := range ck.keys {
			if !s.keyAllowed(args[k.pos], k.perm) {
				return DeniedKey, k.pos
			}
		}
	}
	if s.flags&allChannels == 0 && c.chans != chanNone {
		first, last := 1, len(args)-1
		if c.chans == chanFirst {
			last = 1
		}
		for i := first; i <= last && i < len(args); i++ {
			if !channelAllowed(s.channels, args[i], c.chans == chanPattern) {
				return DeniedChannel, i
			}
		}
	}
	return OK, 0
}

// FullRead reports whether a selector of u both allows the call and may
// read every key (allkeys, or a "*" pattern with read access), Redis's
// ACLUserCheckCmdWithUnrestrictedKeyAccess: SORT's BY and GET need it.
func (ck *Checker) FullRead(u *User, c *Cmd, args [][]byte) bool {
	if u == nil || u.open || c == nil {
		return true
	}
	keysDone := false
	for _, s := range u.selectors {
		if r, _ := ck.checkSelector(s, c, args, &keysDone); r != OK {
			continue
		}
		if s.flags&allKeys != 0 {
			return true
		}
		for _, k := range s.keys {
			if k.Perm&Read != 0 && string(k.Pattern) == "*" {
				return true
			}
		}
	}
	return false
}

// keyAllowed is Redis's ACLSelectorCheckKey.
func (s *Selector) keyAllowed(key []byte, perm uint8) bool {
	if s.flags&allKeys != 0 {
		return true
	}
	for i := range s.keys {
		k := &s.keys[i]
		if k.Perm&perm != perm {
			continue
		}
		if k.prefixEnd > 0 {
			// An empty key matches no pattern but the empty one, as in
			// Redis's stringmatchlen ("*" included).
			if len(key) > 0 && bytes.HasPrefix(key, k.Pattern[:k.prefixEnd-1]) {
				return true
			}
			continue
		}
		if match(k.Pattern, key) {
			return true
		}
	}
	return false
}

// channelAllowed checks a channel against a selector's patterns: a
// PSUBSCRIBE pattern must equal one of them, a channel must match one.
func channelAllowed(list [][]byte, ch []byte, literal bool) bool {
	for _, p := range list {
		if literal {
			if string(p) == string(ch) {
				return true
			}
		} else if match(p, ch) {
			return true
		}
	}
	return false
}

// globMatch is glob.Match called through a variable so that it is not
// inlined here: inlined into this package, its recursion state moves to
// the heap and every check would allocate.
var globMatch = glob.Match

func match(pattern, s []byte) bool { return globMatch(pattern, s, false) }

// ChannelAllowed reports whether u may use channel (a pattern when
// literal), Redis's ACLUserCheckChannelPerm.
func (u *User) ChannelAllowed(ch []byte, literal bool) bool {
	for _, s := range u.selectors {
		if s.flags&allChannels != 0 || channelAllowed(s.channels, ch, literal) {
			return true
		}
	}
	return false
}

// findKeys appends the keys of a call and the access each needs, as
// Redis's getKeysFromCommandWithSpecs finds them: key specs, except for
// the commands whose specs have variable flags or are incomplete (SET,
// BITFIELD, MIGRATE) and those with their own key finder (SORT).
func (ck *Checker) findKeys(dst []keyRef, c *Cmd, args [][]byte) []keyRef {
	spec := c.Spec
	switch spec.Name {
	case "set":
		if len(args) < 2 {
			return dst
		}
		for i := 3; i < len(args); i++ {
			if command.EqFold(args[i], "get") {
				return append(dst, keyRef{1, Read | Write})
			}
		}
		return append(dst, keyRef{1, Write})
	case "bitfield":
		if len(args) < 2 {
			return dst
		}
		perm := Read
	loop:
		for i := 2; i < len(args); i++ {
			rem := len(args) - i - 1
			switch {
			case command.EqFold(args[i], "get") && rem >= 2:
				i += 2
			case (command.EqFold(args[i], "set") || command.EqFold(args[i], "incrby")) && rem >= 3:
				perm = Read | Write
				break loop
			case command.EqFold(args[i], "overflow") && rem >= 1:
				i++
			default:
				perm = Read | Write
				break loop
			}
		}
		return append(dst, keyRef{1, perm})
	case "migrate":
		first, num := 3, 1
		if len(args) > 6 {
			for i := 6; i < len(args); i++ {
				if command.EqFold(args[i], "keys") {
					if len(args[3]) > 0 {
						return dst
					}
					first, num = i+1, len(args)-i-1
					break
				}
				switch {
				case command.EqFold(args[i], "auth"):
					i++
				case command.EqFold(args[i], "auth2"):
					i += 2
				}
			}
		}
		for i := first; i < first+num && i < len(args); i++ {
			dst = append(dst, keyRef{i, Read | Write})
		}
		return dst
	}
	if spec.GetKeys != nil {
		for _, k := range spec.GetKeys(args) {
			if k.Pos >= len(args) {
				continue // a call the arity check refuses first
			}
			perm := All
			if k.Spec < len(c.keyPerm) {
				perm = c.keyPerm[k.Spec]
			}
			dst = append(dst, keyRef{k.Pos, perm})
		}
		return dst
	}
	// As Redis's getKeysUsingKeySpecs: a spec whose keys fall outside the
	// arguments (a bad numkeys, too few arguments) voids them all, and
	// the commands' own key finders then find none either: the call
	// checks no key, and fails with its own error.
	orig := len(dst)
	argc := len(args)
	for si := range spec.KeySpecs {
		ks := &spec.KeySpecs[si]
		perm := c.keyPerm[si]
		if perm == notKey {
			continue
		}
		first := 0
		switch ks.BeginSearch {
		case "index":
			first = ks.Index
		case "keyword":
			start, end, step := ks.StartFrom, argc-1, 1
			if ks.StartFrom < 0 {
				start, end, step = argc+ks.StartFrom, 0, -1
			}
			for i := start; i != end; i += step {
				if i >= argc || i < 1 {
					break
				}
				if command.EqFold(args[i], ks.Keyword) {
					first = i + 1
					break
				}
			}
			if first == 0 {
				continue
			}
		default:
			return dst[:orig]
		}
		last, step := 0, 1
		switch ks.FindKeys {
		case "range":
			if ks.LastKey >= 0 {
				last = first + ks.LastKey
			} else if ks.Limit == 0 {
				last = argc + ks.LastKey
			} else {
				last = first + (argc-first)/ks.Limit + ks.LastKey
			}
			step = ks.KeyStep
		case "keynum":
			if ks.KeyNumIdx >= argc-first {
				return dst[:orig]
			}
			n, ok := command.ParseInt(args[first+ks.KeyNumIdx])
			if !ok || n < 0 || n > int64(argc) {
				return dst[:orig]
			}
			first += ks.FirstKey
			last = first + int(n) - 1
			step = ks.KeyStep
		default:
			return dst[:orig]
		}
		if last >= argc || last < first || first >= argc {
			return dst[:orig]
		}
		step = max(step, 1)
		for i := first; i <= last; i += step {
			dst = append(dst, keyRef{i, perm})
		}
	}
	return dst
}

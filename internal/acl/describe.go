package acl

import "strings"

// patternString is the rule form of a key pattern.
func (k KeyPattern) String() string {
	switch k.Perm {
	case All:
		return "~" + string(k.Pattern)
	case Read:
		return "%R~" + string(k.Pattern)
	default:
		return "%W~" + string(k.Pattern)
	}
}

// KeysString is the "keys" field of ACL GETUSER.
func (s *Selector) KeysString() string {
	if s.flags&allKeys != 0 {
		return "~*"
	}
	parts := make([]string, len(s.keys))
	for i, k := range s.keys {
		parts[i] = k.String()
	}
	return strings.Join(parts, " ")
}

// ChannelsString is the "channels" field of ACL GETUSER.
func (s *Selector) ChannelsString() string {
	if s.flags&allChannels != 0 {
		return "&*"
	}
	parts := make([]string, len(s.channels))
	for i, c := range s.channels {
		parts[i] = "&" + string(c)
	}
	return strings.Join(parts, " ")
}

// count returns how many commands of category j the selector allows and
// denies (a container counts once, and each of its subcommands once).
func (s *Selector) count(r *Registry, j int) (on, off int) {
	for _, id := range r.inCat[j] {
		if s.bit(id) {
			on++
		} else {
			off++
		}
	}
	return on, off
}

// CommandRules describes the selector's command permissions as rules that
// rebuild them exactly, the way Redis 7.0's ACLDescribeSelectorCommandRules
// does: +@all or -@all, then the categories that fit best, then single
// commands. Redis emits the single commands in its command dictionary's
// order, which is random per process; Vesta emits them by name.
func (s *Selector) CommandRules(r *Registry) string {
	var b strings.Builder
	additive := !s.future
	fake := newSelector(r, false)
	if additive {
		b.WriteString("-@all ")
	} else {
		b.WriteString("+@all ")
		fake.setAll(true)
	}
	temp := &Selector{cmds: append([]uint64(nil), s.cmds...)}
	applied := make([]bool, len(Categories))
	for {
		best, minDiff, maxSame := -1, int(^uint(0)>>1), 0
		for j := range Categories {
			if applied[j] {
				continue
			}
			on, off := temp.count(r, j)
			diff, same := on, off
			if additive {
				diff, same = off, on
			}
			if same > diff && (diff < minDiff || (diff == minDiff && same > maxSame)) {
				best, minDiff, maxSame = j, diff, same
			}
		}
		if best == -1 {
			break
		}
		flag := uint32(1) << best
		fake.setCategory(r, flag, additive)
		temp.setCategory(r, flag, !additive)
		if additive {
			b.WriteString("+@")
		} else {
			b.WriteString("-@")
		}
		b.WriteString(Categories[best])
		b.WriteByte(' ')
		applied[best] = true
	}
	for _, top := range r.top {
		s.describeSingle(top, fake, &b)
		for _, sub := range top.Subs {
			s.describeSingle(sub, fake, &b)
		}
		// Redis emits a command's first-args after its subcommands.
		if !s.bit(top.ID) {
			for _, a := range s.firstArgs[top.ID] {
				b.WriteString("+" + top.Spec.Name + "|" + a + " ")
			}
		}
	}
	out := b.String()
	return out[:len(out)-1]
}

func (s *Selector) describeSingle(c *Cmd, fake *Selector, b *strings.Builder) {
	user, f := s.bit(c.ID), fake.bit(c.ID)
	if user == f {
		return
	}
	if user {
		b.WriteByte('+')
	} else {
		b.WriteByte('-')
	}
	b.WriteString(c.Spec.Name)
	b.WriteByte(' ')
	fake.changePerm(c, user)
}

// describe is the rule form of a selector: keys, channels, commands.
func (s *Selector) describe(r *Registry) string {
	var b strings.Builder
	if s.flags&allKeys != 0 {
		b.WriteString("~* ")
	} else {
		for _, k := range s.keys {
			b.WriteString(k.String())
			b.WriteByte(' ')
		}
	}
	if s.flags&allChannels != 0 {
		b.WriteString("&* ")
	} else {
		b.WriteString("resetchannels ")
		for _, c := range s.channels {
			b.WriteString("&" + string(c) + " ")
		}
	}
	b.WriteString(s.CommandRules(r))
	return b.String()
}

// Describe is the rule form of a user without its name, as ACL LIST and the
// aclfile show it: flags, password hashes, root selector, other selectors
// in parentheses.
func (r *Registry) Describe(u *User) string {
	var b strings.Builder
	for _, f := range u.Flags() {
		b.WriteString(f)
		b.WriteByte(' ')
	}
	for _, p := range u.passwords {
		b.WriteString("#" + p + " ")
	}
	for i, s := range u.selectors {
		if i == 0 {
			b.WriteString(s.describe(r))
		} else {
			b.WriteString(" (" + s.describe(r) + ")")
		}
	}
	return b.String()
}

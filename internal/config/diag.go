package config

import "strings"

// NotifyFlags are the keyspace notification classes of
// notify-keyspace-events, with Redis 7.0's bit values.
type NotifyFlags int

// The classes. NotifyAll is the 'A' alias: every data class, not K, E, m
// or n.
const (
	NotifyKeyspace NotifyFlags = 1 << iota // K: __keyspace@<db>__:<key> channels
	NotifyKeyevent                         // E: __keyevent@<db>__:<event> channels
	NotifyGeneric                          // g: DEL, EXPIRE, RENAME, ...
	NotifyString                           // $
	NotifyList                             // l
	NotifySet                              // s
	NotifyHash                             // h
	NotifyZSet                             // z
	NotifyExpired                          // x: a key deleted because its TTL passed
	NotifyEvicted                          // e: a key evicted for maxmemory
	NotifyStream                           // t
	NotifyKeyMiss                          // m: a read of a missing key
	NotifyModule                           // d: module key types
	NotifyNew                              // n: a key added to the dataset

	NotifyAll = NotifyGeneric | NotifyString | NotifyList | NotifySet | NotifyHash |
		NotifyZSet | NotifyExpired | NotifyEvicted | NotifyStream | NotifyModule
)

var notifyLetters = []struct {
	c byte
	f NotifyFlags
}{
	{'g', NotifyGeneric}, {'$', NotifyString}, {'l', NotifyList}, {'s', NotifySet},
	{'h', NotifyHash}, {'z', NotifyZSet}, {'x', NotifyExpired}, {'e', NotifyEvicted},
	{'t', NotifyStream}, {'d', NotifyModule}, {'n', NotifyNew},
}

// ParseNotifyFlags parses a class string as Redis does: any order, any
// repetition, case-sensitive letters; ok is false for any other character.
func ParseNotifyFlags(s string) (f NotifyFlags, ok bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case 'A':
			f |= NotifyAll
		case 'K':
			f |= NotifyKeyspace
		case 'E':
			f |= NotifyKeyevent
		case 'm':
			f |= NotifyKeyMiss
		default:
			found := false
			for _, l := range notifyLetters {
				if l.c == c {
					f |= l.f
					found = true
				}
			}
			if !found {
				return 0, false
			}
		}
	}
	return f, true
}

// String formats the flags as Redis's CONFIG GET shows them: "A" for all
// the data classes (which hides n), else each class letter in a fixed
// order, then K, E and m.
func (f NotifyFlags) String() string {
	var b strings.Builder
	if f&NotifyAll == NotifyAll {
		b.WriteByte('A')
	} else {
		for _, l := range notifyLetters {
			if f&l.f != 0 {
				b.WriteByte(l.c)
			}
		}
	}
	if f&NotifyKeyspace != 0 {
		b.WriteByte('K')
	}
	if f&NotifyKeyevent != 0 {
		b.WriteByte('E')
	}
	if f&NotifyKeyMiss != 0 {
		b.WriteByte('m')
	}
	return b.String()
}

// notifyDirective is "notify-keyspace-events <classes>".
func notifyDirective() Directive {
	return Directive{
		Name: "notify-keyspace-events", Kind: KindString, Default: "",
		get: func(c *Config) string { return c.NotifyKeyspaceEvents.String() },
		set: func(c *Config, args []string) error {
			f, ok := ParseNotifyFlags(args[0])
			if !ok {
				return reason("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
			}
			c.NotifyKeyspaceEvents = f
			return nil
		},
		rewrite: func(c *Config, st *rewriteState, d *Directive) {
			v := c.NotifyKeyspaceEvents.String()
			if v == "" {
				st.markProcessed(d.Name)
				return
			}
			st.rewriteLine(d.Name, d.Name+" "+Quote(v), true)
		},
	}
}

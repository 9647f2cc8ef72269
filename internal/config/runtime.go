package config

import (
	"strings"

	"github.com/vestadb/vesta/internal/glob"
)

// Get implements CONFIG GET. Each argument is either a directive name,
// looked up in any case and returned under the spelling given, or a glob
// pattern (it contains '*', '?' or '['), matched case-insensitively against
// every name and alias except hidden directives. As in Redis 7.0.15, a name
// and its alias are separate entries, so "hash-max-*-entries" returns both
// hash-max-listpack-entries and hash-max-ziplist-entries. Every entry is
// returned once, in the order first found; unknown names are left out.
func (c *Config) Get(patterns ...string) [][2]string {
	var out [][2]string
	seen := make(map[string]bool)
	for _, p := range patterns {
		if !strings.ContainsAny(p, "[*?") {
			key := strings.ToLower(p)
			if seen[key] {
				continue
			}
			if d, ok := lookup(p); ok {
				seen[key] = true
				out = append(out, [2]string{p, d.get(c)})
			}
			continue
		}
		for i := range directives {
			d := &directives[i]
			if d.Flags&Hidden != 0 {
				continue
			}
			for _, name := range [2]string{d.Name, d.Alias} {
				if name == "" || seen[name] || !glob.MatchString(p, name, true) {
					continue
				}
				seen[name] = true
				out = append(out, [2]string{name, d.get(c)})
			}
		}
	}
	return out
}

// OnApply registers fn to run after a CONFIG SET that changed the directive
// (given by name or alias), for the server to act on the new value: listen
// again when port or bind change, start an AOF rewrite when appendonly
// turns on, chdir when dir changes. Several hooks on one directive run in
// registration order.
//
// A hook that returns an error makes the whole Set fail: every value is
// restored and the hooks of every changed directive run again, now seeing
// the old values, so hooks must be safe to repeat. The hook's error text
// becomes the reason in the reply, so it should read like Redis's ("Unable
// to listen on this port. Check server logs."). OnApply panics on an
// unknown name.
func (c *Config) OnApply(name string, fn func(c *Config) error) {
	d, ok := lookup(name)
	if !ok {
		panic("config: OnApply for unknown directive " + name)
	}
	if c.hooks == nil {
		c.hooks = make(map[string][]func(*Config) error)
	}
	c.hooks[d.Name] = append(c.hooks[d.Name], fn)
}

// setItem is one validated name/value pair of a Set call.
type setItem struct {
	d     *Directive
	shown string // the name Redis uses in messages: canonical or alias
	value string
}

// Set implements CONFIG SET with Redis 7 semantics: several name/value
// pairs are applied atomically. All names are checked first (unknown,
// immutable, protected, duplicate: the first problem wins); then every value
// is parsed and stored, and any failure restores the old values; then the
// OnApply hooks of the directives whose value changed run, and a failing
// hook rolls everything back. loopback says whether the caller is on a
// loopback connection, which matters for protected directives when
// enable-protected-configs is "local".
//
// Errors are *ReplyError values whose text is Redis's reply, for example
// "ERR Unknown option or number of arguments for CONFIG SET - 'foo'".
// A name given together with its alias is not a duplicate (Redis 7.0.15
// accepts it and the last value wins).
func (c *Config) Set(pairs [][2]string, loopback bool) error {
	items := make([]setItem, 0, len(pairs))
	var nameErr error
	for _, p := range pairs {
		e, ok := byName[strings.ToLower(p[0])]
		if !ok {
			if nameErr == nil {
				nameErr = &ReplyError{
					Reply: "ERR Unknown option or number of arguments for CONFIG SET - '" + p[0] + "'",
					Kind:  ErrUnknownOption,
				}
			}
			continue
		}
		if nameErr != nil {
			continue
		}
		switch {
		case e.d.Flags&Immutable != 0:
			nameErr = setFailed(p[0], "can't set immutable config", ErrImmutable, nil)
		case e.d.Flags&Protected != 0 && !c.EnableProtectedConfigs.Allowed(loopback):
			nameErr = setFailed(p[0], "can't set protected config", ErrProtected, nil)
		default:
			shown := e.d.Name
			if e.alias {
				shown = e.d.Alias
			}
			for _, it := range items {
				if it.d == e.d && it.shown == shown {
					nameErr = setFailed(p[0], "duplicate parameter", ErrDuplicate, nil)
				}
			}
			items = append(items, setItem{d: e.d, shown: shown, value: p[1]})
		}
	}
	if nameErr != nil {
		return nameErr
	}

	old := c.clone()
	var changed []setItem
	for _, it := range items {
		args := []string{it.value}
		if it.d.Flags&MultiArg != 0 {
			args = splitValue(it.value)
		}
		before := it.d.get(c)
		if err := it.d.set(c, args); err != nil {
			*c = *old
			return setFailed(it.shown, err.Error(), ErrInvalidValue, err)
		}
		if it.d.Kind == KindSpecial || it.d.get(c) != before {
			if !containsDirective(changed, it.d) {
				changed = append(changed, it)
			}
		}
	}

	for _, it := range changed {
		for _, fn := range c.hooks[it.d.Name] {
			if err := fn(c); err != nil {
				*c = *old
				for _, undo := range changed {
					for _, f := range c.hooks[undo.d.Name] {
						_ = f(c) // best effort, as Redis: the reply reports the first failure
					}
				}
				return setFailed(it.shown, err.Error(), ErrApply, err)
			}
		}
	}
	return nil
}

// setFailed builds Redis's "CONFIG SET failed" reply.
func setFailed(name, why string, kind, cause error) error {
	return &ReplyError{
		Reply: "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why,
		Kind:  kind,
		Err:   cause,
	}
}

func containsDirective(items []setItem, d *Directive) bool {
	for _, it := range items {
		if it.d == d {
			return true
		}
	}
	return false
}

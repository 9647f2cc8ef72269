package config

import (
	"strconv"
	"strings"
)

// Status says what Vesta does with a directive.
type Status uint8

// The directive statuses.
const (
	// Implemented directives take effect.
	Implemented Status = iota
	// Ignored directives cannot mean anything in Vesta (they tune jemalloc,
	// fork children, I/O threads, ...). Every value Redis accepts is
	// accepted, stored and shown by CONFIG GET; the server logs once at
	// startup that those set by the configuration have no effect.
	Ignored
	// Unbuilt directives belong to a feature Vesta does not have yet
	// (replication, cluster, ACL, scripting, eviction, ...). They are
	// parsed and checked exactly as Redis does, but only their default (or
	// a value that means "off" for a missing feature) is accepted; any other
	// value is refused with a message naming the feature.
	Unbuilt
)

// String returns a short word for the status.
func (s Status) String() string {
	switch s {
	case Implemented:
		return "implemented"
	case Ignored:
		return "ignored"
	case Unbuilt:
		return "unbuilt"
	}
	return "unknown"
}

// Directives without a field of their own keep their value in
// Config.stored, keyed by canonical name, in CONFIG GET form. Each such
// directive is described by a canonicalizer: it checks the setter's
// arguments with Redis's rules and error texts and returns the value as
// CONFIG GET prints it.
type canonFunc func(args []string) (string, error)

// storedKind selects how CONFIG REWRITE writes a stored value.
type storedKind uint8

const (
	rwPlain    storedKind = iota // name value
	rwString                     // name "quoted value"
	rwNullable                   // quoted; an empty value removes the line
	rwMemory                     // name value with the largest exact unit
	rwWords                      // name word word...; "" for none
)

// stored builds the table row of a directive kept in Config.stored.
func stored(name, alias string, kind Kind, flags Flags, def string, rw storedKind, canon canonFunc) Directive {
	d := Directive{Name: name, Alias: alias, Kind: kind, Flags: flags, Default: def}
	d.get = func(c *Config) string { return c.stored[name] }
	d.set = func(c *Config, args []string) error {
		v, err := canon(args)
		if err != nil {
			return err
		}
		if c.stored == nil {
			c.stored = make(map[string]string)
		}
		c.stored[name] = v
		return nil
	}
	d.rewrite = func(c *Config, st *rewriteState, d *Directive) {
		v := c.stored[name]
		changed := v != st.defaults.stored[name]
		switch rw {
		case rwString:
			st.rewriteLine(name, name+" "+Quote(v), changed)
		case rwNullable:
			if v == "" {
				st.markProcessed(name)
				return
			}
			st.rewriteLine(name, name+" "+Quote(v), changed)
		case rwMemory:
			n, ok := parseMemory(v)
			if !ok { // a percentage
				st.rewriteLine(name, name+" "+v, changed)
				return
			}
			st.rewriteLine(name, name+" "+formatMemory(n), changed)
		case rwWords:
			if v == "" {
				v = `""`
			}
			st.rewriteLine(name, name+" "+v, changed)
		default:
			st.rewriteLine(name, name+" "+v, changed)
		}
	}
	return d
}

// The canonicalizers of the plain kinds.

func canonBool(args []string) (string, error) {
	switch strings.ToLower(args[0]) {
	case "yes":
		return "yes", nil
	case "no":
		return "no", nil
	}
	return "", reason("argument must be 'yes' or 'no'")
}

func canonInt(lo, hi int64) canonFunc {
	return func(args []string) (string, error) {
		v, ok := parseInt(args[0])
		if !ok {
			return "", reason("argument couldn't be parsed into an integer")
		}
		if v < lo || v > hi {
			return "", errBetween(lo, hi)
		}
		return strconv.FormatInt(v, 10), nil
	}
}

// canonMemory parses a memory value. hi is unsigned so that maxmemory can
// reach 2^64-1; signed targets pass their C maximum.
func canonMemory(lo int64, hi uint64) canonFunc {
	return func(args []string) (string, error) {
		v, ok := parseMemory(args[0])
		if !ok {
			return "", reason("argument must be a memory value")
		}
		if v > hi || (hi <= longMax && int64(v) < lo) || (hi > longMax && v < uint64(lo)) {
			return "", reason("argument must be between %d and %d inclusive", lo, hi)
		}
		return strconv.FormatUint(v, 10), nil
	}
}

// canonMemoryPercent is a memory value or a percentage "N%" with N at most
// maxPercent (maxmemory-clients).
func canonMemoryPercent(maxPercent int64, hi int64) canonFunc {
	return func(args []string) (string, error) {
		s := args[0]
		if v, ok := parseMemory(s); ok {
			if int64(v) < -maxPercent {
				return "", reason("percentage argument must be less or equal to %d", maxPercent)
			}
			if int64(v) < 0 {
				return strconv.FormatInt(-int64(v), 10) + "%", nil
			}
			if int64(v) > hi {
				return "", errBetween(-maxPercent, hi)
			}
			return strconv.FormatUint(v, 10), nil
		}
		if len(s) > 1 && s[len(s)-1] == '%' {
			if p, ok := parseInt(s[:len(s)-1]); ok && p >= 0 {
				if p > maxPercent {
					return "", reason("percentage argument must be less or equal to %d", maxPercent)
				}
				if p == 0 {
					return "0", nil
				}
				return strconv.FormatInt(p, 10) + "%", nil
			}
		}
		return "", reason("argument must be a memory or percent value")
	}
}

// canonEnum accepts one of names in any case. Several spellings may mean
// the same value: same maps a spelling to the one CONFIG GET shows.
func canonEnum(names []string, same map[string]string) canonFunc {
	return func(args []string) (string, error) {
		for _, n := range names {
			if strings.EqualFold(n, args[0]) {
				if s, ok := same[n]; ok {
					return s, nil
				}
				return n, nil
			}
		}
		return "", errEnum(names)
	}
}

func canonString(valid func(string) error) canonFunc {
	return func(args []string) (string, error) {
		if valid != nil {
			if err := valid(args[0]); err != nil {
				return "", err
			}
		}
		return args[0], nil
	}
}

// Row builders for stored directives, one per kind.

func xBool(name, alias string, flags Flags, def bool) Directive {
	return stored(name, alias, KindBool, flags, yesNo(def), rwPlain, canonBool)
}

func xInt(name, alias string, flags Flags, lo, hi, def int64) Directive {
	d := stored(name, alias, KindInt, flags, strconv.FormatInt(def, 10), rwPlain, canonInt(lo, hi))
	d.Min, d.Max = lo, hi
	return d
}

func xMemory(name, alias string, flags Flags, lo int64, hi uint64, def string) Directive {
	d := stored(name, alias, KindMemory, flags, def, rwMemory, canonMemory(lo, hi))
	d.Min, d.Max = lo, int64(min(hi, longMax))
	return d
}

func xEnum(name string, flags Flags, names []string, def string) Directive {
	d := stored(name, "", KindEnum, flags, def, rwPlain, canonEnum(names, nil))
	d.Values = names
	return d
}

func xString(name, alias string, flags Flags, def string, nullable bool, valid func(string) error) Directive {
	rw := rwString
	if nullable {
		rw = rwNullable
	}
	return stored(name, alias, KindString, flags, def, rw, canonString(valid))
}

// ignored marks rows as accepted without effect, with why.
func ignored(why string, ds ...Directive) []Directive {
	for i := range ds {
		ds[i].Status, ds[i].Note = Ignored, why
	}
	return ds
}

// unbuilt marks rows as belonging to a missing feature: their setters
// refuse any value but the default and the values listed in allow (by
// directive name), with a message naming the feature.
func unbuilt(feature string, allow map[string][]string, ds ...Directive) []Directive {
	for i := range ds {
		d := &ds[i]
		d.Status, d.Note = Unbuilt, feature
		set, name := d.set, d.Name
		var scratch Config
		if err := set(&scratch, defaultArgs(d)); err != nil {
			panic("config: bad built-in default for " + name + ": " + err.Error())
		}
		def := d.get(&scratch)
		ok := append([]string{def}, allow[name]...)
		get := d.get
		d.set = func(c *Config, args []string) error {
			var probe Config
			if err := set(&probe, args); err != nil {
				return err
			}
			v := get(&probe)
			for _, a := range ok {
				if v == a {
					return set(c, args)
				}
			}
			shown := def
			if shown == "" {
				shown = `""`
			}
			return reason("%s is not available in Vesta yet: %s accepts only its default, %s", feature, name, shown)
		}
	}
	return ds
}

// group concatenates rows.
func group(parts ...[]Directive) []Directive {
	var out []Directive
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Ineffective is a directive that the loaded configuration set although it
// has no effect in Vesta.
type Ineffective struct {
	Name    string // canonical name
	Value   string // as CONFIG GET shows it
	Default string // Redis's default, as CONFIG GET shows it
	Why     string // why it means nothing in Vesta
}

// Ineffective lists the Ignored directives that the configuration text set
// (file, stdin or command line), once each, in the order first set. The
// server logs them at startup.
func (c *Config) Ineffective() []Ineffective {
	out := make([]Ineffective, 0, len(c.ignoredSet))
	var def *Config
	for _, name := range c.ignoredSet {
		if def == nil {
			def = Default()
		}
		d, _ := lookup(name)
		out = append(out, Ineffective{Name: d.Name, Value: d.get(c), Default: d.get(def), Why: d.Note})
	}
	return out
}

// noteIgnored records that the configuration text set d.
func (c *Config) noteIgnored(d *Directive) {
	if d.Status != Ignored {
		return
	}
	for _, n := range c.ignoredSet {
		if n == d.Name {
			return
		}
	}
	c.ignoredSet = append(c.ignoredSet, d.Name)
}

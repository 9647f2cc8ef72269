package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the value syntax of a directive.
type Kind uint8

// The kinds of directive values.
const (
	// KindBool is yes or no, in any case.
	KindBool Kind = iota
	// KindInt is a decimal integer between Min and Max.
	KindInt
	// KindMemory is a byte count with an optional unit (1k = 1000,
	// 1kb = 1024, m, mb, g, gb), between Min and Max.
	KindMemory
	// KindEnum is one of Values, in any case.
	KindEnum
	// KindString is any string, possibly checked by a validator.
	KindString
	// KindSpecial has its own syntax: save, bind, dir,
	// client-output-buffer-limit, shutdown-on-sig*.
	KindSpecial
)

// Flags describe how a directive may be changed and shown.
type Flags uint8

// The directive flags.
const (
	// Immutable directives are read from the file and command line only;
	// CONFIG SET refuses them.
	Immutable Flags = 1 << iota
	// Protected directives are refused by CONFIG SET unless
	// enable-protected-configs is yes, or local and the caller is on
	// loopback.
	Protected
	// Hidden directives are left out of CONFIG GET pattern matches; asking
	// for them by exact name still works.
	Hidden
	// MultiArg directives take any number of arguments on a file line; the
	// value of CONFIG SET is split on single spaces.
	MultiArg
	// VestaOnly directives are Vesta's own, unknown to Redis (log-format).
	// They are Hidden too, so that CONFIG GET * lists Redis's parameters
	// only; CONFIG GET of the exact name shows them.
	VestaOnly
)

// Directive describes one configuration directive. The table of them,
// [Directives], drives file parsing, CONFIG GET, CONFIG SET and CONFIG
// REWRITE alike.
type Directive struct {
	// Name is the canonical, lower-case name.
	Name string
	// Alias is an older name accepted everywhere, or "".
	Alias string
	// Kind is the value syntax.
	Kind Kind
	// Flags says how the directive may be changed and shown.
	Flags Flags
	// Min and Max bound KindInt and KindMemory values.
	Min, Max int64
	// Values lists the accepted words of a KindEnum directive.
	Values []string
	// Default is the built-in value in configuration-file syntax.
	Default string
	// Status says whether Vesta acts on the directive.
	Status Status
	// Note is, for an Ignored directive, why it means nothing in Vesta;
	// for an Unbuilt one, the missing feature it belongs to.
	Note string

	// get formats the current value exactly as Redis's CONFIG GET does.
	get func(c *Config) string
	// set validates args (the words after the name) and stores them.
	set func(c *Config, args []string) error
	// rewrite emits the directive's lines for CONFIG REWRITE.
	rewrite func(c *Config, st *rewriteState, d *Directive)
}

// Directives returns a copy of the directive table, in vesta.conf order.
func Directives() []Directive {
	out := make([]Directive, len(directives))
	copy(out, directives)
	return out
}

// byName maps every lower-case name and alias to its directive, and to
// whether the name is the alias.
var byName = func() map[string]nameEntry {
	m := make(map[string]nameEntry, 2*len(directives))
	for i := range directives {
		d := &directives[i]
		m[d.Name] = nameEntry{d, false}
		if d.Alias != "" {
			m[d.Alias] = nameEntry{d, true}
		}
	}
	return m
}()

type nameEntry struct {
	d     *Directive
	alias bool
}

// lookup finds a directive by name or alias, in any case.
func lookup(name string) (*Directive, bool) {
	e, ok := byName[strings.ToLower(name)]
	return e.d, ok
}

// defaultArgs returns the built-in default as setter arguments.
func defaultArgs(d *Directive) []string {
	if d.Flags&MultiArg != 0 {
		return splitValue(d.Default)
	}
	return []string{d.Default}
}

// splitValue splits a CONFIG SET value of a MultiArg directive on single
// spaces, as Redis's sdssplitlen does: "" gives no arguments and a double
// space gives an empty one.
func splitValue(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, " ")
}

// reason builds the error a setter returns: Redis's wording, no prefix.
func reason(format string, a ...any) error {
	return &ValueError{Reason: fmt.Sprintf(format, a...)}
}

// errBetween is Redis's range error.
func errBetween(lo, hi int64) error {
	return reason("argument must be between %d and %d inclusive", lo, hi)
}

// The constructors below build table rows for the plain kinds. Each takes
// an accessor returning a pointer to the field it manages.

func boolDirective(name string, flags Flags, def bool, field func(*Config) *bool) Directive {
	return Directive{
		Name: name, Kind: KindBool, Flags: flags, Default: yesNo(def),
		get: func(c *Config) string { return yesNo(*field(c)) },
		set: func(c *Config, args []string) error {
			switch strings.ToLower(args[0]) {
			case "yes":
				*field(c) = true
			case "no":
				*field(c) = false
			default:
				return reason("argument must be 'yes' or 'no'")
			}
			return nil
		},
		rewrite: rewritePlain,
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// intField abstracts over the int and int64 fields of Config.
type intField interface{ ~int | ~int64 }

func intDirective[T intField](name, alias string, flags Flags, lo, hi, def int64, field func(*Config) *T) Directive {
	return Directive{
		Name: name, Alias: alias, Kind: KindInt, Flags: flags, Min: lo, Max: hi,
		Default: strconv.FormatInt(def, 10),
		get:     func(c *Config) string { return strconv.FormatInt(int64(*field(c)), 10) },
		set: func(c *Config, args []string) error {
			v, ok := parseInt(args[0])
			if !ok {
				return reason("argument couldn't be parsed into an integer")
			}
			if v < lo || v > hi {
				return errBetween(lo, hi)
			}
			*field(c) = T(v)
			return nil
		},
		rewrite: rewritePlain,
	}
}

func memoryDirective(name, alias string, flags Flags, lo, hi int64, def string, field func(*Config) *int64) Directive {
	return Directive{
		Name: name, Alias: alias, Kind: KindMemory, Flags: flags, Min: lo, Max: hi, Default: def,
		get: func(c *Config) string { return strconv.FormatInt(*field(c), 10) },
		set: func(c *Config, args []string) error {
			v, ok := parseMemory(args[0])
			if !ok {
				return reason("argument must be a memory value")
			}
			// lo is never negative, so this is Redis's signed and unsigned
			// bound check at once.
			if v > uint64(hi) || int64(v) < lo {
				return errBetween(lo, hi)
			}
			*field(c) = int64(v)
			return nil
		},
		rewrite: func(c *Config, st *rewriteState, d *Directive) {
			v := *field(c)
			st.rewriteLine(d.Name, d.Name+" "+formatMemory(uint64(v)), v != *field(st.defaults))
		},
	}
}

// enumField abstracts over the enum types of Config.
type enumField interface {
	~int
	String() string
}

// vestaOnly marks a directive as Vesta's own (see VestaOnly).
func vestaOnly(d Directive) Directive {
	d.Flags |= VestaOnly | Hidden
	return d
}

func enumDirective[T enumField](name string, flags Flags, names []string, def T, field func(*Config) *T) Directive {
	return Directive{
		Name: name, Kind: KindEnum, Flags: flags, Values: names, Default: def.String(),
		get: func(c *Config) string { return (*field(c)).String() },
		set: func(c *Config, args []string) error {
			for i, n := range names {
				if strings.EqualFold(n, args[0]) {
					*field(c) = T(i)
					return nil
				}
			}
			return errEnum(names)
		},
		rewrite: rewritePlain,
	}
}

// errEnum is Redis 7.0's error for a word that is not in an enum.
func errEnum(names []string) error {
	return reason("argument(s) must be one of the following: %s", strings.Join(names, ", "))
}

// stringDirective builds a string directive. With emptyIsUnset, the empty
// string means "not set" (Redis's NULL): such a directive is removed from the
// file by CONFIG REWRITE rather than written as "".
func stringDirective(name string, flags Flags, def string, emptyIsUnset bool, valid func(string) error, field func(*Config) *string) Directive {
	return Directive{
		Name: name, Kind: KindString, Flags: flags, Default: def,
		get: func(c *Config) string { return *field(c) },
		set: func(c *Config, args []string) error {
			if valid != nil {
				if err := valid(args[0]); err != nil {
					return err
				}
			}
			*field(c) = args[0]
			return nil
		},
		rewrite: func(c *Config, st *rewriteState, d *Directive) {
			v := *field(c)
			if emptyIsUnset && v == "" {
				st.markProcessed(d.Name)
				return
			}
			// A directive whose default is "unset" is always written.
			force := emptyIsUnset || v != *field(st.defaults)
			st.rewriteLine(d.Name, d.Name+" "+Quote(v), force)
		},
	}
}

// rewritePlain writes "name value" with the CONFIG GET form of the value,
// forced when it differs from the default.
func rewritePlain(c *Config, st *rewriteState, d *Directive) {
	v := d.get(c)
	st.rewriteLine(d.Name, d.Name+" "+v, v != d.get(st.defaults))
}

package compat

import (
	"strings"

	"github.com/vestadb/vesta/internal/command"
)

// The extreme-argument generator builds calls of any command from Redis
// 7.0's argument documentation (COMMAND DOCS, carried by the command
// table) and then replaces one argument at a time with values chosen to
// break integer arithmetic, float parsing, allocations and indexes.
//
// A command's documented arguments form a tree (optional arguments, oneof
// choices, blocks of several arguments). ExtremeCalls walks it once for a
// default call (required arguments only, first choice of each oneof) and
// once more for each deviation (one optional argument present, or one
// other choice of a oneof), so that every documented position appears in
// some call. Each position is varied in the first call it appears in, and
// in calls with several numeric positions all of them also take each value
// together.

// ExtremeNumbers are the values tried at every numeric position (integer,
// double, unix-time) and, apart from the huge one, at every other
// non-key, non-token position: integer limits and their neighbours, values
// just past them, float spellings C's strtod and Go's parsers disagree
// on, and malformed numbers.
var ExtremeNumbers = []string{
	"0", "1", "-1", "2", "-2",
	"2147483647", "2147483648", "-2147483648", "-2147483649",
	"4294967295", "4294967296", "-4294967296",
	"9007199254740992", "9007199254740993", "-9007199254740992",
	"9223372036854775807", "-9223372036854775807", "-9223372036854775808",
	"9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"1e400", "-1e400", "1e-400", "1.5", "-0", "+1", "inf", "-inf", "+inf", "nan", "-nan",
	"0x10", " 1", "1 ", "", "1e308", "4.9e-324", "00000000000000000000001",
}

// hugeNumber has 100 KiB of digits: a parser must refuse it without
// quadratic work or a giant allocation.
var hugeNumber = strings.Repeat("9", 100<<10)

// extremeStrings are tried at key and string positions.
var extremeStrings = []string{"", "\x00\xff\r\n", "-"}

// extremeBitfieldTypes are tried for BITFIELD's encoding arguments.
var extremeBitfieldTypes = []string{"i1", "u1", "i64", "u63", "u64", "i65", "i0", "u0", "x8", "i", "I8", "#1", "i9223372036854775807"}

// ExtremeCall is one call: the arguments, and which one holds the
// extreme value (-1 for the unmodified default call).
type ExtremeCall struct {
	Args   []string
	Varied int
}

// slot is one argument of a call being built.
type slot struct {
	val  string
	typ  string // key, string, integer, double, unix-time, pattern, pure-token
	name string
	id   string // the argument's path in the documentation tree
}

// variants of an argument list: [0] is the default, the rest deviate from
// it in one argument each.
func variants(args []command.Arg, path string, values map[string]string) [][]slot {
	defaults := make([][]slot, len(args))
	alts := make([][][]slot, len(args))
	for i, a := range args {
		vs := argVariants(a, path+"/"+a.Name, values)
		defaults[i] = vs[0]
		alts[i] = vs[1:]
	}
	join := func(replace int, with []slot) []slot {
		var out []slot
		for i := range args {
			if i == replace {
				out = append(out, with...)
			} else {
				out = append(out, defaults[i]...)
			}
		}
		return out
	}
	out := [][]slot{join(-1, nil)}
	for i := range args {
		for _, alt := range alts[i] {
			out = append(out, join(i, alt))
		}
	}
	return out
}

func hasFlag(a command.Arg, f string) bool {
	for _, x := range a.Flags {
		if x == f {
			return true
		}
	}
	return false
}

// argVariants returns one argument's variants, [0] its default.
func argVariants(a command.Arg, path string, values map[string]string) [][]slot {
	var vs [][]slot
	switch a.Type {
	case "oneof":
		for i, sub := range a.Args {
			vs = append(vs, argVariants(sub, path+"/"+sub.Name+"#"+string(rune('0'+i)), values)...)
		}
	case "block":
		vs = variants(a.Args, path, values)
	default:
		v, ok := values[a.Name]
		if !ok {
			v = placeholder(a)
		}
		if a.Type == "pure-token" {
			v = a.Token
		}
		vs = [][]slot{{{val: v, typ: a.Type, name: a.Name, id: path}}}
	}
	if a.Token != "" && a.Type != "pure-token" {
		for i, v := range vs {
			vs[i] = append([]slot{{val: a.Token, typ: "pure-token", name: a.Name, id: path + "!token"}}, v...)
		}
	}
	if hasFlag(a, "optional") {
		vs = append([][]slot{nil}, vs...)
	}
	return vs
}

// placeholder is the value an argument of the type gets in a default call.
func placeholder(a command.Arg) string {
	switch a.Type {
	case "key":
		return "k"
	case "integer":
		return "1"
	case "double":
		return "1.5"
	case "unix-time":
		return "4102444800"
	case "pattern":
		return "*"
	}
	switch a.Name {
	case "member", "element", "field", "pivot", "source", "destination":
		return "a"
	case "encoding":
		return "i8"
	}
	return "v"
}

// valuesFor are the extreme values tried at one slot.
func valuesFor(s slot) []string {
	switch s.typ {
	case "pure-token":
		return nil
	case "key":
		return extremeStrings
	case "integer", "double", "unix-time":
		return append(append([]string(nil), ExtremeNumbers...), hugeNumber)
	}
	if s.name == "encoding" {
		return extremeBitfieldTypes
	}
	return append(append([]string(nil), ExtremeNumbers...), extremeStrings...)
}

// ExtremeCalls returns the calls that try every documented position of the
// command (name is "cmd" or "container|sub") with every extreme value.
// values overrides the default value of arguments by name (a DUMP payload
// for RESTORE's serialized-value). maxVariants bounds the number of
// argument-tree variants used.
func ExtremeCalls(spec *command.Spec, values map[string]string, maxVariants int) []ExtremeCall {
	prefix := []string{spec.Name}
	if parent, sub, ok := strings.Cut(spec.Name, "|"); ok {
		prefix = []string{parent, sub}
	}
	vs := variants(spec.Args, "", values)
	if len(vs) > maxVariants {
		vs = vs[:maxVariants]
	}
	var out []ExtremeCall
	seen := map[string]bool{}
	for _, v := range vs {
		base := append([]string(nil), prefix...)
		for _, s := range v {
			base = append(base, s.val)
		}
		out = append(out, ExtremeCall{Args: base, Varied: -1})
		// All numeric positions of the call at once take each value
		// (start and end of a range both at -2^63, say): arithmetic on
		// two client numbers overflows where one alone does not.
		var numeric []int
		for i, s := range v {
			if s.typ == "integer" || s.typ == "double" || s.typ == "unix-time" {
				numeric = append(numeric, len(prefix)+i)
			}
		}
		if len(numeric) >= 2 {
			for _, x := range ExtremeNumbers {
				args := append([]string(nil), base...)
				for _, i := range numeric {
					args[i] = x
				}
				out = append(out, ExtremeCall{Args: args, Varied: numeric[0]})
			}
		}
		for i, s := range v {
			if seen[s.id] {
				continue
			}
			seen[s.id] = true
			for _, x := range valuesFor(s) {
				args := append([]string(nil), base...)
				args[len(prefix)+i] = x
				out = append(out, ExtremeCall{Args: args, Varied: len(prefix) + i})
			}
		}
	}
	return out
}

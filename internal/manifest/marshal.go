package manifest

import (
	"strconv"

	"github.com/vestadb/vesta/internal/sds"
)

// Marshal returns the manifest in Redis's format: the base, then history
// lines, then incr lines, each "file <name> seq <seq> type <t>\n". The type
// letter comes from the list a File is in, not from its Type field.
//
// Two deliberate differences, both where Redis writes a line that it then
// cannot read back (checked with redis-server 7.0.15): Redis writes an
// empty name as nothing at all, and a name holding a single quote (from
// appendfilename "a'b") unquoted, so the quote opens a quoted token on
// reading. Marshal quotes both: "" and "a'b.1.base.rdb". Redis reads these
// forms, and Parse(Marshal(m)) gives back m for every m that passes
// Validate.
func (m *Manifest) Marshal() []byte {
	n := len(m.History) + len(m.Incrs) + 1
	return m.AppendTo(make([]byte, 0, n*48))
}

// AppendTo appends the Marshal form of m to b and returns the result.
func (m *Manifest) AppendTo(b []byte) []byte {
	if m.Base != nil {
		b = appendLine(b, *m.Base, TypeBase)
	}
	for _, f := range m.History {
		b = appendLine(b, f, TypeHistory)
	}
	for _, f := range m.Incrs {
		b = appendLine(b, f, TypeIncr)
	}
	return b
}

// appendLine appends one manifest line for f with type t.
func appendLine(b []byte, f File, t Type) []byte {
	b = append(b, "file "...)
	if needsQuotes(f.Name) {
		b = appendQuoted(b, f.Name)
	} else {
		b = append(b, f.Name...)
	}
	b = append(b, " seq "...)
	b = strconv.AppendInt(b, f.Seq, 10)
	b = append(b, " type "...)
	return append(b, byte(t), '\n')
}

// needsQuotes reports whether Redis would quote name (sdsneedsrepr): any
// byte that is a backslash, a double quote, not printable, or a blank. An
// empty name and a single quote are quoted too (see Marshal).
func needsQuotes(name string) bool {
	if name == "" {
		return true
	}
	for i := range len(name) {
		c := name[i]
		if c == '\\' || c == '"' || c == '\'' || !sds.IsPrint(c) || isSpace(c) {
			return true
		}
	}
	return false
}

// appendQuoted appends name in double quotes with C escapes, as Redis's
// sdscatrepr does.
func appendQuoted(b []byte, name string) []byte { return sds.AppendRepr(b, name) }

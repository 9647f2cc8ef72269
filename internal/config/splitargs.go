package config

import "github.com/vestadb/vesta/internal/sds"

// SplitArgs splits one configuration line into arguments the way Redis's
// sdssplitargs does (see sds.SplitArgs for the rules; Redis uses the same
// for inline commands). As in C, a NUL byte ends the line.
//
// SplitArgs returns ErrUnbalancedQuotes for an unterminated quote or a quote
// not followed by white space.
func SplitArgs(line string) ([]string, error) {
	args, ok := sds.SplitArgs([]byte(line), nil)
	if !ok {
		return nil, ErrUnbalancedQuotes
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out, nil
}

// Quote returns s as a double-quoted argument that SplitArgs reads back
// unchanged, escaping like Redis's sdscatrepr (sds.AppendRepr).
func Quote(s string) string {
	return string(sds.AppendRepr(make([]byte, 0, len(s)+2), s))
}

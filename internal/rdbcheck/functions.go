package rdbcheck

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vestadb/vesta/internal/sds"
)

// ErrFunction reports a function library (FUNCTION2 item) that neither
// Redis nor Vesta would load: a source without a valid "#!lua name=<name>"
// first line, or a second library of the same name.
var ErrFunction = errors.New("rdbcheck: bad function library")

// libraryName returns the library name of a library source, checking its
// metadata line as FUNCTION LOAD does (engine lua, one name= of letters,
// digits and underscores, nothing else).
func libraryName(code string) (string, error) {
	if !strings.HasPrefix(code, "#!") {
		return "", fmt.Errorf("%w: missing library metadata", ErrFunction)
	}
	nl := strings.IndexByte(code, '\n')
	if nl < 0 {
		return "", fmt.Errorf("%w: invalid library metadata", ErrFunction)
	}
	parts, ok := sds.SplitArgs([]byte(code[:nl]), nil)
	if !ok || len(parts) == 0 {
		return "", fmt.Errorf("%w: invalid library metadata", ErrFunction)
	}
	if eng := string(parts[0][2:]); !strings.EqualFold(eng, "lua") {
		return "", fmt.Errorf("%w: engine '%s' not found", ErrFunction, printable(eng))
	}
	name, has := "", false
	for _, p := range parts[1:] {
		v, ok := cutPrefixFold(string(p), "name=")
		if !ok || has {
			return "", fmt.Errorf("%w: invalid metadata value given: %s", ErrFunction, printable(string(p)))
		}
		name, has = v, true
	}
	if !has {
		return "", fmt.Errorf("%w: library name was not given", ErrFunction)
	}
	if name == "" || strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
	}) >= 0 {
		return "", fmt.Errorf("%w: invalid library name '%s'", ErrFunction, printable(name))
	}
	return name, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return "", false
}

// function checks one library item at offset start.
func (c *checker) function(code string, start int64) *Error {
	name, err := libraryName(code)
	if err == nil {
		for _, l := range c.rep.Libraries {
			if l == name {
				err = fmt.Errorf("%w: library '%s' appears twice", ErrFunction, printable(name))
			}
		}
	}
	if err != nil {
		return &Error{Offset: start, Doing: "read-functions", Type: -1, Err: err}
	}
	c.rep.Functions++
	c.rep.Libraries = append(c.rep.Libraries, name)
	c.event(start, fmt.Sprintf("Function library '%s'", printable(name)))
	return nil
}

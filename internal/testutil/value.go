package testutil

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// Status is a simple string reply (+OK).
type Status string

// ErrorReply is an error reply (-ERR ... or a RESP3 blob error). Its text
// excludes the leading '-'.
type ErrorReply string

func (e ErrorReply) Error() string { return string(e) }

// Verbatim is a RESP3 verbatim string (=): a three-letter format and text.
type Verbatim struct {
	Format string
	Text   string
}

// KV is one entry of a [Map].
type KV struct {
	Key, Value any
}

// Map is a RESP3 map (%) in the order the server sent it.
type Map []KV

// Get returns the value of the first entry whose key is the string k.
func (m Map) Get(k string) (any, bool) {
	for _, kv := range m {
		if s, ok := kv.Key.(string); ok && s == k {
			return kv.Value, true
		}
		if s, ok := kv.Key.(Status); ok && string(s) == k {
			return kv.Value, true
		}
	}
	return nil, false
}

// Set is a RESP3 set (~).
type Set []any

// Push is a RESP3 push message (>).
type Push []any

// Attributed is a reply preceded by a RESP3 attribute (|).
type Attributed struct {
	Attrs Map
	Value any
}

// Parse parses one complete reply, as returned by [ReadFrame], into Go
// values. By type byte:
//
//	'+' Status      '$' string, nil for $-1   '=' Verbatim
//	'-' ErrorReply  '!' ErrorReply            '*' []any, nil for *-1
//	':' int64       '_' nil                   '%' Map
//	'#' bool        ',' float64               '~' Set
//	'(' *big.Int    '>' Push                  '|' Attributed
//
// Bytes after the reply are an error ([ErrTrailing]).
func Parse(raw []byte) (any, error) {
	v, n, err := ParsePrefix(raw)
	if err != nil {
		return nil, err
	}
	if n != len(raw) {
		return nil, fmt.Errorf("%w: %d of %d bytes used", ErrTrailing, n, len(raw))
	}
	return v, nil
}

// ParsePrefix parses the reply at the start of b and returns it with the
// number of bytes it occupies. An incomplete reply gives [ErrTruncated].
func ParsePrefix(b []byte) (any, int, error) {
	return parseAt(b, 0, 0)
}

func parseAt(b []byte, pos, depth int) (any, int, error) {
	if depth > MaxDepth {
		return nil, pos, ErrTooDeep
	}
	nl := bytes.IndexByte(b[pos:], '\n')
	if nl < 0 {
		if len(b)-pos > MaxLine+2 {
			return nil, pos, fmt.Errorf("%w: line longer than %d bytes at byte %d", ErrBadLine, MaxLine, pos)
		}
		return nil, pos, ErrTruncated
	}
	if nl > MaxLine+1 {
		return nil, pos, fmt.Errorf("%w: line longer than %d bytes at byte %d", ErrBadLine, MaxLine, pos)
	}
	if nl < 2 || b[pos+nl-1] != '\r' {
		return nil, pos, fmt.Errorf("%w: %q at byte %d", ErrBadLine, b[pos:pos+nl+1], pos)
	}
	typ := b[pos]
	body := b[pos+1 : pos+nl-1]
	next := pos + nl + 1
	switch typ {
	case '+', '-', ':', '_', '#', ',', '(':
		if err := checkSimple(typ, body); err != nil {
			return nil, pos, fmt.Errorf("%w at byte %d", err, pos)
		}
		return simpleValue(typ, body), next, nil
	case '$', '!', '=':
		n, err := parseLen(body, typ == '$')
		if err != nil {
			return nil, pos, fmt.Errorf("%w at byte %d", err, pos)
		}
		if n < 0 {
			return nil, next, nil
		}
		if n > MaxBulk {
			return nil, pos, fmt.Errorf("%w: %d at byte %d", ErrBadLength, n, pos)
		}
		if int64(len(b)-next) < n+2 {
			return nil, pos, ErrTruncated
		}
		end := next + int(n)
		if b[end] != '\r' || b[end+1] != '\n' {
			return nil, pos, fmt.Errorf("%w: bulk not followed by CRLF at byte %d", ErrBadLine, end)
		}
		s := string(b[next:end])
		switch typ {
		case '!':
			return ErrorReply(s), end + 2, nil
		case '=':
			if len(s) < 4 || s[3] != ':' {
				return nil, pos, fmt.Errorf("%w: verbatim string without format at byte %d", ErrBadLine, next)
			}
			return Verbatim{Format: s[:3], Text: s[4:]}, end + 2, nil
		}
		return s, end + 2, nil
	case '*', '~', '>', '%', '|':
		n, err := parseLen(body, typ == '*')
		if err != nil {
			return nil, pos, fmt.Errorf("%w at byte %d", err, pos)
		}
		if n < 0 {
			return nil, next, nil
		}
		// Every element takes at least three bytes: never allocate more
		// than the input can hold.
		if n > int64(len(b)-next)/3+1 {
			return nil, pos, ErrTruncated
		}
		if typ == '%' || typ == '|' {
			m := make(Map, 0, n)
			for i := int64(0); i < n; i++ {
				var k, v any
				if k, next, err = parseAt(b, next, depth+1); err != nil {
					return nil, pos, err
				}
				if v, next, err = parseAt(b, next, depth+1); err != nil {
					return nil, pos, err
				}
				m = append(m, KV{k, v})
			}
			if typ == '%' {
				return m, next, nil
			}
			v, next, err := parseAt(b, next, depth+1)
			if err != nil {
				return nil, pos, err
			}
			return Attributed{Attrs: m, Value: v}, next, nil
		}
		elems := make([]any, 0, n)
		for i := int64(0); i < n; i++ {
			var v any
			if v, next, err = parseAt(b, next, depth+1); err != nil {
				return nil, pos, err
			}
			elems = append(elems, v)
		}
		switch typ {
		case '~':
			return Set(elems), next, nil
		case '>':
			return Push(elems), next, nil
		}
		return elems, next, nil
	default:
		return nil, pos, fmt.Errorf("%w %q at byte %d", ErrBadType, typ, pos)
	}
}

func simpleValue(typ byte, b []byte) any {
	switch typ {
	case '+':
		return Status(b)
	case '-':
		return ErrorReply(b)
	case ':':
		n, _ := parseDecimal(b)
		return n
	case '#':
		return b[0] == 't'
	case ',':
		f, _ := parseDouble(b)
		return f
	case '(':
		n, _ := parseBig(b)
		return n
	}
	return nil // '_'
}

func parseDouble(b []byte) (float64, error) {
	switch string(b) {
	case "inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	case "nan":
		return math.NaN(), nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !isRangeErr(err) {
		return 0, fmt.Errorf("%w: double %q", ErrBadLine, b)
	}
	return f, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func parseBig(b []byte) (*big.Int, error) {
	n, ok := new(big.Int).SetString(string(b), 10)
	if !ok || len(b) == 0 || b[0] == '+' {
		return nil, fmt.Errorf("%w: big number %q", ErrBadLine, b)
	}
	return n, nil
}

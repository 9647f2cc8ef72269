package config

import (
	"math"
	"strconv"
	"strings"
)

// parseInt parses s as Redis's string2ll does: an optional '-', then digits
// with no leading zero (except "0" itself), nothing else, no overflow.
// "+1", " 1", "01" and "-0" are all refused.
func parseInt(s string) (int64, bool) {
	if s == "" || s == "-0" {
		return 0, false
	}
	digits := s
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if digits == "" || digits[0] < '0' || digits[0] > '9' || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// parseMemory parses a memory amount as Redis 7.0.15's memtoull does: decimal
// digits followed by an optional, case-insensitive unit: b (1), k (1000), kb
// (1024), m (1000²), mb (1024²), g (1000³), gb (1024³). Faithful to the C
// code, an empty number counts as 0 ("" and "kb" are 0), a number too big for
// 64 bits saturates, and the multiplication by the unit wraps around. A sign,
// a space or any other unit is an error.
func parseMemory(s string) (uint64, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(s[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	if i >= 128 { // Redis copies the digits into a 128-byte buffer
		return 0, false
	}
	var v uint64
	if i > 0 {
		n, err := strconv.ParseUint(s[:i], 10, 64)
		if err != nil {
			n = math.MaxUint64 // strtoull saturates on overflow
		}
		v = n
	}
	return v * mul, true
}

// parseCInt parses s as C's strtoll(s, &end, 10) followed by a check that
// nothing is left: leading white space and a sign are allowed, the value
// saturates on overflow, and the empty string is 0. Redis uses this lenient
// form for save points and output buffer seconds.
func parseCInt(s string) (int64, bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v uint64
	overflow := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := uint64(s[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			overflow = true
		} else {
			v = v*10 + d
		}
		i++
	}
	if i == start {
		// No digits: strtoll consumed nothing, so only "" passes the check.
		return 0, s == ""
	}
	if i != len(s) {
		return 0, false
	}
	switch {
	case neg && (overflow || v > 1<<63):
		return math.MinInt64, true
	case neg:
		return -int64(v), true
	case overflow || v > math.MaxInt64:
		return math.MaxInt64, true
	}
	return int64(v), true
}

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// formatMemory writes a byte count the way CONFIG REWRITE does: with the
// largest binary unit that divides it exactly.
func formatMemory(v uint64) string {
	const kb, mb, gb = 1 << 10, 1 << 20, 1 << 30
	switch {
	case v != 0 && v%gb == 0:
		return strconv.FormatUint(v/gb, 10) + "gb"
	case v != 0 && v%mb == 0:
		return strconv.FormatUint(v/mb, 10) + "mb"
	case v != 0 && v%kb == 0:
		return strconv.FormatUint(v/kb, 10) + "kb"
	}
	return strconv.FormatUint(v, 10)
}

// isBaseName reports whether name contains no path separator, Redis's test
// for dbfilename, appendfilename and appenddirname.
func isBaseName(name string) bool {
	return !strings.ContainsAny(name, "/\\")
}

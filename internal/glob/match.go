package glob

// maxNesting is the deepest chain of stars the matcher follows. Redis 7.0.15
// gives up (reports no match) past this depth, and we must agree with it.
const maxNesting = 1000

// Match reports whether s matches pattern under Redis's glob rules. With
// nocase set, ASCII letters compare without regard to case. Match does not
// allocate.
func Match(pattern, s []byte, nocase bool) bool {
	skip := false
	return match(pattern, 0, s, 0, nocase, &skip, 0)
}

// MatchString is Match for strings.
func MatchString(pattern, s string, nocase bool) bool {
	skip := false
	return match(pattern, 0, s, 0, nocase, &skip, 0)
}

// byteString is the set of types the matcher reads: it only indexes them.
type byteString interface{ ~string | ~[]byte }

// lower folds an ASCII upper-case letter to lower case and leaves every other
// byte alone, which is what tolower does in the C locale.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// at returns p[i], or 0 past the end: the C original reads the string's NUL
// terminator there, and the comparisons below rely on that value never being
// one of the pattern's special bytes.
func at[T byteString](p T, i int) byte {
	if i < len(p) {
		return p[i]
	}
	return 0
}

// match is the recursive matcher. pi and si are the positions reached in the
// pattern and the subject; skip is shared by the whole search and set once a
// star has proved that the rest of the pattern matches no suffix of the
// subject, after which every pending alternative is hopeless.
func match[T byteString](p T, pi int, s T, si int, nocase bool, skip *bool, nesting int) bool {
	if nesting > maxNesting {
		return false
	}
	for pi < len(p) && si < len(s) {
		switch p[pi] {
		case '*':
			for pi+1 < len(p) && p[pi+1] == '*' {
				pi++
			}
			if pi+1 == len(p) {
				return true // a trailing star takes whatever is left
			}
			for si < len(s) {
				if match(p, pi+1, s, si, nocase, skip, nesting+1) {
					return true
				}
				if *skip {
					return false
				}
				si++
			}
			*skip = true
			return false
		case '?':
			si++
		case '[':
			var ok bool
			pi, ok = matchClass(p, pi+1, s[si], nocase)
			if !ok {
				return false
			}
			si++
		case '\\':
			if len(p)-pi >= 2 {
				pi++
			}
			if !sameByte(p[pi], s[si], nocase) {
				return false
			}
			si++
		default:
			if !sameByte(p[pi], s[si], nocase) {
				return false
			}
			si++
		}
		pi++
		if si == len(s) {
			for pi < len(p) && p[pi] == '*' {
				pi++
			}
			break
		}
	}
	return pi == len(p) && si == len(s)
}

// sameByte compares a pattern byte with a subject byte.
func sameByte(a, b byte, nocase bool) bool {
	if nocase {
		return lower(a) == lower(b)
	}
	return a == b
}

// matchClass matches the subject byte c against the class whose body starts
// at p[pi] (just after the '['). It returns the position of the closing ']'
// (or, for an unterminated class, of the pattern's last byte) and whether c
// is accepted. The caller steps past the returned position.
func matchClass[T byteString](p T, pi int, c byte, nocase bool) (int, bool) {
	not := at(p, pi) == '^'
	if not {
		pi++
	}
	matched := false
	for {
		rest := len(p) - pi
		switch {
		case at(p, pi) == '\\' && rest >= 2:
			pi++
			if p[pi] == c { // escapes compare exactly, even with nocase
				matched = true
			}
		case at(p, pi) == ']':
			return pi, matched != not
		case rest <= 0:
			// Unterminated: step back so that the caller's advance lands
			// exactly on the end of the pattern.
			return pi - 1, matched != not
		case rest >= 3 && p[pi+1] == '-':
			// Bounds compare as signed chars, like the C original.
			lo, hi, x := int(int8(p[pi])), int(int8(p[pi+2])), int(int8(c))
			if lo > hi {
				lo, hi = hi, lo
			}
			if nocase {
				lo, hi, x = foldSigned(lo), foldSigned(hi), foldSigned(x)
			}
			pi += 2
			if x >= lo && x <= hi {
				matched = true
			}
		default:
			if sameByte(p[pi], c, nocase) {
				matched = true
			}
		}
		pi++
	}
}

// foldSigned is tolower on a value that came from a signed char.
func foldSigned(v int) int {
	if v >= 'A' && v <= 'Z' {
		return v + ('a' - 'A')
	}
	return v
}

package tlsconf

import (
	"crypto/tls"
	"strings"
)

// suite is a TLS 1.2-and-below cipher suite Go implements, with its
// OpenSSL name and the OpenSSL words that select it.
type suite struct {
	id      uint16
	openssl string
	tags    string // space-separated OpenSSL aliases matching the suite
	secure  bool   // in tls.CipherSuites (Go's secure set), filled in by init
}

func init() {
	for _, cs := range tls.CipherSuites() {
		for i := range suites {
			if suites[i].id == cs.ID {
				suites[i].secure = true
			}
		}
	}
}

// suites lists Go's TLS 1.2 suites in Go's preference order.
var suites = []suite{
	{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", "kECDHE ECDHE EECDH aECDSA ECDSA AESGCM AES AES128 SHA256 HIGH TLSv1.2", false},
	{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256", "kECDHE ECDHE EECDH aRSA AESGCM AES AES128 SHA256 HIGH TLSv1.2", false},
	{tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384", "kECDHE ECDHE EECDH aECDSA ECDSA AESGCM AES AES256 SHA384 HIGH TLSv1.2", false},
	{tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384", "kECDHE ECDHE EECDH aRSA AESGCM AES AES256 SHA384 HIGH TLSv1.2", false},
	{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305", "kECDHE ECDHE EECDH aECDSA ECDSA CHACHA20 HIGH TLSv1.2", false},
	{tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305", "kECDHE ECDHE EECDH aRSA CHACHA20 HIGH TLSv1.2", false},
	{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, "ECDHE-ECDSA-AES128-SHA", "kECDHE ECDHE EECDH aECDSA ECDSA AES AES128 SHA1 SHA HIGH SSLv3", false},
	{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, "ECDHE-RSA-AES128-SHA", "kECDHE ECDHE EECDH aRSA AES AES128 SHA1 SHA HIGH SSLv3", false},
	{tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, "ECDHE-ECDSA-AES256-SHA", "kECDHE ECDHE EECDH aECDSA ECDSA AES AES256 SHA1 SHA HIGH SSLv3", false},
	{tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, "ECDHE-RSA-AES256-SHA", "kECDHE ECDHE EECDH aRSA AES AES256 SHA1 SHA HIGH SSLv3", false},
	{tls.TLS_RSA_WITH_AES_128_GCM_SHA256, "AES128-GCM-SHA256", "kRSA RSA aRSA AESGCM AES AES128 SHA256 HIGH TLSv1.2", false},
	{tls.TLS_RSA_WITH_AES_256_GCM_SHA384, "AES256-GCM-SHA384", "kRSA RSA aRSA AESGCM AES AES256 SHA384 HIGH TLSv1.2", false},
	{tls.TLS_RSA_WITH_AES_128_CBC_SHA, "AES128-SHA", "kRSA RSA aRSA AES AES128 SHA1 SHA HIGH SSLv3", false},
	{tls.TLS_RSA_WITH_AES_256_CBC_SHA, "AES256-SHA", "kRSA RSA aRSA AES AES256 SHA1 SHA HIGH SSLv3", false},
	{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, "ECDHE-ECDSA-AES128-SHA256", "kECDHE ECDHE EECDH aECDSA ECDSA AES AES128 SHA256 HIGH TLSv1.2", false},
	{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, "ECDHE-RSA-AES128-SHA256", "kECDHE ECDHE EECDH aRSA AES AES128 SHA256 HIGH TLSv1.2", false},
	{tls.TLS_RSA_WITH_AES_128_CBC_SHA256, "AES128-SHA256", "kRSA RSA aRSA AES AES128 SHA256 HIGH TLSv1.2", false},
	{tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA, "ECDHE-RSA-DES-CBC3-SHA", "kECDHE ECDHE EECDH aRSA 3DES SHA1 SHA MEDIUM SSLv3", false},
	{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA, "DES-CBC3-SHA", "kRSA RSA aRSA 3DES SHA1 SHA MEDIUM SSLv3", false},
	{tls.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA, "ECDHE-ECDSA-RC4-SHA", "kECDHE ECDHE EECDH aECDSA ECDSA RC4 SHA1 SHA LOW SSLv3", false},
	{tls.TLS_ECDHE_RSA_WITH_RC4_128_SHA, "ECDHE-RSA-RC4-SHA", "kECDHE ECDHE EECDH aRSA RC4 SHA1 SHA LOW SSLv3", false},
	{tls.TLS_RSA_WITH_RC4_128_SHA, "RC4-SHA", "kRSA RSA aRSA RC4 SHA1 SHA LOW SSLv3", false},
}

// matches reports whether a suite is selected by one OpenSSL cipher word
// (a name, an IANA name, or an alias); "A+B" selects the suites matching
// both A and B.
func (s *suite) matches(word string) bool {
	for _, part := range strings.Split(word, "+") {
		if !s.matchesOne(part) {
			return false
		}
	}
	return true
}

func (s *suite) matchesOne(w string) bool {
	if w == s.openssl || w == tls.CipherSuiteName(s.id) {
		return true
	}
	// Go leaves the suites with known weaknesses (CBC with SHA-256, 3DES,
	// RC4) out of its defaults: only their own names select them.
	if !s.secure {
		return false
	}
	if w == "DEFAULT" || w == "ALL" {
		return true
	}
	for _, t := range strings.Fields(s.tags) {
		if t == w {
			return true
		}
	}
	return false
}

// parseCiphers evaluates an OpenSSL cipher list (tls-ciphers) over the
// suites Go implements: words separated by ':', ',' or ' '; a plain word
// appends the suites it selects; "-word" removes them (a later word may add
// them back); "!word" removes them for good; "+word" moves them to the end;
// "@..." directives and words that select nothing are ignored, as OpenSSL
// does. The result is empty when nothing is left, which Redis refuses.
func parseCiphers(list string) []uint16 {
	var out []int // indexes into suites
	banned := make([]bool, len(suites))
	has := func(i int) int {
		for k, j := range out {
			if j == i {
				return k
			}
		}
		return -1
	}
	for _, w := range strings.FieldsFunc(list, func(r rune) bool { return r == ':' || r == ',' || r == ' ' }) {
		op := byte(0)
		if c := w[0]; c == '!' || c == '-' || c == '+' || c == '@' {
			op, w = c, w[1:]
		}
		if op == '@' {
			continue
		}
		for i := range suites {
			if !suites[i].matches(w) {
				continue
			}
			k := has(i)
			switch op {
			case 0:
				if k < 0 && !banned[i] {
					out = append(out, i)
				}
			case '-', '!':
				if k >= 0 {
					out = append(out[:k], out[k+1:]...)
				}
				if op == '!' {
					banned[i] = true
				}
			case '+':
				if k >= 0 {
					out = append(append(out[:k], out[k+1:]...), i)
				}
			}
		}
	}
	ids := make([]uint16, len(out))
	for k, i := range out {
		ids[k] = suites[i].id
	}
	return ids
}

// tls13Suites are the TLS 1.3 cipher suite names OpenSSL knows.
var tls13Suites = map[string]bool{
	"TLS_AES_128_GCM_SHA256": true, "TLS_AES_256_GCM_SHA384": true, "TLS_CHACHA20_POLY1305_SHA256": true,
	"TLS_AES_128_CCM_SHA256": true, "TLS_AES_128_CCM_8_SHA256": true,
}

// validCiphersuites checks tls-ciphersuites as OpenSSL does: names
// separated by ':', unknown names skipped, at least one known.
func validCiphersuites(list string) bool {
	for _, n := range strings.Split(list, ":") {
		if tls13Suites[n] {
			return true
		}
	}
	return false
}

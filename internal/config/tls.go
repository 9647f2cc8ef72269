package config

// TLS holds the tls-* directives (see internal/tlsconf, which turns them
// into crypto/tls configurations, and docs/COMPATIBILITY.md for what Go's
// crypto/tls cannot do that OpenSSL does). File and password values use
// "" for "not set", as Redis's NULL.
type TLS struct {
	// Port is the TLS port, 0 for none (tls-port, 0..65535). It listens on
	// the bind addresses beside port, which may be 0. Default 0.
	Port int
	// CertFile and KeyFile are the server certificate (chain) and private
	// key, PEM (tls-cert-file, tls-key-file). The certificate is also the
	// client certificate of outgoing links when ClientCertFile is unset.
	// KeyFilePass decrypts a key in legacy encrypted PEM
	// (tls-key-file-pass). Default "".
	CertFile, KeyFile, KeyFilePass string
	// ClientCertFile, ClientKeyFile and ClientKeyFilePass are the
	// certificate outgoing links (a replica to its master) present
	// (tls-client-cert-file, tls-client-key-file, tls-client-key-file-pass).
	// Default "".
	ClientCertFile, ClientKeyFile, ClientKeyFilePass string
	// DHParamsFile is checked to hold PEM DH parameters and otherwise
	// unused: Go's crypto/tls has no finite-field DHE (tls-dh-params-file).
	DHParamsFile string
	// CAFile and CADir are the certificate authorities that client and
	// master certificates are verified against (tls-ca-cert-file, a PEM
	// bundle; tls-ca-cert-dir, every PEM file of a directory). One of them
	// is required unless AuthClients is no and Replication and Cluster are
	// off. Default "".
	CAFile, CADir string
	// AuthClients says whether clients on the TLS port must present a
	// certificate signed by the CA (tls-auth-clients yes, no, optional).
	// Default yes.
	AuthClients TLSAuthClients
	// Replication makes outgoing replication links use TLS
	// (tls-replication). Default no.
	Replication bool
	// Cluster is accepted for cluster mode, which Vesta lacks
	// (tls-cluster). Default no.
	Cluster bool
	// Protocols are the TLS versions allowed, space-separated among TLSv1,
	// TLSv1.1, TLSv1.2, TLSv1.3; "" is "TLSv1.2 TLSv1.3" (tls-protocols).
	Protocols string
	// Ciphers lists TLS 1.2-and-below cipher suites in OpenSSL's syntax
	// (tls-ciphers); Ciphersuites lists TLS 1.3 suites
	// (tls-ciphersuites), checked but not applied: Go chooses TLS 1.3
	// suites itself. Default "".
	Ciphers, Ciphersuites string
	// PreferServerCiphers is accepted without effect: Go orders suites
	// itself (tls-prefer-server-ciphers). Default no.
	PreferServerCiphers bool
	// SessionCaching lets clients resume sessions, with session tickets
	// valid SessionCacheTimeout seconds (tls-session-caching, default yes;
	// tls-session-cache-timeout, default 300). SessionCacheSize is
	// accepted without effect: tickets keep no server-side cache
	// (tls-session-cache-size, default 20480).
	SessionCaching      bool
	SessionCacheSize    int
	SessionCacheTimeout int
}

// TLSAuthClients is tls-auth-clients.
type TLSAuthClients int

// The tls-auth-clients values, in Redis's order.
const (
	// TLSAuthNo does not ask clients for a certificate.
	TLSAuthNo TLSAuthClients = iota
	// TLSAuthYes requires a valid client certificate.
	TLSAuthYes
	// TLSAuthOptional verifies a certificate if the client sends one.
	TLSAuthOptional
)

var tlsAuthNames = []string{"no", "yes", "optional"}

// String returns the directive spelling.
func (a TLSAuthClients) String() string { return enumName(tlsAuthNames, int(a)) }

// tlsIgnored marks a TLS row that Go's crypto/tls cannot act on.
func tlsIgnored(why string, d Directive) Directive {
	d.Status, d.Note = Ignored, why
	return d
}

// tlsDirectives are the tls-* directives, in Redis's redis.conf order.
var tlsDirectives = []Directive{
	intDirective("tls-port", "", 0, 0, 65535, 0, func(c *Config) *int { return &c.TLS.Port }),
	stringDirective("tls-cert-file", 0, "", true, nil, func(c *Config) *string { return &c.TLS.CertFile }),
	stringDirective("tls-key-file", 0, "", true, nil, func(c *Config) *string { return &c.TLS.KeyFile }),
	stringDirective("tls-key-file-pass", 0, "", true, nil, func(c *Config) *string { return &c.TLS.KeyFilePass }),
	stringDirective("tls-client-cert-file", 0, "", true, nil, func(c *Config) *string { return &c.TLS.ClientCertFile }),
	stringDirective("tls-client-key-file", 0, "", true, nil, func(c *Config) *string { return &c.TLS.ClientKeyFile }),
	stringDirective("tls-client-key-file-pass", 0, "", true, nil, func(c *Config) *string { return &c.TLS.ClientKeyFilePass }),
	tlsIgnored("Go's crypto/tls has no finite-field DHE key exchange (ECDHE only); the file is still checked to hold PEM DH parameters",
		stringDirective("tls-dh-params-file", 0, "", true, nil, func(c *Config) *string { return &c.TLS.DHParamsFile })),
	stringDirective("tls-ca-cert-file", 0, "", true, nil, func(c *Config) *string { return &c.TLS.CAFile }),
	stringDirective("tls-ca-cert-dir", 0, "", true, nil, func(c *Config) *string { return &c.TLS.CADir }),
	enumDirective("tls-auth-clients", 0, tlsAuthNames, TLSAuthYes, func(c *Config) *TLSAuthClients { return &c.TLS.AuthClients }),
	boolDirective("tls-replication", 0, false, func(c *Config) *bool { return &c.TLS.Replication }),
	tlsIgnored("Vesta has no cluster mode; as in Redis, tls-cluster yes makes a CA certificate required",
		boolDirective("tls-cluster", 0, false, func(c *Config) *bool { return &c.TLS.Cluster })),
	stringDirective("tls-protocols", 0, "", true, nil, func(c *Config) *string { return &c.TLS.Protocols }),
	stringDirective("tls-ciphers", 0, "", true, nil, func(c *Config) *string { return &c.TLS.Ciphers }),
	tlsIgnored("Go's crypto/tls chooses the TLS 1.3 cipher suites itself; the names are still checked",
		stringDirective("tls-ciphersuites", 0, "", true, nil, func(c *Config) *string { return &c.TLS.Ciphersuites })),
	tlsIgnored("Go's crypto/tls orders cipher suites itself (by hardware AES support), whatever the client prefers",
		boolDirective("tls-prefer-server-ciphers", 0, false, func(c *Config) *bool { return &c.TLS.PreferServerCiphers })),
	boolDirective("tls-session-caching", 0, true, func(c *Config) *bool { return &c.TLS.SessionCaching }),
	tlsIgnored("sessions resume from encrypted tickets the client keeps; there is no server-side cache to size",
		intDirective("tls-session-cache-size", "", 0, 0, intMax, 20480, func(c *Config) *int { return &c.TLS.SessionCacheSize })),
	intDirective("tls-session-cache-timeout", "", 0, 0, intMax, 300, func(c *Config) *int { return &c.TLS.SessionCacheTimeout }),
}

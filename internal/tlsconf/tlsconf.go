// Package tlsconf turns the tls-* directives (config.TLS) into crypto/tls
// configurations, with Redis 7.0's checks and log texts: the server side of
// the TLS port, and the client side of outgoing links (a replica connecting
// to its master).
//
// [Build] reads every file and checks every value at once, as Redis's
// tlsConfigure does, and returns a [Bundle] or an error whose text is the
// line Redis logs ("No tls-cert-file configured!", "Failed to load
// certificate: <file>: <reason>", ...). A Bundle is immutable: the server
// keeps the current one behind an atomic pointer and replaces it whole on
// CONFIG SET, so a bad file leaves the previous Bundle in use and
// connections already established keep theirs.
//
// For the replica side of replication:
//
//	b, err := tlsconf.Build(cfg.TLS) // or reuse the server's current Bundle
//	conn, err := tls.DialWithDialer(d, "tcp", addr, b.Client(host))
//
// or [ClientConfig] for both steps. The client configuration presents
// tls-client-cert-file (or, unset, tls-cert-file) and verifies the master's
// certificate chain against tls-ca-cert-file/-dir without checking the host
// name, as Redis does (OpenSSL without a host check).
//
// Differences from OpenSSL, all documented in docs/COMPATIBILITY.md:
// encrypted private keys must use legacy PEM encryption (PKCS#8 "ENCRYPTED
// PRIVATE KEY" is refused: the standard library cannot decrypt it);
// tls-ciphers understands OpenSSL's names and the common words (DEFAULT,
// HIGH, ALL, ECDHE, AESGCM, ...) over the suites Go implements;
// tls-ciphersuites, tls-prefer-server-ciphers, tls-dh-params-file and
// tls-session-cache-size are checked but have no effect; tls-protocols with
// a gap ("TLSv1 TLSv1.2") allows the versions in between too.
package tlsconf

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/config"
)

// Bundle is one loaded TLS configuration: a server configuration for each
// tls-auth-clients mode (sharing session ticket keys) and the client
// configuration of outgoing links.
type Bundle struct {
	server [3]*tls.Config
	client *tls.Config
}

// Server returns the configuration of an incoming connection on the TLS
// port under the given tls-auth-clients mode. It must not be modified.
func (b *Bundle) Server(auth config.TLSAuthClients) *tls.Config {
	if auth < 0 || int(auth) >= len(b.server) {
		auth = config.TLSAuthYes
	}
	return b.server[auth]
}

// Client returns a configuration for an outgoing link to host (used for
// SNI when it is a name, not an address). The caller owns the copy.
func (b *Bundle) Client(host string) *tls.Config {
	c := b.client.Clone()
	if host != "" && !isIP(host) {
		c.ServerName = host
	}
	return c
}

// ClientConfig builds the configuration of an outgoing TLS link to host
// from the tls-* directives: Build(s) then Client(host).
func ClientConfig(s config.TLS, host string) (*tls.Config, error) {
	b, err := Build(s)
	if err != nil {
		return nil, err
	}
	return b.Client(host), nil
}

// Build loads and checks a TLS configuration. The error text is what
// Redis logs for the same problem.
func Build(s config.TLS) (*Bundle, error) {
	if s.CertFile == "" {
		return nil, errors.New("No tls-cert-file configured!")
	}
	if s.KeyFile == "" {
		return nil, errors.New("No tls-key-file configured!")
	}
	if (s.AuthClients != config.TLSAuthNo || s.Cluster || s.Replication) && s.CAFile == "" && s.CADir == "" {
		return nil, errors.New("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!")
	}
	minV, maxV, err := parseProtocols(s.Protocols)
	if err != nil {
		return nil, err
	}
	cert, err := loadKeyPair(s.CertFile, s.KeyFile, s.KeyFilePass)
	if err != nil {
		return nil, err
	}
	// Never nil: crypto/tls would verify against the system's roots, and
	// tls-auth-clients may turn to yes later without a CA (Redis then
	// refuses every certificate, and so does an empty pool).
	pool := x509.NewCertPool()
	if s.CAFile != "" || s.CADir != "" {
		if pool, err = loadCAs(s.CAFile, s.CADir); err != nil {
			return nil, fmt.Errorf("Failed to configure CA certificate(s) file/directory: %v", err)
		}
	}
	var suites []uint16
	if s.Ciphers != "" {
		if suites = parseCiphers(s.Ciphers); len(suites) == 0 {
			return nil, fmt.Errorf("Failed to configure ciphers: %s", s.Ciphers)
		}
	}
	if s.Ciphersuites != "" && !validCiphersuites(s.Ciphersuites) {
		return nil, fmt.Errorf("Failed to configure ciphersuites: %s", s.Ciphersuites)
	}
	if s.DHParamsFile != "" {
		if err := checkDHParams(s.DHParamsFile); err != nil {
			return nil, err
		}
	}
	clientCert := cert
	if s.ClientCertFile != "" && s.ClientKeyFile != "" {
		if clientCert, err = loadKeyPair(s.ClientCertFile, s.ClientKeyFile, s.ClientKeyFilePass); err != nil {
			return nil, err
		}
	}

	base := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   minV,
		MaxVersion:   maxV,
		CipherSuites: suites,
		ClientCAs:    pool,
		// Renegotiation is never offered by a Go server.
	}
	if !s.SessionCaching {
		base.SessionTicketsDisabled = true
	} else {
		var key [32]byte
		if _, err := rand.Read(key[:]); err != nil {
			return nil, err
		}
		base.SetSessionTicketKeys([][32]byte{key})
	}
	b := &Bundle{}
	for _, mode := range []config.TLSAuthClients{config.TLSAuthNo, config.TLSAuthYes, config.TLSAuthOptional} {
		c := base.Clone()
		switch mode {
		case config.TLSAuthNo:
			c.ClientAuth = tls.NoClientCert
		case config.TLSAuthYes:
			c.ClientAuth = tls.RequireAndVerifyClientCert
		case config.TLSAuthOptional:
			c.ClientAuth = tls.VerifyClientCertIfGiven
		}
		if s.SessionCaching {
			sessionTimeout(c, time.Duration(s.SessionCacheTimeout)*time.Second)
		}
		b.server[mode] = c
	}
	b.client = &tls.Config{
		Certificates: []tls.Certificate{clientCert},
		MinVersion:   minV,
		MaxVersion:   maxV,
		CipherSuites: suites,
		// The chain is verified below without a host name check, as
		// Redis's OpenSSL client does (SSL_VERIFY_PEER, no host).
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return verifyChain(cs, pool)
		},
	}
	return b, nil
}

// verifyChain checks the peer's certificate chain against roots, for a
// server certificate, without a host name.
func verifyChain(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("tls: the server sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	return err
}

// sessionTimeout makes session tickets of c resumable for d only: the
// issue time travels inside the encrypted ticket.
func sessionTimeout(c *tls.Config, d time.Duration) {
	c.WrapSession = func(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		var ts [8]byte
		binary.BigEndian.PutUint64(ts[:], uint64(time.Now().Unix()))
		ss.Extra = append(ss.Extra, ts[:])
		return c.EncryptTicket(cs, ss)
	}
	c.UnwrapSession = func(identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
		ss, err := c.DecryptTicket(identity, cs)
		if ss == nil || err != nil {
			return nil, nil // not resumable: a full handshake follows
		}
		if len(ss.Extra) == 0 || len(ss.Extra[len(ss.Extra)-1]) != 8 {
			return nil, nil
		}
		issued := time.Unix(int64(binary.BigEndian.Uint64(ss.Extra[len(ss.Extra)-1])), 0)
		if d <= 0 || time.Since(issued) >= d {
			return nil, nil
		}
		ss.Extra = ss.Extra[:len(ss.Extra)-1]
		return ss, nil
	}
}

// parseProtocols reads tls-protocols as Redis does: words separated by
// single spaces, case-insensitive; "" is TLSv1.2 and TLSv1.3.
func parseProtocols(s string) (minV, maxV uint16, err error) {
	if s == "" {
		return tls.VersionTLS12, tls.VersionTLS13, nil
	}
	for _, w := range strings.Split(s, " ") {
		var v uint16
		switch strings.ToLower(w) {
		case "tlsv1":
			v = tls.VersionTLS10
		case "tlsv1.1":
			v = tls.VersionTLS11
		case "tlsv1.2":
			v = tls.VersionTLS12
		case "tlsv1.3":
			v = tls.VersionTLS13
		default:
			return 0, 0, errors.New("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.")
		}
		if minV == 0 || v < minV {
			minV = v
		}
		maxV = max(maxV, v)
	}
	return minV, maxV, nil
}

// loadKeyPair loads a certificate chain and its private key, decrypting
// a legacy encrypted PEM key with pass.
func loadKeyPair(certFile, keyFile, pass string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("Failed to load certificate: %s: %v", certFile, unwrapPath(err))
	}
	var chain []*x509.Certificate
	for rest := certPEM; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("Failed to load certificate: %s: %v", certFile, err)
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		return tls.Certificate{}, fmt.Errorf("Failed to load certificate: %s: no PEM certificate found", certFile)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("Failed to load private key: %s: %v", keyFile, unwrapPath(err))
	}
	keyDER, err := privateKeyDER(keyPEM, pass)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("Failed to load private key: %s: %v", keyFile, err)
	}
	pair, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(keyDER))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("Failed to load private key: %s: %v", keyFile, err)
	}
	return pair, nil
}

// privateKeyDER finds the private key block of a PEM file and decrypts it
// if it uses legacy PEM encryption.
func privateKeyDER(data []byte, pass string) (*pem.Block, error) {
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return nil, errors.New("no PEM private key found")
		}
		switch {
		case blk.Type == "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("PKCS#8 encrypted keys are not supported (Go's crypto/x509 cannot decrypt them); convert the key to legacy PEM encryption with openssl pkey -traditional -aes256")
		case !strings.HasSuffix(blk.Type, "PRIVATE KEY"):
			continue
		//lint:ignore SA1019 legacy PEM encryption is what tls-key-file-pass can decrypt with the standard library
		case x509.IsEncryptedPEMBlock(blk): //nolint:staticcheck
			if pass == "" {
				return nil, errors.New("the key is encrypted and tls-key-file-pass is not set")
			}
			//lint:ignore SA1019 see above
			der, err := x509.DecryptPEMBlock(blk, []byte(pass)) //nolint:staticcheck
			if err != nil {
				return nil, err
			}
			return &pem.Block{Type: blk.Type, Bytes: der}, nil
		default:
			return blk, nil
		}
	}
}

// loadCAs reads the CA bundle file and every PEM file of the CA directory.
func loadCAs(file, dir string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, unwrapPath(err)
		}
		if !pool.AppendCertsFromPEM(data) {
			return nil, fmt.Errorf("%s: no PEM certificate found", file)
		}
	}
	if dir != "" {
		// As OpenSSL's hashed-directory lookup, a directory that cannot
		// be read is not an error: it just supplies no certificate.
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			p := filepath.Join(dir, e.Name())
			if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
				continue
			}
			if data, err := os.ReadFile(p); err == nil {
				pool.AppendCertsFromPEM(data) // other files are skipped, as OpenSSL's lookup does
			}
		}
	}
	return pool, nil
}

// checkDHParams checks that tls-dh-params-file opens and holds PEM DH
// parameters, with Redis's messages; Go does not use them.
func checkDHParams(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("Failed to load %s: %v", path, unwrapPath(err))
	}
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return fmt.Errorf("%s: failed to read DH params.", path)
		}
		if blk.Type == "DH PARAMETERS" || blk.Type == "X9.42 DH PARAMETERS" {
			return nil
		}
	}
}

// unwrapPath drops the operation and path of an *os.PathError, which the
// messages already name: "no such file or directory".
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func isIP(host string) bool {
	return strings.ContainsRune(host, ':') || strings.Trim(host, "0123456789.") == ""
}

package tlsconf

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/testutil"
)

func settings(f *testutil.TLSFiles) config.TLS {
	s := config.Default().TLS
	s.CertFile, s.KeyFile, s.CAFile = f.ServerCert, f.ServerKey, f.CA
	return s
}

// encryptKey rewrites a PEM key file with legacy PEM encryption.
func encryptKey(t *testing.T, src, dst, pass string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(data)
	//lint:ignore SA1019 the legacy format is what the test needs
	enc, err := x509.EncryptPEMBlock(rand.Reader, blk.Type, blk.Bytes, []byte(pass), x509.PEMCipherAES256) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, pem.EncodeToMemory(enc), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestBuildErrors(t *testing.T) {
	dir := t.TempDir()
	f := testutil.GenTLS(t, dir, "a")
	other := testutil.GenTLS(t, t.TempDir(), "b")
	enc := filepath.Join(dir, "enc.key")
	encryptKey(t, f.ServerKey, enc, "secret")
	pkcs8 := filepath.Join(dir, "pkcs8.key")
	os.WriteFile(pkcs8, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}}), 0o600)
	dh := filepath.Join(dir, "dh.pem")
	os.WriteFile(dh, pem.EncodeToMemory(&pem.Block{Type: "DH PARAMETERS", Bytes: []byte{1}}), 0o600)
	missing := filepath.Join(dir, "missing")

	tests := []struct {
		name string
		mod  func(*config.TLS)
		want string // "" for success; else a prefix of the error
	}{
		{"ok", func(*config.TLS) {}, ""},
		{"no cert", func(s *config.TLS) { s.CertFile = "" }, "No tls-cert-file configured!"},
		{"no key", func(s *config.TLS) { s.KeyFile = "" }, "No tls-key-file configured!"},
		{"no CA", func(s *config.TLS) { s.CAFile = "" }, "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!"},
		{"no CA, auth no", func(s *config.TLS) { s.CAFile, s.AuthClients = "", config.TLSAuthNo }, ""},
		{"no CA, replication", func(s *config.TLS) { s.CAFile, s.AuthClients, s.Replication = "", config.TLSAuthNo, true }, "Either tls-ca-cert-file"},
		{"no CA, cluster", func(s *config.TLS) { s.CAFile, s.AuthClients, s.Cluster = "", config.TLSAuthNo, true }, "Either tls-ca-cert-file"},
		{"CA dir", func(s *config.TLS) { s.CAFile, s.CADir = "", dir }, ""},
		{"CA dir missing", func(s *config.TLS) { s.CAFile, s.CADir = "", missing }, ""}, // as OpenSSL: looked up lazily
		{"CA file missing", func(s *config.TLS) { s.CAFile = missing }, "Failed to configure CA certificate(s) file/directory: no such file or directory"},
		{"CA file not PEM", func(s *config.TLS) { s.CAFile = dh }, "Failed to configure CA certificate(s) file/directory: "},
		{"cert missing", func(s *config.TLS) { s.CertFile = missing }, "Failed to load certificate: " + missing + ": no such file or directory"},
		{"cert is a key", func(s *config.TLS) { s.CertFile = f.ServerKey }, "Failed to load certificate: " + f.ServerKey + ": no PEM certificate found"},
		{"key missing", func(s *config.TLS) { s.KeyFile = missing }, "Failed to load private key: " + missing + ": no such file or directory"},
		{"key mismatch", func(s *config.TLS) { s.KeyFile = other.ServerKey }, "Failed to load private key: " + other.ServerKey + ": "},
		{"encrypted key", func(s *config.TLS) { s.KeyFile, s.KeyFilePass = enc, "secret" }, ""},
		{"encrypted key, no pass", func(s *config.TLS) { s.KeyFile = enc }, "Failed to load private key: " + enc + ": the key is encrypted and tls-key-file-pass is not set"},
		{"encrypted key, bad pass", func(s *config.TLS) { s.KeyFile, s.KeyFilePass = enc, "nope" }, "Failed to load private key: " + enc + ": "},
		{"PKCS#8 encrypted key", func(s *config.TLS) { s.KeyFile, s.KeyFilePass = pkcs8, "x" }, "Failed to load private key: " + pkcs8 + ": PKCS#8 encrypted keys are not supported"},
		{"client pair", func(s *config.TLS) { s.ClientCertFile, s.ClientKeyFile = f.ClientCert, f.ClientKey }, ""},
		{"client pair bad", func(s *config.TLS) { s.ClientCertFile, s.ClientKeyFile = f.ClientCert, missing }, "Failed to load private key: " + missing},
		{"client cert without key is unused", func(s *config.TLS) { s.ClientCertFile = missing }, ""},
		{"protocols", func(s *config.TLS) { s.Protocols = "tlsv1.2 TLSv1.3" }, ""},
		{"protocols bad", func(s *config.TLS) { s.Protocols = "TLSv1.9" }, "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'."},
		{"protocols double space", func(s *config.TLS) { s.Protocols = "TLSv1.2  TLSv1.3" }, "Invalid tls-protocols specified."},
		{"ciphers", func(s *config.TLS) { s.Ciphers = "ECDHE-RSA-AES128-GCM-SHA256:BOGUS" }, ""},
		{"ciphers none", func(s *config.TLS) { s.Ciphers = "!ALL" }, "Failed to configure ciphers: !ALL"},
		{"ciphers bogus", func(s *config.TLS) { s.Ciphers = "BOGUS" }, "Failed to configure ciphers: BOGUS"},
		{"ciphersuites", func(s *config.TLS) { s.Ciphersuites = "TLS_AES_128_GCM_SHA256:BOGUS" }, ""},
		{"ciphersuites bad", func(s *config.TLS) { s.Ciphersuites = "tls_aes_128_gcm_sha256" }, "Failed to configure ciphersuites: tls_aes_128_gcm_sha256"},
		{"dh params", func(s *config.TLS) { s.DHParamsFile = dh }, ""},
		{"dh params missing", func(s *config.TLS) { s.DHParamsFile = missing }, "Failed to load " + missing + ": no such file or directory"},
		{"dh params bad", func(s *config.TLS) { s.DHParamsFile = f.CA }, f.CA + ": failed to read DH params."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := settings(f)
			tc.mod(&s)
			b, err := Build(s)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.want == "" && b == nil:
				t.Fatal("nil bundle")
			case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseCiphers(t *testing.T) {
	name := func(ids []uint16) string {
		var out []string
		for _, id := range ids {
			out = append(out, tls.CipherSuiteName(id))
		}
		return strings.Join(out, ":")
	}
	tests := []struct{ in, want string }{
		{"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
		{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
		{"ECDHE+AESGCM+aECDSA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
		{"CHACHA20:!aRSA", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
		{"!CHACHA20:CHACHA20", ""},
		{"CHACHA20:-CHACHA20:ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
		{"ECDHE-RSA-CHACHA20-POLY1305,ECDHE-RSA-AES128-GCM-SHA256 +ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
		{"HIGH:!kRSA:!SHA1:!ECDSA:@STRENGTH", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
		{"MEDIUM", ""}, // 3DES only by name
		{"DES-CBC3-SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"}, // by name
		{"", ""},
		{"!", ""},
		{"+", ""},
	}
	for _, tc := range tests {
		if got := name(parseCiphers(tc.in)); got != tc.want {
			t.Errorf("parseCiphers(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	def := parseCiphers("DEFAULT")
	var want []uint16
	for _, s := range tls.CipherSuites() {
		if s.SupportedVersions[0] != tls.VersionTLS13 {
			want = append(want, s.ID)
		}
	}
	slices.Sort(def)
	slices.Sort(want)
	if !slices.Equal(def, want) {
		t.Errorf("DEFAULT = %v, Go's secure TLS 1.2 suites are %v", def, want)
	}
}

func FuzzParseCiphers(f *testing.F) {
	for _, s := range []string{"DEFAULT:!MEDIUM", "ECDHE+AESGCM", "-+!@", "HIGH:+AES256:-RSA", ":::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids := parseCiphers(s)
		seen := map[uint16]bool{}
		for _, id := range ids {
			if seen[id] {
				t.Fatalf("%q: suite %x twice", s, id)
			}
			seen[id] = true
		}
		_, _, _ = parseProtocols(s)
		_ = validCiphersuites(s)
	})
}

// handshake runs a TLS handshake over loopback TCP between a server and a
// client configuration, then one byte from the server.
func handshake(t *testing.T, srv, cli *tls.Config) (serverErr, clientErr error, resumed bool) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		a, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		s := tls.Server(a, srv)
		_ = s.SetDeadline(time.Now().Add(5 * time.Second))
		err = s.Handshake()
		if err == nil {
			// TLS 1.3 client certificate failures reach the client on
			// its first read.
			_, err = s.Write([]byte("x"))
		}
		done <- err
		s.Close()
	}()
	b, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := tls.Client(b, cli)
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	clientErr = c.Handshake()
	if clientErr == nil {
		var buf [1]byte
		_, clientErr = c.Read(buf[:])
		resumed = c.ConnectionState().DidResume
	}
	c.Close()
	return <-done, clientErr, resumed
}

func TestHandshakes(t *testing.T) {
	f := testutil.GenTLS(t, t.TempDir(), "a")
	other := testutil.GenTLS(t, t.TempDir(), "b")
	b, err := Build(settings(f))
	if err != nil {
		t.Fatal(err)
	}
	withCert, noCert := f.ClientConfig(t, true), f.ClientConfig(t, false)
	foreign := other.ClientConfig(t, true)
	foreign.RootCAs = withCert.RootCAs

	for _, tc := range []struct {
		mode config.TLSAuthClients
		cli  *tls.Config
		ok   bool
	}{
		{config.TLSAuthYes, withCert, true},
		{config.TLSAuthYes, noCert, false},
		{config.TLSAuthYes, foreign, false},
		{config.TLSAuthOptional, noCert, true},
		{config.TLSAuthOptional, withCert, true},
		// The client finds no certificate from the CAs the server names,
		// so it sends none.
		{config.TLSAuthOptional, foreign, true},
		{config.TLSAuthNo, noCert, true},
		{config.TLSAuthNo, foreign, true},
	} {
		serr, cerr, _ := handshake(t, b.Server(tc.mode), tc.cli)
		if ok := serr == nil && cerr == nil; ok != tc.ok {
			t.Errorf("mode %v, cert %v: server %v, client %v; want success %v", tc.mode, len(tc.cli.Certificates) > 0, serr, cerr, tc.ok)
		}
	}

	// Without a CA (tls-auth-clients no), switching to yes must not fall
	// back on the system's roots.
	s0 := settings(f)
	s0.CAFile, s0.AuthClients = "", config.TLSAuthNo
	nb, err := Build(s0)
	if err != nil {
		t.Fatal(err)
	}
	if nb.Server(config.TLSAuthYes).ClientCAs == nil || nb.client.VerifyConnection == nil {
		t.Error("no CA configured: the client CA pool is nil, which means the system's roots")
	}
	if serr, cerr, _ := handshake(t, nb.Server(config.TLSAuthYes), withCert); serr == nil && cerr == nil {
		t.Error("without a CA, tls-auth-clients yes accepted a client certificate")
	}

	// The outgoing link: presents the server certificate (or the client
	// one), checks the chain but not the host name.
	s := settings(f)
	s.Replication = true
	cb, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	cli := cb.Client("some-other-name.example")
	if serr, cerr, _ := handshake(t, b.Server(config.TLSAuthYes), cli); serr != nil || cerr != nil {
		t.Errorf("outgoing link to a master with the same CA: server %v, client %v", serr, cerr)
	}
	ob, err := Build(settings(other))
	if err != nil {
		t.Fatal(err)
	}
	if _, cerr, _ := handshake(t, ob.Server(config.TLSAuthNo), cli); cerr == nil {
		t.Error("outgoing link accepted a master certificate from another CA")
	}
	s.ClientCertFile, s.ClientKeyFile = f.ClientCert, f.ClientKey
	cc, err := ClientConfig(s, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if cc.ServerName != "" {
		t.Errorf("ServerName %q for an address", cc.ServerName)
	}
	leaf, _ := x509.ParseCertificate(cc.Certificates[0].Certificate[0])
	if leaf.Subject.CommonName != "client" {
		t.Errorf("outgoing link presents %q, want the client certificate", leaf.Subject.CommonName)
	}
}

func TestProtocolsAndSessions(t *testing.T) {
	f := testutil.GenTLS(t, t.TempDir(), "a")
	s := settings(f)
	s.Protocols = "TLSv1.3"
	b, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	cli := f.ClientConfig(t, true)
	cli.MaxVersion = tls.VersionTLS12
	if _, cerr, _ := handshake(t, b.Server(config.TLSAuthYes), cli); cerr == nil {
		t.Error("a TLS 1.2 client got through tls-protocols TLSv1.3")
	}

	resumes := func(s config.TLS, wait time.Duration) bool {
		b, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		cli := f.ClientConfig(t, true)
		cli.ClientSessionCache = tls.NewLRUClientSessionCache(4)
		if serr, cerr, _ := handshake(t, b.Server(config.TLSAuthYes), cli); serr != nil || cerr != nil {
			t.Fatal(serr, cerr)
		}
		time.Sleep(wait)
		serr, cerr, resumed := handshake(t, b.Server(config.TLSAuthYes), cli)
		if serr != nil || cerr != nil {
			t.Fatal(serr, cerr)
		}
		return resumed
	}
	s = settings(f)
	if !resumes(s, 0) {
		t.Error("no resumption with tls-session-caching yes")
	}
	s.SessionCaching = false
	if resumes(s, 0) {
		t.Error("resumption with tls-session-caching no")
	}
	s = settings(f)
	s.SessionCacheTimeout = 1
	if resumes(s, 1100*time.Millisecond) {
		t.Error("resumption after tls-session-cache-timeout")
	}
}

package testutil

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TLSFiles are PEM files made by GenTLS: a CA, a server certificate for
// localhost/127.0.0.1/::1 and a client certificate, both signed by the CA.
type TLSFiles struct {
	Dir                   string
	CA                    string // the CA certificate
	CAKey                 string
	ServerCert, ServerKey string
	ClientCert, ClientKey string

	caCert *x509.Certificate
	caPriv *ecdsa.PrivateKey
}

// GenTLS writes a fresh CA and certificates signed by it into dir, with
// crypto/x509 (ECDSA P-256, valid from an hour ago for a day). name tells
// several CAs apart in their subjects.
func GenTLS(t testing.TB, dir, name string) *TLSFiles {
	t.Helper()
	f := &TLSFiles{Dir: dir}
	caPriv := genKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: name + " test CA", Organization: []string{"Vesta tests"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caPriv.PublicKey, caPriv)
	if err != nil {
		t.Fatal(err)
	}
	f.caCert, _ = x509.ParseCertificate(der)
	f.caPriv = caPriv
	f.CA = writePEM(t, dir, name+"-ca.crt", "CERTIFICATE", der)
	f.CAKey = writeKey(t, dir, name+"-ca.key", caPriv)
	f.ServerCert, f.ServerKey = f.Issue(t, name+"-server", "localhost", x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
	f.ClientCert, f.ClientKey = f.Issue(t, name+"-client", "client", x509.ExtKeyUsageClientAuth)
	return f
}

// Issue signs a new certificate for localhost with the CA and writes
// <base>.crt and <base>.key, returning their paths.
func (f *TLSFiles) Issue(t testing.TB, base, cn string, usage ...x509.ExtKeyUsage) (certPath, keyPath string) {
	t.Helper()
	priv := genKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"Vesta tests"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  usage,
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.caCert, &priv.PublicKey, f.caPriv)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, f.Dir, base+".crt", "CERTIFICATE", der), writeKey(t, f.Dir, base+".key", priv)
}

// ClientConfig is a client TLS configuration trusting the CA, presenting
// the client certificate when withCert.
func (f *TLSFiles) ClientConfig(t testing.TB, withCert bool) *tls.Config {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(f.caCert)
	c := &tls.Config{RootCAs: pool, ServerName: "localhost"}
	if withCert {
		pair, err := tls.LoadX509KeyPair(f.ClientCert, f.ClientKey)
		if err != nil {
			t.Fatal(err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c
}

func genKey(t testing.TB) *ecdsa.PrivateKey {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func serial(t testing.TB) *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func writeKey(t testing.TB, dir, name string, priv *ecdsa.PrivateKey) string {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, dir, name, "PRIVATE KEY", der)
}

func writePEM(t testing.TB, dir, name, typ string, der []byte) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

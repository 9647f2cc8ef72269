package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The tls scenario: SET and GET through redis-benchmark --tls at -P 1 and
// -P 16, with persistence off, on both servers listening on a TLS port
// with a client certificate required (tls-auth-clients yes). Certificates
// (ECDSA P-256: a CA, a server and a client one) are made for the run with
// crypto/x509.

var tlsTests = []string{"set", "get"}

// tlsFiles are the PEM files of the run.
type tlsFiles struct{ ca, cert, key, clientCert, clientKey string }

func runTLS(e *runEnv, s *section) error {
	s.header("pipeline", "round", "test", "server", "requests", "rps", "avg_ms", "p50_ms", "p99_ms", "server_cpu_us_per_op", "load1")
	dir := e.newDir("tls-certs")
	f, err := makeTLSFiles(dir)
	if err != nil {
		return err
	}
	defer e.cleanup(dir)
	runs := len(thrPipelines) * len(tlsTests) * 2 * e.opt.Rounds
	secs := min(max(e.opt.Budget.Seconds()/4/float64(runs), 0.3), 3)
	e.logf("tls: %d measured runs of about %.1fs each", runs, secs)
	data := map[thrKey][]thrRun{}
	for _, p := range thrPipelines {
		if err := tlsBlock(e, s, f, p, secs, data); err != nil {
			return err
		}
	}
	rps := func(r thrRun) float64 { return r.res.RPS }
	cpu := func(r thrRun) float64 { return r.cpuUS }
	var rows [][]string
	for _, p := range thrPipelines {
		for _, t := range tlsTests {
			v, r := data[thrKey{"tls", p, t, "vesta"}], data[thrKey{"tls", p, t, "redis"}]
			rows = append(rows, []string{strings.ToUpper(t), fmt.Sprint(p),
				medSpread(series(r, rps)), medSpread(series(v, rps)), ratioSpread(ratios(series(v, rps), series(r, rps))),
				num(median(series(r, cpu))), num(median(series(v, cpu)))})
		}
	}
	s.printf("\nMedians over %d rounds (min–max); the ratio is Vesta/Redis per round, then the median. Both servers: "+
		"`--tls-port`, ECDSA P-256 certificates, `tls-auth-clients yes`, persistence off; every redis-benchmark "+
		"client does a full handshake once.\n", e.opt.Rounds)
	s.printf("%s", mdTable("lrrrrrr", []string{"command", "-P", "Redis ops/s", "Vesta ops/s", "Vesta/Redis", "Redis CPU µs/op", "Vesta CPU µs/op"}, rows))
	return nil
}

// tlsBlock measures SET and GET at one pipeline depth on a fresh pair of
// servers: a calibration run each, then the rounds.
func tlsBlock(e *runEnv, s *section, f tlsFiles, p int, secs float64, data map[thrKey][]thrRun) error {
	type tlsServer struct {
		*server
		addr string
	}
	srv := map[string]tlsServer{}
	for _, t := range []target{e.vesta, e.redis} {
		port, err := freePort()
		if err != nil {
			return err
		}
		sv, done, err := e.start(t, fmt.Sprintf("tls-P%d", p), append(modeOff.args,
			"--tls-port", strconv.Itoa(port), "--tls-cert-file", f.cert, "--tls-key-file", f.key,
			"--tls-ca-cert-file", f.ca, "--tls-auth-clients", "yes")...)
		if err != nil {
			return err
		}
		defer done()
		srv[t.Name] = tlsServer{sv, net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	}
	opts := []string{"--tls", "--cacert", f.ca, "--cert", f.clientCert, "--key", f.clientKey}
	calN := max(min(2000*p, 40000)/e.opt.Scale, 500)
	minN := max(2000/e.opt.Scale, 200)
	n := map[string]int{}
	for _, t := range tlsTests {
		slowest := math.Inf(1)
		for _, tg := range e.order(0) {
			r, err := runBenchArgs(e.ctx, e.bench, srv[tg.Name].addr, benchSpec{Test: t, N: calN, Clients: thrClients, Pipeline: p, Keyspace: thrKeyspace}, 5*time.Minute, opts...)
			if err != nil {
				return err
			}
			slowest = min(slowest, r.RPS)
		}
		n[t] = max(minN, int(slowest*secs)/100*100)
	}
	for round := range e.opt.Rounds {
		for _, t := range tlsTests {
			for _, tg := range e.order(round) {
				sv := srv[tg.Name]
				spec := benchSpec{Test: t, N: n[t], Clients: thrClients, Pipeline: p, Keyspace: thrKeyspace}
				c0 := cpuTime(sv.Pid())
				ld := load1()
				r, err := runBenchArgs(e.ctx, e.bench, sv.addr, spec, time.Duration(secs*60+60)*time.Second, opts...)
				if err != nil {
					return fmt.Errorf("vbench: tls %s -P %d on %s (see %s): %w", t, p, tg.Name, sv.Log, err)
				}
				cpu := (cpuTime(sv.Pid()) - c0).Seconds() * 1e6 / float64(spec.N)
				k := thrKey{"tls", p, t, tg.Name}
				data[k] = append(data[k], thrRun{r, cpu})
				s.row(p, round+1, r.Test, tg.Name, spec.N, r.RPS, r.Avg, r.P50, r.P99, cpu, ld)
				e.logf("tls -P %d round %d %-4s %-5s %9.0f ops/s p99 %.3f ms", p, round+1, t, tg.Name, r.RPS, r.P99)
			}
		}
	}
	return nil
}

// makeTLSFiles writes a CA and a server and a client certificate signed by
// it into dir.
func makeTLSFiles(dir string) (tlsFiles, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return tlsFiles{}, err
	}
	write := func(name, typ string, der []byte) (string, error) {
		p := filepath.Join(dir, name)
		return p, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
	}
	newCert := func(name string, tmpl, parent *x509.Certificate, signer *ecdsa.PrivateKey) (*ecdsa.PrivateKey, *x509.Certificate, string, string, error) {
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, "", "", err
		}
		if signer == nil {
			signer = priv
		}
		tmpl.SerialNumber, _ = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(7*24*time.Hour)
		if parent == nil {
			parent = tmpl
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &priv.PublicKey, signer)
		if err != nil {
			return nil, nil, "", "", err
		}
		cert, _ := x509.ParseCertificate(der)
		kder, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return nil, nil, "", "", err
		}
		cp, err := write(name+".crt", "CERTIFICATE", der)
		if err != nil {
			return nil, nil, "", "", err
		}
		kp, err := write(name+".key", "PRIVATE KEY", kder)
		return priv, cert, cp, kp, err
	}
	var f tlsFiles
	caPriv, ca, caPath, _, err := newCert("ca", &x509.Certificate{Subject: pkix.Name{CommonName: "vbench CA"},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, nil, nil)
	if err != nil {
		return f, err
	}
	f.ca = caPath
	leaf := func(cn string, usage x509.ExtKeyUsage) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	}
	if _, _, f.cert, f.key, err = newCert("server", leaf("localhost", x509.ExtKeyUsageServerAuth), ca, caPriv); err != nil {
		return f, err
	}
	_, _, f.clientCert, f.clientKey, err = newCert("client", leaf("client", x509.ExtKeyUsageClientAuth), ca, caPriv)
	return f, err
}

package manifest_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/manifest"
)

// redisReasons maps the reason Redis 7.0.15 logs for a refused manifest to
// the sentinels Parse may report for it (Redis lumps several together).
var redisReasons = map[string][]error{
	"Found an empty AOF manifest":                  {manifest.ErrEmpty},
	"The AOF manifest file contains too long line": {manifest.ErrLineTooLong, manifest.ErrNULByte},
	"Invalid AOF manifest file format":             {manifest.ErrBlankLine, manifest.ErrQuotes, manifest.ErrFieldCount, manifest.ErrMissingField},
	"File can't be a path, just a filename":        {manifest.ErrNotBaseName},
	"Found duplicate base file information":        {manifest.ErrDuplicateBase},
	"Found a non-monotonic sequence number":        {manifest.ErrSeqOrder},
	"Unknown AOF file type":                        {manifest.ErrUnknownType},
}

var redisLineRe = regexp.MustCompile(`Reading the manifest file, at line (\d+)`)

// Ensure that Parse accepts and refuses exactly what the real redis-server
// 7.0.15 does, for every case of the parse table, and that the manifest
// Redis rewrites at startup is what Marshal and the helpers produce.
//
// The test starts one redis-server per case (no TCP port, a unix socket in a
// scratch directory), so it runs only when VESTA_REDIS_COMPAT=1 is set and
// redis-server is in PATH.
func TestParseAgainstRedis(t *testing.T) {
	if os.Getenv("VESTA_REDIS_COMPAT") != "1" {
		t.Skip("set VESTA_REDIS_COMPAT=1 to compare with a real redis-server")
	}
	server, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not in PATH")
	}
	const prefix = "appendonly.aof"
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) {
			dir, err := os.MkdirTemp("", "vmf") // short: unix socket paths are limited
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(dir)
			aofDir := filepath.Join(dir, "appendonlydir")
			if err := os.Mkdir(aofDir, 0o755); err != nil {
				t.Fatal(err)
			}
			in := tt.in
			var want []byte // the manifest Redis should leave, if checked
			if tt.err == nil {
				// A history line makes Redis rewrite the manifest at startup
				// (after deleting history), showing how it read the rest.
				in = "file zz-history seq 1 type h\n" + in
				m, err := manifest.Parse(strings.NewReader(in))
				if err != nil {
					t.Fatal(err)
				}
				want = startupRewrite(t, m, aofDir, prefix)
			}
			if err := os.WriteFile(filepath.Join(aofDir, manifest.ManifestName(prefix)), []byte(in), 0o644); err != nil {
				t.Fatal(err)
			}
			log := runRedis(t, server, dir)
			refused := strings.Contains(log, "FATAL AOF MANIFEST FILE ERROR")
			if tt.err == nil {
				if refused {
					t.Fatalf("Parse accepts, Redis refuses:\n%s", tail(log))
				}
				if want == nil {
					return
				}
				got, err := os.ReadFile(filepath.Join(aofDir, manifest.ManifestName(prefix)))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("manifest after Redis startup:\ngot  %q\nwant %q\nlog:\n%s", got, want, tail(log))
				}
				return
			}
			if !refused {
				t.Fatalf("Parse refuses (%v), Redis accepts:\n%s", tt.err, tail(log))
			}
			var reasons []error
			for text, errs := range redisReasons {
				if strings.Contains(log, text) {
					reasons = errs
				}
			}
			found := false
			for _, e := range reasons {
				found = found || errors.Is(tt.err, e)
			}
			if !found {
				t.Errorf("Parse reports %v, Redis says:\n%s", tt.err, tail(log))
			}
			if sub := redisLineRe.FindStringSubmatch(log); sub != nil {
				if n, _ := strconv.Atoi(sub[1]); n != tt.line {
					t.Errorf("Redis names line %d, the table line %d", n, tt.line)
				}
			}
		})
	}
}

// startupRewrite creates empty files for m's base and incrs in aofDir and
// returns the manifest Redis will write at startup: a base and an incr are
// made if missing, and the history is dropped. It returns nil if the files
// cannot be created (an empty name) or if Redis writes a name differently
// from Marshal on purpose (a single quote without other bytes needing
// quotes: see Marshal).
func startupRewrite(t *testing.T, m *manifest.Manifest, aofDir, prefix string) []byte {
	t.Helper()
	for _, f := range m.Live() {
		if f.Name == "" || strings.Contains(f.Name, "'") && !redisQuotes(f.Name) {
			return nil
		}
		if err := os.WriteFile(filepath.Join(aofDir, f.Name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exp := m.Clone()
	if exp.Base == nil && len(exp.Incrs) == 0 {
		exp.InstallBase(prefix, true, true)
	}
	if len(exp.Incrs) == 0 {
		exp.NewIncr(prefix)
	}
	exp.DropHistory()
	return exp.Marshal()
}

// runRedis starts redis-server with appendonly on in dir, waits until it is
// ready or has exited, stops it, and returns its log.
func runRedis(t *testing.T, server, dir string) string {
	t.Helper()
	logPath := filepath.Join(dir, "log.txt")
	cmd := exec.Command(server, "--port", "0", "--unixsocket", filepath.Join(dir, "s.sock"),
		"--dir", dir, "--appendonly", "yes", "--save", "", "--daemonize", "no", "--logfile", logPath)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-exited:
			data, _ := os.ReadFile(logPath)
			return string(data)
		case <-time.After(20 * time.Millisecond):
		}
		data, _ := os.ReadFile(logPath)
		if bytes.Contains(bytes.ToLower(data), []byte("ready to accept connections")) || time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return string(data)
		}
	}
}

func tail(log string) string {
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.Join(lines, "\n")
}

// redisQuotes reports whether Redis 7.0.15 quotes name in a manifest
// (sdsneedsrepr): a backslash, a double quote, a blank or a byte outside
// printable ASCII.
func redisQuotes(name string) bool {
	for i := range len(name) {
		c := name[i]
		if c == '\\' || c == '"' || c < 0x21 || c > 0x7e {
			return true
		}
	}
	return false
}

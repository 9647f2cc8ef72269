package manifest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/vestadb/vesta/internal/manifest"
)

const fixtures = "testdata/redis-7.0.15"

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Ensure that every manifest written by real Redis parses and marshals back
// to the same bytes.
func TestRedisFixturesRoundTrip(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(fixtures, "*.manifest"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range names {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data := readFixture(t, filepath.Base(path))
			m, err := manifest.Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if got := m.Marshal(); !bytes.Equal(got, data) {
				t.Errorf("Marshal:\ngot  %q\nwant %q", got, data)
			}
		})
	}
}

// Ensure that the helpers change a manifest the way Redis did when it wrote
// the fixtures: each step starts from one fixture (or from nothing) and must
// produce the next one byte for byte.
func TestRedisFixturesHelpers(t *testing.T) {
	const prefix = "appendonly.aof"
	// startup creates the first base and incr, as Redis does with an empty
	// data set and no manifest.
	startup := func(prefix string, rdb bool) func(m *manifest.Manifest) {
		return func(m *manifest.Manifest) {
			m.InstallBase(prefix, rdb, true)
			m.NewIncr(prefix)
		}
	}
	// rewrite is BGREWRITEAOF with AOF on: a new incr when it starts, then
	// the new base when it succeeds.
	rewrite := func(prefix string, rdb bool) func(m *manifest.Manifest) {
		return func(m *manifest.Manifest) {
			m.NewIncr(prefix)
			m.InstallBase(prefix, rdb, true)
		}
	}
	failedRewrite := func(m *manifest.Manifest) { m.NewIncr(prefix) }
	rewriteOff := func(m *manifest.Manifest) { m.InstallBase(prefix, true, false) }
	switchOn := func(m *manifest.Manifest) {
		m.InstallBase(prefix, true, false)
		m.NewIncr(prefix)
	}
	tests := []struct {
		from, to string // from "" is an empty manifest
		step     func(m *manifest.Manifest)
	}{
		{"", "start.manifest", startup(prefix, true)},
		{"start.manifest", "rewrite1.manifest", rewrite(prefix, true)},
		{"rewrite1.manifest", "rewrite2.manifest", rewrite(prefix, true)},
		{"rewrite2.manifest", "rewrite3.manifest", rewrite(prefix, true)},
		{"start.manifest", "failed1.manifest", failedRewrite},
		{"failed1.manifest", "failed2.manifest", failedRewrite},
		{"failed2.manifest", "failed-then-ok.manifest", rewrite(prefix, true)},
		{"", "aof-off1.manifest", rewriteOff},
		{"aof-off1.manifest", "aof-off2.manifest", rewriteOff},
		{"aof-off2.manifest", "aof-off-then-on.manifest", switchOn},
		{"", "no-preamble-space.manifest", func(m *manifest.Manifest) {
			startup("my aof", false)(m)
			rewrite("my aof", false)(m)
		}},
		{"", "escaped-name.manifest", func(m *manifest.Manifest) {
			const p = "a\tb\x01c\"q z\xe9~"
			startup(p, true)(m)
			rewrite(p, true)(m)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.to, func(t *testing.T) {
			m := &manifest.Manifest{}
			if tt.from != "" {
				var err error
				m, err = manifest.Parse(bytes.NewReader(readFixture(t, tt.from)))
				if err != nil {
					t.Fatal(err)
				}
			}
			before := m.Clone()
			c := m.Clone()
			tt.step(c)
			want := readFixture(t, tt.to)
			if got := c.Marshal(); !bytes.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			// The clone was changed, not the original.
			if !bytes.Equal(m.Marshal(), before.Marshal()) {
				t.Errorf("original changed through its clone")
			}
		})
	}
}

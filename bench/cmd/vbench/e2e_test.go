package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareEndToEnd runs every scenario at a tiny scale with
// redis-server in both roles, so the whole driver works the day Vesta has
// every feature, and checks the report and the published document.
func TestCompareEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers; skipped with -short")
	}
	var bins []string
	for _, name := range []string{"redis-server", "redis-benchmark"} {
		p, err := exec.LookPath(name)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is needed in CI: %v", name, err)
			}
			t.Skipf("%s not installed", name)
		}
		bins = append(bins, p)
	}
	dir := t.TempDir()
	doc := filepath.Join(dir, "docs", "BENCHMARKS.md")
	os.MkdirAll(filepath.Dir(doc), 0o755)
	os.WriteFile(doc, []byte("# B\n\n<!-- vbench:memory:begin -->\nOLD\n<!-- vbench:memory:end -->\n\nNotes stay.\n"), 0o644)
	o, err := parseOptions([]string{"-vesta", bins[0], "-redis", bins[0], "-redis-benchmark", bins[1],
		"-out", filepath.Join(dir, "out"), "-quick", "-budget", "1s", "-tests", "set,lrange_100", "-scale", "200",
		"-doc", doc, "-publish", filepath.Join(dir, "results")}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := runCompare(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	report, err := os.ReadFile(filepath.Join(dir, "out", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"#### Persistence off", "#### Persistence always", "| SET | 16 |", "| LRANGE_100 | 1 |",
		"#### BGSAVE", "#### BGREWRITEAOF", "| peak footprint growth during (MiB) |",
		"Redis RSS B/element", "| small hashes", "| one list",
		"| dump.rdb |", "| RDB-preamble AOF",
		"`tls-auth-clients yes`", "| GET | 16 |",
		"#### Diagnostics (issue 19)", "#### ACL check (issue 18)", "| Vesta | SET | 16 |", "| Redis | GET | 1 |",
		"#### Full sync, disk (`repl-diskless-sync no`)", "#### Full sync, diskless", "| growth, % of the data set |",
		"| lag, applied: median (KiB) |", "| restart with its RDB, partial resync (s) |",
	} {
		if !strings.Contains(string(report), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"skipped:", "failed"} {
		if strings.Contains(string(report), bad) {
			t.Errorf("report contains %q:\n%s", bad, report)
		}
	}
	d, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Notes stay.", "<!-- vbench:recovery:end -->", "../results/memory.csv"} {
		if !strings.Contains(string(d), want) {
			t.Errorf("document lacks %q", want)
		}
	}
	if strings.Contains(string(d), "OLD") {
		t.Errorf("document still has the old memory section")
	}
	if _, err := os.Stat(filepath.Join(dir, "results", "throughput.csv")); err != nil {
		t.Errorf("throughput.csv not published: %v", err)
	}
}

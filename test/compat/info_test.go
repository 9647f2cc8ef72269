package compat

import (
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// infoNames are the field names of an INFO section, in order.
func infoNames(t *testing.T, s *testutil.Server, section string) []string {
	t.Helper()
	var names []string
	for _, line := range strings.Split(bulkText(t, testutil.Dial(t, s.Addr).Do("INFO", section)), "\r\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, ":")
		names = append(names, name)
	}
	return names
}

// infoOnlyVesta and infoOnlyRedis are the INFO fields one server has and
// the other lacks; docs/COMPATIBILITY.md says why.
var (
	infoOnlyVesta = map[string]bool{"vesta_version": true, "go_version": true}
	infoOnlyRedis = map[string]bool{
		// Commands run under a lock on whichever goroutine holds it,
		// not on one OS thread: no per-thread CPU time to report.
		"used_cpu_sys_main_thread":  true,
		"used_cpu_user_main_thread": true,
	}
)

// TestInfoFieldNames compares the field names of every INFO section whose
// fields do not depend on the dataset or the commands run (the server,
// clients, memory, persistence, stats, replication, cpu and cluster
// sections) with Redis's, in order, with both servers freshly started:
// monitoring tools (redis_exporter, Datadog's agent) read them by name.
func TestInfoFieldNames(t *testing.T) {
	r := testutil.StartRedis(t)
	v := testutil.StartVesta(t)
	for _, sec := range []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "cluster"} {
		var rn, vn []string
		for _, n := range infoNames(t, r, sec) {
			if !infoOnlyRedis[n] {
				rn = append(rn, n)
			}
		}
		for _, n := range infoNames(t, v, sec) {
			if !infoOnlyVesta[n] {
				vn = append(vn, n)
			}
		}
		if strings.Join(rn, " ") != strings.Join(vn, " ") {
			t.Errorf("INFO %s: field names differ:\nredis %s\nvesta %s", sec, strings.Join(rn, " "), strings.Join(vn, " "))
		}
	}
}

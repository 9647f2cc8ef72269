package compat

import (
	"fmt"
	"testing"
)

// scenario is a scripted case run on both servers: fixed steps rather than
// random ones, for behaviours a random stream reaches too rarely or that
// need a precise order of clients.
type scenario struct {
	name   string
	script Script
	// bug names the known bug (known.go) the scenario shows: it is
	// skipped unless VESTA_RUN_KNOWN_BUGS=1 or the bug is marked fixed.
	bug string
	// protos are the protocols to run it over: RESP2 and RESP3 when
	// empty.
	protos []int
	// pipelined sends each run of commands on one connection as one
	// pipeline (Pair.Pipelined).
	pipelined bool
}

// runScenarios runs each scenario over RESP2 and RESP3 connections (or
// those it names), one subtest each.
func runScenarios(t *testing.T, p *Pair, list []scenario) {
	t.Helper()
	for _, sc := range list {
		protos := sc.protos
		if len(protos) == 0 {
			protos = []int{2, 3}
		}
		for _, proto := range protos {
			t.Run(fmt.Sprintf("%s/RESP%d", sc.name, proto), func(t *testing.T) {
				skipKnown(t, sc.bug)
				q := p.For(t)
				q.Proto = proto
				q.Pipelined = sc.pipelined
				q.Trace = *flagTrace
				if m := q.Run(sc.script); m != nil {
					t.Errorf("%s\nscript:\n%s", m, sc.script)
				}
			})
		}
	}
}

// skipKnown skips a test that shows an open known bug, unless known bugs
// are to be run.
func skipKnown(t *testing.T, id string) {
	t.Helper()
	if id == "" || RunKnownBugs {
		return
	}
	for _, b := range KnownBugs() {
		if b.ID == id {
			if !b.Fixed {
				t.Skipf("known bug %s (see docs/COMPATIBILITY.md); VESTA_RUN_KNOWN_BUGS=1 runs it", id)
			}
			return
		}
	}
	t.Fatalf("scenario names unknown bug %q", id)
}

package main

import (
	"strings"
	"testing"
)

// ovReport's arithmetic: per-round on/off ratios, their median, the cost
// as 1 − median, CPU medians and their ratio; a feature with no pair is
// reported as not measured.
func TestOverheadReport(t *testing.T) {
	e := &runEnv{opt: options{Rounds: 3}, vesta: target{Name: "vesta"}, redis: target{Name: "redis"}}
	s := newSection(e, findScenario("overhead"))
	run := func(rps, cpu float64) thrRun { return thrRun{benchResult{RPS: rps}, cpu} }
	data := map[ovKey][]thrRun{
		{"diagnostics", "vesta", 16, "set", false}: {run(100, 2), run(200, 2), run(300, 4)},
		{"diagnostics", "vesta", 16, "set", true}:  {run(95, 2.2), run(196, 2.2), run(291, 4.4)},
	}
	pairs := []ovPair{{feature: "diagnostics", target: "vesta"}}
	ovReport(e, s, pairs, data)
	md := s.md.String()
	for _, want := range []string{
		// ratios 0.95, 0.98, 0.97: median 0.97, cost 3.0%
		"| Vesta | SET | 16 | 200.0 (100.0–300.0) | 196.0 (95.00–291.0) | **0.97** (0.95–0.98) | 3.0% | 2.000 | 2.200 | 1.100 |",
		"#### ACL check (issue 18)",
		"Not measured",
		"Neither server can switch off commandstats",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "| GET |") || strings.Contains(md, "| 1 |") {
		t.Errorf("report has rows without data:\n%s", md)
	}
}

package main

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestReplaceSection(t *testing.T) {
	repl := "<!-- vbench:memory:begin -->\nNEW\n<!-- vbench:memory:end -->\n"
	tests := []struct {
		name, doc, want string
	}{
		{"replace", "# B\n\n<!-- vbench:memory:begin -->\nOLD\n<!-- vbench:memory:end -->\n\n## Notes\n",
			"# B\n\n" + repl + "\n## Notes\n"},
		{"keeps others", "<!-- vbench:throughput:begin -->\nT\n<!-- vbench:throughput:end -->\n<!-- vbench:memory:begin -->\nOLD\n<!-- vbench:memory:end -->",
			"<!-- vbench:throughput:begin -->\nT\n<!-- vbench:throughput:end -->\n" + repl},
		{"append", "# B", "# B\n\n" + repl},
		{"append to empty", "", "\n" + repl},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := replaceSection(tt.doc, "memory", repl)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	for _, doc := range []string{
		"<!-- vbench:memory:begin -->\nno end\n",
		"<!-- vbench:memory:end -->\n<!-- vbench:memory:begin -->\n",
	} {
		if _, err := replaceSection(doc, "memory", repl); !errors.Is(err, errMarkers) {
			t.Errorf("%q: got %v, want errMarkers", doc, err)
		}
	}
}

func TestMdTable(t *testing.T) {
	got := mdTable("lr", []string{"a", "b"}, [][]string{{"x", "1"}, {"y", "2"}})
	want := "\n| a | b |\n|---|---:|\n| x | 1 |\n| y | 2 |\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestChartData(t *testing.T) {
	var c chartData
	c.add("SET P1 off", 0.5, 2, 1.5)
	c.add("GET P1 off", math.NaN(), 1, 1)
	got := c.gnuplotData()
	want := "# label thr_ratio p99_ratio cpu_per_op_ratio (Vesta/Redis)\n\"SET P1 off\" 0.5000 2.0000 1.5000\n\"GET P1 off\" NaN 1.0000 1.0000\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	gp := gnuplotScript("d.dat", "c.svg", 2)
	for _, s := range []string{`set output "c.svg"`, `plot "d.dat" using 2:xtic(1)`, `plot "d.dat" using 3:xtic(1)`, `plot "d.dat" using 4:xtic(1)`} {
		if !strings.Contains(gp, s) {
			t.Errorf("gnuplot script lacks %q:\n%s", s, gp)
		}
	}
}

func TestParseOptions(t *testing.T) {
	var errs strings.Builder
	o, err := parseOptions([]string{"-quick", "memory"}, &errs)
	if err != nil {
		t.Fatal(err)
	}
	if o.Rounds != 1 || o.Budget.Seconds() != 40 || len(o.Scenarios) != 1 || o.Scenarios[0] != "memory" {
		t.Errorf("got %+v, want 1 round, 40s budget, scenario memory", o)
	}
	o, err = parseOptions(nil, &errs)
	if err != nil {
		t.Fatal(err)
	}
	if o.Rounds != 5 || len(o.Scenarios) != len(scenarios) {
		t.Errorf("got %d rounds and scenarios %v, want 5 and all", o.Rounds, o.Scenarios)
	}
	if _, err := parseOptions([]string{"nosuch"}, &errs); err == nil || !strings.Contains(err.Error(), "unknown scenario") {
		t.Errorf("got %v, want an unknown scenario error", err)
	}
}

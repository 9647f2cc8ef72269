package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// errMarkers reports a document whose vbench markers are unbalanced.
var errMarkers = errors.New("vbench: unbalanced vbench markers")

// chartData holds the ratios the chart shows, one bar group per label.
type chartData struct {
	labels             []string
	thr, p99Ratio, cpu []float64
}

func (c *chartData) add(label string, thr, p99, cpu float64) {
	c.labels = append(c.labels, label)
	c.thr = append(c.thr, thr)
	c.p99Ratio = append(c.p99Ratio, p99)
	c.cpu = append(c.cpu, cpu)
}

// gnuplotData renders the data file: label, throughput ratio, p99 ratio.
func (c *chartData) gnuplotData() string {
	var b strings.Builder
	b.WriteString("# label thr_ratio p99_ratio cpu_per_op_ratio (Vesta/Redis)\n")
	for i, l := range c.labels {
		fmt.Fprintf(&b, "%q %s %s %s\n", l, gpNum(c.thr[i]), gpNum(c.p99Ratio[i]), gpNum(c.cpu[i]))
	}
	return b.String()
}

func gpNum(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "NaN"
	}
	return fmt.Sprintf("%.4f", x)
}

// gnuplotScript draws three bar charts, the Vesta/Redis ratios of
// throughput, p99 latency and server CPU per request, each with a line at 1
// (parity with Redis).
func gnuplotScript(dataFile, outFile string, n int) string {
	width := max(800, 120+n*34)
	return fmt.Sprintf(`set terminal svg size %d,1000 dynamic font "sans,11" background "white"
set output %q
set datafile missing "NaN"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.8
set grid ytics
set xtics rotate by -40 scale 0 font ",9"
set key off
set yrange [0:*]
set rmargin 10
set multiplot layout 3,1
set title "Throughput, Vesta / Redis (above 1: Vesta faster)"
plot %q using 2:xtic(1) lc rgb "#3b7dd8", 1 with lines lc rgb "#cc0000" dt 2
set title "p99 latency, Vesta / Redis (above 1: Vesta slower)"
plot %q using 3:xtic(1) lc rgb "#e08a1e", 1 with lines lc rgb "#cc0000" dt 2
set title "Server CPU time per request, Vesta / Redis (above 1: Vesta uses more)"
plot %q using 4:xtic(1) lc rgb "#5a9e4b", 1 with lines lc rgb "#cc0000" dt 2
unset multiplot
`, width, outFile, dataFile, dataFile, dataFile)
}

// render returns the section as Markdown between its markers. chartRef is
// the path of the chart relative to the document, "" for none; rawRef the
// same for the raw CSV.
func (s *section) render(chartRef, rawRef string) string {
	m := s.e.machine
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- vbench:%s:begin -->\n### %s\n\n", s.sc.name, s.sc.title)
	fmt.Fprintf(&b, "- Run: %s, took %s; command: `%s`\n", m.Date, s.took.Round(1e9), s.e.opt.Command)
	fmt.Fprintf(&b, "- Machine: %d × %s, %s RAM, Linux %s; load average (1, 5, 15 min) %s at the start, %s at the end\n",
		m.NProc, m.CPU, m.Mem, m.Kernel, s.loadStart, s.loadEnd)
	fmt.Fprintf(&b, "- Servers: %s; %s (vbench built with %s)\n", m.RedisVersion, m.VestaVersion, m.Go)
	if s.e.opt.Quick {
		b.WriteString("- **Quick run** (-quick): short loads; numbers are indicative only\n")
	}
	if s.e.opt.Scale > 1 {
		fmt.Fprintf(&b, "- Data sets %d× smaller than the scenario's standard size (-scale %d)\n", s.e.opt.Scale, s.e.opt.Scale)
	}
	b.WriteString("\n")
	if len(s.skips) > 0 {
		b.WriteString("Not measured:\n\n")
		for _, sk := range s.skips {
			b.WriteString("- skipped: " + sk + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(s.md.String())
	if chartRef != "" {
		fmt.Fprintf(&b, "\n![Vesta/Redis ratios of throughput, p99 latency and server CPU per request](%s)\n", chartRef)
	}
	if len(s.raw) > 1 {
		b.WriteString("\n<details><summary>Raw numbers (one row per run)</summary>\n\n```csv\n")
		w := csv.NewWriter(&b)
		w.WriteAll(s.raw)
		b.WriteString("```\n")
		if rawRef != "" {
			fmt.Fprintf(&b, "\nAlso in [%s](%s).\n", filepath.Base(rawRef), rawRef)
		}
		b.WriteString("\n</details>\n")
	}
	fmt.Fprintf(&b, "<!-- vbench:%s:end -->\n", s.sc.name)
	return b.String()
}

// writeReport writes report.md, <scenario>.csv and the chart into the
// output directory, and updates -doc and -publish when given.
func writeReport(e *runEnv, secs []*section) error {
	chartMade := false
	for _, s := range secs {
		if len(s.raw) > 1 {
			if err := writeCSV(filepath.Join(e.out, s.sc.name+".csv"), s.raw); err != nil {
				return err
			}
		}
		if s.chart != nil && len(s.chart.labels) > 0 {
			chartMade = drawChart(e, s.chart)
		}
	}
	var b strings.Builder
	b.WriteString("# vbench report\n\n")
	for _, s := range secs {
		chart := ""
		if s.chart != nil && chartMade {
			chart = "throughput.svg"
		}
		raw := ""
		if len(s.raw) > 1 {
			raw = s.sc.name + ".csv"
		}
		b.WriteString(s.render(chart, raw) + "\n")
	}
	report := filepath.Join(e.out, "report.md")
	if err := os.WriteFile(report, []byte(b.String()), 0o644); err != nil {
		return err
	}
	e.logf("report: %s", report)

	if e.opt.Publish != "" {
		if err := os.MkdirAll(e.opt.Publish, 0o755); err != nil {
			return err
		}
		for _, s := range secs {
			if len(s.raw) > 1 {
				if err := copyFile(filepath.Join(e.out, s.sc.name+".csv"), filepath.Join(e.opt.Publish, s.sc.name+".csv")); err != nil {
					return err
				}
			}
		}
		if chartMade {
			if err := copyFile(filepath.Join(e.out, "throughput.svg"), filepath.Join(e.opt.Publish, "throughput.svg")); err != nil {
				return err
			}
		}
	}
	if e.opt.Doc == "" {
		return nil
	}
	doc, err := os.ReadFile(e.opt.Doc)
	if err != nil {
		return err
	}
	text := string(doc)
	rel := func(name string) string {
		if e.opt.Publish == "" {
			return ""
		}
		r, err := filepath.Rel(filepath.Dir(e.opt.Doc), filepath.Join(e.opt.Publish, name))
		if err != nil {
			return ""
		}
		return filepath.ToSlash(r)
	}
	for _, s := range secs {
		chart, raw := "", ""
		if s.chart != nil && chartMade {
			chart = rel("throughput.svg")
		}
		if len(s.raw) > 1 {
			raw = rel(s.sc.name + ".csv")
		}
		if text, err = replaceSection(text, s.sc.name, s.render(chart, raw)); err != nil {
			return err
		}
	}
	if err := os.WriteFile(e.opt.Doc, []byte(text), 0o644); err != nil {
		return err
	}
	e.logf("updated %s", e.opt.Doc)
	return nil
}

// replaceSection replaces the text between the markers of section name,
// markers included, with repl, or appends repl when the markers are
// absent.
func replaceSection(doc, name, repl string) (string, error) {
	begin := "<!-- vbench:" + name + ":begin -->"
	end := "<!-- vbench:" + name + ":end -->"
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	switch {
	case i < 0 && j < 0:
		if doc != "" && !strings.HasSuffix(doc, "\n") {
			doc += "\n"
		}
		return doc + "\n" + repl, nil
	case i < 0 || j < i:
		return "", fmt.Errorf("%w for %s", errMarkers, name)
	}
	j += len(end)
	if j < len(doc) && doc[j] == '\n' {
		j++
	}
	return doc[:i] + repl + doc[j:], nil
}

// drawChart writes throughput.dat and throughput.gp and runs gnuplot, if
// it is installed; it reports whether throughput.svg was made.
func drawChart(e *runEnv, c *chartData) bool {
	dat := filepath.Join(e.out, "throughput.dat")
	gp := filepath.Join(e.out, "throughput.gp")
	svg := filepath.Join(e.out, "throughput.svg")
	if err := os.WriteFile(dat, []byte(c.gnuplotData()), 0o644); err != nil {
		e.logf("chart: %v", err)
		return false
	}
	if err := os.WriteFile(gp, []byte(gnuplotScript(dat, svg, len(c.labels))), 0o644); err != nil {
		e.logf("chart: %v", err)
		return false
	}
	bin, err := exec.LookPath("gnuplot")
	if err != nil {
		e.logf("chart: skipped: gnuplot is not installed (apt-get install gnuplot-nox); data in %s", dat)
		return false
	}
	if out, err := exec.Command(bin, gp).CombinedOutput(); err != nil {
		e.logf("chart: gnuplot failed: %v: %s", err, out)
		return false
	}
	e.logf("chart: %s", svg)
	return true
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// section collects one scenario's Markdown and raw rows.
type section struct {
	sc        *scenario
	e         *runEnv
	md        strings.Builder
	raw       [][]string // first row is the header
	skips     []string
	chart     *chartData
	loadStart string
	loadEnd   string
	took      time.Duration
}

func newSection(e *runEnv, sc *scenario) *section {
	return &section{sc: sc, e: e, loadStart: loadavg()}
}

// printf appends Markdown.
func (s *section) printf(format string, args ...any) { fmt.Fprintf(&s.md, format, args...) }

// skip records that part of the scenario cannot run, on stderr and in the
// report.
func (s *section) skip(what, why string) {
	s.skips = append(s.skips, what+": "+why)
	s.e.logf("skipped: %s: %s", what, why)
}

// failed records an error that ended the scenario early.
func (s *section) failed(err error) {
	s.e.logf("error: %s: %v", s.sc.name, err)
	s.printf("\n**The scenario failed:** %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
}

// header sets the raw CSV header.
func (s *section) header(cols ...string) { s.raw = [][]string{cols} }

// row appends a raw CSV row; values are formatted with %v, floats with %g.
func (s *section) row(vals ...any) {
	r := make([]string, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case float64:
			r[i] = fmt.Sprintf("%.6g", x)
		default:
			r[i] = fmt.Sprint(x)
		}
	}
	s.raw = append(s.raw, r)
}

func (s *section) finish(took time.Duration) {
	s.took = took
	s.loadEnd = loadavg()
}

// mdTable renders a Markdown table. align has one byte per column: 'l' or
// 'r'.
func mdTable(align string, header []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString("\n| " + strings.Join(header, " | ") + " |\n|")
	for i := range header {
		if i < len(align) && align[i] == 'r' {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	return b.String()
}

// num formats a measurement with a precision that suits its size.
func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case math.Abs(x) >= 1000:
		return fmt.Sprintf("%.0f", x)
	case math.Abs(x) >= 100:
		return fmt.Sprintf("%.1f", x)
	case math.Abs(x) >= 10:
		return fmt.Sprintf("%.2f", x)
	default:
		return fmt.Sprintf("%.3f", x)
	}
}

// medSpread formats the median of xs with its range when there is more
// than one value: "123 (110–130)".
func medSpread(xs []float64) string {
	m := median(xs)
	if len(finite(xs)) < 2 {
		return num(m)
	}
	lo, hi := spread(xs)
	return fmt.Sprintf("%s (%s–%s)", num(m), num(lo), num(hi))
}

// ratioSpread formats the median of per-round ratios with their range.
func ratioSpread(rs []float64) string {
	m := median(rs)
	if math.IsNaN(m) {
		return "–"
	}
	if len(finite(rs)) < 2 {
		return fmt.Sprintf("**%.2f**", m)
	}
	lo, hi := spread(rs)
	return fmt.Sprintf("**%.2f** (%.2f–%.2f)", m, lo, hi)
}

package latency

import "strings"

// LATENCY GRAPH's ASCII sparkline, drawn as Redis's sparkline.c draws it
// in fill mode: each sample is a column whose height, scaled between the
// sequence's minimum and maximum, is drawn over rows with three levels a
// row ('_', 'o', '#', then '|' below the top), followed after one blank
// line by the samples' labels written vertically.

type sparkSample struct {
	value float64
	label string
}

const sparkLevels = "_o#"

// renderSparkline writes seq in chunks of at most columns samples, the
// chunks separated by an empty line.
func renderSparkline(b *strings.Builder, seq []sparkSample, columns, rows int) {
	if len(seq) == 0 {
		return
	}
	lo, hi := seq[0].value, seq[0].value
	labels := 0
	for i, s := range seq {
		if i > 0 {
			if s.value < lo {
				lo = s.value
			} else if s.value > hi {
				hi = s.value
			}
		}
		if s.label != "" {
			labels++
		}
	}
	for j := 0; j < len(seq); j += columns {
		if j != 0 {
			b.WriteByte('\n')
		}
		end := min(j+columns, len(seq))
		renderRange(b, seq[j:end], lo, hi, labels > 0, rows)
	}
}

func renderRange(b *strings.Builder, seq []sparkSample, lo, hi float64, labels bool, rows int) {
	rel := hi - lo
	if rel == 0 {
		rel = 1
	}
	steps := len(sparkLevels) * rows
	chars := make([]byte, len(seq))
	for row := 0; ; row++ {
		more := false
		for j := range chars {
			chars[j] = ' '
		}
		for j, s := range seq {
			// The integer part of value*steps, then scaled, truncated.
			step := int(float64(int((s.value-lo)*float64(steps))) / rel)
			step = min(max(step, 0), steps-1)
			if row < rows {
				more = true
				idx := step - (rows-row-1)*len(sparkLevels)
				if idx >= 0 && idx < len(sparkLevels) {
					chars[j] = sparkLevels[idx]
				} else if idx >= len(sparkLevels) {
					chars[j] = '|'
				}
				continue
			}
			if labels && row-rows < 1 {
				// One blank line between the graph and the labels.
				more = true
				break
			}
			if k := row - rows - 1; k < len(s.label) {
				more = true
				chars[j] = s.label[k]
			}
		}
		if !more {
			return
		}
		b.Write(chars)
		b.WriteByte('\n')
	}
}

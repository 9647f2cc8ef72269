package command

import (
	"strconv"
	"strings"
	"testing"
)

// xstep is one command of a unit test of this family, with its raw reply
// ("|" for CRLF), what it propagated ("" for nothing, "-" for do not
// check) and how many changes it counted.
type xstep struct {
	cmd, reply, prop string
	dirty            int64
}

// quotedFields splits a line into words or Go string literals.
func quotedFields(t *testing.T, line string) []string {
	t.Helper()
	var out []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
		if line[0] != '"' {
			w, rest, _ := strings.Cut(line, " ")
			out = append(out, w)
			line = rest
			continue
		}
		end := 1
		for end < len(line) && line[end] != '"' {
			if line[end] == '\\' {
				end++
			}
			end++
		}
		s, err := strconv.Unquote(line[:end+1])
		if err != nil {
			t.Fatalf("bad literal in %q: %v", line, err)
		}
		out = append(out, s)
		line = line[end+1:]
	}
	return out
}

// run runs the steps in order and checks replies, propagation and dirty
// counts.
func (tt *tester) run(steps ...xstep) {
	tt.t.Helper()
	for _, s := range steps {
		before := tt.ks.Dirty
		got := strings.ReplaceAll(tt.doArgs(quotedFields(tt.t, s.cmd)...), "\r\n", "|")
		if got != s.reply {
			tt.t.Errorf("%s: got %q, want %q", s.cmd, got, s.reply)
		}
		if s.prop != "-" {
			if p := tt.lastProp(); p != s.prop {
				tt.t.Errorf("%s: propagated %q, want %q", s.cmd, p, s.prop)
			}
		}
		if d := tt.ks.Dirty - before; d != s.dirty {
			tt.t.Errorf("%s: dirty +%d, want +%d", s.cmd, d, s.dirty)
		}
	}
}

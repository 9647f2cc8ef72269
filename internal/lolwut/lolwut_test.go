package lolwut

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func rng() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// TestSchotterShape checks the VERSION 5 picture's size in characters and
// lines against Redis 7.0.15's (measured on redis-server with the same
// arguments) and the credit line.
func TestSchotterShape(t *testing.T) {
	cases := []struct {
		cols, perRow, perCol int
		lines                int // picture lines, Redis's count
		width                int
	}{
		{66, 8, 12, 49, 66}, // the default
		{1, 1, 1, 1, 1},
		{10, 1, 2, 9, 10},
		{10, 4, 2, 3, 10},
		{5, 1, 1, 3, 5},
		{7, 3, 3, 4, 7},
		{0, 0, 0, 1, 1},             // clamped to 1
		{5000, 500, 500, 500, 1000}, // clamped to 1000 columns and 200 squares
		{1000, 1, 200, 99801, 1000}, // Redis's 99801 lines; Vesta stops at 4096
	}
	for _, c := range cases {
		out := Schotter(c.cols, c.perRow, c.perCol, "7.0.15", rng())
		pic, credit, ok := strings.Cut(out, "\n\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n")
		if !ok || credit != "" {
			t.Errorf("%v: no credit line at the end: %q", c, tail(out))
			continue
		}
		lines := strings.Split(pic, "\n")
		if c.lines <= 4096 && len(lines) != c.lines {
			t.Errorf("%v: %d lines, want %d", c, len(lines), c.lines)
		}
		if len(lines) > 4096 {
			t.Errorf("%v: %d lines, more than the 4096 cap", c, len(lines))
		}
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n != c.width {
				t.Fatalf("%v: a line of %d characters, want %d", c, n, c.width)
			}
			for _, r := range l {
				if r < 0x2800 || r > 0x28ff {
					t.Fatalf("%v: %U is not a braille cell", c, r)
				}
			}
		}
	}
}

// TestSchotterOrder checks the deterministic part of the picture: with
// one row of squares nothing is turned, and the output is Redis's.
func TestSchotterOrder(t *testing.T) {
	got := Schotter(10, 4, 2, "7.0.15", rng())
	want := "⠀⡤⠤⡤⠤⡤⠤⡤⠤⡄\n⠀⡧⠤⡧⠤⡧⠤⡧⠤⡇\n⠀⠧⠤⠧⠤⠧⠤⠧⠤⠇\n\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestSkylineShape checks the VERSION 6 picture: rows lines of cols
// coloured cells, then Redis's two credit lines.
func TestSkylineShape(t *testing.T) {
	cases := []struct{ cols, rows, wantCols, wantRows int }{
		{80, 40, 80, 40}, {1, 1, 1, 1}, {0, -5, 1, 1}, {3, 2, 3, 2}, {2000, 3, 1000, 3},
	}
	for _, c := range cases {
		out := Skyline(c.cols, c.rows, "7.0.15", rng())
		const credit = "Dedicated to the 8 bit game developers of past and present.\n" +
			"Original 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15\n"
		pic, ok := strings.CutSuffix(out, credit)
		if !ok {
			t.Errorf("%v: no credit lines: %q", c, tail(out))
			continue
		}
		lines := strings.Split(strings.TrimSuffix(pic, "\n"), "\n")
		if len(lines) != c.wantRows {
			t.Errorf("%v: %d lines, want %d", c, len(lines), c.wantRows)
		}
		for _, l := range lines {
			cells := 0
			for l != "" {
				ok := false
				for _, s := range shades {
					if strings.HasPrefix(l, s) {
						l, ok = l[len(s):], true
						cells++
						break
					}
				}
				if !ok {
					t.Fatalf("%v: not a cell: %q", c, l[:min(len(l), 20)])
				}
			}
			if cells != c.wantCols {
				t.Fatalf("%v: %d cells, want %d", c, cells, c.wantCols)
			}
		}
	}
}

func TestPick(t *testing.T) {
	cases := []struct {
		v     int64
		given bool
		want  int
	}{
		{0, false, 0}, {5, true, 5}, {6, true, 6}, {7, true, 0}, {4, true, 0}, {-1, true, 0},
		{1<<32 + 5, true, 5}, {1<<32 + 6, true, 6}, {50, true, 0},
		{-9223372036854775808, true, 0}, {9223372036854775807, true, 0},
	}
	for _, c := range cases {
		if got := Pick(c.v, c.given); got != c.want {
			t.Errorf("Pick(%d, %v) = %d, want %d", c.v, c.given, got, c.want)
		}
	}
	if Plain("7.0.15") != "Redis ver. 7.0.15\n" {
		t.Errorf("Plain: %q", Plain("7.0.15"))
	}
}

func tail(s string) string { return s[max(0, len(s)-120):] }

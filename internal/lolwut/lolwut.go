// Package lolwut draws the computer art of the LOLWUT command. Redis 7.0
// answers LOLWUT with the art of an earlier version (VERSION 5: a braille
// rendering of Georg Nees's "Schotter", squares falling into disorder row
// by row; VERSION 6: a random 8-bit city skyline in four shades of grey)
// or, for its own version, one line naming it. The pictures here are
// Vesta's own drawings of the same subjects, random like Redis's; their
// size in characters, the line structure and the credit lines are
// Redis's, so that what a client sees has Redis's shape.
package lolwut

import (
	"math"
	"math/rand/v2"
	"strings"
)

// canvas is a grid of pixels; the value of a pixel is its colour.
type canvas struct {
	w, h int
	px   []byte
}

func newCanvas(w, h int) *canvas {
	if w < 0 {
		w = 0
	}
	if h < 0 {
		h = 0
	}
	return &canvas{w: w, h: h, px: make([]byte, w*h)}
}

func (c *canvas) set(x, y int, v byte) {
	if x >= 0 && y >= 0 && x < c.w && y < c.h {
		c.px[y*c.w+x] = v
	}
}

func (c *canvas) get(x, y int) byte {
	if x >= 0 && y >= 0 && x < c.w && y < c.h {
		return c.px[y*c.w+x]
	}
	return 0
}

// line draws a straight line between two points (integer DDA).
func (c *canvas) line(x0, y0, x1, y1 int, v byte) {
	dx, dy := x1-x0, y1-y0
	steps := max(abs(dx), abs(dy))
	if steps == 0 {
		c.set(x0, y0, v)
		return
	}
	for i := 0; i <= steps; i++ {
		x := x0 + int(math.Round(float64(dx*i)/float64(steps)))
		y := y0 + int(math.Round(float64(dy*i)/float64(steps)))
		c.set(x, y, v)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// braille renders the canvas with one Unicode braille cell (2×4 dots) per
// character, a row of cells per line. Every row ends with a newline except
// when the canvas height is one more than a multiple of four, where Redis
// leaves the last one out.
func (c *canvas) braille() string {
	var b strings.Builder
	// Dot bits of a braille cell, by column and row within the cell.
	bits := [2][4]int{{0, 1, 2, 6}, {3, 4, 5, 7}}
	for y := 0; y < c.h; y += 4 {
		for x := 0; x < c.w; x += 2 {
			cell := 0
			for dx := 0; dx < 2; dx++ {
				for dy := 0; dy < 4; dy++ {
					if c.get(x+dx, y+dy) != 0 {
						cell |= 1 << bits[dx][dy]
					}
				}
			}
			b.WriteRune(rune(0x2800 + cell))
		}
		if y != c.h-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Schotter draws the VERSION 5 picture: cols characters wide (1..1000),
// perRow squares across (1..200) and perCol down (1..200); from the third
// row on, each square is turned and shifted by a random amount that grows
// with the row.
func Schotter(cols, perRow, perCol int, version string, rng *rand.Rand) string {
	cols, perRow, perCol = clamp(cols, 1, 1000), clamp(perRow, 1, 200), clamp(perCol, 1, 200)
	width := cols * 2
	pad := 0
	if cols > 2 {
		pad = 2
	}
	// Single precision, as Redis sizes its canvas, so that the picture
	// has as many lines as Redis's.
	side32 := float32(width-2*pad) / float32(perRow)
	height := int(side32*float32(perCol) + float32(2*pad))
	side := float64(side32)
	// Redis draws any size it is asked for (1000 columns of one square
	// per row and 200 rows of squares is an 800 MB canvas); Vesta drops
	// rows of squares until the picture is at most maxHeight pixels high.
	for height > maxHeight && perCol > 1 {
		perCol--
		height = int(side32*float32(perCol) + float32(2*pad))
	}
	c := newCanvas(width, height)
	for row := 0; row < perCol; row++ {
		disorder := float64(row) / float64(perCol)
		for col := 0; col < perRow; col++ {
			// Centres on whole pixels, computed in single precision as
			// Redis places its squares, so that the ordered rows are
			// Redis's pixel for pixel.
			cx := int(float32(col)*side32 + side32/2 + float32(pad))
			cy := int(float32(row)*side32 + side32/2 + float32(pad))
			angle := 0.0
			if row > 1 {
				angle = (rng.Float64()*2 - 1) * disorder
				cx += int((rng.Float64()*2 - 1) * disorder * side / 3)
				cy += int((rng.Float64()*2 - 1) * disorder * side / 3)
			}
			square(c, cx, cy, side32, angle)
		}
	}
	return c.braille() + "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. " + version + "\n"
}

// square draws the outline of a square of the given side centred on
// (cx, cy), turned by angle radians.
func square(c *canvas, cx, cy int, side float32, angle float64) {
	r := float64(float32(math.Round(float64(side) / math.Sqrt2))) // centre to corner
	var xs, ys [4]int
	a := float32(math.Pi/4 + angle)
	for i := range 4 {
		xs[i] = int(math.Round(math.Sin(float64(a))*r + float64(cx)))
		ys[i] = int(math.Round(math.Cos(float64(a))*r + float64(cy)))
		a = float32(float64(a) + math.Pi/2)
	}
	for i := range 4 {
		j := (i + 1) % 4
		c.line(xs[i], ys[i], xs[j], ys[j], 1)
	}
}

// maxHeight bounds the VERSION 5 canvas: 4096 lines of braille.
const maxHeight = 4 * 4096

func clamp(n, lo, hi int) int {
	return min(max(n, lo), hi)
}

// The four shades of the VERSION 6 picture, as ANSI colour pairs.
var shades = [4]string{
	"\033[0;30;40m \033[0m",  // black
	"\033[0;90;100m \033[0m", // dark grey
	"\033[0;37;47m \033[0m",  // light grey
	"\033[0;97;107m \033[0m", // white
}

// Skyline draws the VERSION 6 picture, cols characters wide and rows
// lines high (each 1..1000): a pale sky, a far row of grey towers, and a
// near row of dark buildings with lit windows, all of random sizes.
func Skyline(cols, rows int, version string, rng *rand.Rand) string {
	cols, rows = clamp(cols, 1, 1000), clamp(rows, 1, 1000)
	c := newCanvas(cols, rows)
	for i := range c.px {
		c.px[i] = 3
	}
	// Far towers, light grey, up to two thirds of the height.
	for x := 0; x < cols; {
		w := 3 + rng.IntN(6)
		h := rows/4 + rng.IntN(max(1, rows*5/12))
		for dx := 0; dx < w; dx++ {
			for y := rows - h; y < rows; y++ {
				c.set(x+dx, y, 2)
			}
		}
		x += w + rng.IntN(3)
	}
	// Near buildings, black with dark grey windows, up to half the height.
	for x := rng.IntN(4); x < cols; {
		w := 5 + rng.IntN(9)
		h := rows/6 + rng.IntN(max(1, rows/3))
		top := rows - h
		for dx := 0; dx < w; dx++ {
			for y := top; y < rows; y++ {
				v := byte(0)
				inner := dx > 0 && dx < w-1 && y > top
				if inner && dx%2 == 1 && (y-top)%2 == 0 && rng.IntN(3) > 0 {
					v = 1
				}
				c.set(x+dx, y, v)
			}
		}
		x += w + 1 + rng.IntN(4)
	}
	var b strings.Builder
	for y := 0; y < rows; y++ {
		for x := 0; x < cols; x++ {
			b.WriteString(shades[c.get(x, y)])
		}
		b.WriteByte('\n')
	}
	b.WriteString("Dedicated to the 8 bit game developers of past and present.\n")
	b.WriteString("Original 8 bit image from Plaguemon by hikikomori. Redis ver. " + version + "\n")
	return b.String()
}

// Plain is the answer for any other version: one line naming it.
func Plain(version string) string { return "Redis ver. " + version + "\n" }

// Pick says which picture LOLWUT VERSION v draws: 5, 6 or 0 for Plain. As
// in Redis, the version is taken modulo 2^32 and read as "<v>.0.0", and
// the default (no VERSION) is the server's own, which has no picture.
func Pick(v int64, given bool) int {
	if !given {
		return 0
	}
	switch uint32(v) {
	case 5:
		return 5
	case 6:
		return 6
	}
	return 0
}

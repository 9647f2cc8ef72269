package server

import (
	"math/rand/v2"
	"strings"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/lolwut"
)

// registerLolwut defines LOLWUT [VERSION v] [args...], answered as Redis
// 7.0 answers it: VERSION 5 draws Schotter (columns, squares per row,
// squares per column), VERSION 6 the skyline (columns, rows), any other
// version, and no VERSION, one line naming the Redis version. The
// arguments are parsed as Redis parses them (a non-integer is refused,
// out-of-range values are clamped); the drawings are Vesta's own
// (internal/lolwut).
func (s *Server) registerLolwut(t *command.Table) {
	t.Define("lolwut", func(c *command.Ctx) {
		args := c.Args[1:]
		version, given := int64(0), false
		if len(args) >= 2 && strings.EqualFold(string(args[0]), "version") {
			v, ok := command.ParseInt(args[1])
			if !ok {
				c.Error(command.ErrNotInt)
				return
			}
			version, given, args = v, true, args[2:]
		}
		pick := lolwut.Pick(version, given)
		var defaults []int64
		switch pick {
		case 5:
			defaults = []int64{66, 8, 12}
		case 6:
			defaults = []int64{80, 20}
		default:
			c.W.Verbatim(lolwut.Plain(Version), "txt")
			return
		}
		for i := range defaults {
			if i >= len(args) {
				break
			}
			n, ok := command.ParseInt(args[i])
			if !ok {
				c.Error(command.ErrNotInt)
				return
			}
			// Clamped here to the drawings' ranges, so that no value
			// overflows an int.
			defaults[i] = min(max(n, 1), 1000)
		}
		rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		if pick == 5 {
			c.W.Verbatim(lolwut.Schotter(int(defaults[0]), int(defaults[1]), int(defaults[2]), Version, rng), "txt")
		} else {
			c.W.Verbatim(lolwut.Skyline(int(defaults[0]), int(defaults[1]), Version, rng), "txt")
		}
	})
}

package server

import (
	"time"

	"github.com/vestadb/vesta/internal/command"
)

// Blocking commands (BLPOP & co.) are not implemented yet: Block replies as
// on timeout. The data-types work replaces this with real blocking.

// Block implements command.Env.
func (s *Server) Block(c *command.Ctx, keys [][]byte, deadline time.Time, nullBulk bool, serve func(c *command.Ctx, key []byte) bool) {
	if nullBulk {
		c.W.Null()
	} else {
		c.W.NullArray()
	}
}

// InExec implements command.Env.
func (s *Server) InExec(c *command.Ctx) bool { return false }

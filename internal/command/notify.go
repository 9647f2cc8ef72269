package command

import (
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/keyspace"
)

// Keyspace notification classes a command names when it raises an event
// (Redis's notifyKeyspaceEvent types).
const (
	NotifyGeneric = config.NotifyGeneric
	NotifyString  = config.NotifyString
	NotifyList    = config.NotifyList
	NotifySet     = config.NotifySet
	NotifyHash    = config.NotifyHash
	NotifyZSet    = config.NotifyZSet
	NotifyStream  = config.NotifyStream
)

// Notify raises the keyspace event named event, of class, about key in the
// command's database. With notifications off it costs one test.
func (c *Ctx) Notify(class config.NotifyFlags, event string, key []byte) {
	if c.KS.Notify&int(class) != 0 {
		c.KS.Hooks.Notify(c.DB, int(class), event, key)
	}
}

// NotifyIn is Notify for a key of another database (MOVE, COPY ... DB).
func (c *Ctx) NotifyIn(db int, class config.NotifyFlags, event string, key []byte) {
	if c.KS.Notify&int(class) != 0 {
		c.KS.Hooks.Notify(c.KS.DBs[db], int(class), event, key)
	}
}

// peekRead is Peek for the reads Redis makes through lookupKeyRead without
// touching the key (TYPE, EXISTS, TTL): a miss raises "keymiss".
func (c *Ctx) peekRead(key []byte) *keyspace.Entry {
	e := c.DB.Peek(key)
	if e == nil {
		c.Notify(config.NotifyKeyMiss, "keymiss", key)
	}
	return e
}

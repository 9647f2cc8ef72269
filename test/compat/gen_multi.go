package compat

import (
	"strconv"
	"time"
)

// The "multi" family: transactions. A transaction's body is drawn from the
// single-command generators of the script's families, so it mixes every
// type, and runs on connection 0; connection 1 plays the other client that
// writes a watched key, flushes or swaps its database between WATCH and
// EXEC. Queue-time errors (unknown commands, wrong arities, a nested MULTI
// or a WATCH inside MULTI) and run-time errors (WRONGTYPE, which leaves
// the rest of the transaction running) come both from the body and from
// dedicated steps. The runner compares EXEC's reply element by element
// under the modes of the queued commands.
//
// Expiry invalidates a WATCH deterministically in two ways: a key set with
// PX 100 and watched at once is still alive when watched and certainly
// expired after a 120 ms pause; a key set with PXAT 1 is already expired
// (active expiry is off during runs) when watched, which Redis counts as
// "did not exist", and its lazy deletion by another client's read is not a
// change.

// watchPause outlasts watchTTL, the PX of keys whose expiry is to
// invalidate a WATCH: SET ... PX watchTTL and the WATCH that follows it
// take a few round trips, far less than watchTTL.
const (
	watchTTL   = 100 * time.Millisecond
	watchPause = 120 * time.Millisecond
)

func init() {
	const f = "multi"
	RegisterSeq(f, "transaction", 10, true, genTransaction)
	RegisterSeq(f, "watch-expiry", 1, true, genWatchExpiry)
	Register(f, "EXEC/DISCARD without MULTI", 1, true, func(g *Gen) Cmd {
		return C(g.Pick("EXEC", "DISCARD", "exec"))
	})
	Register(f, "UNWATCH", 1, true, func(g *Gen) Cmd {
		if g.Chance(0.2) {
			return C("UNWATCH", g.Key()) // arity error
		}
		return C("UNWATCH")
	})
	Register(f, "WATCH", 1, true, func(g *Gen) Cmd {
		if g.Chance(0.1) {
			return C("WATCH") // arity error
		}
		return C(append([]string{"WATCH"}, g.KeysN(g.Int(1, 3))...)...)
	})
}

// genTransaction returns WATCH (often), interference from connection 1
// (sometimes), MULTI, a body with occasional errors, and EXEC or DISCARD.
func genTransaction(g *Gen) Script {
	var s Script
	var watched []string
	if g.Chance(0.6) {
		watched = g.KeysN(g.Int(1, 3))
		s = append(s, C(append([]string{"WATCH"}, watched...)...))
		if g.Chance(0.15) {
			s = append(s, C("WATCH", g.Key())) // a second WATCH adds keys
		}
		if g.Chance(0.1) {
			s = append(s, C("UNWATCH"))
		}
	}
	// Interference before MULTI, from this client or the other one.
	if g.Chance(0.5) {
		s = append(s, g.interference(watched)...)
	}
	if g.Chance(0.05) {
		s = append(s, C("MULTI", "x")) // arity error: no transaction
	}
	s = append(s, C("MULTI"))
	for n := g.Int(0, 6); n > 0; n-- {
		switch g.R.IntN(30) {
		case 0:
			s = append(s, g.queueError())
		case 1:
			s = append(s, C("MULTI")) // nested: an error that does not abort
		case 2:
			s = append(s, C("WATCH", g.Key())) // not allowed inside MULTI
		case 3:
			// Marked as blocking in case the transaction is not open
			// after all (MULTI x is an arity error).
			s = append(s, g.blockingInMulti().Blocking())
		case 4:
			// The other client writes while the transaction is queued.
			s = append(s, g.interference(watched)...)
		default:
			s = append(s, g.transactionBody())
		}
	}
	switch {
	case g.Chance(0.1):
		s = append(s, C("DISCARD"))
	case g.Chance(0.03):
		s = append(s, C("RESET"))
		g.DB = 0
	default:
		s = append(s, C(g.Pick("EXEC", "EXEC", "EXEC", "exec")))
	}
	return s
}

// transactionBody returns a command for a transaction's body. SELECT is
// left out (it would change the database of every command that follows
// only when the transaction runs), and so are EXEC and DISCARD, which
// would end the transaction early.
func (g *Gen) transactionBody() Cmd {
	for {
		switch c := g.Single(); c.Name() {
		case "SELECT", "EXEC", "DISCARD":
		default:
			return c
		}
	}
}

// queueError returns a command refused when queued, which makes EXEC fail
// with EXECABORT.
func (g *Gen) queueError() Cmd {
	switch g.R.IntN(5) {
	case 0:
		return C("NOSUCHCMD", g.Key())
	case 1:
		return C("GET") // wrong arity
	case 2:
		return C("SET", g.Key())
	case 3:
		return C("OBJECT", "NOSUCH", g.Key()) // unknown subcommand
	default:
		return C("LPUSH", g.Key())
	}
}

// blockingInMulti returns a blocking command that would block forever
// outside a transaction; inside one it replies at once.
func (g *Gen) blockingInMulti() Cmd {
	k := g.Key()
	switch g.R.IntN(6) {
	case 0:
		return C("BLPOP", k, g.Key(), "0")
	case 1:
		return C("BRPOP", k, "0")
	case 2:
		return C("BLMOVE", k, g.Key(), "LEFT", "RIGHT", "0")
	case 3:
		return C("BLMPOP", "0", "2", k, g.Key(), "LEFT", "COUNT", "2")
	case 4:
		return C(g.Pick("BZPOPMIN", "BZPOPMAX"), k, "0")
	default:
		return C("BZMPOP", "0", "1", k, g.Pick("MIN", "MAX"))
	}
}

// interference returns what another client (connection 1), or this one,
// does to the watched keys or their database: a write, a write that
// changes nothing, a flush, a swap, an expiry.
func (g *Gen) interference(watched []string) Script {
	conn := 1
	if g.Chance(0.2) {
		conn = 0 // own writes invalidate a WATCH too
	}
	k := g.Key()
	if len(watched) > 0 && g.Chance(0.7) {
		k = watched[g.R.IntN(len(watched))]
	}
	var c Cmd
	switch g.R.IntN(16) {
	case 0:
		c = C("SET", k, g.Value())
	case 1:
		c = C("DEL", k)
	case 2:
		c = C("LPUSH", k, g.listValue())
	case 3:
		c = C("SADD", k, g.Pick("1", "x"))
	case 4:
		c = C("HSET", k, "f", g.Pick("1", "x"))
	case 5:
		c = C("ZADD", k, g.Pick("1", "2"), g.Pick("a", "b"))
	case 6:
		c = C("EXPIRE", k, strconv.Itoa(g.TTL()))
	case 7:
		c = C("PERSIST", k)
	case 8:
		c = C("PEXPIREAT", k, strconv.FormatInt(g.PastUnix()*1000, 10)) // deletes it now
	case 9:
		c = C("FLUSHDB")
	case 10:
		c = C("FLUSHALL")
	case 11:
		c = C("SWAPDB", g.Pick("0", "1"), g.Pick("1", "2", "0"))
	case 12:
		c = C("RENAME", g.Key(), k)
	case 13:
		c = C("MOVE", k, g.Pick("1", "2"))
	case 14:
		c = C("GET", k) // a read changes nothing (but may delete an expired key)
	default:
		c = g.transactionBody()
	}
	s := Script{c.On(conn)}
	if conn == 1 && g.Chance(0.15) {
		// Connection 1 in another database: its writes touch keys of
		// the same names elsewhere.
		db := g.Pick("0", "1", "2")
		s = Script{C("SELECT", db).On(1), c.On(1), C("SELECT", "0").On(1)}
	}
	return s
}

// genWatchExpiry returns a transaction whose WATCH is, or is not,
// invalidated by expiry alone.
func genWatchExpiry(g *Gen) Script {
	k := g.Key()
	g.PastExpiry = true
	var s Script
	if g.Chance(0.3) {
		// Alive when watched, expired at EXEC: EXEC fails. (The rarer
		// case: the pause costs time.)
		s = Script{
			C("SET", k, g.Value(), "PX", strconv.FormatInt(watchTTL.Milliseconds(), 10)).On(g.Int(0, 1)),
			C("WATCH", k),
			Pause(watchPause),
		}
	} else {
		// Expired already when watched: not a change, unless someone
		// writes the key (or a read deletes it: still no change).
		s = Script{C("SET", k, g.Value(), "PXAT", "1").On(g.Int(0, 1)), C("WATCH", k)}
		switch g.R.IntN(4) {
		case 0:
			s = append(s, C("GET", k).On(1))
		case 1:
			s = append(s, C("SET", k, "new").On(1))
		case 2:
			s = append(s, C("EXISTS", k).On(1))
		}
	}
	s = append(s, C("MULTI"), C("GET", k), C("DBSIZE"), C("EXEC"))
	return s
}

package server

import (
	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/keyspace"
)

// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//
// Queued commands are copied (their arguments alias the read buffer). EXEC
// runs them one after the other under the lock, with the time frozen, so
// nothing else interleaves; their propagated effects are collected and
// emitted together, wrapped in MULTI/EXEC when there are two or more.
//
// WATCH records (db, key) pairs. Any signalled modification of a watched
// key, a flush or swap of its database, or its expiry marks the watching
// clients "dirty", and their EXEC fails with a null reply.

type multiState struct {
	cmds    []queued
	aborted bool  // a command failed to queue: EXEC replies EXECABORT
	mem     int64 // the queued arguments' bytes and headers (CLIENT LIST multi-mem)
}

type queued struct {
	spec *command.Spec
	args [][]byte
}

type watchedKey struct {
	bk      blockKey
	expired bool // already logically expired when WATCH ran
}

func (s *Server) registerMultiCommands(t *command.Table) {
	t.Define("multi", func(c *command.Ctx) {
		cl := clientOf(c)
		if cl.multi != nil {
			c.Error("ERR MULTI calls can not be nested")
			return
		}
		cl.multi = &multiState{}
		c.W.OK()
	})
	t.Define("discard", func(c *command.Ctx) {
		cl := clientOf(c)
		if cl.multi == nil {
			c.Error("ERR DISCARD without MULTI")
			return
		}
		cl.multi = nil
		s.unwatchAll(cl)
		c.W.OK()
	})
	t.Define("exec", s.cmdExec)
	t.Define("watch", func(c *command.Ctx) {
		cl := clientOf(c)
		if cl.multi != nil {
			c.Error("ERR WATCH inside MULTI is not allowed")
			return
		}
		// A client already doomed to fail needs no more keys watched.
		if cl.dirtyCAS {
			c.W.OK()
			return
		}
		for _, k := range c.Args[1:] {
			s.watch(cl, c.DB, k)
		}
		c.W.OK()
	})
	t.Define("unwatch", func(c *command.Ctx) {
		s.unwatchAll(clientOf(c))
		c.W.OK()
	})
}

// hasWrite reports whether a queued command may write, which makes EXEC
// subject to the checks of write commands (a failing disk, as Redis's
// MISCONF). A nil state has none.
func (m *multiState) hasWrite() bool {
	if m == nil {
		return false
	}
	for _, q := range m.cmds {
		if q.spec.Has(command.Write) {
			return true
		}
	}
	return false
}

// queueCommand adds a command to the client's transaction.
func (s *Server) queueCommand(cl *client, spec *command.Spec, args [][]byte) {
	cl.multi.cmds = append(cl.multi.cmds, queued{spec, cloneArgs(args)})
	cl.multi.mem += argsBytes(args) + sliceHeader*int64(len(args))
	cl.w.Simple("QUEUED")
}

func (s *Server) cmdExec(c *command.Ctx) {
	cl := clientOf(c)
	m := cl.multi
	if m == nil {
		c.Error("ERR EXEC without MULTI")
		return
	}
	cl.multi = nil
	if m.aborted {
		s.unwatchAll(cl)
		c.Error("EXECABORT Transaction discarded because of previous errors.")
		return
	}
	if cl.dirtyCAS || s.watchedKeyExpired(cl) {
		s.unwatchAll(cl)
		c.W.NullArray()
		return
	}
	s.unwatchAll(cl)
	c.W.Array(len(m.cmds))
	cl.inExec = true
	for _, q := range m.cmds {
		if s.aclExecCheck(cl, q.spec, q.args) {
			s.call(cl, q.spec, q.args)
		}
	}
	cl.inExec = false
	// EXEC itself is never propagated; its commands were.
	c.NoPropagate()
}

// watch starts watching key in db for cl.
func (s *Server) watch(cl *client, db *keyspace.DB, key []byte) {
	bk := blockKey{db.ID, string(key)}
	for _, w := range cl.watched {
		if w.bk == bk {
			return
		}
	}
	e := db.Find(key)
	cl.watched = append(cl.watched, watchedKey{bk: bk, expired: e != nil && db.IsExpired(e)})
	s.watchers[bk] = append(s.watchers[bk], cl)
}

func (s *Server) unwatchAll(cl *client) {
	for _, w := range cl.watched {
		list := s.watchers[w.bk]
		for i, x := range list {
			if x == cl {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(s.watchers, w.bk)
		} else {
			s.watchers[w.bk] = list
		}
	}
	cl.watched = nil
	cl.dirtyCAS = false
}

// touchWatched marks the clients watching key as dirty. A key that was
// already expired when watched and is now simply gone counts as unchanged.
func (s *Server) touchWatched(db *keyspace.DB, key []byte) {
	bk := blockKey{db.ID, string(key)}
	list := s.watchers[bk]
	for i := 0; i < len(list); i++ {
		cl := list[i]
		for j := range cl.watched {
			w := &cl.watched[j]
			if w.bk != bk {
				continue
			}
			if w.expired && db.Find(key) == nil {
				w.expired = false // deleted while expired: logically no change
				break
			}
			cl.dirtyCAS = true
			break
		}
	}
}

// touchWatchedDB marks as dirty the clients watching keys of db when
// FLUSHDB, FLUSHALL or SWAPDB (other is the database swapped in) changes
// them. A key counts as present only while alive: a key that was already
// expired when watched and is now gone, or replaced by another expired
// key, is no change; an absent key replaced by an expired one stays absent
// and is remembered as expired, as Redis 7.0 does.
func (s *Server) touchWatchedDB(db *keyspace.DB, other *keyspace.DB) {
	if len(s.watchers) == 0 {
		return
	}
	for bk, list := range s.watchers {
		if bk.db != db.ID {
			continue
		}
		key := []byte(bk.key)
		inDB := db.Find(key) != nil
		var inOther, otherExpired bool
		if other != nil {
			if e := other.Find(key); e != nil {
				inOther, otherExpired = true, other.IsExpired(e)
			}
		}
		if !inDB && !inOther {
			continue
		}
		for _, cl := range list {
			w := cl.watchedKey(bk)
			switch {
			case w == nil:
				cl.dirtyCAS = true
			case w.expired && !inOther:
				w.expired = false // the expired key is gone: no change
			case w.expired && otherExpired:
				// expired before and after: no change
			case !w.expired && !inDB && otherExpired:
				w.expired = true // absent, and now present only as expired
			default:
				cl.dirtyCAS = true
			}
		}
	}
}

// watchedKey returns cl's watch of bk, nil if it has none.
func (cl *client) watchedKey(bk blockKey) *watchedKey {
	for i := range cl.watched {
		if cl.watched[i].bk == bk {
			return &cl.watched[i]
		}
	}
	return nil
}

// watchedKeyExpired reports whether a watched key that was alive when
// watched has expired since (Redis fails EXEC in that case).
func (s *Server) watchedKeyExpired(cl *client) bool {
	for _, w := range cl.watched {
		if w.expired {
			continue
		}
		db := s.ks.DBs[w.bk.db]
		if e := db.Find([]byte(w.bk.key)); e != nil && db.IsExpired(e) {
			return true
		}
	}
	return false
}

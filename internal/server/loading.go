package server

import (
	"fmt"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/persist"
)

// What the persistence engine needs from execution to load files: the
// commands of an AOF run through a connection-less client, and RDB values
// of the collection types are built with the configured limits.

// host implements engine.Host.
type host struct{ s *Server }

func (h host) AOFExec() persist.Executor {
	return &loaderExec{s: h.s, cl: h.s.fakeClient()}
}

func (h host) Objects() persist.ObjectLoader { return h.s.objectLoader() }

func (h host) Crashed(where string, r any) { h.s.crash(where, nil, r) }

// loaderExec runs AOF commands through a connection-less client.
type loaderExec struct {
	s  *Server
	cl *client
}

func (l *loaderExec) Exec(args [][]byte) error {
	s, cl := l.s, l.cl
	defer cl.w.Reset()
	spec, msg := s.table.Lookup(args)
	if spec == nil {
		return fmt.Errorf("Unknown command '%s' reading the append only file", args[0])
	}
	if msg != "" {
		return fmt.Errorf("bad command in the append only file: %s", msg)
	}
	if cl.multi != nil {
		switch spec.Name {
		case "exec", "discard", "multi":
		default:
			s.queueCommand(cl, spec, args)
			return nil
		}
	}
	s.ks.Now = time.Now().UnixMilli()
	s.call(cl, spec, args)
	if cl.w.Len() > 0 && cl.w.B[0] == '-' && spec.Name != "exec" {
		// Redis ignores a failing command's reply here; we log it, since
		// it means the file and the dataset disagree about something.
		s.log.Debug("Command from the AOF replied with an error", "cmd", spec.Name,
			"reply", strings.TrimSpace(string(cl.w.B)))
	}
	return nil
}

func (l *loaderExec) DiscardMulti() { l.cl.multi = nil }

// fakeClient is the connection-less client the loader uses.
func (s *Server) fakeClient() *client {
	cl := &client{s: s, id: -1, authenticated: true, created: time.Now()}
	cl.db = s.ks.DBs[0]
	cl.ctx.W = &cl.w
	cl.ctx.KS = s.ks
	cl.ctx.Env = s
	cl.ctx.Client = cl
	cl.ctx.Obey = true
	cl.ctx.DB = cl.db
	cl.w.Proto = 2
	return cl
}

// objectLoader builds values of the collection types from RDB values.
func (s *Server) objectLoader() persist.ObjectLoader { return command.LoadRDBObject(&s.limits) }

package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/repl"
)

// Replication, the replica side (package repl's Link does the network
// work): REPLICAOF / SLAVEOF and the replicaof directive, the master
// client that executes the master's stream (Obey, no expiry of its keys),
// the READONLY and MASTERDOWN refusals, ROLE and INFO for a replica, and
// the loading of the master's dataset through the engine.

// replicaState is the server's replica side (under mu).
type replicaState struct {
	link   *repl.Link
	master *client // executes the master's stream (nil before the first sync)
	// dial, when set, opens the link to the master (see replicaDialer);
	// nil is plain TCP.
	dial repl.DialFunc
}

// replicaDialer is how the link to the master connects: nil (repl.Link
// dials plain TCP itself) unless tls-replication is on, in which case the
// link runs a TLS handshake, with the client side of the server's TLS
// configuration (tls-client-cert-file or the server certificate, the CA
// files), within the link's connect timeout. bind-source-addr applies to
// both. Under mu.
func (s *Server) replicaDialer() repl.DialFunc {
	if s.replica.dial != nil {
		return s.replica.dial
	}
	b := s.TLSBundle()
	if !s.cfg.TLS.Replication || b == nil {
		return nil
	}
	src := s.cfg.StoredValue("bind-source-addr")
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		d := &net.Dialer{}
		if src != "" {
			ip := net.ParseIP(src)
			if ip == nil {
				return nil, fmt.Errorf("bind-source-addr %q is not an IP address", src)
			}
			d.LocalAddr = &net.TCPAddr{IP: ip}
		}
		host, _, _ := net.SplitHostPort(addr)
		td := &tls.Dialer{NetDialer: d, Config: b.Client(host)}
		return td.DialContext(ctx, network, addr)
	}
}

// initReplicaSide connects the master-side state to the replica side.
func (s *Server) initReplicaSide() {
	s.repl.LinkUp = func() bool { return s.replica.link != nil && s.replica.link.Up() }
	s.repl.ReplicaInfo = func(field func(name string, v any)) {
		if l := s.replica.link; l != nil {
			l.Info(field, s.cfg, s.stream.Offset())
		}
	}
	s.repl.StreamDB = func() int {
		if m := s.replica.master; m != nil {
			return m.db.ID
		}
		return 0
	}
}

func (s *Server) registerReplicaCommands(t *command.Table) {
	t.Define("replicaof", s.cmdReplicaof)
	t.Define("slaveof", s.cmdReplicaof)
}

// cmdReplicaof implements REPLICAOF host port and REPLICAOF NO ONE (and
// SLAVEOF), with Redis's replies.
func (s *Server) cmdReplicaof(c *command.Ctx) {
	if msg := s.failoverRefusal(); msg != "" {
		c.Error(msg)
		return
	}
	host, portArg := string(c.Args[1]), string(c.Args[2])
	if strings.EqualFold(host, "no") && strings.EqualFold(portArg, "one") {
		if s.replica.link != nil {
			s.replicaOfNoOne()
			s.log.Info("MASTER MODE enabled (user request from '" + clientAddr(c) + "')")
		}
		c.W.OK()
		return
	}
	if cl := clientOf(c); cl != nil && cl.rc.replica != nil {
		c.Error("ERR Command is not valid when client is a replica.")
		return
	}
	port, ok := command.ParseInt(c.Args[2])
	if !ok || port < 0 || port > 65535 {
		c.Error("ERR Invalid master port")
		return
	}
	if l := s.replica.link; l != nil {
		if h, p := l.Addr(); strings.EqualFold(h, host) && int64(p) == port {
			s.log.Info("REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.")
			c.W.Simple("OK Already connected to specified master")
			return
		}
	}
	s.replicaOf(host, int(port))
	s.log.Info("REPLICAOF " + net.JoinHostPort(host, strconv.FormatInt(port, 10)) + " enabled (user request from '" + clientAddr(c) + "')")
	c.W.OK()
}

func clientAddr(c *command.Ctx) string {
	if cl := clientOf(c); cl != nil {
		return cl.addr
	}
	return ""
}

// replicaOfAtStart follows the replicaof directive once the dataset is
// loaded. Under mu.
func (s *Server) replicaOfAtStart() {
	v := s.cfg.StoredValue("replicaof")
	if v == "" {
		return
	}
	i := strings.LastIndexByte(v, ' ')
	port, err := strconv.Atoi(v[i+1:])
	if i < 0 || err != nil {
		return
	}
	s.replicaOf(v[:i], port)
}

// replicaOf starts replicating host:port (a running link is replaced).
// Under mu.
func (s *Server) replicaOf(host string, port int) {
	if s.replica.link != nil {
		s.replica.link.Stop()
	}
	s.unblockForRoleChange() // failover.go
	s.repl.BecomeReplica()
	s.ks.Replica = true
	s.showRole('S')
	if s.replica.master == nil {
		s.newMasterClient(s.repl.RestoredStreamDB())
	}
	s.replica.link = repl.StartLink(repl.LinkOptions{
		Mu: &s.mu, Master: s.repl, Config: s.cfg, Log: s.log, Host: linkHost{s}, Dial: s.replicaDialer(),
		Crashed:  func(where string, r any) { s.crash(where, nil, r) },
		Failover: s.failoverLinkHooks(),
	}, host, port)
	s.cfg.SetStoredValue("replicaof", host+" "+strconv.Itoa(port))
}

// replicaOfNoOne turns the replica into a master. Under mu.
func (s *Server) replicaOfNoOne() {
	s.replica.link.Stop()
	s.replica.link = nil
	s.replica.master = nil
	s.ks.Replica = false
	s.repl.Promote()
	s.cfg.SetStoredValue("replicaof", "")
	s.showRole('M')
}

// SetLogRole gives the server the function that sets the role character
// of the log's lines (M for a master, S for a replica, as Redis prints).
// Call it before Run.
func (s *Server) SetLogRole(f func(role byte)) { s.logRole = f }

func (s *Server) showRole(r byte) {
	if s.logRole != nil {
		s.logRole(r)
	}
}

// newMasterClient starts the client that executes the master's stream.
func (s *Server) newMasterClient(db int) {
	cl := s.fakeClient()
	cl.name = "master"
	if db >= 0 && db < len(s.ks.DBs) {
		cl.db = s.ks.DBs[db]
		cl.ctx.DB = cl.db
	}
	s.replica.master = cl
}

// replicaRefusal is the error a replica gives a command from a client:
// READONLY for a write while replica-read-only, MASTERDOWN for a command
// not allowed on stale data while the link is down and
// replica-serve-stale-data is no. "" otherwise. Under mu.
func (s *Server) replicaRefusal(cl *client, spec *command.Spec) string {
	if s.replica.link == nil {
		return ""
	}
	if s.cfg.StoredValue("replica-read-only") == "yes" &&
		(spec.Has(command.Write) || (spec.Name == "exec" && cl.multi.hasWrite())) {
		return "READONLY You can't write against a read only replica."
	}
	if !s.replica.link.Up() && s.cfg.StoredValue("replica-serve-stale-data") == "no" && denyStale(cl, spec) {
		return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
	}
	return ""
}

// scriptReplicaRefusal is READONLY for a write a script makes on a
// read-only replica, unless the script runs for the master (Redis's
// scriptVerifyWriteCommandAllow).
func (s *Server) scriptReplicaRefusal() string {
	if s.replica.link == nil || s.ks.MasterExec || s.cfg.StoredValue("replica-read-only") != "yes" {
		return ""
	}
	return "READONLY You can't write against a read only replica."
}

func denyStale(cl *client, spec *command.Spec) bool {
	if !spec.Has(command.Stale) {
		return true
	}
	if spec.Name == "exec" && cl.multi != nil {
		for _, q := range cl.multi.cmds {
			if !q.spec.Has(command.Stale) {
				return true
			}
		}
	}
	return false
}

// roleReplica writes ROLE for a replica; false on a master.
func (s *Server) roleReplica(c *command.Ctx) bool {
	l := s.replica.link
	if l == nil {
		return false
	}
	host, port := l.Addr()
	c.W.Array(5)
	c.W.BulkString("slave")
	c.W.BulkString(host)
	c.W.Int(int64(port))
	c.W.BulkString(l.State())
	if s.replica.master != nil && l.Up() {
		c.W.Int(s.stream.Offset())
	} else {
		c.W.Int(-1)
	}
	return true
}

// waitOnReplica refuses WAIT on a replica, as Redis does.
func (s *Server) waitOnReplica(c *command.Ctx) bool {
	if s.replica.link == nil {
		return false
	}
	c.Error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")
	return true
}

// linkHost implements repl.LinkHost.
type linkHost struct{ s *Server }

func (h linkHost) ExecMaster(args [][]byte) {
	s := h.s
	cl := s.replica.master
	if cl == nil {
		s.newMasterClient(0)
		cl = s.replica.master
	}
	defer cl.w.Reset()
	spec, msg := s.table.Lookup(args)
	if spec == nil || msg != "" {
		masterError(s, msg, args)
		return
	}
	if cl.multi != nil {
		switch spec.Name {
		case "exec", "discard", "multi":
		default:
			s.queueCommand(cl, spec, args)
			return
		}
	}
	s.ks.Now = time.Now().UnixMilli()
	s.ks.MasterExec = true
	s.call(cl, spec, args)
	s.ks.MasterExec = false
	if cl.w.Len() > 0 && cl.w.B[0] == '-' {
		masterError(s, strings.TrimSpace(string(cl.w.B[1:])), args)
	}
}

// masterError logs a command of the master's stream that failed here: the
// datasets may have diverged, as Redis warns when a replica "sends an
// error to its master".
func masterError(s *Server, msg string, args [][]byte) {
	if msg == "" {
		msg = "ERR unknown command"
	}
	name := string(args[0])
	if len(name) > 128 {
		name = name[:128]
	}
	s.log.Warn("== CRITICAL == This replica is sending an error to its master: '" + msg +
		"' after processing the command '" + name + "'")
}

func (h linkHost) NewMasterClient(db int) { h.s.newMasterClient(db) }

func (h linkHost) MasterInMulti() bool {
	m := h.s.replica.master
	return m != nil && m.multi != nil
}

func (h linkHost) DiscardMasterMulti() {
	if m := h.s.replica.master; m != nil {
		m.multi = nil
	}
}

func (h linkHost) DatasetEmpty() bool {
	for _, db := range h.s.ks.DBs {
		if db.Len() > 0 {
			return false
		}
	}
	return true
}

func (h linkHost) LoadLive(r io.Reader, size int64) (map[string]string, error) {
	res, err := h.s.eng.LoadReplicaRDB(r, size)
	if err == nil {
		h.s.log.Info("MASTER <-> REPLICA sync: DB loaded", "keys", res.Keys)
	}
	return res.Aux, err
}

var errLinkGone = errors.New("the replication link was stopped during the load")

func (h linkHost) LoadSwap(r io.Reader, size int64, stillWanted func() bool) (map[string]string, error) {
	s := h.s
	lim := s.limits
	objects := command.LoadRDBObject(&lim)
	ignoreSum := !s.cfg.RDBChecksum
	s.mu.Unlock()
	ks, res, err := s.eng.LoadReplicaRDBAside(r, size, objects, ignoreSum)
	s.mu.Lock()
	if err != nil {
		return nil, err
	}
	if !stillWanted() {
		return nil, errLinkGone
	}
	if err := s.eng.InstallDataset(ks); err != nil {
		return nil, err
	}
	s.log.Info("MASTER <-> REPLICA sync: the new dataset replaced the old one", "keys", res.Keys)
	return res.Aux, nil
}

func (h linkHost) SyncDone() { h.s.eng.RestartAOFAfterSync() }

func (h linkHost) ListeningPort() int {
	s := h.s
	if s.cfg.Port != 0 {
		return s.cfg.Port
	}
	for _, a := range s.Addrs() {
		if t, ok := a.(*net.TCPAddr); ok {
			return t.Port
		}
	}
	return 0
}

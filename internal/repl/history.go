package repl

import (
	"strings"
	"time"
)

// The replication history of a server that is a replica (Redis's
// server.replid, replid2, second_replid_offset and master_repl_offset on a
// replica): the master's id and offset, which the replica's own
// sub-replicas, and the replica itself after a promotion, continue. The
// link (link.go) calls these under the server lock as the state changes.

var zeroID = strings.Repeat("0", 40)

// IsReplica reports whether the server replicates a master.
func (m *Master) IsReplica() bool { return m.replica }

// BecomeReplica switches to a replica's mode (REPLICAOF host port): the
// stream's offset follows the master's bytes from now on. The history the
// link asks the master to continue is the server's own (Redis's
// replicationCacheMasterUsingMyself), so a former master demoted by a
// failover continues from its new master with +CONTINUE. A server restarted
// from an RDB that recorded a replication position sits exactly at the end
// of that history: the id it restored as the second one is asked for,
// except by a master handing over to one of its replicas (FAILOVER), which
// continued the current id and is asked for it.
func (m *Master) BecomeReplica() {
	if !m.replica {
		if m.failoverState() != "failover-in-progress" && m.second >= 0 && m.second == m.o.Stream.Offset()+1 && m.replid2 != zeroID {
			m.replid, m.replid2, m.second = m.replid2, zeroID, -1
		}
	}
	m.replica = true
	m.o.Stream.SetProxy(true)
	if m.backlog != nil {
		m.backlog.forgetDB()
	}
}

// PsyncArgs are the id and offset of a PSYNC continuing this server's
// history: the offset of the next byte wanted, as Redis counts it.
func (m *Master) PsyncArgs() (string, int64) {
	return m.replid, m.o.Stream.Offset() + 1
}

// FullSynced starts the history of a dataset loaded from a master's
// +FULLRESYNC replid offset: the master's id and offset, a new backlog at
// that offset, and the sub-replicas disconnected so that they
// resynchronise with the new history (Redis's replicationCreateMasterClient
// and disconnectSlaves after a full sync).
func (m *Master) FullSynced(replid string, offset int64) {
	m.dropAll()
	m.replid, m.replid2, m.second = replid, zeroID, -1
	m.o.Stream.Rebase(offset)
	m.resetBacklog()
	m.o.Log.Info("Replication history set from the master", "replid", replid, "offset", offset)
}

// Continued records a +CONTINUE: with a new id (the master was promoted
// after a failover) the old id becomes the second one, valid up to the
// current offset, and the sub-replicas are disconnected to learn the new
// id, as Redis's replicaTryPartialResynchronization does.
func (m *Master) Continued(newID string) {
	if m.backlog == nil {
		m.resetBacklog()
	}
	if newID == "" || newID == m.replid {
		return
	}
	m.replid2, m.second = m.replid, m.o.Stream.Offset()+1
	m.replid = newID
	m.dropAll()
	m.o.Log.Info("Master replication ID changed", "replid", newID, "replid2", m.replid2, "second_repl_offset", m.second)
}

// Promote turns a replica into a master (REPLICAOF NO ONE): a new id, the
// master's id kept as the second one up to the current offset, so that the
// other replicas of the old master continue from this one (PSYNC2, Redis's
// shiftReplicationId), and the sub-replicas disconnected to learn it.
func (m *Master) Promote() {
	if !m.replica {
		return
	}
	m.replica = false
	m.o.Stream.SetProxy(false)
	m.replid2, m.second = m.replid, m.o.Stream.Offset()+1
	m.replid = newReplID()
	if m.backlog != nil {
		m.backlog.forgetDB()
	}
	m.dropAll()
	m.noneSince = time.Now()
	m.o.Log.Info("Setting secondary replication ID", "replid", m.replid, "replid2", m.replid2, "valid_up_to_offset", m.second)
}

// resetBacklog replaces the backlog by an empty one at the current offset.
func (m *Master) resetBacklog() {
	if m.backlog != nil {
		m.o.Stream.Detach(m.backlog)
		m.backlog = nil
	}
	m.createBacklog()
}

// dropAll disconnects every replica of this server.
func (m *Master) dropAll() {
	for _, r := range append([]*Replica(nil), m.replicas...) {
		m.drop(r)
	}
}

// RestoredStreamDB is the database the master's stream was in when the RDB
// loaded at startup was cut (its repl-stream-db), 0 without one.
func (m *Master) RestoredStreamDB() int { return m.restoredDB }

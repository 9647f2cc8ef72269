package engine

import (
	"errors"
	"io/fs"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/persist"
)

// The replication position of the AOF (docs/ARCHITECTURE.md "Partial
// resync after an AOF restart"): Redis 7.0 starts a new replication
// history after a restart from its AOF; Vesta records the history's id and
// offset beside the AOF at a clean shutdown, and continues it at startup
// when the AOF is exactly as it was left.
//
// Why the offset is right: the position is taken under the server lock
// right after the AOF writer was closed (everything it was fed written and
// fsynced). Every command the stream counted up to that offset that
// changes data went through the writer, and what the stream holds that
// the AOF does not (PING, REPLCONF GETACK, SELECT, a replica's open
// MULTI, which the link does not count until its EXEC) changes no data;
// a command applied after the position was taken moves the offset past
// it, so a replica that received it cannot continue (its offset is beyond
// the restored one) and gets a full sync.

// recordAOFReplPos writes the position file after the AOF was closed
// cleanly at shutdown. A failure is logged: the next start then begins a
// new history, as Redis does. Under mu.
func (e *Engine) recordAOFReplPos(d *aof.Dir) {
	if e.o.ReplInfo == nil || e.aof.rw.switchingOn || !d.Exists() {
		return
	}
	info := e.o.ReplInfo()
	if info == nil {
		return
	}
	stamps, err := d.Stamps()
	if err == nil {
		err = d.WriteReplPos(aof.ReplPos{ID: info.ID, Offset: info.Offset, StreamDB: info.StreamDB, Files: stamps})
	}
	if err != nil {
		e.log.Warn("Can't record the replication position in the AOF directory: the next start begins a new replication history", "err", err)
		return
	}
	e.log.Info("Recorded the replication ID and offset in the AOF directory", "replid", info.ID, "offset", info.Offset)
}

// restoreAOFReplPos continues the replication history the position file
// records when it matches the AOF just loaded, and removes the file
// before anything is appended, so that it can never describe a later
// state. Called under mu after the AOF loaded, before it is opened for
// appending.
func (e *Engine) restoreAOFReplPos() {
	d := e.aof.dir
	if d == nil {
		return
	}
	pos, err := d.ReadReplPos()
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if rerr := d.RemoveReplPos(); rerr != nil {
		e.log.Warn("Can't remove the replication position file of the AOF: not using it, starting a new replication history", "err", rerr)
		return
	}
	if err == nil {
		err = d.CheckReplPos(pos)
	}
	if err != nil {
		e.log.Info("Not continuing the replication history recorded in the AOF directory: "+err.Error()+"; starting a new one", "file", d.ReplPosPath())
		return
	}
	if e.o.ReplRestore == nil {
		return
	}
	e.log.Info("The AOF is as the last clean shutdown left it: continuing its replication history", "replid", pos.ID, "offset", pos.Offset)
	e.o.ReplRestore(persist.ReplInfo{ID: pos.ID, Offset: pos.Offset, StreamDB: pos.StreamDB})
}

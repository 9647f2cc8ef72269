package server

import (
	"strconv"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/keyspace"
)

// notify publishes a keyspace notification (Redis's notifyKeyspaceEvent):
// the event name on __keyspace@<db>__:<key> when K is on, the key on
// __keyevent@<db>__:<event> when E is on. It is the keyspace's Notify hook,
// called only for the classes that are on. Called under mu.
func (s *Server) notify(db *keyspace.DB, class int, event string, key []byte) {
	f := s.cfg.NotifyKeyspaceEvents
	if f&config.NotifyFlags(class) == 0 {
		return
	}
	var id [20]byte
	dbid := strconv.AppendInt(id[:0], int64(db.ID), 10)
	if f&config.NotifyKeyspace != 0 {
		ch := make([]byte, 0, 14+len(dbid)+len(key))
		ch = append(ch, "__keyspace@"...)
		ch = append(ch, dbid...)
		ch = append(ch, "__:"...)
		ch = append(ch, key...)
		s.publish(ch, []byte(event))
	}
	if f&config.NotifyKeyevent != 0 {
		ch := make([]byte, 0, 14+len(dbid)+len(event))
		ch = append(ch, "__keyevent@"...)
		ch = append(ch, dbid...)
		ch = append(ch, "__:"...)
		ch = append(ch, event...)
		s.publish(ch, key)
	}
}

package acl

// Contexts of a log entry (ACL_LOG_CTX_*).
const (
	CtxToplevel = iota
	CtxMulti
	CtxLua
)

// groupWindow is how close in time (ms) two similar denials must be to
// share an entry (ACL_LOG_GROUPING_MAX_TIME_DELTA).
const groupWindow = 60000

// LogEntry is one entry of the ACL LOG.
type LogEntry struct {
	Count      int64
	Reason     int
	Context    int
	Object     string
	Username   string
	Ctime      int64 // ms of the last update
	ClientInfo string
}

// ReasonString is the "reason" field of an entry.
func (e *LogEntry) ReasonString() string {
	switch e.Reason {
	case DeniedCmd:
		return "command"
	case DeniedKey:
		return "key"
	case DeniedChannel:
		return "channel"
	case DeniedAuth:
		return "auth"
	}
	return "unknown"
}

// ContextString is the "context" field of an entry.
func (e *LogEntry) ContextString() string {
	switch e.Context {
	case CtxToplevel:
		return "toplevel"
	case CtxMulti:
		return "multi"
	case CtxLua:
		return "lua"
	}
	return "unknown"
}

// Log is the ACL LOG, newest entry first.
type Log struct {
	Entries []*LogEntry
	MaxLen  int64 // acllog-max-len
}

// Add records a denial. A similar entry (same reason, context, object and
// user, updated within a minute) among the ten newest is bumped to the
// front instead, as in Redis.
func (l *Log) Add(e LogEntry) {
	e.Count = 1
	for i := 0; i < len(l.Entries) && i < 10; i++ {
		cur := l.Entries[i]
		d := cur.Ctime - e.Ctime
		if d < 0 {
			d = -d
		}
		if cur.Reason == e.Reason && cur.Context == e.Context && d <= groupWindow &&
			cur.Object == e.Object && cur.Username == e.Username {
			cur.ClientInfo = e.ClientInfo
			cur.Ctime = e.Ctime
			cur.Count++
			copy(l.Entries[1:i+1], l.Entries[:i])
			l.Entries[0] = cur
			return
		}
	}
	l.Entries = append(l.Entries, nil)
	copy(l.Entries[1:], l.Entries)
	l.Entries[0] = &e
	l.Trim()
}

// Trim drops the oldest entries beyond MaxLen.
func (l *Log) Trim() {
	if int64(len(l.Entries)) > l.MaxLen {
		for i := l.MaxLen; i < int64(len(l.Entries)); i++ {
			l.Entries[i] = nil
		}
		l.Entries = l.Entries[:l.MaxLen]
	}
}

// Reset empties the log.
func (l *Log) Reset() { l.Entries = nil }

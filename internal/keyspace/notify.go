package keyspace

// Keyspace notification classes the keyspace raises itself. The bits are
// those of config.NotifyFlags (the server checks that they agree).
const (
	NotifyExpired = 1 << 8 // x: "expired"
	// NotifyEvicted (e: "evicted") is in evict.go.
	NotifyKeyMiss = 1 << 11 // m: "keymiss"
	NotifyNew     = 1 << 13 // n: "new"
)

// Notifying reports whether events of class are published, so that callers
// build nothing when notifications are off (one test of a mask).
func (ks *Keyspace) Notifying(class int) bool { return ks.Notify&class != 0 }

// notify publishes an event of class about key, if that class is on.
func (db *DB) notify(class int, event string, key []byte) {
	if db.ks.Notify&class != 0 && db.ks.Hooks.Notify != nil {
		db.ks.Hooks.Notify(db, class, event, key)
	}
}

// add inserts a new entry and raises the "new" event (Redis's dbAdd).
func (db *DB) add(e *Entry) {
	db.insert(e)
	if h := db.ks.Hooks.Added; h != nil {
		h(db, e.Key())
	}
	if db.ks.Notify&NotifyNew != 0 {
		db.notify(NotifyNew, "new", e.Key())
	}
}

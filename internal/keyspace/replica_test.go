package keyspace

import "testing"

// TestReplicaExpiry: on a replica an expired key is hidden from reads but
// not deleted; the master's commands see it alive; a write's lookup
// deletes it; RANDOMKEY ends even when every key expired.
func TestReplicaExpiry(t *testing.T) {
	setup := func() (*Keyspace, *DB, *int) {
		ks := New(1)
		expired := 0
		ks.Hooks.Expired = func(*DB, []byte) { expired++ }
		db := ks.DBs[0]
		e := db.SetString([]byte("k"), []byte("v"), false)
		db.SetExpire(e, 1000)
		ks.Now = 2000
		ks.Replica = true
		return ks, db, &expired
	}
	tests := []struct {
		name      string
		op        func(ks *Keyspace, db *DB) bool // reports whether the key was seen
		seen      bool
		remaining int
		expired   int
	}{
		{"Lookup hides", func(_ *Keyspace, db *DB) bool { return db.Lookup([]byte("k")) != nil }, false, 1, 0},
		{"Peek hides", func(_ *Keyspace, db *DB) bool { return db.Peek([]byte("k")) != nil }, false, 1, 0},
		{"master sees it", func(ks *Keyspace, db *DB) bool {
			ks.MasterExec = true
			defer func() { ks.MasterExec = false }()
			return db.Lookup([]byte("k")) != nil
		}, true, 1, 0},
		{"LookupWrite deletes", func(_ *Keyspace, db *DB) bool { return db.LookupWrite([]byte("k")) != nil }, false, 0, 1},
		{"Random ends", func(_ *Keyspace, db *DB) bool { return db.Random() != nil }, true, 1, 0},
		{"not a replica: Lookup deletes", func(ks *Keyspace, db *DB) bool {
			ks.Replica = false
			return db.Lookup([]byte("k")) != nil
		}, false, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ks, db, expired := setup()
			if got := tc.op(ks, db); got != tc.seen {
				t.Errorf("seen = %v, want %v", got, tc.seen)
			}
			if db.Len() != tc.remaining || *expired != tc.expired {
				t.Errorf("keys %d, expired %d; want %d, %d", db.Len(), *expired, tc.remaining, tc.expired)
			}
		})
	}
}

package server

import (
	"testing"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/keyspace"
)

// The keyspace raises its own events with bits that must be config's.
func TestNotifyBitsAgree(t *testing.T) {
	for _, tc := range []struct {
		ks  int
		cfg config.NotifyFlags
	}{
		{keyspace.NotifyExpired, config.NotifyExpired},
		{keyspace.NotifyKeyMiss, config.NotifyKeyMiss},
		{keyspace.NotifyEvicted, config.NotifyEvicted},
		{keyspace.NotifyNew, config.NotifyNew},
	} {
		if tc.ks != int(tc.cfg) {
			t.Errorf("keyspace bit %#x, config bit %#x", tc.ks, int(tc.cfg))
		}
	}
}

package powerloss

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/lazyfs"
	"github.com/vestadb/vesta/internal/testutil"
)

// Ensure that ACL SAVE is durable and atomic across power cuts: a client
// adds a user and saves, over and over; the server is killed and the power
// cut (with torn writes every other round) at a random moment. After the
// reboot the aclfile must load (the server starts) and hold every user of
// the last acknowledged save, and at most the one whose save was in
// flight.
func TestACLSavePowerLoss(t *testing.T) {
	requireFUSE(t)
	backing := t.TempDir()
	m := newMount(t, backing)
	acl := filepath.Join(m.fs.Mountpoint(), "users.acl")
	if err := os.WriteFile(acl, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := testutil.StartVesta(t, "--dir", m.fs.Mountpoint(), "--aclfile", acl)
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	next := 0
	// saved holds the users whose ACL SAVE was acknowledged: they must
	// survive every later cut. A user whose save never completed is lost
	// at the restart, and later saves do not have it.
	saved := map[int]bool{}
	for round := 0; round < 6; round++ {
		var (
			mu    sync.Mutex
			acked = -1 // the last user whose save was acknowledged
			sent  = -1 // the last user whose save was sent
		)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			c, err := testutil.DialErr(t, srv.Addr)
			if err != nil {
				return
			}
			defer c.Close()
			for i := next; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := c.DoErr("ACL", "SETUSER", fmt.Sprintf("u%04d", i), "on", ">p", "~k*", "+@read"); err != nil {
					return
				}
				mu.Lock()
				sent = i
				mu.Unlock()
				r, err := c.DoErr("ACL", "SAVE")
				if err != nil {
					return
				}
				if string(r) != "+OK\r\n" {
					t.Errorf("ACL SAVE: %q", r)
					return
				}
				mu.Lock()
				acked = i
				saved[i] = true
				mu.Unlock()
			}
		}()
		time.Sleep(time.Duration(50+rnd.IntN(300)) * time.Millisecond)
		srv.Kill()
		close(stop)
		<-done
		cs, err := m.fs.PowerCutWith(lazyfs.CutConfig{TornWrites: round%2 == 1, Seed: rnd.Uint64()})
		if err != nil {
			t.Fatalf("power cut: %v", err)
		}
		m.remount(t)
		srv.StartAgain()
		c := testutil.Dial(t, srv.Addr)
		users := string(c.Do("ACL", "USERS"))
		mu.Lock()
		a, s := acked, sent
		mu.Unlock()
		if a < 0 {
			t.Fatalf("round %d: no save acknowledged", round)
		}
		for i := range saved {
			if !strings.Contains(users, fmt.Sprintf("u%04d", i)) {
				t.Fatalf("round %d: user u%04d was saved (acknowledged up to u%04d) but is gone after the cut %v", round, i, a, cs)
			}
		}
		if strings.Contains(users, fmt.Sprintf("u%04d", s+1)) {
			t.Fatalf("round %d: a user never sent is present", round)
		}
		t.Logf("round %d: saves acknowledged up to u%04d, in flight u%04d; cut %v", round, a, s, cs)
		next = s + 1
		c.Close()
	}
}

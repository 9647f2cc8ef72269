package crash

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// streamClient is what one client of the stream load was told: the entries
// XADD acknowledged, the entries XREADGROUP delivered to it, and the
// entries XACK acknowledged (or was sent for).
type streamClient struct {
	key        string
	added      []string
	delivered  []string
	acked      map[string]bool
	ackStarted map[string]bool
}

var entryID = regexp.MustCompile(`\$\d+\r\n(\d+-0)\r\n`)

// streamLoad runs one stream client until its connection breaks: XADD
// with increasing IDs to its own stream, XREADGROUP of new entries, XACK
// of some of what it read.
func streamLoad(t *testing.T, addr string, sc *streamClient, next *int, stop <-chan struct{}) {
	c, err := testutil.DialErr(t, addr)
	if err != nil {
		return
	}
	defer c.Close()
	c.DoErr("XGROUP", "CREATE", sc.key, "g", "0", "MKSTREAM")
	rnd := rand.New(rand.NewPCG(uint64(*next), 1))
	for {
		select {
		case <-stop:
			return
		default:
		}
		switch rnd.IntN(4) {
		case 0, 1:
			*next++
			id := strconv.Itoa(*next) + "-0"
			r, err := c.DoErr("XADD", sc.key, id, "f", "v")
			if err != nil {
				return
			}
			if string(r) == fmt.Sprintf("$%d\r\n%s\r\n", len(id), id) {
				sc.added = append(sc.added, id)
			}
		case 2:
			r, err := c.DoErr("XREADGROUP", "GROUP", "g", "c", "COUNT", "5", "STREAMS", sc.key, ">")
			if err != nil {
				return
			}
			for _, m := range entryID.FindAllSubmatch(r, -1) {
				sc.delivered = append(sc.delivered, string(m[1]))
			}
		default:
			var ids []string
			for _, id := range sc.delivered {
				if !sc.ackStarted[id] && rnd.IntN(2) == 0 {
					ids = append(ids, id)
				}
			}
			if len(ids) == 0 {
				continue
			}
			for _, id := range ids {
				sc.ackStarted[id] = true
			}
			r, err := c.DoErr(append([]string{"XACK", sc.key, "g"}, ids...)...)
			if err != nil {
				return
			}
			if string(r) == fmt.Sprintf(":%d\r\n", len(ids)) {
				for _, id := range ids {
					sc.acked[id] = true
				}
			}
		}
	}
}

// Ensure that under appendfsync always no acknowledged XADD, no delivery
// XREADGROUP replied with and no acknowledged XACK is lost when the server
// is killed (SIGKILL) during stream traffic, with and without a concurrent
// AOF rewrite: every added entry is there after the restart, every entry
// delivered and not acknowledged is still pending, every acknowledged one
// is not.
func TestStreamKillDuringWrites(t *testing.T) {
	for _, bg := range []bool{false, true} {
		t.Run(map[bool]string{false: "always", true: "always+bgrewriteaof"}[bg], func(t *testing.T) {
			srv := testutil.StartVesta(t, "--appendonly", "yes", "--appendfsync", "always")
			clients := make([]*streamClient, 4)
			nexts := make([]int, len(clients))
			for i := range clients {
				clients[i] = &streamClient{key: "st:" + strconv.Itoa(i), acked: map[string]bool{}, ackStarted: map[string]bool{}}
			}
			for round := 0; round < *rounds; round++ {
				stop := make(chan struct{})
				var wg sync.WaitGroup
				for i, sc := range clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						streamLoad(t, srv.Addr, sc, &nexts[i], stop)
					}()
				}
				if bg {
					time.Sleep(50 * time.Millisecond)
					if c, err := testutil.DialErr(t, srv.Addr); err == nil {
						c.DoErr("BGREWRITEAOF")
						c.Close()
					}
				}
				time.Sleep(time.Duration(100+rand.IntN(300)) * time.Millisecond)
				srv.Kill()
				close(stop)
				wg.Wait()
				srv.StartAgain()
				c := testutil.Dial(t, srv.Addr)
				checked := 0
				for _, sc := range clients {
					for _, id := range sc.added {
						if r := string(c.Do("XRANGE", sc.key, id, id)); r == "*0\r\n" {
							t.Fatalf("round %d: acknowledged entry %s of %s lost", round, id, sc.key)
						}
						checked++
					}
					for _, id := range sc.delivered {
						pending := string(c.Do("XPENDING", sc.key, "g", id, id, "1")) != "*0\r\n"
						switch {
						case sc.acked[id] && pending:
							t.Fatalf("round %d: %s of %s is pending again after an acknowledged XACK", round, id, sc.key)
						case !sc.ackStarted[id] && !pending:
							t.Fatalf("round %d: delivered entry %s of %s is no longer pending", round, id, sc.key)
						}
						checked++
					}
				}
				c.Close()
				t.Logf("round %d: %d entries and deliveries checked, 0 lost", round, checked)
			}
		})
	}
}

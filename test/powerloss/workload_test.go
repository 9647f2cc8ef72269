package powerloss

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// attempt is one write a client sent: a SET of one key, or a MULTI/EXEC
// setting two keys to the same value.
type attempt struct {
	keys  []string
	value string
	acked bool
	ackAt time.Time
}

// client runs one connection writing unique values until its connection
// breaks or stop closes. Its attempts are in the order it sent them, so for
// each key the order of attempts is the order of execution.
type client struct {
	id       int
	attempts []attempt
}

// run writes SETs to a small set of keys of its own (so that later values
// overwrite earlier ones) and, one time in five, a transaction on two fresh
// keys.
func (cl *client) run(t *testing.T, addr string, round int, stop <-chan struct{}) {
	c, err := testutil.DialErr(t, addr)
	if err != nil {
		return
	}
	defer c.Close()
	rnd := rand.New(rand.NewPCG(uint64(cl.id), uint64(round)))
	for seq := 0; ; seq++ {
		select {
		case <-stop:
			return
		default:
		}
		v := fmt.Sprintf("r%d-c%d-s%d", round, cl.id, seq)
		if rnd.IntN(5) == 0 {
			a := attempt{keys: []string{"tx:a:" + v, "tx:b:" + v}, value: v}
			cl.attempts = append(cl.attempts, a)
			for _, cmd := range [][]string{{"MULTI"}, {"SET", a.keys[0], v}, {"SET", a.keys[1], v}, {"EXEC"}} {
				if c.SendErr(cmd...) != nil {
					return
				}
			}
			var last []byte
			for range 4 {
				if last, err = c.ReadReplyErr(); err != nil {
					return
				}
			}
			if string(last) == "*2\r\n+OK\r\n+OK\r\n" {
				cl.ack()
			}
			continue
		}
		k := fmt.Sprintf("k:r%d:c%d:%d", round, cl.id, rnd.IntN(50))
		cl.attempts = append(cl.attempts, attempt{keys: []string{k}, value: v})
		r, err := c.DoErr("SET", k, v)
		if err != nil {
			return
		}
		if string(r) == "+OK\r\n" {
			cl.ack()
		}
	}
}

func (cl *client) ack() {
	a := &cl.attempts[len(cl.attempts)-1]
	a.acked, a.ackAt = true, time.Now()
}

// outcome is what verify found for one round.
type outcome struct {
	acked   int // acknowledged writes (a transaction counts once)
	checked int // keys and transactions with an acknowledged write
	lost    int // acknowledged writes missing after the restart
	// window is the time between the oldest lost acknowledged write and the
	// kill: how many seconds of acknowledged writes the cut took.
	window time.Duration
	// values are the values read back, to be checked again after later cuts
	// (nothing writes these keys again, and they were loaded from disk).
	values map[string]string
}

// verify reads every key the clients wrote and checks it against their
// attempts: a key holds nothing or one of the values attempted for it, in an
// order that never goes back before an acknowledged write unless that write
// is counted as lost; a transaction's two keys are both set or both unset.
func verify(t *testing.T, addr string, clients []*client, killAt time.Time) outcome {
	t.Helper()
	type keyState struct {
		order []int // indexes into attempts of this key, in execution order
	}
	var all []attempt
	keys := map[string]*keyState{}
	var names []string
	for _, cl := range clients {
		for _, a := range cl.attempts {
			all = append(all, a)
			for _, k := range a.keys {
				ks := keys[k]
				if ks == nil {
					ks = &keyState{}
					keys[k] = ks
					names = append(names, k)
				}
				ks.order = append(ks.order, len(all)-1)
			}
		}
	}
	slices.Sort(names)
	got := mget(t, addr, names)
	out := outcome{values: map[string]string{}}
	var oldestLost time.Time
	lose := func(a attempt) {
		out.lost++
		if oldestLost.IsZero() || a.ackAt.Before(oldestLost) {
			oldestLost = a.ackAt
		}
	}
	for _, a := range all {
		if a.acked {
			out.acked++
		}
	}
	for i, k := range names {
		v, present := got[i], got[i] != nil
		if present {
			out.values[k] = *v
		}
		if strings.HasPrefix(k, "tx:") {
			continue // checked per transaction below
		}
		ks := keys[k]
		at := -1 // position in ks.order of the value found
		if present {
			for j, idx := range ks.order {
				if all[idx].value == *v {
					at = j
				}
			}
			if at < 0 {
				t.Fatalf("key %s holds %q, which no client wrote", k, *v)
			}
		}
		checkedKey := false
		for j, idx := range ks.order {
			if all[idx].acked {
				checkedKey = true
				if j > at {
					lose(all[idx])
				}
			}
		}
		if checkedKey {
			out.checked++
		}
	}
	for _, a := range all {
		if len(a.keys) != 2 {
			continue
		}
		va, vb := out.values[a.keys[0]], out.values[a.keys[1]]
		_, pa := out.values[a.keys[0]]
		_, pb := out.values[a.keys[1]]
		if pa != pb || (pa && (va != a.value || vb != a.value)) {
			t.Fatalf("transaction %s half applied or wrong: %q=%q (%v), %q=%q (%v)", a.value, a.keys[0], va, pa, a.keys[1], vb, pb)
		}
		if a.acked {
			out.checked++
			if !pa {
				lose(a)
			}
		}
	}
	if out.lost > 0 {
		out.window = killAt.Sub(oldestLost)
	}
	return out
}

// mget reads keys in batches; a nil entry is a missing key.
func mget(t *testing.T, addr string, keys []string) []*string {
	t.Helper()
	c := testutil.Dial(t, addr)
	defer c.Close()
	out := make([]*string, 0, len(keys))
	for batch := range slices.Chunk(keys, 500) {
		v, ok := c.DoValue(append([]string{"MGET"}, batch...)...).([]any)
		if !ok || len(v) != len(batch) {
			t.Fatalf("MGET of %d keys: got %v", len(batch), v)
		}
		for _, x := range v {
			switch x := x.(type) {
			case nil:
				out = append(out, nil)
			case string:
				out = append(out, &x)
			default:
				t.Fatalf("MGET: unexpected element %T %v", x, x)
			}
		}
	}
	return out
}

// checkSettled verifies that keys whose values were read back after an
// earlier cut still hold them.
func checkSettled(t *testing.T, addr string, settled map[string]string) {
	t.Helper()
	if len(settled) == 0 {
		return
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range settled {
			if !yield(k) {
				return
			}
		}
	})
	got := mget(t, addr, names)
	for i, k := range names {
		if got[i] == nil || *got[i] != settled[k] {
			g := "<nil>"
			if got[i] != nil {
				g = *got[i]
			}
			t.Fatalf("key %s: got %q after a later cut, want %q (it was read back after an earlier cut)", k, g, settled[k])
		}
	}
}

// preload writes n keys pre:<i> with values of about size bytes, so that
// rewrites and snapshots take a while, and returns them.
func preload(t *testing.T, addr string, n, size int) map[string]string {
	t.Helper()
	c := testutil.Dial(t, addr)
	defer c.Close()
	want := make(map[string]string, n)
	pad := strings.Repeat("x", size)
	const batch = 500
	for i := 0; i < n; i += batch {
		args := []string{"MSET"}
		for j := i; j < min(i+batch, n); j++ {
			k, v := fmt.Sprintf("pre:%d", j), fmt.Sprintf("%d-%s", j, pad)
			args = append(args, k, v)
			want[k] = v
		}
		if r := c.Do(args...); string(r) != "+OK\r\n" {
			t.Fatalf("preload MSET: got %q", r)
		}
	}
	return want
}

// startClients starts n writing clients.
func startClients(t *testing.T, addr string, n, round int, stop <-chan struct{}) ([]*client, *sync.WaitGroup) {
	clients := make([]*client, n)
	var wg sync.WaitGroup
	for i := range clients {
		clients[i] = &client{id: i}
		wg.Add(1)
		go func() {
			defer wg.Done()
			clients[i].run(t, addr, round, stop)
		}()
	}
	return clients, &wg
}

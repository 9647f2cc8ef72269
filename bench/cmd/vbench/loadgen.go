package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// pipelineLoad sends count commands made by gen over one connection, depth
// commands at a time, and fails on the first error reply. It is how the
// memory scenario fills a server.
func pipelineLoad(addr string, count, depth int, gen func(i int) []string) error {
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	for start := 0; start < count; start += depth {
		end := min(start+depth, count)
		for i := start; i < end; i++ {
			c.send(gen(i)...)
		}
		if err := c.flush(); err != nil {
			return err
		}
		for i := start; i < end; i++ {
			r, err := readReply(c.r)
			if err != nil {
				return err
			}
			if r.isError() {
				return fmt.Errorf("vbench: command %d (%v) failed: %s", i, gen(i)[0], r.Str)
			}
		}
	}
	return nil
}

// phases of a writer load; the controller moves the load through them.
const (
	phaseWarm = iota
	phaseBefore
	phaseDuring
	phaseAfter
	numPhases
)

// writerLoad runs clients connections that each SET random keys of a
// keyspace in a closed loop, one command at a time, and records every
// latency in the histogram of the phase current when the command was sent.
type writerLoad struct {
	addr     string
	clients  int
	keyspace int
	phase    atomic.Int32
	wg       sync.WaitGroup
	mu       sync.Mutex
	hists    [numPhases]hist
	ops      [numPhases]uint64
	errs     []error
}

// startWriters starts the load in phaseWarm.
func startWriters(ctx context.Context, addr string, clients, keyspace int) (*writerLoad, error) {
	w := &writerLoad{addr: addr, clients: clients, keyspace: keyspace}
	conns := make([]*client, clients)
	for i := range conns {
		c, err := dial(addr)
		if err != nil {
			for _, c := range conns[:i] {
				c.Close()
			}
			return nil, err
		}
		conns[i] = c
	}
	for i, c := range conns {
		w.wg.Add(1)
		go w.run(ctx, c, uint64(i))
	}
	return w, nil
}

func (w *writerLoad) run(ctx context.Context, c *client, seed uint64) {
	defer w.wg.Done()
	defer c.Close()
	var hs [numPhases]hist
	var ops [numPhases]uint64
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	key := make([]byte, 0, 32)
	var err error
	for ctx.Err() == nil {
		k := rng.IntN(w.keyspace)
		key = strconv.AppendInt(append(key[:0], "key:"...), int64(k), 10)
		p := w.phase.Load()
		t0 := time.Now()
		c.send("SET", string(key), "value:"+strconv.Itoa(k))
		if err = c.flush(); err != nil {
			break
		}
		var r reply
		if r, err = readReply(c.r); err != nil {
			break
		}
		if r.isError() {
			err = fmt.Errorf("vbench: SET failed: %s", r.Str)
			break
		}
		hs[p].record(time.Since(t0))
		ops[p]++
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range hs {
		w.hists[i].merge(&hs[i])
		w.ops[i] += ops[i]
	}
	if err != nil && ctx.Err() == nil {
		w.errs = append(w.errs, err)
	}
}

// setPhase switches the phase that new commands are counted in.
func (w *writerLoad) setPhase(p int) { w.phase.Store(int32(p)) }

// wait waits for all writers to stop after ctx is cancelled and returns
// the first error any of them met.
func (w *writerLoad) wait() error {
	w.wg.Wait()
	if len(w.errs) > 0 {
		return w.errs[0]
	}
	return nil
}

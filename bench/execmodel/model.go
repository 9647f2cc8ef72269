package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// model runs batches against the keyspace in one total order. exec returns
// once b.out holds the replies of all commands in b.
type model interface {
	exec(b *batch)
}

// newModel returns the model called name, which runs commands against d.
func newModel(name string, d *db) (model, error) {
	switch name {
	case "mutex":
		return &mutexModel{db: d}, nil
	case "executor":
		return newExecutorModel(d), nil
	case "lockfree":
		return newLockfreeModel(d), nil
	}
	return nil, fmt.Errorf("execmodel: unknown mode %q (want mutex, executor or lockfree)", name)
}

// mutexModel runs each batch on the connection's goroutine while holding one
// global lock.
type mutexModel struct {
	mu sync.Mutex
	db *db
}

func (m *mutexModel) exec(b *batch) {
	m.mu.Lock()
	m.db.run(b)
	m.mu.Unlock()
}

// executorModel sends each batch over one shared channel to a single
// executor goroutine and waits on the batch's own channel for completion.
type executorModel struct {
	ch chan *batch
}

func newExecutorModel(d *db) *executorModel {
	m := &executorModel{ch: make(chan *batch, 1024)}
	go func() {
		for b := range m.ch {
			d.run(b)
			b.done <- struct{}{}
		}
	}()
	return m
}

func (m *executorModel) exec(b *batch) {
	m.ch <- b
	<-b.done
}

// lockfreeModel pushes batches onto a lock-free stack (a Treiber stack) that
// a single executor goroutine empties with one atomic swap, then runs in
// arrival order. The executor parks on a one-slot channel only when the
// stack is empty; the producer that makes the stack non-empty wakes it.
type lockfreeModel struct {
	head atomic.Pointer[batch]
	wake chan struct{}
	db   *db
}

func newLockfreeModel(d *db) *lockfreeModel {
	m := &lockfreeModel{wake: make(chan struct{}, 1), db: d}
	go m.loop()
	return m
}

func (m *lockfreeModel) exec(b *batch) {
	for {
		old := m.head.Load()
		b.next = old
		if m.head.CompareAndSwap(old, b) {
			if old == nil {
				select {
				case m.wake <- struct{}{}:
				default: // a wake-up is already pending
				}
			}
			break
		}
	}
	<-b.done
}

// loop is the executor. A push onto an empty stack always leaves a token in
// wake, so the executor cannot sleep while work is queued.
func (m *lockfreeModel) loop() {
	var order []*batch
	for {
		top := m.head.Swap(nil)
		if top == nil {
			<-m.wake
			continue
		}
		order = order[:0]
		for b := top; b != nil; b = b.next {
			order = append(order, b)
		}
		for i := len(order) - 1; i >= 0; i-- {
			b := order[i]
			b.next = nil
			m.db.run(b)
			b.done <- struct{}{}
		}
	}
}

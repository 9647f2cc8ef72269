package main

// batch is the unit of work a connection hands to an execution model: every
// complete command that one read made available, and the buffer their
// replies go to. A connection owns one batch for its whole life and reuses
// its slices, so steady-state batches allocate nothing.
type batch struct {
	argv [][]byte // arguments of all commands, aliasing the read buffer
	ends []int    // ends[i] is the index in argv just past command i
	out  []byte   // replies, appended in command order
	quit bool     // QUIT ran: write the replies, then close

	done chan struct{} // signalled by executor models when out is ready
	next *batch        // link in the lockfree model's stack
}

// newBatch returns an empty batch.
func newBatch() *batch {
	return &batch{
		argv: make([][]byte, 0, 64),
		ends: make([]int, 0, 32),
		out:  make([]byte, 0, 4096),
		done: make(chan struct{}, 1),
	}
}

// reset empties b for the next read, keeping its buffers.
func (b *batch) reset() {
	clear(b.argv) // drop references into the old read buffer contents
	b.argv = b.argv[:0]
	b.ends = b.ends[:0]
	b.out = b.out[:0]
}

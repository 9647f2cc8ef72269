// Command execmodel is a throw-away measurement server that compares ways of
// running every write of a Go server in one total order.
//
// It speaks just enough RESP2 for redis-benchmark (PING, SET, GET, INCR, DEL,
// DBSIZE, FLUSHALL, ECHO, QUIT and CONFIG GET) over a single
// map[string][]byte keyspace, and it executes commands under one of these
// models, chosen with -mode:
//
//   - mutex: each connection goroutine reads what the socket has, parses every
//     complete command in it, runs the whole batch under one global
//     sync.Mutex and writes all replies with one write call.
//   - executor: each connection goroutine parses a batch and sends it over a
//     shared channel to a single executor goroutine, then waits on its own
//     channel for the replies and writes them with one write call.
//   - lockfree: like executor, but batches are pushed onto a lock-free
//     multi-producer stack that the executor empties with one atomic swap;
//     the executor sleeps on a one-slot channel only when the stack is empty.
//   - epoll (Linux, epoll.go): no net package at all. One goroutine locked to
//     its thread runs an epoll event loop, as Redis's main thread does: one
//     read per readable socket, the commands executed at once, every
//     connection's replies written after the pass's events.
//
// The parser slices arguments out of the connection's read buffer without
// copying, and every connection reuses its argument, command and reply
// buffers, so the steady state of a SET/GET/INCR workload on existing keys
// allocates nothing. That keeps the comparison about the execution model.
//
// run.sh builds the server and compares it with redis-server using
// redis-benchmark; RESULTS.md holds the numbers and their reading.
package main

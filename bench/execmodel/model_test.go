package main

import (
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkModel measures what each model adds per batch without the
// network: 50 goroutines, like redis-benchmark's 50 clients, each submit
// batches of SET commands on one key. Run it with -cpu 1,2. Besides wall
// time it reports the process's CPU time per batch (cpu-ns/op), which is
// what matters on a shared machine where wall time includes waiting for a
// core.
func BenchmarkModel(b *testing.B) {
	for _, mode := range modes {
		for _, size := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/batch=%d", mode, size), func(b *testing.B) {
				m, err := newModel(mode, newDB())
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				start := cpuTime(b)
				b.SetParallelism(max(1, 50/runtime.GOMAXPROCS(0)))
				b.RunParallel(func(pb *testing.PB) {
					bt := newBatch()
					for range size {
						bt.argv = append(bt.argv, toArgv(strings.Fields("SET key:__rand_int__ VXK"))...)
						bt.ends = append(bt.ends, len(bt.argv))
					}
					for pb.Next() {
						bt.out = bt.out[:0]
						m.exec(bt)
					}
				})
				b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// cpuTime returns the user plus system CPU time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

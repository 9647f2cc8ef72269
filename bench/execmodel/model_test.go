package main

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkModel measures what each model adds per batch without the
// network: 50 goroutines, like redis-benchmark's 50 clients, each submit
// batches of SET commands on one key. Run it with -cpu 1,2.
func BenchmarkModel(b *testing.B) {
	for _, mode := range modes {
		for _, size := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/batch=%d", mode, size), func(b *testing.B) {
				m, err := newModel(mode, newDB())
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
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
			})
		}
	}
}

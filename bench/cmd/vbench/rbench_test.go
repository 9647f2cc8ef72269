package main

import (
	"math"
	"os"
	"strings"
	"testing"
)

func TestParseBenchOutput(t *testing.T) {
	b, err := os.ReadFile("testdata/redis-benchmark-7.0.15.txt")
	if err != nil {
		t.Fatal(err)
	}
	res, err := parseBenchOutput(string(b))
	if err != nil {
		t.Fatal(err)
	}
	want := []benchResult{
		{Test: "SET", Title: "SET", Requests: 3000, RPS: 20689.66, Avg: 1.674, Min: 0.408, P50: 1.103, P95: 2.871, P99: 25.407, P999: 26.079, Max: 26.127},
		{Test: "LPUSH", Title: "LPUSH (needed to benchmark LRANGE)", Requests: 3000, RPS: 9493.67, Avg: 3.478, Min: 0.440, P50: 3.031, P95: 9.095, P99: 10.935, P999: 12.023, Max: 12.087},
		{Test: "LRANGE_100", Title: "LRANGE_100 (first 100 elements)", Requests: 3000, RPS: 6329.11, Avg: 5.298, Min: 0.504, P50: 3.799, P95: 8.863, P99: 52.063, P999: 53.887, Max: 53.983},
		{Test: "MSET", Title: "MSET (10 keys)", Requests: 3000, RPS: 12096.77, Avg: 3.435, Min: 0.336, P50: 0.903, P95: 5.271, P99: 137.471, P999: 138.495, Max: 138.495},
	}
	if len(res) != len(want) {
		t.Fatalf("got %d results, want %d: %+v", len(res), len(want), res)
	}
	for i, w := range want {
		t.Run(w.Test, func(t *testing.T) {
			if res[i] != w {
				t.Errorf("got %+v, want %+v", res[i], w)
			}
		})
	}
}

// Ensure that a run too short for redis-benchmark's millisecond clock, which
// prints an infinite throughput, still parses (TestCompareEndToEnd's quick
// LPUSH fill failed 1 run in 3 on a loaded machine).
func TestParseBenchOutputInf(t *testing.T) {
	res, err := parseBenchOutput("====== LPUSH ======\n  20 requests completed in 0.00 seconds\nSummary:\n  throughput summary: inf requests per second\n" +
		"  latency summary (msec):\n          avg       min       p50       p95       p99       max\n        0.145     0.048     0.143     0.239     0.255     0.255\n")
	if err != nil || len(res) != 1 || !math.IsInf(res[0].RPS, 1) {
		t.Fatalf("got %+v, %v; want one result with an infinite throughput", res, err)
	}
}

func TestParseBenchOutputErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "no test"},
		{"no summary", "====== SET ======\n  10 requests completed in 0.1 seconds\n", "no throughput summary"},
		{"bad latency", "====== SET ======\nthroughput summary: 5.0 requests per second\nlatency summary (msec):\n avg min\n 1 2 3\n", "latency summary"},
		{"bad number", "====== SET ======\nlatency summary (msec):\n h\n 1 2 3 4 5 x\n", "latency summary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseBenchOutput(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseBenchOutputFewRequests(t *testing.T) {
	// With too few requests HDR lists no step at or above 99.9%; p99.9 is
	// then the maximum.
	in := "====== GET ======\nLatency by percentile distribution:\n50.000% <= 0.5 milliseconds (cumulative count 1)\n" +
		"throughput summary: 10.00 requests per second\nlatency summary (msec):\n avg min p50 p95 p99 max\n 1 0.5 0.5 2 2 2.5\n"
	res, err := parseBenchOutput(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := res[0].P999; got != 2.5 {
		t.Errorf("got p99.9 %v, want the max 2.5", got)
	}
}

func FuzzParseBenchOutput(f *testing.F) {
	b, err := os.ReadFile("testdata/redis-benchmark-7.0.15.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Add("====== X ======\nthroughput summary: 1 requests per second\n")
	f.Add("====== ======\n")
	f.Fuzz(func(t *testing.T, s string) {
		res, err := parseBenchOutput(s)
		if err == nil && len(res) == 0 {
			t.Errorf("got no results and no error")
		}
	})
}

package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseGoBench(t *testing.T) {
	f, err := os.Open("testdata/gobench.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	run, err := parseGoBench(f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range run.benches {
		names = append(names, shortPkg(b.pkg)+"."+b.name)
	}
	want := []string{"internal/keyspace.BenchmarkDictSet", "internal/keyspace.BenchmarkDictGet",
		"internal/rdb.BenchmarkReader/copy", "internal/rdb.BenchmarkCRC64/64B", "internal/resp.BenchmarkParserPipeline"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("got benchmarks %q, want %q", names, want)
	}
	set := run.benches[0]
	if got := median(set.nsOp); got != 3541 {
		t.Errorf("DictSet ns/op: got median %v, want 3541", got)
	}
	if got := median(set.bOp); got != 76 {
		t.Errorf("DictSet B/op: got median %v, want 76", got)
	}
	if got := median(run.benches[2].mbS); got != 110.68 {
		t.Errorf("Reader MB/s: got %v, want 110.68", got)
	}
	if want := []string{"github.com/vestadb/vesta/internal/server [build failed]"}; !reflect.DeepEqual(run.failed, want) {
		t.Errorf("got failed %q, want %q", run.failed, want)
	}
	if run.cpu != "Oxide Virtual Turin-like Processor" {
		t.Errorf("got cpu %q", run.cpu)
	}

	md := run.markdown()
	for _, s := range []string{
		"| internal/keyspace | DictSet | 3541 | – | 76 | 1 |",
		"- RESP parse: internal/resp.BenchmarkParserPipeline",
		"- RESP encode: **no benchmark**",
		"- hash table get: internal/keyspace.BenchmarkDictGet",
		"- hash table grow: **no benchmark**",
		"- AOF group commit: **no benchmark**",
		"- RDB decode: internal/rdb.BenchmarkReader/copy",
		"Failed (not measured): github.com/vestadb/vesta/internal/server [build failed]",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
}

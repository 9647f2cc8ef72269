package interop

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// Function libraries in data files, both ways: a dump.rdb (FUNCTION2
// items), an AOF directory with an RDB-preamble base, with a RESP base
// (FUNCTION LOAD commands), and with FUNCTION LOAD/DELETE in its incr file.

var libSources = []string{
	"#!lua name=counters\n" +
		"redis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n" +
		"redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='read one'}",
	"#!lua name=big\n" + "local pad = '" + strings.Repeat("0123456789", 30) + "'\n" +
		"redis.register_function('pad', function() return pad end)",
	"#!lua name=gone\nredis.register_function('gone', function() return 1 end)",
}

// functionWorkload loads the libraries, deletes one and calls the others.
func functionWorkload() [][]string {
	var cmds [][]string
	for _, l := range libSources {
		cmds = append(cmds, []string{"FUNCTION", "LOAD", l})
	}
	cmds = append(cmds,
		[]string{"FUNCTION", "DELETE", "gone"},
		[]string{"FCALL", "bump", "1", "ctr", "5"},
		[]string{"FCALL", "bump", "1", "ctr", "7"},
		[]string{"SET", "plain", "v"},
		[]string{"FUNCTION", "LOAD", "REPLACE", libSources[0]},
	)
	return cmds
}

// functionState is what a server knows of the libraries and the keys
// they wrote: FUNCTION LIST WITHCODE sorted into one string per library,
// and the results of calling each function.
func functionState(t *testing.T, s *testutil.Server) string {
	t.Helper()
	c := testutil.Dial(t, s.Addr)
	defer c.Close()
	var libs []string
	for _, name := range []string{"counters", "big", "gone"} {
		libs = append(libs, name+"="+listing(c.DoValue("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", name)))
	}
	libs = append(libs,
		"peek="+testutil.Escape(c.Do("FCALL_RO", "peek", "1", "ctr")),
		"pad="+testutil.Escape(c.Do("FCALL", "pad", "0")),
		"digest="+testutil.Escape(c.Do("DEBUG", "DIGEST")),
	)
	return strings.Join(libs, "\n")
}

func TestFunctionFilesBothWays(t *testing.T) {
	cases := []struct {
		name string
		kind string
		args []string
		save [][]string
	}{
		{"rdb", "rdb", []string{"--enable-debug-command", "yes"}, [][]string{{"SAVE"}}},
		{"aof-incr", "aof", append(append([]string{}, common...), "--aof-use-rdb-preamble", "yes"), nil},
		{"aof-rdb-base", "aof", append(append([]string{}, common...), "--aof-use-rdb-preamble", "yes"), [][]string{{"BGREWRITEAOF"}}},
		{"aof-resp-base", "aof", append(append([]string{}, common...), "--aof-use-rdb-preamble", "no"), [][]string{{"BGREWRITEAOF"}}},
	}
	for _, tc := range cases {
		for _, from := range []string{"vesta", "redis"} {
			t.Run(tc.name+"/from-"+from, func(t *testing.T) {
				start := map[string]func(testing.TB, ...string) *testutil.Server{"vesta": testutil.StartVesta, "redis": testutil.StartRedis}
				to := map[string]string{"vesta": "redis", "redis": "vesta"}[from]
				src := start[from](t, tc.args...)
				run(t, src, functionWorkload())
				run(t, src, tc.save)
				if tc.kind == "aof" && len(tc.save) > 0 {
					waitRewrite(t, src)
					run(t, src, [][]string{{"FCALL", "bump", "1", "ctr", "1"}})
				}
				want := functionState(t, src)
				if !strings.Contains(want, "read one") || !strings.Contains(want, "gone=0 libraries") {
					t.Fatalf("%s: unexpected state before the copy:\n%s", from, want)
				}
				src.Stop()
				dst := start[to](t, tc.args...)
				dst.Stop()
				installData(t, tc.kind, src, dst)
				dst.StartAgain()
				if got := functionState(t, dst); got != want {
					t.Fatalf("%s loaded %s's files with\n%s\nwant\n%s\n%s", to, from, got, want, dst.Log())
				}
			})
		}
	}
}

// listing formats a FUNCTION LIST reply (RESP2) with each library's
// functions sorted by name: Redis lists them in hash order.
func listing(v any) string {
	libs, _ := v.([]any)
	var out []string
	for _, l := range libs {
		fields, _ := l.([]any)
		var parts []string
		for i := 0; i+1 < len(fields); i += 2 {
			if fields[i] == "functions" {
				fns, _ := fields[i+1].([]any)
				var names []string
				for _, f := range fns {
					names = append(names, fmt.Sprint(f))
				}
				sort.Strings(names)
				parts = append(parts, "functions="+strings.Join(names, ";"))
				continue
			}
			parts = append(parts, fmt.Sprint(fields[i])+"="+fmt.Sprint(fields[i+1]))
		}
		out = append(out, strings.Join(parts, " "))
	}
	return fmt.Sprintf("%d libraries: %s", len(libs), strings.Join(out, " | "))
}

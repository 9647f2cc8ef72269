package integration

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vestadb/vesta/internal/testutil"
)

// Ensure that go-redis's function API works over RESP2 and RESP3:
// FunctionLoad(Replace), FCall, FCallRO, FunctionList (with code and a
// pattern), FunctionStats, FunctionDump and FunctionRestore, FunctionDelete
// and FunctionFlush.
func TestGoRedisFunctions(t *testing.T) {
	s := testutil.StartVesta(t)
	ctx := context.Background()
	const lib = "#!lua name=golib\n" +
		"redis.register_function('go_incr', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n" +
		"redis.register_function{function_name='go_get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='read'}"
	for proto, rc := range goRedisClients(t, s.Addr) {
		t.Run(proto, func(t *testing.T) {
			must(t, rc.FunctionFlush(ctx).Err())
			if name, err := rc.FunctionLoad(ctx, lib).Result(); err != nil || name != "golib" {
				t.Fatalf("FunctionLoad: %q, %v", name, err)
			}
			if err := rc.FunctionLoad(ctx, lib).Err(); err == nil || err.Error() != "ERR Library 'golib' already exists" {
				t.Errorf("FunctionLoad again: %v", err)
			}
			must(t, rc.FunctionLoadReplace(ctx, lib).Err())
			key := proto + ":ctr"
			if n, err := rc.FCall(ctx, "go_incr", []string{key}, 5).Int64(); err != nil || n != 5 {
				t.Errorf("FCall: %d, %v", n, err)
			}
			if v, err := rc.FCallRO(ctx, "go_get", []string{key}).Text(); err != nil || v != "5" {
				t.Errorf("FCallRO: %q, %v", v, err)
			}
			if err := rc.FCallRO(ctx, "go_incr", []string{key}, 1).Err(); err == nil {
				t.Errorf("FCallRO of a write function succeeded")
			}
			libs, err := rc.FunctionList(ctx, redis.FunctionListQuery{LibraryNamePattern: "go*", WithCode: true}).Result()
			if err != nil || len(libs) != 1 || libs[0].Name != "golib" || libs[0].Engine != "LUA" || libs[0].Code != lib || len(libs[0].Functions) != 2 {
				t.Fatalf("FunctionList: %+v, %v", libs, err)
			}
			for _, f := range libs[0].Functions {
				if f.Name == "go_get" && (f.Description != "read" || len(f.Flags) != 1 || f.Flags[0] != "no-writes") {
					t.Errorf("go_get listed as %+v", f)
				}
			}
			st, err := rc.FunctionStats(ctx).Result()
			if err != nil || st.Running() || len(st.Engines) != 1 || st.Engines[0].FunctionsCount != 2 || st.Engines[0].LibrariesCount != 1 {
				t.Errorf("FunctionStats: %+v, %v", st, err)
			}
			dump, err := rc.FunctionDump(ctx).Result()
			must(t, err)
			must(t, rc.FunctionDelete(ctx, "golib").Err())
			if err := rc.FCall(ctx, "go_incr", []string{key}, 1).Err(); err == nil || err.Error() != "ERR Function not found" {
				t.Errorf("FCall after delete: %v", err)
			}
			must(t, rc.FunctionRestore(ctx, dump).Err())
			if n, err := rc.FCall(ctx, "go_incr", []string{key}, 2).Int64(); err != nil || n != 7 {
				t.Errorf("FCall after restore: %d, %v", n, err)
			}
		})
	}
}

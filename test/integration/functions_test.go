package integration

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Ensure that go-redis's function API works over RESP2 and RESP3:
// FunctionLoad(Replace), FCall, FCallRO, FunctionList (with code and a
// pattern), FunctionStats, FunctionDump and FunctionRestore, FunctionDelete
// and FunctionFlush. The same steps run against redis-server, so that the
// expected replies and error texts are Redis's.
func TestGoRedisFunctions(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) { goRedisFunctions(t, tg.start(t).Addr) })
	}
}

func goRedisFunctions(t *testing.T, addr string) {
	ctx := context.Background()
	const lib = "#!lua name=golib\n" +
		"redis.register_function('go_incr', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n" +
		"redis.register_function{function_name='go_get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='read'}"
	for proto, rc := range goRedisClients(t, addr) {
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

// redis-py's function API with Debian's python3-redis: function_load
// (and replace), fcall, fcall_ro, function_list (with a pattern and with
// code), function_stats, function_dump and function_restore with each
// policy, function_delete and function_flush. The script asserts what it
// can state on its own and prints the replies it got (function lists with
// their functions sorted by name: Redis lists them in hash order); the
// same script runs against redis-server, and the two outputs must be
// equal.
func TestRedisPyFunctions(t *testing.T) {
	py := requireRedisPy(t)
	const prog = `
import sys, redis
r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]), decode_responses=True)
seen = []
def err(f, *a):
    try:
        f(*a)
    except redis.exceptions.ResponseError as e:
        seen.append(str(e))
        return str(e)
    raise SystemExit('no error from %s%r' % (f.__name__, a))
def pairs(x):
    return dict(zip(x[::2], x[1::2]))
def libs(x):
    out = []
    for l in x:
        d = pairs(l)
        d['functions'] = sorted((pairs(f) for f in d['functions']), key=lambda f: f['name'])
        out.append(d)
    return sorted(out, key=lambda d: d['library_name'])

lib = """#!lua name=pylib
redis.register_function('py_incr', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)
redis.register_function{function_name='py_get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='read one key'}
redis.register_function('py_echo', function(keys, args) return {keys[1], args[1], #args} end)
"""
r.function_flush()
assert r.function_load(lib) == 'pylib'
assert 'already exists' in err(r.function_load, lib)
assert r.function_load(lib, replace=True) == 'pylib'
assert r.fcall('py_incr', 1, 'ctr', 5) == 5
assert r.fcall('py_incr', 1, 'ctr', 2) == 7
assert r.fcall_ro('py_get', 1, 'ctr') == '7'
assert r.fcall('py_echo', 1, 'k', 'a', 'b') == ['k', 'a', 2]
err(r.fcall_ro, 'py_incr', 1, 'ctr', 1)
assert r.get('ctr') == '7'
assert err(r.fcall, 'nosuch', 0) == 'Function not found'
err(r.fcall, 'py_incr', 2, 'ctr')

listed = libs(r.function_list())
assert len(listed) == 1, listed
l = listed[0]
assert l['library_name'] == 'pylib' and l['engine'] == 'LUA' and 'library_code' not in l, l
assert [f['name'] for f in l['functions']] == ['py_echo', 'py_get', 'py_incr'], l
g = l['functions'][1]
assert g['description'] == 'read one key' and g['flags'] == ['no-writes'], g
assert l['functions'][2]['description'] is None and l['functions'][2]['flags'] == [], l
withcode = libs(r.function_list(library='py*', withcode=True))
assert withcode[0]['library_code'] == lib, withcode
assert r.function_list(library='nomatch*') == []
stats = pairs(r.function_stats())
assert stats['running_script'] is None, stats
assert pairs(stats['engines'])['LUA'] == ['libraries_count', 1, 'functions_count', 3], stats

dump = r.function_dump()
assert isinstance(dump, bytes) and len(dump) > 0, dump
assert 'already exists' in err(r.function_restore, dump)
assert r.function_delete('pylib')
assert err(r.fcall, 'py_incr', 1, 'ctr', 1) == 'Function not found'
assert r.function_restore(dump)
assert r.fcall('py_incr', 1, 'ctr', 2) == 9
assert r.function_restore(dump, 'REPLACE')
assert r.function_load("#!lua name=other\nredis.register_function('other_one', function() return 1 end)") == 'other'
assert [l['library_name'] for l in libs(r.function_list())] == ['other', 'pylib']
assert r.function_restore(dump, 'FLUSH')
assert [l['library_name'] for l in libs(r.function_list())] == ['pylib']
err(r.function_restore, dump, 'NOSUCH')
err(r.function_restore, b'not a dump', 'REPLACE')
assert r.function_flush()
assert r.function_list() == []
err(r.function_delete, 'pylib')

print(repr(listed))
print(repr(withcode))
print(repr(stats))
print(repr(seen))
print('OK')
`
	outs := map[string]string{}
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			s := tg.start(t)
			out, err := exec.Command(py, "-c", prog, strconv.Itoa(s.Port)).CombinedOutput()
			if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "\nOK") {
				t.Fatalf("redis-py against %s: %v\n%s", tg.name, err, out)
			}
			outs[tg.name] = string(out)
		})
	}
	if v, r := outs["vesta"], outs["redis"]; v != "" && r != "" && v != r {
		t.Errorf("redis-py's replies differ:\n--- vesta ---\n%s--- redis ---\n%s", v, r)
	}
}

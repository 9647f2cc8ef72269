package integration

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vestadb/vesta/internal/testutil"
)

// goRedisClients returns a RESP2 and a RESP3 go-redis client for addr.
func goRedisClients(t *testing.T, addr string) map[string]*redis.Client {
	return map[string]*redis.Client{
		"resp2": testutil.GoRedisOptions(t, &redis.Options{Addr: addr, Protocol: 2}),
		"resp3": testutil.GoRedisOptions(t, &redis.Options{Addr: addr, Protocol: 3}),
	}
}

// Ensure that go-redis's everyday string and key commands work over RESP2
// and RESP3.
func TestGoRedisBasics(t *testing.T) {
	s := testutil.StartVesta(t)
	ctx := context.Background()
	for proto, rc := range goRedisClients(t, s.Addr) {
		t.Run(proto, func(t *testing.T) {
			k := func(n string) string { return proto + ":" + n }
			must(t, rc.Set(ctx, k("s"), "v", 0).Err())
			if v, err := rc.Get(ctx, k("s")).Result(); err != nil || v != "v" {
				t.Errorf("GET: got %q, %v", v, err)
			}
			if _, err := rc.Get(ctx, k("missing")).Result(); !errors.Is(err, redis.Nil) {
				t.Errorf("GET missing: got %v, want redis.Nil", err)
			}
			if n, err := rc.Incr(ctx, k("n")).Result(); err != nil || n != 1 {
				t.Errorf("INCR: got %d, %v", n, err)
			}
			if n, err := rc.IncrBy(ctx, k("n"), 41).Result(); err != nil || n != 42 {
				t.Errorf("INCRBY: got %d, %v", n, err)
			}
			if f, err := rc.IncrByFloat(ctx, k("n"), 0.5).Result(); err != nil || f != 42.5 {
				t.Errorf("INCRBYFLOAT: got %v, %v", f, err)
			}
			if err := rc.Incr(ctx, k("s")).Err(); err == nil || !strings.Contains(err.Error(), "not an integer") {
				t.Errorf("INCR on a non-integer: got %v", err)
			}
			if ok, err := rc.Expire(ctx, k("s"), 100*time.Second).Result(); err != nil || !ok {
				t.Errorf("EXPIRE: got %v, %v", ok, err)
			}
			if d, err := rc.TTL(ctx, k("s")).Result(); err != nil || d <= 90*time.Second || d > 100*time.Second {
				t.Errorf("TTL: got %v, %v; want about 100s", d, err)
			}
			if d, err := rc.PTTL(ctx, k("s")).Result(); err != nil || d <= 90*time.Second || d > 100*time.Second {
				t.Errorf("PTTL: got %v, %v; want about 100s", d, err)
			}
			if d, err := rc.TTL(ctx, k("n")).Result(); err != nil || d != -1 {
				t.Errorf("TTL without expire: got %v, %v; want -1 (go-redis's -1ns)", d, err)
			}
			if ok, err := rc.SetNX(ctx, k("s"), "x", 0).Result(); err != nil || ok {
				t.Errorf("SETNX existing: got %v, %v", ok, err)
			}
			if v, err := rc.SetArgs(ctx, k("s"), "w", redis.SetArgs{Get: true, KeepTTL: true}).Result(); err != nil || v != "v" {
				t.Errorf("SET GET KEEPTTL: got %q, %v", v, err)
			}
			if vals, err := rc.MGet(ctx, k("s"), k("missing"), k("n")).Result(); err != nil || len(vals) != 3 || vals[0] != "w" || vals[1] != nil || vals[2] != "42.5" {
				t.Errorf("MGET: got %#v, %v", vals, err)
			}
			if n, err := rc.Del(ctx, k("s"), k("n"), k("missing")).Result(); err != nil || n != 2 {
				t.Errorf("DEL: got %d, %v", n, err)
			}
			if n, err := rc.Exists(ctx, k("s")).Result(); err != nil || n != 0 {
				t.Errorf("EXISTS after DEL: got %d, %v", n, err)
			}
		})
	}
}

// Ensure that pipelines of many commands come back complete and in order.
func TestGoRedisPipeline(t *testing.T) {
	s := testutil.StartVesta(t)
	ctx := context.Background()
	for proto, rc := range goRedisClients(t, s.Addr) {
		t.Run(proto, func(t *testing.T) {
			const n = 1000
			pipe := rc.Pipeline()
			incrs := make([]*redis.IntCmd, n)
			for i := 0; i < n; i++ {
				pipe.Set(ctx, proto+":p"+strconv.Itoa(i), i, 0)
				incrs[i] = pipe.Incr(ctx, proto+":p"+strconv.Itoa(i))
			}
			get := pipe.Get(ctx, proto+":p999")
			if _, err := pipe.Exec(ctx); err != nil {
				t.Fatalf("pipeline: %v", err)
			}
			for i, c := range incrs {
				if c.Val() != int64(i+1) {
					t.Fatalf("INCR %d in pipeline: got %d, want %d", i, c.Val(), i+1)
				}
			}
			if get.Val() != "1000" {
				t.Errorf("GET at the end of the pipeline: got %q", get.Val())
			}
		})
	}
}

// Ensure that go-redis transactions (MULTI/EXEC pipelines) work.
func TestGoRedisTxPipeline(t *testing.T) {
	s := testutil.StartVesta(t)
	if reply := string(testutil.Dial(t, s.Addr).Do("MULTI")); strings.HasPrefix(reply, "-ERR unknown command") {
		t.Skip("needs MULTI")
	}
	ctx := context.Background()
	for proto, rc := range goRedisClients(t, s.Addr) {
		t.Run(proto, func(t *testing.T) {
			k := proto + ":tx"
			cmds, err := rc.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, k, "1", 0)
				p.Incr(ctx, k)
				p.Get(ctx, k)
				return nil
			})
			if err != nil {
				t.Fatalf("TxPipelined: %v", err)
			}
			if len(cmds) != 3 || cmds[2].(*redis.StringCmd).Val() != "2" {
				t.Fatalf("TxPipelined results: got %v", cmds)
			}
			// A queued command that fails at EXEC time does not abort the
			// others.
			cmds, err = rc.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, k, "abc", 0)
				p.Incr(ctx, k)
				p.Append(ctx, k, "d")
				return nil
			})
			if err == nil || len(cmds) != 3 || cmds[2].(*redis.IntCmd).Val() != 4 {
				t.Fatalf("EXEC with a failing command: got %v, %v", cmds, err)
			}
			// WATCH: a key changed by another client aborts the transaction.
			err = rc.Watch(ctx, func(tx *redis.Tx) error {
				must(t, rc.Set(ctx, k, "changed", 0).Err())
				_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, k, "mine", 0)
					return nil
				})
				return err
			}, k)
			if !errors.Is(err, redis.TxFailedErr) {
				t.Fatalf("WATCH then a concurrent change: got %v, want %v", err, redis.TxFailedErr)
			}
			if v := rc.Get(ctx, k).Val(); v != "changed" {
				t.Fatalf("value after the aborted transaction: got %q, want changed", v)
			}
		})
	}
}

// Ensure that RESP3 works through go-redis: HELLO 3 at connect, RESP3
// types decoded, CLIENT SETNAME/GETNAME, and go-redis's CLIENT SETINFO
// (unknown to Redis 7.0) not getting in the way.
func TestGoRedisResp3HelloClientName(t *testing.T) {
	s := testutil.StartVesta(t)
	ctx := context.Background()
	rc := testutil.GoRedisOptions(t, &redis.Options{Addr: s.Addr, Protocol: 3, ClientName: "vesta-test", PoolSize: 1})
	hello, err := rc.Do(ctx, "HELLO", "3").Result()
	if err != nil {
		t.Fatalf("HELLO 3: %v", err)
	}
	m, ok := hello.(map[any]any)
	if !ok {
		t.Fatalf("HELLO 3: got %T %v, want a map", hello, hello)
	}
	for key, want := range map[string]any{"server": "redis", "version": "7.0.15", "proto": int64(3), "mode": "standalone", "role": "master"} {
		if m[key] != want {
			t.Errorf("HELLO field %s: got %#v, want %#v", key, m[key], want)
		}
	}
	if name, err := rc.ClientGetName(ctx).Result(); err != nil || name != "vesta-test" {
		t.Errorf("CLIENT GETNAME: got %q, %v; want vesta-test", name, err)
	}
	must(t, rc.Do(ctx, "CLIENT", "SETNAME", "renamed").Err())
	if name, err := rc.ClientGetName(ctx).Result(); err != nil || name != "renamed" {
		t.Errorf("CLIENT GETNAME after SETNAME: got %q, %v", name, err)
	}
	if err := rc.Do(ctx, "CLIENT", "SETNAME", "has space").Err(); err == nil {
		t.Errorf("CLIENT SETNAME with a space: got no error")
	}
	if list, err := rc.ClientList(ctx).Result(); err != nil || !strings.Contains(list, "name=renamed") {
		t.Errorf("CLIENT LIST: got %q, %v", list, err)
	}
	// A RESP3 null and a RESP3 double.
	if _, err := rc.Get(ctx, "missing").Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("GET missing over RESP3: got %v, want redis.Nil", err)
	}
	if v, err := rc.Do(ctx, "HELLO", "2").Result(); err != nil {
		t.Errorf("HELLO 2: %v", err)
	} else if _, ok := v.([]any); !ok {
		t.Errorf("HELLO 2: got %T, want a flat array", v)
	}
	if v, err := rc.Do(ctx, "HELLO", "4").Result(); err == nil || !strings.Contains(err.Error(), "NOPROTO") {
		t.Errorf("HELLO 4: got %v, %v; want NOPROTO", v, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

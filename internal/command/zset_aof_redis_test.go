package command

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/testutil"
)

// zsetAOFGoldenFile holds, per command of zsetAOFScript, what
// redis-server 7.0.15 added to its dirty counter and wrote to its AOF.
const zsetAOFGoldenFile = "testdata/zset-aof-redis-7.0.15.txt"

var zsetAOFScript = []string{
	"ZADD z 1 a 2 b 3 c",
	"ZADD z 1 a",
	"zadd z CH 5 a 2 b 4 d",
	"ZADD z NX 10 a",
	"ZADD z XX 7 nope",
	"ZADD z INCR 1.5 a",
	"ZADD z GT 1 a",
	"ZADD z x a",
	"ZINCRBY z 0.25 b",
	"ZINCRBY z 0 b",
	"ZINCRBY y 1 m",
	"ZREM z nope",
	"ZREM z a b nope",
	"ZREM y m",
	"ZSCORE z c",
	"ZRANGE z 0 -1",
	"ZADD z 1 a 2 b 3 c 4 d 5 e 6 f",
	"ZREMRANGEBYRANK z 0 1",
	"ZREMRANGEBYRANK z 10 20",
	"ZREMRANGEBYSCORE z (3 4",
	"ZREMRANGEBYSCORE z 100 200",
	"ZADD lex 0 a 0 b 0 c 0 d",
	"ZREMRANGEBYLEX lex [b [c",
	"ZREMRANGEBYLEX lex [x [y",
	"ZREMRANGEBYLEX lex - +",
	"ZRANGESTORE dst z 0 -1",
	"ZRANGESTORE dst z 10 20",
	"ZRANGESTORE dst z 10 20",
	"ZRANGESTORE dst z -inf inf BYSCORE LIMIT 0 1",
	"ZADD a 1 x 2 y",
	"ZADD b 3 y 4 w",
	"ZUNIONSTORE u 2 a b",
	"ZINTERSTORE i 2 a b WEIGHTS 2 3",
	"ZDIFFSTORE d 2 a b",
	"ZDIFFSTORE d 2 a a",
	"ZDIFFSTORE d 2 a a",
	"ZUNION 2 a b",
	"ZINTERCARD 2 a b",
	"ZADD p 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h",
	"ZPOPMIN p",
	"zpopmax p 2",
	"ZPOPMIN p 0",
	"ZPOPMIN nokey",
	"BZPOPMIN nokey p 0",
	"bzpopmax p 0",
	"ZMPOP 2 nokey p MIN COUNT 2",
	"ZMPOP 1 nokey MIN",
	"BZMPOP 0 1 p MAX",
	"ZADD p 1 a 2 b 3 c",
	"BZMPOP 0 1 p MIN COUNT 10",
	"ZADD p 1 a 2 b",
	"ZMPOP 1 p MAX COUNT 5",
	"ZADD p 1 a 2 b",
	"BZPOPMAX p 0",
	"BZPOPMAX p 0",
	"EXISTS p",
	"BZPOPMIN p 0.01",
}

// zsetEffect is what one command did: the dirty counter increase and the
// operations propagated, joined with " | ".
type zsetEffect struct {
	dirty int64
	props string
}

// TestZSetPropagationMatchesRedis runs zsetAOFScript on a real
// redis-server with appendonly yes and checks, command by command, that
// Vesta propagates the same operations (read back from Redis's incr AOF
// file) and adds the same amount to the dirty counter
// (rdb_changes_since_last_save).
func TestZSetPropagationMatchesRedis(t *testing.T) {
	srv := testutil.StartRedis(t, "--appendonly", "yes", "--appendfsync", "always")
	conn := testutil.Dial(t, srv.Addr)
	incr := func() string {
		m, _ := filepath.Glob(filepath.Join(srv.Dir, "appendonlydir", "*.incr.aof"))
		if len(m) != 1 {
			t.Fatalf("incr files: %v", m)
		}
		return m[0]
	}()
	dirtyRe := regexp.MustCompile(`rdb_changes_since_last_save:(\d+)`)
	redisDirty := func() int64 {
		m := dirtyRe.FindSubmatch(conn.Do("INFO", "persistence"))
		n, _ := strconv.ParseInt(string(m[1]), 10, 64)
		return n
	}
	seen := 0
	redisProps := func() string {
		b, err := os.ReadFile(incr)
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		r := aof.NewReader(bytes.NewReader(b), 0)
		for {
			args, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if !eq(args[0], "SELECT") {
				all = append(all, strings.Join(strs(args), " "))
			}
		}
		out := all[seen:]
		seen = len(all)
		return strings.Join(out, " | ")
	}
	var rec []string
	checkZSetEffects(t, func(args []string) zsetEffect {
		before := redisDirty()
		conn.Do(args...)
		e := zsetEffect{redisDirty() - before, redisProps()}
		rec = append(rec, fmt.Sprintf("%d\t%s", e.dirty, e.props))
		return e
	})
	if *updateZSetGolden && !t.Failed() {
		if err := os.WriteFile(zsetAOFGoldenFile, []byte(strings.Join(rec, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestZSetPropagationGolden checks the same against what redis-server
// 7.0.15 did when the file was recorded.
func TestZSetPropagationGolden(t *testing.T) {
	data, err := os.ReadFile(zsetAOFGoldenFile)
	if err != nil {
		t.Fatal(err)
	}
	recs := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(recs) != len(zsetAOFScript) {
		t.Fatalf("%s has %d records for %d commands: re-record it with -update-zset-redis", zsetAOFGoldenFile, len(recs), len(zsetAOFScript))
	}
	i := 0
	checkZSetEffects(t, func([]string) zsetEffect {
		d, props, _ := strings.Cut(recs[i], "\t")
		i++
		n, _ := strconv.ParseInt(d, 10, 64)
		return zsetEffect{n, props}
	})
}

// checkZSetEffects runs zsetAOFScript on a tester and compares the effect
// of each command with what ref reports for it.
func checkZSetEffects(t *testing.T, ref func(args []string) zsetEffect) {
	tt := newTester(t)
	for _, line := range zsetAOFScript {
		args := scriptArgs(t, line)
		want := ref(args)
		before, nAlso := tt.ks.Dirty, len(tt.env.props)
		tt.doArgs(args...)
		var props []string
		if p := tt.lastProp(); p != "" {
			props = append(props, p)
		}
		for _, p := range tt.env.props[nAlso:] {
			props = append(props, strings.Join(p, " "))
		}
		got := zsetEffect{tt.ks.Dirty - before, strings.Join(props, " | ")}
		if got != want {
			t.Errorf("%s: dirty +%d, propagated %q; want +%d, %q", line, got.dirty, got.props, want.dirty, want.props)
		}
	}
}

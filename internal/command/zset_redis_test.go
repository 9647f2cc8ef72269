package command

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/testutil"
)

// The sorted-set commands are checked against a real redis-server 7.0: each
// script below runs on both, in RESP2 and RESP3, and with the default
// listpack limits as well as with limits that force the skiplist encoding
// (zset-max-listpack-entries 0), and every reply must be byte-identical.
//
// Script lines are commands split on spaces. A token written as a Go string
// literal ("a b", "", "\x00") is unquoted. A line may start with a mode:
//
//	~scan   ZSCAN reply compared with its member/score pairs sorted when
//	        the set is a skiplist (hash order differs between the servers)
//	~shape  only the structure is compared (random replies): element
//	        counts and reply types
//	!limits E V   set zset-max-listpack-entries/-value on both sides
//	!sadd K M…    create a plain set (SADD in Redis; this branch has no
//	              set type, so the tester gets a minimal SetValue)
//
// Lines that block in Redis use a short timeout, so that both sides answer
// with the timeout reply.

var zsetScripts = []struct {
	name  string
	lines []string
}{
	{"zadd", []string{
		"ZADD z 1 a 2 b 3 c",
		"ZADD z 1 a",
		"ZADD z CH 5 a 2 b 4 d",
		"ZADD z NX 10 a 11 e",
		"ZADD z XX 10 a 11 f",
		"ZADD z XX CH 10 a 11 f",
		"ZADD z GT CH 1 a 20 b",
		"ZADD z LT CH 1 a 30 b",
		"ZADD z GT 100 new",
		"ZADD z INCR 5 a",
		"ZADD z INCR NX 5 a",
		"ZADD z INCR XX 5 nope",
		"ZADD z INCR GT -1 a",
		"ZADD z INCR LT -1 a",
		"ZADD z INCR 0 a",
		"ZADD z nx xx 1 a",
		"ZADD z gt lt 1 a",
		"ZADD z gt nx 1 a",
		"ZADD z lt nx 1 a",
		"ZADD z INCR 1 a 2 b",
		"ZADD z NX LT INCR 1 a 2 b",
		"ZADD z NX XX INCR 1 a 2 b",
		"ZADD z GT INCR 1 a 2",
		"ZADD z 1",
		"ZADD z 1 a 2",
		"ZADD z CH",
		"ZADD z x a",
		"ZADD z nan a",
		"ZADD z 1 a x b",
		"ZADD z inf pinf -inf ninf +inf pinf2",
		"ZADD z 0x10 hex 1e-310 sub .5 half 5. five",
		`ZADD z "" empty`,
		`ZADD z " 1" spaced`,
		"ZADD z 1e400 big",
		"ZADD z 1e-400 tiny",
		"ZADD z INCR inf pinf",
		"ZADD z INCR -inf pinf",
		"ZADD z -0 negzero",
		"ZSCORE z negzero",
		"ZADD z INCR -0 negzero2",
		"ZSCORE z negzero2",
		"ZADD z 123 456 -7 -8 0 00",
		"ZRANGE z 0 -1 WITHSCORES",
		"ZCARD z",
		"SET s v",
		"ZADD s 1 a",
		"ZADD s x a",
		"ZADD nokey XX 1 a",
		"EXISTS nokey",
		"ZADD nokey XX INCR 1 a",
		"ZINCRBY z 2.5 a",
		"ZINCRBY z -inf a",
		"ZINCRBY z inf a",
		"ZINCRBY z x a",
		"ZINCRBY z NX a",
		"ZINCRBY newkey 3 m",
		"ZINCRBY s 1 a",
		"ZSCORE z a",
		"ZSCORE z missing",
		"ZSCORE nokey a",
		"ZSCORE s a",
		"ZMSCORE z a missing b",
		"ZMSCORE nokey a b",
		"ZMSCORE s a",
		"ZMSCORE z",
		"OBJECT ENCODING z",
	}},
	{"zrem and rank", []string{
		"ZADD z 1 a 2 b 3 c 4 d",
		"ZRANK z a",
		"ZRANK z d",
		"ZREVRANK z a",
		"ZREVRANK z d",
		"ZRANK z x",
		"ZRANK nokey a",
		"ZREVRANK nokey a",
		"ZREM z a x b",
		"ZREM z x",
		"ZREM nokey a",
		"ZREM z c d c",
		"EXISTS z",
		"SET s v",
		"ZREM s a",
		"ZRANK s a",
		"ZCARD s",
		"ZCARD nokey",
		"ZRANK z",
		"ZRANK z a b",
	}},
	{"zrange", []string{
		"ZADD z 1 a 2 b 3 c 4 d 5 e 5 f 0.5 g -1 h",
		"ZRANGE z 0 -1",
		"ZRANGE z 0 -1 WITHSCORES",
		"ZRANGE z 2 3 withscores",
		"ZRANGE z -3 -1",
		"ZRANGE z -100 100",
		"ZRANGE z 5 2",
		"ZRANGE z 100 200",
		"ZRANGE z 0 -1 REV WITHSCORES",
		"ZRANGE z 1 2 REV",
		"ZRANGE z (1 5 BYSCORE",
		"ZRANGE z 1 (5 BYSCORE WITHSCORES",
		"ZRANGE z -inf +inf BYSCORE LIMIT 1 3",
		"ZRANGE z -inf +inf BYSCORE LIMIT 1 -1",
		"ZRANGE z -inf +inf BYSCORE LIMIT -1 3",
		"ZRANGE z -inf +inf BYSCORE LIMIT 0 0",
		"ZRANGE z -inf +inf BYSCORE LIMIT 100 1",
		"ZRANGE z 5 1 BYSCORE REV",
		"ZRANGE z 5 1 BYSCORE REV WITHSCORES LIMIT 1 2",
		"ZRANGE z 1 5 BYSCORE REV",
		"ZRANGE z [a [c BYLEX",
		"ZRANGE z - + BYLEX LIMIT 2 2",
		"ZRANGE z + - BYLEX REV LIMIT 1 10",
		"ZRANGE z [a [c BYLEX WITHSCORES",
		"ZRANGE z 0 -1 LIMIT 0 1",
		"ZRANGE z 0 -1 BYSCORE BYLEX",
		"ZRANGE z 0 -1 REV REV",
		"ZRANGE z 0 -1 FOO",
		"ZRANGE z 0 -1 LIMIT 0",
		"ZRANGE z 0 -1 BYSCORE LIMIT x 1",
		"ZRANGE z x 1",
		"ZRANGE z 0 x",
		"ZRANGE z x 1 BYSCORE",
		"ZRANGE z a b BYLEX",
		"ZRANGE nokey 0 -1",
		"ZRANGE nokey 0 -1 WITHSCORES",
		"ZRANGE nokey x 1",
		"SET s v",
		"ZRANGE s 0 -1",
		"ZRANGE s x 1",
		"ZREVRANGE z 0 2",
		"ZREVRANGE z 0 2 WITHSCORES",
		"ZREVRANGE z 0 -1 BYSCORE",
		"ZREVRANGE z 0 -1 REV",
		"ZREVRANGE z 0 -1 LIMIT 0 1",
		"ZRANGEBYSCORE z 2 5",
		"ZRANGEBYSCORE z (2 5 WITHSCORES LIMIT 1 2",
		"ZRANGEBYSCORE z -inf inf LIMIT 2 -5",
		"ZRANGEBYSCORE z 5 2",
		"ZRANGEBYSCORE z (2 (2",
		"ZRANGEBYSCORE z 2 2",
		"ZRANGEBYSCORE z ( 2",
		`ZRANGEBYSCORE z "" 2`,
		`ZRANGEBYSCORE z " 1" 2`,
		"ZRANGEBYSCORE z 1e400 inf",
		"ZRANGEBYSCORE z -1e400 0x2",
		"ZRANGEBYSCORE z nan 1",
		"ZRANGEBYSCORE z (nan 1",
		"ZRANGEBYSCORE z 0x 1",
		"ZRANGEBYSCORE z [1 2",
		"ZRANGEBYSCORE z 1 2 BYSCORE",
		"ZRANGEBYSCORE z 1 2 REV",
		"ZRANGEBYSCORE z 1 2 LIMIT 1",
		"ZREVRANGEBYSCORE z 5 2",
		"ZREVRANGEBYSCORE z 2 5",
		"ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 2 3",
		"ZREVRANGEBYSCORE z (5 (1",
	}},
	{"lex", []string{
		"ZADD z 0 a 0 b 0 c 0 d 0 e 0 f 0 g 0 aa 0 \"\" 0 10 0 9",
		"ZRANGEBYLEX z - +",
		"ZRANGEBYLEX z [b [d",
		"ZRANGEBYLEX z (b (d",
		"ZRANGEBYLEX z [aa (c LIMIT 1 1",
		"ZRANGEBYLEX z - + LIMIT 3 -1",
		"ZRANGEBYLEX z - + LIMIT -1 2",
		"ZRANGEBYLEX z + -",
		"ZRANGEBYLEX z [d [b",
		"ZRANGEBYLEX z [a [a",
		"ZRANGEBYLEX z (a [a",
		"ZRANGEBYLEX z - -",
		"ZRANGEBYLEX z [ (",
		"ZRANGEBYLEX z ( +",
		"ZRANGEBYLEX z [10 [9",
		"ZRANGEBYLEX z a +",
		"ZRANGEBYLEX z - b",
		`ZRANGEBYLEX z "" +`,
		"ZRANGEBYLEX z -x +",
		"ZRANGEBYLEX z - + WITHSCORES",
		"ZRANGEBYLEX z - + REV",
		"ZRANGEBYLEX z - + BYLEX",
		"ZREVRANGEBYLEX z + -",
		"ZREVRANGEBYLEX z [d [b",
		"ZREVRANGEBYLEX z [b [d",
		"ZREVRANGEBYLEX z + - LIMIT 2 3",
		"ZLEXCOUNT z - +",
		"ZLEXCOUNT z [b (e",
		"ZLEXCOUNT z (e [b",
		"ZLEXCOUNT z x +",
		"ZLEXCOUNT nokey - +",
		"ZLEXCOUNT nokey x +",
		"SET s v",
		"ZLEXCOUNT s - +",
		"ZRANGEBYLEX s - +",
		"ZREMRANGEBYLEX z [b [c",
		"ZREMRANGEBYLEX z [x [y",
		"ZREMRANGEBYLEX z x y",
		"ZRANGE z 0 -1",
		"ZREMRANGEBYLEX z - +",
		"EXISTS z",
		"ZREMRANGEBYLEX nokey - +",
	}},
	{"mixed-score lex", []string{
		// Lex ranges assume equal scores; on a listpack Redis still gives
		// a definite answer, which must be matched. (The forced-skiplist
		// runs skip this script: there Redis's answer depends on random
		// levels.)
		"ZADD b 7 -3 3 c -2.5 a",
		"ZRANGEBYLEX b [a [a",
		"ZRANGESTORE e b [a [a BYLEX",
		"ZRANGEBYLEX b - (b",
		"ZRANGEBYLEX b [b +",
		"ZREVRANGEBYLEX b + [b",
		"ZREVRANGEBYLEX b (d -",
		"ZRANGEBYLEX b - + LIMIT 1 5",
		"ZREVRANGEBYLEX b + - LIMIT 1 5",
		"ZLEXCOUNT b [b +",
		"ZLEXCOUNT b - [b",
		"ZADD d CH -0 \"\" -0 10",
		"ZADD d -1 d 4611686018427387904 9223372036854775807 0 c",
		"ZRANGEBYLEX d ( +",
		"ZREVRANGEBYLEX d + (",
		"ZLEXCOUNT d ( +",
		"ZREMRANGEBYLEX d ( +",
		"EXISTS d",
		"ZADD f 1 b 2 a 3 d 4 c 5 f 6 e",
		"ZRANGEBYLEX f [b [e",
		"ZRANGEBYLEX f [b [e LIMIT 2 10",
		"ZREVRANGEBYLEX f [e [b",
		"ZREVRANGEBYLEX f [e [b LIMIT 2 10",
		"ZLEXCOUNT f [b [e",
		"ZREMRANGEBYLEX f [b [c",
		"ZRANGE f 0 -1",
	}},
	{"zcount and zremrange", []string{
		"ZADD z 1 a 2 b 3 c 4 d 5 e 6 f",
		"ZCOUNT z 2 4",
		"ZCOUNT z (2 (4",
		"ZCOUNT z -inf +inf",
		"ZCOUNT z 4 2",
		"ZCOUNT z x 2",
		"ZCOUNT nokey 1 2",
		"ZCOUNT nokey x 2",
		"SET s v",
		"ZCOUNT s 1 2",
		"ZREMRANGEBYSCORE z (1 2",
		"ZREMRANGEBYSCORE z 10 20",
		"ZREMRANGEBYSCORE z x 2",
		"ZREMRANGEBYSCORE nokey 1 2",
		"ZREMRANGEBYSCORE s 1 2",
		"ZREMRANGEBYRANK z 0 0",
		"ZREMRANGEBYRANK z -1 -1",
		"ZREMRANGEBYRANK z 5 10",
		"ZREMRANGEBYRANK z 2 1",
		"ZREMRANGEBYRANK z x 1",
		"ZREMRANGEBYRANK nokey 0 1",
		"ZREMRANGEBYRANK s 0 1",
		"ZRANGE z 0 -1 WITHSCORES",
		"ZREMRANGEBYRANK z 0 -1",
		"EXISTS z",
		"ZADD z 1 a",
		"ZREMRANGEBYSCORE z -inf inf",
		"EXISTS z",
	}},
	{"zrangestore", []string{
		"ZADD src 1 a 2 b 3 c 4 d -0 nz",
		"ZRANGESTORE dst src 0 -1",
		"ZRANGE dst 0 -1 WITHSCORES",
		"OBJECT ENCODING dst",
		"ZRANGESTORE dst src 1 2 REV",
		"ZRANGE dst 0 -1 WITHSCORES",
		"ZRANGESTORE dst src (1 4 BYSCORE LIMIT 1 1",
		"ZRANGE dst 0 -1 WITHSCORES",
		"ZRANGESTORE dst src [b [d BYLEX",
		"ZRANGESTORE dst src + - BYLEX REV LIMIT 0 2",
		"ZRANGE dst 0 -1 WITHSCORES",
		"ZRANGESTORE dst src 10 20",
		"EXISTS dst",
		"ZRANGESTORE dst src 0 -1 WITHSCORES",
		"ZRANGESTORE dst src 0 -1 LIMIT 0 1",
		"ZRANGESTORE dst nokey 0 -1",
		"SET str v",
		"ZRANGESTORE str src 0 0",
		"TYPE str",
		"ZRANGESTORE dst str 0 -1",
		"ZRANGESTORE dst src x 1",
		"ZRANGESTORE src src 0 1",
		"ZRANGE src 0 -1 WITHSCORES",
	}},
	{"pops", []string{
		"ZADD z 1 a 2 b 3 c 4 d 5 e -0 nz",
		"ZPOPMIN z",
		"ZPOPMAX z",
		"ZPOPMIN z 2",
		"ZPOPMAX z 1",
		"ZPOPMIN z 0",
		"ZPOPMIN z -1",
		"ZPOPMIN z x",
		"ZPOPMIN z 1 2",
		"ZPOPMIN nokey",
		"ZPOPMIN nokey 3",
		"ZPOPMAX z 10",
		"EXISTS z",
		"SET s v",
		"ZPOPMIN s",
		"ZPOPMAX s 0",
		"ZADD z 1 a 2 b 3 c",
		"BZPOPMIN z 0",
		"BZPOPMAX z 0",
		"BZPOPMIN nokey z 0",
		"BZPOPMIN nokey 0.01",
		"BZPOPMAX nokey other 0.01",
		"BZPOPMIN s 0",
		"BZPOPMIN nokey s 0",
		"BZPOPMIN z x",
		"BZPOPMIN z -1",
		"BZPOPMIN z inf",
		"BZPOPMIN z 1e30",
		"BZPOPMIN z -inf",
		"BZPOPMIN z nan",
		"ZADD z 1 a 2 b 3 c 4 d",
		"ZMPOP 1 z MIN",
		"ZMPOP 1 z MAX COUNT 2",
		"ZMPOP 2 nokey z min count 10",
		"ZMPOP 1 z MIN",
		"ZMPOP 1 nokey MAX",
		"ZMPOP 0 z MIN",
		"ZMPOP -1 z MIN",
		"ZMPOP x z MIN",
		"ZMPOP 1 z FOO",
		"ZMPOP 2 z MIN",
		"ZMPOP 1 z MIN COUNT 0",
		"ZMPOP 1 z MIN COUNT x",
		"ZMPOP 1 z MIN COUNT 1 COUNT 2",
		"ZMPOP 1 z MIN COUNT",
		"ZMPOP 1 z MIN FOO",
		"ZMPOP 1 s MIN",
		"ZMPOP 2 nokey s MIN",
		"ZADD z 1 a 2 b 3 c 4 d",
		"BZMPOP 0 1 z MIN",
		"BZMPOP 0 2 nokey z MAX COUNT 2",
		"BZMPOP 0.01 1 nokey MIN",
		"BZMPOP 0.01 1 nokey MIN COUNT 3",
		"BZMPOP x 1 z MIN",
		"BZMPOP x x z MIN",
		"BZMPOP -1 1 z MIN",
		"BZMPOP 0 1 z FOO",
		"BZMPOP 0 1 s MIN",
		"ZRANGE z 0 -1",
	}},
	{"setops", []string{
		"ZADD a 1 x 2 y 3 z -0 nz",
		"ZADD b 10 y 20 z 30 w",
		"!sadd s y w 7",
		"ZUNION 2 a b",
		"ZUNION 2 a b WITHSCORES",
		"ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES",
		"ZUNION 2 a b AGGREGATE MIN WITHSCORES",
		"ZUNION 2 a b AGGREGATE max WITHSCORES",
		"ZUNION 3 a b s WITHSCORES",
		"ZUNION 2 a nokey WITHSCORES",
		"ZUNION 1 nokey",
		"ZUNION 2 a a WITHSCORES",
		"ZUNION 2 a b WEIGHTS 1 WITHSCORES",
		"ZUNION 2 a b WEIGHTS 1 x",
		"ZUNION 2 a b WEIGHTS inf -inf WITHSCORES",
		"ZUNION 2 a b WEIGHTS 0 0 AGGREGATE MIN WITHSCORES",
		"ZUNION 2 a b AGGREGATE foo",
		"ZUNION 2 a b AGGREGATE",
		"ZUNION 2 a b WITHSCORES WITHSCORES",
		"ZUNION 2 a b FOO",
		"ZUNION 0 a",
		"ZUNION -1 a",
		"ZUNION x a",
		"ZUNION 3 a b",
		"SET str v",
		"ZUNION 2 a str",
		"ZUNION 2 a str WEIGHTS x",
		"ZINTER 2 a b WITHSCORES",
		"ZINTER 2 a b WEIGHTS 2 3 AGGREGATE MAX WITHSCORES",
		"ZINTER 2 a s WITHSCORES",
		"ZINTER 3 a b s",
		"ZINTER 2 a a WITHSCORES",
		"ZINTER 2 a nokey",
		"ZINTER 1 a",
		"ZINTER 0 a",
		"ZINTER 2 a str",
		"ZINTERCARD 2 a b",
		"ZINTERCARD 2 a b LIMIT 1",
		"ZINTERCARD 2 a b LIMIT 0",
		"ZINTERCARD 1 a LIMIT 2",
		"ZINTERCARD 2 a b LIMIT -1",
		"ZINTERCARD 2 a b LIMIT x",
		"ZINTERCARD 2 a b WITHSCORES",
		"ZINTERCARD 2 a b WEIGHTS 1 2",
		"ZINTERCARD 0 a",
		"ZINTERCARD 3 a b",
		"ZINTERCARD 2 a str",
		"ZDIFF 2 a b",
		"ZDIFF 2 a b WITHSCORES",
		"ZDIFF 2 b a WITHSCORES",
		"ZDIFF 3 a b s WITHSCORES",
		"ZDIFF 1 a WITHSCORES",
		"ZDIFF 2 a a",
		"ZDIFF 2 nokey a",
		"ZDIFF 2 a nokey WITHSCORES",
		"ZDIFF 2 a b WEIGHTS 1 2",
		"ZDIFF 2 a b AGGREGATE SUM",
		"ZDIFF 0 a",
		"ZDIFF 2 a str",
		"ZUNIONSTORE d 2 a b",
		"ZRANGE d 0 -1 WITHSCORES",
		"OBJECT ENCODING d",
		"ZUNIONSTORE d 2 a b WEIGHTS 1 2 AGGREGATE MIN",
		"ZRANGE d 0 -1 WITHSCORES",
		"ZUNIONSTORE d 2 a b WITHSCORES",
		"ZUNIONSTORE d 0 a",
		"ZUNIONSTORE d 1 nokey",
		"EXISTS d",
		"ZINTERSTORE d 2 a b",
		"ZRANGE d 0 -1 WITHSCORES",
		"ZINTERSTORE d 2 a nokey",
		"EXISTS d",
		"ZINTERSTORE str 2 a b",
		"TYPE str",
		"ZDIFFSTORE d 2 a b",
		"ZRANGE d 0 -1 WITHSCORES",
		"ZDIFFSTORE d 2 a a",
		"EXISTS d",
		"ZDIFFSTORE d 2 a b WITHSCORES",
		"ZUNIONSTORE a 2 a b",
		"ZRANGE a 0 -1 WITHSCORES",
		"ZINTERSTORE d 1 s",
		"ZRANGE d 0 -1 WITHSCORES",
	}},
	{"random and scan", []string{
		"ZADD z 1 a 2 b 3 c 1e17 big 0.1 tenth -0 nz",
		"ZRANDMEMBER z 100",
		"ZRANDMEMBER z 6 WITHSCORES",
		"ZRANDMEMBER z 100 WITHSCORES",
		"ZRANDMEMBER z 0",
		"ZRANDMEMBER z 0 WITHSCORES",
		"~shape ZRANDMEMBER z",
		"~shape ZRANDMEMBER z 1",
		"~shape ZRANDMEMBER z 3",
		"~shape ZRANDMEMBER z 3 WITHSCORES",
		"~shape ZRANDMEMBER z -10",
		"~shape ZRANDMEMBER z -10 WITHSCORES",
		"~shape ZRANDMEMBER z 5",
		"ZRANDMEMBER z x",
		"ZRANDMEMBER z 1 FOO",
		"ZRANDMEMBER z 1 WITHSCORES FOO",
		"ZRANDMEMBER z -9223372036854775808",
		"ZRANDMEMBER z 9223372036854775807 WITHSCORES",
		"ZRANDMEMBER z -4611686018427387904 WITHSCORES",
		"ZRANDMEMBER nokey",
		"ZRANDMEMBER nokey 5",
		"ZRANDMEMBER nokey x",
		"ZRANDMEMBER nokey 5 withscores",
		"SET s v",
		"ZRANDMEMBER s",
		"ZRANDMEMBER s 5",
		"~scan ZSCAN z 0 COUNT 1000",
		"~scan ZSCAN z 0 MATCH b* COUNT 1000",
		"~scan ZSCAN z 0 MATCH *a* COUNT 1000",
		"ZSCAN z x",
		"ZSCAN z -1 COUNT 0",
		"ZSCAN z 0 COUNT x",
		"ZSCAN z 0 FOO 1",
		"ZSCAN z 0 TYPE zset",
		"ZSCAN z 0 MATCH",
		"ZSCAN nokey 0",
		"ZSCAN nokey 0 COUNT 0",
		"ZSCAN nokey x",
		"ZSCAN s 0",
	}},
	{"encodings", []string{
		"!limits 3 5",
		"ZADD z 1 a 2 b 3 c",
		"OBJECT ENCODING z",
		"ZADD z 4 d",
		"OBJECT ENCODING z",
		"ZREM z a b c",
		"OBJECT ENCODING z",
		"ZADD y 1 abcde",
		"OBJECT ENCODING y",
		"ZADD y 1 abcdef",
		"OBJECT ENCODING y",
		"ZADD x 1 abcdef",
		"OBJECT ENCODING x",
		"ZADD w 1 a 2 b 3 c 4 d",
		"OBJECT ENCODING w",
		"ZADD v 1 a 1 a 1 a 1 a",
		"OBJECT ENCODING v",
		"ZINCRBY u 1 abcdefg",
		"OBJECT ENCODING u",
		"ZRANGESTORE d w 0 2",
		"OBJECT ENCODING d",
		"ZRANGESTORE d w 0 3",
		"OBJECT ENCODING d",
		"ZRANGESTORE d y 0 -1",
		"OBJECT ENCODING d",
		"ZUNIONSTORE d 1 w",
		"OBJECT ENCODING d",
		"ZUNIONSTORE d 2 w v",
		"OBJECT ENCODING d",
		"ZDIFFSTORE d 1 w",
		"OBJECT ENCODING d",
		"ZINTERSTORE d 2 w w",
		"OBJECT ENCODING d",
		"ZUNIONSTORE d 1 y",
		"OBJECT ENCODING d",
		"ZADD neg -0 a",
		"ZSCORE neg a",
		"ZADD neg 1 b 2 c 3 d",
		"ZADD neg -0 e",
		"ZRANGE neg 0 -1 WITHSCORES",
		"ZRANGESTORE d2 neg 0 -1",
		"ZRANGE d2 0 -1 WITHSCORES",
		"ZUNION 1 neg WITHSCORES",
		"ZUNIONSTORE d3 1 neg",
		"ZRANGE d3 0 -1 WITHSCORES",
		"ZRANGESTORE d4 neg 0 1",
		"ZRANGE d4 0 -1 WITHSCORES",
		"ZRANGESTORE d5 neg -inf inf BYSCORE",
		"ZRANGE d5 0 -1 WITHSCORES",
		"OBJECT ENCODING d5",
		"ZRANGESTORE d6 neg - + BYLEX",
		"ZRANGE d6 0 -1 WITHSCORES",
		"ZRANGESTORE d7 neg 0 100",
		"ZRANGE d7 0 -1 WITHSCORES",
		"OBJECT ENCODING d7",
		"ZRANGESTORE d8 neg 0 100 REV",
		"ZRANGE d8 0 -1 WITHSCORES",
		"ZADD ints 1 1 2 2 3 100000 4 -5 5 4611686018427387904 6 4611686018427387903",
		"~scan ZSCAN ints 0 COUNT 100",
		"ZRANGE ints 0 -1 WITHSCORES",
		"ZADD scores 4611686018427387904 a 4611686018427387903 b 1e17 c 0.30000000000000004 d",
		"~scan ZSCAN scores 0 COUNT 100",
		"ZRANGE scores 0 -1 WITHSCORES",
	}},
}

// testSet is a minimal plain set for the set-algebra inputs.
type testSet struct{ members [][]byte }

func (s *testSet) Type() keyspace.Type    { return keyspace.TypeSet }
func (s *testSet) Encoding() string       { return "hashtable" }
func (s *testSet) Clone() keyspace.Object { return &testSet{slices.Clone(s.members)} }
func (s *testSet) Len() int               { return len(s.members) }
func (s *testSet) Each(fn func([]byte) bool) {
	for _, m := range s.members {
		if !fn(m) {
			return
		}
	}
}

// scriptArgs splits a script line into arguments.
func scriptArgs(t *testing.T, line string) []string {
	t.Helper()
	var args []string
	for rest := strings.TrimSpace(line); rest != ""; rest = strings.TrimSpace(rest) {
		if rest[0] != '"' {
			f, r, _ := strings.Cut(rest, " ")
			args, rest = append(args, f), r
			continue
		}
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			t.Fatalf("bad quoted token in %q", line)
		}
		u, _ := strconv.Unquote(q)
		args, rest = append(args, u), rest[len(q):]
	}
	return args
}

// normalizeScan sorts the member/score pairs of a ZSCAN reply.
func normalizeScan(t *testing.T, raw []byte) string {
	t.Helper()
	v, err := testutil.Parse(raw)
	if err != nil {
		return string(raw)
	}
	arr, ok := v.([]any)
	if !ok || len(arr) != 2 {
		return string(raw)
	}
	items, _ := arr[1].([]any)
	var pairs []string
	for i := 0; i+1 < len(items); i += 2 {
		pairs = append(pairs, fmt.Sprintf("%v=%v", items[i], items[i+1]))
	}
	slices.Sort(pairs)
	return fmt.Sprintf("cursor %v: %v", arr[0], pairs)
}

// shape describes a reply's structure without its values.
func shape(raw []byte) string {
	v, err := testutil.Parse(raw)
	if err != nil {
		return "unparsable " + string(raw)
	}
	var walk func(v any) string
	walk = func(v any) string {
		switch x := v.(type) {
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = walk(e)
			}
			return "[" + strings.Join(parts, " ") + "]"
		case nil:
			return "nil"
		default:
			return fmt.Sprintf("%T", x)
		}
	}
	return walk(v)
}

var updateZSetGolden = flag.Bool("update-zset-redis", false,
	"re-record "+zsetGoldenFile+" and "+zsetAOFGoldenFile+" from a real redis-server")

// zsetGoldenFile holds the replies of redis-server 7.0.15 to zsetScripts,
// so that TestZSetCommandsGolden checks every command without a server.
const zsetGoldenFile = "testdata/zset-redis-7.0.15.txt"

// zsetRef answers a script's commands the way Redis does: live, from a
// redis-server, or from the recorded replies.
type zsetRef interface {
	do(line string, args []string) []byte
	setLimits(entries, value string)
	sadd(args []string)
}

// liveRef talks to a redis-server and records what it answers.
type liveRef struct {
	conn *testutil.Conn
	rec  *[]string
}

func (r liveRef) do(line string, args []string) []byte {
	reply := r.conn.Do(args...)
	*r.rec = append(*r.rec, line+"\t"+strconv.Quote(string(reply)))
	return reply
}

func (r liveRef) setLimits(entries, value string) {
	r.conn.Do("CONFIG", "SET", "zset-max-listpack-entries", entries)
	r.conn.Do("CONFIG", "SET", "zset-max-listpack-value", value)
}

func (r liveRef) sadd(args []string) { r.conn.Do(append([]string{"SADD"}, args...)...) }

// goldenRef replays recorded replies in order; each record is the script
// line, a tab, and the reply as a Go string literal.
type goldenRef struct {
	t       *testing.T
	replies []string
}

func (r *goldenRef) do(line string, args []string) []byte {
	r.t.Helper()
	if len(r.replies) == 0 {
		r.t.Fatalf("%s has no reply for %q: re-record it with -update-zset-redis", zsetGoldenFile, line)
	}
	recLine, quoted, _ := strings.Cut(r.replies[0], "\t")
	reply, err := strconv.Unquote(quoted)
	if recLine != line || err != nil {
		r.t.Fatalf("%s: record %q does not match %q: re-record it with -update-zset-redis", zsetGoldenFile, r.replies[0], line)
	}
	r.replies = r.replies[1:]
	return []byte(reply)
}

func (r *goldenRef) setLimits(string, string) {}
func (r *goldenRef) sadd([]string)            {}

// zsetVariants lists the script runs: every script in both protocols,
// with the default limits and with zset-max-listpack-entries 0.
func zsetVariants(fn func(name string, lines []string, proto int, forceSkiplist bool)) {
	for _, sc := range zsetScripts {
		for _, proto := range []int{2, 3} {
			for _, forceSkiplist := range []bool{false, true} {
				if forceSkiplist && strings.HasPrefix(sc.name, "mixed-score") {
					continue
				}
				fn(fmt.Sprintf("%s/resp%d/skiplist=%v", sc.name, proto, forceSkiplist), sc.lines, proto, forceSkiplist)
			}
		}
	}
}

func TestZSetCommandsMatchRedis(t *testing.T) {
	srv := testutil.StartRedis(t)
	var out []string
	zsetVariants(func(name string, lines []string, proto int, forceSkiplist bool) {
		var rec []string
		t.Run(name, func(t *testing.T) {
			conn := testutil.Dial(t, srv.Addr)
			conn.Do("FLUSHALL")
			ref := liveRef{conn, &rec}
			t.Cleanup(func() { ref.setLimits("128", "64") })
			if proto == 3 {
				conn.Do("HELLO", "3")
			}
			runZSetScript(t, ref, lines, proto, forceSkiplist)
		})
		out = append(out, "# "+name)
		out = append(out, rec...)
	})
	if *updateZSetGolden && !t.Failed() {
		if err := os.WriteFile(zsetGoldenFile, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestZSetCommandsGolden replays the scripts against the replies recorded
// from redis-server 7.0.15, so that every reply and error is checked even
// where no redis-server is installed.
func TestZSetCommandsGolden(t *testing.T) {
	data, err := os.ReadFile(zsetGoldenFile)
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string][]string{}
	var cur string
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if name, ok := strings.CutPrefix(l, "# "); ok {
			cur = name
			continue
		}
		recorded[cur] = append(recorded[cur], l)
	}
	zsetVariants(func(name string, lines []string, proto int, forceSkiplist bool) {
		t.Run(name, func(t *testing.T) {
			ref := &goldenRef{t: t, replies: recorded[name]}
			runZSetScript(t, ref, lines, proto, forceSkiplist)
			if len(ref.replies) > 0 {
				t.Fatalf("%s has %d more replies than the script: re-record it with -update-zset-redis", zsetGoldenFile, len(ref.replies))
			}
		})
	})
}

func runZSetScript(t *testing.T, ref zsetRef, lines []string, proto int, forceSkiplist bool) {
	tt := newTester(t)
	setLimits := func(entries, value string) {
		ref.setLimits(entries, value)
		e, _ := strconv.Atoi(entries)
		v, _ := strconv.Atoi(value)
		tt.env.limits.ZSetMaxListpackEntries, tt.env.limits.ZSetMaxListpackValue = e, v
	}
	setLimits("128", "64")
	if forceSkiplist {
		setLimits("0", "64")
	}
	tt.w.Proto = proto
	for _, line := range lines {
		mode := ""
		if strings.HasPrefix(line, "~") || strings.HasPrefix(line, "!") {
			mode, line, _ = strings.Cut(line, " ")
		}
		args := scriptArgs(t, line)
		switch mode {
		case "!limits":
			if !forceSkiplist {
				setLimits(args[0], args[1])
			}
			continue
		case "!sadd":
			ref.sadd(args)
			set := &testSet{}
			for _, m := range args[1:] {
				set.members = append(set.members, []byte(m))
			}
			tt.ks.DBs[0].Add([]byte(args[0]), set)
			continue
		}
		want := ref.do(line, args)
		got := []byte(tt.doArgs(args...))
		switch {
		case mode == "~scan" && strings.Contains(tt.doArgs("OBJECT", "ENCODING", args[1]), "skiplist"):
			if g, w := normalizeScan(t, got), normalizeScan(t, want); g != w {
				t.Errorf("%s:\n got %s\nwant %s", line, g, w)
			}
		case mode == "~shape":
			if g, w := shape(got), shape(want); g != w {
				t.Errorf("%s: shapes differ:\n got %s\nwant %s", line, g, w)
			}
		default:
			if !bytes.Equal(got, want) {
				t.Errorf("%s:\n got %s\nwant %s", line, testutil.Escape(got), testutil.Escape(want))
			}
		}
	}
}

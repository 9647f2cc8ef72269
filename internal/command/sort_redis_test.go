package command_test

import "testing"

// sortScripts compare SORT and SORT_RO with Redis: parsing, numeric and
// ALPHA orders with their tie-breaks, BY and GET patterns (hash fields,
// '#', patterns cut at NUL), LIMIT clamping, STORE and its dirty count, and
// the sorted-set conversion SORT performs. Sets in hash order are compared
// as sorted multisets (~).
var sortScripts = []extrasScript{
	{"parse", `
= RPUSH l 3 1 2
e SORT l LIMIT 0 1 x
e SORT l LIMIT x 1
e SORT l LIMIT 0
e SORT l STORE
e SORT_RO l STORE d
e SORT l BY
e SORT l GET
e SORT l foo
e SORT_RO l foo
= SET s x
e SORT s
e SORT s foo
e SORT s LIMIT x 1
= SORT nokey
= SORT nokey STORE d
= SORT nokey BY nosort LIMIT 0 1 DESC
= SORT_RO nokey ALPHA
= SORT l asc DESC
= SORT l DESC asc
= SORT l LIMIT 0 1 LIMIT 1 1
= SORT l alpha ALPHA
`},
	{"numeric", `
= RPUSH l 3 1 2 10 -5 1.5 0x10 " 7" inf -inf -0 0 1e3 "" +4 1.0
= SORT l
= SORT l DESC
= SORT l LIMIT 2 3
= SORT l LIMIT -5 -3
= SORT l LIMIT 1 100 DESC
= SORT l LIMIT 100 1
= SORT l LIMIT 0 0
= SORT l LIMIT 3 -1
= SORT_RO l DESC LIMIT 2 4
= RPUSH l a
e SORT l
= SORT l ALPHA
= SORT l ALPHA DESC LIMIT 1 3
= RPUSH ok "5\x00junk" "\x00" 0x1p-1074 4.2 "5" "4.2"
= SORT ok
= SORT ok DESC
= RPUSH dup 2 1 2 1 02 2.0
= SORT dup
= SORT dup DESC
= RPUSH bad3 1 nan
e SORT bad3
`},
	// A range error leaves errno set in Redis: these go last.
	{"range errors", `
= RPUSH bad 1 1e400
e SORT bad
= RPUSH bad2 1 1e-310
e SORT bad2
`},
	{"range error underflow", `
= RPUSH bad 1 1e-400
e SORT bad
`},
	{"alpha", `
= RPUSH l b a "a\x00z" "a\x00y" B "\xff" "\x80" "" aa ab "a\x00"
= SORT l ALPHA
= SORT l ALPHA DESC
= SORT l ALPHA STORE d
= LRANGE d 0 -1
= SORT l ALPHA DESC STORE d
= LRANGE d 0 -1
= SORT l BY nosort
= SORT l BY nosort DESC
= SORT l BY nosort LIMIT 2 3
= SORT l BY nosort DESC LIMIT 2 3
= SORT l BY nosort DESC LIMIT 20 3
= SORT l BY nosort LIMIT 0 0
`},
	{"by get", `
= RPUSH l 1 2 3 4 5
= MSET w_1 50 w_2 30 w_3 40 w_4 30 o_1 one o_3 three
= HSET h_1 f 9 g x
= HSET h_2 f 7
= HSET h_3 f 8
= SORT l BY w_*
= SORT l BY w_* DESC
= SORT l BY w_* GET o_*
= SORT l BY w_* GET # GET o_* GET h_*->f GET h_*->g GET nokey_* GET "#"
= SORT l BY h_*->f
= SORT l BY h_*->f DESC GET #
= SORT l BY h_*->g
= SORT l BY o_* ALPHA
= SORT l BY o_* ALPHA DESC
= SORT l BY o_* ALPHA STORE d
= LRANGE d 0 -1
= SORT l BY w_* LIMIT 1 2
= SORT l BY w_* DESC LIMIT 0 3
= SORT l BY nosort GET o_*
= SORT l BY nosort GET o_* DESC LIMIT 1 2
= SORT l BY nosort BY w_*
= SORT l BY w_* BY nosort
= SORT l GET "o_*\x00junk"
= SORT l BY "w_\x00*"
= SORT l GET h_*->
= SORT l GET "h_*->\x00f"
= SET h_1-> v
= SORT l GET h_*->
= SORT l GET *
= SORT l GET o_*_suffix
= SET o_1_suffix s
= SORT l GET o_*_suffix GET o_**
= SORT l BY h_*->f GET h_*->f STORE d
= LRANGE d 0 -1
= HSET w_5 f 1
= SORT l BY w_*
= SORT l BY w_*->f
= SET bad_1 x
e SORT l BY bad_*
= SORT l BY bad_* ALPHA
= SORT_RO l BY w_* GET o_*
= SORT l BY w_* GET o_* STORE d
D
= LRANGE d 0 -1
= SORT l BY w_* GET o_* GET # STORE d
D
= LLEN d
= SORT l GET nokey_* STORE d
= LRANGE d 0 -1
= SORT l LIMIT 0 0 STORE d
D
= EXISTS d
= SORT l LIMIT 0 0 STORE d
D
= SET d x EX 100
= SORT l STORE d
= TTL d
= OBJECT ENCODING d
`},
	{"sets", `
= SADD ints 5 -1 100 3 0
= SORT ints
= SORT ints BY nosort
= SORT ints DESC LIMIT 1 2
= SORT ints ALPHA
= SORT ints BY nosort STORE d
= LRANGE d 0 -1
= SADD strs b a c 10 2 x "y z"
e SORT strs
= SORT strs ALPHA
= SORT strs ALPHA DESC LIMIT 1 3
~ SORT strs BY nosort
= SORT strs BY nosort STORE d
= LRANGE d 0 -1
= SORT strs BY nosort DESC STORE d
= LRANGE d 0 -1
= MSET w_a 1 w_b 1 w_c 0 w_10 5
= SORT strs BY w_*
= SORT strs BY w_* DESC
= SORT strs BY w_* LIMIT 2 3 GET w_*
`},
	{"zsets", `
= ZADD z 3 c 1 a 2 b 2 bb -1 neg
= OBJECT ENCODING z
= SORT_RO z BY nosort
= OBJECT ENCODING z
= SORT z BY nosort DESC
= SORT z BY nosort LIMIT 1 2
= SORT z BY nosort DESC LIMIT 1 2
= SORT z BY nosort DESC LIMIT 4 10
= SORT z ALPHA
= SORT z ALPHA DESC
e SORT z
= ZADD n 5 1 4 2 3 3 2 -10 1 1.5
= SORT n
= SORT n DESC LIMIT 0 2
= SORT n BY nosort GET #
= SORT n BY nosort STORE d
= LRANGE d 0 -1
= ZADD e 1 x
= ZREM e x
= SORT e
`},
}

func TestSortAgainstRedis(t *testing.T) { runExtrasScripts(t, sortScripts) }

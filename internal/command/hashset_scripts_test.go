package command_test

// hashSetScripts are the scripts of TestHashSetAgainstRedis (see the modes
// in hashset_redis_test.go). Each runs in RESP2 and then in RESP3 on an
// emptied server with default encoding limits.
var hashSetScripts = []struct{ name, script string }{
	{"persistence", `
= HSET small a 1 b 2 c {x*30} n -70000
= HSET big {k*100} v a 1
= HINCRBYFLOAT big f 1.5
= HINCRBYFLOAT small f 0.1
= HINCRBY small n 5
= SADD ints 5 -3 100000 9223372036854775807
= SADD strs a b 1
= SADD popme 1 2 3 4 5 6 7 8 9 10 11 12
s SPOP popme 3
s SPOP popme 8
s SPOP popme
= SADD gone 1 2
s SPOP gone 5
= SADD src 1 x
= SMOVE src dst x
= SINTERSTORE inter ints ints
= SUNIONSTORE uni ints strs
= SDIFFSTORE diff uni strs
D
d DEBUG DIGEST
= DEBUG RELOAD
d DEBUG DIGEST
= OBJECT ENCODING small
= OBJECT ENCODING big
= OBJECT ENCODING ints
= OBJECT ENCODING strs
= OBJECT ENCODING popme
= OBJECT ENCODING inter
= OBJECT ENCODING uni
= OBJECT ENCODING diff
= HGETALL small
= SMEMBERS ints
= DEBUG LOADAOF
d DEBUG DIGEST
= OBJECT ENCODING small
= OBJECT ENCODING big
= OBJECT ENCODING ints
= OBJECT ENCODING strs
= OBJECT ENCODING diff
= HGETALL small
= CONFIG SET hash-max-listpack-entries 2
= CONFIG SET set-max-intset-entries 2
= DEBUG RELOAD
= OBJECT ENCODING small
= OBJECT ENCODING ints
= CONFIG SET hash-max-listpack-entries 128
= CONFIG SET hash-max-listpack-value 2
= DEBUG RELOAD
= OBJECT ENCODING small
= DEBUG LOADAOF
= OBJECT ENCODING small
= CONFIG SET hash-max-listpack-value 64
= CONFIG SET set-max-intset-entries 512
= CONFIG SET aof-use-rdb-preamble no
s BGREWRITEAOF
W
= DEBUG LOADAOF
d DEBUG DIGEST
= OBJECT ENCODING small
= OBJECT ENCODING ints
= OBJECT ENCODING strs
= CONFIG SET aof-use-rdb-preamble yes
s BGREWRITEAOF
W
= DEBUG LOADAOF
d DEBUG DIGEST
= OBJECT ENCODING big
= OBJECT ENCODING inter
`},
	{"hset-basics", `
= HSET h a 1 b 2 c 3
= HSET h a 10 d 4
D
= HGET h a
= HGET h zz
= HGET nokey a
= HMGET h a zz b
= HMGET nokey a b
= HLEN h
= HLEN nokey
= HSTRLEN h a
= HSTRLEN h zz
= HSTRLEN nokey a
= HEXISTS h a
= HEXISTS h zz
= HEXISTS nokey a
= HKEYS h
= HVALS h
= HGETALL h
= HKEYS nokey
= HVALS nokey
= HGETALL nokey
= OBJECT ENCODING h
= HSET h
= HSET h a
= HSET h a b c
= HMSET h a b c
= HMSET h x 1 y 2
D
= HSETNX h x 5
= HSETNX h new 5
= HGET h new
D
= HDEL h a zz b
= HDEL h zz
= HDEL nokey a
D
= HDEL h c d x y new
= EXISTS h
D
= SET str v
= HSET str a 1
= HGET str a
= HMGET str a
= HGETALL str
= HDEL str a
= HLEN str
= HSETNX str a 1
= HINCRBY str a 1
= HSCAN str 0
= HRANDFIELD str
D
`},
	{"hash-encodings", `
= HSET v a {x*64}
= OBJECT ENCODING v
= HSET v b {x*65}
= OBJECT ENCODING v
= HSET f {y*65} 1
= OBJECT ENCODING f
= HSET n a 1
= HSETNX n a {x*65}
= OBJECT ENCODING n
= HSETNX n b {x*65}
= OBJECT ENCODING n
= HSET i a 1
= HINCRBY i {z*65} 1
= OBJECT ENCODING i
= HSET j a 1
= HINCRBYFLOAT j a 1e70
= OBJECT ENCODING j
= HGET j a
= CONFIG SET hash-max-listpack-entries 3
= HSET e a 1 b 2 c 3
= OBJECT ENCODING e
= HSET e d 4
= OBJECT ENCODING e
= HDEL e a b c
= OBJECT ENCODING e
= HSET e2 a 1 b 2 c 3 d 4
= OBJECT ENCODING e2
= HSET e3 a 1 b 2 c 3
= HINCRBY e3 d 1
= OBJECT ENCODING e3
= HSET e4 a 1 b 2 c 3
= HSET e4 a 5 b 6 c 7
= OBJECT ENCODING e4
= CONFIG SET hash-max-listpack-value 3
= HSET k1 abc 123
= OBJECT ENCODING k1
= HINCRBY k1 abc 877
= OBJECT ENCODING k1
= HINCRBYFLOAT k2 a 1.5
= OBJECT ENCODING k2
= HINCRBYFLOAT k3 a 1.25
= OBJECT ENCODING k3
= CONFIG SET hash-max-listpack-entries 0
= HSET z a 1
= OBJECT ENCODING z
D
`},
	{"hash-order", `
= HSET h z 1 y 2 x 3 1 a -5 b 100000 c
= HSET h y 22 w {q*63}
= HDEL h x
= HSET h x 33
= HGETALL h
= HKEYS h
= HVALS h
= HSCAN h 0
= HSCAN h 0 MATCH *
= HSCAN h 0 MATCH [xy]
= HSCAN h 0 COUNT 1
= HSCAN h 0 MATCH 1* COUNT 100
= HSCAN h 0 COUNT 0
= HSCAN h 0 COUNT -1
= HSCAN h 0 COUNT x
= HSCAN h 0 MATCH
= HSCAN h 0 TYPE hash
= HSCAN h 0 FOO bar
= HSCAN h x
= HSCAN h -1
= HSCAN h 18446744073709551616
= HSCAN nokey 0
= HSCAN nokey 0 COUNT x
= HSCAN nokey x
= HRANDFIELD h 100
= HRANDFIELD h 100 WITHVALUES
= HRANDFIELD h 7 WITHVALUES
`},
	{"hash-big", `
= HSET big f0 0 f1 1 f2 2 f3 3 f4 4 f5 5 f6 6 f7 7 f8 8 f9 9
= HSET big g0 0 g1 1 g2 2 g3 3 g4 4 g5 5 g6 6 g7 7 g8 8 g9 9 long {x*100}
= OBJECT ENCODING big
p HGETALL big
~ HKEYS big
~ HVALS big
= HLEN big
= HGET big long
= HSTRLEN big long
= HDEL big long
= OBJECT ENCODING big
S HSCAN big
S HSCAN big COUNT 3
S HSCAN big MATCH f*
S HSCAN big MATCH g* COUNT 1000
p HRANDFIELD big 100 WITHVALUES
~ HRANDFIELD big 20
s HRANDFIELD big 5
s HRANDFIELD big 19 WITHVALUES
s HRANDFIELD big -30 WITHVALUES
s HRANDFIELD big -3
s HRANDFIELD big
D
`},
	{"hincr", `
= HINCRBY h a 5
= HINCRBY h a -10
= HINCRBY h a x
= HINCRBY h a 9223372036854775807
= HINCRBY h a -9223372036854775808
= HSET h max 9223372036854775807 min -9223372036854775808 s abc sp { *1}
= HINCRBY h max 1
= HINCRBY h min -1
= HINCRBY h max 0
= HINCRBY h s 1
= HINCRBY h sp 1
= HINCRBY h a 1.5
= HINCRBY h a 01
D
= HINCRBYFLOAT h f 10.5
= HINCRBYFLOAT h f 0.1
= HINCRBYFLOAT h f -0.6
= HINCRBYFLOAT h f 1e-5
= HINCRBYFLOAT h f 5.0e3
= HINCRBYFLOAT h f 0x10
= HINCRBYFLOAT h a 1.5
= HINCRBYFLOAT h s 1
= HINCRBYFLOAT h f inf
= HINCRBYFLOAT h f -inf
= HINCRBYFLOAT h f nan
= HINCRBYFLOAT h f abc
= HINCRBYFLOAT h f { *1}1
= HSET h huge 1.7976931348623157e308
= HINCRBYFLOAT h huge 1.7976931348623157e308
= HSET h inf inf
= HINCRBYFLOAT h inf 1
p HGETALL h
D
= OBJECT ENCODING h
`},
	{"hrandfield-args", `
= HSET h a 1 b 2 c 3
= HRANDFIELD h 0
= HRANDFIELD h 0 WITHVALUES
= HRANDFIELD nokey
= HRANDFIELD nokey 5
= HRANDFIELD nokey -5 WITHVALUES
= HRANDFIELD h x
= HRANDFIELD h 1 WITHVALUE
= HRANDFIELD h 1 WITHVALUES x
= HRANDFIELD h -9223372036854775808
= HRANDFIELD h -9223372036854775807 x
= HRANDFIELD h -4611686018427387904 WITHVALUES
= HRANDFIELD h 4611686018427387904 WITHVALUES
= HRANDFIELD h 3
= HRANDFIELD h 3 WITHVALUES
= HRANDFIELD h 4 WITHVALUES
s HRANDFIELD h 1
s HRANDFIELD h 1 WITHVALUES
s HRANDFIELD h 2 WITHVALUES
s HRANDFIELD h -1 WITHVALUES
s HRANDFIELD h -5 WITHVALUES
s HRANDFIELD h -5
s HRANDFIELD h
`},
	{"set-basics", `
= SADD s 3 1 2
= SADD s 2 4
D
= SMEMBERS s
= SMEMBERS nokey
= SISMEMBER s 1
= SISMEMBER s 9
= SISMEMBER s a
= SISMEMBER nokey 1
= SMISMEMBER s 1 9 a 4
= SMISMEMBER nokey 1 2
= SCARD s
= SCARD nokey
= OBJECT ENCODING s
= SREM s 1 9
= SREM nokey 1
= SREM s a
D
= SREM s 2 3 4
= EXISTS s
D
= SET str v
= SADD str a
= SREM str a
= SMEMBERS str
= SISMEMBER str a
= SMISMEMBER str a
= SCARD str
= SPOP str
= SPOP str 2
= SRANDMEMBER str
= SRANDMEMBER str 2
= SSCAN str 0
= SMOVE str x a
= SINTER str
= SUNION str
= SDIFF str
= SINTERCARD 1 str
D
`},
	{"set-encodings", `
= SADD i 1 2 3
= OBJECT ENCODING i
= SADD i -9223372036854775808 9223372036854775807
= OBJECT ENCODING i
= SMEMBERS i
= SADD i 01
= OBJECT ENCODING i
~ SMEMBERS i
= SADD j -0
= OBJECT ENCODING j
= SADD k +1
= OBJECT ENCODING k
= SADD l a
= OBJECT ENCODING l
= SREM l a
= SADD l 1
= SADD l 2
= OBJECT ENCODING l
= CONFIG SET set-max-intset-entries 3
= SADD m 1 2 3
= OBJECT ENCODING m
= SADD m 4
= OBJECT ENCODING m
= SREM m 1 2 3
= OBJECT ENCODING m
= SADD n 1 2 3 4
= OBJECT ENCODING n
= SADD o 5 6 7
= SADD o 5 6
= OBJECT ENCODING o
= CONFIG SET set-max-intset-entries 0
= SADD z 1
= OBJECT ENCODING z
= CONFIG SET set-max-intset-entries 512
= SADD p 300 -70000 5000000000 1
= SMEMBERS p
= SSCAN p 0
= SSCAN p 0 MATCH 5*
= SSCAN p 0 COUNT 1
= SRANDMEMBER p 10
= SRANDMEMBER p 4
D
`},
	{"set-big", `
= SADD b a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 c0 c1 c2 c3 c4 c5 c6 c7 c8 c9
= OBJECT ENCODING b
~ SMEMBERS b
= SCARD b
S SSCAN b
S SSCAN b COUNT 2
S SSCAN b MATCH a*
S SSCAN b MATCH *9 COUNT 1000
~ SRANDMEMBER b 30
~ SRANDMEMBER b 100
s SRANDMEMBER b 29
s SRANDMEMBER b 11
s SRANDMEMBER b 3
s SRANDMEMBER b -100
s SRANDMEMBER b
= SRANDMEMBER b 0
= SRANDMEMBER b x
= SRANDMEMBER b 1 2
= SRANDMEMBER b -9223372036854775808
= SRANDMEMBER nokey
= SRANDMEMBER nokey 3
= SRANDMEMBER nokey -3
D
`},
	{"spop", `
= SADD s 1 2 3 4 5 6 7 8 9 10
s SPOP s
= SCARD s
s SPOP s 2
= SCARD s
s SPOP s 6
= SCARD s
= OBJECT ENCODING s
D
= SPOP s 0
= SPOP s -1
= SPOP s x
= SPOP s 1 2
= SPOP nokey
= SPOP nokey 3
= SPOP nokey 0
s SPOP s 5
= EXISTS s
D
= SADD t a b c
~ SPOP t 3
= EXISTS t
D
= SADD u a
= SPOP u
= EXISTS u
D
= SADD v a b c d e
s SPOP v 4
= SCARD v
= OBJECT ENCODING v
D
= SADD w 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 x
= SREM w x
= OBJECT ENCODING w
s SPOP w 18
= OBJECT ENCODING w
= SCARD w
D
= SADD y 1 2 3
= SPOP y 9223372036854775807
D
# The random pops left different members: drop them before the digest.
= DEL s v w
`},
	{"smove", `
= SADD a 1 2 x
= SADD b 3
= SMOVE a b 1
= SMEMBERS b
= SMOVE a b 1
= SMOVE a b zz
= SMOVE a c x
= OBJECT ENCODING c
= SMOVE a d 2
= OBJECT ENCODING d
= EXISTS a
D
= SADD e 5
= SMOVE e e 5
= SMOVE e e 6
= SMOVE nokey b 1
= SET str v
= SMOVE str b 1
= SMOVE b str 3
= SMOVE nokey str 3
= SMEMBERS b
= SADD f 7
= SADD g 7
= SMOVE f g 7
= EXISTS f
= SMEMBERS g
D
`},
	{"set-algebra", `
= SADD a 1 2 3 4 5
= SADD b 4 5 6
= SADD c 5 x y
= SADD d 4 5
= SINTER a b
= SINTER a b d
~ SINTER a c
= SINTER a nokey
= SINTER nokey a
= SINTER a
= SINTER a a
= SUNION a b
~ SUNION a c
= SUNION nokey
= SUNION a nokey b
= SDIFF a b
= SDIFF a b d
= SDIFF a nokey
= SDIFF nokey a
= SDIFF a a
= SDIFF a b a
~ SDIFF c a
= SINTERCARD 2 a b
= SINTERCARD 2 a b LIMIT 1
= SINTERCARD 2 a b LIMIT 0
= SINTERCARD 1 a LIMIT 3
= SINTERCARD 2 a nokey
= SINTERCARD 0 a
= SINTERCARD -1 a
= SINTERCARD x a
= SINTERCARD 3 a b
= SINTERCARD 1 a LIMIT -1
= SINTERCARD 1 a LIMIT x
= SINTERCARD 1 a LIMIT
= SINTERCARD 1 a FOO 1
= SINTERCARD 1 a LIMIT 1 LIMIT 2
D
= SINTERSTORE dst a b
= SMEMBERS dst
= OBJECT ENCODING dst
= SINTERSTORE dst c a
= OBJECT ENCODING dst
= SINTERSTORE dst nokey a
= EXISTS dst
= SINTERSTORE dst nokey a
D
= SUNIONSTORE dst a c
~ SMEMBERS dst
= OBJECT ENCODING dst
= SUNIONSTORE dst nokey nokey2
= EXISTS dst
= SUNIONSTORE dst nokey nokey2
D
= SDIFFSTORE dst c a
~ SMEMBERS dst
= SDIFFSTORE dst a a
= EXISTS dst
D
= SET str v
= SINTER a str
= SINTER nokey str
= SUNION a str
= SDIFF a str
= SDIFF nokey str
= SINTERSTORE str a
= TYPE str
= SET str2 v
= EXPIRE str2 100
= SUNIONSTORE str2 a
= TTL str2
= SINTERSTORE a str
= SUNIONSTORE a str
= SDIFFSTORE a str
= SINTERCARD 2 a str
D
`},
	{"set-algebra-encodings", `
= SADD h 1 2 3 x
= SREM h x
= OBJECT ENCODING h
= SINTERSTORE d h h
= OBJECT ENCODING d
= SUNIONSTORE d h
= OBJECT ENCODING d
= SMEMBERS d
= SADD big a b c d e f g h i j 1 2 3
= SADD small a b
= SDIFFSTORE d big small
= OBJECT ENCODING d
= SDIFFSTORE d small big
= EXISTS d
= SADD one 1 2 3 4 5 6 7 8 9 10 11 12 x
= SADD two x
= SDIFFSTORE d one two
= OBJECT ENCODING d
= SADD y1 1 2 3 a
= SADD y2 a b c d e f g h i j k l m n o p
= SDIFFSTORE d y1 y2
= OBJECT ENCODING d
= SMEMBERS d
= SDIFF y1 y2
= SPOP h 10
D
`},
}

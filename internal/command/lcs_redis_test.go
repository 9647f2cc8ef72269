package command_test

import (
	"strings"
	"testing"
)

// lcsScripts compare LCS with Redis: every option, the reply shapes in
// RESP2 and RESP3 (a map for IDX), tie-breaking of equally long
// subsequences, and the memory limit.
var lcsScripts = []extrasScript{
	{"options", `
= SET a ohmytext
= SET b mynewtext
= LCS a b
= LCS a b LEN
= LCS a b IDX
= LCS a b IDX MINMATCHLEN 4
= LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN
= LCS a b IDX WITHMATCHLEN
= LCS a b idx minmatchlen 2 withmatchlen
= LCS a b IDX MINMATCHLEN 100
= LCS a b IDX MINMATCHLEN -5
= LCS a b WITHMATCHLEN
= LCS a b LEN WITHMATCHLEN MINMATCHLEN 3
e LCS a b IDX LEN
e LCS a b LEN IDX
e LCS a b MINMATCHLEN
e LCS a b MINMATCHLEN x
e LCS a b MINMATCHLEN 1.5
e LCS a b FOO
= LCS a nokey
= LCS nokey a IDX
= LCS nokey nokey2 IDX
= LCS nokey nokey2 LEN
= SADD s x
e LCS a s
e LCS s a FOO
e LCS s nokey IDX LEN
= SET n 12345
= SET m 2468
= LCS n m IDX WITHMATCHLEN
= LCS a a IDX WITHMATCHLEN
= SET x "\x00\xffab\x00\xff"
= SET y "ab\x00\xff\x00"
= LCS x y
= LCS x y IDX
`},
	{"ties", `
= SET a abcabcabc
= SET b cbacbacba
= LCS a b
= LCS a b IDX WITHMATCHLEN
= LCS b a IDX WITHMATCHLEN
= SET c aaaaaaaaaabbbbbbbbbbaaaaaaaaaa
= SET d bbbbbbbbbbaaaaaaaaaabbbbbbbbbb
= LCS c d
= LCS c d IDX WITHMATCHLEN
= LCS d c IDX WITHMATCHLEN MINMATCHLEN 3
= SET e xyxyxyxyxyxyxyxy
= SET f yxyxyxyxyxyxyxyx
= LCS e f IDX
= LCS e f LEN
`},
	{"memory", `
! CONFIG SET proto-max-bulk-len 1mb
= SET x ` + strings.Repeat("a", 600) + `
= SET y ` + strings.Repeat("ab", 250) + `
e LCS x x
e LCS x x LEN
e LCS x y LEN
e LCS x y IDX
= SET z ` + strings.Repeat("ba", 200) + `
= LCS y z LEN
= LCS y z IDX MINMATCHLEN 10 WITHMATCHLEN
= LCS z y
! CONFIG SET proto-max-bulk-len 512mb
= LCS x y LEN
= LCS x y IDX MINMATCHLEN 2
`},
}

func TestLCSAgainstRedis(t *testing.T) { runExtrasScripts(t, lcsScripts) }

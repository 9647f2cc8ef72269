// Package compat is Vesta's differential test framework: it sends the same
// commands to Vesta and to Debian's redis-server 7.0.15 and compares the
// raw replies byte for byte.
//
// A [Script] is a list of [Cmd]s, each with a comparison [Mode]: exact
// bytes by default, or sorted elements (replies in hash order, such as
// KEYS), approximate integers (TTLs), reply type only, or ignored (TIME,
// RANDOMKEY). [Pair.Run] runs a script on a Vesta and a Redis started with
// the same configuration (`--save ""`, `--enable-debug-command yes`),
// each run on freshly flushed servers over new connections, and finishes
// with DEBUG DIGEST on both, which must agree. On a mismatch,
// [Pair.Minimize] shrinks the script by delta debugging (dropping commands
// while the mismatch persists) and [Report] prints the command index, both
// replies escaped, and the minimized script.
//
// Scripts come from a seeded random generator ([Generate]) over a small key
// space. Generators are registered by family ([Register]): "strings", "lists",
// "keys", "expire", "db", "errors" and "misc" exist now; other data types add
// their own families in files of their own (gen_<family>.go) without
// touching the rest. A generator must avoid replies that depend on timing:
// relative TTLs come from [Gen.TTL], which never hands out two values close
// enough for a few milliseconds of test time to change the outcome of
// EXPIRE ... GT/LT, and TTL readings are compared with a tolerance.
//
// TestDifferential runs a fixed budget of seeds, alternating RESP2 and
// RESP3 connections ([Pair.Proto]) and sending every other pair of scripts
// as one pipeline ([Pair.Pipelined]). -compat.seeds, -compat.commands and
// -compat.seed run more or other seeds, and -compat.families lists the
// families to use. A failure prints the seed and the minimized script.
//
// Known bugs are registered with [RegisterKnownBug]: the generator avoids
// the commands that would hit them, and TestKnownBugs keeps their
// reproductions, run with VESTA_RUN_KNOWN_BUGS=1.
package compat

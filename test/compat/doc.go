// Package compat is Vesta's differential test framework: it sends the same
// commands to Vesta and to Debian's redis-server 7.0.15 and compares the
// raw replies byte for byte.
//
// A [Script] is a list of steps ([Cmd]), each with a comparison [Mode]:
// exact bytes by default, or sorted elements (replies in hash order, such
// as KEYS), approximate integers (TTLs), reply type only, or ignored (TIME,
// RANDOMKEY). [Pair.Run] runs a script on a Vesta and a Redis started with
// the same configuration (`--save ""`, `--enable-debug-command yes`),
// each run on freshly flushed servers over new connections, and finishes
// with DEBUG DIGEST on both, which must agree. On a mismatch,
// [Pair.Minimize] shrinks the script by delta debugging (dropping steps
// while the mismatch persists) and [Report] prints the step index, both
// replies escaped, and the minimized script.
//
// # Several clients
//
// A step names the connection that runs it (Cmd.Conn, up to [MaxConns]),
// so one script can be several clients: one WATCHes while another writes,
// three block on a key while a fourth pushes, some subscribe while another
// publishes. Besides commands, a script has steps that block
// ([Cmd.Blocking]: the runner waits, through CLIENT LIST on a connection of
// its own, until the client is blocked or has its reply), that read a
// blocked client's reply ([WaitReply], releasing it with CLIENT UNBLOCK if
// nothing served it), that read published messages ([Recv]) or several
// replies ([Cmd.Replies]), and pauses ([Pause]). [ClientID] stands for a
// connection's CLIENT ID in arguments. EXEC's reply is compared element by
// element under the modes of the commands that were queued, which the
// runner learns from Redis's QUEUED replies. Scripts with several
// connections end with a PING on each, which shows messages nobody read.
//
// # Random scripts
//
// Scripts come from a seeded random generator ([Generate]) over a small key
// space. Generators are registered by family ([Register] for one command,
// [RegisterSeq] for a sequence that belongs together): "strings", "keys",
// "expire", "db", "errors", "misc", "lists", "hash", "set", "zsets",
// "multi" (transactions whose bodies mix every family, with another
// client's writes, flushes, swaps and expiry between WATCH and EXEC) and
// "blocking" (clients blocked in a known order, woken by pushes,
// transactions, LMOVE, SWAPDB or CLIENT UNBLOCK), "bits", "lcs", "sort"
// and "dump" (DUMP replies compared by decoded value) are in the default set;
// "wrongtype" is not. A generator must avoid replies that depend on
// timing: relative TTLs come from [Gen.TTL], which never hands out two
// values close enough for a few milliseconds of test time to change the
// outcome of EXPIRE ... GT/LT, TTL readings are compared with a
// tolerance, and blocking commands in random scripts either cannot block
// for long or wait with a timeout no run reaches.
//
// TestDifferential runs a fixed budget of seeds, alternating RESP2 and
// RESP3 connections ([Pair.Proto]) and sending every other pair of scripts
// as pipelines ([Pair.Pipelined]: each run of commands on one connection
// is one pipeline). -compat.seeds, -compat.commands and -compat.seed run
// more or other seeds, -compat.families lists the families to use and
// -compat.trace logs every step with Redis's reply. A failure prints the
// seed and the minimized script.
//
// # Scenarios
//
// Behaviours that need a precise order of clients are scripted rather than
// random: TestBlockingScenarios (wake-ups, fairness, timeouts, MULTI,
// CLIENT UNBLOCK, SWAPDB), TestTransactionScenarios (each way a WATCH is
// or is not invalidated, EXECABORT) and TestPubSubScenarios (confirmation
// counts, message order, PUBSUB, the RESP2 subscribed context, RESP3
// pushes among replies), each over RESP2 and RESP3. TestScenarioAOF runs
// the blocking and transaction scenarios with appendonly yes and compares
// what both servers appended to their AOF.
//
// Known bugs are registered with [RegisterKnownBug]: the generator avoids
// the commands that would hit them, scenarios that show them are skipped,
// and TestKnownBugs keeps their reproductions, run with
// VESTA_RUN_KNOWN_BUGS=1.
package compat

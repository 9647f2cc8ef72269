// Package command is the command table and the data commands.
//
// The table is data: every command's Spec (arity, flags, key positions,
// ACL categories, documentation) is generated from Redis 7.0's COMMAND INFO
// and COMMAND DOCS by tools/gencommands into specs_gen.go, with the
// one-line summaries of HELP texts in summaries*.go; table.go looks
// commands up and register.go (RegisterData) adds the handlers of the
// data commands. A handler receives a Ctx (ctx.go): the arguments, the
// database, the reply writer, and the calls that count changes (Changed,
// Dirty) and say how the command propagates (Rewrite, ForcePropagate). Env
// is what a handler may ask of the server.
// The exact error texts are in errors*.go.
//
// Where each command family lives:
//
//   - keys.go: DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, SCAN, RANDOMKEY,
//     RENAME(NX), MOVE, COPY, the EXPIRE and TTL families, PERSIST, OBJECT;
//     sort.go: SORT; dump.go: DUMP, RESTORE (and LoadRDBObject, the
//     decoder of collection values the loaders use).
//   - strings.go: GET, SET and the string commands; bits.go, bitop.go,
//     bitfield.go: the bit commands; lcs.go: LCS.
//   - lists.go, lists_move.go, lists_block.go: list commands, the blocking
//     ones (BLPOP, BLMOVE, BLMPOP...) included.
//   - hashes.go, hrandfield.go: hash commands.
//   - sets.go, setops.go, setrand.go: set commands.
//   - zsets.go, zset_range.go, zset_setops.go, zset_pop.go, zset_random.go,
//     zset_timeout.go: sorted-set commands.
//
// Connection, server, transaction, Pub/Sub and persistence commands are in
// package server; the data structures behind the types in internal/types.
package command

// Package script is Vesta's Lua engine: EVAL scripts run as Redis 7.0 runs
// them, on github.com/yuin/gopher-lua (Lua 5.1).
//
// The engine owns one Lua state with the libraries Redis loads (base
// without loadfile/dofile/getfenv/setfenv, table, string, math, cjson,
// cmsgpack, struct, bit) and the redis table. Globals are read-only:
// scripts see them, the tables in them and the string metatable through
// proxy tables whose __index raises "Script attempted to access
// nonexistent global variable" and whose __newindex raises "Attempt to
// modify a readonly table"; the base functions that look past metatables
// treat the proxies as Redis treats its read-only tables (sandbox.go).
//
// Commands run through a Host, which executes them (under the server lock
// the caller already holds) and returns the RESP reply bytes; the engine
// converts those bytes into Lua values with Redis's rules (conv.go), and
// the script's return value into RESP with the inverse rules.
//
// Nothing that happens inside Lua escapes as a Go panic: Run recovers every
// panic of the interpreter and of the libraries and turns it into an error
// reply.
package script

// Package server is a running Vesta instance: connections, command
// execution under the one server lock, propagation into the stream,
// blocking, transactions, Pub/Sub, INFO, and the commands that act on the
// server rather than on data. Persistence lives in package engine; the
// data commands in package command.
//
// Where each concern lives:
//
//   - server.go: the Server, New, Listen, Run (load, cron, shutdown), the
//     accept loop.
//   - client.go: one goroutine per connection: read, execute a batch under
//     the lock, wait for durability (engine.DurabilityWait), write the
//     replies; output limits and the asynchronous writer of Pub/Sub and
//     MONITOR clients.
//   - exec.go: processCommand (Redis's checks in Redis's order), call, the
//     propagation queue and its hand-off to the stream (package stream),
//     the keyspace hooks (expired keys propagate as DEL/UNLINK), MONITOR
//     feeding.
//   - blocking.go: clients blocked on keys (BLPOP and friends), serving
//     ready keys after each command, timeouts.
//   - multi.go: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//   - pubsub.go, pubsub_shard.go, pubsub_introspect.go: (S)SUBSCRIBE,
//     (P|S)UNSUBSCRIBE, (S)PUBLISH, PUBSUB.
//   - cmd_conn.go: connection commands (PING, ECHO, QUIT, SELECT, AUTH,
//     HELLO, RESET, CLIENT).
//   - cmd_server.go: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, INFO, MONITOR,
//     CONFIG, SHUTDOWN, and the persistence commands SAVE, BGSAVE,
//     BGREWRITEAOF, LASTSAVE as thin shells over the engine.
//   - cmd_command.go: COMMAND and its subcommands, from the command table.
//   - cmd_debug.go: DEBUG (gated by enable-debug-command).
//   - info.go: INFO's sections (persistence's fields come from the engine).
//   - cron.go: the periodic work (Redis's serverCron): statistics, rehash
//     steps, the engine's cron, active expiry; CONFIG SET hooks.
//   - loading.go: what the engine needs from execution to load files: the
//     connection-less client that runs an AOF's commands, and the decoders
//     of collection values with the configured limits.
package server

// Command vbench measures vesta-server side by side with Debian's
// redis-server 7.0 and writes the results as Markdown, CSV and a gnuplot
// chart. bench/compare.sh builds it and vesta-server and runs it; see
// docs/BENCHMARKS.md for how to read the output.
//
// # Method
//
// Both servers run on loopback ports of the same machine, with the same
// command-line settings and data directories on the same file system. Every
// measurement is taken on both servers alternately, A then B, with the order
// reversed every other round so that neither always goes first, and the
// tables report the median over the rounds together with the spread (minimum
// and maximum). Ratios are Vesta divided by Redis, computed per round from
// the two back-to-back measurements and then reduced to their median, so a
// burst of machine noise moves both sides of a ratio alike.
//
// # Scenarios
//
// Each scenario lives in its own file (scen_*.go) and first probes whether
// Vesta can do what it needs, for example with BGSAVE or by checking that an
// append-only file really receives a write. When the probe fails the
// scenario prints "skipped: <why>" and the report says so, which keeps the
// suite runnable while persistence features are still being built.
//
//   - throughput: redis-benchmark with 50 clients at -P 1 and -P 16 for SET,
//     GET, INCR, LPUSH, RPOP, SADD, HSET, ZADD, LRANGE_100 and MSET, with
//     persistence off, appendfsync everysec and appendfsync always, plus
//     RPUSH, LPOP, SPOP and ZPOPMIN with persistence off. The same runs give
//     the latency percentiles (p50, p99, p99.9, max).
//   - snapshot: 2M keys, a Go load generator writing at full speed, then
//     BGSAVE and BGREWRITEAOF: latency and throughput during the snapshot
//     against outside it, its duration and the peak growth of the memory
//     footprint (PSS of the server and its children, so a fork's shared pages
//     count once).
//   - memory: RSS growth per element for 1M small strings, 1M small hashes, a
//     1M-element zset and a 1M-element list.
//   - recovery: time from exec to serving all keys for a dump.rdb, a RESP AOF
//     and an RDB-preamble AOF holding 2M keys, all written by redis-server.
//   - tls: SET and GET through redis-benchmark --tls (client certificates
//     required, persistence off) at -P 1 and -P 16, with 50 clients.
//   - overhead: each server against itself, SET and GET at -P 1 and -P 16
//     with 50 clients, persistence off: diagnostics on (the defaults)
//     against off (latency-tracking no, slowlog-log-slower-than -1), and the
//     default user against an ACL user with key patterns. Here the pairs
//     alternated are a feature off and on, not Vesta and Redis.
//   - replication: each server as the master of a replica of its own kind,
//     2M keys: full sync time (disk-based and diskless, idle and under a
//     full-speed write load), the master's footprint growth, throughput and
//     p99 during the sync under load, replication lag under a -P 16 SET
//     load, and the time a restarted replica takes to resume (partial
//     resync from its RDB against a full sync).
//
// # Subcommands
//
//	vbench compare [flags] [scenario...]   run scenarios, write the report
//	vbench gobench [file]                  summarise `go test -bench` output
package main

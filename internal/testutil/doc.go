// Package testutil runs real server processes for black-box tests and talks
// to them the way clients do.
//
// # Servers
//
// [BuildVesta] compiles ./cmd/vesta-server once per test process.
// [StartVesta] and [StartRedis] start vesta-server or Debian's redis-server
// on a free loopback port with a fresh data directory and `--save ""`, wait
// until the server answers PING, and stop it when the test ends (SIGTERM, then
// SIGKILL). The returned [Server] can be stopped, killed and restarted on the
// same port and directory, which persistence tests need.
//
// Test packages that build Vesta should run their tests through [Main] so
// that the temporary build directory is removed when the process ends:
//
//	func TestMain(m *testing.M) { testutil.Main(m) }
//
// Setting VESTA_SERVER_BIN to the path of a prebuilt vesta-server skips the
// build. Setting VESTA_TEST_RACE=1 builds the server with the race detector.
//
// # Clients
//
// [Dial] returns a raw RESP client, [Conn], whose Do returns the exact bytes
// of one reply: what differential tests compare. [ReadFrame] reads one RESP2
// or RESP3 reply (nested aggregates, attributes and push messages included)
// from a stream without trusting announced lengths, and [Parse] turns such a
// frame into Go values ([Status], [ErrorReply], int64, string, nil, []any,
// [Map], [Set], [Push], [Verbatim], [Attributed], bool, float64, *big.Int).
// [GoRedis] returns a go-redis client and [RedisCLI] runs the real redis-cli.
//
// # External tools
//
// Tests that need redis-server, redis-cli or redis-benchmark skip when the
// tool is missing, except when the environment has CI=true: CI installs them,
// so there a missing tool is a failure ([RequireTool]).
package testutil

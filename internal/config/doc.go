// Package config holds Vesta's server configuration: the redis.conf syntax
// of vesta.conf, redis-server's command line, and the CONFIG GET, SET and
// REWRITE semantics of Redis 7.0.15, with Redis's exact error texts.
//
// # One table drives everything
//
// [Config] is a plain struct with one documented field per directive; the
// fields are the manual. Beside it, a table of [Directive] rows (see
// [Directives]) describes each directive as data: canonical name, alias,
// [Kind] (yes/no, integer with bounds, memory size, enum, string, or a
// special syntax), [Flags] (Immutable, Protected, Hidden, MultiArg), the
// built-in default, and three functions: a getter that formats the value
// exactly as CONFIG GET prints it, a setter that validates and stores, and a
// rewriter for CONFIG REWRITE. The table rows are built by small generic
// constructors (one per kind) from an accessor returning the field's
// address, so adding a directive is one line plus its field.
//
// [Default] builds a Config by feeding each row's default through its
// setter, so defaults, parsing and formatting can never disagree; a test
// compares the result with CONFIG GET * of a real Redis 7.0.15.
//
// # Reading a configuration
//
// [Parse], [Load] and [ParseArgs] follow Redis's loadServerConfigFromString:
// the text is split on '\n', each line trimmed of " \t\r\n"; blank lines and
// lines starting with '#' are skipped; the rest is split by [SplitArgs] (the
// sdssplitargs rules: double quotes with \n \r \t \b \a \\ \" \xHH escapes,
// single quotes literal except \', a closing quote must be followed by space
// or the end of the line). The directive name is case-insensitive. A known
// directive that is not MultiArg needs exactly one argument. "include
// <path>" loads another file at that point, relative to the working
// directory; a path with '*', '?' or '[' is a glob whose matches are read in
// lexical order, and matching nothing is fine. Several save lines
// accumulate, the first one replacing the built-in rules, and `save ""`
// clears them; client-output-buffer-limit lines accumulate per class.
//
// ParseArgs adds redis-server's command line: an optional file, "-" for
// stdin, and "--name value..." options turned into extra lines after the
// file, so they override it.
//
// # Redis's parameters
//
// The table holds every parameter of Redis 7.0.15 (the 192 names of CONFIG
// GET *, aliases included, and the hidden ones). Each row has a [Status]:
// Implemented rows have a field in [Config] and take effect; Ignored rows
// (jemalloc, fork children, CPU pinning, I/O threads, ...) accept every value
// Redis accepts and keep it for CONFIG GET, and [Config.Ineffective] lists
// those a configuration set so that the server can log them; Unbuilt rows
// (replication, cluster, ACL, eviction, ...) check values as Redis does
// but refuse anything but the default with an error naming the missing
// feature. Rows without a field keep their value, in CONFIG GET form, in a
// map inside Config (see directives_redis.go and stored.go).
//
// # Errors
//
// A bad line is recorded in a [*ParseError] and loading goes on, so that
// every bad line is reported at once ([ParseErrors] when there are
// several; errors.As with a *ParseError finds the first). Its Err text is Redis's
// reason (for example "argument couldn't be parsed into an integer"), and
// [ParseError.Report] prints Redis's block:
//
//	*** FATAL CONFIG FILE ERROR (Vesta 0.1.0) ***
//	Reading the configuration file /etc/vesta.conf, at line 3
//	>>> 'port abc'
//	argument couldn't be parsed into an integer
//
// The one difference from Redis is the source after "file": Redis never
// says which file, which hurts with includes. The source is the file path,
// the glob pattern of an include, "(stdin)", "(command line)", or several of
// those joined with " + " for ParseArgs; the line number is counted exactly
// as Redis counts it, over that whole text. An unreadable file gives a
// [*FileError], reported as Redis logs it.
//
// # Runtime use
//
// The server keeps one Config under its own lock; the Config itself is not
// safe for concurrent use. [Config.Get] is CONFIG GET (names and aliases are
// separate entries, hidden directives match only by exact name),
// [Config.Set] is the atomic multi-pair CONFIG SET of Redis 7 (check all
// names, set all values, run the [Config.OnApply] hooks of the changed
// directives, roll everything back on any failure), and [Config.Rewrite] is
// CONFIG REWRITE. Their errors are [*ReplyError] values whose text is
// Redis's error reply; their kinds (ErrUnknownOption, ErrImmutable,
// ErrProtected, ErrDuplicate, ErrInvalidValue, ErrApply, ErrNoConfigFile,
// ErrRewrite) are reachable with errors.Is.
//
// The library never acts on the world beyond reading files: it does not
// chdir, listen or open AOFs. Directives whose change needs an action (dir,
// port, bind, appendonly, ...) get it from a hook the server registers with
// OnApply. Two directives do touch the file system while loading, as in
// Redis: dir must name an existing directory (its value is kept absolute,
// resolved like successive chdir calls), and a logfile must open for
// appending once loading is done.
//
// # Deliberate differences from Redis 7.0.15
//
//   - bind defaults to "127.0.0.1 -::1" (loopback) instead of "* -::*".
//   - daemonize yes without a pidfile writes /var/run/vesta.pid (Redis:
//     /var/run/redis.pid), and the parent exits only once the background
//     server listens, with status 1 if it died first.
//   - loglevel also accepts "nothing" (Redis 7.2), so its error lists five
//     words.
//   - CONFIG REWRITE rewrites alias lines in place under the canonical name;
//     Redis leaves them behind, so a stale alias line could win on restart.
//     Rewrite also fsyncs the directory after the rename, and keeps the
//     old file's permission bits instead of applying the umask.
//   - Include files nest at most 16 deep (Redis recurses until it crashes).
//   - Redis stops at the first bad line; Vesta reports them all.
//   - Parameters of missing features refuse non-default values (see
//     above); loadmodule, user, rename-command and sentinel lines are
//     refused with the feature named.
//   - activedefrag yes is accepted without effect (Debian's Redis, built
//     without a defragmenting jemalloc, refuses it).
package config

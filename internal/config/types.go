package config

// LogLevel is the verbosity of the server log (the loglevel directive).
type LogLevel int

// The log levels, from the most to the least talkative.
const (
	LogDebug LogLevel = iota
	LogVerbose
	LogNotice
	LogWarning
	// LogNothing silences the log. Redis 7.0.15 does not know it (it came
	// with 7.2); Vesta accepts it.
	LogNothing
)

var logLevelNames = []string{"debug", "verbose", "notice", "warning", "nothing"}

// String returns the directive spelling of the level.
func (l LogLevel) String() string { return enumName(logLevelNames, int(l)) }

// SyslogFacility is the syslog facility of the log (syslog-facility).
type SyslogFacility int

// The syslog facilities, in the order Redis lists them.
const (
	SyslogUser SyslogFacility = iota
	SyslogLocal0
	SyslogLocal1
	SyslogLocal2
	SyslogLocal3
	SyslogLocal4
	SyslogLocal5
	SyslogLocal6
	SyslogLocal7
)

var syslogFacilityNames = []string{"user", "local0", "local1", "local2", "local3",
	"local4", "local5", "local6", "local7"}

// String returns the directive spelling of the facility.
func (f SyslogFacility) String() string { return enumName(syslogFacilityNames, int(f)) }

// LogFormat is the shape of the log lines (log-format, Vesta only).
type LogFormat int

// The log formats.
const (
	// LogFormatRedis is Redis's "pid:role date level-char message" line.
	LogFormatRedis LogFormat = iota
	// LogFormatJSON is one JSON object per record.
	LogFormatJSON
	// LogFormatLogfmt is one line of key=value pairs per record.
	LogFormatLogfmt
)

var logFormatNames = []string{"redis", "json", "logfmt"}

// String returns the directive spelling of the format.
func (f LogFormat) String() string { return enumName(logFormatNames, int(f)) }

// FsyncPolicy says when the append-only file is fsynced (appendfsync).
type FsyncPolicy int

// The fsync policies, in the order Redis lists them.
const (
	// FsyncEverySec fsyncs once per second from a background goroutine.
	FsyncEverySec FsyncPolicy = iota
	// FsyncAlways fsyncs before replying to any write.
	FsyncAlways
	// FsyncNo leaves flushing to the operating system.
	FsyncNo
)

var fsyncNames = []string{"everysec", "always", "no"}

// String returns the directive spelling of the policy.
func (p FsyncPolicy) String() string { return enumName(fsyncNames, int(p)) }

// ProtectedAction gates a dangerous feature: off, on, or on for loopback
// clients only (enable-protected-configs, enable-debug-command).
type ProtectedAction int

// The three settings of a protected action.
const (
	ProtectedNo ProtectedAction = iota
	ProtectedYes
	ProtectedLocal
)

var protectedNames = []string{"no", "yes", "local"}

// String returns the directive spelling of the setting.
func (a ProtectedAction) String() string { return enumName(protectedNames, int(a)) }

// Allowed reports whether a caller may use the gated feature; loopback says
// whether the caller is connected over a loopback interface (or a Unix
// socket).
func (a ProtectedAction) Allowed(loopback bool) bool {
	return a == ProtectedYes || (a == ProtectedLocal && loopback)
}

// SanitizeMode selects deep integrity checks of serialized payloads on RDB
// load and RESTORE (sanitize-dump-payload).
type SanitizeMode int

// The sanitize modes.
const (
	// SanitizeNo skips deep checks.
	SanitizeNo SanitizeMode = iota
	// SanitizeYes always checks.
	SanitizeYes
	// SanitizeClients checks RESTORE payloads from ordinary clients only.
	SanitizeClients
)

var sanitizeNames = []string{"no", "yes", "clients"}

// String returns the directive spelling of the mode.
func (m SanitizeMode) String() string { return enumName(sanitizeNames, int(m)) }

// ShutdownFlags is what the server does on SIGTERM or SIGINT
// (shutdown-on-sigterm, shutdown-on-sigint). Zero is "default": save if save
// points are configured, then exit.
type ShutdownFlags int

// The shutdown flags. They combine, except that ShutdownSave and
// ShutdownNoSave exclude each other.
const (
	// ShutdownSave saves an RDB snapshot even when no save point is set.
	ShutdownSave ShutdownFlags = 1 << iota
	// ShutdownNoSave skips the snapshot even when save points are set.
	ShutdownNoSave
	// ShutdownNow does not wait for lagging replicas.
	ShutdownNow
	// ShutdownForce exits even if the final save or AOF flush fails.
	ShutdownForce
)

// shutdownNames lists the spellings with their bits, in Redis's order.
var shutdownNames = []struct {
	name string
	bit  ShutdownFlags
}{
	{"default", 0},
	{"save", ShutdownSave},
	{"nosave", ShutdownNoSave},
	{"now", ShutdownNow},
	{"force", ShutdownForce},
}

// String returns the flags as CONFIG GET shows them, e.g. "nosave now".
func (f ShutdownFlags) String() string {
	if f == 0 {
		return "default"
	}
	out := ""
	for _, n := range shutdownNames {
		if n.bit != 0 && f&n.bit == n.bit {
			if out != "" {
				out += " "
			}
			out += n.name
		}
	}
	return out
}

// SavePoint is one "save <seconds> <changes>" rule: snapshot when at least
// Changes writes happened and more than Seconds seconds passed since the
// last successful save.
type SavePoint struct {
	Seconds int64
	Changes int
}

// ClientClass is a class of client for output buffer limits.
type ClientClass int

// The client classes that have output buffer limits, in Redis's order.
const (
	ClassNormal ClientClass = iota
	ClassReplica
	ClassPubSub
	numClientClasses
)

// classNames is how CONFIG GET spells each class. Redis 7.0 still prints
// "slave" for replicas there, while CONFIG REWRITE writes "replica".
var classNames = [numClientClasses]string{"normal", "slave", "pubsub"}

// String returns the class name as CONFIG REWRITE writes it.
func (c ClientClass) String() string {
	if c == ClassReplica {
		return "replica"
	}
	if c >= 0 && c < numClientClasses {
		return classNames[c]
	}
	return "unknown"
}

// OutputBufferLimit bounds the reply buffer of one client class. A client is
// disconnected when its buffer exceeds Hard bytes, or stays above Soft bytes
// for SoftSeconds seconds. Zero disables a limit.
type OutputBufferLimit struct {
	Hard        uint64
	Soft        uint64
	SoftSeconds int
}

// enumName returns names[v], or "unknown" for a value out of range.
func enumName(names []string, v int) string {
	if v >= 0 && v < len(names) {
		return names[v]
	}
	return "unknown"
}

// SupervisedMode is how the server talks to a service manager (supervised).
type SupervisedMode int

// The supervision modes, in Redis's order.
const (
	SupervisedUpstart SupervisedMode = iota
	SupervisedSystemd
	SupervisedAuto
	SupervisedNo
)

var supervisedNames = []string{"upstart", "systemd", "auto", "no"}

// String returns the directive spelling of the mode.
func (m SupervisedMode) String() string { return enumName(supervisedNames, int(m)) }

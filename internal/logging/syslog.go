package logging

import (
	"fmt"
	"log/syslog"
	"os"
	"strings"
)

// SyslogSocketEnv names an environment variable that, when set, makes
// DialSyslog send to that Unix datagram socket instead of the system's
// (/dev/log): for tests on machines without a syslog daemon.
const SyslogSocketEnv = "VESTA_SYSLOG_SOCKET"

// facilities are the syslog-facility words Redis accepts.
var facilities = map[string]syslog.Priority{
	"user":   syslog.LOG_USER,
	"local0": syslog.LOG_LOCAL0,
	"local1": syslog.LOG_LOCAL1,
	"local2": syslog.LOG_LOCAL2,
	"local3": syslog.LOG_LOCAL3,
	"local4": syslog.LOG_LOCAL4,
	"local5": syslog.LOG_LOCAL5,
	"local6": syslog.LOG_LOCAL6,
	"local7": syslog.LOG_LOCAL7,
}

// DialSyslog connects to the local syslog daemon (as Redis's openlog with
// LOG_PID|LOG_NDELAY|LOG_NOWAIT does) with ident as the tag and the named
// facility. Messages carry the process id: "ident[pid]: message".
func DialSyslog(ident, facility string) (*syslog.Writer, error) {
	fac, ok := facilities[strings.ToLower(facility)]
	if !ok {
		return nil, fmt.Errorf("unknown syslog facility %q", facility)
	}
	if path := os.Getenv(SyslogSocketEnv); path != "" {
		return syslog.Dial("unixgram", path, fac|syslog.LOG_NOTICE, ident)
	}
	return syslog.New(fac|syslog.LOG_NOTICE, ident)
}

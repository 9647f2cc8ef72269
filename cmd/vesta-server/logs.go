package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"golang.org/x/sys/unix"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/logging"
	"github.com/vestadb/vesta/internal/server"
)

// openLog builds the server's logger from loglevel, logfile, log-format and
// syslog-*: lines go to the logfile (opened for each line, as Redis does,
// so that log rotation needs no signal), or to standard output
// when it is "" (nowhere for a daemonized server, whose standard output is
// /dev/null). It returns the destination too (for crash reports) and a
// function that closes what it opened.
func openLog(cfg *config.Config, level *slog.LevelVar) (*slog.Logger, *logging.Handler, io.Writer, func(), error) {
	var out io.Writer = os.Stdout
	closeFn := func() {}
	if cfg.LogFile != "" {
		f, err := os.OpenFile(cfg.LogFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("Can't open the log file: %v", err)
		}
		f.Close()
		out = &logging.AppendFile{Path: cfg.LogFile}
	}
	format, _ := logging.ParseFormat(cfg.LogFormat.String())
	lvl, _ := logging.ParseLevel(cfg.LogLevel.String())
	level.Set(lvl)
	h := logging.NewHandler(logging.Options{Out: out, Format: format, Level: level, Pid: os.Getpid()})
	logger := slog.New(h)
	if cfg.SyslogEnabled {
		sw, err := logging.DialSyslog(cfg.SyslogIdent, cfg.SyslogFacility.String())
		if err != nil {
			// Redis's openlog cannot fail; say why nothing reaches syslog.
			logger.Warn("Can't connect to syslog, logging to it is off: " + err.Error())
		} else {
			h.SetSyslog(sw)
			prev := closeFn
			closeFn = func() { sw.Close(); prev() }
		}
	}
	return logger, h, out, closeFn, nil
}

// buildCommit returns the source revision (8 hex digits, Redis's
// "00000000" when unknown) and whether the tree was modified.
func buildCommit() (string, bool) {
	commit, modified := "00000000", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if len(s.Value) >= 8 {
					commit = s.Value[:8]
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	return commit, modified
}

// logStarting logs Redis's first lines, worded for Vesta and keyed as
// Redis keys them, with the role 'C' Redis's first lines carry; then
// switches the role to 'M'.
func logStarting(logger *slog.Logger, h *logging.Handler, noArgs bool) {
	commit, modified := buildCommit()
	mod := 0
	if modified {
		mod = 1
	}
	logger.Warn("oO0OoO0OoO0Oo Vesta is starting oO0OoO0OoO0Oo")
	logger.Warn(fmt.Sprintf("Vesta version=%s, redis_version=%s, bits=64, commit=%s, modified=%d, pid=%d, just started",
		server.VestaVersion, server.Version, commit, mod, os.Getpid()))
	if noArgs {
		logger.Warn("Warning: no config file specified, using the default config. In order to specify a config file use " +
			os.Args[0] + " /path/to/vesta.conf")
	} else {
		logger.Warn("Configuration loaded")
	}
	h.SetRole('M')
}

// logLogo shows the startup logo when always-show-logo is on, or when the
// log is a terminal (standard output, no syslog); otherwise Redis's
// one-line summary.
func logLogo(logger *slog.Logger, cfg *config.Config) {
	port := cfg.Port
	show := cfg.AlwaysShowLogo ||
		(!cfg.SyslogEnabled && cfg.LogFile == "" && cfg.LogFormat == config.LogFormatRedis && isTerminal(os.Stdout))
	if !show || cfg.LogFormat != config.LogFormatRedis {
		logger.Info(fmt.Sprintf("Running mode=standalone, port=%d.", port))
		return
	}
	commit, modified := buildCommit()
	logging.Raw(logger, logging.Banner(logging.BannerInfo{
		Version: server.VestaVersion, RedisVersion: server.Version, Commit: commit, Modified: modified,
		Mode: "standalone", Port: port, Pid: os.Getpid(),
	}))
}

// isTerminal reports whether f is a terminal, as isatty(3) does (a
// character device such as /dev/null is not one).
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

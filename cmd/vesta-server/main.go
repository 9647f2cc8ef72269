// Command vesta-server runs Vesta, a Redis-compatible in-memory data server
// whose persistence is the product. Its command line works like
// redis-server's:
//
//	vesta-server [config-file] [--directive value ...]
//	vesta-server -            (configuration from stdin)
//	vesta-server --version | --help
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/server"
	"github.com/vestadb/vesta/internal/supervise"
)

func main() { os.Exit(run()) }

func run() int {
	stdin := &teeReader{r: os.Stdin}
	cfg, err := config.ParseArgs(os.Args[1:], stdin)
	switch {
	case errors.Is(err, config.ErrVersion):
		fmt.Printf("Vesta server v=%s redis_compat=%s go=%s bits=64\n", server.VestaVersion, server.Version, runtime.Version())
		return 0
	case errors.Is(err, config.ErrHelp):
		fmt.Print(config.Usage("vesta-server"))
		return 0
	case err != nil:
		fmt.Fprint(os.Stderr, config.FatalReport(err, server.VestaVersion))
		return 1
	}

	sup, supWarning := supervise.Detect(cfg.Supervised, os.Getenv)
	// As in Redis, a supervised server stays in the foreground whatever
	// daemonize says.
	background := cfg.Daemonize && !sup.Active()
	var started *os.File // the daemonized child's line to its parent
	if background {
		if os.Getenv(daemonEnv) == "" {
			return daemonize(stdin.data)
		}
		os.Unsetenv(daemonEnv)
		started = childReportPipe()
		if cfg.PidFile == "" {
			cfg.PidFile = defaultPidFile // as Redis writes /var/run/redis.pid
		}
	}

	level := new(slog.LevelVar)
	logger, logHandler, logOut, closeLog, err := openLog(cfg, level)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer closeLog()
	logStarting(logger, logHandler, len(os.Args) == 1)

	// VESTA_CPUPROFILE=<file> records a CPU profile until shutdown, for
	// performance work.
	if path := os.Getenv("VESTA_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() {
				pprof.StopCPUProfile()
				f.Close()
			}()
		}
	}

	srv := server.New(cfg, logger, level)
	srv.SetCrashOutput(logOut)
	if logHandler != nil {
		srv.SetLogRole(logHandler.SetRole)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	srv.HandleSignals(sigs)
	switch {
	case supWarning != "":
		logger.Warn(supWarning)
	case sup.Mode == supervise.Systemd:
		logger.Info("Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and TimeoutStopSec in your service unit.")
	case sup.Mode == supervise.Upstart:
		logger.Info("Supervised by upstart, will stop to signal readiness.")
	}
	srv.SetHooks(server.Hooks{
		Loading: func() {
			if err := sup.Status("Vesta is loading..."); err != nil {
				logger.Warn("Could not notify the service manager: " + err.Error())
			}
		},
		Ready: func() {
			if err := sup.Ready("Ready to accept connections"); err != nil {
				logger.Warn("Could not notify the service manager: " + err.Error())
			}
		},
		Stopping: func() {
			if err := sup.Stopping(); err != nil {
				logger.Warn("Could not notify the service manager: " + err.Error())
			}
		},
	})
	logLogo(logger, cfg)
	logIneffective(logger, cfg)
	if err := srv.Listen(); err != nil {
		// The cause (which keeps "address already in use"), then Redis's line.
		msg := strings.TrimPrefix(err.Error(), "server: ")
		if rest, ok := strings.CutPrefix(msg, "failed opening Unix socket "); ok {
			logger.Warn("Failed opening Unix socket: " + rest)
		} else {
			logger.Warn("Warning: " + msg)
			logger.Warn(fmt.Sprintf("Failed listening on port %d (TCP), aborting.", cfg.Port))
		}
		return 1
	}
	logger.Warn("Server initialized")
	if err := srv.WritePidFile(); err != nil {
		logger.Warn("Failed to write PID file: " + err.Error())
	}
	defer srv.RemovePidFile()
	if started != nil {
		// The parent waits for this line to exit 0; a child that dies
		// before it makes the parent exit 1.
		fmt.Fprintf(started, "started %d\n", os.Getpid())
		started.Close()
	}

	if err := srv.Run(context.Background()); err != nil {
		logger.Warn("Server stopped with an error: " + err.Error())
		return 1
	}
	return 0
}

// logIneffective logs, once at startup and at notice level, the Redis
// parameters the configuration set that mean nothing in Vesta: one line
// naming them all, and one line with the reason for each value that differs
// from Redis's default.
func logIneffective(logger *slog.Logger, cfg *config.Config) {
	list := cfg.Ineffective()
	if len(list) == 0 {
		return
	}
	names := make([]string, len(list))
	for i, d := range list {
		names[i] = d.Name
	}
	logger.Info("Redis parameters accepted without effect in Vesta (see docs/COMPATIBILITY.md): " + strings.Join(names, ", "))
	for _, d := range list {
		if d.Value != d.Default {
			logger.Info(fmt.Sprintf("%s %q has no effect in Vesta: %s", d.Name, d.Value, d.Why))
		}
	}
}

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
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/server"
)

func main() { os.Exit(run()) }

func run() int {
	cfg, err := config.ParseArgs(os.Args[1:], os.Stdin)
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

	var out io.Writer = os.Stdout
	if cfg.LogFile != "" {
		f, err := os.OpenFile(cfg.LogFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			fmt.Fprintf(os.Stderr, "Can't open the log file: %v\n", err)
			return 1
		}
		defer f.Close()
		out = f
	}
	level := new(slog.LevelVar)
	logger := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: level}))

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
	srv.SetCrashOutput(out)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	srv.HandleSignals(sigs)
	logger.Info("Vesta is starting", "version", server.VestaVersion, "redis_compat", server.Version, "pid", os.Getpid())
	if err := srv.Listen(); err != nil {
		logger.Error("Failed listening", "err", err)
		return 1
	}
	if err := srv.WritePidFile(); err != nil {
		logger.Warn("Failed to write the pid file", "err", err)
	}
	defer srv.RemovePidFile()

	if err := srv.Run(context.Background()); err != nil {
		logger.Error("Server stopped with an error", "err", err)
		return 1
	}
	return 0
}

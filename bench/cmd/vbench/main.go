package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	args := os.Args[1:]
	sub := "compare"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	var err error
	switch sub {
	case "compare":
		err = compareMain(args)
	case "gobench":
		err = gobenchMain(args, os.Stdin, os.Stdout)
	default:
		err = fmt.Errorf("vbench: unknown subcommand %q (want compare or gobench)", sub)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// options are compare's flags.
type options struct {
	Vesta, Redis, Benchmark string
	Out                     string
	Rounds                  int
	Quick                   bool
	Budget                  time.Duration
	Doc                     string
	Publish                 string
	Command                 string
	VestaRev                string
	Keep                    bool
	Scale                   int
	Tests                   []string
	Scenarios               []string
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("vbench compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Vesta, "vesta", "bench/out/vesta-server", "vesta-server executable")
	fs.StringVar(&o.Redis, "redis", "redis-server", "redis-server executable")
	fs.StringVar(&o.Benchmark, "redis-benchmark", "redis-benchmark", "redis-benchmark executable")
	fs.StringVar(&o.Out, "out", "bench/out/latest", "directory for the report, raw CSV, chart and server data")
	fs.IntVar(&o.Rounds, "rounds", 0, "rounds per measurement (default 5, or 1 with -quick)")
	fs.BoolVar(&o.Quick, "quick", false, "a smoke run: one round, short loads, 10x smaller data sets")
	fs.DurationVar(&o.Budget, "budget", 0, "time the throughput scenario's measured runs should take in all (default 4m, or 40s with -quick)")
	fs.StringVar(&o.Doc, "doc", "", "Markdown file whose vbench sections are replaced by this run's (e.g. docs/BENCHMARKS.md)")
	fs.StringVar(&o.Publish, "publish", "", "directory that receives the chart and raw CSV referenced from -doc (e.g. bench/results)")
	fs.StringVar(&o.Command, "command", "", "the command line to print in the report (default: this one)")
	fs.StringVar(&o.VestaRev, "vesta-rev", "", "the source revision vesta-server was built from, for the report")
	fs.BoolVar(&o.Keep, "keep", false, "keep the servers' data directories")
	fs.IntVar(&o.Scale, "scale", 0, "divide the data set sizes (2M keys, 1M elements) by this (default 1, or 10 with -quick)")
	tests := fs.String("tests", "", "comma-separated redis-benchmark tests for the throughput scenario (default all: "+thrTestNames()+")")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.Scenarios = fs.Args()
	if *tests != "" {
		for _, t := range strings.Split(*tests, ",") {
			if findThrTest(t) == nil {
				return o, fmt.Errorf("vbench: unknown test %q (have %s)", t, thrTestNames())
			}
			o.Tests = append(o.Tests, t)
		}
	}
	if o.Scale <= 0 {
		o.Scale = 1
		if o.Quick {
			o.Scale = 10
		}
	}
	if len(o.Scenarios) == 0 {
		for _, s := range scenarios {
			o.Scenarios = append(o.Scenarios, s.name)
		}
	}
	for _, name := range o.Scenarios {
		if findScenario(name) == nil {
			return o, fmt.Errorf("vbench: unknown scenario %q (have %s)", name, scenarioNames())
		}
	}
	if o.Rounds <= 0 {
		o.Rounds = 5
		if o.Quick {
			o.Rounds = 1
		}
	}
	if o.Budget <= 0 {
		o.Budget = 4 * time.Minute
		if o.Quick {
			o.Budget = 40 * time.Second
		}
	}
	if o.Command == "" {
		o.Command = "vbench compare " + strings.Join(args, " ")
	}
	return o, nil
}

func compareMain(args []string) error {
	o, err := parseOptions(args, os.Stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stopAll()
	}()
	return runCompare(ctx, o)
}

// runCompare runs the scenarios of o and writes the report.
func runCompare(ctx context.Context, o options) error {
	e, err := newEnv(ctx, o)
	if err != nil {
		return err
	}
	defer stopAll()
	var secs []*section
	for _, name := range o.Scenarios {
		sc := findScenario(name)
		sec := newSection(e, sc)
		e.logf("== scenario %s", sc.name)
		start := time.Now()
		if err := sc.run(e, sec); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			sec.failed(err)
		}
		sec.finish(time.Since(start))
		e.logf("== scenario %s took %v", sc.name, time.Since(start).Round(time.Second))
		secs = append(secs, sec)
	}
	return writeReport(e, secs)
}

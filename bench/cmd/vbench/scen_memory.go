package main

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// memKind is one data shape of the memory scenario.
type memKind struct {
	name  string
	desc  string
	probe []string
	// load fills a server with count elements.
	load func(s *server, count int) error
}

const memBatch = 100 // elements per ZADD or RPUSH

var memKinds = []memKind{
	{"strings", "small strings: `DEBUG POPULATE` (key:N → value:N)", []string{"DEBUG", "POPULATE", "1", "probe"},
		func(s *server, count int) error {
			r, err := s.do("DEBUG", "POPULATE", strconv.Itoa(count))
			if err == nil && r.isError() {
				err = fmt.Errorf("vbench: DEBUG POPULATE: %s", r.Str)
			}
			return err
		}},
	{"hashes", "small hashes: `HSET hash:N field:1 value:N field:2 value:N`", []string{"HSET", "probe:hash", "f", "v"},
		func(s *server, count int) error {
			return pipelineLoad(s.Addr(), count, 1000, func(i int) []string {
				v := "value:" + strconv.Itoa(i)
				return []string{"HSET", "hash:" + strconv.Itoa(i), "field:1", v, "field:2", v}
			})
		}},
	{"zset", "one zset: `ZADD zset N member:N`, 100 members a command", []string{"ZADD", "probe:zset", "1", "m"},
		func(s *server, count int) error {
			return pipelineLoad(s.Addr(), count/memBatch, 100, func(i int) []string {
				args := []string{"ZADD", "zset"}
				for j := i * memBatch; j < (i+1)*memBatch; j++ {
					args = append(args, strconv.Itoa(j), "member:"+strconv.Itoa(j))
				}
				return args
			})
		}},
	{"list", "one list: `RPUSH list element:N`, 100 elements a command", []string{"RPUSH", "probe:list", "v"},
		func(s *server, count int) error {
			return pipelineLoad(s.Addr(), count/memBatch, 100, func(i int) []string {
				args := []string{"RPUSH", "list"}
				for j := i * memBatch; j < (i+1)*memBatch; j++ {
					args = append(args, "element:"+strconv.Itoa(j))
				}
				return args
			})
		}},
	{"stream", "one stream: `XADD stream * field value:N`, an entry a command", []string{"XADD", "probe:stream", "*", "f", "v"},
		func(s *server, count int) error {
			return pipelineLoad(s.Addr(), count, 1000, func(i int) []string {
				return []string{"XADD", "stream", "*", "field", "value:" + strconv.Itoa(i)}
			})
		}},
}

func runMemory(e *runEnv, s *section) error {
	s.header("kind", "round", "server", "elements", "rss_before", "rss_after", "rss_bytes_per_element",
		"used_memory_before", "used_memory_after", "load_seconds", "load1", "rss_after_purge", "rss_purged_bytes_per_element")
	count := e.scale(1_000_000)
	rounds := min(e.opt.Rounds, 3)
	cmds := make([][]string, len(memKinds))
	for i, k := range memKinds {
		cmds[i] = k.probe
	}
	vwhy, err := probeCommands(e, e.vesta, cmds)
	if err != nil {
		return err
	}
	rwhy, err := probeCommands(e, e.redis, cmds)
	if err != nil {
		return err
	}
	s.printf("Each server starts empty with persistence off; RSS (VmRSS) is read 0.3 s after start and 1 s after "+
		"loading %d elements, and the growth is divided by the element count. Medians over %d rounds. "+
		"`used_memory` is each server's own INFO figure (Vesta's comes from the Go runtime). The last columns "+
		"read RSS again after `MEMORY PURGE` on both servers (Redis: jemalloc returns its dirty pages; Vesta: a "+
		"garbage collection that returns the freed heap), 0.3 s later: the footprint once the load's garbage "+
		"is gone.\n", count, rounds)
	var rows [][]string
	for i, k := range memKinds {
		if rwhy[i] != "" {
			s.skip(k.name, "redis-server: "+rwhy[i])
			continue
		}
		if vwhy[i] != "" {
			s.skip(k.name, "vesta-server: "+vwhy[i])
			continue
		}
		per := map[string][]float64{}
		used := map[string][]float64{}
		purged := map[string][]float64{}
		for round := range rounds {
			for _, t := range e.order(round) {
				b, u, pb, err := memoryRun(e, s, t, k, count, round)
				if err != nil {
					return err
				}
				per[t.Name] = append(per[t.Name], b)
				used[t.Name] = append(used[t.Name], u)
				purged[t.Name] = append(purged[t.Name], pb)
			}
		}
		rows = append(rows, []string{k.desc, strconv.Itoa(count), medSpread(per["redis"]), medSpread(per["vesta"]),
			ratioSpread(ratios(per["vesta"], per["redis"])), num(median(used["redis"])), num(median(used["vesta"])),
			medSpread(purged["redis"]), medSpread(purged["vesta"]), ratioSpread(ratios(purged["vesta"], purged["redis"]))})
	}
	if len(rows) > 0 {
		s.printf("%s", mdTable("lrrrrrrrrr", []string{"data", "elements", "Redis RSS B/element", "Vesta RSS B/element",
			"Vesta/Redis", "Redis used_memory B/element", "Vesta used_memory B/element",
			"Redis RSS after PURGE", "Vesta RSS after PURGE", "Vesta/Redis after PURGE"}, rows))
		s.printf("\nAbove 1 in the ratio column Vesta needs more memory than Redis.\n")
	}
	return nil
}

// memoryRun loads one kind into a fresh server and returns the RSS growth
// and the used_memory growth per element, and the RSS growth per element
// after MEMORY PURGE.
func memoryRun(e *runEnv, s *section, t target, k memKind, count, round int) (float64, float64, float64, error) {
	sv, done, err := e.start(t, "mem-"+k.name, modeOff.args...)
	if err != nil {
		return 0, 0, 0, err
	}
	defer done()
	time.Sleep(300 * time.Millisecond)
	rss0, err := rss(sv.Pid())
	if err != nil {
		return 0, 0, 0, err
	}
	used0 := parseIntOr(sv.info("memory", "used_memory"))
	start := time.Now()
	if err := k.load(sv, count); err != nil {
		return 0, 0, 0, fmt.Errorf("vbench: loading %s into %s: %w", k.name, t.Name, err)
	}
	took := time.Since(start)
	time.Sleep(time.Second)
	rss1, err := rss(sv.Pid())
	if err != nil {
		return 0, 0, 0, err
	}
	used1 := parseIntOr(sv.info("memory", "used_memory"))
	per := float64(rss1-rss0) / float64(count)
	usedPer := float64(used1-used0) / float64(count)
	if used0 < 0 || used1 < 0 {
		usedPer = math.NaN()
	}
	if _, err := sv.do("MEMORY", "PURGE"); err != nil {
		return 0, 0, 0, fmt.Errorf("vbench: MEMORY PURGE on %s: %w", t.Name, err)
	}
	time.Sleep(300 * time.Millisecond)
	rss2, err := rss(sv.Pid())
	if err != nil {
		return 0, 0, 0, err
	}
	purgedPer := float64(rss2-rss0) / float64(count)
	s.row(k.name, round+1, t.Name, count, rss0, rss1, per, used0, used1, took.Seconds(), load1(), rss2, purgedPer)
	e.logf("memory %s round %d %-5s %.1f B/element (RSS %d → %d, %d after PURGE), load %.1fs", k.name, round+1, t.Name, per, rss0, rss1, rss2, took.Seconds())
	return per, usedPer, purgedPer, nil
}

// parseIntOr parses an INFO integer, -1 when absent or malformed.
func parseIntOr(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

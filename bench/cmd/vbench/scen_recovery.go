package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// recFormat is one kind of data file to start from.
type recFormat struct {
	name string
	desc string
	args []string // settings to write the fixture and to load it
}

var recFormats = []recFormat{
	{"rdb", "dump.rdb", modeOff.args},
	{"aof-resp", "RESP AOF (multi-part, `aof-use-rdb-preamble no`)",
		append(append([]string{}, modeEverysec.args...), "--aof-use-rdb-preamble", "no")},
	{"aof-preamble", "RDB-preamble AOF (multi-part, `aof-use-rdb-preamble yes`)",
		append(append([]string{}, modeEverysec.args...), "--aof-use-rdb-preamble", "yes")},
}

func runRecovery(e *runEnv, s *section) error {
	s.header("format", "round", "server", "keys", "file_bytes", "ready_s", "rss_after", "rss_peak", "load1")
	keys := e.scale(2_000_000)
	rounds := min(e.opt.Rounds, 3)
	s.printf("redis-server writes each file from %d keys made by `DEBUG POPULATE`; each server then starts on a fresh "+
		"copy of it with the same settings. The time runs from exec until the server answers PING and DBSIZE "+
		"reports every key. Medians over %d rounds.\n", keys, rounds)
	var rows [][]string
	for _, f := range recFormats {
		dir, size, err := recoveryFixture(e, f, keys)
		if err != nil {
			return err
		}
		times := map[string][]float64{}
		mem := map[string][]float64{}
		skipped := false
		for round := range rounds {
			for _, t := range e.order(round) {
				ready, rssAfter, peak, why, err := recoveryRun(e, t, f, dir, keys)
				if err != nil {
					return err
				}
				if why != "" {
					s.skip(f.name, t.Name+"-server: "+why)
					skipped = true
					break
				}
				times[t.Name] = append(times[t.Name], ready.Seconds())
				mem[t.Name] = append(mem[t.Name], float64(rssAfter)/(1<<20))
				s.row(f.name, round+1, t.Name, keys, size, ready.Seconds(), rssAfter, peak, load1())
				e.logf("recovery %s round %d %-5s %.2fs, RSS %.0f MiB", f.name, round+1, t.Name, ready.Seconds(), float64(rssAfter)/(1<<20))
			}
			if skipped {
				break
			}
		}
		if skipped {
			continue
		}
		rows = append(rows, []string{f.desc, fmt.Sprintf("%.1f", float64(size)/(1<<20)), medSpread(times["redis"]),
			medSpread(times["vesta"]), ratioSpread(ratios(times["vesta"], times["redis"])),
			num(median(mem["redis"])), num(median(mem["vesta"]))})
	}
	if len(rows) > 0 {
		s.printf("%s", mdTable("lrrrrrr", []string{"file", "MiB", "Redis s", "Vesta s", "Vesta/Redis",
			"Redis RSS after, MiB", "Vesta RSS after, MiB"}, rows))
		s.printf("\nAbove 1 in the ratio column Vesta starts more slowly.\n")
	}
	return nil
}

// recoveryFixture makes (or reuses) the data directory of format f with
// keys keys, written by redis-server, and returns it and the data size.
func recoveryFixture(e *runEnv, f recFormat, keys int) (string, int64, error) {
	dir := filepath.Join(e.out, "fixtures", f.name+"-"+strconv.Itoa(keys))
	stamp := filepath.Join(dir, ".vbench-complete")
	if _, err := os.Stat(stamp); err == nil {
		size, err := treeSize(dir)
		return dir, size, err
	}
	os.RemoveAll(dir)
	e.logf("recovery: writing the %s fixture with redis-server", f.name)
	sv, err := startServer(e.redis, dir, 2*time.Minute, f.args...)
	if err != nil {
		return "", 0, err
	}
	defer sv.stop()
	if r, err := sv.do("DEBUG", "POPULATE", strconv.Itoa(keys)); err != nil || r.isError() {
		return "", 0, fmt.Errorf("vbench: DEBUG POPULATE: %v %s", err, r.Str)
	}
	cmd := "SAVE"
	if f.name != "rdb" {
		cmd = "BGREWRITEAOF"
	}
	if r, err := sv.do(cmd); err != nil || r.isError() {
		return "", 0, fmt.Errorf("vbench: %s: %v %s", cmd, err, r.Str)
	}
	if f.name != "rdb" {
		if _, err := waitSnapshot(sv, snapKinds[1], 10*time.Minute, nil); err != nil {
			return "", 0, err
		}
	}
	sv.stop()
	if err := os.WriteFile(stamp, nil, 0o644); err != nil {
		return "", 0, err
	}
	size, err := treeSize(dir)
	return dir, size, err
}

// recoveryRun starts t on a copy of fixture and returns the time until all
// keys are served, the RSS then and its peak, or why it cannot be
// measured.
func recoveryRun(e *runEnv, t target, f recFormat, fixture string, keys int) (ready time.Duration, rssNow, peak int64, why string, err error) {
	dir := e.newDir(t.Name + "-rec-" + f.name)
	defer e.cleanup(dir)
	if err = copyTree(fixture, dir); err != nil {
		return
	}
	os.Remove(filepath.Join(dir, ".vbench-complete"))
	sv, err := startServer(t, dir, 10*time.Minute, f.args...)
	if err != nil {
		return
	}
	defer sv.stop()
	// A server might answer PING before it has loaded everything; wait for
	// DBSIZE too, but give up soon if it never starts loading.
	deadline := time.Now().Add(10 * time.Minute)
	zeroUntil := time.Now().Add(5 * time.Second)
	for {
		var r reply
		if r, err = sv.do("DBSIZE"); err != nil {
			return
		}
		if r.Kind == ':' && r.Int == int64(keys) {
			ready = time.Since(sv.Start)
			break
		}
		now := time.Now()
		if r.Kind == ':' && r.Int == 0 && now.After(zeroUntil) {
			why = fmt.Sprintf("started with 0 keys from a %s holding %d: loading it is not implemented yet", f.desc, keys)
			return
		}
		if now.After(deadline) {
			why = fmt.Sprintf("DBSIZE is %s, want %d, after 10 minutes", r, keys)
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	rssNow, _ = rss(sv.Pid())
	peak, _ = procStatusKB(sv.Pid(), "VmHWM")
	return
}

// copyTree copies the regular files under from into to.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(dst)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// treeSize returns the total size of the regular files under dir.
func treeSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	return n, err
}

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat; Linux fixes it
// at 100 on every architecture Vesta targets.
const userHZ = 100

// procStatusKB returns a "kB" field of /proc/<pid>/status, such as VmRSS or
// VmHWM, in bytes.
func procStatusKB(pid int, field string) (int64, error) {
	return kbField(fmt.Sprintf("/proc/%d/status", pid), field)
}

// rss returns the resident set size of pid in bytes.
func rss(pid int) (int64, error) { return procStatusKB(pid, "VmRSS") }

// kbField reads "Field:   123 kB" from a /proc file and returns bytes.
func kbField(path, field string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("vbench: %s in %s: %w", field, path, err)
			}
			return n << 10, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("vbench: no %s in %s", field, path)
}

// children returns the pids of the direct children of pid.
func children(pid int) []int {
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue
		}
		for f := range strings.FieldsSeq(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// footprint returns the proportional set size (PSS) of pid and all its
// descendants in bytes. Unlike summing RSS, it counts a page shared by a
// forked child and its parent once, which makes a fork-based snapshot's
// copy-on-write growth visible without double counting. A descendant that
// exits while it is being read is ignored.
func footprint(pid int) (int64, error) {
	total, err := kbField(fmt.Sprintf("/proc/%d/smaps_rollup", pid), "Pss")
	if err != nil {
		return 0, err
	}
	for _, c := range children(pid) {
		if n, err := footprint(c); err == nil {
			total += n
		}
	}
	return total, nil
}

// cpuTime returns the CPU time pid's threads have used. It sums the
// nanosecond counters of /proc/<pid>/task/*/schedstat, which unlike the
// 10 ms ticks of /proc/<pid>/stat resolve short runs; threads that already
// exited are missing from that sum, so it falls back to the ticks when
// schedstat is unavailable. Both servers keep their threads for their
// whole life, so the difference of two readings is exact enough.
func cpuTime(pid int) time.Duration {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	var total int64
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			total += n
		}
	}
	if err == nil && total > 0 {
		return time.Duration(total)
	}
	ticks, _ := cpuTicks(pid)
	return time.Duration(ticks) * time.Second / userHZ
}

// cpuTicks returns the user plus system CPU time pid has used, in clock
// ticks of 1/userHZ seconds, over all its threads.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name in field 2 may hold spaces; fields after it start
	// behind the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("vbench: malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state), so utime (14) and stime (15) are f[11], f[12].
	if len(f) < 13 {
		return 0, fmt.Errorf("vbench: short /proc/%d/stat", pid)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("vbench: bad CPU times in /proc/%d/stat", pid)
	}
	return u + s, nil
}

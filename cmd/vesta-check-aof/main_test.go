package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/aof"
)

func cmd(args ...string) string {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	return string(aof.AppendCommand(nil, b))
}

// dir writes an AOF directory with an RESP base and two incr files, the
// last one given, and returns the manifest's path.
func dir(t *testing.T, last string) string {
	t.Helper()
	d := t.TempDir()
	files := map[string]string{
		"appendonly.aof.manifest":   "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
		"appendonly.aof.1.base.aof": cmd("SET", "a", "1"),
		"appendonly.aof.1.incr.aof": "#TS:100\r\n" + cmd("SET", "b", "2"),
		"appendonly.aof.2.incr.aof": last,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(d, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(d, "appendonly.aof.manifest")
}

func runCmd(stdin string, args ...string) (string, int) {
	var out strings.Builder
	code := run(args, strings.NewReader(stdin), &out)
	return out.String(), code
}

// Ensure that the exit codes and the key lines of the output are those of
// redis-check-aof, for every mode.
func TestRun(t *testing.T) {
	good := "#TS:101\r\n" + cmd("SET", "c", "3") + "#TS:102\r\n" + cmd("SET", "d", "4")
	torn := good + cmd("SET", "e", "5")[:10]
	tests := []struct {
		name  string
		last  string
		stdin string
		args  []string
		code  int
		lines []string // each must appear in the output
		size  int      // the last file's size afterwards, -1 for unchanged
	}{
		{"valid", good, "", nil, 0, []string{
			"Start checking Multi Part AOF", "Start to check BASE AOF (RESP format).", "BASE AOF appendonly.aof.1.base.aof is valid",
			"Start to check INCR files.", "AOF analyzed: filename=appendonly.aof.2.incr.aof, size=72, ok_up_to=72, ok_up_to_line=15, diff=0",
			"INCR AOF appendonly.aof.2.incr.aof is valid", "All AOF files and manifest are valid"}, -1},
		{"torn", torn, "", nil, 1, []string{"ok_up_to=72", "AOF appendonly.aof.2.incr.aof is not valid. Use the --fix option to try fixing it.", "--fix"}, -1},
		{"fix declined", torn, "n\n", []string{"--fix"}, 1, []string{
			"This will shrink the AOF appendonly.aof.2.incr.aof from 82 bytes, with 10 bytes, to 72 bytes", "Continue? [y/N]: Aborting..."}, -1},
		{"fix accepted", torn, "y\n", []string{"--fix"}, 0, []string{"Continue? [y/N]: Successfully truncated AOF appendonly.aof.2.incr.aof",
			"appendonly.aof.2.incr.aof.broken", "All AOF files and manifest are valid"}, 72},
		{"fix with --yes", torn, "", []string{"--fix", "--yes"}, 0, []string{"Successfully truncated AOF"}, 72},
		{"fix refuses corruption", good[:20] + "junk\r\n" + good[20:], "y\n", []string{"--fix", "-y"}, 1, []string{
			"Not fixing anything", "is corrupt", "will not cut"}, -1},
		{"nothing to fix", good, "", []string{"--fix"}, 0, []string{"All AOF files and manifest are valid"}, -1},
		{"point in time", good, "", []string{"--truncate-to-timestamp", "101"}, 0, []string{
			"Truncate nothing in AOF appendonly.aof.1.incr.aof to timestamp 101", "Successfully truncated AOF appendonly.aof.2.incr.aof to timestamp 101"}, 36},
		{"point in time, nothing later", good, "", []string{"--truncate-to-timestamp", "200"}, 0, []string{
			"Truncate nothing in AOF appendonly.aof.2.incr.aof to timestamp 200", "All AOF files and manifest are valid"}, -1},
		{"point in time in a middle file", good, "", []string{"--truncate-to-timestamp", "99"}, 1, []string{
			"Failed to truncate AOF appendonly.aof.1.incr.aof to timestamp 99 to offset 0 because it is not the last file."}, -1},
		{"bad timestamp", good, "", []string{"--truncate-to-timestamp", "soon"}, 1, []string{"Invalid timestamp, aborting..."}, -1},
		{"fix and timestamp", good, "", []string{"--fix", "--truncate-to-timestamp", "1"}, 1, []string{"Usage:"}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mf := dir(t, tt.last)
			out, code := runCmd(tt.stdin, append(tt.args, mf)...)
			if code != tt.code {
				t.Errorf("got exit code %d, want %d\n%s", code, tt.code, out)
			}
			for _, l := range tt.lines {
				if !strings.Contains(out, l) {
					t.Errorf("output lacks %q:\n%s", l, out)
				}
			}
			last := filepath.Join(filepath.Dir(mf), "appendonly.aof.2.incr.aof")
			st, err := os.Stat(last)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.size; want < 0 && st.Size() != int64(len(tt.last)) || want >= 0 && st.Size() != int64(want) {
				t.Errorf("got last file size %d, want %d (-1: unchanged from %d)", st.Size(), want, len(tt.last))
			}
		})
	}
}

// Ensure that a manifest Redis refuses is reported as redis-check-aof
// reports it, and a missing input likewise.
func TestRun_SetupErrors(t *testing.T) {
	d := t.TempDir()
	mf := filepath.Join(d, "appendonly.aof.manifest")
	os.WriteFile(mf, []byte("file a seq 1 type b\nfile b seq 1 type b\n"), 0o644)
	out, code := runCmd("", mf)
	if code != 1 || !strings.Contains(out, "*** FATAL AOF MANIFEST FILE ERROR ***") || !strings.Contains(out, "at line 2") {
		t.Errorf("got %d:\n%s", code, out)
	}
	out, code = runCmd("", filepath.Join(d, "nope"))
	if code != 1 || !strings.Contains(out, "Cannot open file") {
		t.Errorf("got %d:\n%s", code, out)
	}
	if _, code := runCmd(""); code != 1 {
		t.Errorf("no arguments: got exit code %d, want 1", code)
	}
}

// Ensure that on the same old-style file, the output matches
// redis-check-aof's line for line.
func TestRun_SameOutputAsRedis(t *testing.T) {
	tool, err := exec.LookPath("redis-check-aof")
	if err != nil {
		t.Skip("redis-check-aof is not installed")
	}
	good := "#TS:101\r\n" + cmd("SET", "c", "3") + cmd("MULTI") + cmd("INCR", "n") + cmd("EXEC")
	analyzed := regexp.MustCompile(`ok_up_to_line=\d+`)
	for name, data := range map[string]string{"valid": good, "empty": "", "torn": good + "*2\r\n$3\r\nGET\r\n"} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "a.aof")
			os.WriteFile(p, []byte(data), 0o644)
			out, _ := exec.Command(tool, p).CombinedOutput()
			got, _ := runCmd("", p)
			// Every line Redis prints is printed too, in the same order,
			// except that Vesta counts ok_up_to_line at ok_up_to.
			rest := got
			for _, line := range strings.SplitAfter(strings.TrimSuffix(string(out), "\n"), "\n") {
				re := regexp.MustCompile(analyzed.ReplaceAllString(regexp.QuoteMeta(line), `ok_up_to_line=\d+`))
				loc := re.FindStringIndex(rest)
				if loc == nil {
					t.Fatalf("got\n%s\nwhich lacks, in order, redis-check-aof's line %q", got, line)
				}
				rest = rest[loc[1]:]
			}
		})
	}
}

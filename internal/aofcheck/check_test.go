package aofcheck_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/aofcheck"
	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

const (
	baseName  = "appendonly.aof.1.base.rdb"
	incr1     = "appendonly.aof.1.incr.aof"
	incr2     = "appendonly.aof.2.incr.aof"
	mfName    = "appendonly.aof.manifest"
	threeFile = "file " + baseName + " seq 1 type b\nfile " + incr1 + " seq 1 type i\nfile " + incr2 + " seq 2 type i\n"
)

// aofDir returns a memory file system with a three-file AOF directory "d"
// whose files are replaced by those given.
func aofDir(t *testing.T, over map[string]string) *memfs.FS {
	t.Helper()
	files := map[string]string{
		"d/" + mfName:   threeFile,
		"d/" + baseName: string(rdbImage(t, true)),
		"d/" + incr1:    cmds("SELECT 0", "SET a 1", "SET b 2"),
		"d/" + incr2:    cmds("SELECT 0", "SET c 3", "MULTI", "INCR c", "INCR a", "EXEC"),
	}
	for k, v := range over {
		if v == "\x00delete" {
			delete(files, "d/"+k)
			continue
		}
		files["d/"+k] = v
	}
	return memDir(t, files)
}

// Ensure that Check follows the manifest, checks every file in order and
// decides which repair, if any, is safe.
func TestCheck_Manifest(t *testing.T) {
	good1 := cmds("SELECT 0", "SET a 1", "SET b 2")
	good2 := cmds("SELECT 0", "SET c 3", "MULTI", "INCR c", "INCR a", "EXEC")
	tests := []struct {
		name     string
		over     map[string]string
		statuses []aofcheck.Status
		fix      error // from FixTarget; nil means the last file is fixable
	}{
		{"valid", nil, []aofcheck.Status{aofcheck.StatusValid, aofcheck.StatusValid, aofcheck.StatusValid}, aofcheck.ErrNothingToFix},
		{"empty incr", map[string]string{incr2: ""}, []aofcheck.Status{aofcheck.StatusValid, aofcheck.StatusValid, aofcheck.StatusEmpty}, aofcheck.ErrNothingToFix},
		{"torn last file", map[string]string{incr2: good2[:len(good2)-5]},
			[]aofcheck.Status{aofcheck.StatusValid, aofcheck.StatusValid, aofcheck.StatusTruncated}, nil},
		{"torn middle file", map[string]string{incr1: good1[:len(good1)-5]},
			[]aofcheck.Status{aofcheck.StatusValid, aofcheck.StatusTruncated, aofcheck.StatusValid}, aofcheck.ErrNotFixable},
		{"garbage in the middle of the last file", map[string]string{incr2: good2[:40] + "garbage\r\n" + good2[40:]},
			[]aofcheck.Status{aofcheck.StatusValid, aofcheck.StatusValid, aofcheck.StatusCorrupt}, aofcheck.ErrNotFixable},
		{"garbage in a middle file", map[string]string{incr1: "xx" + good1},
			[]aofcheck.Status{aofcheck.StatusValid, aofcheck.StatusCorrupt, aofcheck.StatusValid}, aofcheck.ErrNotFixable},
		{"missing file", map[string]string{incr1: "\x00delete"},
			[]aofcheck.Status{aofcheck.StatusValid, aofcheck.StatusMissing, aofcheck.StatusValid}, aofcheck.ErrNotFixable},
		{"bad base", map[string]string{baseName: "REDIS0010\xfa"},
			[]aofcheck.Status{aofcheck.StatusCorrupt, aofcheck.StatusValid, aofcheck.StatusValid}, aofcheck.ErrNotFixable},
		{"RESP base", map[string]string{mfName: strings.Replace(threeFile, ".rdb", ".aof", 1), "appendonly.aof.1.base.aof": "#TS:1\r\n" + cmds("SET x y")},
			[]aofcheck.Status{aofcheck.StatusValid, aofcheck.StatusValid, aofcheck.StatusValid}, aofcheck.ErrNothingToFix},
		{"comments in the manifest", map[string]string{mfName: "# written by hand\n" + threeFile},
			[]aofcheck.Status{aofcheck.StatusValid, aofcheck.StatusValid, aofcheck.StatusValid}, aofcheck.ErrNothingToFix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := aofDir(t, tt.over)
			rep, err := aofcheck.Check(fsys, "d/"+mfName, aofcheck.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Input != aofcheck.InputManifest {
				t.Fatalf("got input %v, want a manifest", rep.Input)
			}
			var got []aofcheck.Status
			for _, f := range rep.Files {
				got = append(got, f.Status)
			}
			if len(got) != len(tt.statuses) {
				t.Fatalf("got statuses %v, want %v", got, tt.statuses)
			}
			for i := range got {
				if got[i] != tt.statuses[i] {
					t.Fatalf("got statuses %v, want %v", got, tt.statuses)
				}
			}
			if !rep.Files[2].Last || rep.Files[1].Last || rep.Files[0].Role != aofcheck.RoleBase || rep.Files[1].Role != aofcheck.RoleIncr {
				t.Errorf("got roles or last flags wrong: %+v", rep.Files)
			}
			target, err := rep.FixTarget()
			if tt.fix == nil {
				if err != nil || target != rep.Files[2] {
					t.Fatalf("got FixTarget %v, %v; want the last file", target, err)
				}
			} else if !errors.Is(err, tt.fix) {
				t.Fatalf("got FixTarget error %v, want %v", err, tt.fix)
			}
			if rep.OK() != (len(rep.Problems()) == 0) || len(rep.Advice()) != len(rep.Problems()) {
				t.Errorf("got OK %v with %d problems and %d pieces of advice", rep.OK(), len(rep.Problems()), len(rep.Advice()))
			}
		})
	}
}

// Ensure that a manifest Redis would refuse stops the check with the
// manifest's own error.
func TestCheck_BadManifest(t *testing.T) {
	fsys := aofDir(t, map[string]string{mfName: "file a seq 0 type i\n"})
	_, err := aofcheck.Check(fsys, "d/"+mfName, aofcheck.Options{})
	var pe *manifest.ParseError
	if !errors.Is(err, aofcheck.ErrBadManifest) || !errors.As(err, &pe) || pe.Line != 1 {
		t.Fatalf("got %v, want ErrBadManifest with a ParseError at line 1", err)
	}
}

// Ensure that input detection follows redis-check-aof: a manifest by its
// first non-comment line, an RDB preamble by "REDIS", anything else RESP.
func TestDetect(t *testing.T) {
	tests := []struct {
		data string
		want aofcheck.Input
	}{
		{threeFile, aofcheck.InputManifest},
		{"# comment\n#another\n" + threeFile, aofcheck.InputManifest},
		{"file", aofcheck.InputManifest},
		{cmds("SET file file"), aofcheck.InputRESP},
		{"#TS:1\r\n" + cmds("SET a b"), aofcheck.InputRESP},
		{"REDIS0010\xff", aofcheck.InputPreamble},
		{"REDIS00", aofcheck.InputRESP},
		{"", aofcheck.InputRESP},
		{"#" + strings.Repeat("c", 100000) + "\nfile a seq 1 type i\n", aofcheck.InputManifest},
	}
	for _, tt := range tests {
		fsys := memDir(t, map[string]string{"f": tt.data})
		got, err := aofcheck.Detect(fsys, "f")
		if err != nil || got != tt.want {
			t.Errorf("Detect(%.30q) = %v, %v; want %v", tt.data, got, err, tt.want)
		}
	}
}

// Ensure that Diagnose names the bad file and says what to do, for the
// server's log.
func TestDiagnose(t *testing.T) {
	good1 := cmds("SELECT 0", "SET a 1", "SET b 2")
	fsys := aofDir(t, map[string]string{incr1: good1[:23] + "junk\r\n" + good1[23:]})
	lines := aofcheck.Diagnose(fsys, "d", "appendonly.aof")
	text := strings.Join(lines, "\n")
	for _, want := range []string{incr1 + ": corrupt at offset 23", "will not cut", "backup"} {
		if !strings.Contains(text, want) {
			t.Errorf("got diagnosis\n%s\nwant it to contain %q", text, want)
		}
	}
	ok := aofcheck.Diagnose(aofDir(t, nil), "d", "appendonly.aof")
	if len(ok) != 1 || !strings.Contains(ok[0], "valid") {
		t.Errorf("got %q for a valid directory", ok)
	}
}

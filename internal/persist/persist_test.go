package persist

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/vestadb/vesta/internal/aof"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/manifest"
	"github.com/vestadb/vesta/internal/vfs"
	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// recExec is an Executor that applies SET/DEL to a keyspace and records
// every command; MULTI queues until EXEC like the server's fake client.
type recExec struct {
	ks    *keyspace.Keyspace
	db    int
	multi [][]string
	in    bool
	log   []string
}

func (r *recExec) apply(c []string) {
	r.log = append(r.log, strings.Join(c, " "))
	db := r.ks.DBs[r.db]
	switch strings.ToUpper(c[0]) {
	case "SELECT":
		fmt.Sscan(c[1], &r.db)
	case "SET":
		db.SetString([]byte(c[1]), []byte(c[2]), false)
	case "DEL":
		db.Delete([]byte(c[1]))
	}
}

func (r *recExec) Exec(args [][]byte) error {
	c := make([]string, len(args))
	for i, a := range args {
		c[i] = string(a)
	}
	switch strings.ToUpper(c[0]) {
	case "MULTI":
		r.in = true
		return nil
	case "EXEC":
		for _, q := range r.multi {
			r.apply(q)
		}
		r.multi, r.in = nil, false
		return nil
	case "NOSUCH":
		return errors.New("Unknown command 'NOSUCH' reading the append only file")
	}
	if r.in {
		r.multi = append(r.multi, c)
		return nil
	}
	r.apply(c)
	return nil
}

func (r *recExec) DiscardMulti() { r.multi, r.in = nil, false }

func enc(cmds ...[]string) []byte {
	var b []byte
	for _, c := range cmds {
		args := make([][]byte, len(c))
		for i, a := range c {
			args[i] = []byte(a)
		}
		b = aof.AppendCommand(b, args)
	}
	return b
}

// writeDir creates an AOF directory with the given incr files (no base).
func writeDir(t *testing.T, fs vfs.FS, incrs ...[]byte) *aof.Dir {
	t.Helper()
	d := &aof.Dir{FS: fs, Root: "/data", Name: "appendonlydir", Prefix: "appendonly.aof", M: &manifest.Manifest{}}
	if err := fs.MkdirAll(d.Path(), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, data := range incrs {
		f := d.M.NewIncr(d.Prefix)
		if err := vfs.WriteFileAtomic(fs, d.File(f.Name), data); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Persist(); err != nil {
		t.Fatal(err)
	}
	return d
}

func load(t *testing.T, d *aof.Dir, truncOK bool) (*recExec, AOFResult, error) {
	t.Helper()
	plan, _, err := d.Plan()
	if err != nil {
		t.Fatal(err)
	}
	ex := &recExec{ks: keyspace.New(16)}
	res, err := LoadAOF(d, plan, ex.ks, ex, AOFOptions{LoadTruncated: truncOK})
	return ex, res, err
}

// Ensure that cutting the last file at every byte offset of its last
// commands loads exactly the whole commands before the cut with
// aof-load-truncated yes (and cuts the file there), and is refused with the
// offset with no.
func TestLoadAOFEveryCut(t *testing.T) {
	cmds := [][]string{{"SELECT", "0"}, {"SET", "a", "1"}, {"SET", "b", "22"}, {"MULTI"}, {"SET", "c", "3"}, {"SET", "d", "4"}, {"EXEC"}, {"DEL", "a"}}
	full := enc(cmds...)
	var bounds []int
	for i := range cmds {
		bounds = append(bounds, len(enc(cmds[:i+1]...)))
	}
	// validBefore gives the offset a cut at n must be truncated to: the
	// last command boundary, not inside a MULTI … EXEC.
	validBefore := func(n int) int {
		v := 0
		for i, b := range bounds {
			if b > n {
				break
			}
			if i < 3 || i >= 6 {
				v = b
			}
		}
		return v
	}
	for cut := 0; cut <= len(full); cut++ {
		for _, truncOK := range []bool{true, false} {
			fs := memfs.New()
			d := writeDir(t, fs, enc(cmds[:2]...), full[:cut])
			ex, res, err := load(t, d, truncOK)
			atBoundary := validBefore(cut) == cut
			switch {
			case atBoundary:
				if err != nil {
					t.Fatalf("cut %d (boundary): %v", cut, err)
				}
			case truncOK:
				if err != nil {
					t.Fatalf("cut %d: %v", cut, err)
				}
				if res.TruncatedAt != int64(validBefore(cut)) {
					t.Fatalf("cut %d: truncated at %d, want %d", cut, res.TruncatedAt, validBefore(cut))
				}
				st, _ := fs.Stat(d.File("appendonly.aof.2.incr.aof"))
				if st.Size() != int64(validBefore(cut)) {
					t.Fatalf("cut %d: file is %d bytes after the cut, want %d", cut, st.Size(), validBefore(cut))
				}
			default:
				var ae *AOFError
				if !errors.As(err, &ae) || !errors.Is(err, ErrTruncatedAOF) || ae.Offset != int64(validBefore(cut)) {
					t.Fatalf("cut %d with aof-load-truncated no: %v, want ErrTruncatedAOF at %d", cut, err, validBefore(cut))
				}
				continue
			}
			// What was applied is exactly the whole commands (MULTI blocks
			// all or nothing).
			want := keyspace.New(16)
			wantEx := &recExec{ks: want}
			for _, c := range [][]byte{enc(cmds[:2]...), full[:validBefore(cut)]} {
				r := aof.NewReader(bytes.NewReader(c), 0)
				for {
					args, err := r.Next()
					if err != nil {
						break
					}
					wantEx.Exec(args)
				}
			}
			if got, w := dumpKS(ex.ks), dumpKS(want); got != w {
				t.Fatalf("cut %d: loaded %s, want %s", cut, got, w)
			}
		}
	}
}

func dumpKS(ks *keyspace.Keyspace) string {
	var parts []string
	for _, db := range ks.DBs {
		db.Each(func(e *keyspace.Entry) bool {
			parts = append(parts, fmt.Sprintf("%d:%s=%s", db.ID, e.Key(), e.Str()))
			return true
		})
	}
	sortStrings(parts)
	return strings.Join(parts, ",")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Ensure that a torn file that is not the last one is fatal with either
// aof-load-truncated setting, and is left unchanged so that the next load
// refuses it again.
func TestLoadAOFTornMiddleFileIsFatal(t *testing.T) {
	for _, truncOK := range []bool{true, false} {
		fs := memfs.New()
		first := enc([]string{"SET", "a", "1"}, []string{"SET", "b", "2"})
		torn := first[:len(first)-4]
		d := writeDir(t, fs, torn, enc([]string{"SET", "c", "3"}))
		for run := 1; run <= 2; run++ {
			_, _, err := load(t, d, truncOK)
			var ae *AOFError
			if !errors.As(err, &ae) || !errors.Is(err, ErrTruncatedAOF) || !strings.Contains(err.Error(), "not the last file") ||
				ae.File != "appendonly.aof.1.incr.aof" || ae.Offset != int64(len(enc([]string{"SET", "a", "1"}))) {
				t.Fatalf("aof-load-truncated %v, load %d of a torn middle file: %v", truncOK, run, err)
			}
			st, _ := fs.Stat(d.File("appendonly.aof.1.incr.aof"))
			if st.Size() != int64(len(torn)) {
				t.Fatalf("aof-load-truncated %v, load %d: the torn middle file was cut to %d bytes", truncOK, run, st.Size())
			}
		}
	}
}

func TestLoadAOFCorruption(t *testing.T) {
	good := enc([]string{"SET", "a", "1"})
	tests := []struct {
		name string
		data []byte
		kind error
		off  int64
	}{
		{"garbage in the middle", append(append(append([]byte{}, good...), "xyz\r\n"...), good...), ErrBadAOF, int64(len(good))},
		{"unknown command", append(append([]byte{}, good...), enc([]string{"NOSUCH", "x"})...), nil, int64(len(good))},
	}
	for _, tt := range tests {
		fs := memfs.New()
		d := writeDir(t, fs, tt.data)
		_, _, err := load(t, d, true)
		var ae *AOFError
		if !errors.As(err, &ae) || ae.Offset != tt.off || (tt.kind != nil && !errors.Is(err, tt.kind)) {
			t.Errorf("%s: %v, want an AOFError at %d", tt.name, err, tt.off)
		}
		// Corruption is never "repaired" by truncation.
		st, _ := fs.Stat(d.File("appendonly.aof.1.incr.aof"))
		if st.Size() != int64(len(tt.data)) {
			t.Errorf("%s: the file was modified", tt.name)
		}
	}
}

// Ensure that an RDB written by a snapshot loads back identically, and that
// an AOF with an RDB preamble base and a RESP tail loads both.
func TestRDBRoundTripAndPreamble(t *testing.T) {
	ks := keyspace.New(16)
	for i := 0; i < 2000; i++ {
		db := ks.DBs[i%3]
		e := db.SetString([]byte(fmt.Sprintf("key:%d", i)), bytes.Repeat([]byte{byte('a' + i%26)}, i%100), false)
		if i%7 == 0 {
			db.SetExpire(db.LookupWrite(e.Key()), 1e13+int64(i))
		}
	}
	var mu sync.Mutex
	var buf bytes.Buffer
	mu.Lock()
	job := StartSnapshot(&mu, ks, &buf, SaveOptions{Compression: true, Checksum: true, AOFBase: true})
	if err := job.Run(false); err != nil {
		t.Fatal(err)
	}
	mu.Unlock()
	got := keyspace.New(16)
	st, err := LoadRDB(bytes.NewReader(buf.Bytes()), got, LoadOptions{KeepExpired: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Keys != 2000 || dumpKS(got) != dumpKS(ks) {
		t.Fatalf("round trip: %d keys, datasets differ", st.Keys)
	}
	for _, db := range ks.DBs {
		db.Each(func(e *keyspace.Entry) bool {
			g := got.DBs[db.ID].Find(e.Key())
			if got.DBs[db.ID].ExpireAt(g) != db.ExpireAt(e) {
				t.Fatalf("TTL of %s differs", e.Key())
			}
			return true
		})
	}

	// Preamble base + incr.
	fs := memfs.New()
	d := &aof.Dir{FS: fs, Root: "/data", Name: "appendonlydir", Prefix: "appendonly.aof", M: &manifest.Manifest{}}
	if err := d.CreateBase(true, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		t.Fatal(err)
	}
	f, _, _, err := d.NewIncr()
	if err != nil {
		t.Fatal(err)
	}
	f.Write(enc([]string{"SELECT", "1"}, []string{"SET", "key:1", "changed"}, []string{"DEL", "key:4"}))
	f.Close()
	plan, _, err := d.Plan()
	if err != nil {
		t.Fatal(err)
	}
	ex := &recExec{ks: keyspace.New(16)}
	res, err := LoadAOF(d, plan, ex.ks, ex, AOFOptions{LoadTruncated: true})
	if err != nil {
		t.Fatal(err)
	}
	ks.DBs[1].SetString([]byte("key:1"), []byte("changed"), true)
	ks.DBs[1].Delete([]byte("key:4"))
	if res.BaseKeys != 2000 || res.Commands != 3 || dumpKS(ex.ks) != dumpKS(ks) {
		t.Fatalf("preamble load: %d base keys, %d commands, datasets equal: %v", res.BaseKeys, res.Commands, dumpKS(ex.ks) == dumpKS(ks))
	}
}

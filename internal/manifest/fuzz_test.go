package manifest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/vestadb/vesta/internal/manifest"
)

// FuzzParse checks that Parse never panics and that every manifest it
// accepts survives Marshal and Parse unchanged.
func FuzzParse(f *testing.F) {
	for _, tt := range parseCases {
		f.Add([]byte(tt.in))
	}
	names, _ := filepath.Glob(filepath.Join(fixtures, "*.manifest"))
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := manifest.Parse(bytes.NewReader(in))
		if err != nil {
			if m != nil {
				t.Fatalf("got a manifest and error %v", err)
			}
			return
		}
		out := m.Marshal()
		again, err := manifest.Parse(bytes.NewReader(out))
		if err != nil {
			// Only an empty manifest or a name too long for one line can
			// fail to read back; Validate (and so Save) refuses those.
			if m.Validate() == nil {
				t.Fatalf("Parse(Marshal(m)) failed: %v\nin:  %q\nout: %q", err, in, out)
			}
			return
		}
		if !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip changed the manifest\nin:    %q\nfirst: %q\nagain: %q", in, out, again.Marshal())
		}
		if !bytes.Equal(again.Marshal(), out) {
			t.Fatalf("Marshal is not stable: %q then %q", out, again.Marshal())
		}
	})
}

// FuzzMarshal builds a manifest from fuzzed names and sequence numbers and
// checks that any manifest Validate accepts reads back unchanged.
func FuzzMarshal(f *testing.F) {
	f.Add("appendonly.aof.1.base.rdb", int64(1), "appendonly.aof.1.incr.aof", int64(1), "h", int64(-3))
	f.Add("my aof", int64(9), "a\tb\x01c\"q z\xe9~", int64(7), "", int64(1))
	f.Add("\\", int64(0), "\x00", int64(1<<62), "'\"", int64(5))
	f.Fuzz(func(t *testing.T, bName string, bSeq int64, iName string, iSeq int64, hName string, hSeq int64) {
		m := &manifest.Manifest{
			Base:       &manifest.File{Name: bName, Seq: bSeq, Type: manifest.TypeBase},
			History:    []manifest.File{{Name: hName, Seq: hSeq, Type: manifest.TypeHistory}},
			Incrs:      []manifest.File{{Name: iName, Seq: iSeq, Type: manifest.TypeIncr}},
			CurBaseSeq: bSeq,
			CurIncrSeq: iSeq,
		}
		if m.Validate() != nil {
			return
		}
		got, err := manifest.Parse(bytes.NewReader(m.Marshal()))
		if err != nil {
			t.Fatalf("valid manifest does not parse: %v\n%q", err, m.Marshal())
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("round trip: got %q, want %q", got.Marshal(), m.Marshal())
		}
	})
}

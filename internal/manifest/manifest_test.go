package manifest_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/manifest"
)

func TestNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{manifest.ManifestName("appendonly.aof"), "appendonly.aof.manifest"},
		{manifest.TempManifestName("appendonly.aof"), "temp-appendonly.aof.manifest"},
		{manifest.BaseName("appendonly.aof", 1, true), "appendonly.aof.1.base.rdb"},
		{manifest.BaseName("appendonly.aof", 12, false), "appendonly.aof.12.base.aof"},
		{manifest.IncrName("appendonly.aof", 3), "appendonly.aof.3.incr.aof"},
		{manifest.TempIncrName("appendonly.aof"), "temp-appendonly.aof.incr"},
		{manifest.IncrName("my aof", 9223372036854775807), "my aof.9223372036854775807.incr.aof"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestCheckPrefix(t *testing.T) {
	for _, p := range []string{"appendonly.aof", "my aof", "a\tb"} {
		if err := manifest.CheckPrefix(p); err != nil {
			t.Errorf("CheckPrefix(%q): got %v, want nil", p, err)
		}
	}
	for _, p := range []string{"", "a/b", `a\b`, "a\x00"} {
		if err := manifest.CheckPrefix(p); !errors.Is(err, manifest.ErrBadPrefix) {
			t.Errorf("CheckPrefix(%q): got %v, want ErrBadPrefix", p, err)
		}
	}
}

func TestHelpers(t *testing.T) {
	const p = "appendonly.aof"
	m := &manifest.Manifest{}
	if _, ok := m.LastIncr(); ok {
		t.Errorf("LastIncr of empty: got ok, want none")
	}
	if got := m.Live(); len(got) != 0 {
		t.Errorf("Live of empty: got %v, want none", got)
	}
	b := m.InstallBase(p, true, true)
	if b != *base("appendonly.aof.1.base.rdb", 1) || m.History != nil || m.Incrs != nil {
		t.Errorf("first base: got %+v, history %v, incrs %v", b, m.History, m.Incrs)
	}
	i1 := m.NewIncr(p)
	i2 := m.NewIncr(p)
	if i2 != incr("appendonly.aof.2.incr.aof", 2) {
		t.Errorf("NewIncr: got %+v", i2)
	}
	if last, ok := m.LastIncr(); !ok || last != i2 {
		t.Errorf("LastIncr: got %+v %v, want %+v", last, ok, i2)
	}
	if got, want := m.Live(), []manifest.File{b, i1, i2}; !reflect.DeepEqual(got, want) {
		t.Errorf("Live: got %v, want %v", got, want)
	}

	c := m.Clone()
	c.Base.Name = "changed"
	c.Incrs[0].Name = "changed"
	if m.Base.Name == "changed" || m.Incrs[0].Name == "changed" {
		t.Errorf("Clone shares memory with the original")
	}

	// AOF off: every incr is retired.
	off := m.Clone()
	off.InstallBase(p, false, false)
	if want := "file appendonly.aof.2.base.aof seq 2 type b\n" +
		"file appendonly.aof.1.incr.aof seq 1 type h\n" +
		"file appendonly.aof.2.incr.aof seq 2 type h\n" +
		"file appendonly.aof.1.base.rdb seq 1 type h\n"; string(off.Marshal()) != want {
		t.Errorf("InstallBase with AOF off:\ngot  %q\nwant %q", off.Marshal(), want)
	}
	if off.CurIncrSeq != 2 || off.Incrs != nil {
		t.Errorf("after retiring all incrs: CurIncrSeq %d, incrs %v; want 2, none", off.CurIncrSeq, off.Incrs)
	}
	if next := off.NewIncr(p); next.Seq != 3 {
		t.Errorf("next incr after retiring: got seq %d, want 3", next.Seq)
	}

	// History types are set by the helpers, so the result validates.
	m.InstallBase(p, true, true)
	if err := m.Validate(); err != nil {
		t.Errorf("Validate after InstallBase: %v", err)
	}
	h := m.DropHistory()
	if len(h) != 2 || m.History != nil {
		t.Errorf("DropHistory: got %v, left %v", h, m.History)
	}
	for _, f := range h {
		if f.Type != manifest.TypeHistory {
			t.Errorf("dropped %+v: got type %q, want h", f, f.Type)
		}
	}
}

func TestValidate(t *testing.T) {
	long := strings.Repeat("n", manifest.MaxLine)
	tests := []struct {
		name string
		m    *manifest.Manifest
		err  error // nil: valid
	}{
		{"empty", &manifest.Manifest{}, manifest.ErrInvalid},
		{"only history", &manifest.Manifest{History: []manifest.File{hist("h", 1)}}, nil},
		{"ok", &manifest.Manifest{Base: base("b", 1), History: []manifest.File{hist("h", 1)}, Incrs: []manifest.File{incr("i", 1)}}, nil},
		{"base with wrong type", &manifest.Manifest{Base: &manifest.File{Name: "b", Seq: 1, Type: manifest.TypeIncr}}, manifest.ErrInvalid},
		{"history with wrong type", &manifest.Manifest{History: []manifest.File{incr("h", 1)}}, manifest.ErrInvalid},
		{"empty name", &manifest.Manifest{Base: base("", 1)}, manifest.ErrInvalid},
		{"path name", &manifest.Manifest{Incrs: []manifest.File{incr("a/b", 1)}}, manifest.ErrNotBaseName},
		{"NUL in name", &manifest.Manifest{Incrs: []manifest.File{incr("a\x00", 1)}}, manifest.ErrNotBaseName},
		{"seq 0", &manifest.Manifest{Base: base("b", 0)}, manifest.ErrInvalid},
		{"incr seq not increasing", &manifest.Manifest{Incrs: []manifest.File{incr("a", 2), incr("b", 2)}}, manifest.ErrSeqOrder},
		{"negative incr seq", &manifest.Manifest{Incrs: []manifest.File{incr("a", -1)}}, manifest.ErrSeqOrder},
		{"line too long", &manifest.Manifest{Base: base(long, 1)}, manifest.ErrLineTooLong},
		{"line just fits", &manifest.Manifest{Base: base(long[:manifest.MaxLine-len("file  seq 1 type b\n")], 1)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			if tt.err == nil {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.err) || !errors.Is(err, manifest.ErrInvalid) {
				t.Errorf("got %v, want %v wrapped in ErrInvalid", err, tt.err)
			}
		})
	}
}

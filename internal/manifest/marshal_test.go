package manifest_test

import (
	"testing"

	"github.com/vestadb/vesta/internal/manifest"
)

func TestMarshal(t *testing.T) {
	tests := []struct {
		name string
		m    *manifest.Manifest
		want string
	}{
		{"empty", &manifest.Manifest{}, ""},
		{"order is base, history, incrs", &manifest.Manifest{
			Incrs:   []manifest.File{incr("i1", 1), incr("i2", 2)},
			History: []manifest.File{hist("h1", 1)},
			Base:    base("b", 2),
		}, "file b seq 2 type b\nfile h1 seq 1 type h\nfile i1 seq 1 type i\nfile i2 seq 2 type i\n"},
		{"type comes from the list", &manifest.Manifest{
			History: []manifest.File{{Name: "x", Seq: 1, Type: manifest.TypeIncr}},
		}, "file x seq 1 type h\n"},
		{"negative seq", &manifest.Manifest{Base: base("x", -9)}, "file x seq -9 type b\n"},
		{"space", &manifest.Manifest{Base: base("my aof.1.base.rdb", 1)}, "file \"my aof.1.base.rdb\" seq 1 type b\n"},
		{"escapes", &manifest.Manifest{Base: base("\"\\\n\r\t\a\b\v\f\x00\x7f\xe9~", 1)},
			"file \"\\\"\\\\\\n\\r\\t\\a\\b\\x0b\\x0c\\x00\\x7f\\xe9~\" seq 1 type b\n"},
		{"empty name is quoted", &manifest.Manifest{Base: base("", 1)}, "file \"\" seq 1 type b\n"},
		{"printable punctuation is not quoted", &manifest.Manifest{Base: base("a#$%&()*+,-.:;<=>?@[]^_`{|}~", 1)},
			"file a#$%&()*+,-.:;<=>?@[]^_`{|}~ seq 1 type b\n"},
		{"single quote is quoted, unlike Redis", &manifest.Manifest{Base: base("a'b.1.base.rdb", 1)},
			"file \"a'b.1.base.rdb\" seq 1 type b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(tt.m.Marshal()); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got := string(tt.m.AppendTo([]byte("x"))); got != "x"+tt.want {
				t.Errorf("AppendTo: got %q, want %q", got, "x"+tt.want)
			}
		})
	}
}

func BenchmarkMarshal(b *testing.B) {
	m := &manifest.Manifest{
		Base:    base("appendonly.aof.4.base.rdb", 4),
		History: []manifest.File{hist("appendonly.aof.3.incr.aof", 3), hist("appendonly.aof.3.base.rdb", 3)},
		Incrs:   []manifest.File{incr("appendonly.aof.4.incr.aof", 4)},
	}
	b.ReportAllocs()
	buf := make([]byte, 0, 512)
	for b.Loop() {
		buf = m.AppendTo(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

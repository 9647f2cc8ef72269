package list

import (
	"bytes"
	"testing"
)

// fuzzConfigs are the fill and depth pairs the first input byte selects.
var fuzzConfigs = []struct{ fill, depth int }{
	{-2, 0}, {-1, 0}, {1, 0}, {2, 0}, {5, 0}, {-1, 1}, {3, 2}, {-5, 0},
}

// FuzzModel runs the model test with operations decoded from the input.
func FuzzModel(f *testing.F) {
	f.Add([]byte{0, 0, 1, 3, 2, 8, 1, 1, 7, 2, 2, 10, 0, 0})
	f.Add([]byte{5, 3, 9, 9, 3, 9, 9, 3, 9, 9, 8, 0, 0, 0, 11, 1, 1})
	f.Add(bytes.Repeat([]byte{3, 9, 200, 8, 0, 1, 2}, 40))
	f.Add(bytes.Repeat([]byte{1, 7, 3, 9, 7, 12, 0, 5, 14, 2, 1}, 30))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		cfg := fuzzConfigs[int(in[0])%len(fuzzConfigs)]
		src := &byteSource{b: in[1:]}
		runModel(t, src, cfg.fill, cfg.depth, 1<<30, src.more)
	})
}

// FuzzNodes feeds arbitrary bytes to the loader path: a node that is not a
// valid listpack must be refused with an error, never a panic, and an
// accepted one must give a consistent list that every operation can use.
func FuzzNodes(f *testing.F) {
	good := New(-2, 0)
	for _, e := range []string{"a", "12", "-7", "hello world", "9223372036854775807"} {
		good.PushTail([]byte(e))
	}
	good.Nodes(func(data []byte, _ bool) bool {
		f.Add(bytes.Clone(data), false, []byte("a"))
		return true
	})
	f.Add([]byte{7, 0, 0, 0, 0, 0, 0xff}, false, []byte("x"))
	f.Add([]byte("plain element"), true, []byte("plain element"))
	f.Fuzz(func(t *testing.T, data []byte, plain bool, elem []byte) {
		b := NewBuilder(-2, 1)
		if plain {
			b.AppendPlain(bytes.Clone(data))
		} else if err := b.AppendListpack(bytes.Clone(data)); err != nil {
			return
		}
		// A second copy makes an interior node when there are three.
		for range 2 {
			if plain {
				b.AppendPlain(bytes.Clone(data))
			} else if err := b.AppendListpack(bytes.Clone(data)); err != nil {
				t.Fatalf("second AppendListpack refused what the first accepted: %v", err)
			}
		}
		l := b.List()
		if err := l.Verify(); err != nil {
			t.Fatal(err)
		}
		var m model
		l.Each(func(e []byte) bool { m = append(m, bytes.Clone(e)); return true })
		checkList(t, l, m, "build")
		l.Insert(elem, elem, true)
		l.Remove(elem, 1)
		l.Set(-1, elem)
		l.PushHead(elem)
		l.Positions(elem, true, 0, func(int) bool { return true })
		l.Trim(1, -2)
		if err := l.Verify(); err != nil {
			t.Fatal(err)
		}
	})
}

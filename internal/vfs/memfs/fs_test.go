package memfs_test

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/vestadb/vesta/internal/vfs/memfs"
)

// Ensure that concurrent writers, syncs and crash clones are safe (run
// with -race) and that every clone holds a synced prefix of each file.
func TestConcurrent(t *testing.T) {
	m := memfs.New()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("f%d", g)
			f, err := m.OpenAppend(name)
			if err != nil {
				t.Error(err)
				return
			}
			defer f.Close()
			for i := range 200 {
				if _, err := io.WriteString(f, "x"); err != nil {
					t.Error(err)
					return
				}
				if i%7 == 0 {
					if err := f.Sync(); err != nil {
						t.Error(err)
					}
					if err := m.SyncDir("/"); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 50 {
			c := m.CrashClone()
			ents, err := c.ReadDir("/")
			if err != nil {
				t.Error(err)
				return
			}
			for _, e := range ents {
				got, _ := readAll(t, c, e.Name())
				if strings.Trim(got, "x") != "" {
					t.Errorf("%s after crash: got %q, want only x bytes", e.Name(), got)
				}
			}
			_ = m.String()
		}
	}()
	wg.Wait()
}

func TestString(t *testing.T) {
	m := memfs.New()
	for _, s := range []step{
		mkdir("d"), write("d/synced", "abc", true), syncDir("d"), syncDir("/"),
		write("d/new", "xy", false), write("gone", "1", true), syncDir("/"), remove("gone"),
		appendTo("d/synced", "def", false),
	} {
		s(t, m)
	}
	want := "  /d/\n" +
		"+ /d/new live=2 synced=0\n" +
		"  /d/synced live=6 synced=3\n" +
		"- /gone live=1 synced=1\n"
	if got := m.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func BenchmarkAppendSync(b *testing.B) {
	m := memfs.New()
	f, err := m.OpenAppend("aof")
	if err != nil {
		b.Fatal(err)
	}
	line := []byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, err := f.Write(line); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

package server

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/config"
)

// Ensure that a recovered panic becomes a report with the panic value in
// Redis's words (assertion, Guru Meditation, plain panic), the lock hold
// time when the lock is held, every goroutine's stack, and an exit.
func TestCrashReport(t *testing.T) {
	exits := 0
	defer func(f func()) { crashExit = f }(crashExit)
	crashExit = func() { exits++ }
	cases := []struct {
		value any
		lock  bool
		want  []string
	}{
		{assertion("x.go: '1 == 2' is not true"), true, []string{"=== ASSERTION FAILED ===", "==> x.go: '1 == 2' is not true", "server lock held for"}},
		{guruMeditation("DEBUG PANIC called at Unix time 1"), false, []string{"Guru Meditation: DEBUG PANIC called at Unix time 1"}},
		{"index out of range", false, []string{"# panic: index out of range"}},
	}
	for i, tc := range cases {
		s := New(config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
		var out bytes.Buffer
		s.SetCrashOutput(&out)
		func() {
			if tc.lock {
				s.mu.Lock()
				defer s.mu.Unlock()
			}
			defer s.crashOnPanic("test", nil)
			panic(tc.value)
		}()
		if exits != i+1 {
			t.Fatalf("case %d: %d exits, want %d", i, exits, i+1)
		}
		report := out.String()
		for _, want := range append(tc.want, "=== VESTA BUG REPORT START", "crashed in test", "------ STACK TRACE ------",
			"TestCrashReport", "=== VESTA BUG REPORT END") {
			if !strings.Contains(report, want) {
				t.Errorf("case %d: the report lacks %q:\n%s", i, want, report)
			}
		}
		if !tc.lock && strings.Contains(report, "server lock held") {
			t.Errorf("case %d: the report claims the lock is held", i)
		}
	}
}

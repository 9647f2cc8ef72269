package integration

import (
	"syscall"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// shutdownPromptly is how soon a server with nothing to save must exit.
const shutdownPromptly = 5 * time.Second

// Ensure that SIGTERM and SIGINT make the server exit 0 promptly, even
// with idle and mid-request clients connected.
func TestSignalShutdown(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			s := testutil.StartVesta(t)
			idle := testutil.Dial(t, s.Addr)
			idle.Do("SET", "k", "v")
			partial := testutil.Dial(t, s.Addr)
			partial.WriteRaw([]byte("*2\r\n$3\r\nGET\r\n$1")) // stuck mid-request
			start := time.Now()
			if err := s.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if !s.Wait(shutdownPromptly) {
				t.Fatalf("still running %v after %v", shutdownPromptly, sig)
			}
			if code := s.ExitCode(); code != 0 {
				t.Fatalf("exit code after %v: got %d, want 0", sig, code)
			}
			t.Logf("exited %v after %v", time.Since(start), sig)
			idle.ExpectClosed(time.Second)
		})
	}
}

// Ensure that SHUTDOWN (and its NOSAVE/SAVE/NOW/FORCE forms) closes the
// connection without a reply and exits 0, like Redis; ABORT without a
// shutdown in progress is an error.
func TestShutdownCommand(t *testing.T) {
	for _, args := range [][]string{{"SHUTDOWN"}, {"SHUTDOWN", "NOSAVE"}, {"SHUTDOWN", "NOW", "FORCE"}} {
		for _, tg := range targets() {
			t.Run(tg.name+"/"+joinArgs(args), func(t *testing.T) {
				s := tg.start(t)
				c := testutil.Dial(t, s.Addr)
				if got := string(c.Do("SHUTDOWN", "ABORT")); got != "-ERR No shutdown in progress.\r\n" {
					t.Errorf("SHUTDOWN ABORT: got %q", got)
				}
				if got := string(c.Do("SHUTDOWN", "SAVE", "NOSAVE")); got != "-ERR syntax error\r\n" {
					t.Errorf("SHUTDOWN SAVE NOSAVE: got %q", got)
				}
				c.Send(args...)
				c.ExpectClosed(shutdownPromptly)
				if !s.Wait(shutdownPromptly) {
					t.Fatalf("still running after %q", args)
				}
				if code := s.ExitCode(); code != 0 {
					t.Fatalf("exit code after %q: got %d, want 0", args, code)
				}
			})
		}
	}
}

func joinArgs(args []string) string {
	out := ""
	for i, a := range args {
		if i > 0 {
			out += "_"
		}
		out += a
	}
	return out
}

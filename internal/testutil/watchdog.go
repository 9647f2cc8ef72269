package testutil

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

// HangLimit is how long one command (or one fuzz input) may run under
// Watchdog. It is far above any legitimate run, even under the race
// detector on a loaded machine: it catches hangs, not slowness.
const HangLimit = 3 * time.Second

// Watchdog starts a timer that, unless the returned stop is called within
// d, prints what and every goroutine's stack and ends the test binary: a
// hang cannot be reported by the test itself (its goroutine is the one
// stuck), and under go test -fuzz the ended worker makes the fuzzer save
// the input that hung.
func Watchdog(what func() string, d time.Duration) (stop func()) {
	timer := time.AfterFunc(d, func() {
		buf := make([]byte, 4<<20)
		n := runtime.Stack(buf, true)
		fmt.Fprintf(os.Stderr, "testutil: HANG: %s did not finish within %v\n%s\n", what(), d, buf[:n])
		os.Exit(2)
	})
	return func() { timer.Stop() }
}

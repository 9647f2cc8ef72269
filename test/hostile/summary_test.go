package hostile

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestPeakMemorySummary runs last (files and tests run in order) and logs
// the peak server RSS each attack reached.
func TestPeakMemorySummary(t *testing.T) {
	peakRSS.mu.Lock()
	defer peakRSS.mu.Unlock()
	if len(peakRSS.m) == 0 {
		t.Skip("no attack ran")
	}
	var b strings.Builder
	var top int64
	for _, name := range slices.Sorted(maps.Keys(peakRSS.m)) {
		rss := peakRSS.m[name]
		top = max(top, rss)
		fmt.Fprintf(&b, "  %-50s %7.1f MiB\n", name, mib(rss))
	}
	t.Logf("peak server RSS per attack (highest %.1f MiB):\n%s", mib(top), b.String())
}

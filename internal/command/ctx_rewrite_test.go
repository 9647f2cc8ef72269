package command

import (
	"reflect"
	"testing"
)

// RewriteArg replaces one argument of what reaches the AOF: of the
// client's arguments, or of an earlier Rewrite; the client's own
// arguments stay as they were.
func TestRewriteArg(t *testing.T) {
	args := func(s ...string) [][]byte {
		var b [][]byte
		for _, a := range s {
			b = append(b, []byte(a))
		}
		return b
	}
	tests := []struct {
		name    string
		rewrite [][]byte // an earlier Rewrite, if any
		want    [][]byte
	}{
		{"from the client's arguments", nil, args("XADD", "s", "1-0", "f", "v")},
		{"after a Rewrite", args("XADD", "s", "*", "f", "w"), args("XADD", "s", "1-0", "f", "w")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Ctx{Args: args("XADD", "s", "*", "f", "v")}
			if tc.rewrite != nil {
				c.Rewrite(tc.rewrite...)
			}
			c.RewriteArg(2, []byte("1-0"))
			got, ok, _ := c.Propagated()
			if !ok || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("propagated %q, want %q", got, tc.want)
			}
			if string(c.Args[2]) != "*" {
				t.Fatalf("the client's argument changed to %q", c.Args[2])
			}
			c.Reset()
			if got, _, _ := c.Propagated(); string(got[2]) != "*" {
				t.Fatalf("after Reset the rewrite is still there: %q", got)
			}
		})
	}
}

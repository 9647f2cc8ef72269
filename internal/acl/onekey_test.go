package acl

import (
	"fmt"
	"slices"
	"testing"
)

// The single-key fast path (Cmd.oneKey) finds what the key-spec walk
// finds, for every command it applies to and every argument count.
func TestOneKeyAgreesWithFindKeys(t *testing.T) {
	st := testStore(t)
	reg := st.Reg
	var ck Checker
	fast := 0
	for _, c := range reg.All() {
		if c.oneKey == 0 {
			continue
		}
		fast++
		for argc := 1; argc <= 8; argc++ {
			args := make([][]byte, argc)
			for i := range args {
				args[i] = fmt.Appendf(nil, "a%d", i)
			}
			got := ck.findKeys(nil, c, args)
			var want []keyRef
			if c.oneKey < argc {
				want = []keyRef{{c.oneKey, c.oneKeyPerm}}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s with %d args: key-spec walk %v, fast path %v", c.Spec.Name, argc, got, want)
			}
		}
	}
	for _, name := range []string{"get", "incr", "hset", "lpush", "rpop", "sadd", "zadd"} {
		if c := reg.Lookup(name); c == nil || c.oneKey != 1 {
			t.Errorf("%s: not on the single-key fast path", name)
		}
	}
	if fast < 50 {
		t.Errorf("only %d commands on the fast path", fast)
	}
}

package integration

import (
	"strings"
	"testing"

	"github.com/vestadb/vesta/internal/testutil"
)

// Ensure that --requirepass gates commands exactly like Redis: NOAUTH
// before AUTH, WRONGPASS for a bad password, and HELLO with AUTH.
func TestRequirePass(t *testing.T) {
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"GET", "k"}, "-NOAUTH Authentication required.\r\n"},
		{[]string{"PING"}, "-NOAUTH Authentication required.\r\n"},
		{[]string{"AUTH", "wrong"}, "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
		{[]string{"AUTH", "default", "wrong"}, "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
		{[]string{"AUTH", "nobody", "s3cret"}, "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
		{[]string{"AUTH"}, "-ERR wrong number of arguments for 'auth' command\r\n"},
		{[]string{"HELLO", "2", "AUTH", "default", "wrong"}, "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
		{[]string{"GET", "k"}, "-NOAUTH Authentication required.\r\n"},
		{[]string{"AUTH", "s3cret"}, "+OK\r\n"},
		{[]string{"GET", "k"}, "$-1\r\n"},
		{[]string{"AUTH", "default", "s3cret"}, "+OK\r\n"},
		{[]string{"SET", "k", "v"}, "+OK\r\n"},
	}
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			s := tg.start(t, "--requirepass", "s3cret")
			c := testutil.Dial(t, s.Addr)
			for i, st := range steps {
				if got := string(c.Do(st.args...)); got != st.want {
					t.Errorf("step %d %q: got %q, want %q", i, st.args, got, st.want)
				}
			}
			// HELLO 3 with AUTH authenticates and switches protocol.
			h := testutil.Dial(t, s.Addr)
			v := h.DoValue("HELLO", "3", "AUTH", "default", "s3cret")
			m, ok := v.(testutil.Map)
			if !ok {
				t.Fatalf("HELLO 3 AUTH: got %#v, want a map", v)
			}
			if p, _ := m.Get("proto"); p != int64(3) {
				t.Errorf("HELLO 3 AUTH proto: got %#v, want 3", p)
			}
			if got := string(h.Do("GET", "k")); got != "$1\r\nv\r\n" {
				t.Errorf("GET after HELLO AUTH: got %q", got)
			}
			if got := string(h.Do("GET", "nope")); got != "_\r\n" {
				t.Errorf("RESP3 null after HELLO AUTH: got %q", got)
			}
		})
	}
}

// Ensure that before AUTH the stricter protocol limits apply: at most 10
// arguments and 16384-byte bulks, refused with a protocol error and a close.
func TestPreAuthLimits(t *testing.T) {
	cases := []struct {
		name    string
		payload string
		want    string
		closes  bool
	}{
		{"11 arguments", "*11\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n", true},
		{"10 arguments", "*10\r\n$4\r\nMSET\r\n" + strings.Repeat("$1\r\nx\r\n", 9), "-NOAUTH Authentication required.\r\n", false},
		{"16385-byte bulk", "*2\r\n$4\r\nAUTH\r\n$16385\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n", true},
		{"16384-byte bulk", "*2\r\n$4\r\nAUTH\r\n$16384\r\n" + strings.Repeat("x", 16384) + "\r\n",
			"-WRONGPASS invalid username-password pair or user is disabled.\r\n", false},
	}
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			s := tg.start(t, "--requirepass", "pw")
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					expectReply(t, s.Addr, []byte(tc.payload), tc.want, tc.closes)
				})
			}
			// After AUTH the normal limits apply.
			c := testutil.Dial(t, s.Addr)
			c.Do("AUTH", "pw")
			args := append([]string{"MSET"}, strings.Split(strings.Repeat("k v ", 20), " ")[:40]...)
			if got := string(c.Do(args...)); got != "+OK\r\n" {
				t.Errorf("MSET with 41 arguments after AUTH: got %q", got)
			}
			if got := string(c.Do("SET", "big", strings.Repeat("x", 100000))); got != "+OK\r\n" {
				t.Errorf("100000-byte SET after AUTH: got %q", got)
			}
		})
	}
}

// Ensure that AUTH without a configured password behaves like Redis.
func TestAuthWithoutPassword(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			s := tg.start(t)
			c := testutil.Dial(t, s.Addr)
			want := "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n"
			if got := string(c.Do("AUTH", "x")); got != want {
				t.Errorf("AUTH x: got %q, want %q", got, want)
			}
			// The default user has "nopass": any password is accepted.
			if got := string(c.Do("AUTH", "default", "x")); got != "+OK\r\n" {
				t.Errorf("AUTH default x: got %q, want +OK", got)
			}
		})
	}
}

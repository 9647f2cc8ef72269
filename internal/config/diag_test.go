package config

import (
	"errors"
	"testing"
)

// TestNotifyFlags checks the parsing and the CONFIG GET form of
// notify-keyspace-events against what redis-server 7.0.15 prints.
func TestNotifyFlags(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""}, {"K", "K"}, {"E", "E"}, {"g", "g"}, {"$", "$"}, {"l", "l"}, {"s", "s"},
		{"h", "h"}, {"z", "z"}, {"x", "x"}, {"e", "e"}, {"t", "t"}, {"m", "m"}, {"d", "d"},
		{"n", "n"}, {"A", "A"}, {"KEA", "AKE"}, {"AKEmn", "AKEm"}, {"Kgx", "gxK"}, {"Ag", "A"},
		{"g$lshzxetd", "A"}, {"nmEK$", "$nKEm"}, {"xxxx", "x"},
	}
	for _, tc := range cases {
		c := Default()
		if err := c.Set([][2]string{{"notify-keyspace-events", tc.in}}, true); err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := c.Get("notify-keyspace-events"); len(got) != 1 || got[0][1] != tc.want {
			t.Errorf("%q: CONFIG GET gives %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"q", "KEa", "A ", "k"} {
		c := Default()
		err := c.Set([][2]string{{"notify-keyspace-events", bad}}, true)
		want := "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
		var re *ReplyError
		if err == nil || !errors.As(err, &re) || re.Reply != want {
			t.Errorf("%q: got %v, want %q", bad, err, want)
		}
	}
}

package integration

import (
	"bytes"
	"testing"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// endMarker follows every payload of TestProtocolEdgeCases: once its echo
// arrives, everything the payload caused has been received.
var endMarker = []byte("*2\r\n$4\r\nECHO\r\n$7\r\n__end__\r\n")

// exchange sends payload and the end marker and returns what came back
// before the marker's echo, or until the server closed the connection.
func exchange(t *testing.T, addr string, payload []byte) string {
	t.Helper()
	c := testutil.Dial(t, addr)
	defer c.Close()
	_ = c.WriteRawErr(append(append([]byte(nil), payload...), endMarker...))
	var got []byte
	for {
		reply, err := c.ReadReplyErr()
		if err != nil {
			// Whatever is left, then the close.
			rest, _ := c.WaitClosed(time.Second)
			return testutil.Escape(append(append(got, reply...), rest...)) + " <closed>"
		}
		if bytes.Equal(reply, []byte("$7\r\n__end__\r\n")) {
			return testutil.Escape(got)
		}
		got = append(got, reply...)
	}
}

// Ensure that unusual but complete requests (leading zeros and signs in
// lengths, bare \n, empty requests, quoting in inline commands, bytes
// after a bulk) get exactly Redis's replies.
func TestProtocolEdgeCases(t *testing.T) {
	payloads := []string{
		"PING\r\n*1\r\n$x\r\n",
		"*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n",
		"*1\r\n$4\r\nPING\n\n",
		"*0\r\n*-1\r\nPING\r\n",
		"\r\n\r\nPING\r\n",
		"*1\r\n$04\r\nPING\r\n",
		"*01\r\n$4\r\nPING\r\n",
		"*+1\r\n$4\r\nPING\r\n",
		"*1\r\n$+4\r\nPING\r\n",
		"*1\r\n$-0\r\n\r\n",
		"*1\r\n$0\r\n\r\n",
		"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
		"*1\n$4\nPING\n",
		"   \r\n",
		"PING\n",
		"\"PING\"\r\n",
		"'PI'NG\r\n",
		"ECHO \"\\x41\\x4\"\r\n",
		"ECHO \"a\\\"b\"\r\n",
		"ECHO \"\\u\\n\\t\\a\\b\\r\"\r\n",
		"ECHO \"\" x\r\n",
		"ECHO '\\''\r\n",
		"ECHO 'a\\nb'\r\n",
		"ECHO \"a\"b\r\n",
		"ECHO 'a'b\r\n",
		"ECHO\t\tx\r\n",
		"eChO x\r\n",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nabc\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
	}
	got := map[string][]string{}
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			s := tg.start(t)
			for _, p := range payloads {
				got[tg.name] = append(got[tg.name], exchange(t, s.Addr, []byte(p)))
			}
		})
	}
	v, r := got["vesta"], got["redis"]
	if v == nil || r == nil {
		t.Skip("needs both servers")
	}
	for i, p := range payloads {
		if v[i] != r[i] {
			t.Errorf("payload %q:\nvesta: %s\nredis: %s", testutil.Escape([]byte(p)), v[i], r[i])
		}
	}
}

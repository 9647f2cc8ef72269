package config

import "testing"

// TestMaxmemoryClientsField checks that maxmemory-clients reaches
// MaxmemoryClients: bytes as they are, a percentage as its negative.
func TestMaxmemoryClientsField(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		want int64
	}{
		{"0", 0}, {"0%", 0}, {"1mb", 1 << 20}, {"10%", -10}, {"100%", -100},
		{"9223372036854775807", 1<<63 - 1}, {"18446744073709551615", -1},
	} {
		c := Default()
		if err := c.Set([][2]string{{"maxmemory-clients", tc.arg}}, true); err != nil {
			t.Fatalf("%s: %v", tc.arg, err)
		}
		if c.MaxmemoryClients != tc.want {
			t.Errorf("%s: MaxmemoryClients %d, want %d", tc.arg, c.MaxmemoryClients, tc.want)
		}
	}
}

package config

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

func TestGet(t *testing.T) {
	c := Default()
	c.HashMaxListpackEntries = 2
	tests := []struct {
		patterns []string
		want     [][2]string
	}{
		{[]string{"port"}, [][2]string{{"port", "6379"}}},
		{[]string{"PORT"}, [][2]string{{"PORT", "6379"}}}, // exact names keep their spelling
		{[]string{"port", "PORT"}, [][2]string{{"port", "6379"}}},
		{[]string{"PORT*"}, [][2]string{{"port", "6379"}}},
		{[]string{"nosuch"}, nil},
		{[]string{"hash-max-ziplist-entries"}, [][2]string{{"hash-max-ziplist-entries", "2"}}},
		{[]string{"hash-max-*-entries"}, [][2]string{
			{"hash-max-listpack-entries", "2"}, {"hash-max-ziplist-entries", "2"},
		}},
		{[]string{"rdb-key-save-delay"}, [][2]string{{"rdb-key-save-delay", "0"}}},
		{[]string{"rdb-key-*"}, nil}, // hidden from patterns
		{[]string{"save", "sav?"}, [][2]string{{"save", "3600 1 300 100 60 10000"}}},
		{[]string{"client-output-buffer-limit"}, [][2]string{
			{"client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
		}},
		{[]string{"appendf*"}, [][2]string{{"appendfilename", "appendonly.aof"}, {"appendfsync", "everysec"}}},
	}
	for _, tc := range tests {
		if got := c.Get(tc.patterns...); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Get(%q): got %q, want %q", tc.patterns, got, tc.want)
		}
	}
	// CONFIG GET * of Redis 7.0.15 lists 192 names, aliases included and
	// hidden directives left out.
	if all := c.Get("*"); len(all) != 192 {
		t.Errorf("Get(*): got %d entries, want Redis's 192", len(all))
	}
}

// TestSetErrors checks every CONFIG SET failure against Redis's reply text.
func TestSetErrors(t *testing.T) {
	tests := []struct {
		pairs [][2]string
		reply string
		kind  error
	}{
		{[][2]string{{"foo", "1"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'", ErrUnknownOption},
		{[][2]string{{"port", "abc"}}, "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer", ErrInvalidValue},
		{[][2]string{{"PORT", "abc"}}, "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer", ErrInvalidValue},
		{[][2]string{{"hash-max-ziplist-entries", "abc"}}, "ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - argument couldn't be parsed into an integer", ErrInvalidValue},
		{[][2]string{{"port", "7778"}, {"port", "7779"}}, "ERR CONFIG SET failed (possibly related to argument 'port') - duplicate parameter", ErrDuplicate},
		{[][2]string{{"port", "7778"}, {"PORT", "7779"}}, "ERR CONFIG SET failed (possibly related to argument 'PORT') - duplicate parameter", ErrDuplicate},
		{[][2]string{{"daemonize", "yes"}}, "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config", ErrImmutable},
		{[][2]string{{"databases", "4"}}, "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config", ErrImmutable},
		{[][2]string{{"enable-protected-configs", "yes"}}, "ERR CONFIG SET failed (possibly related to argument 'enable-protected-configs') - can't set immutable config", ErrImmutable},
		{[][2]string{{"dir", "/tmp"}}, "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config", ErrProtected},
		{[][2]string{{"dbfilename", "x.rdb"}}, "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config", ErrProtected},
		{[][2]string{{"loglevel", "notice"}, {"foo", "1"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'", ErrUnknownOption},
		{[][2]string{{"daemonize", "yes"}, {"foo", "1"}}, "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config", ErrImmutable},
		{[][2]string{{"foo", "1"}, {"daemonize", "yes"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'", ErrUnknownOption},
		{[][2]string{{"save", "100"}}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters", ErrInvalidValue},
		{[][2]string{{"save", "100  1"}}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters", ErrInvalidValue},
		{[][2]string{{"save", " "}}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters", ErrInvalidValue},
		{[][2]string{{"client-output-buffer-limit", "slave 1mb 2k 3 pubsub 1 2"}}, "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of arguments in buffer limit configuration.", ErrInvalidValue},
		{[][2]string{{"client-output-buffer-limit", "normal 1 2 ''"}}, "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Error in hard, soft or soft_seconds setting in buffer limit configuration.", ErrInvalidValue},
		{[][2]string{{"client-output-buffer-limit", "replica 0 0 0 master 1 1 1"}}, "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration.", ErrInvalidValue},
		{[][2]string{{"shutdown-on-sigterm", ""}}, "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm') - argument(s) must be one of the following: default, save, nosave, now, force", ErrInvalidValue},
		{[][2]string{{"appendfsync", "bogus"}}, "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no", ErrInvalidValue},
		{[][2]string{{"protected-mode", "1"}}, "ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'", ErrInvalidValue},
		{[][2]string{{"port", "+7777"}}, "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer", ErrInvalidValue},
		{[][2]string{{"timeout", "-0"}}, "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed into an integer", ErrInvalidValue},
		{[][2]string{{"proto-max-bulk-len", "-5"}}, "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be a memory value", ErrInvalidValue},
		{[][2]string{{"proto-max-bulk-len", "1 "}}, "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be a memory value", ErrInvalidValue},
		{[][2]string{{"maxclients", "0"}}, "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive", ErrInvalidValue},
		{[][2]string{{"hz", "5"}, {"port", "abc"}}, "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer", ErrInvalidValue},
	}
	for _, tc := range tests {
		t.Run(tc.reply, func(t *testing.T) {
			c := Default()
			before := c.Get("*")
			err := c.Set(tc.pairs, false)
			var re *ReplyError
			if !errors.As(err, &re) || re.Reply != tc.reply {
				t.Fatalf("got %v, want %q", err, tc.reply)
			}
			if err.Error() != tc.reply {
				t.Errorf("Error(): got %q, want %q", err.Error(), tc.reply)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("errors.Is(%v, %v) is false", err, tc.kind)
			}
			if after := c.Get("*"); !reflect.DeepEqual(after, before) {
				t.Errorf("a failed Set changed the configuration")
			}
		})
	}
}

func TestSet(t *testing.T) {
	c := Default()
	ok := func(pairs ...[2]string) {
		t.Helper()
		if err := c.Set(pairs, false); err != nil {
			t.Fatalf("Set(%q): %v", pairs, err)
		}
	}
	get := func(name string) string {
		t.Helper()
		return c.Get(name)[0][1]
	}
	ok([2]string{"port", "7000"}, [2]string{"timeout", "5"})
	if c.Port != 7000 || c.Timeout != 5 {
		t.Errorf("got port %d timeout %d", c.Port, c.Timeout)
	}
	// A name and its alias are not duplicates: the last value wins.
	ok([2]string{"hash-max-listpack-entries", "1"}, [2]string{"hash-max-ziplist-entries", "2"})
	if c.HashMaxListpackEntries != 2 {
		t.Errorf("alias: got %d, want 2", c.HashMaxListpackEntries)
	}
	ok([2]string{"hz", "0"})
	if get("hz") != "1" {
		t.Errorf("hz 0: got %s, want 1", get("hz"))
	}
	ok([2]string{"hz", "1000"})
	if get("hz") != "500" {
		t.Errorf("hz 1000: got %s, want 500", get("hz"))
	}
	ok([2]string{"save", "100 1 200 2"})
	ok([2]string{"save", "300 3"}) // CONFIG SET replaces
	if get("save") != "300 3" {
		t.Errorf("save: got %q, want \"300 3\"", get("save"))
	}
	ok([2]string{"save", ""})
	if get("save") != "" {
		t.Errorf("save \"\": got %q", get("save"))
	}
	ok([2]string{"client-output-buffer-limit", "replica 1mb 2k 3"})
	if want := "normal 0 0 0 slave 1048576 2000 3 pubsub 33554432 8388608 60"; get("client-output-buffer-limit") != want {
		t.Errorf("obuf: got %q, want %q", get("client-output-buffer-limit"), want)
	}
	ok([2]string{"client-output-buffer-limit", "normal 1 2 3 normal 4 5 6"})
	ok([2]string{"client-output-buffer-limit", ""})
	if c.ClientOutputBufferLimit[ClassNormal] != (OutputBufferLimit{4, 5, 6}) {
		t.Errorf("obuf normal: got %+v", c.ClientOutputBufferLimit[ClassNormal])
	}
	ok([2]string{"shutdown-on-sigterm", "force nosave now"})
	if get("shutdown-on-sigterm") != "nosave now force" {
		t.Errorf("shutdown: got %q", get("shutdown-on-sigterm"))
	}
	ok([2]string{"maxclients", "4294967295"}, [2]string{"loglevel", "NOTICE"}, [2]string{"protected-mode", "YES"})
	ok([2]string{"auto-aof-rewrite-min-size", "1kb"})
	if get("auto-aof-rewrite-min-size") != "1024" {
		t.Errorf("min size: got %q", get("auto-aof-rewrite-min-size"))
	}
	ok([2]string{"bind", "127.0.0.1 -::1 10.0.0.1"})
	if !slices.Equal(c.Bind, []string{"127.0.0.1", "-::1", "10.0.0.1"}) {
		t.Errorf("bind: got %q", c.Bind)
	}
}

func TestSetProtected(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		mode     ProtectedAction
		loopback bool
		allowed  bool
	}{
		{ProtectedNo, true, false},
		{ProtectedYes, false, true},
		{ProtectedLocal, false, false},
		{ProtectedLocal, true, true},
	}
	for _, tc := range tests {
		c := Default()
		c.EnableProtectedConfigs = tc.mode
		err := c.Set([][2]string{{"dir", dir}, {"dbfilename", "x.rdb"}}, tc.loopback)
		if tc.allowed != (err == nil) {
			t.Errorf("%v loopback=%v: got %v, want allowed=%v", tc.mode, tc.loopback, err, tc.allowed)
		}
		if err == nil && (c.Dir != dir || c.DBFilename != "x.rdb") {
			t.Errorf("got dir %q dbfilename %q", c.Dir, c.DBFilename)
		}
		if err != nil && !errors.Is(err, ErrProtected) {
			t.Errorf("got %v, want ErrProtected", err)
		}
	}
}

func TestOnApply(t *testing.T) {
	c := Default()
	var calls []string
	c.OnApply("port", func(c *Config) error {
		calls = append(calls, "port")
		if c.Port == 1 {
			return errors.New("Unable to listen on this port. Check server logs.")
		}
		return nil
	})
	c.OnApply("APPENDONLY", func(c *Config) error {
		calls = append(calls, "appendonly="+yesNo(c.AppendOnly))
		return nil
	})

	if err := c.Set([][2]string{{"appendonly", "yes"}, {"port", "7000"}}, false); err != nil {
		t.Fatal(err)
	}
	if want := []string{"appendonly=yes", "port"}; !slices.Equal(calls, want) {
		t.Errorf("hooks: got %q, want %q", calls, want)
	}

	// No change, no hook.
	calls = nil
	if err := c.Set([][2]string{{"appendonly", "yes"}}, false); err != nil || len(calls) != 0 {
		t.Errorf("unchanged value: got %v, hooks %q", err, calls)
	}

	// A failing hook rolls everything back and replays the hooks.
	calls = nil
	err := c.Set([][2]string{{"appendonly", "no"}, {"port", "1"}, {"timeout", "9"}}, false)
	want := "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs."
	if err == nil || err.Error() != want || !errors.Is(err, ErrApply) {
		t.Fatalf("got %v, want %q", err, want)
	}
	if !c.AppendOnly || c.Port != 7000 || c.Timeout != 0 {
		t.Errorf("not rolled back: appendonly %v port %d timeout %d", c.AppendOnly, c.Port, c.Timeout)
	}
	if want := []string{"appendonly=no", "port", "appendonly=yes", "port"}; !slices.Equal(calls, want) {
		t.Errorf("hooks: got %q, want %q", calls, want)
	}

	defer func() {
		if recover() == nil {
			t.Error("OnApply on an unknown name did not panic")
		}
	}()
	c.OnApply("nosuch", func(*Config) error { return nil })
}

func BenchmarkGet(b *testing.B) {
	c := Default()
	for _, bc := range []struct{ name, pattern string }{{"exact", "appendfsync"}, {"glob", "*max*"}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Get(bc.pattern)
			}
		})
	}
}

func BenchmarkSet(b *testing.B) {
	c := Default()
	pairs := [][2]string{{"hz", "20"}, {"appendfsync", "always"}}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Set(pairs, false); err != nil {
			b.Fatal(err)
		}
	}
}

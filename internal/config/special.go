package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// maxBindAddrs is how many addresses bind accepts, as in Redis.
const maxBindAddrs = 16

// bindDirective is "bind addr...". A single empty argument means no address.
func bindDirective() Directive {
	return Directive{
		Name: "bind", Kind: KindSpecial, Flags: MultiArg, Default: "127.0.0.1 -::1",
		get: func(c *Config) string { return strings.Join(c.Bind, " ") },
		set: func(c *Config, args []string) error {
			if len(args) > maxBindAddrs {
				return reason("Too many bind addresses specified.")
			}
			if len(args) == 1 && args[0] == "" {
				args = nil
			}
			c.Bind = append([]string(nil), args...)
			return nil
		},
		rewrite: func(c *Config, st *rewriteState, d *Directive) {
			v := d.get(c)
			if v == d.get(st.defaults) {
				st.markProcessed(d.Name)
				return
			}
			if len(c.Bind) == 0 {
				v = `""`
			}
			st.rewriteLine(d.Name, d.Name+" "+v, true)
		},
	}
}

// saveDirective is "save <seconds> <changes> ...". In a configuration text
// the first save line replaces the built-in rules and later ones add to
// them; `save ""` (or a bare save) clears them. CONFIG SET replaces them.
func saveDirective() Directive {
	return Directive{
		Name: "save", Kind: KindSpecial, Flags: MultiArg, Default: "3600 1 300 100 60 10000",
		get: func(c *Config) string {
			var b []byte
			for i, p := range c.Save {
				if i > 0 {
					b = append(b, ' ')
				}
				b = strconv.AppendInt(b, p.Seconds, 10)
				b = append(b, ' ')
				b = strconv.AppendInt(b, int64(p.Changes), 10)
			}
			return string(b)
		},
		set: func(c *Config, args []string) error {
			if len(args) == 1 && args[0] == "" {
				args = nil
			}
			// One argument holding several values (save "3600 1" in a file,
			// --save "3600 1" on the command line) is split on single spaces,
			// as redis-server does.
			if len(args) == 1 && strings.Contains(args[0], " ") {
				args = strings.Split(args[0], " ")
			}
			if len(args)%2 != 0 {
				return reason("Invalid save parameters")
			}
			points := make([]SavePoint, 0, len(args)/2)
			for i := 0; i < len(args); i += 2 {
				secs, ok1 := parseCInt(args[i])
				changes, ok2 := parseCInt(args[i+1])
				if !ok1 || !ok2 || secs < 1 || changes < 0 {
					return reason("Invalid save parameters")
				}
				// Redis keeps changes in a C int.
				points = append(points, SavePoint{Seconds: secs, Changes: int(int32(changes))})
			}
			switch {
			case c.load == nil || len(args) == 0:
				c.Save = points
			case !c.load.saveSeen:
				c.Save = points
			default:
				c.Save = append(append([]SavePoint(nil), c.Save...), points...)
			}
			if c.load != nil {
				c.load.saveSeen = true
			}
			return nil
		},
		rewrite: func(c *Config, st *rewriteState, d *Directive) {
			if len(c.Save) == 0 {
				st.rewriteLine(d.Name, `save ""`, true)
			}
			for _, p := range c.Save {
				st.rewriteLine(d.Name, "save "+strconv.FormatInt(p.Seconds, 10)+" "+strconv.Itoa(p.Changes), true)
			}
			st.markProcessed(d.Name)
		},
	}
}

// outputBufferDirective is "client-output-buffer-limit <class> <hard>
// <soft> <seconds> ...", in groups of four. Classes not named keep their
// limits. The whole value is checked before anything changes.
func outputBufferDirective() Directive {
	return Directive{
		Name: "client-output-buffer-limit", Kind: KindSpecial, Flags: MultiArg,
		Default: "normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60",
		get: func(c *Config) string {
			var b []byte
			for i, l := range c.ClientOutputBufferLimit {
				if i > 0 {
					b = append(b, ' ')
				}
				b = append(b, classNames[i]...)
				b = append(b, ' ')
				b = strconv.AppendUint(b, l.Hard, 10)
				b = append(b, ' ')
				b = strconv.AppendUint(b, l.Soft, 10)
				b = append(b, ' ')
				b = strconv.AppendInt(b, int64(l.SoftSeconds), 10)
			}
			return string(b)
		},
		set: func(c *Config, args []string) error {
			// "normal 4mb 2mb 1" given as one argument, as redis-server
			// accepts it.
			if len(args) == 1 && strings.Contains(args[0], " ") {
				args = strings.Fields(args[0])
			}
			if len(args)%4 != 0 {
				return reason("Wrong number of arguments in buffer limit configuration.")
			}
			limits := c.ClientOutputBufferLimit
			for i := 0; i < len(args); i += 4 {
				class, ok := parseClientClass(args[i])
				if !ok {
					return reason("Invalid client class specified in buffer limit configuration.")
				}
				hard, ok1 := parseMemory(args[i+1])
				soft, ok2 := parseMemory(args[i+2])
				secs, ok3 := parseCInt(args[i+3])
				secs32 := int32(secs) // Redis keeps the seconds in a C int
				if !ok1 || !ok2 || !ok3 || secs32 < 0 {
					return reason("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
				}
				limits[class] = OutputBufferLimit{Hard: hard, Soft: soft, SoftSeconds: int(secs32)}
			}
			c.ClientOutputBufferLimit = limits
			return nil
		},
		rewrite: func(c *Config, st *rewriteState, d *Directive) {
			for i, l := range c.ClientOutputBufferLimit {
				line := d.Name + " " + ClientClass(i).String() + " " + formatMemory(l.Hard) + " " +
					formatMemory(l.Soft) + " " + strconv.Itoa(l.SoftSeconds)
				st.rewriteLine(d.Name, line, l != st.defaults.ClientOutputBufferLimit[i])
			}
		},
	}
}

// parseClientClass accepts the class names Redis knows, refusing "master"
// (which has no output buffer limit) like every unknown name.
func parseClientClass(s string) (ClientClass, bool) {
	switch strings.ToLower(s) {
	case "normal":
		return ClassNormal, true
	case "slave", "replica":
		return ClassReplica, true
	case "pubsub":
		return ClassPubSub, true
	}
	return 0, false
}

// shutdownDirective is "shutdown-on-sigterm|sigint flag...": default, or a
// combination of save or nosave, now and force.
func shutdownDirective(name string, field func(*Config) *ShutdownFlags) Directive {
	names := make([]string, len(shutdownNames))
	for i, n := range shutdownNames {
		names[i] = n.name
	}
	return Directive{
		Name: name, Kind: KindSpecial, Flags: MultiArg, Values: names, Default: "default",
		get: func(c *Config) string { return field(c).String() },
		set: func(c *Config, args []string) error {
			if len(args) == 0 {
				return errEnum(names)
			}
			var f ShutdownFlags
			for _, a := range args {
				found := false
				for _, n := range shutdownNames {
					if strings.EqualFold(n.name, a) {
						f |= n.bit
						found = true
						break
					}
				}
				if !found {
					return errEnum(names)
				}
			}
			if f&ShutdownSave != 0 && f&ShutdownNoSave != 0 {
				return reason("shutdown options SAVE and NOSAVE can't be used simultaneously")
			}
			*field(c) = f
			return nil
		},
		rewrite: rewritePlain,
	}
}

// dirDirective is "dir <path>". The directory must exist; the value is kept
// as an absolute path, a relative one being resolved against the current
// Dir (as successive chdir calls would). Changing the process's working
// directory is left to the server's hook.
func dirDirective() Directive {
	return Directive{
		Name: "dir", Kind: KindSpecial, Flags: Protected, Default: ".",
		get: func(c *Config) string { return c.Dir },
		set: func(c *Config, args []string) error {
			p := args[0]
			if !filepath.IsAbs(p) {
				base := c.Dir
				if base == "" {
					wd, err := os.Getwd()
					if err != nil {
						return reason("%s", strerror(err))
					}
					base = wd
				}
				p = filepath.Join(base, p)
			}
			p = filepath.Clean(p)
			fi, err := os.Stat(p)
			if err != nil {
				return reason("%s", strerror(err))
			}
			if !fi.IsDir() {
				return reason("%s", strerror(syscall.ENOTDIR))
			}
			c.Dir = p
			return nil
		},
		rewrite: func(c *Config, st *rewriteState, d *Directive) {
			st.rewriteLine(d.Name, d.Name+" "+Quote(c.Dir), true)
		},
	}
}

// strerror renders an OS error the way C's strerror does, e.g. "No such
// file or directory": Go's errno texts are the same words in lower case.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			s = string(s[0]-'a'+'A') + s[1:]
		}
		return s
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

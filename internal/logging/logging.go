// Package logging is the server log: a [slog.Handler] that writes Redis's
// log line format (or JSON, or logfmt), honours loglevel, and copies every
// record to syslog when syslog-enabled is on.
//
// The rest of the server logs through *slog.Logger with Redis's four
// levels mapped onto slog's (see [LevelDebug] ... [LevelWarning]). In the
// Redis format a line is
//
//	<pid>:<role> <dd Mon yyyy hh:mm:ss.mmm> <level char> <message>
//
// with the role M (master), S (replica), C (child; Redis's first lines,
// before the server is initialised, carry it too) or X (sentinel), and the
// level chars '.', '-', '*', '#' for debug, verbose, notice and warning.
// Attributes, when a record has some, follow the message as key=value
// pairs; the events operators key on are logged with Redis's wording and
// no attributes. [Raw] writes a line without the header, as Redis writes
// its logo.
package logging

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// The server's log levels, Redis's four on slog's scale. slog.LevelError
// is shown as a warning.
const (
	LevelDebug   = slog.LevelDebug - 4
	LevelVerbose = slog.LevelDebug
	LevelNotice  = slog.LevelInfo
	LevelWarning = slog.LevelWarn
	// LevelNothing is above every record: loglevel nothing.
	LevelNothing = slog.LevelError + 100
)

// ParseLevel maps a loglevel word (debug, verbose, notice, warning,
// nothing) to its level.
func ParseLevel(name string) (slog.Level, bool) {
	switch strings.ToLower(name) {
	case "debug":
		return LevelDebug, true
	case "verbose":
		return LevelVerbose, true
	case "notice":
		return LevelNotice, true
	case "warning":
		return LevelWarning, true
	case "nothing":
		return LevelNothing, true
	}
	return 0, false
}

// Format is the shape of the log lines (log-format).
type Format int

// The log formats.
const (
	// FormatRedis is Redis's line format, the default.
	FormatRedis Format = iota
	// FormatJSON writes one JSON object per line.
	FormatJSON
	// FormatLogfmt writes key=value pairs, one record per line.
	FormatLogfmt
)

// ParseFormat maps a log-format word to its Format.
func ParseFormat(name string) (Format, bool) {
	switch strings.ToLower(name) {
	case "redis":
		return FormatRedis, true
	case "json":
		return FormatJSON, true
	case "logfmt":
		return FormatLogfmt, true
	}
	return 0, false
}

// Syslogger is where records are copied when syslog is on; the standard
// library's *syslog.Writer is one. Each method sends one message at its
// severity.
type Syslogger interface {
	Debug(m string) error
	Info(m string) error
	Notice(m string) error
	Warning(m string) error
}

// Options configure a Handler.
type Options struct {
	// Out receives the lines; nil discards them (a daemonized server
	// without a logfile).
	Out io.Writer
	// Format is the line format.
	Format Format
	// Level is the lowest level logged; nil means notice.
	Level slog.Leveler
	// Syslog, when set, receives every record's message too.
	Syslog Syslogger
	// Pid is the process id the Redis format shows.
	Pid int
	// Now is the clock, time.Now when nil (tests fix it).
	Now func() time.Time
}

// rawKey marks a record written by Raw.
const rawKey = "logging.raw"

// Raw logs text as it is, without the line header, at notice level: the
// startup logo. In the JSON and logfmt formats it is an ordinary message.
func Raw(l *slog.Logger, text string) {
	l.LogAttrs(context.Background(), LevelNotice, text, slog.Bool(rawKey, true))
}

// shared is the state all handlers derived by WithAttrs/WithGroup share.
type shared struct {
	mu   sync.Mutex
	opts Options
	role atomic.Uint32
}

// Handler is the server's slog.Handler.
type Handler struct {
	sh     *shared
	attrs  []slog.Attr // from WithAttrs, group-qualified
	groups []string
	nested slog.Handler // the slog handler with the same attrs and groups
}

// NewHandler returns a handler writing with opts. The role starts as 'C',
// as Redis's first lines show it; SetRole changes it once the server is
// initialised.
func NewHandler(opts Options) *Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Level == nil {
		opts.Level = LevelNotice
	}
	sh := &shared{opts: opts}
	sh.role.Store('C')
	h := &Handler{sh: sh}
	if opts.Format != FormatRedis {
		out := opts.Out
		if out == nil {
			out = io.Discard
		}
		ho := &slog.HandlerOptions{Level: opts.Level, ReplaceAttr: replaceStructured}
		w := &lockedWriter{mu: &sh.mu, w: out}
		if opts.Format == FormatJSON {
			h.nested = slog.NewJSONHandler(w, ho)
		} else {
			h.nested = slog.NewTextHandler(w, ho)
		}
	}
	return h
}

// SetRole sets the role character of the Redis format ('M', 'S', 'C',
// 'X'); it applies to every handler derived from this one.
func (h *Handler) SetRole(role byte) { h.sh.role.Store(uint32(role)) }

// Role returns the role character.
func (h *Handler) Role() byte { return byte(h.sh.role.Load()) }

// SetSyslog sets (or with nil removes) the syslog destination.
func (h *Handler) SetSyslog(s Syslogger) {
	h.sh.mu.Lock()
	h.sh.opts.Syslog = s
	h.sh.mu.Unlock()
}

// Enabled reports whether records at level are logged.
func (h *Handler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= h.sh.opts.Level.Level()
}

// WithAttrs returns a handler that adds attrs to every record.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append(append([]slog.Attr(nil), h.attrs...), qualify(h.groups, attrs)...)
	if h.nested != nil {
		n.nested = h.nested.WithAttrs(attrs)
	}
	return &n
}

// WithGroup returns a handler that qualifies later attributes by name.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	n := *h
	n.groups = append(append([]string(nil), h.groups...), name)
	if h.nested != nil {
		n.nested = h.nested.WithGroup(name)
	}
	return &n
}

// qualify prefixes the attribute keys with the open groups.
func qualify(groups []string, attrs []slog.Attr) []slog.Attr {
	if len(groups) == 0 {
		return attrs
	}
	prefix := strings.Join(groups, ".") + "."
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = slog.Attr{Key: prefix + a.Key, Value: a.Value}
	}
	return out
}

// Handle writes one record.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	raw := false
	var attrs []slog.Attr
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == rawKey {
			raw = true
		} else {
			attrs = append(attrs, a)
		}
		return true
	})
	attrs = append(append([]slog.Attr(nil), h.attrs...), qualify(h.groups, attrs)...)
	text := r.Message
	if !raw && len(attrs) > 0 {
		var b strings.Builder
		b.WriteString(r.Message)
		for _, a := range attrs {
			appendAttr(&b, "", a)
		}
		text = b.String()
	}
	h.toSyslog(r.Level, text)
	if h.nested != nil {
		nr := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
		nr.AddAttrs(slog.Int("pid", h.sh.opts.Pid), slog.String("role", string(rune(h.Role()))))
		r.Attrs(func(a slog.Attr) bool {
			if a.Key != rawKey {
				nr.AddAttrs(a)
			}
			return true
		})
		return h.nested.Handle(ctx, nr)
	}
	h.sh.mu.Lock()
	defer h.sh.mu.Unlock()
	out := h.sh.opts.Out
	if out == nil {
		return nil
	}
	var line []byte
	if raw {
		line = []byte(text)
	} else {
		line = AppendLine(nil, h.sh.opts.Pid, h.Role(), h.sh.opts.Now(), r.Level, text)
	}
	_, err := out.Write(line)
	return err
}

// toSyslog copies a record's text to syslog, at the severity Redis maps
// its level to.
func (h *Handler) toSyslog(level slog.Level, text string) {
	h.sh.mu.Lock()
	s := h.sh.opts.Syslog
	h.sh.mu.Unlock()
	if s == nil {
		return
	}
	switch {
	case level < LevelVerbose:
		_ = s.Debug(text)
	case level < LevelNotice:
		_ = s.Info(text)
	case level < LevelWarning:
		_ = s.Notice(text)
	default:
		_ = s.Warning(text)
	}
}

// LevelChar is the character the Redis format shows for a level.
func LevelChar(level slog.Level) byte {
	switch {
	case level < LevelVerbose:
		return '.'
	case level < LevelNotice:
		return '-'
	case level < LevelWarning:
		return '*'
	default:
		return '#'
	}
}

// LevelName is Redis's name of a level (debug, verbose, notice, warning).
func LevelName(level slog.Level) string {
	switch {
	case level < LevelVerbose:
		return "debug"
	case level < LevelNotice:
		return "verbose"
	case level < LevelWarning:
		return "notice"
	default:
		return "warning"
	}
}

// AppendLine appends one log line in Redis's format, newline included:
// "pid:role dd Mon yyyy hh:mm:ss.mmm c message".
func AppendLine(b []byte, pid int, role byte, t time.Time, level slog.Level, msg string) []byte {
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, ':', role, ' ')
	b = t.AppendFormat(b, "02 Jan 2006 15:04:05.000")
	b = append(b, ' ', LevelChar(level), ' ')
	b = append(b, msg...)
	return append(b, '\n')
}

// appendAttr writes " key=value" in logfmt style, groups flattened with
// dots; values with spaces, quotes, '=' or control characters are quoted.
func appendAttr(b *strings.Builder, prefix string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range a.Value.Group() {
			appendAttr(b, p, g)
		}
		return
	}
	b.WriteByte(' ')
	b.WriteString(prefix)
	b.WriteString(a.Key)
	b.WriteByte('=')
	v := a.Value.String()
	if needsQuote(v) {
		b.WriteString(strconv.Quote(v))
	} else {
		b.WriteString(v)
	}
}

func needsQuote(s string) bool {
	if s == "" {
		return true
	}
	for _, r := range s {
		if r <= ' ' || r == '"' || r == '=' || r == utf8.RuneError || r == 0x7f {
			return true
		}
	}
	return false
}

// replaceStructured renames slog's level values to Redis's names in the
// JSON and logfmt formats, and drops the raw marker.
func replaceStructured(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.LevelKey {
		if l, ok := a.Value.Any().(slog.Level); ok {
			return slog.String(slog.LevelKey, LevelName(l))
		}
	}
	return a
}

// lockedWriter serialises the structured handlers' writes with the Redis
// format's.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

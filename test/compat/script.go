package compat

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// Mode says how the two replies to a command are compared.
type Mode uint8

const (
	// Exact requires identical bytes.
	Exact Mode = iota
	// Sorted compares the elements of an aggregate reply as a multiset,
	// for replies in hash order (KEYS, SMEMBERS of a hashtable set).
	// Non-aggregate replies are compared exactly.
	Sorted
	// Approx accepts integer replies that differ by at most
	// Cmd.Tolerance (TTL, PTTL, EXPIRETIME); others must be exact.
	Approx
	// TypeOnly compares only the reply's type byte.
	TypeOnly
	// Ignore accepts any two replies (TIME, INFO, SCAN cursors).
	Ignore
	// Text accepts a simple string and a bulk string with the same text.
	Text
	// Confirmations compares the frames of a Pub/Sub confirmation sequence
	// whose channels come in hash order (UNSUBSCRIBE or PUNSUBSCRIBE with
	// no arguments): the kinds and counts must agree frame by frame, the
	// channel names as a multiset.
	Confirmations
	// AnyOrder compares the frames of a multi-frame step as a multiset of
	// exact frames, for messages whose order is the server's hash order
	// (one message matching several patterns of a client).
	AnyOrder
	// Payload compares DUMP replies by what they hold: both null, or two
	// payloads that decode to values of the same type and digest (the
	// bytes may differ: hash order).
	Payload
)

func (m Mode) String() string {
	switch m {
	case Exact:
		return "exact"
	case Sorted:
		return "sorted"
	case Approx:
		return "approx"
	case TypeOnly:
		return "type-only"
	case Ignore:
		return "ignore"
	case Text:
		return "text"
	case Confirmations:
		return "confirmations"
	case AnyOrder:
		return "any-order"
	case Payload:
		return "payload"
	}
	return fmt.Sprintf("Mode(%d)", m)
}

// Kind says what a step of a script does.
type Kind uint8

const (
	// StepSend sends Args and reads the reply (Frames frames when the
	// command answers with several, as SUBSCRIBE a b does).
	StepSend Kind = iota
	// StepBlock sends Args, a command that may block (BLPOP k 0). The
	// runner waits until the server has either replied or blocked the
	// client: a reply is compared at once, a blocked client's reply is read
	// by a later StepWait on its connection (or before its next command, or
	// at the end of the script). One server blocking where the other
	// replied is a mismatch.
	StepBlock
	// StepWait reads the reply of the connection's blocked command. A
	// client still blocked is first released with CLIENT UNBLOCK (sent on
	// the runner's own control connection), so its reply is the timeout
	// reply. Nothing happens when the command did not block.
	StepWait
	// StepRecv reads Frames frames (published messages) without sending
	// anything.
	StepRecv
	// StepSleep pauses the script for Delay, for expiry-based steps.
	StepSleep
)

// Cmd is one step of a script: usually a command and how to compare its
// replies.
type Cmd struct {
	Args      []string
	Mode      Mode
	Tolerance int64 // for Approx
	// Conn is the script connection that runs the step: 0 (the default)
	// up to MaxConns-1. Scripts about several clients (WATCH invalidated
	// by another client, blocking pops woken by pushes, Pub/Sub) use more
	// than one.
	Conn int
	// Kind is what the step does; StepSend by default.
	Kind Kind
	// Frames is the number of frames a StepSend or StepRecv reads; 0 means
	// one.
	Frames int
	// Delay is the pause of a StepSleep.
	Delay time.Duration
}

// MaxConns bounds the connections one script uses.
const MaxConns = 4

// C builds an exactly compared command.
func C(args ...string) Cmd { return Cmd{Args: args} }

// With returns c compared in mode m.
func (c Cmd) With(m Mode) Cmd { c.Mode = m; return c }

// Approx returns c compared as integers within tol.
func (c Cmd) Approx(tol int64) Cmd { c.Mode, c.Tolerance = Approx, tol; return c }

// On returns c sent on script connection n.
func (c Cmd) On(n int) Cmd { c.Conn = n; return c }

// Blocking returns c as a command that may block (StepBlock).
func (c Cmd) Blocking() Cmd { c.Kind = StepBlock; return c }

// Replies returns c reading n frames: the replies of SUBSCRIBE with n
// channels, or a reply preceded by messages published to the connection.
func (c Cmd) Replies(n int) Cmd { c.Frames = n; return c }

// WaitReply is the step that reads the reply of connection n's blocked
// command (StepWait).
func WaitReply(n int) Cmd { return Cmd{Conn: n, Kind: StepWait} }

// Recv is the step that reads k messages on connection n (StepRecv).
func Recv(n, k int) Cmd { return Cmd{Conn: n, Kind: StepRecv, Frames: k} }

// Pause is the step that waits d (StepSleep).
func Pause(d time.Duration) Cmd { return Cmd{Kind: StepSleep, Delay: d} }

// ClientID returns a placeholder argument that the runner replaces with the
// CLIENT ID of script connection n on each server (for CLIENT UNBLOCK and
// CLIENT KILL).
func ClientID(n int) string { return clientIDPrefix + strconv.Itoa(n) + "}}" }

const clientIDPrefix = "{{client-id "

// frames is the number of frames the step reads.
func (c Cmd) frames() int { return max(c.Frames, 1) }

// Name is the upper-cased command name, "" for an empty command; steps
// that send nothing are named by their kind in parentheses.
func (c Cmd) Name() string {
	switch c.Kind {
	case StepWait:
		return "(wait)"
	case StepRecv:
		return "(recv)"
	case StepSleep:
		return "(sleep)"
	}
	if len(c.Args) == 0 {
		return ""
	}
	return strings.ToUpper(c.Args[0])
}

// String renders the step as a redis-cli line, with its connection when it
// is not the first, its mode when it is not exact and its kind when it is
// not a plain command.
func (c Cmd) String() string {
	var s string
	switch c.Kind {
	case StepWait:
		s = "<read the blocked command's reply>"
	case StepRecv:
		s = fmt.Sprintf("<read %d message(s)>", c.frames())
	case StepSleep:
		s = fmt.Sprintf("<sleep %v>", c.Delay)
	default:
		parts := make([]string, len(c.Args))
		for i, a := range c.Args {
			parts[i] = testutil.Quote(a)
		}
		s = strings.Join(parts, " ")
	}
	if c.Conn != 0 {
		s = fmt.Sprintf("[conn %d] %s", c.Conn, s)
	}
	var notes []string
	switch c.Mode {
	case Exact:
	case Approx:
		notes = append(notes, fmt.Sprintf("approx ±%d", c.Tolerance))
	default:
		notes = append(notes, c.Mode.String())
	}
	if c.Kind == StepBlock {
		notes = append(notes, "may block")
	}
	if c.Kind == StepSend && c.Frames > 1 {
		notes = append(notes, fmt.Sprintf("%d replies", c.Frames))
	}
	if len(notes) > 0 {
		s += "    # " + strings.Join(notes, ", ")
	}
	return s
}

// Script is a sequence of steps, run on one connection unless steps name
// others (Cmd.Conn).
type Script []Cmd

// String renders the script one numbered command a line.
func (s Script) String() string {
	var b strings.Builder
	for i, c := range s {
		fmt.Fprintf(&b, "%4d  %s\n", i, c)
	}
	return b.String()
}

// GoSource renders the script as a Go literal for pasting into a
// regression test.
func (s Script) GoSource() string {
	var b strings.Builder
	b.WriteString("Script{\n")
	for _, c := range s {
		b.WriteString("\t" + c.goSource() + ",\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func (c Cmd) goSource() string {
	var b strings.Builder
	switch c.Kind {
	case StepWait:
		return fmt.Sprintf("WaitReply(%d)", c.Conn)
	case StepRecv:
		fmt.Fprintf(&b, "Recv(%d, %d)", c.Conn, c.frames())
	case StepSleep:
		return fmt.Sprintf("Pause(%d * time.Millisecond)", c.Delay.Milliseconds())
	default:
		b.WriteString("C(")
		for i, a := range c.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", a)
		}
		b.WriteString(")")
		if c.Conn != 0 {
			fmt.Fprintf(&b, ".On(%d)", c.Conn)
		}
		if c.Kind == StepBlock {
			b.WriteString(".Blocking()")
		}
		if c.Frames > 1 {
			fmt.Fprintf(&b, ".Replies(%d)", c.Frames)
		}
	}
	switch c.Mode {
	case Exact:
	case Approx:
		fmt.Fprintf(&b, ".Approx(%d)", c.Tolerance)
	default:
		fmt.Fprintf(&b, ".With(%s)", modeName(c.Mode))
	}
	return b.String()
}

func modeName(m Mode) string {
	switch m {
	case Sorted:
		return "Sorted"
	case TypeOnly:
		return "TypeOnly"
	case Ignore:
		return "Ignore"
	case Text:
		return "Text"
	case Confirmations:
		return "Confirmations"
	case AnyOrder:
		return "AnyOrder"
	case Payload:
		return "Payload"
	}
	return "Exact"
}

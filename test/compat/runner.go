package compat

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"time"

	"github.com/vestadb/vesta/internal/testutil"
)

// run is one execution of a script on both servers, step by step in
// lockstep: each step is done on Vesta, then on Redis, and their replies
// are compared before the next step.
type run struct {
	p      *Pair
	script Script
	sides  [2]*side // Vesta, Redis
	// multi is set for scripts that use several connections or steps
	// other than commands: they get the final PINGs.
	multi bool
	// tx follows each connection's transaction from Redis's replies, so
	// that EXEC's reply is compared element by element under the modes of
	// the commands that were queued.
	tx [MaxConns]txState
	// pending holds, per connection, the command both servers blocked on.
	pending [MaxConns]*Cmd
	// closed marks connections both servers closed (QUIT, CLIENT KILL).
	closed [MaxConns]bool
}

// side is one server's connections for a run.
type side struct {
	srv   *testutil.Server
	ctl   *conn // the runner's own: setup, CLIENT LIST/UNBLOCK, DEBUG DIGEST
	conns []*conn
}

type txState struct {
	open   bool
	queued []Cmd
}

// errBlocked stands for the reply of a client that blocked where the other
// server replied.
var errBlocked = errors.New("compat: no reply, the client blocked")

// open connects to both servers, flushes them, switches active expiry off
// and prepares the script's connections (HELLO 3, CLIENT ID).
func (r *run) open() error {
	n, needIDs := 1, false
	for _, c := range r.script {
		if c.Conn < 0 || c.Conn >= MaxConns {
			return fmt.Errorf("step %q: connection %d is not in [0, %d)", c, c.Conn, MaxConns)
		}
		n = max(n, c.Conn+1)
		if c.Kind != StepSend || c.Conn != 0 {
			r.multi = true
		}
		for _, a := range c.Args {
			if strings.HasPrefix(a, clientIDPrefix) {
				needIDs = true
			}
		}
	}
	needIDs = needIDs || r.multi
	for i, srv := range []*testutil.Server{r.p.Vesta, r.p.Redis} {
		sd := &side{srv: srv}
		r.sides[i] = sd
		ctl, err := dialConn(srv.Addr, ConnTimeout)
		if err != nil {
			return fmt.Errorf("connecting to %s: %w", srv.Name, err)
		}
		sd.ctl = ctl
		// Keys whose time has passed go only when touched, never behind
		// the script's back: active expiry would make DBSIZE depend on
		// timing.
		for _, setup := range [][]string{{"FLUSHALL"}, {"DEBUG", "SET-ACTIVE-EXPIRE", "0"}} {
			if got, err := ctl.do(setup...); err != nil || string(got) != "+OK\r\n" {
				return fmt.Errorf("%q on %s before a run: %q, %v", setup, srv.Name, got, err)
			}
		}
		if err := waitNoSubscribers(ctl); err != nil {
			return fmt.Errorf("%s: %w", srv.Name, err)
		}
		for k := 0; k < n; k++ {
			c, err := dialConn(srv.Addr, ConnTimeout)
			if err != nil {
				return fmt.Errorf("connecting to %s: %w", srv.Name, err)
			}
			sd.conns = append(sd.conns, c)
			if r.p.Proto == 3 {
				// The replies differ (id, server name); only the switch
				// matters.
				if got, err := c.do("HELLO", "3"); err != nil || len(got) == 0 || got[0] != '%' {
					return fmt.Errorf("HELLO 3 on %s before a run: %q, %v", srv.Name, got, err)
				}
			}
			if needIDs {
				got, err := c.do("CLIENT", "ID")
				if err != nil || len(got) < 4 || got[0] != ':' {
					return fmt.Errorf("CLIENT ID on %s before a run: %q, %v", srv.Name, got, err)
				}
				c.id = strings.TrimSpace(string(got[1:]))
			}
		}
	}
	return nil
}

func (r *run) close() {
	for _, sd := range r.sides {
		if sd == nil {
			continue
		}
		if sd.ctl != nil {
			sd.ctl.Close()
		}
		for _, c := range sd.conns {
			c.Close()
		}
	}
}

// exec runs the steps and the epilogue and returns the first mismatch.
func (r *run) exec() *Mismatch {
	s := r.script
	for i := 0; i < len(s); {
		if j := r.batchEnd(i); j > i+1 {
			if m := r.batch(i, j); m != nil {
				return m
			}
			i = j
			continue
		}
		if m := r.step(i, s[i]); m != nil {
			return m
		}
		i++
	}
	return r.epilogue()
}

// batchEnd returns the end of the pipeline that starts at step i: the
// plain commands that follow on the same connection, when the pair
// pipelines; i itself when step i cannot start one.
func (r *run) batchEnd(i int) int {
	s := r.script
	if !r.p.Pipelined || s[i].Kind != StepSend || r.pending[s[i].Conn] != nil {
		return i
	}
	j := i + 1
	for j < len(s) && s[j].Kind == StepSend && s[j].Conn == s[i].Conn {
		j++
	}
	return j
}

// batch sends steps [i, j) as one pipeline and compares their replies.
// The requests are written by other goroutines while the replies are read
// here, so that neither side blocks on a full socket buffer.
func (r *run) batch(i, j int) *Mismatch {
	k := r.script[i].Conn
	for _, sd := range r.sides {
		var req []byte
		for _, c := range r.script[i:j] {
			req = testutil.AppendCommand(req, sd.args(c.Args)...)
		}
		c := sd.conns[k]
		go func() { _ = c.write(req) }()
	}
	for x := i; x < j; x++ {
		if m := r.readCompare(x, r.script[x]); m != nil {
			return m
		}
	}
	return nil
}

// step runs one step on both servers.
func (r *run) step(i int, c Cmd) *Mismatch {
	switch c.Kind {
	case StepSleep:
		time.Sleep(c.Delay)
		return nil
	case StepWait:
		return r.wait(i, c.Conn)
	case StepRecv:
		return r.readCompare(i, c)
	}
	// A connection still blocked would not run the command: take its
	// reply first.
	if m := r.wait(i, c.Conn); m != nil {
		return m
	}
	var errs [2]error
	for x, sd := range r.sides {
		errs[x] = sd.conns[c.Conn].send(sd.args(c.Args)...)
	}
	if errs[0] != nil || errs[1] != nil {
		return &Mismatch{Index: i, Cmd: c, VestaErr: errs[0], RedisErr: errs[1]}
	}
	if c.Kind == StepBlock {
		return r.settle(i, c)
	}
	return r.readCompare(i, c)
}

// readCompare reads the frames of step c on both servers and compares
// them.
func (r *run) readCompare(i int, c Cmd) *Mismatch {
	var got [2][][]byte
	var errs [2]error
	for x, sd := range r.sides {
		for n := c.frames(); n > 0; n-- {
			f, err := sd.conns[c.Conn].read()
			got[x] = append(got[x], f)
			if err != nil {
				errs[x] = err
				break
			}
		}
	}
	if r.p.Trace {
		r.p.t.Logf("%4d  %s\n      -> %s", i, c, testutil.Escape(join(got[1])))
	}
	if isClosed(errs[0]) && isClosed(errs[1]) && len(got[0]) == len(got[1]) {
		// Both servers closed the connection at the same point: equal
		// if the frames before agree.
		errs = [2]error{}
		got[0], got[1] = got[0][:len(got[0])-1], got[1][:len(got[1])-1]
		r.closed[c.Conn] = true
	}
	if errs[0] != nil || errs[1] != nil || !r.equal(c, got[0], got[1]) {
		return &Mismatch{Index: i, Cmd: c, Vesta: join(got[0]), Redis: join(got[1]), VestaErr: errs[0], RedisErr: errs[1]}
	}
	r.track(c, got[1])
	return nil
}

// isClosed reports whether a read failed because the server closed the
// connection.
func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

func join(frames [][]byte) []byte {
	var out []byte
	for _, f := range frames {
		out = append(out, f...)
	}
	return out
}

// equal compares one step's frames, EXEC's element by element.
func (r *run) equal(c Cmd, a, b [][]byte) bool {
	tx := &r.tx[c.Conn]
	if c.Kind != StepRecv && c.Name() == "EXEC" && tx.open && len(a) == 1 && len(b) == 1 {
		return equalExec(tx.queued, a[0], b[0])
	}
	return equalFrames(c, a, b)
}

// track follows the connection's transaction state from Redis's reply.
func (r *run) track(c Cmd, frames [][]byte) {
	if c.Kind == StepRecv || len(frames) == 0 {
		return
	}
	tx := &r.tx[c.Conn]
	reply := string(frames[len(frames)-1])
	switch c.Name() {
	case "MULTI":
		if reply == "+OK\r\n" {
			tx.open, tx.queued = true, nil
		}
	case "EXEC", "DISCARD", "RESET":
		tx.open, tx.queued = false, nil
	default:
		if tx.open && reply == "+QUEUED\r\n" {
			tx.queued = append(tx.queued, c)
		}
	}
}

// settle waits, after a StepBlock command was sent, until each server has
// either replied or blocked the client.
func (r *run) settle(i int, c Cmd) *Mismatch {
	var blocked [2]bool
	var errs [2]error
	for x, sd := range r.sides {
		blocked[x], errs[x] = sd.settle(c.Conn)
	}
	if errs[0] != nil || errs[1] != nil {
		return &Mismatch{Index: i, Cmd: c, VestaErr: errs[0], RedisErr: errs[1]}
	}
	switch {
	case blocked[0] && blocked[1]:
		r.pending[c.Conn] = &c
		r.p.Blocked++
		return nil
	case !blocked[0] && !blocked[1]:
		return r.readCompare(i, c)
	}
	m := &Mismatch{Index: i, Cmd: c}
	if blocked[0] {
		m.VestaErr = errBlocked
		m.Redis, m.RedisErr = r.sides[1].conns[c.Conn].read()
	} else {
		m.RedisErr = errBlocked
		m.Vesta, m.VestaErr = r.sides[0].conns[c.Conn].read()
	}
	return m
}

// wait reads the reply of connection k's blocked command, releasing the
// client with CLIENT UNBLOCK if it is still blocked. It does nothing when
// the connection has no blocked command.
func (r *run) wait(i, k int) *Mismatch {
	pc := r.pending[k]
	if pc == nil {
		return nil
	}
	r.pending[k] = nil
	var errs [2]error
	for x, sd := range r.sides {
		b, err := sd.blocked(k)
		if err == nil && b {
			_, err = sd.ctl.do("CLIENT", "UNBLOCK", sd.conns[k].id)
		}
		if x == 1 && err == nil && !b {
			r.p.Served++
		}
		errs[x] = err
	}
	if errs[0] != nil || errs[1] != nil {
		return &Mismatch{Index: i, Cmd: *pc, VestaErr: errs[0], RedisErr: errs[1]}
	}
	return r.readCompare(i, *pc)
}

// epilogue releases clients still blocked, PINGs every connection of a
// multi-connection script (messages nobody read come before the PONG) and
// compares DEBUG DIGEST.
func (r *run) epilogue() *Mismatch {
	i := len(r.script)
	for k := range r.pending {
		if m := r.wait(i, k); m != nil {
			return m
		}
	}
	if r.multi {
		for k := range r.sides[0].conns {
			if r.closed[k] {
				continue
			}
			if m := r.step(i, C("PING").On(k)); m != nil {
				return m
			}
		}
	}
	va, verr := r.sides[0].ctl.do(digestCmd.Args...)
	ra, rerr := r.sides[1].ctl.do(digestCmd.Args...)
	if verr != nil || rerr != nil || !Equal(digestCmd, va, ra) {
		return &Mismatch{Index: i, Cmd: digestCmd, Vesta: va, Redis: ra, VestaErr: verr, RedisErr: rerr}
	}
	return nil
}

// args replaces ClientID placeholders with this server's client ids.
func (sd *side) args(args []string) []string {
	var out []string
	for i, a := range args {
		if !strings.HasPrefix(a, clientIDPrefix) {
			continue
		}
		if out == nil {
			out = append([]string(nil), args...)
		}
		var n int
		if _, err := fmt.Sscanf(a[len(clientIDPrefix):], "%d}}", &n); err == nil && n >= 0 && n < len(sd.conns) {
			out[i] = sd.conns[n].id
		}
	}
	if out == nil {
		return args
	}
	return out
}

// settle waits until connection k has a reply to read (false) or is
// blocked (true).
func (sd *side) settle(k int) (bool, error) {
	c := sd.conns[k]
	deadline := time.Now().Add(ConnTimeout)
	for time.Now().Before(deadline) {
		if c.ready(time.Millisecond) {
			return false, nil
		}
		b, err := sd.blocked(k)
		if err != nil || b {
			return b, err
		}
	}
	return false, fmt.Errorf("compat: %s neither replied nor blocked the client within %v", sd.srv.Name, ConnTimeout)
}

// blocked reports whether CLIENT LIST shows connection k as blocked.
func (sd *side) blocked(k int) (bool, error) {
	got, err := sd.ctl.do("CLIENT", "LIST", "ID", sd.conns[k].id)
	if err != nil {
		return false, err
	}
	v, err := testutil.Parse(got)
	if err != nil {
		return false, err
	}
	line, ok := v.(string)
	if !ok {
		return false, fmt.Errorf("compat: CLIENT LIST on %s: %q", sd.srv.Name, got)
	}
	for _, f := range strings.Fields(line) {
		if flags, ok := strings.CutPrefix(f, "flags="); ok {
			return strings.ContainsRune(flags, 'b'), nil
		}
	}
	return false, fmt.Errorf("compat: CLIENT LIST on %s has no flags: %q", sd.srv.Name, got)
}

// waitNoSubscribers waits until the connections of earlier runs have left
// their channels: the server notices a closed connection a moment after
// the runner closed it, and a subscriber left over would be counted by the
// next run's PUBLISH.
func waitNoSubscribers(ctl *conn) error {
	deadline := time.Now().Add(ConnTimeout)
	for {
		left := ""
		for _, q := range [][]string{{"PUBSUB", "CHANNELS"}, {"PUBSUB", "SHARDCHANNELS"}, {"PUBSUB", "NUMPAT"}} {
			got, err := ctl.do(q...)
			if err != nil {
				return err
			}
			if g := string(got); g != "*0\r\n" && g != ":0\r\n" {
				left = fmt.Sprintf("%q: %q", q, g)
			}
		}
		if left == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("subscribers of an earlier run still there: %s", left)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

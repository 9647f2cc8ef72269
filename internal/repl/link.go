package repl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/rdbcheck"
	"github.com/vestadb/vesta/internal/resp"
)

// The replica side: a Link is the connection of a replica to its master,
// driven by one goroutine, as Redis 7.0's replication.c drives it
// (connectWithMaster, syncWithMaster, readSyncBulkPayload,
// replicaTryPartialResynchronization): the handshake (PING, AUTH with
// masteruser/masterauth, REPLCONF listening-port / ip-address / capa eof
// capa psync2), PSYNC with the server's history (or a full sync), the
// transfer of the RDB ($<len> or $EOF:<mark>) loaded as
// repl-diskless-load says, then the master's stream, executed with the
// server lock held and counted byte for byte in the offset, with REPLCONF
// ACK every second. A failure at any step is logged with its reason, and
// the link reconnects after a back-off (1 s, doubling up to 5 s while it
// keeps failing).

// LinkHost is what the link needs from the server. Every method is called
// with the server lock held.
type LinkHost interface {
	// ExecMaster runs one command of the master's stream on the master
	// client (Obey: nothing of the master's is refused).
	ExecMaster(args [][]byte)
	// NewMasterClient starts a master client in database db.
	NewMasterClient(db int)
	// DatasetEmpty reports whether every database is empty.
	DatasetEmpty() bool
	// LoadLive empties the dataset and loads the RDB read from r into it
	// (size bytes, 0 if unknown); clients get -LOADING meanwhile (the lock
	// may be released while loading). A failure leaves it empty. It
	// returns the image's AUX fields.
	LoadLive(r io.Reader, size int64) (map[string]string, error)
	// LoadSwap loads the RDB read from r into a new dataset, releasing the
	// lock while it does (clients are served the old one), and installs it
	// in place of the old one only if the whole image loaded and its
	// checksum matched. stillWanted is checked under the lock before the
	// swap.
	LoadSwap(r io.Reader, size int64, stillWanted func() bool) (map[string]string, error)
	// SyncDone runs after a full sync's dataset is in place (the AOF is
	// rewritten from it).
	SyncDone()
	// ListeningPort is the port announced with REPLCONF listening-port.
	ListeningPort() int
	// MasterInMulti reports whether the master client has an open MULTI;
	// DiscardMasterMulti drops it (the link broke in the middle of it).
	MasterInMulti() bool
	DiscardMasterMulti()
}

// Link states, as ROLE names them.
const (
	LinkConnect    = "connect"
	LinkConnecting = "connecting"
	LinkHandshake  = "handshake"
	LinkSync       = "sync"
	LinkConnected  = "connected"
)

// DialFunc opens the connection to the master. The default is plain TCP;
// the TLS client (tls-replication) plugs in here.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// LinkOptions configure a Link.
type LinkOptions struct {
	Mu     sync.Locker
	Master *Master
	Config *config.Config // read under Mu
	Log    *slog.Logger
	Host   LinkHost
	Dial   DialFunc // nil: TCP with the configured timeouts
	// Crashed hands a panic of the link's goroutine to the crash report.
	Crashed func(where string, r any)
	// Failover makes the link's PSYNC the handoff of a FAILOVER.
	Failover FailoverHooks
}

// FailoverHooks connect a link to the server's FAILOVER: a master that
// fails over becomes a replica of its target, whose link sends
// PSYNC <replid> <offset> FAILOVER (Redis 7.0's handoff) and reports how
// the target answered. Both are called under Mu; either may be nil.
type FailoverHooks struct {
	// Active reports whether the next PSYNC is a failover's handoff.
	Active func() bool
	// Result reports the handoff's outcome: accepted (+CONTINUE or
	// +FULLRESYNC), or the reason it failed (the link may be stopped by
	// it: the server is a master again).
	Result func(accepted bool, reason string)
}

// Link is a replica's link with its master.
type Link struct {
	o    LinkOptions
	host string
	port int

	stop    chan struct{}
	stopped atomic.Bool
	done    chan struct{}
	connMu  sync.Mutex
	conn    net.Conn

	// Under Mu.
	state     string
	lastIO    time.Time // last bytes from the master
	downSince time.Time
	readOff   int64 // bytes of the stream read (slave_read_repl_offset)
	// pending holds the master's bytes of an open transaction: they are
	// counted in the offset and proxied to the backlog only once EXEC (or
	// DISCARD) closed it, as Redis applies its master's stream, so that
	// the offset of a snapshot, an ACK or a PSYNC never falls inside a
	// transaction whose commands are queued but not executed.
	pending []byte
	// A transfer in progress (master_sync_*).
	syncing   bool
	syncTotal int64 // -1: unknown ($EOF)
	syncRead  atomic.Int64
	syncStart time.Time
	syncLast  atomic.Int64 // unix ns of the last transfer read
}

// StartLink starts replicating host:port.
func StartLink(o LinkOptions, host string, port int) *Link {
	l := &Link{o: o, host: host, port: port, stop: make(chan struct{}), done: make(chan struct{}),
		state: LinkConnect}
	go l.run()
	return l
}

// Addr is the master's host and port.
func (l *Link) Addr() (string, int) { return l.host, l.port }

// Stop ends the link (REPLICAOF NO ONE, or another master). Under Mu; the
// goroutine notices at its next step and never touches the dataset again.
func (l *Link) Stop() {
	if l.stopped.Swap(true) {
		return
	}
	close(l.stop)
	l.connMu.Lock()
	if l.conn != nil {
		l.conn.Close()
	}
	l.connMu.Unlock()
}

// State is the link's state for ROLE. Under Mu.
func (l *Link) State() string { return l.state }

// Up reports whether the stream flows. Under Mu.
func (l *Link) Up() bool { return l.state == LinkConnected }

var errStopped = errors.New("replication link stopped")

// lock takes the server lock unless the link was stopped meanwhile.
func (l *Link) lock() error {
	l.o.Mu.Lock()
	if l.stopped.Load() {
		l.o.Mu.Unlock()
		return errStopped
	}
	return nil
}

func (l *Link) setState(s string) {
	if l.lock() != nil {
		return
	}
	l.state = s
	l.o.Mu.Unlock()
}

func (l *Link) run() {
	defer close(l.done)
	defer func() {
		if v := recover(); v != nil && l.o.Crashed != nil {
			l.o.Crashed("replication link", v)
		}
	}()
	backoff := time.Second
	for !l.stopped.Load() {
		synced, err := l.session()
		if l.stopped.Load() {
			return
		}
		if l.lock() != nil {
			return
		}
		if l.state == LinkConnected {
			l.downSince = time.Now()
		}
		l.state = LinkConnect
		l.syncing = false
		l.o.Mu.Unlock()
		if synced {
			backoff = time.Second
		}
		l.o.Log.Warn(fmt.Sprintf("Replication with MASTER %s failed: %v. Retrying in %s.",
			net.JoinHostPort(l.host, strconv.Itoa(l.port)), err, backoff))
		select {
		case <-l.stop:
			return
		case <-time.After(backoff):
		}
		if !synced {
			backoff = min(backoff*2, 5*time.Second)
		}
	}
}

// session is one connection: handshake, sync, stream. synced reports
// whether it got as far as streaming.
func (l *Link) session() (synced bool, err error) {
	if l.lock() != nil {
		return false, errStopped
	}
	l.state = LinkConnecting
	timeout := time.Duration(l.o.Config.ReplTimeout) * time.Second
	noDelay := l.o.Config.StoredValue("repl-disable-tcp-nodelay") != "yes"
	src := l.o.Config.StoredValue("bind-source-addr")
	l.o.Mu.Unlock()
	addr := net.JoinHostPort(l.host, strconv.Itoa(l.port))
	l.o.Log.Info("Connecting to MASTER " + addr)
	dial := l.o.Dial
	if dial == nil {
		d := &net.Dialer{Timeout: timeout}
		if src != "" {
			ip := net.ParseIP(src)
			if ip == nil {
				return false, fmt.Errorf("unable to connect: bind-source-addr %q is not an IP address", src)
			}
			d.LocalAddr = &net.TCPAddr{IP: ip}
		}
		dial = d.DialContext
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	conn, err := dial(ctx, "tcp", addr)
	cancel()
	if err != nil {
		return false, fmt.Errorf("unable to connect: %w", err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(noDelay)
	}
	l.connMu.Lock()
	if l.stopped.Load() {
		l.connMu.Unlock()
		conn.Close()
		return false, errStopped
	}
	l.conn = conn
	l.connMu.Unlock()
	defer conn.Close()
	l.o.Log.Info("MASTER <-> REPLICA sync started")
	c := &linkConn{conn: conn, r: bufio.NewReaderSize(conn, 64<<10), timeout: timeout}
	if err := l.handshake(c); err != nil {
		return false, err
	}
	full, replid, off, err := l.psync(c)
	if err != nil {
		return false, err
	}
	if full {
		if err := l.fullSync(c, replid, off); err != nil {
			return false, err
		}
	}
	return true, l.stream(c)
}

// linkConn is the connection during the handshake and the transfer.
type linkConn struct {
	conn    net.Conn
	r       *bufio.Reader
	timeout time.Duration
}

func (c *linkConn) send(args ...string) error {
	var b []byte
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, "\r\n"...)
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, "\r\n"...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	_ = c.conn.SetWriteDeadline(time.Now().Add(c.timeout))
	_, err := c.conn.Write(b)
	return err
}

// line reads one reply line within repl-timeout; skipNewlines skips the
// bare newlines a master sends to keep the link alive while it prepares
// a snapshot.
func (c *linkConn) line(skipNewlines bool) (string, error) {
	for {
		_ = c.conn.SetReadDeadline(time.Now().Add(c.timeout))
		s, err := c.r.ReadString('\n')
		if err != nil {
			return "", err
		}
		s = strings.TrimRight(s, "\r\n")
		if s == "" && skipNewlines {
			continue
		}
		if len(s) > 4096 {
			s = s[:4096]
		}
		return s, nil
	}
}

// handshake sends what Redis 7.0's replica sends before PSYNC.
func (l *Link) handshake(c *linkConn) error {
	l.setState(LinkHandshake)
	if err := c.send("PING"); err != nil {
		return fmt.Errorf("sending PING: %w", err)
	}
	reply, err := c.line(false)
	if err != nil {
		return fmt.Errorf("reading the PING reply: %w", err)
	}
	// -NOAUTH and -NOPERM are fine: AUTH follows.
	if strings.HasPrefix(reply, "-") && !strings.HasPrefix(reply, "-NOAUTH") && !strings.HasPrefix(reply, "-NOPERM") &&
		!strings.HasPrefix(reply, "-ERR operation not permitted") {
		return fmt.Errorf("error reply to PING from master: '%s'", reply)
	}
	l.o.Log.Info("Master replied to PING, replication can continue...")
	if l.lock() != nil {
		return errStopped
	}
	cfg := l.o.Config
	auth, user := cfg.StoredValue("masterauth"), cfg.StoredValue("masteruser")
	announceIP := cfg.StoredValue("replica-announce-ip")
	port := l.o.Host.ListeningPort()
	if p, _ := strconv.Atoi(cfg.StoredValue("replica-announce-port")); p != 0 {
		port = p
	}
	l.o.Mu.Unlock()
	if auth != "" {
		args := []string{"AUTH", auth}
		if user != "" {
			args = []string{"AUTH", user, auth}
		}
		if err := c.send(args...); err != nil {
			return fmt.Errorf("sending AUTH: %w", err)
		}
		reply, err := c.line(false)
		if err != nil {
			return fmt.Errorf("reading the AUTH reply: %w", err)
		}
		if strings.HasPrefix(reply, "-") {
			return fmt.Errorf("unable to AUTH to MASTER: %s", reply)
		}
	}
	steps := [][]string{{"REPLCONF", "listening-port", strconv.Itoa(port)}}
	if announceIP != "" {
		steps = append(steps, []string{"REPLCONF", "ip-address", announceIP})
	}
	steps = append(steps, []string{"REPLCONF", "capa", "eof", "capa", "psync2"})
	for _, s := range steps {
		if err := c.send(s...); err != nil {
			return fmt.Errorf("sending %s: %w", strings.Join(s[:2], " "), err)
		}
		reply, err := c.line(false)
		if err != nil {
			return fmt.Errorf("reading the %s reply: %w", strings.Join(s[:2], " "), err)
		}
		if strings.HasPrefix(reply, "-") {
			// Not critical, as in Redis.
			l.o.Log.Info(fmt.Sprintf("(Non critical) Master does not understand %s: %s", strings.Join(s[:2], " "), reply))
		}
	}
	return nil
}

// psync asks the master to continue the server's history. full is true
// after +FULLRESYNC replid off.
func (l *Link) psync(c *linkConn) (full bool, replid string, off int64, err error) {
	if l.lock() != nil {
		return false, "", 0, errStopped
	}
	// A transaction the previous link left open is dropped: the master
	// sends it again from its MULTI (Redis's replicationCacheMaster).
	l.o.Host.DiscardMasterMulti()
	l.pending = l.pending[:0]
	id, want := l.o.Master.PsyncArgs()
	handoff := l.o.Failover.Active != nil && l.o.Failover.Active()
	l.o.Mu.Unlock()
	l.o.Log.Info(fmt.Sprintf("Trying a partial resynchronization (request %s:%d).", id, want))
	args := []string{"PSYNC", id, strconv.FormatInt(want, 10)}
	if handoff {
		args = append(args, "FAILOVER")
	}
	if err := c.send(args...); err != nil {
		if handoff {
			l.failoverResult(false, "Write error to failover target")
		}
		return false, "", 0, fmt.Errorf("sending PSYNC: %w", err)
	}
	reply, err := c.line(true)
	if handoff {
		accepted := err == nil && (strings.HasPrefix(reply, "+FULLRESYNC") || strings.HasPrefix(reply, "+CONTINUE"))
		if !l.failoverResult(accepted, "Failover target rejected psync request") {
			return false, "", 0, errStopped
		}
	}
	if err != nil {
		return false, "", 0, fmt.Errorf("reading the PSYNC reply: %w", err)
	}
	switch {
	case strings.HasPrefix(reply, "+FULLRESYNC"):
		f := strings.Fields(reply)
		if len(f) != 3 || len(f[1]) != 40 {
			return false, "", 0, fmt.Errorf("master replied to PSYNC with a malformed +FULLRESYNC: '%s'", reply)
		}
		off, perr := strconv.ParseInt(f[2], 10, 64)
		if perr != nil || off < 0 {
			return false, "", 0, fmt.Errorf("master replied to PSYNC with a malformed offset: '%s'", reply)
		}
		l.o.Log.Info(fmt.Sprintf("Full resync from master: %s:%d", f[1], off))
		return true, f[1], off, nil
	case strings.HasPrefix(reply, "+CONTINUE"):
		newID := strings.TrimSpace(strings.TrimPrefix(reply, "+CONTINUE"))
		if newID != "" && len(newID) != 40 {
			return false, "", 0, fmt.Errorf("master replied to PSYNC with a malformed +CONTINUE: '%s'", reply)
		}
		if l.lock() != nil {
			return false, "", 0, errStopped
		}
		l.o.Master.Continued(newID)
		l.o.Mu.Unlock()
		l.o.Log.Info("Successful partial resynchronization with master. MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.")
		return false, "", 0, nil
	case strings.HasPrefix(reply, "-NOMASTERLINK"), strings.HasPrefix(reply, "-LOADING"):
		return false, "", 0, fmt.Errorf("master is currently unable to PSYNC but should be in the future: %s", reply)
	}
	return false, "", 0, fmt.Errorf("unexpected reply to PSYNC from master: %s", reply)
}

// failoverResult reports a handoff's outcome to the server; false if the
// link was stopped (by then, or by the server's answer to a failure).
func (l *Link) failoverResult(accepted bool, reason string) bool {
	if l.lock() != nil {
		return false
	}
	if l.o.Failover.Result != nil {
		l.o.Failover.Result(accepted, reason)
	}
	l.o.Mu.Unlock()
	return !l.stopped.Load()
}

// fullSync receives and loads the master's snapshot.
func (l *Link) fullSync(c *linkConn, replid string, off int64) error {
	if l.lock() != nil {
		return errStopped
	}
	l.state = LinkSync
	mode := l.o.Config.StoredValue("repl-diskless-load")
	empty := l.o.Host.DatasetEmpty()
	dir := l.o.Config.Dir
	l.o.Mu.Unlock()
	header, err := c.line(true)
	if err != nil {
		return fmt.Errorf("reading the bulk payload header: %w", err)
	}
	if strings.HasPrefix(header, "-") {
		return fmt.Errorf("MASTER aborted replication with an error: %s", header)
	}
	if !strings.HasPrefix(header, "$") {
		return fmt.Errorf("bad protocol from MASTER, the first byte is not '$' (we received '%s'), are you sure the host and port are right?", header)
	}
	var body io.Reader
	var size int64 = -1
	var eof *eofReader
	if strings.HasPrefix(header, "$EOF:") {
		mark := header[5:]
		if len(mark) != 40 {
			return fmt.Errorf("bad EOF mark from MASTER: '%s'", header)
		}
		eof = &eofReader{r: c.r, mark: []byte(mark)}
		body = eof
		l.o.Log.Info("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to parser")
	} else {
		n, perr := strconv.ParseInt(header[1:], 10, 64)
		if perr != nil || n < 0 {
			return fmt.Errorf("bad bulk length from MASTER: '%s'", header)
		}
		size = n
		body = io.LimitReader(c.r, n)
		l.o.Log.Info(fmt.Sprintf("MASTER <-> REPLICA sync: receiving %d bytes from master to disk", n))
	}
	if l.lock() != nil {
		return errStopped
	}
	l.syncing, l.syncTotal, l.syncStart = true, size, time.Now()
	l.syncRead.Store(0)
	l.syncLast.Store(time.Now().UnixNano())
	l.o.Mu.Unlock()
	body = &progressReader{r: body, l: l, conn: c}
	// While the image loads, a newline every second tells the master the
	// replica is alive (Redis's replicationSendNewlineToMaster): a long
	// load would otherwise pass the master's repl-timeout.
	stopNewlines := make(chan struct{})
	newlinesDone := make(chan struct{})
	go func() {
		defer close(newlinesDone)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stopNewlines:
				return
			case <-t.C:
				_ = c.conn.SetWriteDeadline(time.Now().Add(c.timeout))
				if _, err := c.conn.Write([]byte("\n")); err != nil {
					return
				}
			}
		}
	}()
	defer func() {
		close(stopNewlines)
		<-newlinesDone
	}()
	swap := mode == "swapdb" || (mode == "on-empty-db" && empty)
	var loadErr error
	var aux map[string]string
	switch {
	case swap:
		l.o.Log.Info("MASTER <-> REPLICA sync: Loading DB in memory (" + mode + ")")
		aux, loadErr = l.loadSwap(body, max(size, 0))
	default:
		aux, loadErr = l.loadFromDisk(body, size, dir)
	}
	if loadErr == nil && eof != nil {
		// The image ends with its checksum; the mark must follow.
		if _, err := io.Copy(io.Discard, eof); err != nil {
			loadErr = fmt.Errorf("reading the end of the transfer: %w", err)
		} else if !eof.found {
			loadErr = errors.New("the transfer did not end with the EOF mark")
		}
	}
	if loadErr != nil {
		return fmt.Errorf("full sync refused: %w", loadErr)
	}
	if l.lock() != nil {
		return errStopped
	}
	defer l.o.Mu.Unlock()
	l.syncing = false
	l.o.Master.FullSynced(replid, off)
	// The stream goes on in the database the master's stream was in at
	// the cut (repl-stream-db), as Redis's replica starts its master
	// client: a master that proxies its own master's stream (a chained
	// replica) sends no SELECT after the cut.
	db := 0
	if v, err := strconv.Atoi(aux["repl-stream-db"]); err == nil && v >= 0 && v < l.o.Config.Databases {
		db = v
	}
	l.o.Host.NewMasterClient(db)
	l.o.Host.SyncDone()
	l.o.Log.Info("MASTER <-> REPLICA sync: Finished with success")
	return nil
}

// loadSwap loads into a new dataset while the old one is served, installed
// only if the whole image loaded (repl-diskless-load swapdb, or
// on-empty-db with nothing to lose).
func (l *Link) loadSwap(body io.Reader, size int64) (map[string]string, error) {
	if l.lock() != nil {
		return nil, errStopped
	}
	defer l.o.Mu.Unlock()
	aux, err := l.o.Host.LoadSwap(body, size, func() bool { return !l.stopped.Load() })
	if err != nil {
		l.o.Log.Warn("Failed trying to load the MASTER synchronization DB from socket, the old dataset is kept", "err", err)
	}
	return aux, err
}

// loadFromDisk writes the transfer to a temporary file durably, checks it
// whole (checksum included) with the RDB checker, and only then replaces
// the dataset with it (repl-diskless-load disabled, or on-empty-db with
// data); the file becomes dbfilename, as Redis renames its temp file.
func (l *Link) loadFromDisk(body io.Reader, size int64, dir string) (map[string]string, error) {
	tmp := filepath.Join(dir, fmt.Sprintf("temp-%d.%d.rdb", time.Now().Unix(), os.Getpid()))
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the temp file needed for MASTER <-> REPLICA synchronization: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			_ = os.Remove(tmp)
		}
	}()
	n, err := io.Copy(f, body)
	if err == nil && size >= 0 && n != size {
		err = io.ErrUnexpectedEOF
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("receiving the RDB into %s: %w", tmp, err)
	}
	l.o.Log.Info(fmt.Sprintf("MASTER <-> REPLICA sync: received %d bytes, checking them", n))
	rf, err := os.Open(tmp)
	if err != nil {
		return nil, err
	}
	_, cerr := rdbcheck.Check(bufio.NewReaderSize(rf, 256<<10), n, rdbcheck.Options{Name: filepath.Base(tmp), Databases: l.o.Config.Databases})
	rf.Close()
	if cerr != nil {
		return nil, fmt.Errorf("the RDB received from the master is corrupt or truncated, the old dataset is kept: %w", cerr)
	}
	if l.lock() != nil {
		return nil, errStopped
	}
	dbfile := filepath.Join(dir, l.o.Config.DBFilename)
	rf, err = os.Open(tmp)
	if err != nil {
		l.o.Mu.Unlock()
		return nil, err
	}
	l.o.Log.Info("MASTER <-> REPLICA sync: Flushing old data, loading DB in memory")
	aux, err := l.o.Host.LoadLive(bufio.NewReaderSize(rf, 256<<10), n)
	rf.Close()
	l.o.Mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("failed trying to load the MASTER synchronization DB from disk: %w", err)
	}
	if err := os.Rename(tmp, dbfile); err != nil {
		l.o.Log.Warn("Failed trying to rename the temp DB into the DB file", "err", err)
		return aux, nil
	}
	keep = true
	if d, err := os.Open(dir); err == nil {
		if err := d.Sync(); err != nil {
			l.o.Log.Warn("Failed to fsync the directory after renaming the synchronization DB", "err", err)
		}
		d.Close()
	}
	return aux, nil
}

// progressReader counts the transfer for INFO and keeps each read within
// repl-timeout.
type progressReader struct {
	r    io.Reader
	l    *Link
	conn *linkConn
}

func (p *progressReader) Read(b []byte) (int, error) {
	_ = p.conn.conn.SetReadDeadline(time.Now().Add(p.conn.timeout))
	n, err := p.r.Read(b)
	if n > 0 {
		p.l.syncRead.Add(int64(n))
		p.l.syncLast.Store(time.Now().UnixNano())
	}
	return n, err
}

// eofReader returns a diskless transfer up to its EOF mark: the last
// len(mark) bytes received are held back until more follow them, and the
// transfer ends when what was received ends with the mark (the master sends
// nothing after it until the replica's first ACK).
type eofReader struct {
	r       io.Reader
	mark    []byte
	held    []byte
	pending []byte // data before the mark, once it was found
	found   bool
	buf     []byte
}

func (e *eofReader) Read(p []byte) (int, error) {
	for {
		if e.found {
			if len(e.pending) == 0 {
				return 0, io.EOF
			}
			n := copy(p, e.pending)
			e.pending = e.pending[n:]
			return n, nil
		}
		if len(e.held) > len(e.mark) {
			n := copy(p, e.held[:len(e.held)-len(e.mark)])
			e.held = append(e.held[:0], e.held[n:]...)
			return n, nil
		}
		if e.buf == nil {
			e.buf = make([]byte, 32<<10)
		}
		n, err := e.r.Read(e.buf)
		e.held = append(e.held, e.buf[:n]...)
		if n > 0 && len(e.held) >= len(e.mark) && bytes.Equal(e.held[len(e.held)-len(e.mark):], e.mark) {
			e.found = true
			e.pending = e.held[:len(e.held)-len(e.mark)]
			e.held = nil
			continue
		}
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
	}
}

// stream executes the master's stream until the link fails or stops.
func (l *Link) stream(c *linkConn) error {
	p := resp.NewParser()
	// Bytes the handshake's reader already holds belong to the stream.
	if n := c.r.Buffered(); n > 0 {
		b, _ := c.r.Peek(n)
		for len(b) > 0 {
			sp := p.Space()
			k := copy(sp, b)
			p.Advance(k)
			b = b[k:]
		}
	}
	if l.lock() != nil {
		return errStopped
	}
	l.state = LinkConnected
	l.lastIO = time.Now()
	l.readOff = l.o.Master.o.Stream.Offset()
	l.o.Mu.Unlock()
	l.o.Log.Info("MASTER <-> REPLICA sync: the stream of the master is flowing")
	lastAck := time.Time{}
	for {
		if err := l.apply(p, c); err != nil {
			return err
		}
		now := time.Now()
		if now.Sub(lastAck) >= time.Second {
			if err := l.sendAck(c); err != nil {
				return err
			}
			lastAck = now
		}
		if l.lock() != nil {
			return errStopped
		}
		idle := now.Sub(l.lastIO)
		timeout := time.Duration(l.o.Config.ReplTimeout) * time.Second
		c.timeout = timeout
		l.o.Mu.Unlock()
		if idle > timeout {
			return fmt.Errorf("timeout connecting to the MASTER (no data for %s, repl-timeout)", idle.Truncate(time.Second))
		}
		_ = c.conn.SetReadDeadline(now.Add(time.Second))
		n, err := c.conn.Read(p.Space())
		p.Advance(n)
		if n > 0 {
			if l.lock() != nil {
				return errStopped
			}
			l.lastIO = time.Now()
			l.readOff += int64(n)
			l.o.Mu.Unlock()
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if err == io.EOF {
				return errors.New("connection closed by the master")
			}
			return err
		}
	}
}

// apply executes the complete commands the parser holds, in one hold of
// the lock, each counted in the offset by its bytes.
func (l *Link) apply(p *resp.Parser, c *linkConn) error {
	if p.Buffered() == 0 {
		return nil
	}
	if l.lock() != nil {
		return errStopped
	}
	defer l.o.Mu.Unlock()
	st := l.o.Master.o.Stream
	for {
		before := p.Buffered()
		args, err := p.Next(false)
		if err != nil {
			return fmt.Errorf("protocol error in the master's stream: %w", err)
		}
		if args == nil {
			if used := before - p.Buffered(); used > 0 {
				// Blank lines count as sent.
				if l.o.Host.MasterInMulti() {
					l.pending = append(l.pending, p.Consumed(used)...)
				} else {
					st.Raw(p.Consumed(used))
				}
			}
			p.Shrink()
			return nil
		}
		raw := p.Consumed(before - p.Buffered())
		if len(args) >= 2 && strings.EqualFold(string(args[0]), "replconf") && strings.EqualFold(string(args[1]), "getack") {
			// Answered with the offset of what was applied before it.
			if err := l.ackLocked(c); err != nil {
				return err
			}
		} else {
			l.o.Host.ExecMaster(args)
		}
		if l.o.Host.MasterInMulti() {
			l.pending = append(l.pending, raw...)
			continue
		}
		if len(l.pending) > 0 {
			l.pending = append(l.pending, raw...)
			st.Raw(l.pending)
			l.pending = l.pending[:0]
			continue
		}
		st.Raw(raw)
	}
}

// sendAck sends REPLCONF ACK with the offset applied, written without the
// lock.
func (l *Link) sendAck(c *linkConn) error {
	if l.lock() != nil {
		return errStopped
	}
	off := l.o.Master.o.Stream.Offset()
	l.o.Mu.Unlock()
	return l.ack(c, off)
}

// ackLocked answers REPLCONF GETACK in the middle of the stream, under
// the lock (the offset is that of the commands before it).
func (l *Link) ackLocked(c *linkConn) error {
	return l.ack(c, l.o.Master.o.Stream.Offset())
}

func (l *Link) ack(c *linkConn, off int64) error {
	if err := c.send("REPLCONF", "ACK", strconv.FormatInt(off, 10)); err != nil {
		return fmt.Errorf("sending REPLCONF ACK: %w", err)
	}
	return nil
}

// Info writes the replica's fields of INFO replication. Under Mu.
func (l *Link) Info(field func(name string, v any), cfg *config.Config, offset int64) {
	now := time.Now()
	field("master_host", l.host)
	field("master_port", l.port)
	up := l.state == LinkConnected
	if up {
		field("master_link_status", "up")
	} else {
		field("master_link_status", "down")
	}
	lastIO := int64(-1)
	if up {
		lastIO = int64(now.Sub(l.lastIO) / time.Second)
	}
	field("master_last_io_seconds_ago", lastIO)
	field("master_sync_in_progress", b01(l.syncing))
	read := offset
	if up {
		read = max(l.readOff, offset)
	}
	field("slave_read_repl_offset", read)
	field("slave_repl_offset", offset)
	if l.syncing {
		// Redis's arithmetic, also for a $EOF transfer of unknown size
		// (total -1).
		got := l.syncRead.Load()
		total := l.syncTotal
		perc := 0.0
		if total != 0 {
			perc = float64(got) / float64(total) * 100
		}
		left := total - got
		field("master_sync_total_bytes", total)
		field("master_sync_read_bytes", got)
		field("master_sync_left_bytes", left)
		field("master_sync_perc", fmt.Sprintf("%.2f", perc))
		field("master_sync_last_io_seconds_ago", int64(now.Sub(time.Unix(0, l.syncLast.Load()))/time.Second))
	}
	if !up {
		down := int64(-1)
		if !l.downSince.IsZero() {
			down = int64(now.Sub(l.downSince) / time.Second)
		}
		field("master_link_down_since_seconds", down)
	}
	prio, _ := strconv.Atoi(cfg.StoredValue("replica-priority"))
	field("slave_priority", prio)
	field("slave_read_only", b01(cfg.StoredValue("replica-read-only") == "yes"))
	field("replica_announced", b01(cfg.StoredValue("replica-announced") == "yes"))
}

func b01(v bool) int {
	if v {
		return 1
	}
	return 0
}

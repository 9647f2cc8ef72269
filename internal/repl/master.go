// Package repl is the master side of replication, as a Redis 7.0 replica
// expects it (Redis's replication.c is the reference for every message and
// state): the handshake (REPLCONF, PSYNC, the old SYNC), full
// synchronisation from a forkless snapshot whose cut is exactly at the
// stream offset sent in +FULLRESYNC, the replication backlog, partial
// resynchronisation (+CONTINUE), REPLCONF ACK and GETACK, the PING every
// repl-ping-replica-period counted in the offset, newline keep-alives while
// the snapshot is prepared, repl-timeout, and the replica class of
// client-output-buffer-limit.
//
// Replication is a consumer of the propagation stream (package stream):
// the [Backlog] receives every propagated command and keeps the bytes
// replicas are sent, one copy for all of them. Each replica has a sender
// goroutine that writes to its socket without the server lock: the
// +FULLRESYNC or +CONTINUE line, the snapshot (from dump.rdb with $<len>, or
// straight from the snapshot walker with $EOF:<mark>), then the stream from
// the cut on. The server lock is held only to take the cut, to feed the
// backlog and to change a replica's state.
//
// The server owns the connection: it parses the replica's commands
// (REPLCONF ACK) on the client's goroutine and calls in here under the lock.
package repl

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/config"
	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/sds"
	"github.com/vestadb/vesta/internal/stream"
)

// Snapshotter is what replication needs from the persistence engine: a
// background snapshot whose cut offset it learns. Both calls are made under
// the server lock and fail while another background job runs.
type Snapshotter interface {
	// Busy reports whether a background job runs or is scheduled.
	Busy() bool
	// SaveForReplication starts a BGSAVE of dump.rdb (disk-based full
	// sync) and returns the stream offset of its cut; done runs under the
	// lock when the file is committed (path) or the save failed.
	SaveForReplication(done func(path string, err error)) (int64, error)
	// StreamForReplication starts a snapshot written to w (diskless full
	// sync) and returns the offset of its cut; finish runs without the
	// lock once the image is written or failed.
	StreamForReplication(w io.Writer, finish func(err error)) (int64, error)
}

// Options configure a Master.
type Options struct {
	Mu     sync.Locker // the server lock
	Stream *stream.Stream
	Config *config.Config // read under Mu
	Log    *slog.Logger
	Snap   Snapshotter
	// Crashed hands a panic of a replica's goroutine to the server's crash
	// report; it does not return.
	Crashed func(where string, r any)
	// OnAck is called under Mu after a replica acknowledged an offset
	// (the server serves WAIT).
	OnAck func()
	// Functions, if set, returns the sources of the function libraries
	// (under Mu): the image of a filtered sync (rdb-filter-only functions,
	// redis-cli --functions-rdb) holds them.
	Functions func() []string
	// FailoverState, if set, is INFO's master_failover_state (under Mu);
	// while it is not "no-failover" no PING is added to the stream, so
	// that the replicas can catch up with a stream that stands still.
	FailoverState func() string
}

// Master is the replication state of a server acting as a master.
type Master struct {
	o         Options
	replid    string
	replid2   string
	second    int64 // second_repl_offset: -1 without replid2
	backlog   *Backlog
	replicas  []*Replica
	job       *syncJob
	nextPing  time.Time
	noneSince time.Time // when the last replica left

	// The replica side (history.go, link.go).
	replica    bool // replicating a master: the stream follows its bytes
	restoredDB int  // repl-stream-db of the RDB loaded at startup
	// LinkUp reports, under the lock, whether the link with the master
	// is up (a replica refuses SYNC while it is down); ReplicaInfo writes
	// the fields INFO replication shows for a replica after role:slave;
	// StreamDB is the database the master's stream is in (RDB aux
	// repl-stream-db). Set by the server.
	LinkUp      func() bool
	ReplicaInfo func(field func(name string, v any))
	StreamDB    func() int

	SyncFull, SyncPartialOK, SyncPartialErr int64 // INFO stats
	OutputBytes                             atomic.Int64
	timeoutSecs                             atomic.Int64 // repl-timeout, for the senders
}

// New returns a master with a fresh replication id and no backlog.
func New(o Options) *Master {
	m := &Master{o: o, second: -1, replid2: strings.Repeat("0", 40), noneSince: time.Now()}
	m.replid = newReplID()
	m.timeoutSecs.Store(int64(o.Config.ReplTimeout))
	return m
}

func newReplID() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// State is a replica's state, as INFO names it.
type State int

// The states of a replica, Redis's SLAVE_STATE_*.
const (
	WaitBgsaveStart State = iota // waiting for a snapshot to start
	WaitBgsaveEnd                // the cut is taken: waiting for the image
	SendBulk                     // the image is being sent
	Online                       // receiving the stream
)

func (s State) String() string {
	switch s {
	case WaitBgsaveStart, WaitBgsaveEnd:
		return "wait_bgsave"
	case SendBulk:
		return "send_bulk"
	}
	return "online"
}

// Conf is what a connection announced with REPLCONF before PSYNC.
type Conf struct {
	ListeningPort int64
	IPAddress     string
	CapaEOF       bool
	CapaPsync2    bool
	RDBOnly       bool
	// Filtered: REPLCONF rdb-filter-only was given, so the snapshot
	// holds no keys, only the function libraries.
	Filtered bool
}

// Replica is a connection that sent SYNC or PSYNC.
type Replica struct {
	m        *Master
	conn     net.Conn
	id       int64
	ip       string
	conf     Conf
	prePsync bool // SYNC: no +FULLRESYNC line, no ACKs expected

	// Under the server lock.
	state          State
	job            *syncJob
	firstLine      string // +FULLRESYNC / +CONTINUE to send first
	file           *os.File
	fileSize       int64
	putOnlineOnAck bool // diskless: stream after the first ACK
	ackOff         int64
	ackTime        time.Time
	closed         bool
	rd             *reader
	since          time.Time // when it asked for a sync

	wmu       sync.Mutex // serialises writes to conn (sender and diskless job)
	preambled bool       // under wmu: the diskless preamble is written
	failed    atomic.Bool
	wake      chan struct{}
	done      chan struct{}
}

// syncJob is one snapshot feeding full synchronisations.
type syncJob struct {
	replid string // master_replid at the cut (read without the lock)
	offset int64
	disk   bool
	mark   string // diskless EOF mark
	reps   []*Replica
}

// Replid is the replication id (master_replid).
func (m *Master) Replid() string { return m.replid }

// Replicas returns the connected replicas (under the lock).
func (m *Master) Replicas() []*Replica { return m.replicas }

// Name is how logs name a replica, as Redis's replicationGetSlaveName.
func (r *Replica) Name() string {
	ip := r.ip
	if r.conf.IPAddress != "" {
		ip = r.conf.IPAddress
	}
	if r.conf.ListeningPort != 0 {
		return net.JoinHostPort(ip, strconv.FormatInt(r.conf.ListeningPort, 10))
	}
	return ip + ":<unknown-replica-port>"
}

// AckOffset is the last offset the replica acknowledged.
func (r *Replica) AckOffset() int64 { return r.ackOff }

// IsOnline reports whether the replica receives the stream.
func (r *Replica) IsOnline() bool { return r.state == Online }

// Addr returns the replica's announced (or peer) IP and listening port.
func (r *Replica) Addr() (string, int64) {
	if r.conf.IPAddress != "" {
		return r.conf.IPAddress, r.conf.ListeningPort
	}
	return r.ip, r.conf.ListeningPort
}

// Replconf implements REPLCONF for a connection; conf is its
// announcement, r its replica once it sent PSYNC (nil before). Under the
// lock.
func (m *Master) Replconf(c *command.Ctx, conf *Conf, r *Replica) {
	if len(c.Args)%2 == 0 {
		c.SyntaxError()
		return
	}
	for j := 1; j < len(c.Args); j += 2 {
		opt, val := strings.ToLower(string(c.Args[j])), c.Args[j+1]
		switch opt {
		case "listening-port":
			port, ok := command.ParseInt(val)
			if !ok {
				c.Error(command.ErrNotInt)
				return
			}
			conf.ListeningPort = port
		case "ip-address":
			if len(val) > 255 {
				c.Error(fmt.Sprintf("ERR REPLCONF ip-address provided by replica instance is too long: %d bytes", len(val)))
				return
			}
			conf.IPAddress = string(val)
		case "capa":
			switch strings.ToLower(string(val)) {
			case "eof":
				conf.CapaEOF = true
			case "psync2":
				conf.CapaPsync2 = true
			}
		case "ack":
			// No reply, ever.
			if r == nil {
				return
			}
			off, ok := command.ParseInt(val)
			if !ok {
				return
			}
			m.ack(r, off)
			return
		case "getack":
			// Only a replica answers GETACK, and Vesta is not one.
			return
		case "rdb-filter-only":
			filters, ok := sds.SplitArgs(val, nil)
			if !ok {
				c.Error("ERR Missing rdb-filter-only values")
				return
			}
			for _, f := range filters {
				if !strings.EqualFold(string(f), "functions") {
					c.Error("ERR Unsupported rdb-filter-only option: " + string(f))
					return
				}
			}
			conf.Filtered = true
		case "rdb-only":
			v, ok := command.ParseInt(val)
			if !ok {
				c.Error(command.ErrNotInt)
				return
			}
			if v < 0 || v > 1 {
				c.Error("ERR value is out of range, value must between 0 and 1")
				return
			}
			conf.RDBOnly = v == 1
		default:
			c.Error("ERR Unrecognized REPLCONF option: " + string(c.Args[j]))
			return
		}
	}
	c.W.OK()
}

func (m *Master) ack(r *Replica, off int64) {
	if off > r.ackOff {
		r.ackOff = off
	}
	r.ackTime = time.Now()
	if r.putOnlineOnAck && r.state == Online {
		r.putOnlineOnAck = false
		m.o.Log.Info("Synchronization with replica succeeded", "replica", r.Name())
		r.poke()
	}
	if m.o.OnAck != nil {
		m.o.OnAck()
	}
}

func (r *Replica) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Sync implements SYNC and PSYNC <replid> <offset> for the connection
// conn (client id, announcement conf). It returns the new replica, whose
// Start the server calls once the replies before it are written, or nil
// after an error reply. Under the lock.
func (m *Master) Sync(c *command.Ctx, conn net.Conn, id int64, conf Conf) *Replica {
	psync := strings.EqualFold(string(c.Args[0]), "psync")
	var psyncOff int64
	if psync {
		if len(c.Args) < 3 {
			c.Error("ERR wrong number of arguments for 'psync' command")
			return nil
		}
		off, ok := command.ParseInt(c.Args[2])
		if !ok {
			c.Error(command.ErrNotInt)
			m.o.Log.Warn("Replica asks for synchronization but with a wrong offset", "addr", conn.RemoteAddr().String())
			return nil
		}
		psyncOff = off
	}
	if m.replica && m.LinkUp != nil && !m.LinkUp() {
		c.Error("NOMASTERLINK Can't SYNC while not connected with my master")
		return nil
	}
	if conf.Filtered && !conf.CapaEOF {
		c.Error("ERR Filtered replica requires EOF capability")
		return nil
	}
	ip := conn.RemoteAddr().String()
	if h, _, err := net.SplitHostPort(ip); err == nil {
		ip = h
	}
	r := &Replica{m: m, conn: conn, id: id, ip: ip, conf: conf, prePsync: !psync,
		wake: make(chan struct{}, 1), done: make(chan struct{}), since: time.Now(), ackTime: time.Now()}
	m.o.Log.Info("Replica asks for synchronization", "replica", r.Name())
	if psync {
		if m.tryPartial(r, string(c.Args[1]), psyncOff) {
			m.SyncPartialOK++
			return r
		}
		if string(c.Args[1]) != "?" {
			m.SyncPartialErr++
		}
	}
	m.SyncFull++
	r.state = WaitBgsaveStart
	m.add(r)
	if m.backlog == nil {
		// A new history: a new replication id, no second one.
		m.replid = newReplID()
		m.replid2, m.second = strings.Repeat("0", 40), -1
		m.createBacklog()
		m.o.Log.Info("Replication backlog created, my new replication IDs are '" + m.replid + "' and '" + m.replid2 + "'")
	}
	if j := m.job; j != nil && j.disk && !conf.Filtered {
		// A disk snapshot for other replicas is running: join it if the
		// backlog still holds everything from its cut.
		if conf.RDBOnly || m.backlog.holds(j.offset) {
			m.setupFullResync(r, j)
			m.o.Log.Info("Waiting for end of BGSAVE for SYNC", "replica", r.Name())
			return r
		}
	}
	if m.job != nil || m.o.Snap.Busy() {
		m.o.Log.Info("Waiting for next BGSAVE for SYNC", "replica", r.Name())
		return r
	}
	if m.o.Config.ReplDisklessSync && conf.CapaEOF && m.o.Config.ReplDisklessSyncDelay > 0 && !m.enoughWaiting() {
		m.o.Log.Info("Delay next BGSAVE for diskless SYNC", "replica", r.Name())
		return r
	}
	m.startSync()
	return r
}

// enoughWaiting reports whether repl-diskless-sync-max-replicas replicas
// wait for a snapshot.
func (m *Master) enoughWaiting() bool {
	max := m.o.Config.ReplDisklessSyncMaxReplicas
	if max == 0 {
		return false
	}
	n := 0
	for _, r := range m.replicas {
		if r.state == WaitBgsaveStart {
			n++
		}
	}
	return n >= max
}

// tryPartial accepts PSYNC replid off when the backlog holds the history
// the replica asks for (Redis's masterTryPartialResynchronization).
func (m *Master) tryPartial(r *Replica, replid string, psyncOff int64) bool {
	if !strings.EqualFold(replid, m.replid) && (!strings.EqualFold(replid, m.replid2) || psyncOff > m.second) {
		if replid != "?" {
			if !strings.EqualFold(replid, m.replid2) {
				m.o.Log.Info("Partial resynchronization not accepted: Replication ID mismatch", "replica", r.Name(),
					"asked", replid, "mine", m.replid)
			} else {
				m.o.Log.Info("Partial resynchronization not accepted: requested offset beyond the switch of replication ID",
					"replica", r.Name(), "offset", psyncOff, "second_repl_offset", m.second)
			}
		} else {
			m.o.Log.Info("Full resync requested by replica", "replica", r.Name())
		}
		return false
	}
	// Redis counts offsets from 1: the replica asks for the byte after
	// the psyncOff-1 bytes it has.
	want := psyncOff - 1
	if m.backlog == nil || !m.backlog.holds(want) {
		m.o.Log.Info("Unable to partial resync with replica for lack of backlog", "replica", r.Name(), "offset", psyncOff)
		return false
	}
	r.state = Online
	r.ackTime = time.Now()
	if r.conf.CapaPsync2 {
		r.firstLine = "+CONTINUE " + m.replid + "\r\n"
	} else {
		r.firstLine = "+CONTINUE\r\n"
	}
	r.rd = m.backlog.attach(want, r)
	m.add(r)
	_, end := m.backlog.bounds()
	m.o.Log.Info(fmt.Sprintf("Partial resynchronization request from %s accepted. Sending %d bytes of backlog starting from offset %d.",
		r.Name(), end-want, psyncOff))
	return true
}

func (m *Master) add(r *Replica) {
	m.replicas = append(m.replicas, r)
}

func (m *Master) createBacklog() {
	m.o.Stream.ForgetDB()
	m.backlog = newBacklog(m.o.Stream.Offset(), m.o.Config.ReplBacklogSize)
	m.backlog.limit = m.overLimit
	m.o.Stream.Attach(m.backlog)
}

// overLimit applies the replica class of client-output-buffer-limit to a
// replica's unsent bytes (under the backlog's mutex, itself under the
// server lock: the configuration may be read).
func (m *Master) overLimit(rd *reader, pending int64, now time.Time) bool {
	lim := m.o.Config.ClientOutputBufferLimit[config.ClassReplica]
	over := false
	switch {
	case lim.Hard > 0 && uint64(pending) > lim.Hard:
		over = true
	case lim.Soft > 0 && uint64(pending) > lim.Soft:
		if rd.softSince.IsZero() {
			rd.softSince = now
		} else if now.Sub(rd.softSince) > time.Duration(lim.SoftSeconds)*time.Second {
			over = true
		}
	default:
		rd.softSince = time.Time{}
	}
	if over && rd.owner != nil {
		m.o.Log.Warn("Client scheduled to be closed ASAP for overcoming of output buffer limits.",
			"replica", rd.owner.Name(), "class", "replica", "pending", pending)
		go rd.owner.conn.Close() // the sender and the reader goroutine notice
	}
	return over
}

// setupFullResync puts a replica on a snapshot whose cut is taken: its
// stream starts at the cut (Redis's replicationSetupSlaveForFullResync).
func (m *Master) setupFullResync(r *Replica, j *syncJob) {
	r.state = WaitBgsaveEnd
	r.job = j
	j.reps = append(j.reps, r)
	if !r.conf.RDBOnly {
		r.rd = m.backlog.attach(j.offset, r)
	}
	if !r.prePsync && j.disk {
		r.firstLine = "+FULLRESYNC " + m.replid + " " + strconv.FormatInt(j.offset, 10) + "\r\n"
	}
	r.poke()
}

// startSync starts a snapshot for the replicas waiting for one, when no
// background job runs (Redis's startBgsaveForReplication). Under the lock.
func (m *Master) startSync() {
	var waiting []*Replica
	eof := true
	for _, r := range m.replicas {
		// One snapshot serves replicas that want the same content: those
		// that filter the data out wait for the next one, or the other
		// way round.
		if r.state == WaitBgsaveStart && !r.closed && (len(waiting) == 0 || r.conf.Filtered == waiting[0].conf.Filtered) {
			waiting = append(waiting, r)
			eof = eof && r.conf.CapaEOF
		}
	}
	if len(waiting) > 0 && waiting[0].conf.Filtered && m.job == nil {
		m.startFiltered(waiting)
		return
	}
	if len(waiting) == 0 || m.job != nil || m.o.Snap.Busy() {
		return
	}
	j := &syncJob{disk: !(m.o.Config.ReplDisklessSync && eof)}
	var off int64
	var err error
	if j.disk {
		m.o.Log.Info("Starting BGSAVE for SYNC with target: disk")
		off, err = m.o.Snap.SaveForReplication(func(path string, err error) { m.diskDone(j, path, err) })
	} else {
		var mark [20]byte
		_, _ = rand.Read(mark[:])
		j.mark = hex.EncodeToString(mark[:])
		m.o.Log.Info("Starting BGSAVE for SYNC with target: replicas sockets")
		off, err = m.o.Snap.StreamForReplication(&fanout{m: m, j: j}, func(err error) { m.disklessDone(j, err) })
	}
	if err != nil {
		m.o.Log.Warn("BGSAVE for replication failed", "err", err)
		for _, r := range waiting {
			m.drop(r)
		}
		return
	}
	j.offset, j.replid = off, m.replid
	m.job = j
	// The replicas' stream starts with a SELECT, whatever database the
	// last command ran in.
	m.o.Stream.ForgetDB()
	m.backlog.forgetDB()
	for _, r := range waiting {
		m.setupFullResync(r, j)
	}
}

// startFiltered serves replicas that filter the data out: no snapshot of
// the keyspace, an image without keys (the function libraries only) cut at
// the current offset, sent
// diskless (they all have the EOF capability) from a goroutine. Under the
// lock.
func (m *Master) startFiltered(waiting []*Replica) {
	cfg := m.o.Config
	var fns []string
	if m.o.Functions != nil {
		fns = m.o.Functions()
	}
	img, err := persist.EmptyImage(persist.SaveOptions{Compression: cfg.RDBCompression, Checksum: cfg.RDBChecksum, Repl: m.SaveInfo(), Functions: fns})
	var mark [20]byte
	_, _ = rand.Read(mark[:])
	j := &syncJob{mark: hex.EncodeToString(mark[:]), offset: m.o.Stream.Offset(), replid: m.replid}
	m.job = j
	m.o.Stream.ForgetDB()
	m.backlog.forgetDB()
	for _, r := range waiting {
		m.setupFullResync(r, j)
	}
	m.o.Log.Info("Starting the transfer of an RDB without data for filtered replicas", "replicas", len(waiting))
	go func() {
		defer func() {
			if v := recover(); v != nil {
				m.o.Crashed("filtered replica transfer", v)
			}
		}()
		if err == nil {
			_, err = (&fanout{m: m, j: j}).Write(img)
		}
		m.disklessDone(j, err)
	}()
}

// diskDone hands dump.rdb to the replicas of a disk snapshot. Under the
// lock.
func (m *Master) diskDone(j *syncJob, path string, err error) {
	if m.job == j {
		m.job = nil
	}
	var f *os.File
	var size int64
	if err == nil {
		f, err = os.Open(path)
		if err == nil {
			var st os.FileInfo
			if st, err = f.Stat(); err == nil {
				size = st.Size()
			}
		}
	}
	for _, r := range j.reps {
		if r.closed {
			continue
		}
		if err != nil {
			m.o.Log.Warn("SYNC failed. BGSAVE child returned an error", "replica", r.Name(), "err", err)
			m.drop(r)
			continue
		}
		// Each replica reads the file through its own descriptor.
		rf, oerr := os.Open(f.Name())
		if oerr != nil {
			m.o.Log.Warn("SYNC failed. Can't open/stat DB after BGSAVE", "replica", r.Name(), "err", oerr)
			m.drop(r)
			continue
		}
		r.file, r.fileSize = rf, size
		r.state = SendBulk
		r.poke()
	}
	if f != nil {
		f.Close()
	}
	m.startSync()
}

// disklessDone ends a diskless transfer: the EOF mark, then the replicas
// wait for their first ACK to start streaming. Called without the lock.
func (m *Master) disklessDone(j *syncJob, err error) {
	if err == nil {
		for _, r := range j.reps {
			if r.failed.Load() {
				continue
			}
			r.wmu.Lock()
			werr := r.write([]byte(j.mark))
			r.wmu.Unlock()
			if werr != nil {
				r.failed.Store(true)
			}
		}
	}
	m.o.Mu.Lock()
	defer m.o.Mu.Unlock()
	if m.job == j {
		m.job = nil
	}
	for _, r := range j.reps {
		if r.closed {
			continue
		}
		if err != nil || r.failed.Load() {
			m.o.Log.Warn("Diskless SYNC failed", "replica", r.Name(), "err", err)
			m.drop(r)
			continue
		}
		if r.conf.RDBOnly {
			m.o.Log.Info("RDB transfer completed, rdb only replica should be disconnected asap", "replica", r.Name())
			m.drop(r)
			continue
		}
		m.o.Log.Info("Streamed RDB transfer with replica succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming",
			"replica", r.Name())
		r.state = Online
		r.putOnlineOnAck = true
		r.poke()
	}
	m.startSync()
}

// fanout writes a diskless snapshot to every replica of the job, each
// behind its preamble; a replica whose write fails is left out.
type fanout struct {
	m *Master
	j *syncJob
}

func (f *fanout) Write(p []byte) (int, error) {
	alive := 0
	for _, r := range f.j.reps {
		if r.failed.Load() {
			continue
		}
		r.wmu.Lock()
		err := r.preambleLocked()
		if err == nil {
			err = r.write(p)
		}
		r.wmu.Unlock()
		if err != nil {
			f.m.o.Log.Warn("Diskless rdb transfer to replica failed", "replica", r.Name(), "err", err)
			r.failed.Store(true)
			r.conn.Close()
			continue
		}
		alive++
	}
	if alive == 0 {
		return 0, fmt.Errorf("repl: no replica left for the diskless transfer")
	}
	return len(p), nil
}

// preambleLocked writes +FULLRESYNC and $EOF:<mark> once. Under wmu.
func (r *Replica) preambleLocked() error {
	if r.preambled {
		return nil
	}
	r.preambled = true
	j := r.job
	var b []byte
	if !r.prePsync {
		b = append(b, "+FULLRESYNC "+j.replid+" "+strconv.FormatInt(j.offset, 10)+"\r\n"...)
	}
	b = append(b, "$EOF:"+j.mark+"\r\n"...)
	return r.write(b)
}

// write writes to the socket within repl-timeout. Under wmu.
func (r *Replica) write(p []byte) error {
	_ = r.conn.SetWriteDeadline(time.Now().Add(r.timeout()))
	n, err := r.conn.Write(p)
	r.m.OutputBytes.Add(int64(n))
	return err
}

// timeout is repl-timeout, read without the lock (an int written under
// it; a stale value only delays a disconnect).
func (r *Replica) timeout() time.Duration {
	return time.Duration(r.m.timeoutSecs.Load()) * time.Second
}

// Drop removes a replica (its connection closed or was killed). Under the
// lock; idempotent.
func (m *Master) Drop(r *Replica) { m.drop(r) }

func (m *Master) drop(r *Replica) {
	if r.closed {
		return
	}
	r.closed = true
	for i, x := range m.replicas {
		if x == r {
			m.replicas = append(m.replicas[:i], m.replicas[i+1:]...)
			break
		}
	}
	if len(m.replicas) == 0 {
		m.noneSince = time.Now()
	}
	if r.rd != nil {
		m.backlog.detach(r.rd)
	}
	r.failed.Store(true)
	close(r.done)
	r.conn.Close()
	m.o.Log.Info("Connection with replica lost.", "replica", r.Name())
}

// Cron is replication's share of the server's periodic work, under the
// lock: PINGs, repl-timeout, the backlog's TTL, delayed diskless syncs.
func (m *Master) Cron(now time.Time) {
	cfg := m.o.Config
	m.timeoutSecs.Store(int64(cfg.ReplTimeout))
	if m.backlog != nil {
		m.backlog.mu.Lock()
		m.backlog.size = cfg.ReplBacklogSize
		m.backlog.mu.Unlock()
	}
	if len(m.replicas) > 0 && !now.Before(m.nextPing) && !m.replica && m.failoverState() == "no-failover" {
		// A replica proxies its master's PINGs instead.
		m.nextPing = now.Add(time.Duration(cfg.ReplPingReplicaPeriod) * time.Second)
		m.o.Stream.AppendTo(m.backlog, -1, [][]byte{[]byte("PING")}, now)
	}
	timeout := time.Duration(cfg.ReplTimeout) * time.Second
	for _, r := range append([]*Replica(nil), m.replicas...) {
		if r.state == Online && !r.prePsync && now.Sub(r.ackTime) > timeout {
			m.o.Log.Warn("Disconnecting timedout replica (streaming sync)", "replica", r.Name())
			m.drop(r)
		}
	}
	if m.backlog != nil && len(m.replicas) == 0 && cfg.ReplBacklogTTL > 0 && !m.replica &&
		now.Sub(m.noneSince) > time.Duration(cfg.ReplBacklogTTL)*time.Second {
		m.replid = newReplID()
		m.replid2, m.second = strings.Repeat("0", 40), -1
		m.o.Stream.Detach(m.backlog)
		m.backlog = nil
		m.o.Log.Info("Replication backlog freed after timeout", "seconds", cfg.ReplBacklogTTL)
	}
	// Delayed diskless syncs start once the oldest waiting replica has
	// waited repl-diskless-sync-delay seconds.
	delay := time.Duration(cfg.ReplDisklessSyncDelay) * time.Second
	for _, r := range m.replicas {
		if r.state == WaitBgsaveStart && (!cfg.ReplDisklessSync || now.Sub(r.since) >= delay || m.enoughWaiting()) {
			m.startSync()
			break
		}
	}
}

// WriteRefusal is the NOREPLICAS error while fewer than
// min-replicas-to-write replicas acknowledged within min-replicas-max-lag
// seconds, "" otherwise. Under the lock.
func (m *Master) WriteRefusal() string {
	cfg := m.o.Config
	if cfg.MinReplicasToWrite == 0 || cfg.MinReplicasMaxLag == 0 {
		return ""
	}
	now := time.Now().Unix()
	good := 0
	for _, r := range m.replicas {
		if r.state == Online && now-r.ackTime.Unix() <= int64(cfg.MinReplicasMaxLag) {
			good++
		}
	}
	if good >= cfg.MinReplicasToWrite {
		return ""
	}
	return "NOREPLICAS Not enough good replicas to write."
}

// SaveInfo is the replication position a snapshot taken now records, nil
// without a backlog (Redis's rdbPopulateSaveInfo for a master). Under the
// lock.
func (m *Master) SaveInfo() *persist.ReplInfo {
	if m.backlog == nil {
		return nil
	}
	db := int64(0)
	if m.replica && m.StreamDB != nil {
		db = int64(m.StreamDB())
	} else if m.backlog.dbKnown {
		db = int64(m.backlog.db)
	}
	return &persist.ReplInfo{ID: m.replid, Offset: m.o.Stream.Offset(), StreamDB: db}
}

// Restore continues the replication history a snapshot loaded at startup
// recorded (or the AOF's position file, engine/aofrepl.go), as Redis 7.0
// does for a master: its id becomes the second id,
// valid up to its offset, the stream's offsets continue from there, and a
// backlog starts at that point, so that the replicas of the previous run
// continue with +CONTINUE. Under the lock, before clients are served.
func (m *Master) Restore(info persist.ReplInfo) {
	m.replid2, m.second = info.ID, info.Offset+1
	m.restoredDB = int(info.StreamDB)
	m.o.Stream.Rebase(info.Offset)
	if m.backlog != nil {
		m.o.Stream.Detach(m.backlog)
	}
	m.createBacklog()
	m.noneSince = time.Now()
	m.o.Log.Info("Restored the replication ID and offset of the previous run", "replid2", info.ID, "offset", info.Offset)
}

// RequestAck propagates REPLCONF GETACK * to the replicas (WAIT). Under
// the lock.
func (m *Master) RequestAck() {
	if m.backlog == nil || len(m.replicas) == 0 {
		return
	}
	m.o.Stream.AppendTo(m.backlog, -1, [][]byte{[]byte("REPLCONF"), []byte("GETACK"), []byte("*")}, time.Now())
}

// CountAcks is how many online replicas acknowledged offset off.
func (m *Master) CountAcks(off int64) int {
	n := 0
	for _, r := range m.replicas {
		if r.state == Online && r.ackOff >= off {
			n++
		}
	}
	return n
}

// Info writes the fields of INFO replication for a master.
func (m *Master) Info(field func(name string, v any)) {
	now := time.Now()
	if m.replica && m.ReplicaInfo != nil {
		field("role", "slave")
		m.ReplicaInfo(field)
	} else {
		field("role", "master")
	}
	field("connected_slaves", len(m.replicas))
	for i, r := range m.replicas {
		ip, port := r.Addr()
		field("slave"+strconv.Itoa(i), fmt.Sprintf("ip=%s,port=%d,state=%s,offset=%d,lag=%d",
			ip, port, r.state, r.ackOff, int64(now.Sub(r.ackTime)/time.Second)))
	}
	field("master_failover_state", m.failoverState())
	field("master_replid", m.replid)
	field("master_replid2", m.replid2)
	field("master_repl_offset", m.o.Stream.Offset())
	field("second_repl_offset", m.second)
	if m.backlog == nil {
		field("repl_backlog_active", 0)
		field("repl_backlog_size", m.o.Config.ReplBacklogSize)
		field("repl_backlog_first_byte_offset", 0)
		field("repl_backlog_histlen", 0)
		return
	}
	start, end := m.backlog.bounds()
	field("repl_backlog_active", 1)
	field("repl_backlog_size", m.o.Config.ReplBacklogSize)
	field("repl_backlog_first_byte_offset", start+1)
	field("repl_backlog_histlen", end-start)
}

func (m *Master) failoverState() string {
	if m.o.FailoverState == nil {
		return "no-failover"
	}
	return m.o.FailoverState()
}

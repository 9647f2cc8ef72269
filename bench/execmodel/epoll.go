//go:build linux

package main

import (
	"fmt"
	"net"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// epollServer is the event-loop model (-mode epoll): one goroutine locked
// to its OS thread owns the keyspace and every connection, as Redis's main
// thread does. Each pass of the loop
//
//  1. waits in epoll_wait (level-triggered) for readable sockets;
//  2. for each, makes ONE read (Redis's readQueryFromClient), parses every
//     complete command and executes them at once (no lock: the loop owns
//     the keyspace);
//  3. after all events, writes each connection's replies with one write
//     (Redis's handleClientsWithPendingWrites in beforeSleep), keeping
//     what the socket did not take for EPOLLOUT.
//
// A pass is where a durable server would append the AOF once and, under
// appendfsync always, fdatasync once before step 3, as Redis does.
// Connections never go through Go's net package or netpoller: no second
// read that returns EAGAIN, no goroutine park/wake per request.
type epollServer struct {
	lfd   int
	epfd  int
	d     *db
	conns map[int32]*econn
	dirty []*econn // connections with replies to write this pass
	addr  string
}

// econn is one connection of the event loop.
type econn struct {
	fd      int32
	buf     []byte
	r, w    int // unparsed bytes are buf[r:w]
	b       *batch
	out     []byte // replies; out[sent:] is not written yet
	sent    int
	pending bool // in dirty
	closing bool // close once out is written (QUIT, protocol error)
	wantOut bool // registered for EPOLLOUT
}

// listenEpoll binds a non-blocking TCP listener on addr (host:port, IPv4).
func listenEpoll(addr string, d *db) (*epollServer, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, err
	}
	ip := net.ParseIP(host).To4()
	if ip == nil {
		return nil, fmt.Errorf("execmodel: epoll mode needs an IPv4 address, got %q", host)
	}
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.SetsockoptInt(lfd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		unix.Close(lfd)
		return nil, err
	}
	sa := &unix.SockaddrInet4{Port: port}
	copy(sa.Addr[:], ip)
	if err := unix.Bind(lfd, sa); err != nil {
		unix.Close(lfd)
		return nil, err
	}
	if err := unix.Listen(lfd, 511); err != nil {
		unix.Close(lfd)
		return nil, err
	}
	bound, err := unix.Getsockname(lfd)
	if err != nil {
		unix.Close(lfd)
		return nil, err
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		unix.Close(lfd)
		return nil, err
	}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, lfd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(lfd)}); err != nil {
		unix.Close(lfd)
		unix.Close(epfd)
		return nil, err
	}
	in4 := bound.(*unix.SockaddrInet4)
	return &epollServer{
		lfd: lfd, epfd: epfd, d: d, conns: map[int32]*econn{},
		addr: net.JoinHostPort(net.IP(in4.Addr[:]).String(), strconv.Itoa(in4.Port)),
	}, nil
}

// serve runs the event loop until epoll fails.
func (s *epollServer) serve() error {
	runtime.LockOSThread()
	events := make([]unix.EpollEvent, 256)
	for {
		n, err := unix.EpollWait(s.epfd, events, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		for i := range n {
			ev := &events[i]
			if int(ev.Fd) == s.lfd {
				s.accept()
				continue
			}
			c := s.conns[ev.Fd]
			if c == nil {
				continue
			}
			if ev.Events&(unix.EPOLLIN|unix.EPOLLHUP|unix.EPOLLERR) != 0 && !c.closing {
				s.readConn(c)
			}
			if ev.Events&unix.EPOLLOUT != 0 && !c.pending {
				c.pending = true
				s.dirty = append(s.dirty, c)
			}
		}
		s.writeAll()
	}
}

func (s *epollServer) accept() {
	for {
		nfd, _, err := unix.Accept4(s.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err != nil {
			return // EAGAIN: no more pending connections
		}
		_ = unix.SetsockoptInt(nfd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		if err := unix.EpollCtl(s.epfd, unix.EPOLL_CTL_ADD, nfd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(nfd)}); err != nil {
			unix.Close(nfd)
			continue
		}
		s.conns[int32(nfd)] = &econn{fd: int32(nfd), buf: make([]byte, readBufSize), b: newBatch()}
	}
}

// readConn makes one read, then parses and executes every complete
// command, appending the replies to c.out.
func (s *epollServer) readConn(c *econn) {
	if c.w == len(c.buf) {
		if c.r > 0 {
			c.w = copy(c.buf, c.buf[c.r:c.w])
			c.r = 0
		} else {
			if len(c.buf) >= maxReadBufSize {
				s.close(c)
				return
			}
			nb := make([]byte, 2*len(c.buf))
			copy(nb, c.buf[:c.w])
			c.buf = nb
		}
	}
	n, err := unix.Read(int(c.fd), c.buf[c.w:])
	if err == unix.EAGAIN || err == unix.EINTR {
		return
	}
	if n <= 0 {
		s.close(c)
		return
	}
	c.w += n
	b := c.b
	b.reset()
	b.out = c.out // replies go straight after the unsent ones
	var perr error
	for c.r < c.w {
		start := len(b.argv)
		var used int
		b.argv, used, perr = parseCommand(c.buf[c.r:c.w], b.argv)
		if perr != nil || used == 0 {
			break
		}
		c.r += used
		if len(b.argv) > start {
			b.ends = append(b.ends, len(b.argv))
		}
	}
	if len(b.ends) > 0 {
		s.d.run(b)
	}
	if perr != nil {
		b.out = appendError(b.out, "ERR "+perr.Error())
	}
	if perr != nil || b.quit {
		c.closing = true
	}
	if c.r == c.w {
		c.r, c.w = 0, 0
	}
	c.out = b.out
	if len(c.out) > c.sent || c.closing {
		if !c.pending {
			c.pending = true
			s.dirty = append(s.dirty, c)
		}
	}
}

// writeAll writes the replies of the pass, one write per connection.
func (s *epollServer) writeAll() {
	for _, c := range s.dirty {
		c.pending = false
		if s.conns[c.fd] != c {
			continue // closed during the pass
		}
		for c.sent < len(c.out) {
			n, err := unix.Write(int(c.fd), c.out[c.sent:])
			if err == unix.EINTR {
				continue
			}
			if err == unix.EAGAIN {
				break
			}
			if err != nil {
				s.close(c)
				break
			}
			c.sent += n
		}
		if s.conns[c.fd] != c {
			continue
		}
		if c.sent == len(c.out) {
			c.out, c.sent = c.out[:0], 0
			if c.closing {
				s.close(c)
				continue
			}
		}
		want := c.sent < len(c.out)
		if want != c.wantOut {
			ev := uint32(unix.EPOLLIN)
			if want {
				ev |= unix.EPOLLOUT
			}
			_ = unix.EpollCtl(s.epfd, unix.EPOLL_CTL_MOD, int(c.fd), &unix.EpollEvent{Events: ev, Fd: c.fd})
			c.wantOut = want
		}
	}
	clear(s.dirty)
	s.dirty = s.dirty[:0]
}

func (s *epollServer) close(c *econn) {
	_ = unix.EpollCtl(s.epfd, unix.EPOLL_CTL_DEL, int(c.fd), nil)
	unix.Close(int(c.fd))
	delete(s.conns, c.fd)
}

package main

import (
	"net"
)

// Read buffer sizes. The buffer doubles only when one incomplete command
// fills it, so its size follows bytes that have arrived, never a claimed
// length.
const (
	readBufSize    = 16 << 10
	maxReadBufSize = maxBulkLen + maxLineLen*2
)

// serveConn runs one client connection until it closes or errs: read what
// the socket has, parse every complete command, hand the batch to m, write
// all replies with one call.
func serveConn(c net.Conn, m model) {
	defer c.Close()
	buf := make([]byte, readBufSize)
	r, w := 0, 0 // unparsed bytes are buf[r:w]
	b := newBatch()
	for {
		if w == len(buf) {
			if r > 0 {
				w = copy(buf, buf[r:w])
				r = 0
			} else {
				if len(buf) >= maxReadBufSize {
					return
				}
				nb := make([]byte, 2*len(buf))
				copy(nb, buf[:w])
				buf = nb
			}
		}
		n, err := c.Read(buf[w:])
		w += n
		if n == 0 && err != nil {
			return
		}
		b.reset()
		var perr error
		for r < w {
			start := len(b.argv)
			var used int
			b.argv, used, perr = parseCommand(buf[r:w], b.argv)
			if perr != nil || used == 0 {
				break
			}
			r += used
			if len(b.argv) > start {
				b.ends = append(b.ends, len(b.argv))
			}
		}
		if len(b.ends) > 0 {
			m.exec(b)
		}
		if perr != nil {
			b.out = appendError(b.out, "ERR "+perr.Error())
		}
		if len(b.out) > 0 {
			if _, err := c.Write(b.out); err != nil {
				return
			}
		}
		if perr != nil || b.quit || err != nil {
			return
		}
		if r == w {
			r, w = 0, 0
		}
	}
}

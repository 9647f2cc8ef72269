// Package resp implements the Redis serialization protocol as a server sees it:
// a [Parser] for client requests (multibulk and inline, with Redis 7.0's limits
// and exact protocol-error texts) and a [Writer] that appends replies for RESP2
// or RESP3 clients into a reusable buffer.
//
// # Requests
//
// A multibulk request is
//
//	*<argc>\r\n  then argc times  $<len>\r\n<len bytes>\r\n
//
// Anything that does not start with '*' is an inline request: one line ended by
// \n (a \r before it is dropped), split like a shell command line (see
// [SplitArgs]). The parser is incremental: it keeps its position inside a
// partially received command, so a large bulk that arrives in many reads is not
// re-scanned, and it never allocates the claimed size of a bulk before the
// bytes arrive (the buffer grows with the data, up to the configured limits).
//
// Protocol errors are returned as *[ProtocolError]; the server replies with
// "-ERR <text>" and closes the connection after flushing the reply, as Redis
// does.
//
// # Replies
//
// [Writer] knows the client's protocol version. Types that only RESP3 has are
// downgraded for RESP2 the way Redis does it: null → $-1 or *-1, maps → flat
// arrays, sets → arrays, doubles → bulk strings, booleans → integers, verbatim
// strings → bulk strings, push messages → arrays.
package resp

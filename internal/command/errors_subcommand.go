package command

import (
	"bytes"
	"fmt"
)

// SubcommandError replies the error Redis gives when a container command's
// handler rejects its arguments (a subcommand it does not know, or one
// whose argument count passed the table's arity check but not the
// handler's own): the subcommand as the client typed it, cut at a NUL byte
// and at 128 bytes like a C "%.128s", and the container in capitals.
func (c *Ctx) SubcommandError() {
	sub := c.Args[1]
	if i := bytes.IndexByte(sub, 0); i >= 0 {
		sub = sub[:i]
	}
	if len(sub) > 128 {
		sub = sub[:128]
	}
	c.Error(fmt.Sprintf("ERR unknown subcommand or wrong number of arguments for '%s'. Try %s HELP.",
		sub, bytes.ToUpper(c.Args[0])))
}

// CString is an argument as C's "%s" prints it in an error: up to its
// first NUL byte.
func CString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

package logging

import "os"

// AppendFile is a log file opened for each write and closed after it, as
// Redis opens its logfile for every line: when logrotate moves the file
// away (Debian's redis-server rotation has no copytruncate), the next line
// starts a new file at the configured path.
type AppendFile struct {
	Path string
}

// Write appends p to the file, creating it if needed.
func (a *AppendFile) Write(p []byte) (int, error) {
	f, err := os.OpenFile(a.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return 0, err
	}
	n, err := f.Write(p)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

package engine

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/vestadb/vesta/internal/persist"
	"github.com/vestadb/vesta/internal/rdb"
)

// logJobStarted logs the start of a background save or rewrite with the
// words of Redis's line ("... started by pid N"), which log pipelines key
// on. Vesta runs the job in a goroutine of its own process, so the pid is
// the server's; a second line tells how long the snapshot cut held the
// server and at which replication offset it was taken.
func (e *Engine) logJobStarted(what string, cut time.Duration, offset int64) {
	e.log.Info(fmt.Sprintf("%s by pid %d", what, os.Getpid()))
	e.log.Info(fmt.Sprintf("Snapshot cut in %d microseconds at replication offset %d", cut.Microseconds(), offset))
}

// logLoadError logs why the dataset could not be loaded at startup, in the
// words of Redis's messages, with the file and the offset: what operators'
// alerts match. The checker's diagnosis follows (Load).
func (e *Engine) logLoadError(err error) {
	var aerr *persist.AOFError
	var rerr *rdb.Error
	switch {
	case errors.As(err, &aerr) && errors.Is(err, persist.ErrTruncatedAOF):
		e.log.Warn(fmt.Sprintf("Unexpected end of file reading the append only file %s at offset %d. %s",
			aerr.File, aerr.Offset, aerr.Hint))
	case errors.As(err, &aerr):
		e.log.Warn(fmt.Sprintf("Bad file format reading the append only file %s at offset %d: %v. %s",
			aerr.File, aerr.Offset, aerr.Err, aerr.Hint))
	case errors.As(err, &rerr):
		e.log.Warn(fmt.Sprintf("Internal error in RDB reading offset %d, file %s -> %v",
			rerr.Offset, e.cfg.DBFilename, rerr.Err))
	default:
		e.log.Warn(fmt.Sprintf("Fatal error loading the DB: %v. Exiting.", err))
	}
}

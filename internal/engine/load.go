package engine

import (
	"bufio"
	"path/filepath"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/aofcheck"
	"github.com/vestadb/vesta/internal/rdbcheck"
)

// Loading the dataset at startup, with progress for INFO.

type loadingState struct {
	start  time.Time
	total  int64
	loaded int64
}

// Load loads the dataset as Redis 7.0 does: the AOF when appendonly is
// on (dump.rdb is then ignored), else dump.rdb; then opens the AOF for
// appending. Clients connecting meanwhile get -LOADING (see Loading).
// Called with mu held. After a failure the server stays loading until it
// exits, so that the commands waiting for the lock get -LOADING, not a
// partial dataset.
func (e *Engine) Load() (err error) {
	e.loading = true
	e.ks.Loading = true
	defer func() {
		if err != nil {
			e.loading = true
			return
		}
		e.loading = false
		e.ks.Loading = false
	}()
	if e.cfg.AppendOnly {
		if err := e.loadAOF(); err != nil {
			e.logLoadError(err)
			for _, line := range aofcheck.Diagnose(e.fs, filepath.Join(e.cfg.Dir, e.cfg.AppendDirname), e.cfg.AppendFilename) {
				e.log.Warn(line)
			}
			return err
		}
		e.restoreAOFReplPos()
		e.loading = false
		e.ks.Loading = false
		return e.openAOF()
	}
	if err := e.loadRDB(); err != nil {
		e.logLoadError(err)
		e.diagnoseRDB()
		return err
	}
	return nil
}

// diagnoseRDB logs what the RDB checker finds in dump.rdb after a failed
// load, as Redis runs redis-check-rdb.
func (e *Engine) diagnoseRDB() {
	f, err := e.fs.Open(e.rdbPath())
	if err != nil {
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return
	}
	rep, _ := rdbcheck.Check(bufio.NewReader(f), st.Size(), rdbcheck.Options{
		Name: e.cfg.DBFilename, Databases: e.cfg.Databases, IgnoreChecksum: !e.cfg.RDBChecksum,
	})
	var b strings.Builder
	rep.WriteTo(&b)
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		e.log.Warn(line)
	}
}

func (e *Engine) startLoading(total int64) {
	e.load = loadingState{start: time.Now(), total: total}
}

// loadingProgress records progress and lets waiting clients in (they get
// -LOADING). Called under mu by the loaders.
func (e *Engine) loadingProgress(loaded int64) {
	e.load.loaded = loaded
	e.mu.Unlock()
	e.mu.Lock()
}

package server

import (
	"bufio"
	"path/filepath"
	"strings"
	"time"

	"github.com/vestadb/vesta/internal/aofcheck"
	"github.com/vestadb/vesta/internal/rdbcheck"

	"github.com/vestadb/vesta/internal/command"
	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/persist"
)

// Loading the dataset at startup, with progress for INFO.

type loadingState struct {
	start  time.Time
	total  int64
	loaded int64
}

// loadData loads the dataset as Redis 7.0 does: the AOF when appendonly is
// on (dump.rdb is then ignored), else dump.rdb; then opens the AOF for
// appending. Clients connecting meanwhile get -LOADING. Called with mu
// held. After a failure the server stays loading until it exits, so that
// the commands waiting for the lock get -LOADING, not a partial dataset.
func (s *Server) loadData() (err error) {
	s.loading = true
	s.ks.Loading = true
	feed := s.prop.feed
	s.prop.feed = nil
	defer func() {
		if err != nil {
			s.loading = true
			return
		}
		s.loading = false
		s.ks.Loading = false
		if s.prop.feed == nil {
			s.prop.feed = feed
		}
	}()
	if s.cfg.AppendOnly {
		if err := s.loadAOF(); err != nil {
			for _, line := range aofcheck.Diagnose(s.fs, filepath.Join(s.cfg.Dir, s.cfg.AppendDirname), s.cfg.AppendFilename) {
				s.log.Warn(line)
			}
			return err
		}
		s.loading = false
		s.ks.Loading = false
		return s.openAOF()
	}
	if err := s.loadRDB(); err != nil {
		s.diagnoseRDB()
		return err
	}
	return nil
}

// diagnoseRDB logs what the RDB checker finds in dump.rdb after a failed
// load, as Redis runs redis-check-rdb.
func (s *Server) diagnoseRDB() {
	f, err := s.fs.Open(s.rdbPath())
	if err != nil {
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return
	}
	rep, _ := rdbcheck.Check(bufio.NewReader(f), st.Size(), rdbcheck.Options{
		Name: s.cfg.DBFilename, Databases: s.cfg.Databases, IgnoreChecksum: !s.cfg.RDBChecksum,
	})
	var b strings.Builder
	rep.WriteTo(&b)
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		s.log.Warn(line)
	}
}

func (s *Server) startLoading(total int64) {
	s.load = loadingState{start: time.Now(), total: total}
}

// loadingProgress records progress and lets waiting clients in (they get
// -LOADING). Called under mu by the loaders.
func (s *Server) loadingProgress(loaded int64) {
	s.load.loaded = loaded
	s.mu.Unlock()
	s.mu.Lock()
}

// loadObject converts RDB values of the collection types. The types are
// being built; until they land, such files cannot be loaded.
func loadObject(l *command.Limits) persist.ObjectLoader { return command.LoadRDBObject(l) }

var _ keyspace.Type

package persist

import (
	"errors"
	"fmt"
	"io"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/rdb"
)

// LoadOptions control how an RDB image is loaded.
type LoadOptions struct {
	// Size is the number of bytes of the image (or the file), for
	// rejecting impossible lengths early; 0 if unknown.
	Size int64
	// KeepExpired keeps keys whose TTL has passed: an AOF base or preamble
	// keeps them (the AOF has their DELs), a master loading dump.rdb drops
	// them.
	KeepExpired bool
	// Now is the time expiry is judged against, unix ms.
	Now int64
	// IgnoreChecksum is rdbchecksum no.
	IgnoreChecksum bool
	// Merge lets a key replace an existing one (DEBUG RELOAD MERGE); without
	// it a duplicate key is an error, as in Redis.
	Merge bool
	// Progress, if set, is called every so often with the bytes read so
	// far; the server uses it to release its lock briefly and to report
	// loading progress.
	Progress func(offset int64)
	// Objects builds non-string values from decoded RDB values.
	Objects ObjectLoader
	// Function loads a function library from its source (a FUNCTION2
	// item); nil refuses files that hold libraries (ErrFunctions).
	Function func(code string) error
}

// ObjectLoader converts a decoded RDB value of a non-string type into a
// keyspace object (choosing the encoding by the configured thresholds).
type ObjectLoader func(k *rdb.Key) (keyspace.Object, error)

// LoadStats describes a load.
type LoadStats struct {
	Keys    int64 // keys loaded
	Expired int64 // keys skipped because their TTL had passed
	// Functions counts the function libraries loaded.
	Functions int
	Aux       map[string]string
	Version   int
	// End is the offset just after the checksum.
	End int64
	// ChecksumDisabled reports a file saved without a checksum.
	ChecksumDisabled bool
}

// ErrFunctions reports an RDB that carries functions when the loader was
// given no way to load them.
var ErrFunctions = errors.New("persist: the RDB contains functions (FUNCTION LOAD libraries), which this loader cannot load")

// ProgressInterval is how many bytes a loader reads between two calls of
// Progress, the first one included: Redis's
// loading-process-events-interval-bytes (2 MiB). A file smaller than that
// loads in one hold of the server lock, so a command that arrived before
// the load is served from the loaded dataset, as in Redis, rather than
// answered -LOADING.
const ProgressInterval = 2 << 20

// LoadRDB loads an RDB image from r into ks. The caller holds the server
// lock (Progress may release it briefly).
func LoadRDB(r io.Reader, ks *keyspace.Keyspace, opts LoadOptions) (LoadStats, error) {
	st := LoadStats{Aux: map[string]string{}}
	rd, err := rdb.NewReader(r, rdb.ReaderOptions{Size: opts.Size, Alias: true, IgnoreChecksum: opts.IgnoreChecksum})
	if err != nil {
		return st, err
	}
	st.Version = rd.Version()
	db := ks.DBs[0]
	next := int64(ProgressInterval)
	for {
		it, err := rd.Next()
		if err != nil {
			return st, err
		}
		if opts.Progress != nil && rd.Offset() >= next {
			opts.Progress(rd.Offset())
			next = rd.Offset() + ProgressInterval
		}
		switch v := it.(type) {
		case rdb.Aux:
			st.Aux[v.Key] = v.Val
		case rdb.SelectDB:
			if v.N >= uint64(len(ks.DBs)) {
				return st, &rdb.Error{Offset: rd.Offset(), Err: fmt.Errorf(
					"persist: the data file uses database %d, but this server is configured with %d databases", v.N, len(ks.DBs))}
			}
			db = ks.DBs[v.N]
		case rdb.ResizeDB:
			// A hint from the file: never trust it beyond what the file
			// could hold (a key takes at least 3 bytes: type, length, name).
			limit := uint64(1 << 20)
			if opts.Size > 0 {
				limit = uint64(opts.Size / 3)
			}
			db.Reserve(int(min(v.Keys, limit, 1<<26)))
		case rdb.Function:
			if opts.Function == nil {
				return st, ErrFunctions
			}
			if err := opts.Function(v.Code); err != nil {
				return st, &rdb.Error{Offset: rd.Offset(), Err: fmt.Errorf("persist: function library: %w", err)}
			}
			st.Functions++
		case rdb.ModuleAux:
			return st, &rdb.Error{Offset: rd.Offset(), Err: fmt.Errorf("%w: module data", rdb.ErrUnsupportedType)}
		case *rdb.Key:
			if !opts.KeepExpired && v.ExpireMs != -1 && v.ExpireMs < opts.Now {
				st.Expired++
				continue
			}
			if err := loadKey(db, v, opts); err != nil {
				return st, &rdb.Error{Offset: rd.Offset(), Err: err}
			}
			st.Keys++
		case rdb.EOF:
			st.End = rd.Offset()
			st.ChecksumDisabled = v.Checksum == 0
			return st, nil
		}
	}
}

func loadKey(db *keyspace.DB, k *rdb.Key, opts LoadOptions) error {
	if existing := db.Find(k.Key); existing != nil {
		if !opts.Merge {
			return fmt.Errorf("persist: duplicate key %q in the RDB file", k.Key)
		}
		db.Unlink(k.Key)
	}
	var e *keyspace.Entry
	if k.Type == rdb.TypeString {
		e = db.AddString(k.Key, k.Value.Str)
	} else {
		if opts.Objects == nil {
			return fmt.Errorf("persist: key %q has type %s, which this build cannot load", k.Key, rdb.TypeName(k.Type))
		}
		obj, err := opts.Objects(k)
		if err != nil {
			return fmt.Errorf("persist: key %q: %w", k.Key, err)
		}
		if obj == nil {
			return nil // an empty collection: Redis skips it with a warning
		}
		e = db.Add(k.Key, obj)
	}
	if k.ExpireMs != -1 {
		db.SetExpire(e, k.ExpireMs)
	}
	db.Keyspace().LoadedAccess(e, k.Idle, k.Freq)
	return nil
}

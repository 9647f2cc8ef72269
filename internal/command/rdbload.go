package command

import (
	"fmt"

	"github.com/vestadb/vesta/internal/keyspace"
	"github.com/vestadb/vesta/internal/rdb"
)

// LoadRDBObject returns the function that turns a decoded RDB value of a
// collection type into a keyspace object, choosing the encoding by the
// limits as Redis's loader does.
func LoadRDBObject(l *Limits) func(k *rdb.Key) (keyspace.Object, error) {
	return func(k *rdb.Key) (keyspace.Object, error) {
		if load := objectLoaders[k.Type]; load != nil {
			return load(l, k)
		}
		return nil, fmt.Errorf("%w: %s", rdb.ErrUnsupportedType, rdb.TypeName(k.Type))
	}
}

// objectLoaders maps RDB value types to constructors; each collection type
// registers its own.
var objectLoaders = map[byte]func(l *Limits, k *rdb.Key) (keyspace.Object, error){}

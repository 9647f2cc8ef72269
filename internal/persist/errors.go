package persist

import (
	"fmt"

	"github.com/vestadb/vesta/internal/keyspace"
)

func errUnsupported(e *keyspace.Entry) error {
	return fmt.Errorf("persist: cannot serialise key %q of type %s", e.Key(), e.Type())
}

package manifest

import (
	"fmt"
	"strconv"
	"strings"
)

// Name parts, as Redis builds them.
const (
	baseSuffix     = ".base"
	incrSuffix     = ".incr"
	rdbSuffix      = ".rdb"
	aofSuffix      = ".aof"
	manifestSuffix = ".manifest"
	tempPrefix     = "temp-"
)

// ManifestName returns the manifest's file name for the prefix F
// (appendfilename): "F.manifest".
func ManifestName(prefix string) string { return prefix + manifestSuffix }

// TempManifestName returns the name the manifest is written under before it
// is renamed into place: "temp-F.manifest".
func TempManifestName(prefix string) string { return tempPrefix + prefix + manifestSuffix }

// BaseName returns the name of base number seq: "F.<seq>.base.rdb" if rdb
// is set, else "F.<seq>.base.aof".
func BaseName(prefix string, seq int64, rdb bool) string {
	suffix := aofSuffix
	if rdb {
		suffix = rdbSuffix
	}
	return prefix + "." + strconv.FormatInt(seq, 10) + baseSuffix + suffix
}

// IncrName returns the name of incr number seq: "F.<seq>.incr.aof".
func IncrName(prefix string, seq int64) string {
	return prefix + "." + strconv.FormatInt(seq, 10) + incrSuffix + aofSuffix
}

// TempIncrName returns the name of the incr file written while AOF is being
// switched on and the first rewrite runs: "temp-F.incr".
func TempIncrName(prefix string) string { return tempPrefix + prefix + incrSuffix }

// isBaseName reports whether name has no '/' or '\', Redis's test for a
// file name that is not a path.
func isBaseName(name string) bool { return !strings.ContainsAny(name, "/\\\x00") }

// CheckPrefix returns an error if prefix cannot be an appendfilename: it
// must be non-empty and must not contain '/', '\' or a NUL byte.
func CheckPrefix(prefix string) error {
	if prefix == "" || !isBaseName(prefix) {
		return fmt.Errorf("%w: %q", ErrBadPrefix, prefix)
	}
	return nil
}

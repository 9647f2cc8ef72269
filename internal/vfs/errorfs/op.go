package errorfs

import "fmt"

// OpKind is the kind of an operation.
type OpKind uint8

// The kinds of operation that can fail. File-level operations carry the
// name the file was opened with as their path.
const (
	OpCreate     OpKind = iota // FS.Create
	OpOpenAppend               // FS.OpenAppend
	OpOpen                     // FS.Open
	OpRead                     // File.Read and File.ReadAt
	OpWrite                    // File.Write
	OpSync                     // File.Sync
	OpClose                    // File.Close
	OpTruncate                 // FS.Truncate and File.Truncate
	OpStat                     // FS.Stat and File.Stat
	OpReadDir                  // FS.ReadDir
	OpMkdir                    // FS.MkdirAll
	OpRename                   // FS.Rename
	OpRemove                   // FS.Remove
	OpSyncDir                  // FS.SyncDir

	numKinds
)

var kindNames = [numKinds]string{
	OpCreate:     "create",
	OpOpenAppend: "open-append",
	OpOpen:       "open",
	OpRead:       "read",
	OpWrite:      "write",
	OpSync:       "sync",
	OpClose:      "close",
	OpTruncate:   "truncate",
	OpStat:       "stat",
	OpReadDir:    "readdir",
	OpMkdir:      "mkdir",
	OpRename:     "rename",
	OpRemove:     "remove",
	OpSyncDir:    "syncdir",
}

// String returns the kind's lower-case name, as used in error messages.
func (k OpKind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("OpKind(%d)", uint8(k))
}

// IsRead reports whether the kind only reads state: Open, Read, Stat and
// ReadDir. Every other kind can change what is on disk (Close counts as a
// write, since it ends a file's writes).
func (k OpKind) IsRead() bool {
	switch k {
	case OpOpen, OpRead, OpStat, OpReadDir:
		return true
	}
	return false
}

// Op describes one operation about to be carried out.
type Op struct {
	Kind OpKind
	// Path is the name the operation is about: the file or directory, or
	// for a rename the old name.
	Path string
	// NewPath is the new name of a rename, and empty otherwise.
	NewPath string
	// Len is the buffer length of a read or write, and 0 otherwise.
	Len int
}

// String describes the operation, for test failure messages.
func (op Op) String() string {
	switch {
	case op.Kind == OpRename:
		return fmt.Sprintf("rename %s %s", op.Path, op.NewPath)
	case op.Kind == OpRead || op.Kind == OpWrite:
		return fmt.Sprintf("%s %s (%d bytes)", op.Kind, op.Path, op.Len)
	}
	return op.Kind.String() + " " + op.Path
}

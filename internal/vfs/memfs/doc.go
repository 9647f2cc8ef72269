// Package memfs is an in-memory [vfs.FS] that models what survives a power
// loss, for crash tests of Vesta's persistence code.
//
// # Durability model
//
// The model follows POSIX file systems as careful databases assume them to
// behave (ext4 and XFS with default options):
//
//   - Every file (inode) keeps two versions of its contents: the live bytes
//     that reads see, and the synced bytes, a copy taken by the last
//     successful File.Sync. Writes and truncations change only the live
//     bytes.
//   - Every directory keeps two views of its entries: the live view that
//     lookups see, and the durable view, a copy taken by the last SyncDir of
//     that directory. Create (of a new name), Rename, Remove and MkdirAll
//     change only live views. A rename is durable in a directory once that
//     directory is synced; a file renamed within one directory keeps its old
//     name after a crash until then.
//   - [FS.CrashClone] returns a new file system built only from durable
//     state: starting at the root, it follows durable views and gives every
//     reachable file its synced bytes. A file created and synced but whose
//     directory was never synced is therefore absent; a file whose name was
//     synced but whose data never was is present and empty.
//
// [FS.CrashCloneWith] can also keep a random prefix of each file's unsynced
// writes (torn writes), reproducibly from a seed. Directory changes are never
// partially applied: a rename is atomic.
//
// Files that are open when a clone is taken stay open on the original file
// system only; the clone shares nothing with it.
//
// All methods of FS and of the files it returns are safe for concurrent use.
package memfs

// Package lazyfs is a FUSE file system that loses what a power cut would
// lose, in the spirit of Jepsen's LazyFS: Vesta's power-loss tests run the
// real server binary on it, cut the power, and check what survived.
//
// # Model
//
// [Mount] reads a backing directory into memory and mounts it. While it is
// mounted, the file system keeps, like internal/vfs/memfs (the same model,
// as a real mount):
//
//   - for every file, the live bytes that reads see and the synced bytes,
//     a copy taken by the last fsync(2) or fdatasync(2) of the file. write(2),
//     truncate(2) and O_TRUNC change only the live bytes; close(2) (a FUSE
//     FLUSH) makes nothing durable;
//   - for every directory, the live entries that lookups see and the
//     durable entries, a copy taken by the last fsync(2) of the directory
//     (FUSE FSYNCDIR). Creating, renaming and removing names and mkdir
//     change only the live entries. A file created and fsynced in a
//     directory that was never fsynced is gone after a cut; a renamed file
//     has its old name until the directory is fsynced.
//
// The kernel does not cache writes (no writeback cache): every write(2)
// reaches the model before it returns, so "written to the kernel" and
// "written to lazyfs" are the same thing.
//
// [FS.PowerCut] takes, at one instant, the tree of durable entries with
// synced contents, makes every later operation fail with EIO, unmounts,
// and writes that tree into the backing directory. Mounting the backing
// directory again is the reboot. [FS.PowerCutWith] can also keep a random
// prefix of each file's unsynced changes (torn writes), reproducibly from a
// seed. [FS.Unmount] is a clean shutdown: everything written survives.
//
// [FS.SetSyncFault] makes fsync fail (EIO, say), to test how a program
// handles a failing disk: a failed sync makes nothing durable, and can also
// make the page cache forget the unsynced writes, as Linux does after a
// writeback error, so that retrying the fsync is not enough.
//
// # Limits
//
// Only regular files and directories exist: no hard links, symbolic links,
// special files or extended attributes. Ownership is not kept. A file with
// two durable names (renamed across directories, with only the target
// directory synced) becomes two files in the backing directory. Metadata
// other than names and sizes (times, modes) is not subject to the model.
// Files live in memory, twice when they have unsynced changes.
//
// Mounting needs /dev/fuse and either root (lazyfs then calls mount(2)
// itself) or fusermount.
package lazyfs

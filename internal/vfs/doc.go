// Package vfs is the file-system seam through which Vesta does all of its
// persistence I/O: the AOF, the manifest, RDB snapshots and rewrites.
//
// Everything that writes durable state takes an [FS] instead of calling the
// os package, so that tests can swap in an in-memory file system that models
// power loss (package memfs) or wrap any FS in one that injects faults
// (package errorfs). Production code uses [Default], the operating system.
//
// # Durability rules
//
// The interfaces deliberately separate the two things a crash can lose:
//
//   - File contents are durable only once [File.Sync] has returned without
//     error. On Linux, Sync is fdatasync(2); on macOS it is F_FULLFSYNC; on
//     other systems it is fsync(2).
//   - Directory entries (a created, renamed or removed name) are durable only
//     once [FS.SyncDir] on the directory holding the entry has returned
//     without error.
//
// [WriteFileAtomic] is the one helper that combines both correctly: it
// writes a temporary file in the target's directory, syncs it, closes it,
// renames it over the target and syncs the directory. Use it for every file
// that is replaced as a whole (manifest, RDB, AOF base).
//
// # Errors and logging
//
// This package never logs. Errors are returned wrapped with the failing step
// and path. A sync slower than [SlowSyncThreshold] is reported through the
// optional [OS.OnSlowSync] callback, so the server can warn once at its edge.
package vfs

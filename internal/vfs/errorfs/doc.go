// Package errorfs wraps a [vfs.FS] so that tests can make any of its
// operations fail.
//
// Every operation on the file system, and on the files it opens, is first
// described as an [Op] (its kind, its path and, for reads and writes, the
// buffer length) and shown to an [Injector]. If the injector returns an
// error, the operation is not carried out and the error is returned, wrapped
// like the os package wraps its errors (*fs.PathError, or *os.LinkError for
// a rename). Injectors should return real errno values such as
// syscall.ENOSPC or syscall.EIO, so that errors.Is works in the code under
// test exactly as it would with a real disk.
//
// Two exceptions model real system calls more closely:
//
//   - A [ShortWriteError] returned for a write makes the wrapper pass a
//     prefix of the buffer to the inner file before failing, as a write(2)
//     that hits a full disk does.
//   - Close always closes the inner file, even when an error is injected,
//     as close(2) releases the descriptor even when it reports an error.
//
// # Injectors
//
// [OnIndex] fails only the n-th matching operation, [Always] returns a
// [Switch] that fails every matching operation while it is on (a "disk full"
// switch), [Count] only counts, and [Any] combines injectors. A [Filter]
// selects operations by kind or path.
//
// # Failing at every step
//
// The wrapper counts operations per kind ([FS.Count]). A crash test first
// runs a scenario with a [Counter] to learn how many operations match a
// filter, then reruns it once per index i with OnIndex(i, filter, err),
// checking each time that the failure is reported and that recovery on a
// memfs crash clone finds a consistent state.
package errorfs

package aofcheck

import (
	"fmt"
	"path/filepath"

	"github.com/vestadb/vesta/internal/vfs"
)

// Advice returns, for each file that is not OK, a paragraph telling the
// operator what happened and what to do, in load order.
func (r *Report) Advice() []string {
	var out []string
	target := r.Path
	for i, f := range r.Files {
		if f.Status.OK() {
			continue
		}
		later := ""
		if i < len(r.Files)-1 {
			later = fmt.Sprintf(" and every later file (%d of them, which the manifest lists after it)", len(r.Files)-1-i)
		}
		switch {
		case f.Status == StatusMissing:
			out = append(out, fmt.Sprintf(
				"%s is listed in the manifest but cannot be opened (%s). Restore it from a backup of the AOF directory; without it the AOF cannot be loaded.",
				f.Name, f.Reason))
		case f.Format == FormatRDB && f.RDB != nil && !f.RDB.OK():
			out = append(out, fmt.Sprintf(
				"The RDB part of %s is damaged at offset %d (%s). It cannot be repaired by cutting: restore the file from a backup. If only this base is lost, everything in the incr files after it is lost with it.",
				f.Name, f.ErrOffset, f.Reason))
		case f.Status == StatusTruncated && f.Last:
			out = append(out, fmt.Sprintf(
				"%s ends with an incomplete record (%s), the usual result of a crash during a write: the %d bytes after offset %d were never a whole command. Cut them with \"vesta-check-aof --fix %s\" (a copy is kept in %s.broken), or start the server with aof-load-truncated yes, which cuts them too.",
				f.Name, f.Reason, f.Diff(), f.OKUpTo, target, f.Name))
		case f.Status == StatusTruncated:
			out = append(out, fmt.Sprintf(
				"%s is truncated at offset %d (%s) but is not the last file: the files after it hold writes made after the lost ones, so cutting it would silently drop acknowledged writes. Restore %s from a backup. If there is none and losing every write after offset %d of it%s is acceptable: back up the directory, cut it with \"truncate -s %d %s\", remove the later files' lines from the manifest, and run vesta-check-aof again.",
				f.Name, f.OKUpTo, f.Reason, f.Name, f.OKUpTo, later, f.OKUpTo, f.Name))
		default:
			then := ""
			if later != "" {
				then = ", then remove the later files' lines from the manifest"
			}
			out = append(out, fmt.Sprintf(
				"%s is corrupt at offset %d (%s): good up to offset %d (line %d), then %d bytes that are not valid commands. This is not the trace of an interrupted write, so those bytes may hold acknowledged writes, and vesta-check-aof --fix will not cut them. Restore the file from a backup; or inspect the damage (xxd -s %d -l 256 %s) and repair it by hand on a copy; or, if losing everything after offset %d%s is acceptable, back up the directory and cut it with \"truncate -s %d %s\"%s.",
				f.Name, f.ErrOffset, f.Reason, f.OKUpTo, f.OKUpToLine, f.Diff(), max(f.ErrOffset, 0), f.Name, f.OKUpTo, later, f.OKUpTo, f.Name, then))
		}
	}
	return out
}

// Diagnose checks the AOF directory dir (the server's dir joined with
// appenddirname) with files named from prefix (appendfilename), and
// returns lines for the server's log when loading failed: one per file
// that is not OK, then what to do. The server calls it after a failed AOF
// load, before exiting.
func Diagnose(fsys vfs.FS, dir, prefix string) []string {
	rep, err := CheckDir(fsys, dir, prefix, Options{})
	if err != nil {
		return []string{fmt.Sprintf("vesta-check-aof: %v", err)}
	}
	if rep.OK() {
		return []string{fmt.Sprintf("vesta-check-aof: every file listed in %s is valid", filepath.Base(rep.Path))}
	}
	var out []string
	for _, f := range rep.Problems() {
		out = append(out, "vesta-check-aof: "+f.String())
	}
	for _, a := range rep.Advice() {
		out = append(out, "vesta-check-aof: "+a)
	}
	return out
}

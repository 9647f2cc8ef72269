package aofcheck

import (
	"fmt"
	"io"
)

// Printer writes a Report in the shape of redis-check-aof's output, so
// that people and scripts used to it can read it. The differences: every
// file is reported even after a bad one; ok_up_to_line is the line at
// ok_up_to, counted per file; a corrupt file's verdict says that --fix
// will not cut it; and advice follows the verdicts.
type Printer struct {
	W io.Writer

	incrHeader bool
	sectioned  int // files whose section header was printed
}

// Header prints the first line.
func (p *Printer) Header(rep *Report) {
	if rep.Input == InputManifest {
		fmt.Fprintln(p.W, "Start checking Multi Part AOF")
	} else {
		fmt.Fprintln(p.W, "Start checking Old-Style AOF")
	}
}

// File prints the block of rep.Files[i]: the RDB part's report, the
// problem, the "AOF analyzed" line, and, when verdict is set, the verdict
// line. In timestamp mode a valid file gets "Truncate nothing …" instead
// of the "AOF analyzed" line, as in redis-check-aof.
func (p *Printer) File(rep *Report, i int, verdict bool) {
	f := rep.Files[i]
	w := p.W
	p.Section(rep, i)
	switch f.Status {
	case StatusMissing:
		fmt.Fprintf(w, "Cannot open file %s: %s\n", f.Name, f.Reason)
		return
	case StatusEmpty:
		if verdict {
			fmt.Fprintf(w, "%s %s is empty\n", rolePrefix(f.Role), f.Name)
		}
		return
	}
	if f.RDB != nil {
		f.RDB.WriteTo(w)
		if !f.RDB.OK() {
			fmt.Fprintf(w, "RDB preamble of AOF file %s is not sane.\n", f.Name)
			if verdict {
				fmt.Fprintf(w, "AOF %s is not valid: its RDB part is damaged, which --fix cannot repair.\n", f.Name)
			}
			return
		}
		fmt.Fprintln(w, "RDB preamble is OK, proceeding with AOF tail...")
	}
	if f.ErrOffset >= 0 && f.Reason != "" {
		fmt.Fprintf(w, "0x%16x: %s\n", f.ErrOffset, f.Reason)
	}
	if rep.Timestamp != 0 && f.Status == StatusValid && f.TSCut < 0 {
		fmt.Fprintf(w, "Truncate nothing in AOF %s to timestamp %d\n", f.Name, rep.Timestamp)
	} else if rep.Timestamp == 0 || !f.Status.OK() {
		fmt.Fprintf(w, "AOF analyzed: filename=%s, size=%d, ok_up_to=%d, ok_up_to_line=%d, diff=%d\n",
			f.Name, f.Size, f.OKUpTo, f.OKUpToLine, f.Diff())
	}
	if !verdict || f.TSCut >= 0 {
		return
	}
	switch {
	case f.Status.OK():
		fmt.Fprintf(w, "%s %s is valid\n", rolePrefix(f.Role), f.Name)
	case f.Status == StatusTruncated && f.Last:
		fmt.Fprintf(w, "AOF %s is not valid. Use the --fix option to try fixing it.\n", f.Name)
	case f.Status == StatusTruncated:
		fmt.Fprintf(w, "AOF %s is not valid: it is truncated but is not the last file, which --fix cannot repair.\n", f.Name)
	default:
		fmt.Fprintf(w, "AOF %s is not valid: it is corrupt at offset %d, which is not the trace of an interrupted write; --fix will not cut it.\n", f.Name, f.ErrOffset)
	}
}

// Section prints the line that introduces rep.Files[i] ("Start to check
// BASE AOF (RDB format).", or "Start to check INCR files." before the
// first incr file), once. File calls it.
func (p *Printer) Section(rep *Report, i int) {
	if i < p.sectioned {
		return
	}
	p.sectioned = i + 1
	f := rep.Files[i]
	switch f.Role {
	case RoleBase:
		format := "RESP"
		if f.Format == FormatRDB {
			format = "RDB"
		}
		fmt.Fprintf(p.W, "Start to check BASE AOF (%s format).\n", format)
	case RoleIncr:
		if !p.incrHeader {
			fmt.Fprintln(p.W, "Start to check INCR files.")
			p.incrHeader = true
		}
	}
}

// Footer prints the closing line: "All AOF files and manifest are valid"
// when every file is OK, else the advice for each problem.
func (p *Printer) Footer(rep *Report) {
	if rep.OK() {
		if rep.Input == InputManifest {
			fmt.Fprintln(p.W, "All AOF files and manifest are valid")
		}
		return
	}
	fmt.Fprintln(p.W, "--- AOF PROBLEMS DETECTED ---")
	for _, a := range rep.Advice() {
		fmt.Fprintln(p.W, a)
	}
}

func rolePrefix(r Role) string {
	switch r {
	case RoleBase:
		return "BASE AOF"
	case RoleIncr:
		return "INCR AOF"
	}
	return "AOF"
}

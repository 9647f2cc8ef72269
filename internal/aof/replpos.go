package aof

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/vestadb/vesta/internal/vfs"
)

// The replication position file (a Vesta-only sidecar of the AOF
// directory, docs/FORMAT.md "AOF replication position"): written at a
// clean shutdown after the AOF's final fsync, it records the replication
// id, offset and stream database that the AOF's content corresponds to,
// and stamps of the files the manifest lists (name, size, hash of the
// last bytes) that pin "nothing was appended or rewritten after this
// point". At startup it is trusted only when the stamps match the files
// exactly; it is removed before anything is appended again. Redis reads
// only the files its manifest lists, so the extra file does not disturb
// it.

// ReplPosSuffix follows appendfilename in the position file's name.
const ReplPosSuffix = ".vesta-repl"

// replPosMagic is the first line of the file, with its version.
const replPosMagic = "vesta-aof-repl 1"

// stampTail is how many bytes at the end of each file are hashed.
const stampTail = 64 << 10

// FileStamp identifies one file of the AOF in the state it had when the
// position was recorded.
type FileStamp struct {
	Name string
	Size int64
	Tail string // hex SHA-256 of the last min(Size, 64 KiB) bytes
}

// ReplPos is the replication position recorded for the AOF's content.
type ReplPos struct {
	ID       string // 40 hex characters
	Offset   int64
	StreamDB int64
	Files    []FileStamp // the manifest's base and incr files, in order
}

// ReplPosPath is the path of the position file.
func (d *Dir) ReplPosPath() string { return d.File(d.Prefix + ReplPosSuffix) }

// Stamps returns the stamps of the files the manifest lists (base, then
// incr files), as they are now.
func (d *Dir) Stamps() ([]FileStamp, error) {
	plan, _, err := d.Plan()
	if err != nil {
		return nil, err
	}
	out := make([]FileStamp, 0, len(plan))
	for _, p := range plan {
		tail, err := d.tailHash(p.Path, p.Size)
		if err != nil {
			return nil, err
		}
		out = append(out, FileStamp{Name: p.Name, Size: p.Size, Tail: tail})
	}
	return out, nil
}

func (d *Dir) tailHash(path string, size int64) (string, error) {
	f, err := d.FS.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	n := min(size, stampTail)
	buf := make([]byte, n)
	if m, err := f.ReadAt(buf, size-n); m < len(buf) {
		return "", fmt.Errorf("aof: reading the end of %s: %w", path, err)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:]), nil
}

// Marshal encodes the position: one field a line, the file stamps, and a
// last line with the SHA-256 of every line before it.
func (p ReplPos) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(replPosMagic + "\n")
	fmt.Fprintf(&b, "repl-id %s\n", p.ID)
	fmt.Fprintf(&b, "repl-offset %d\n", p.Offset)
	fmt.Fprintf(&b, "repl-stream-db %d\n", p.StreamDB)
	for _, f := range p.Files {
		fmt.Fprintf(&b, "file %s %d %s\n", strconv.Quote(f.Name), f.Size, f.Tail)
	}
	sum := sha256.Sum256(b.Bytes())
	fmt.Fprintf(&b, "checksum %s\n", hex.EncodeToString(sum[:]))
	return b.Bytes()
}

// ErrReplPos wraps every reason a position file is not valid.
var ErrReplPos = errors.New("invalid AOF replication position file")

func posErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrReplPos, fmt.Sprintf(format, args...))
}

// ParseReplPos decodes a position file, checking its checksum and every
// field.
func ParseReplPos(data []byte) (ReplPos, error) {
	var p ReplPos
	if len(data) > 1<<20 {
		return p, posErr("%d bytes, too large", len(data))
	}
	i := bytes.LastIndex(data, []byte("checksum "))
	if i < 0 || (i > 0 && data[i-1] != '\n') {
		return p, posErr("no checksum line")
	}
	body, last := data[:i], strings.TrimSuffix(string(data[i+len("checksum "):]), "\n")
	sum := sha256.Sum256(body)
	if last != hex.EncodeToString(sum[:]) {
		return p, posErr("checksum mismatch")
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	line := 0
	seen := map[string]bool{}
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			if text != replPosMagic {
				return p, posErr("unknown header %q", text)
			}
			continue
		}
		key, val, _ := strings.Cut(text, " ")
		if key != "file" && seen[key] {
			return p, posErr("line %d: %s given twice", line, key)
		}
		seen[key] = true
		var err error
		switch key {
		case "repl-id":
			if len(val) != 40 || strings.Trim(val, "0123456789abcdef") != "" {
				return p, posErr("line %d: bad replication id %q", line, val)
			}
			p.ID = val
		case "repl-offset":
			p.Offset, err = strconv.ParseInt(val, 10, 64)
			if err != nil || p.Offset < 0 {
				return p, posErr("line %d: bad offset %q", line, val)
			}
		case "repl-stream-db":
			p.StreamDB, err = strconv.ParseInt(val, 10, 64)
			if err != nil || p.StreamDB < 0 || p.StreamDB > 1<<31-1 {
				return p, posErr("line %d: bad stream database %q", line, val)
			}
		case "file":
			f, err := parseStamp(val)
			if err != nil {
				return p, posErr("line %d: %v", line, err)
			}
			p.Files = append(p.Files, f)
		default:
			return p, posErr("line %d: unknown field %q", line, key)
		}
	}
	if err := sc.Err(); err != nil {
		return p, posErr("line %d: %v", line+1, err)
	}
	if line == 0 {
		return p, posErr("empty")
	}
	if !seen["repl-id"] || !seen["repl-offset"] || !seen["repl-stream-db"] || len(p.Files) == 0 {
		return p, posErr("a field is missing")
	}
	return p, nil
}

func parseStamp(val string) (FileStamp, error) {
	var f FileStamp
	name, err := strconv.QuotedPrefix(val)
	if err != nil {
		return f, fmt.Errorf("bad file name in %q", val)
	}
	if f.Name, err = strconv.Unquote(name); err != nil || f.Name == "" || strings.ContainsAny(f.Name, "/\\\x00") {
		return f, fmt.Errorf("bad file name %s", name)
	}
	rest := strings.Fields(val[len(name):])
	if len(rest) != 2 {
		return f, fmt.Errorf("bad file stamp %q", val)
	}
	if f.Size, err = strconv.ParseInt(rest[0], 10, 64); err != nil || f.Size < 0 {
		return f, fmt.Errorf("bad file size %q", rest[0])
	}
	if len(rest[1]) != 64 || strings.Trim(rest[1], "0123456789abcdef") != "" {
		return f, fmt.Errorf("bad file hash %q", rest[1])
	}
	f.Tail = rest[1]
	return f, nil
}

// WriteReplPos records p durably (temp file, fsync, rename, fsync the
// directory).
func (d *Dir) WriteReplPos(p ReplPos) error {
	return vfs.WriteFileAtomic(d.FS, d.ReplPosPath(), p.Marshal())
}

// ReadReplPos reads and decodes the position file; an absent file gives
// an error that matches fs.ErrNotExist.
func (d *Dir) ReadReplPos() (ReplPos, error) {
	f, err := d.FS.Open(d.ReplPosPath())
	if err != nil {
		return ReplPos{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return ReplPos{}, err
	}
	return ParseReplPos(data)
}

// RemoveReplPos removes the position file durably (remove, fsync the
// directory); an absent file is fine.
func (d *Dir) RemoveReplPos() error {
	if err := d.FS.Remove(d.ReplPosPath()); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	return d.FS.SyncDir(d.Path())
}

// CheckReplPos reports why p does not describe the AOF as it is now (nil
// when it does): the manifest must list exactly the files p stamped, each
// with the same size and the same last bytes.
func (d *Dir) CheckReplPos(p ReplPos) error {
	now, err := d.Stamps()
	if err != nil {
		return posErr("stamping the AOF files: %v", err)
	}
	if len(now) != len(p.Files) {
		return posErr("the manifest lists %d files, the position was recorded with %d", len(now), len(p.Files))
	}
	for i, f := range p.Files {
		g := now[i]
		switch {
		case g.Name != f.Name:
			return posErr("file %d is %s, the position was recorded with %s", i+1, g.Name, f.Name)
		case g.Size != f.Size:
			return posErr("%s has %d bytes, the position was recorded at %d", g.Name, g.Size, f.Size)
		case g.Tail != f.Tail:
			return posErr("the last bytes of %s changed since the position was recorded", g.Name)
		}
	}
	return nil
}

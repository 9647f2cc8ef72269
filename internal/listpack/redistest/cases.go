package redistest

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Case is one fixture: commands run on an empty database, then the key
// dumped, with the RDB type and blobs Redis produced.
type Case struct {
	Name  string
	Cmds  [][]string
	Key   string
	Type  byte
	Blobs [][]byte
}

// File is a fixture file: a leading comment block and cases.
//
// Syntax, one item per line:
//
//	# comment (only before the first case)
//	case NAME
//	cmd ARG ARG ...        (a command; see ExpandArg for argument syntax)
//	dump KEY
//	type N                 (filled in by Redis)
//	blob HEX               (filled in by Redis, one line per blob)
//	end
type File struct {
	Comment []string
	Cases   []Case
}

// ExpandArg turns a fixture argument token into the argument bytes:
// "@empty" is the empty string, "@S*N" is S repeated N times, and anything
// else is itself.
func ExpandArg(tok string) string {
	if tok == "@empty" {
		return ""
	}
	if strings.HasPrefix(tok, "@") {
		if i := strings.LastIndexByte(tok, '*'); i > 0 {
			if n, err := strconv.Atoi(tok[i+1:]); err == nil {
				return strings.Repeat(tok[1:i], n)
			}
		}
	}
	return tok
}

// ReadFile parses a fixture file.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := &File{}
	var cur *Case
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		if strings.HasPrefix(line, "#") {
			if cur == nil && len(f.Cases) == 0 {
				f.Comment = append(f.Comment, line)
			}
			continue
		}
		if cur == nil && word != "case" {
			return nil, fmt.Errorf("%s:%d: %q outside a case", path, ln, word)
		}
		switch word {
		case "case":
			if cur != nil {
				return nil, fmt.Errorf("%s:%d: case inside a case", path, ln)
			}
			f.Cases = append(f.Cases, Case{Name: rest})
			cur = &f.Cases[len(f.Cases)-1]
		case "cmd":
			cur.Cmds = append(cur.Cmds, strings.Fields(rest))
		case "dump":
			cur.Key = rest
		case "type":
			n, err := strconv.Atoi(rest)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, ln, err)
			}
			cur.Type = byte(n)
		case "blob":
			b, err := hex.DecodeString(rest)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, ln, err)
			}
			cur.Blobs = append(cur.Blobs, b)
		case "end":
			cur = nil
		default:
			return nil, fmt.Errorf("%s:%d: unknown word %q", path, ln, word)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cur != nil {
		return nil, fmt.Errorf("%s: case %q has no end", path, cur.Name)
	}
	return f, nil
}

// WriteFile writes a fixture file in the syntax ReadFile reads.
func WriteFile(path string, f *File) error {
	var b bytes.Buffer
	for _, c := range f.Comment {
		fmt.Fprintln(&b, c)
	}
	for _, c := range f.Cases {
		fmt.Fprintf(&b, "\ncase %s\n", c.Name)
		for _, cmd := range c.Cmds {
			fmt.Fprintf(&b, "cmd %s\n", strings.Join(cmd, " "))
		}
		fmt.Fprintf(&b, "dump %s\n", c.Key)
		if c.Type != 0 {
			fmt.Fprintf(&b, "type %d\n", c.Type)
		}
		for _, blob := range c.Blobs {
			fmt.Fprintf(&b, "blob %x\n", blob)
		}
		fmt.Fprintln(&b, "end")
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// Record runs every case of f against s (FLUSHALL first) and stores the
// type and blobs Redis dumps for the case's key.
func Record(s *Server, f *File) error {
	for i := range f.Cases {
		c := &f.Cases[i]
		if _, err := s.Do("FLUSHALL"); err != nil {
			return err
		}
		for _, cmd := range c.Cmds {
			args := make([]string, len(cmd))
			for j, tok := range cmd {
				args[j] = ExpandArg(tok)
			}
			if _, err := s.Do(args...); err != nil {
				return fmt.Errorf("case %s: %s: %w", c.Name, cmd[0], err)
			}
		}
		typ, blobs, err := s.Dump(c.Key)
		if err != nil {
			return fmt.Errorf("case %s: %w", c.Name, err)
		}
		c.Type, c.Blobs = typ, blobs
	}
	return nil
}

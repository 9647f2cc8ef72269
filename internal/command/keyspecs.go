package command

import "slices"

// KeyPositions returns the argument indexes of the keys in args, found with
// the command's key specs the way Redis's getKeysUsingKeySpecs does. Key
// specs flagged INCOMPLETE may miss keys, as in Redis, and specs flagged
// not_key (the shard channels of SSUBSCRIBE and SPUBLISH, which name slots
// but are no keys) are skipped.
func (s *Spec) KeyPositions(args [][]byte) []int {
	var out []int
	if s.GetKeys != nil {
		for _, k := range s.GetKeys(args) {
			out = append(out, k.Pos)
		}
		return out
	}
	argc := len(args)
	for _, ks := range s.KeySpecs {
		if slices.Contains(ks.Flags, "not_key") {
			continue
		}
		first := 0
		switch ks.BeginSearch {
		case "index":
			first = ks.Index
		case "keyword":
			start, end, step := ks.StartFrom, argc-1, 1
			if ks.StartFrom < 0 {
				start, end, step = argc+ks.StartFrom, 0, -1
			}
			found := false
			for i := start; i >= 0 && i < argc && (step > 0 && i <= end || step < 0 && i >= end); i += step {
				if EqFold(args[i], ks.Keyword) {
					first = i + 1
					found = true
					break
				}
			}
			if !found {
				continue
			}
		default:
			continue
		}
		if first >= argc {
			continue
		}
		switch ks.FindKeys {
		case "range":
			last := 0
			if ks.LastKey >= 0 {
				last = first + ks.LastKey
			} else if ks.Limit <= 1 {
				last = argc + ks.LastKey
			} else {
				last = first + (argc-first)/ks.Limit + ks.LastKey
			}
			step := max(ks.KeyStep, 1)
			for i := first; i <= last && i < argc; i += step {
				out = append(out, i)
			}
		case "keynum":
			if first+ks.KeyNumIdx >= argc {
				continue
			}
			n, ok := ParseInt(args[first+ks.KeyNumIdx])
			if !ok || n < 0 {
				continue
			}
			start := first + ks.FirstKey
			step := max(ks.KeyStep, 1)
			for i := int64(0); i < n && start+int(i)*step < argc; i++ {
				out = append(out, start+int(i)*step)
			}
		}
	}
	return out
}

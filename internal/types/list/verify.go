package list

import (
	"fmt"

	"github.com/vestadb/vesta/internal/listpack"
)

// Verify checks the list's internal consistency: every node is non-empty,
// every packed node is a valid listpack whose length is the node's count,
// compressed nodes inflate to their recorded size, and the element count is
// the sum of the node counts. Tests and debugging tools use it.
func (l *List) Verify() error {
	total := 0
	if int(l.head)+int(l.n) > len(l.buf) || l.head < 0 || l.n < 0 {
		return fmt.Errorf("list: node window [%d,+%d) outside %d slots", l.head, l.n, len(l.buf))
	}
	for i := range l.nodes() {
		nd := &l.nodes()[i]
		data := nd.data
		if nd.compressed() {
			if len(data) < 4 {
				return fmt.Errorf("list: node %d: compressed data too short", i)
			}
			raw, err := inflateChecked(nd)
			if err != nil {
				return fmt.Errorf("list: node %d: %w", i, err)
			}
			data = raw
		}
		if nd.count == 0 {
			return fmt.Errorf("list: node %d is empty", i)
		}
		if nd.plain() {
			if nd.count != 1 {
				return fmt.Errorf("list: plain node %d has count %d", i, nd.count)
			}
		} else {
			if err := listpack.Validate(data, true, false); err != nil {
				return fmt.Errorf("list: node %d: %w", i, err)
			}
			if n := listpack.Listpack(data).Len(); n != int(nd.count) {
				return fmt.Errorf("list: node %d holds %d entries, count says %d", i, n, nd.count)
			}
		}
		total += int(nd.count)
	}
	if total != l.count {
		return fmt.Errorf("list: nodes hold %d elements, count says %d", total, l.count)
	}
	return nil
}

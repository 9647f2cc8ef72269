package rdb

import (
	"encoding/binary"
	"fmt"
	"math"
)

// readKey reads the key name and the value of type t.
func (r *Reader) readKey(t byte) (Item, error) {
	name, err := r.readString()
	if err != nil {
		return nil, r.fail(fmt.Errorf("key name (%s): %w", TypeName(t), err))
	}
	var k *Key
	if r.opts.Alias {
		k = &r.key
		v := &k.Value
		*v = Value{
			Elems:      v.Elems[:0],
			Scores:     v.Scores[:0],
			Values:     v.Values[:0],
			Nodes:      v.Nodes[:0],
			Containers: v.Containers[:0],
		}
	} else {
		k = new(Key)
	}
	k.DB, k.Type, k.Key = r.db, t, name
	k.ExpireMs, k.Idle, k.Freq = r.expire, r.idle, r.freq
	r.expire, r.idle, r.freq = -1, -1, -1

	if err := r.readValue(k); err != nil {
		if r.pending != pendingNone {
			return k, &Error{Offset: r.Offset(), Err: fmt.Errorf("key %q: %w", name, err)}
		}
		return nil, r.fail(fmt.Errorf("value of key %q (%s): %w", name, TypeName(t), err))
	}
	return k, nil
}

// readValue decodes the value of k.Type into k.Value.
func (r *Reader) readValue(k *Key) error {
	v := &k.Value
	switch k.Type {
	case TypeString:
		s, err := r.readString()
		v.Str = s
		return err

	case TypeList, TypeSet:
		n, pre, err := r.readCount(1)
		if err != nil {
			return err
		}
		v.Elems = grow(v.Elems, pre)
		for range n {
			s, err := r.readString()
			if err != nil {
				return err
			}
			v.Elems = append(v.Elems, s)
		}

	case TypeZSet, TypeZSet2:
		minBytes := uint64(2)
		if k.Type == TypeZSet2 {
			minBytes = 9
		}
		n, pre, err := r.readCount(minBytes)
		if err != nil {
			return err
		}
		v.Elems = grow(v.Elems, pre)
		v.Scores = grow(v.Scores, pre)
		for range n {
			s, err := r.readString()
			if err != nil {
				return err
			}
			var score float64
			if k.Type == TypeZSet2 {
				b, err := r.next(8)
				if err != nil {
					return err
				}
				score = math.Float64frombits(binary.LittleEndian.Uint64(b))
			} else if score, err = r.readTextDouble(); err != nil {
				return err
			}
			if math.IsNaN(score) {
				return fmt.Errorf("%w: zset member %q has a NaN score", ErrCorrupt, s)
			}
			v.Elems = append(v.Elems, s)
			v.Scores = append(v.Scores, score)
		}

	case TypeHash:
		n, pre, err := r.readCount(2)
		if err != nil {
			return err
		}
		v.Elems = grow(v.Elems, pre)
		v.Values = grow(v.Values, pre)
		for range n {
			f, err := r.readString()
			if err != nil {
				return err
			}
			val, err := r.readString()
			if err != nil {
				return err
			}
			v.Elems = append(v.Elems, f)
			v.Values = append(v.Values, val)
		}

	case TypeHashZipmap, TypeListZiplist, TypeSetIntset, TypeZSetZiplist,
		TypeHashZiplist, TypeHashListpack, TypeZSetListpack:
		b, err := r.readString()
		v.Blob = b
		return err

	case TypeListQuicklist, TypeListQuicklist2:
		minBytes := uint64(2)
		if k.Type == TypeListQuicklist2 {
			minBytes = 3
		}
		n, pre, err := r.readCount(minBytes)
		if err != nil {
			return err
		}
		v.Nodes = grow(v.Nodes, pre)
		if k.Type == TypeListQuicklist2 {
			v.Containers = grow(v.Containers, pre)
		}
		for i := range n {
			if k.Type == TypeListQuicklist2 {
				c, err := r.readLen()
				if err != nil {
					return err
				}
				if c != uint64(ContainerPlain) && c != uint64(ContainerPacked) {
					return fmt.Errorf("%w: quicklist node %d has container %d", ErrCorrupt, i, c)
				}
				v.Containers = append(v.Containers, byte(c))
			}
			node, err := r.readString()
			if err != nil {
				return err
			}
			if len(node) == 0 {
				return fmt.Errorf("%w: quicklist node %d is empty", ErrCorrupt, i)
			}
			v.Nodes = append(v.Nodes, node)
		}

	case TypeStreamListpacks, TypeStreamListpacks2:
		s, err := r.readStream(k.Type == TypeStreamListpacks2)
		v.Stream = s
		return err
	case TypeModule, TypeModule2:
		id, err := r.readLen()
		if err != nil {
			return err
		}
		r.pending, r.pendKey = pendingModule2, k.Key
		if k.Type == TypeModule {
			r.pending = pendingModule1
		}
		return fmt.Errorf("%w: %s value of module %q", ErrUnsupportedType, TypeName(k.Type), ModuleName(id))

	default:
		return fmt.Errorf("%w: unknown value type %d", ErrCorrupt, k.Type)
	}
	return nil
}

// readTextDouble reads an old-style text double.
func (r *Reader) readTextDouble() (float64, error) {
	n, err := r.readByte()
	if err != nil {
		return 0, err
	}
	switch n {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	b, err := r.next(int(n))
	if err != nil {
		return 0, err
	}
	return parseTextDouble(b)
}

// grow makes room for n more elements.
func grow[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	return append(s[:len(s):len(s)], make([]T, n)...)[:len(s)]
}

// Writers for the two files `oracle gen` produces: the scene (YAML) and the
// expected trace (JSON Lines in the shape of `mapviz run --format jsonl
// --every op --state full`, DESIGN.md "Headless output contract").
package main

import (
	"fmt"
	"strconv"
)

const hexdigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way mapviz writes one:
// `"` and `\` escaped with a backslash, bytes below 0x20 and 0x7f as \u00xx
// (lowercase hex), every other byte (valid UTF-8 included) as is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20 || c == 0x7f:
			b = append(b, '\\', 'u', '0', '0', hexdigits[c>>4], hexdigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendYAMLString appends s as a YAML double-quoted scalar for a scene:
// `"` and `\` escaped, tab, newline and carriage return as \t \n \r, other
// control bytes (and 0x7f) as \xNN, UTF-8 as is, and every `$` doubled
// because scene strings are templates in which `$` starts a variable.
func appendYAMLString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20 || c == 0x7f:
			b = append(b, '\\', 'x', hexdigits[c>>4], hexdigits[c&15])
		case c == '$':
			b = append(b, '$', '$')
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendKey appends a key as JSON (yaml=false) or as a YAML scalar.
func appendKey[K Key](b []byte, k K, yaml bool) []byte {
	switch v := interface{}(k).(type) {
	case int64:
		return strconv.AppendInt(b, v, 10)
	case string:
		if yaml {
			return appendYAMLString(b, v)
		}
		return appendJSONString(b, v)
	}
	panic("unreachable")
}

// appendHash appends a 64-bit hash as 0x + 16 lowercase hex digits.
func appendHash(b []byte, h uint64) []byte {
	return append(b, fmt.Sprintf("0x%016x", h)...)
}

// appendChains appends an array of chains (STATE.buckets / oldbuckets).
func appendChains[K Key](b []byte, chains [][]bucketState[K]) []byte {
	b = append(b, '[')
	for ci, chain := range chains {
		if ci > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for bi := range chain {
			bk := &chain[bi]
			if bi > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"tophash":[`...)
			for i, t := range bk.tophash {
				if i > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendUint(b, uint64(t), 10)
			}
			b = append(b, `],"keys":[`...)
			for i := range bk.keys {
				if i > 0 {
					b = append(b, ',')
				}
				if bk.tophash[i] >= minTopHash {
					b = appendKey(b, bk.keys[i], false)
				} else {
					b = append(b, "null"...)
				}
			}
			b = append(b, `],"values":[`...)
			for i := range bk.vals {
				if i > 0 {
					b = append(b, ',')
				}
				if bk.tophash[i] >= minTopHash {
					b = strconv.AppendInt(b, bk.vals[i], 10)
				} else {
					b = append(b, "null"...)
				}
			}
			b = append(b, "]}"...)
		}
		b = append(b, ']')
	}
	return append(b, ']')
}

// appendState appends STATE for --state full.
func appendState[K Key](b []byte, s *mapState[K]) []byte {
	b = append(b, `{"count":`...)
	b = strconv.AppendInt(b, int64(s.count), 10)
	b = append(b, `,"B":`...)
	b = strconv.AppendUint(b, uint64(s.B), 10)
	b = append(b, `,"flags":`...)
	b = strconv.AppendUint(b, uint64(s.flags), 10)
	b = append(b, `,"noverflow":`...)
	b = strconv.AppendUint(b, uint64(s.noverflow), 10)
	b = append(b, `,"hash0":`...)
	b = strconv.AppendUint(b, uint64(s.hash0), 10)
	b = append(b, `,"nevacuate":`...)
	b = strconv.AppendUint(b, uint64(s.nevacuate), 10)
	b = append(b, `,"buckets":`...)
	b = appendChains(b, s.buckets) // nil array prints as []
	b = append(b, `,"oldbuckets":`...)
	if s.growing {
		b = appendChains(b, s.oldbuckets)
	} else {
		b = append(b, "null"...)
	}
	return append(b, '}')
}

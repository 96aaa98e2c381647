// Writers for the files `oracle-swiss gen` produces: the scene (YAML) and
// the expected trace (JSON Lines in the shape of `mapviz run --format jsonl
// --every op --state full`, DESIGN.md "Headless output contract", with the
// swiss STATE of the brief).
package main

import (
	"fmt"
	"strconv"
)

const hexdigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way mapviz writes one:
// `"` and `\` escaped with a backslash, bytes below 0x20 and 0x7f as \u00xx
// (lowercase hex; NUL is \u0000), every other byte (UTF-8) as is.
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
// control bytes (NUL and 0x7f included) as \xNN, UTF-8 as is, and every `$`
// doubled because scene strings are templates in which `$` starts a
// variable (as the classic oracle writes them).
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
	switch v := any(k).(type) {
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

// appendGroup appends GROUP: {"ctrl":[8],"keys":[8],"values":[8]}, key and
// value null unless the slot is full (ctrl < 0x80).
func appendGroup[K Key](b []byte, g *groupState[K]) []byte {
	b = append(b, `{"ctrl":[`...)
	for i, c := range g.ctrl {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(c), 10)
	}
	b = append(b, `],"keys":[`...)
	for i := range g.keys {
		if i > 0 {
			b = append(b, ',')
		}
		if isFull(g.ctrl[i]) {
			b = appendKey(b, g.keys[i], false)
		} else {
			b = append(b, "null"...)
		}
	}
	b = append(b, `],"values":[`...)
	for i := range g.vals {
		if i > 0 {
			b = append(b, ',')
		}
		if isFull(g.ctrl[i]) {
			b = strconv.AppendInt(b, g.vals[i], 10)
		} else {
			b = append(b, "null"...)
		}
	}
	return append(b, "]}"...)
}

// appendState appends the swiss STATE (--state full):
// {"engine":"swiss","used","globalDepth","writing","tombstonePossible",
// "clearSeq","small":null|GROUP,"directory":[...],"tables":[TABLE...]}.
func appendState[K Key](b []byte, s *mapState[K]) []byte {
	b = append(b, `{"engine":"swiss","used":`...)
	b = strconv.AppendUint(b, s.used, 10)
	b = append(b, `,"globalDepth":`...)
	b = strconv.AppendUint(b, uint64(s.globalDepth), 10)
	b = append(b, `,"writing":`...)
	b = strconv.AppendUint(b, uint64(s.writing), 10)
	b = append(b, `,"tombstonePossible":`...)
	b = strconv.AppendBool(b, s.tombstonePossible)
	b = append(b, `,"clearSeq":`...)
	b = strconv.AppendUint(b, s.clearSeq, 10)
	b = append(b, `,"small":`...)
	if s.small != nil {
		b = appendGroup(b, s.small)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"directory":[`...)
	for i, d := range s.directory {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(d), 10)
	}
	b = append(b, `],"tables":[`...)
	for i, t := range s.tables {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"index":`...)
		b = strconv.AppendInt(b, int64(t.index), 10)
		b = append(b, `,"localDepth":`...)
		b = strconv.AppendUint(b, uint64(t.localDepth), 10)
		b = append(b, `,"capacity":`...)
		b = strconv.AppendUint(b, uint64(t.capacity), 10)
		b = append(b, `,"used":`...)
		b = strconv.AppendUint(b, uint64(t.used), 10)
		b = append(b, `,"growthLeft":`...)
		b = strconv.AppendUint(b, uint64(t.growthLeft), 10)
		b = append(b, `,"groups":[`...)
		for gi := range t.groups {
			if gi > 0 {
				b = append(b, ',')
			}
			b = appendGroup(b, &t.groups[gi])
		}
		b = append(b, "]}"...)
	}
	return append(b, "]}"...)
}

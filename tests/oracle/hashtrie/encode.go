// String writers for the files `oracle-hashtrie gen` produces (the same
// spellings as tests/oracle/swiss/encode.go, so mapviz reads the scenes'
// strings and writes its JSON the same way for both oracles).
package main

import "fmt"

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
// variable.
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

// appendHex appends s's bytes as lowercase hex (the replay file's keys).
func appendHex(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		b = append(b, hexdigits[s[i]>>4], hexdigits[s[i]&15])
	}
	return b
}

// appendHash appends a 64-bit hash as 0x + 16 lowercase hex digits.
func appendHash(b []byte, h uint64) []byte {
	return append(b, fmt.Sprintf("0x%016x", h)...)
}

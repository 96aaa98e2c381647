// A small JSON reader for traces, copied from the classic oracle's
// ../jsonscan.go (this module builds on its own).  A full-state trace of a
// map with several 1024-slot tables is 50-200 KB per op and tens of MB per
// run; encoding/json with reflection needs seconds for that, this needs a
// fraction of one.  It reads exactly the JSON grammar (RFC 8259) but builds
// nothing generic: callers walk objects and arrays with callbacks and get
// scalars in the canonical form of type scalar.
package main

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads one JSON text held in memory.
type scanner struct {
	b   []byte
	pos int
}

var errSyntax = errors.New("JSON syntax error")

func (s *scanner) fail(what string) error {
	near := s.b[s.pos:]
	if len(near) > 40 {
		near = near[:40]
	}
	return fmt.Errorf("%w at byte %d: %s (near %q)", errSyntax, s.pos, what, near)
}

func (s *scanner) ws() {
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos < len(s.b) {
		return s.b[s.pos]
	}
	return 0
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		return s.fail(fmt.Sprintf("expected %q", c))
	}
	s.pos++
	return nil
}

func (s *scanner) literal(word string) error {
	if len(s.b)-s.pos < len(word) || string(s.b[s.pos:s.pos+len(word)]) != word {
		return s.fail("bad literal")
	}
	s.pos += len(word)
	return nil
}

// str reads a string and returns its decoded bytes.
func (s *scanner) str() (string, error) {
	if err := s.expect('"'); err != nil {
		return "", err
	}
	start := s.pos
	// Fast path: no escapes.
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		if c == '"' {
			s.pos++
			return string(s.b[start : s.pos-1]), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", s.fail("control byte in a string")
		}
		s.pos++
	}
	out := append([]byte(nil), s.b[start:s.pos]...)
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case c == '"':
			s.pos++
			return string(out), nil
		case c < 0x20:
			return "", s.fail("control byte in a string")
		case c != '\\':
			out = append(out, c)
			s.pos++
			continue
		}
		if s.pos+1 >= len(s.b) {
			break
		}
		e := s.b[s.pos+1]
		s.pos += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return "", s.fail("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if s.pos+1 < len(s.b) && s.b[s.pos] == '\\' && s.b[s.pos+1] == 'u' {
					s.pos += 2
					r2, _ = s.hex4()
				}
				r = utf16.DecodeRune(r, r2)
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", s.fail("bad escape")
		}
	}
	return "", s.fail("unterminated string")
}

func (s *scanner) hex4() (rune, bool) {
	if s.pos+4 > len(s.b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(s.b[s.pos:s.pos+4]), 16, 32)
	s.pos += 4
	return rune(n), err == nil
}

// number reads a number and returns its text.
func (s *scanner) number() (string, error) {
	start := s.pos
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.pos++
			continue
		}
		break
	}
	if s.pos == start {
		return "", s.fail("expected a value")
	}
	return string(s.b[start:s.pos]), nil
}

// scalar is a JSON scalar in a canonical form, so that equal values
// compare equal (==) however they were written: 1 and 1.0e0 are the same
// integer, "\u000a" and "\n" the same string.
type scalar struct {
	kind byte   // 0 absent, 'z' null, 'b' boolean, 'i' integer, 'x' other number, 's' string
	n    int64  // 'b': 0 or 1; 'i': the value
	s    string // 's': the decoded string; 'x': the number's text
}

// String renders a scalar for a diff: strings Go-quoted, so control bytes
// are visible.
func (v scalar) String() string {
	switch v.kind {
	case 0:
		return "(absent)"
	case 'z':
		return "null"
	case 'b':
		return strconv.FormatBool(v.n != 0)
	case 'i':
		return strconv.FormatInt(v.n, 10)
	case 's':
		return strconv.Quote(v.s)
	}
	return v.s
}

// short is String for places where a long string would drown the line:
// strings over 40 bytes are cut (on a character boundary) and their length
// given.
func (v scalar) short() string {
	if v.kind != 's' || len(v.s) <= 40 {
		return v.String()
	}
	n := 32
	for n > 0 && !utf8.RuneStart(v.s[n]) {
		n--
	}
	return strconv.Quote(v.s[:n]) + fmt.Sprintf("…(%d bytes)", len(v.s))
}

// scalar reads null, a boolean, a number or a string.
func (s *scanner) scalar() (scalar, error) {
	switch c := s.peek(); {
	case c == 'n':
		return scalar{kind: 'z'}, s.literal("null")
	case c == 't':
		return scalar{kind: 'b', n: 1}, s.literal("true")
	case c == 'f':
		return scalar{kind: 'b'}, s.literal("false")
	case c == '"':
		v, err := s.str()
		return scalar{kind: 's', s: v}, err
	case c == '[' || c == '{':
		return scalar{}, s.fail("expected a scalar")
	}
	if n, ok := s.smallInt(); ok {
		return scalar{kind: 'i', n: n}, nil
	}
	t, err := s.number()
	if err != nil {
		return scalar{}, err
	}
	return numberScalar(t), nil
}

// smallInt reads a plain integer of at most 18 digits without allocating;
// on anything else it reads nothing and reports false.
func (s *scanner) smallInt() (int64, bool) {
	i, neg := s.pos, false
	if i < len(s.b) && s.b[i] == '-' {
		neg = true
		i++
	}
	start := i
	var n int64
	for i < len(s.b) && s.b[i] >= '0' && s.b[i] <= '9' && i-start < 18 {
		n = n*10 + int64(s.b[i]-'0')
		i++
	}
	if i == start || (i < len(s.b) && (s.b[i] == '.' || s.b[i] == 'e' || s.b[i] == 'E' || (s.b[i] >= '0' && s.b[i] <= '9'))) {
		return 0, false
	}
	s.pos = i
	if neg {
		n = -n
	}
	return n, true
}

// numberScalar turns any number text into a scalar.
func numberScalar(t string) scalar {
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		return scalar{kind: 'i', n: n}
	}
	if f, ok := new(big.Float).SetPrec(256).SetString(t); ok && f.IsInt() {
		if i, _ := f.Int(nil); i.IsInt64() {
			return scalar{kind: 'i', n: i.Int64()}
		}
	}
	return scalar{kind: 'x', s: t}
}

// int reads an integer.
func (s *scanner) int() (int64, error) {
	s.ws()
	t, err := s.number()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, s.fail("expected an integer, found " + t)
	}
	return n, nil
}

// skip reads any value and returns its raw text.
func (s *scanner) skip() ([]byte, error) {
	s.ws()
	start := s.pos
	var err error
	switch s.peek() {
	case '{':
		err = s.object(func(string) error { _, e := s.skip(); return e })
	case '[':
		err = s.array(func(int) error { _, e := s.skip(); return e })
	default:
		_, err = s.scalar()
	}
	return s.b[start:s.pos], err
}

// object reads an object, calling field for each member with the scanner
// positioned at the member's value; field must consume the value.
func (s *scanner) object(field func(key string) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.pos++
		return nil
	}
	for {
		k, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := field(k); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.fail("expected , or }")
		}
	}
}

// array reads an array, calling elem for each element.
func (s *scanner) array(elem func(i int) error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.pos++
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.fail("expected , or ]")
		}
	}
}

// end checks that nothing but space follows the value.
func (s *scanner) end() error {
	if s.peek() != 0 {
		return s.fail("trailing data")
	}
	return nil
}

// canon reads one JSON scalar given as text ({} when absent or not a
// scalar).
func canon(raw []byte) scalar {
	s := &scanner{b: raw}
	v, err := s.scalar()
	if err != nil || s.end() != nil {
		return scalar{kind: 'x', s: string(raw)}
	}
	return v
}

// The hashtrie STATE of the headless contract, as Go data: encoded for the
// expected trace, decoded from mapviz's, and compared node by node.
//
//	STATE = {"engine":"hashtrie","inited":B,"root":NODE}
//	NODE  = null | {"indirect":[16 NODE]} | {"entries":[{"key":K,"value":V},...]}
//
// An entry chain is listed head first.  Keys are kept as canonical JSON
// text (a decimal integer, or a string as appendJSONString writes it), so
// keys of both key kinds compare as text.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

type trieState struct {
	inited bool
	root   *tnode // nil: null (before init)
}

// tnode is an indirect node (ind != nil) or an entry chain.
type tnode struct {
	ind  *[16]*tnode
	ents []tent
}

type tent struct {
	key   string // canonical JSON
	value int64
}

func appendNode(b []byte, n *tnode) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	if n.ind != nil {
		b = append(b, `{"indirect":[`...)
		for j, c := range n.ind {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendNode(b, c)
		}
		return append(b, "]}"...)
	}
	b = append(b, `{"entries":[`...)
	for i, e := range n.ents {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = append(b, e.key...)
		b = append(b, `,"value":`...)
		b = strconv.AppendInt(b, e.value, 10)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func appendState(b []byte, s *trieState) []byte {
	b = append(b, `{"engine":"hashtrie","inited":`...)
	b = strconv.AppendBool(b, s.inited)
	b = append(b, `,"root":`...)
	b = appendNode(b, s.root)
	return append(b, '}')
}

// errNotTrie: a STATE that is not the hashtrie's (mapviz ran the scene
// with another model).
type errNotTrie struct{ engine string }

func (e errNotTrie) Error() string {
	return fmt.Sprintf("the state is not a hashtrie STATE (engine %q)", e.engine)
}

// canonKey turns a decoded JSON key into canonical JSON text.
func canonKey(v any) (string, error) {
	switch k := v.(type) {
	case json.Number:
		i, err := strconv.ParseInt(string(k), 10, 64)
		if err != nil {
			return "", fmt.Errorf("key %s is not an int64", k)
		}
		return strconv.FormatInt(i, 10), nil
	case string:
		return string(appendJSONString(nil, k)), nil
	}
	return "", fmt.Errorf("key %v is neither a number nor a string", v)
}

func asInt(v any) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%v is not a number", v)
	}
	return strconv.ParseInt(string(n), 10, 64)
}

// decodeJSON decodes raw with numbers kept exact.
func decodeJSON(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func parseNode(v any, path string) (*tnode, error) {
	if v == nil {
		return nil, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: not an object or null", path)
	}
	if ind, ok := o["indirect"]; ok {
		a, ok := ind.([]any)
		if !ok || len(a) != 16 {
			return nil, fmt.Errorf("%s.indirect: not an array of 16", path)
		}
		n := &tnode{ind: new([16]*tnode)}
		for j, c := range a {
			var err error
			if n.ind[j], err = parseNode(c, fmt.Sprintf("%s.indirect[%d]", path, j)); err != nil {
				return nil, err
			}
		}
		return n, nil
	}
	ents, ok := o["entries"].([]any)
	if !ok || len(ents) == 0 {
		return nil, fmt.Errorf("%s: neither {\"indirect\":[16]} nor {\"entries\":[...]} with entries", path)
	}
	n := &tnode{}
	for i, e := range ents {
		eo, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s.entries[%d]: not an object", path, i)
		}
		k, err := canonKey(eo["key"])
		if err != nil {
			return nil, fmt.Errorf("%s.entries[%d]: %v", path, i, err)
		}
		val, err := asInt(eo["value"])
		if err != nil {
			return nil, fmt.Errorf("%s.entries[%d].value: %v", path, i, err)
		}
		n.ents = append(n.ents, tent{k, val})
	}
	return n, nil
}

// parseState decodes a STATE; errNotTrie when it is another engine's.
func parseState(raw []byte) (*trieState, error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("state is not an object")
	}
	if eng, _ := o["engine"].(string); eng != "hashtrie" {
		return nil, errNotTrie{eng}
	}
	st := &trieState{}
	if st.inited, ok = o["inited"].(bool); !ok {
		return nil, fmt.Errorf("state.inited is not a boolean")
	}
	if st.root, err = parseNode(o["root"], "root"); err != nil {
		return nil, err
	}
	return st, nil
}

func nodeText(n *tnode) string {
	if n == nil {
		return "null"
	}
	if n.ind != nil {
		k := 0
		for _, c := range n.ind {
			if c != nil {
				k++
			}
		}
		return fmt.Sprintf("an indirect node with %d children", k)
	}
	return "entries " + string(appendNode(nil, n)[len(`{"entries":`):])
}

// diffNode lists the differences under path (at most max).
func diffNode(want, got *tnode, path string, out *[]string, max int) {
	if len(*out) >= max {
		return
	}
	switch {
	case want == nil && got == nil:
		return
	case want == nil || got == nil || (want.ind == nil) != (got.ind == nil):
		*out = append(*out, fmt.Sprintf("%s: expected %s, got %s", path, nodeText(want), nodeText(got)))
		return
	case want.ind != nil:
		for j := range want.ind {
			diffNode(want.ind[j], got.ind[j], fmt.Sprintf("%s.indirect[%d]", path, j), out, max)
		}
		return
	}
	if len(want.ents) != len(got.ents) {
		*out = append(*out, fmt.Sprintf("%s: expected %s, got %s", path, nodeText(want), nodeText(got)))
		return
	}
	for i := range want.ents {
		w, g := want.ents[i], got.ents[i]
		if w.key != g.key {
			*out = append(*out, fmt.Sprintf("%s.entries[%d].key: expected %s, got %s (chain expected %s, got %s)",
				path, i, w.key, g.key, nodeText(want), nodeText(got)))
		} else if w.value != g.value {
			*out = append(*out, fmt.Sprintf("%s.entries[%d] (key %s).value: expected %d, got %d", path, i, w.key, w.value, g.value))
		}
	}
}

// diffStates is "" when equal, else the differences.
func diffStates(want, got *trieState) []string {
	var out []string
	if want.inited != got.inited {
		out = append(out, fmt.Sprintf("inited: expected %v, got %v", want.inited, got.inited))
	}
	diffNode(want.root, got.root, "root", &out, 8)
	return out
}

// depthOf is the number of indirect levels of a tree (the root counts 1).
func depthOf(n *tnode) int {
	if n == nil || n.ind == nil {
		return 0
	}
	d := 0
	for _, c := range n.ind {
		d = max(d, depthOf(c))
	}
	return d + 1
}

// `oracle-hashtrie compare`: checks a mapviz trace against the expected
// trace, op by op.  Both files are JSON Lines.  Compared: the "scene"
// line's state (the zero sync.Map: inited false, root null) when the actual
// trace has one; every "op" line in order — the op, its key, its hash when
// both sides give one, its result, and the whole STATE (inited and every
// node: indirect children, entry chains head first, keys and values); an
// "end" line must say "ok".  "step", "event" lines, key order, spacing,
// escaping and extra fields do not matter.
//
// Results: load {"value":V|null,"ok":B}; load_or_store {"value":V,
// "loaded":B}; load_and_delete {"value":V|null,"loaded":B}; swap
// {"previous":V|null,"loaded":B}; compare_and_swap {"swapped":B};
// compare_and_delete {"deleted":B}; range {"keys":[...]} in walk order
// (with "values" compared when both give them) or [[k,v],...]; store,
// delete and clear are not compared.
//
// Exit 0 when all match, 1 at the first differing op, 3 when the actual
// trace holds no hashtrie STATE at all (mapviz ran the scene with another
// sync.Map model: a skip, not a failure).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

type traceLine struct {
	Type    string          `json:"type"`
	Op      string          `json:"op"`
	Key     json.RawMessage `json:"key"`
	Hash    json.RawMessage `json:"hash"`
	Result  json.RawMessage `json:"result"`
	State   json.RawMessage `json:"state"`
	Status  string          `json:"status"`
	Message string          `json:"message"`
	line    int
}

// readLines returns the scene, op and end lines of a JSON Lines file.
func readLines(path string) ([]*traceLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var out []*traceLine
	for n := 1; ; n++ {
		raw, err := r.ReadBytes('\n')
		if len(strings.TrimSpace(string(raw))) > 0 {
			l := &traceLine{line: n}
			if jerr := json.Unmarshal(raw, l); jerr != nil {
				return nil, fmt.Errorf("%s:%d: not a JSON object: %v", path, n, jerr)
			}
			if l.Type == "scene" || l.Type == "op" || l.Type == "end" {
				out = append(out, l)
			}
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// canonValue is a JSON value as comparable text: numbers as decimal
// integers (or as written, if not integers), strings canonical, null,
// booleans; arrays and objects recursively (object keys sorted).
func canonValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		return string(x)
	case string:
		return string(appendJSONString(nil, x))
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = canonValue(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sortStrings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = string(appendJSONString(nil, k)) + ":" + canonValue(x[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprint(v)
}

func sortStrings(a []string) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func rawCanon(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return "", err
	}
	return canonValue(v), nil
}

// hashText normalizes a hash given as "0x…" or as a number.
func hashText(raw json.RawMessage) string {
	v, err := decodeJSON(raw)
	if err != nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		if h, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(x), "0x"), 16, 64); err == nil {
			return fmt.Sprintf("0x%016x", h)
		}
	case json.Number:
		if h, err := strconv.ParseUint(string(x), 10, 64); err == nil {
			return fmt.Sprintf("0x%016x", h)
		}
	}
	return ""
}

// rangeKeys reads a range result: {"keys":[...],"values"?:[...]} or
// [[k,v],...].  values is nil when not given.
func rangeKeys(raw json.RawMessage) (keys, values []string, err error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, nil, err
	}
	switch x := v.(type) {
	case map[string]any:
		ks, ok := x["keys"].([]any)
		if !ok {
			return nil, nil, fmt.Errorf("no \"keys\" array")
		}
		for _, k := range ks {
			keys = append(keys, canonValue(k))
		}
		if vs, ok := x["values"].([]any); ok {
			values = []string{}
			for _, e := range vs {
				values = append(values, canonValue(e))
			}
		}
		return keys, values, nil
	case []any:
		values = []string{}
		for _, p := range x {
			kv, ok := p.([]any)
			if !ok || len(kv) != 2 {
				return nil, nil, fmt.Errorf("not a [k,v] pair: %s", canonValue(p))
			}
			keys = append(keys, canonValue(kv[0]))
			values = append(values, canonValue(kv[1]))
		}
		return keys, values, nil
	}
	return nil, nil, fmt.Errorf("neither {\"keys\":[...]} nor [[k,v],...]")
}

// compareResult says how two results of op differ, or "".
func compareResult(op string, want, got json.RawMessage) string {
	switch op {
	case "store", "delete", "clear":
		return ""
	case "range":
		wk, wv, err := rangeKeys(want)
		if err != nil {
			return "expected range result unreadable: " + err.Error()
		}
		gk, gv, err := rangeKeys(got)
		if err != nil {
			return fmt.Sprintf("range result %s: %v", got, err)
		}
		if strings.Join(wk, ",") != strings.Join(gk, ",") {
			for i := 0; i < len(wk) || i < len(gk); i++ {
				if i >= len(wk) || i >= len(gk) || wk[i] != gk[i] {
					return fmt.Sprintf("range keys differ at position %d: expected %d keys [%s], got %d keys [%s]",
						i, len(wk), strings.Join(wk, ","), len(gk), strings.Join(gk, ","))
				}
			}
		}
		if wv != nil && gv != nil && strings.Join(wv, ",") != strings.Join(gv, ",") {
			return fmt.Sprintf("range values: expected [%s], got [%s]", strings.Join(wv, ","), strings.Join(gv, ","))
		}
		return ""
	}
	wv, err := decodeJSON(want)
	if err != nil {
		return "expected result unreadable"
	}
	gv, err := decodeJSON(got)
	if err != nil || len(got) == 0 {
		return fmt.Sprintf("result: expected %s, got %s", canonValue(wv), string(got))
	}
	wo, _ := wv.(map[string]any)
	go_, ok := gv.(map[string]any)
	if !ok {
		return fmt.Sprintf("result: expected %s, got %s", canonValue(wv), canonValue(gv))
	}
	for k, w := range wo {
		g, present := go_[k]
		if !present || canonValue(w) != canonValue(g) {
			return fmt.Sprintf("result: expected %s, got %s", canonValue(wv), canonValue(gv))
		}
	}
	return ""
}

func describe(l *traceLine) string {
	s := l.Op
	if len(l.Key) > 0 {
		k, _ := rawCanon(l.Key)
		s += " " + k
	}
	return s
}

// compareFiles compares the two traces; see the file comment for the exit
// codes.
func compareFiles(expPath, actPath string, out io.Writer) int {
	exp, err := readLines(expPath)
	if err != nil {
		fmt.Fprintln(out, "expected trace:", err)
		return 1
	}
	act, err := readLines(actPath)
	if err != nil {
		fmt.Fprintln(out, "actual trace:", err)
		return 1
	}
	var eops, aops []*traceLine
	var escene, ascene, aend *traceLine
	for _, l := range exp {
		switch l.Type {
		case "op":
			eops = append(eops, l)
		case "scene":
			escene = l
		}
	}
	for _, l := range act {
		switch l.Type {
		case "op":
			aops = append(aops, l)
		case "scene":
			if ascene == nil {
				ascene = l
			}
		case "end":
			aend = l
		}
	}
	// A trace with no hashtrie STATE anywhere: another model ran.
	sawTrie, other, sawOther := false, "", false
	for _, l := range append([]*traceLine{ascene}, aops...) {
		if l == nil || len(l.State) == 0 {
			continue
		}
		_, err := parseState(l.State)
		if e, ok := err.(errNotTrie); ok {
			if !sawOther {
				other, sawOther = e.engine, true
			}
			continue
		}
		sawTrie = true
		break
	}
	if !sawTrie && sawOther {
		if other == "" {
			other = "(none named)"
		}
		sawOther = false
		fmt.Fprintf(out, "not a hashtrie trace: its STATE is engine %s's\n", other)
		return 3
	}
	if escene != nil && ascene != nil && len(ascene.State) > 0 {
		ws, _ := parseState(escene.State)
		gs, err := parseState(ascene.State)
		if err != nil {
			fmt.Fprintf(out, "scene line (line %d): state: %v\n", ascene.line, err)
			return 1
		}
		if d := diffStates(ws, gs); d != nil {
			fmt.Fprintf(out, "scene line (the zero sync.Map): %s\n", strings.Join(d, "\n    "))
			return 1
		}
	}
	for i, w := range eops {
		if i >= len(aops) {
			end := "no end line"
			if aend != nil {
				end = fmt.Sprintf("end: status %q, message %q", aend.Status, aend.Message)
			}
			fmt.Fprintf(out, "op %d (%s): missing: the actual trace has only %d ops (%s)\n", i+1, describe(w), len(aops), end)
			return 1
		}
		g := aops[i]
		where := fmt.Sprintf("op %d (%s; actual line %d)", i+1, describe(w), g.line)
		var why []string
		if w.Op != g.Op {
			why = append(why, fmt.Sprintf("op: expected %s, got %s", w.Op, g.Op))
		}
		wk, _ := rawCanon(w.Key)
		gk, _ := rawCanon(g.Key)
		if wk != gk {
			why = append(why, fmt.Sprintf("key: expected %s, got %s", wk, gk))
		}
		if wh, gh := hashText(w.Hash), hashText(g.Hash); wh != "" && gh != "" && wh != gh {
			why = append(why, fmt.Sprintf("hash: expected %s, got %s", wh, gh))
		}
		if len(why) == 0 {
			if d := compareResult(w.Op, w.Result, g.Result); d != "" {
				why = append(why, d)
			}
		}
		ws, err := parseState(w.State)
		if err != nil {
			fmt.Fprintf(out, "%s: expected state unreadable: %v\n", where, err)
			return 1
		}
		if len(g.State) == 0 {
			why = append(why, "no state (run mapviz with --state full)")
		} else if gs, err := parseState(g.State); err != nil {
			why = append(why, "state: "+err.Error())
		} else {
			why = append(why, diffStates(ws, gs)...)
		}
		if len(why) > 0 {
			fmt.Fprintf(out, "%s:\n    %s\n", where, strings.Join(why, "\n    "))
			return 1
		}
	}
	if len(aops) > len(eops) {
		fmt.Fprintf(out, "the actual trace has %d ops, %d expected\n", len(aops), len(eops))
		return 1
	}
	if aend != nil && aend.Status != "ok" {
		fmt.Fprintf(out, "end: status %q (%s), expected ok\n", aend.Status, aend.Message)
		return 1
	}
	fmt.Fprintf(out, "ok %d ops\n", len(eops))
	return 0
}

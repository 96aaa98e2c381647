// `oracle-swiss compare`: checks a mapviz trace against the expected trace,
// op by op, field by field.  Both files are JSON Lines; only "op" lines are
// compared ("scene", "step", "event" lines are skipped; an "end" line is
// checked for a normal ending).  JSON is parsed, so key order, whitespace
// and string escaping do not matter; `step` is ignored; fields of STATE
// beyond the swiss STATE's are ignored.
//
// Op results: load {"value":V,"ok":B}; len N or {"len":N}; range
// [[k,v],...] or {"keys":[...]} (the order is compared, and the values
// where both sides give them); store, delete and clear are not compared.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
)

// traceLine is one line of a trace, decoded as far as compare needs.
type traceLine struct {
	typ, op, hash string
	status, msg   string
	step          string // raw, only shown
	key           scalar // kind 0 when absent
	result        []byte // raw JSON, nil when absent
	state         *stateJSON
	stateErr      error // why state is nil
}

// stateJSON is the swiss STATE.
type stateJSON struct {
	engine                          string
	used, globalDepth, writing, seq int64
	tombstonePossible               scalar
	small                           *groupJSON // nil when null
	directory                       []int64
	tables                          []tableJSON
	seen                            map[string]bool
}

type tableJSON struct {
	index, localDepth, capacity, used, growthLeft int64
	groups                                        []groupJSON
	seen                                          map[string]bool
}

type groupJSON struct {
	ctrl         [groupSlots]int64
	keys, values [groupSlots]scalar
	nc, nk, nv   int // how many of each the line held
}

var stateFields = []string{"engine", "used", "globalDepth", "writing", "tombstonePossible", "clearSeq",
	"small", "directory", "tables"}
var tableFields = []string{"index", "localDepth", "capacity", "used", "growthLeft", "groups"}

// traceReader yields the "op" and "end" lines of a JSON Lines stream.
type traceReader struct {
	name string
	r    *bufio.Reader
	line int
}

type traceItem struct {
	l   *traceLine
	err error
}

// readTrace parses r in a goroutine (so the two traces of a comparison are
// parsed in parallel) and delivers its "op" and "end" lines in order, then
// a closed channel.  stop ends it early.
func readTrace(name string, r io.Reader) (lines <-chan traceItem, stop func()) {
	ch, done := make(chan traceItem, 16), make(chan struct{})
	go func() {
		defer close(ch)
		t := &traceReader{name: name, r: bufio.NewReaderSize(r, 1<<20)}
		for {
			l, err := t.next()
			select {
			case ch <- traceItem{l, err}:
			case <-done:
				return
			}
			if l == nil || err != nil {
				return
			}
		}
	}()
	return ch, func() { close(done) }
}

func (t *traceReader) next() (*traceLine, error) {
	for {
		raw, err := t.r.ReadBytes('\n')
		if len(raw) == 0 && err == io.EOF {
			return nil, nil
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		t.line++
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		l, err := parseLine(raw)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", t.name, t.line, err)
		}
		if l.typ == "op" || l.typ == "end" {
			return l, nil
		}
	}
}

// parseLine decodes one trace line.
func parseLine(raw []byte) (*traceLine, error) {
	s := &scanner{b: raw}
	l := &traceLine{}
	strField := func(dst *string) error {
		v, err := s.scalar()
		*dst = v.s
		if v.kind != 's' {
			*dst = v.String()
		}
		return err
	}
	err := s.object(func(k string) error {
		switch k {
		case "type":
			return strField(&l.typ)
		case "op":
			return strField(&l.op)
		case "hash":
			return strField(&l.hash)
		case "status":
			return strField(&l.status)
		case "message":
			return strField(&l.msg)
		case "key":
			var err error
			l.key, err = s.scalar()
			return err
		case "step":
			raw, err := s.skip()
			l.step = string(raw)
			return err
		case "result":
			var err error
			l.result, err = s.skip()
			return err
		case "state":
			if s.peek() == 'n' {
				l.stateErr = fmt.Errorf("state is null")
				return s.literal("null")
			}
			start := s.pos
			l.state, l.stateErr = parseState(s)
			if l.stateErr != nil { // not the swiss shape: skip it whole
				s.pos = start
				_, err := s.skip()
				return err
			}
			return nil
		}
		_, err := s.skip()
		return err
	})
	if err == nil {
		err = s.end()
	}
	if err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if l.state == nil && l.stateErr == nil {
		l.stateErr = fmt.Errorf("no state (run mapviz with --state full)")
	}
	return l, nil
}

// parseState reads the swiss STATE.
func parseState(s *scanner) (*stateJSON, error) {
	st := &stateJSON{seen: map[string]bool{}}
	ints := map[string]*int64{"used": &st.used, "globalDepth": &st.globalDepth, "writing": &st.writing,
		"clearSeq": &st.seq}
	err := s.object(func(k string) error {
		st.seen[k] = true
		if p := ints[k]; p != nil {
			var err error
			*p, err = s.int()
			return err
		}
		var err error
		switch k {
		case "engine":
			var v scalar
			v, err = s.scalar()
			st.engine = v.s
		case "tombstonePossible":
			st.tombstonePossible, err = s.scalar()
		case "small":
			if s.peek() == 'n' {
				return s.literal("null")
			}
			st.small = new(groupJSON)
			err = parseGroup(s, st.small)
		case "directory":
			err = s.array(func(int) error {
				n, err := s.int()
				st.directory = append(st.directory, n)
				return err
			})
		case "tables":
			err = s.array(func(int) error {
				t := tableJSON{seen: map[string]bool{}}
				tints := map[string]*int64{"index": &t.index, "localDepth": &t.localDepth,
					"capacity": &t.capacity, "used": &t.used, "growthLeft": &t.growthLeft}
				err := s.object(func(k string) error {
					t.seen[k] = true
					if p := tints[k]; p != nil {
						var err error
						*p, err = s.int()
						return err
					}
					if k == "groups" {
						return s.array(func(int) error {
							var g groupJSON
							err := parseGroup(s, &g)
							t.groups = append(t.groups, g)
							return err
						})
					}
					_, err := s.skip()
					return err
				})
				st.tables = append(st.tables, t)
				return err
			})
		default:
			_, err = s.skip()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if !st.seen["engine"] {
		return nil, fmt.Errorf("state has no \"engine\" (not the swiss STATE; the Go 1.19 engine's?)")
	}
	if st.engine != "swiss" {
		return nil, fmt.Errorf("state is engine %q, expected \"swiss\" (was the scene run with the Go 1.26 map?)", st.engine)
	}
	for _, k := range stateFields {
		if !st.seen[k] {
			return nil, fmt.Errorf("state has no %q", k)
		}
	}
	if st.tombstonePossible.kind != 'b' {
		return nil, fmt.Errorf("state.tombstonePossible is %s, expected a boolean", st.tombstonePossible)
	}
	for i, t := range st.tables {
		for _, k := range tableFields {
			if !t.seen[k] {
				return nil, fmt.Errorf("state.tables[%d] has no %q", i, k)
			}
		}
	}
	return st, nil
}

func parseGroup(s *scanner, g *groupJSON) error {
	return s.object(func(k string) error {
		switch k {
		case "ctrl":
			return s.array(func(i int) error {
				n, err := s.int()
				if g.nc = i + 1; i < groupSlots {
					g.ctrl[i] = n
				}
				return err
			})
		case "keys", "values":
			dst, n := &g.keys, &g.nk
			if k == "values" {
				dst, n = &g.values, &g.nv
			}
			return s.array(func(i int) error {
				v, err := s.scalar()
				if *n = i + 1; i < groupSlots {
					dst[i] = v
				}
				return err
			})
		}
		_, err := s.skip()
		return err
	})
}

// differ collects the differences found at one op, up to a limit.
type differ struct {
	lines []string
	more  int
	// the first group that differed: -2 none, -1 small, else a table
	// position; and its group index
	gTable, gGroup int
}

func newDiffer() *differ { return &differ{gTable: -2} }

func (d *differ) add(format string, args ...any) {
	if len(d.lines) < 24 {
		d.lines = append(d.lines, fmt.Sprintf(format, args...))
	} else {
		d.more++
	}
}

func (d *differ) count() int { return len(d.lines) + d.more }

// ctrlName describes a ctrl byte (SW1.9).
func ctrlName(c int64) string {
	switch {
	case c == ctrlEmpty:
		return "128 (empty)"
	case c == ctrlDeleted:
		return "254 (deleted)"
	case c >= 0 && c < 0x80:
		return fmt.Sprintf("%d (full, H2 0x%02x)", c, c)
	}
	return fmt.Sprintf("%d (not a ctrl byte)", c)
}

func (d *differ) compareGroup(where string, ti, gi int, e, a *groupJSON) {
	before := d.count()
	if a.nc != groupSlots || a.nk != groupSlots || a.nv != groupSlots {
		d.add("%s: actual group has %d ctrl, %d keys, %d values (want 8 each)", where, a.nc, a.nk, a.nv)
	} else {
		for i := 0; i < groupSlots; i++ {
			if e.ctrl[i] != a.ctrl[i] {
				d.add("%s slot %d ctrl: expected %s, actual %s", where, i, ctrlName(e.ctrl[i]), ctrlName(a.ctrl[i]))
			}
			if e.keys[i] != a.keys[i] {
				d.add("%s slot %d key: expected %s, actual %s", where, i, e.keys[i].short(), a.keys[i].short())
			}
			if e.values[i] != a.values[i] {
				d.add("%s slot %d value: expected %s, actual %s", where, i, e.values[i], a.values[i])
			}
		}
	}
	if d.gTable == -2 && d.count() > before {
		d.gTable, d.gGroup = ti, gi
	}
}

// compareStates diffs two states.
func (d *differ) compareStates(e, a *stateJSON) {
	for _, f := range []struct {
		name string
		e, a int64
	}{{"used", e.used, a.used}, {"globalDepth", e.globalDepth, a.globalDepth},
		{"writing", e.writing, a.writing}, {"clearSeq", e.seq, a.seq}} {
		if f.e != f.a {
			d.add("%s: expected %d, actual %d", f.name, f.e, f.a)
		}
	}
	if e.tombstonePossible != a.tombstonePossible {
		d.add("tombstonePossible: expected %s, actual %s", e.tombstonePossible, a.tombstonePossible)
	}
	switch {
	case e.small == nil && a.small != nil:
		d.add("small: expected null, actual a group")
	case e.small != nil && a.small == nil:
		d.add("small: expected a group, actual null")
	case e.small != nil:
		d.compareGroup("small group", -1, 0, e.small, a.small)
	}
	if fmt.Sprint(e.directory) != fmt.Sprint(a.directory) {
		d.add("directory: expected %v, actual %v", e.directory, a.directory)
	}
	if len(e.tables) != len(a.tables) {
		d.add("tables: expected %d, actual %d", len(e.tables), len(a.tables))
	}
	for ti := 0; ti < len(e.tables) && ti < len(a.tables); ti++ {
		et, at := &e.tables[ti], &a.tables[ti]
		where := fmt.Sprintf("tables[%d] (index %d)", ti, et.index)
		for _, f := range []struct {
			name string
			e, a int64
		}{{"index", et.index, at.index}, {"localDepth", et.localDepth, at.localDepth},
			{"capacity", et.capacity, at.capacity}, {"used", et.used, at.used},
			{"growthLeft", et.growthLeft, at.growthLeft}} {
			if f.e != f.a {
				d.add("%s %s: expected %d, actual %d", where, f.name, f.e, f.a)
			}
		}
		if len(et.groups) != len(at.groups) {
			d.add("%s: expected %d groups, actual %d", where, len(et.groups), len(at.groups))
			continue
		}
		for gi := range et.groups {
			d.compareGroup(fmt.Sprintf("tables[%d] group %d", ti, gi), ti, gi, &et.groups[gi], &at.groups[gi])
		}
	}
}

// loadResult reads {"value":V,"ok":B}.
func parseLoadResult(raw []byte) (value, ok scalar, err error) {
	s := &scanner{b: raw}
	err = s.object(func(k string) error {
		var err error
		switch k {
		case "value":
			value, err = s.scalar()
		case "ok":
			ok, err = s.scalar()
		default:
			_, err = s.skip()
		}
		return err
	})
	if err == nil && (value.kind == 0 || ok.kind != 'b') {
		err = fmt.Errorf("no value or ok")
	}
	return value, ok, err
}

// parseLenResult reads N or {"len":N}.
func parseLenResult(raw []byte) (scalar, error) {
	if v := canon(raw); v.kind == 'i' {
		return v, nil
	}
	s := &scanner{b: raw}
	var n scalar
	err := s.object(func(k string) error {
		var err error
		if k == "len" {
			n, err = s.scalar()
		} else {
			_, err = s.skip()
		}
		return err
	})
	if err == nil && n.kind != 'i' {
		err = fmt.Errorf("no len")
	}
	return n, err
}

// parseRangeResult reads [[k,v],...] (keys and values) or {"keys":[...]}
// (and "values":[...] if there).
func parseRangeResult(raw []byte) (keys, vals []scalar, hasVals bool, err error) {
	s := &scanner{b: raw}
	if s.peek() == '[' {
		err = s.array(func(int) error {
			var p [2]scalar
			err := s.array(func(i int) error {
				if i > 1 {
					return fmt.Errorf("an entry is not a [key, value] pair")
				}
				var err error
				p[i], err = s.scalar()
				return err
			})
			if err == nil && p[1].kind == 0 {
				err = fmt.Errorf("an entry is not a [key, value] pair")
			}
			keys, vals = append(keys, p[0]), append(vals, p[1])
			return err
		})
		return keys, vals, true, err
	}
	seenKeys := false
	err = s.object(func(k string) error {
		switch k {
		case "keys":
			seenKeys = true
			return s.array(func(int) error {
				v, err := s.scalar()
				keys = append(keys, v)
				return err
			})
		case "values":
			hasVals = true
			return s.array(func(int) error {
				v, err := s.scalar()
				vals = append(vals, v)
				return err
			})
		}
		_, err := s.skip()
		return err
	})
	if err == nil && !seenKeys {
		err = fmt.Errorf("no keys")
	}
	if err == nil && hasVals && len(vals) != len(keys) {
		err = fmt.Errorf("%d keys but %d values", len(keys), len(vals))
	}
	return keys, vals, hasVals, err
}

// compareResult compares an op's result where its meaning is known.
func (d *differ) compareResult(op string, e, a []byte) {
	switch op {
	case "load":
		ev, eok, _ := parseLoadResult(e)
		av, aok, err := parseLoadResult(a)
		switch {
		case err != nil:
			d.add("result: expected {\"value\":%s,\"ok\":%s}, actual %.200s (%v)", ev, eok, a, err)
		case ev != av || eok != aok:
			d.add("result: expected value %s ok %s, actual value %s ok %s", ev, eok, av, aok)
		}
	case "len":
		en, _ := parseLenResult(e)
		an, err := parseLenResult(a)
		switch {
		case err != nil:
			d.add("result: expected len %s, actual %.200s (%v)", en, a, err)
		case en != an:
			d.add("result: expected len %s, actual %s", en, an)
		}
	case "range":
		ek, ev, _, _ := parseRangeResult(e)
		ak, av, ahas, err := parseRangeResult(a)
		if err != nil {
			d.add("result: expected [[key, value], ...] or {\"keys\":[...]}, actual %.200s (%v)", a, err)
			return
		}
		for i := 0; i < len(ek) || i < len(ak); i++ {
			switch {
			case i >= len(ak):
				d.add("range: actual ends after %d keys, expected %d; next expected key %s", len(ak), len(ek), ek[i].short())
				return
			case i >= len(ek):
				d.add("range: actual produced %d keys, expected %d; first extra key %s", len(ak), len(ek), ak[i].short())
				return
			case ek[i] != ak[i]:
				d.add("range entry %d of %d: expected key %s, actual key %s (iteration order)", i, len(ek), ek[i].short(), ak[i].short())
				return
			case ahas && ev[i] != av[i]:
				d.add("range entry %d of %d (key %s): expected value %s, actual %s", i, len(ek), ek[i].short(), ev[i], av[i])
				return
			}
		}
	}
}

// describe names an op for a diff: "store key=17 hash=0x…".
func describe(l *traceLine) string {
	s := l.op
	if l.key.kind != 0 {
		s += " key=" + l.key.short()
	}
	if l.hash != "" {
		s += " hash=" + l.hash
	}
	return s
}

// header is a one-line summary of a state.
func header(s *stateJSON) string {
	var b strings.Builder
	fmt.Fprintf(&b, "used %d globalDepth %d writing %d tombstonePossible %s clearSeq %d small ",
		s.used, s.globalDepth, s.writing, s.tombstonePossible, s.seq)
	if s.small == nil {
		b.WriteString("null")
	} else {
		b.WriteString("group")
	}
	fmt.Fprintf(&b, " directory %v tables", s.directory)
	if len(s.tables) == 0 {
		b.WriteString(" none")
	}
	for i, t := range s.tables {
		fmt.Fprintf(&b, " [%d]{index %d localDepth %d capacity %d used %d growthLeft %d}",
			i, t.index, t.localDepth, t.capacity, t.used, t.growthLeft)
	}
	return b.String()
}

// dumpGroup renders a group of a state (ti -1: the small group).
func dumpGroup(s *stateJSON, ti, gi int) string {
	var g *groupJSON
	switch {
	case ti == -1:
		g = s.small
	case ti < len(s.tables) && gi < len(s.tables[ti].groups):
		g = &s.tables[ti].groups[gi]
	}
	if g == nil {
		return "      (absent)\n"
	}
	var b strings.Builder
	cs := make([]string, groupSlots)
	for i, c := range g.ctrl {
		cs[i] = fmt.Sprintf("%02x", c)
	}
	ks := make([]string, groupSlots)
	vs := make([]string, groupSlots)
	for i := range g.keys {
		ks[i], vs[i] = g.keys[i].short(), g.values[i].String()
	}
	fmt.Fprintf(&b, "      ctrl   %s\n      keys   %s\n      values %s\n", strings.Join(cs, " "),
		strings.Join(ks, " "), strings.Join(vs, " "))
	return b.String()
}

// compareFiles compares two trace files.
func compareFiles(expName, actName string, out io.Writer) int {
	ef, err := os.Open(expName)
	if err != nil {
		fmt.Fprintln(out, "oracle-swiss compare:", err)
		return 2
	}
	defer ef.Close()
	af, err := os.Open(actName)
	if err != nil {
		fmt.Fprintln(out, "oracle-swiss compare:", err)
		return 1
	}
	defer af.Close()
	return compareTraces(expName, ef, actName, af, out)
}

// compareTraces compares two traces and writes the verdict to out.  It
// returns 0 (all ops equal), 1 (a difference), 2 (cannot read the expected
// trace).
func compareTraces(expName string, er io.Reader, actName string, ar io.Reader, out io.Writer) int {
	ech, estop := readTrace(expName, er)
	defer estop()
	ach, astop := readTrace(actName, ar)
	defer astop()

	for n := 1; ; n++ {
		ei := <-ech
		e, err := ei.l, ei.err
		if err != nil {
			fmt.Fprintln(out, "oracle-swiss compare: expected trace:", err)
			return 2
		}
		if e != nil && e.typ == "end" {
			e = nil
		}
		ai := <-ach
		a, err := ai.l, ai.err
		if err != nil {
			fmt.Fprintf(out, "op %d: actual trace unreadable: %v\n", n, err)
			return 1
		}
		if e == nil {
			switch {
			case a == nil:
			case a.typ == "end":
				if a.status != "" && a.status != "ok" {
					fmt.Fprintf(out, "after op %d: the scene ended with status %q (%q), expected ok\n", n-1, a.status, a.msg)
					return 1
				}
			default:
				fmt.Fprintf(out, "op %d: actual has more ops than the %d expected: %s\n", n, n-1, describe(a))
				return 1
			}
			fmt.Fprintf(out, "ok %d ops\n", n-1)
			return 0
		}
		if a == nil || a.typ == "end" {
			fmt.Fprintf(out, "op %d (%s): actual trace ends after %d ops, expected more", n, describe(e), n-1)
			if a != nil {
				fmt.Fprintf(out, "; its end line: status %q message %q", a.status, a.msg)
			}
			fmt.Fprintln(out)
			return 1
		}
		if e.op != a.op || e.key != a.key {
			fmt.Fprintf(out, "op %d: expected %s, actual %s (the traces are out of step)\n", n, describe(e), describe(a))
			return 1
		}
		if e.state == nil {
			fmt.Fprintf(out, "op %d: expected trace: %v\n", n, e.stateErr)
			return 2
		}
		if a.state == nil {
			fmt.Fprintf(out, "op %d (%s): actual: %v\n", n, describe(e), a.stateErr)
			return 1
		}
		d := newDiffer()
		if e.hash != "" && a.hash != "" && !strings.EqualFold(e.hash, a.hash) {
			d.add("hash: expected %s, actual %s (the pinned hash was not used)", e.hash, a.hash)
		}
		d.compareResult(e.op, e.result, a.result)
		d.compareStates(e.state, a.state)
		if d.count() > 0 {
			fmt.Fprintf(out, "op %d (%s): differs (actual step %s)\n", n, describe(e), a.step)
			for _, l := range d.lines {
				fmt.Fprintln(out, "  "+l)
			}
			if d.more > 0 {
				fmt.Fprintf(out, "  ... and %d more differences\n", d.more)
			}
			fmt.Fprintf(out, "  expected: %s\n  actual:   %s\n", header(e.state), header(a.state))
			if d.gTable != -2 {
				where := "small group"
				if d.gTable >= 0 {
					where = fmt.Sprintf("tables[%d] group %d", d.gTable, d.gGroup)
				}
				fmt.Fprintf(out, "  expected %s:\n%s  actual %s:\n%s", where, dumpGroup(e.state, d.gTable, d.gGroup),
					where, dumpGroup(a.state, d.gTable, d.gGroup))
			}
			return 1
		}
	}
}

// diffStates compares two in-memory states through their JSON, and
// describes the differences ("" if none).
func diffStates[K Key](want, got *mapState[K]) string {
	wb, gb := appendState(nil, want), appendState(nil, got)
	if bytes.Equal(wb, gb) {
		return ""
	}
	ws, err1 := parseState(&scanner{b: wb})
	gs, err2 := parseState(&scanner{b: gb})
	if err1 != nil || err2 != nil {
		return fmt.Sprintf("states differ (and do not parse: %v, %v)", err1, err2)
	}
	d := newDiffer()
	d.compareStates(ws, gs)
	if d.count() == 0 {
		return "states differ in their JSON but not field by field"
	}
	msg := strings.Join(d.lines, "; ")
	if d.more > 0 {
		msg += fmt.Sprintf("; ... and %d more", d.more)
	}
	return msg + "\n    runtime: " + header(ws) + "\n    model:   " + header(gs)
}

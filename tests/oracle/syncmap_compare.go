// `oracle compare` for sync.Map traces: a line whose state is sync.Map's
// STATE ({"read":{"amended","entries"},"dirty","misses"}) is compared
// exactly — amended, misses, and every entry of read.m and of dirty with
// its state (value:V, nil, expunged) — and its result by meaning: load
// {"value","ok"}, load_or_store and load_and_delete {"value","loaded"} (a
// value is only compared where the flag says there is one, or always for
// load_or_store), range as the set of [key, value] pairs produced (Go's
// order is random, M9.3).
package main

import (
	"fmt"
	"sort"
	"strings"
)

// smStateJSON is sync.Map's STATE.
type smStateJSON struct {
	amended bool
	read    map[string]string
	dirty   map[string]string // nil: "dirty":null
	misses  int64
}

// parseSMState reads sync.Map's STATE.
func parseSMState(s *scanner) (*smStateJSON, error) {
	st := &smStateJSON{read: map[string]string{}}
	seen := map[string]bool{}
	entries := func(dst map[string]string) error {
		return s.object(func(k string) error {
			v, err := s.str()
			dst[k] = v
			return err
		})
	}
	err := s.object(func(k string) error {
		seen[k] = true
		switch k {
		case "read":
			return s.object(func(k2 string) error {
				seen["read."+k2] = true
				switch k2 {
				case "amended":
					v, err := s.scalar()
					if err == nil && v.kind != 'b' {
						err = fmt.Errorf("read.amended is not a boolean")
					}
					st.amended = v.n != 0
					return err
				case "entries":
					return entries(st.read)
				}
				_, err := s.skip()
				return err
			})
		case "dirty":
			if s.peek() == 'n' {
				return s.literal("null")
			}
			st.dirty = map[string]string{}
			return entries(st.dirty)
		case "misses":
			var err error
			st.misses, err = s.int()
			return err
		}
		_, err := s.skip()
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"read", "read.amended", "read.entries", "dirty", "misses"} {
		if !seen[k] {
			return nil, fmt.Errorf("sync.Map state has no %q", k)
		}
	}
	return st, nil
}

// smKey renders a JSON object key for a diff.
func smKey(k string) string {
	return scalar{kind: 's', s: k}.short()
}

// compareSMEntries diffs one entry map (name: "read.m" or "dirty").
func (d *differ) compareSMEntries(name string, exp, act map[string]string) {
	var keys []string
	for k := range exp {
		keys = append(keys, k)
	}
	for k := range act {
		if _, ok := exp[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		ev, eok := exp[k]
		av, aok := act[k]
		switch {
		case !aok:
			d.add("%s: key %s (%s) missing", name, smKey(k), ev)
		case !eok:
			d.add("%s: key %s (%s) should not be there", name, smKey(k), av)
		case ev != av:
			d.add("%s[%s]: expected %s, actual %s", name, smKey(k), ev, av)
		}
	}
}

func (d *differ) compareSMStates(e, a *smStateJSON) {
	if e.amended != a.amended {
		d.add("read.amended: expected %v, actual %v", e.amended, a.amended)
	}
	if e.misses != a.misses {
		d.add("misses: expected %d, actual %d", e.misses, a.misses)
	}
	d.compareSMEntries("read.m", e.read, a.read)
	switch {
	case e.dirty == nil && a.dirty != nil:
		d.add("dirty: expected nil, actual %d entries", len(a.dirty))
	case e.dirty != nil && a.dirty == nil:
		d.add("dirty: expected %d entries, actual nil", len(e.dirty))
	case e.dirty != nil:
		d.compareSMEntries("dirty", e.dirty, a.dirty)
	}
}

// flagResult reads {"value":V,"FLAG":B}.
func flagResult(raw []byte, flag string) (value, ok scalar, err error) {
	s := &scanner{b: raw}
	err = s.object(func(k string) error {
		var err error
		switch k {
		case "value":
			value, err = s.scalar()
		case flag:
			ok, err = s.scalar()
		default:
			_, err = s.skip()
		}
		return err
	})
	if err == nil && (value.kind == 0 || ok.kind != 'b') {
		err = fmt.Errorf("no value or %s", flag)
	}
	return value, ok, err
}

func (d *differ) compareSMResult(op string, e, a []byte) {
	switch op {
	case "load", "load_or_store", "load_and_delete":
		flag := "loaded"
		if op == "load" {
			flag = "ok"
		}
		ev, eok, _ := flagResult(e, flag)
		av, aok, err := flagResult(a, flag)
		switch {
		case err != nil:
			d.add("result: expected {\"value\":%s,%q:%s}, actual %.200s (%v)", ev, flag, eok, a, err)
		case eok != aok:
			d.add("result: expected %s %s, actual %s %s", flag, eok, flag, aok)
		case (eok.n != 0 || op == "load_or_store") && ev != av:
			d.add("result: expected value %s, actual %s", ev, av)
		}
	case "range":
		ep, _ := rangeResult(e)
		ap, err := rangeResult(a)
		if err != nil {
			d.add("result: expected a list of [key, value] pairs, actual %.200s (%v)", a, err)
			return
		}
		em, am := map[scalar]scalar{}, map[scalar]scalar{}
		for _, p := range ep {
			em[p[0]] = p[1]
		}
		for _, p := range ap {
			if _, dup := am[p[0]]; dup {
				d.add("range: key %s produced twice", p[0].short())
			}
			am[p[0]] = p[1]
		}
		for _, p := range ep {
			av, ok := am[p[0]]
			switch {
			case !ok:
				d.add("range: key %s (value %s) not produced", p[0].short(), p[1])
			case av != p[1]:
				d.add("range: key %s: expected value %s, actual %s", p[0].short(), p[1], av)
			}
		}
		for _, p := range ap {
			if _, ok := em[p[0]]; !ok {
				d.add("range: key %s (value %s) produced, Go did not", p[0].short(), p[1])
			}
		}
	}
}

func smSummary(s *smStateJSON) string {
	line := func(m map[string]string) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for i, k := range keys {
			if i == 12 {
				fmt.Fprintf(&b, " … (%d)", len(keys))
				break
			}
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%s:%s", smKey(k), m[k])
		}
		return "{" + b.String() + "}"
	}
	dirty := "nil"
	if s.dirty != nil {
		dirty = line(s.dirty)
	}
	return fmt.Sprintf("read.m %s amended %v dirty %s misses %d", line(s.read), s.amended, dirty, s.misses)
}

// compareSMLine compares one sync.Map op line; "" when equal, else the
// report.
func compareSMLine(n int, e, a *traceLine) string {
	if a.sm == nil {
		why := "no sync.Map state: run mapviz with --state full"
		if a.stateErr != nil {
			why = "state is not sync.Map's STATE (" + a.stateErr.Error() + ")"
		}
		return fmt.Sprintf("op %d (%s): actual: %s\n", n, describe(e), why)
	}
	var d differ
	d.compareSMResult(e.op, e.result, a.result)
	d.compareSMStates(e.sm, a.sm)
	if d.count() == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "op %d (%s): differs (actual step %s)\n", n, describe(e), a.step)
	for _, l := range d.lines {
		fmt.Fprintln(&b, "  "+l)
	}
	if d.more > 0 {
		fmt.Fprintf(&b, "  ... and %d more differences\n", d.more)
	}
	fmt.Fprintf(&b, "  expected: %s\n  actual:   %s\n", smSummary(e.sm), smSummary(a.sm))
	return b.String()
}

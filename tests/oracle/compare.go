// `oracle compare`: checks a mapviz trace against the expected trace, op by
// op, field by field.  Both files are JSON Lines; only "op" lines are
// compared ("scene", "event" lines are skipped, an "end" line is checked
// for a normal ending).  JSON is parsed, so key order, whitespace and string
// escaping do not matter; `step` is ignored, and hash0 is compared only
// where it can be: its first value, and the ops at which it changes (the
// model draws reseeds from its own RNG, M6.6.5, M10.2).
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
	step          string       // raw, only shown
	key           scalar       // kind 0 when absent
	result        []byte       // raw JSON, nil when absent
	state         *stateJSON   // nil when absent or null
	stateErr      error        // why state did not parse as gomap's STATE
	sm            *smStateJSON // sync.Map's STATE instead (syncmap_compare.go)
}

// stateJSON is gomap's STATE with --state full.
type stateJSON struct {
	count, B, flags, noverflow, hash0, nevacuate int64
	seen                                         map[string]bool
	buckets                                      [][]bucketJSON
	old                                          [][]bucketJSON
	oldNull                                      bool
}

type bucketJSON struct {
	tophash      [bucketCnt]int64
	keys, values [bucketCnt]scalar
	nt, nk, nv   int // how many of each the line held
}

// traceReader yields the lines of a JSON Lines file, however long.
type traceReader struct {
	name string
	r    *bufio.Reader
	line int
}

// traceItem is one line delivered by readTrace.
type traceItem struct {
	l   *traceLine
	err error
}

// readTrace parses the file in a goroutine (so the two traces of a
// comparison are parsed in parallel) and delivers its "op" and "end" lines
// in order, then a closed channel.  stop ends it early.
func readTrace(name string) (lines <-chan traceItem, stop func(), err error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	ch, done := make(chan traceItem, 16), make(chan struct{})
	go func() {
		defer close(ch)
		t := &traceReader{name: name, r: bufio.NewReaderSize(f, 1<<20)}
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
	return ch, func() { close(done); f.Close() }, nil
}

// next returns the next "op" or "end" line, or nil at the end of the file.
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
				return s.literal("null")
			}
			start := s.pos
			l.state, l.stateErr = parseState(s)
			if l.stateErr != nil { // not gomap's shape: sync.Map's, or skip it whole
				s.pos = start
				if sm, err := parseSMState(s); err == nil {
					l.sm, l.stateErr = sm, nil
					return nil
				}
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
	return l, nil
}

// parseState reads STATE.
func parseState(s *scanner) (*stateJSON, error) {
	st := &stateJSON{seen: map[string]bool{}}
	ints := map[string]*int64{"count": &st.count, "B": &st.B, "flags": &st.flags,
		"noverflow": &st.noverflow, "hash0": &st.hash0, "nevacuate": &st.nevacuate}
	err := s.object(func(k string) error {
		st.seen[k] = true
		if p := ints[k]; p != nil {
			var err error
			*p, err = s.int()
			return err
		}
		switch k {
		case "buckets":
			var err error
			st.buckets, err = parseChains(s)
			return err
		case "oldbuckets":
			if s.peek() == 'n' {
				st.oldNull = true
				return s.literal("null")
			}
			var err error
			st.old, err = parseChains(s)
			return err
		}
		_, err := s.skip()
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"count", "B", "flags", "noverflow", "hash0", "nevacuate", "buckets", "oldbuckets"} {
		if !st.seen[k] {
			return nil, fmt.Errorf("state has no %q", k)
		}
	}
	return st, nil
}

func parseChains(s *scanner) ([][]bucketJSON, error) {
	var chains [][]bucketJSON
	err := s.array(func(int) error {
		var chain []bucketJSON
		err := s.array(func(int) error {
			var b bucketJSON
			err := s.object(func(k string) error {
				switch k {
				case "tophash":
					return s.array(func(i int) error {
						n, err := s.int()
						if b.nt = i + 1; i < bucketCnt {
							b.tophash[i] = n
						}
						return err
					})
				case "keys", "values":
					dst, n := &b.keys, &b.nk
					if k == "values" {
						dst, n = &b.values, &b.nv
					}
					return s.array(func(i int) error {
						v, err := s.scalar()
						if *n = i + 1; i < bucketCnt {
							dst[i] = v
						}
						return err
					})
				}
				_, err := s.skip()
				return err
			})
			chain = append(chain, b)
			return err
		})
		chains = append(chains, chain)
		return err
	})
	return chains, err
}

// differ collects the differences found at one op, up to a limit.
type differ struct {
	lines    []string
	more     int
	chain    string // the first array whose chain differed: "buckets" or "oldbuckets"
	chainIdx int    // and that chain's index
}

func (d *differ) add(format string, args ...interface{}) {
	if len(d.lines) < 24 {
		d.lines = append(d.lines, fmt.Sprintf(format, args...))
	} else {
		d.more++
	}
}

func (d *differ) count() int { return len(d.lines) + d.more }

// compareChains compares two bucket arrays (name is "buckets" or
// "oldbuckets").
func (d *differ) compareChains(name string, exp, act [][]bucketJSON) {
	if len(exp) != len(act) {
		d.add("%s: expected %d chains, actual %d", name, len(exp), len(act))
		return
	}
	for ci := range exp {
		ec, ac := exp[ci], act[ci]
		where := fmt.Sprintf("%s[%d]", name, ci)
		before := d.count()
		if len(ec) != len(ac) {
			d.add("%s: chain of %d buckets expected, actual %d", where, len(ec), len(ac))
		}
		for bi := 0; bi < len(ec) && bi < len(ac); bi++ {
			d.compareBucket(fmt.Sprintf("%s bucket %d", where, bi), &ec[bi], &ac[bi])
		}
		if d.chain == "" && d.count() > before {
			d.chain, d.chainIdx = name, ci
		}
	}
}

func (d *differ) compareBucket(where string, e, a *bucketJSON) {
	if a.nt != bucketCnt || a.nk != bucketCnt || a.nv != bucketCnt {
		d.add("%s: actual bucket has %d tophash, %d keys, %d values (want 8 each)", where, a.nt, a.nk, a.nv)
		return
	}
	for i := 0; i < bucketCnt; i++ {
		if e.tophash[i] != a.tophash[i] {
			d.add("%s slot %d tophash: expected %d, actual %d", where, i, e.tophash[i], a.tophash[i])
		}
		if e.keys[i] != a.keys[i] {
			d.add("%s slot %d key: expected %s, actual %s", where, i, e.keys[i], a.keys[i])
		}
		if e.values[i] != a.values[i] {
			d.add("%s slot %d value: expected %s, actual %s", where, i, e.values[i], a.values[i])
		}
	}
}

// loadResult reads {"value":V,"ok":B}.
func loadResult(raw []byte) (value, ok scalar, err error) {
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

// rangeResult reads [[k,v],...].
func rangeResult(raw []byte) ([][2]scalar, error) {
	s := &scanner{b: raw}
	var pairs [][2]scalar
	err := s.array(func(int) error {
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
		pairs = append(pairs, p)
		return err
	})
	return pairs, err
}

// compareResult compares an op's result where its meaning is known.
func (d *differ) compareResult(op string, e, a []byte) {
	switch op {
	case "load":
		ev, eok, _ := loadResult(e)
		av, aok, err := loadResult(a)
		switch {
		case err != nil:
			d.add("result: expected {\"value\":%s,\"ok\":%s}, actual %.200s (%v)", ev, eok, a, err)
		case ev != av || eok != aok:
			d.add("result: expected value %s ok %s, actual value %s ok %s", ev, eok, av, aok)
		}
	case "len":
		if canon(e) != canon(a) {
			d.add("result: expected %s, actual %s", canon(e), canon(a))
		}
	case "range":
		ep, _ := rangeResult(e)
		ap, err := rangeResult(a)
		if err != nil {
			d.add("result: expected a list of [key, value] pairs, actual %.200s (%v)", a, err)
			return
		}
		for i := 0; i < len(ep) || i < len(ap); i++ {
			switch {
			case i >= len(ap):
				d.add("range: actual ends after %d entries, expected %d; next expected [%s, %s]",
					len(ap), len(ep), ep[i][0], ep[i][1])
				return
			case i >= len(ep):
				d.add("range: actual produced %d entries, expected %d; first extra [%s, %s]",
					len(ap), len(ep), ap[i][0], ap[i][1])
				return
			case ep[i] != ap[i]:
				d.add("range entry %d of %d: expected [%s, %s], actual [%s, %s]", i, len(ep),
					ep[i][0], ep[i][1], ap[i][0], ap[i][1])
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

// dumpChain renders chain idx of a state's buckets or oldbuckets.
func dumpChain(s *stateJSON, name string, idx int) string {
	chains := s.buckets
	if name == "oldbuckets" {
		chains = s.old
	}
	if idx >= len(chains) {
		return "      (absent)\n"
	}
	var b strings.Builder
	for bi, bk := range chains[idx] {
		fmt.Fprintf(&b, "      [%d] tophash %v\n", bi, bk.tophash)
		ks := make([]string, len(bk.keys))
		for i, k := range bk.keys {
			ks[i] = k.short()
		}
		vs := make([]string, len(bk.values))
		for i, v := range bk.values {
			vs[i] = v.String()
		}
		fmt.Fprintf(&b, "          keys   %s\n          values %s\n", strings.Join(ks, " "), strings.Join(vs, " "))
	}
	return b.String()
}

func header(s *stateJSON) string {
	old := "null"
	if !s.oldNull {
		old = fmt.Sprintf("%d chains", len(s.old))
	}
	return fmt.Sprintf("count %d B %d flags %d noverflow %d hash0 %d nevacuate %d buckets %d chains, oldbuckets %s",
		s.count, s.B, s.flags, s.noverflow, s.hash0, s.nevacuate, len(s.buckets), old)
}

// compareStates diffs two states; prevE and prevA are the states after
// the previous op (nil at the first).
func (d *differ) compareStates(es, as, prevE, prevA *stateJSON) {
	for _, f := range []struct {
		name string
		e, a int64
	}{{"count", es.count, as.count}, {"B", es.B, as.B}, {"flags", es.flags, as.flags},
		{"noverflow", es.noverflow, as.noverflow}, {"nevacuate", es.nevacuate, as.nevacuate}} {
		if f.e != f.a {
			d.add("%s: expected %d, actual %d", f.name, f.e, f.a)
		}
	}
	if prevE == nil {
		if es.hash0 != as.hash0 {
			d.add("hash0: expected %d (the scene's seed), actual %d", es.hash0, as.hash0)
		}
	} else {
		ec, ac := es.hash0 != prevE.hash0, as.hash0 != prevA.hash0
		switch {
		case ec && !ac:
			d.add("hash0: Go reseeded here (%d -> %d), the model kept %d", prevE.hash0, es.hash0, as.hash0)
		case !ec && ac:
			d.add("hash0: the model reseeded here (%d -> %d), Go kept %d", prevA.hash0, as.hash0, es.hash0)
		}
	}
	d.compareChains("buckets", es.buckets, as.buckets)
	switch {
	case es.oldNull && !as.oldNull:
		d.add("oldbuckets: expected null (not growing), actual %d chains", len(as.old))
	case !es.oldNull && as.oldNull:
		d.add("oldbuckets: expected %d chains (growing), actual null", len(es.old))
	case !es.oldNull:
		d.compareChains("oldbuckets", es.old, as.old)
	}
}

// compareTraces compares the two files and writes the verdict to out.
// It returns 0 (all ops equal), 1 (a difference), 2 (cannot read the
// expected trace).
func compareTraces(expName, actName string, out io.Writer) int {
	er, ecl, err := readTrace(expName)
	if err != nil {
		fmt.Fprintln(out, "oracle compare:", err)
		return 2
	}
	defer ecl()
	ar, acl, err := readTrace(actName)
	if err != nil {
		fmt.Fprintln(out, "oracle compare:", err)
		return 1
	}
	defer acl()

	var prevE, prevA *stateJSON
	for n := 1; ; n++ {
		ei := <-er
		e, err := ei.l, ei.err
		if err != nil {
			fmt.Fprintln(out, "oracle compare: expected trace:", err)
			return 2
		}
		if e != nil && e.typ == "end" {
			e = nil
		}
		ai := <-ar
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
		if e.sm != nil { // a sync.Map trace
			if report := compareSMLine(n, e, a); report != "" {
				fmt.Fprint(out, report)
				return 1
			}
			continue
		}
		if e.state == nil {
			fmt.Fprintf(out, "op %d: expected trace has no state (%v)\n", n, e.stateErr)
			return 2
		}
		if a.state == nil {
			why := "no state: run mapviz with --state full"
			if a.stateErr != nil {
				why = a.stateErr.Error()
			}
			fmt.Fprintf(out, "op %d (%s): actual: %s\n", n, describe(e), why)
			return 1
		}
		var d differ
		if e.hash != "" && a.hash != "" && !strings.EqualFold(e.hash, a.hash) {
			d.add("hash: expected %s, actual %s (the pinned hash was not used)", e.hash, a.hash)
		}
		d.compareResult(e.op, e.result, a.result)
		d.compareStates(e.state, a.state, prevE, prevA)
		if d.count() > 0 {
			fmt.Fprintf(out, "op %d (%s): differs (actual step %s)\n", n, describe(e), a.step)
			for _, l := range d.lines {
				fmt.Fprintln(out, "  "+l)
			}
			if d.more > 0 {
				fmt.Fprintf(out, "  ... and %d more differences\n", d.more)
			}
			fmt.Fprintf(out, "  expected: %s\n  actual:   %s\n", header(e.state), header(a.state))
			if d.chain != "" {
				where := fmt.Sprintf("%s[%d]", d.chain, d.chainIdx)
				fmt.Fprintf(out, "  expected %s:\n%s  actual %s:\n%s", where,
					dumpChain(e.state, d.chain, d.chainIdx), where, dumpChain(a.state, d.chain, d.chainIdx))
			}
			return 1
		}
		prevE, prevA = e.state, a.state
	}
}

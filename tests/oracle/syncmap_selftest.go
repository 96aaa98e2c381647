// `oracle selftest` checks for sync.Map: T6 and the rules of section S of
// go-map-semantics.md on the live runtime, read through the mirror in
// syncmap.go, and the sync.Map path of `oracle compare` on traces of every
// syncmap workload.
package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// smShow renders a state as T6 writes it: read.m / amended / dirty / misses,
// e.g. "{a:nil b} / false / nil / 0" (a value entry is just its key).
func smShow[K Key](st *smState[K]) string {
	show := func(m map[K]smEntryState) string {
		var parts []string
		for _, k := range sortedKeys(m) {
			s := strings.Trim(string(appendKey(nil, k, false)), `"`)
			switch m[k].kind {
			case 'n':
				s += ":nil"
			case 'x':
				s += ":EXPUNGED"
			}
			parts = append(parts, s)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	dirty := "nil"
	if st.dirty != nil {
		dirty = show(st.dirty)
	}
	return show(st.read) + " / " + strconv.FormatBool(st.amended) + " / " + dirty + " / " + strconv.Itoa(st.misses)
}

// chkSyncT6 replays T6 on a real sync.Map and checks every state.
func chkSyncT6(c *checkCtx) {
	var m sync.Map
	want := func(step, exp string) {
		got := smShow(readSyncMap[string](&m))
		c.expect(got == exp, "T6 %s: expected %s, got %s", step, exp, got)
	}
	want("zero", "{} / false / nil / 0")
	m.Store("a", int64(1))
	want("Store(a)", "{} / true / {a} / 0")
	m.Store("b", int64(2))
	want("Store(b)", "{} / true / {a,b} / 0")
	v, ok := m.Load("a")
	c.expect(ok && v == int64(1), "T6 Load(a) = %v, %v", v, ok)
	want("Load(a)", "{} / true / {a,b} / 1")
	_, ok = m.Load("zzz")
	c.expect(!ok, "T6 Load(zzz) found something")
	want("Load(zzz)", "{a,b} / false / nil / 0")
	m.Load("a")
	want("Load(a) again", "{a,b} / false / nil / 0")
	m.Delete("a")
	want("Delete(a)", "{a:nil,b} / false / nil / 0")
	m.Store("c", int64(3))
	want("Store(c)", "{a:EXPUNGED,b} / true / {b,c} / 0")
	// the sentinel the mirror calls expunged is the one the runtime wrote
	ro := (*smReadOnly)((*efaceWords)(unsafe.Pointer(&(*smMap)(unsafe.Pointer(&m)).read)).data)
	c.expect(ro.m["a"].p == smExpunged && smExpunged != nil, "T6: a's p is %p, sync.expunged %p", ro.m["a"].p, smExpunged)
	m.Store("a", int64(4))
	want("Store(a) unexpunge", "{a,b} / true / {a,b,c} / 0")
	n := 0
	m.Range(func(k, v any) bool { n++; return true })
	c.expect(n == 3, "T6 Range produced %d entries, want 3", n)
	want("Range", "{a,b,c} / false / nil / 0")
	act, loaded := m.LoadOrStore("d", int64(5))
	c.expect(!loaded && act == int64(5), "T6 LoadOrStore(d) = %v, %v", act, loaded)
	want("LoadOrStore(d)", "{a,b,c} / true / {a,b,c,d} / 0")
	act, loaded = m.LoadOrStore("d", int64(6))
	c.expect(loaded && act == int64(5), "T6 LoadOrStore(d) again = %v, %v", act, loaded)
	want("LoadOrStore(d) again", "{a,b,c} / true / {a,b,c,d} / 1")
}

// chkSyncRules checks the miss-counting and promotion rules the model
// depends on (S5–S11).
func chkSyncRules(c *checkCtx) {
	var m sync.Map
	st := func() *smState[int64] { return readSyncMap[int64](&m) }
	for k := int64(1); k <= 4; k++ {
		m.Store(k, k*10)
	}
	m.Store(int64(2), int64(21)) // a dirty hit under mu
	c.expect(st().misses == 0, "S7.6: Store counted a miss")
	m.Load(int64(100))
	c.expect(st().misses == 1, "S5: a Load of a key absent from dirty too did not count a miss")
	m.Load(int64(3))
	c.expect(st().misses == 2, "S5: a Load from dirty did not count a miss")
	m.LoadOrStore(int64(5), int64(50))
	c.expect(st().misses == 2, "S9: LoadOrStore of a new key counted a miss")
	m.LoadOrStore(int64(5), int64(51))
	c.expect(st().misses == 3, "S9.2: LoadOrStore's dirty hit did not count a miss")
	m.LoadAndDelete(int64(4)) // misses 4 >= len(dirty) 4 (after the delete): promote
	s := st()
	c.expect(s.dirty == nil && s.misses == 0 && len(s.read) == 4 && !s.amended,
		"S6/S10.1: LoadAndDelete from dirty: want promotion of 4 keys, got %s", smShow(s))
	_, gone := s.read[4]
	c.expect(!gone, "S10.1: the key was not removed from dirty")

	// S6: an empty non-nil dirty promotes on the first miss
	var e sync.Map
	e.Store(int64(1), int64(1))
	e.LoadAndDelete(int64(1))
	s = readSyncMap[int64](&e)
	c.expect(s.dirty == nil && len(s.read) == 0 && s.misses == 0, "S6: empty dirty: %s", smShow(s))

	// S7.1: a nil entry of read.m is revived in place; S10.2: Delete leaves the key in read.m
	m.Delete(int64(1))
	s = st()
	c.expect(s.read[1].kind == 'n' && s.dirty == nil, "S10.2: Delete of a read key: %s", smShow(s))
	m.Store(int64(1), int64(11))
	s = st()
	c.expect(s.read[1] == smEntryState{'v', 11} && s.dirty == nil, "S7.1: nil entry revived: %s", smShow(s))
	// S8 + S11.1: a new key builds dirty (expunging nil entries); Range promotes
	m.Delete(int64(2))
	m.Store(int64(9), int64(90))
	s = st()
	c.expect(s.read[2].kind == 'x' && s.amended && len(s.dirty) == 4, "S8: %s", smShow(s))
	m.Range(func(k, v any) bool { return true })
	s = st()
	c.expect(!s.amended && s.dirty == nil && len(s.read) == 4, "S11.1: %s", smShow(s))
}

// chkSyncTraces runs every syncmap workload with the invariants on, and
// checks `oracle compare` on its trace: equal to itself, different from a
// copy with one field changed.
func chkSyncTraces(c *checkCtx) {
	dir, err := os.MkdirTemp("", "oracle-selftest-")
	if !c.expect(err == nil, "temp dir: %v", err) {
		return
	}
	defer os.RemoveAll(dir)
	for i := range smWorkloads {
		w := &smWorkloads[i]
		for _, kind := range []string{"int", "string"} {
			var nops int
			var err error
			if kind == "int" {
				nops, err = genSM(w, w.ints, 42, dir, "selftest", kind)
			} else {
				nops, err = genSM(w, w.strs, 42, dir, "selftest", kind)
			}
			if !c.expect(err == nil, "%s/%s: %v", w.name, kind, err) {
				continue
			}
			exp := filepath.Join(dir, w.name+".expected.jsonl")
			var out strings.Builder
			rc := compareTraces(exp, exp, &out)
			c.expect(rc == 0 && out.String() == "ok "+strconv.Itoa(nops)+" ops\n",
				"%s/%s: compare with itself: exit %d: %s", w.name, kind, rc, out.String())
			// change the misses of the last op: compare must notice
			raw, _ := os.ReadFile(exp)
			lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
			last := lines[len(lines)-1]
			i := strings.LastIndex(last, `"misses":`)
			if !c.expect(i > 0, "%s/%s: no misses in the last line", w.name, kind) {
				continue
			}
			lines[len(lines)-1] = last[:i] + `"misses":12345}}`
			bad := filepath.Join(dir, w.name+".bad.jsonl")
			os.WriteFile(bad, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
			out.Reset()
			rc = compareTraces(exp, bad, &out)
			c.expect(rc == 1 && strings.Contains(out.String(), "misses: expected"),
				"%s/%s: a changed misses went unnoticed: exit %d: %s", w.name, kind, rc, out.String())
			c.notef("%s/%s: %d ops, %d KB expected trace", w.name, kind, nops, len(raw)/1024)
		}
	}
	// the T6 workload's first lines are T6's states
	tr := &smTracer[string]{}
	smT6(newSMWork(tr, 1))
	var got []string
	for _, l := range strings.Split(string(tr.exp), "\n")[:11] {
		i := strings.Index(l, `"state":`)
		got = append(got, l[i+len(`"state":`):len(l)-1])
	}
	want := []string{
		`{"read":{"amended":true,"entries":{}},"dirty":{"a":"value:1"},"misses":0}`,
		`{"read":{"amended":true,"entries":{}},"dirty":{"a":"value:1","b":"value:2"},"misses":0}`,
		`{"read":{"amended":true,"entries":{}},"dirty":{"a":"value:1","b":"value:2"},"misses":1}`,
		`{"read":{"amended":false,"entries":{"a":"value:1","b":"value:2"}},"dirty":null,"misses":0}`,
		`{"read":{"amended":false,"entries":{"a":"value:1","b":"value:2"}},"dirty":null,"misses":0}`,
		`{"read":{"amended":false,"entries":{"a":"nil","b":"value:2"}},"dirty":null,"misses":0}`,
		`{"read":{"amended":true,"entries":{"a":"expunged","b":"value:2"}},"dirty":{"b":"value:2","c":"value:3"},"misses":0}`,
		`{"read":{"amended":true,"entries":{"a":"value:4","b":"value:2"}},"dirty":{"a":"value:4","b":"value:2","c":"value:3"},"misses":0}`,
		`{"read":{"amended":false,"entries":{"a":"value:4","b":"value:2","c":"value:3"}},"dirty":null,"misses":0}`,
		`{"read":{"amended":true,"entries":{"a":"value:4","b":"value:2","c":"value:3"}},"dirty":{"a":"value:4","b":"value:2","c":"value:3","d":"value:5"},"misses":0}`,
		`{"read":{"amended":true,"entries":{"a":"value:4","b":"value:2","c":"value:3"}},"dirty":{"a":"value:4","b":"value:2","c":"value:3","d":"value:5"},"misses":1}`,
	}
	for i := range want {
		c.expect(got[i] == want[i], "syncmap-t6 op %d state:\n         expected %s\n         got      %s", i+1, want[i], got[i])
	}
}

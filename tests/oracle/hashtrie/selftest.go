// `oracle-hashtrie selftest`: before any verdict counts, prove on the live
// runtime that the oracle reads it right and that the sheet's HT rules hold.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

type check struct {
	name string
	fn   func(verbose bool) error
}

var checks = []check{
	{"hashes", checkHashes},
	{"init", checkInit},
	{"model", checkModel},
	{"compare", checkCompare},
}

func cmdSelftest(args []string) int {
	fs := flag.NewFlagSet("selftest", flag.ExitOnError)
	verbose := fs.Bool("v", false, "say what each check saw")
	fs.Parse(args)
	failed := 0
	for _, c := range checks {
		if err := c.fn(*verbose); err != nil {
			fmt.Printf("FAIL %s: %v\n", c.name, err)
			failed++
		} else {
			fmt.Printf("ok   %s\n", c.name)
		}
	}
	fmt.Printf("selftest: %d passed, %d failed\n", len(checks)-failed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}

// checkHashes: HT2.2 — sync.Map hashes an any by its value's memory, so
// int64(v), uint64(v), int(v), uint(v), uintptr(v) collide, and a string
// collides with its [N]uint8 and [N]int8 (but for N = 4 and 8, where the
// arrays hash with memhash32/memhash64); distinct values do not.
func checkHashes(verbose bool) error {
	var m sync.Map
	m.Load(0)
	h := trieOf(&m)
	for _, v := range []int64{0, 1, -1, 255, 256, 1 << 40, -1 << 62} {
		want := hashOf(h, v)
		for _, g := range []any{uint64(v), int(v), uint(v), uintptr(v)} {
			if hashOf(h, g) != want {
				return fmt.Errorf("%T(%d) hashes %x, int64 %x", g, v, hashOf(h, g), want)
			}
		}
		if hashOf(h, v+1) == want {
			return fmt.Errorf("int64 %d and %d collide", v, v+1)
		}
	}
	var odd []string
	for n := 0; n <= 20; n++ {
		s := strings.Repeat("x", n)
		if n > 0 {
			s = s[:n-1] + "y"
		}
		w := &work[string]{tr: &tracer[string]{h: h, sceneOf: map[any]string{}}, used: map[string]bool{},
			partners: map[any]okey[string]{}}
		p1, ok1 := w.partner(baseKey(s), 1)
		p2, ok2 := w.partner(baseKey(s), 2)
		if (n == 4 || n == 8) == (ok1 || ok2) {
			return fmt.Errorf("len %d: [N]uint8 collides %v, [N]int8 %v (expected %v)", n, ok1, ok2, n != 4 && n != 8)
		}
		if !ok1 {
			odd = append(odd, fmt.Sprintf("%d", n))
			continue
		}
		if hashOf(h, p1.gokey) != hashOf(h, s) || hashOf(h, p2.gokey) != hashOf(h, s) {
			return fmt.Errorf("len %d: partners do not collide", n)
		}
	}
	if verbose {
		fmt.Printf("    int64/uint64/int/uint/uintptr collide; string vs [N]byte collide but at N = %s\n", strings.Join(odd, ", "))
	}
	return nil
}

// checkInit: HT2.1 — the zero map has no root and seed 0; the first method
// (a Load, a Range, a Clear) inits it; HT2.3 — Clear keeps the seed.
func checkInit(verbose bool) error {
	for i, first := range []func(*sync.Map){
		func(m *sync.Map) { m.Load(int64(1)) },
		func(m *sync.Map) { m.Range(func(k, v any) bool { return true }) },
		func(m *sync.Map) { m.Clear() },
		func(m *sync.Map) { m.CompareAndDelete(int64(1), int64(1)) },
	} {
		m := new(sync.Map)
		h := trieOf(m)
		if h.inited != 0 || h.root != nil || h.seed != 0 {
			return fmt.Errorf("a zero sync.Map is already inited")
		}
		first(m)
		if h.inited != 1 || h.root == nil {
			return fmt.Errorf("first op %d did not init the map", i)
		}
		for _, c := range h.root.children {
			if c != nil {
				return fmt.Errorf("first op %d left a child in the root", i)
			}
		}
		seed, root := h.seed, h.root
		m.Store(int64(5), int64(5))
		m.Clear()
		if h.seed != seed || h.root == root || h.root == nil {
			return fmt.Errorf("Clear: seed %x -> %x, root replaced %v", seed, h.seed, h.root != root)
		}
	}
	return nil
}

// checkModel: every workload, both key kinds, with the reference model in
// lockstep — the sheet's rules reproduce the runtime after every op — and
// each workload covers what it says it does.
func checkModel(verbose bool) error {
	for _, w := range workloads {
		for _, kind := range []string{"int", "string"} {
			var st *stats
			var merr error
			seed := workSeed(w.name, 12345)
			if kind == "int" {
				tr := newTracer[int64]().withModel()
				tr.quiet = true
				w.ints(newWork(tr, seed))
				st, merr = &tr.st, tr.modelErr
				if tr.err != nil {
					return tr.err
				}
			} else {
				tr := newTracer[string]().withModel()
				tr.quiet = true
				w.strs(newWork(tr, seed))
				st, merr = &tr.st, tr.modelErr
				if tr.err != nil {
					return tr.err
				}
			}
			if merr != nil {
				return fmt.Errorf("%s/%s: %v", w.name, kind, merr)
			}
			if why := covers(w.name, kind, st); why != "" {
				return fmt.Errorf("%s/%s does not cover what it says: %s (%s)", w.name, kind, why, st)
			}
			if verbose {
				fmt.Printf("    %s/%s: %s\n", w.name, kind, st)
			}
		}
	}
	return nil
}

func covers(name, kind string, s *stats) string {
	switch name {
	case "columns":
		if s.maxDepth < 6 {
			return "no column 5 levels below the root"
		}
	case "collide":
		want := 5
		if kind == "string" {
			want = 3
		}
		if s.maxChain < want {
			return fmt.Sprintf("longest chain %d < %d", s.maxChain, want)
		}
	case "prune":
		if s.prunes == 0 {
			return "nothing pruned"
		}
	case "cas":
		if s.casHit == 0 || s.casMiss == 0 || s.cadHit == 0 || s.cadMiss == 0 {
			return "a CAS/CAD hit or miss is missing"
		}
	case "clear":
		if s.clears < 5 {
			return "fewer than 5 clears"
		}
	case "range":
		if s.ranges < 15 || s.maxEntries < 400 {
			return "too few ranges or entries"
		}
	case "basic":
		if s.losLoaded == 0 || s.losStored == 0 || s.expands == 0 {
			return "load_or_store both ways and an expand expected"
		}
	case "mixed":
		if s.losLoaded == 0 || s.losStored == 0 || s.expands == 0 || s.prunes == 0 || s.collisions == 0 {
			return "load_or_store both ways, an expand, a prune and a collision expected"
		}
	}
	if s.inits != 1 {
		return fmt.Sprintf("%d inits", s.inits)
	}
	return ""
}

// checkCompare: the comparator on traces made for it.
func checkCompare(verbose bool) error {
	dir, err := os.MkdirTemp("", "oracle-hashtrie-selftest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, kind := range []string{"int", "string"} {
		w := findWorkload("collide")
		var merr error
		if kind == "int" {
			_, merr, err = gen(w.ints, 7, dir, "t", "selftest", kind)
		} else {
			_, merr, err = gen(w.strs, 7, dir, "t", "selftest", kind)
		}
		if err != nil || merr != nil {
			return fmt.Errorf("gen: %v %v", err, merr)
		}
		exp := filepath.Join(dir, "t.expected.jsonl")
		data, _ := os.ReadFile(exp)
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		try := func(what string, act []string, want int, wantText string) error {
			p := filepath.Join(dir, "act.jsonl")
			os.WriteFile(p, []byte(strings.Join(act, "\n")+"\n"), 0o644)
			var sb strings.Builder
			got := compareFiles(exp, p, &sb)
			if got != want || !strings.Contains(sb.String(), wantText) {
				return fmt.Errorf("%s/%s: exit %d (want %d), said %q (want %q)", kind, what, got, want, sb.String(), wantText)
			}
			if verbose {
				fmt.Printf("    %s/%s: %s", kind, what, sb.String())
			}
			return nil
		}
		mod := func(i int, from, to string) []string {
			c := append([]string(nil), lines...)
			if !strings.Contains(c[i], from) {
				panic(fmt.Sprintf("line %d has no %q", i, from))
			}
			c[i] = strings.Replace(c[i], from, to, 1)
			return c
		}
		// the first op line holding a chain of 2 and one holding a range
		chainAt, rangeAt, loadAt := -1, -1, -1
		for i, l := range lines {
			if chainAt < 0 && strings.Contains(l, `"entries":[{"key":`) && strings.Count(l, `"key":`) >= 3 &&
				strings.Contains(l, `},{"key":`) {
				chainAt = i
			}
			if rangeAt < 0 && strings.Contains(l, `"op":"range"`) && strings.Contains(l, `"keys":[`) && strings.Contains(l, ",") {
				rangeAt = i
			}
			if loadAt < 0 && strings.Contains(l, `"op":"load"`) && strings.Contains(l, `"ok":true`) {
				loadAt = i
			}
		}
		if chainAt < 0 || rangeAt < 0 || loadAt < 0 {
			return fmt.Errorf("%s: the selftest trace lacks a chain, range or load", kind)
		}
		framed := append([]string{`{"type":"scene","title":"x","state":{"engine":"hashtrie","inited":false,"root":null},"extra":1}`},
			lines[1:]...)
		framed = append(framed, `{"type":"end","steps":9,"status":"ok","message":""}`)
		if err := try("itself", lines, 0, "ok "); err != nil {
			return err
		}
		if err := try("framed", framed, 0, "ok "); err != nil {
			return err
		}
		// a chain's order swapped
		l := lines[chainAt]
		i := strings.Index(l, `"entries":[{`) + len(`"entries":[`)
		j := strings.Index(l[i:], `},{`) + i + 1
		k := strings.Index(l[j+1:], `}`) + j + 2
		swapped := l[:i] + l[j+1:k] + "," + l[i:j] + l[k:]
		c := append([]string(nil), lines...)
		c[chainAt] = swapped
		if err := try("chain order", c, 1, ".key: expected"); err != nil {
			return err
		}
		if err := try("value", mod(loadAt, `"ok":true`, `"ok":false`), 1, "result: expected"); err != nil {
			return err
		}
		if err := try("inited", mod(2, `"inited":true`, `"inited":false`), 1, "inited: expected true, got false"); err != nil {
			return err
		}
		if err := try("zero map", mod(0, `"root":null`, `"root":{"indirect":[null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null]}`), 1, "scene line"); err != nil {
			return err
		}
		r := lines[rangeAt]
		ks := strings.Index(r, `"keys":[`) + len(`"keys":[`)
		comma := strings.Index(r[ks:], ",") + ks
		end := strings.IndexAny(r[comma+1:], ",]") + comma + 1
		c = append([]string(nil), lines...)
		c[rangeAt] = r[:ks] + r[comma+1:end] + "," + r[ks:comma] + r[end:]
		if err := try("range order", c, 1, "range keys differ at position 0"); err != nil {
			return err
		}
		if err := try("truncated", lines[:len(lines)-3], 1, "missing"); err != nil {
			return err
		}
		fatal := append(append([]string(nil), lines...), `{"type":"end","status":"fatal","message":"boom"}`)
		if err := try("fatal end", fatal, 1, `status "fatal"`); err != nil {
			return err
		}
		other := []string{`{"type":"scene","state":{"read":{"amended":false,"entries":{}},"dirty":null,"misses":0}}`,
			`{"type":"op","op":"store","key":1,"state":{"read":{"amended":true,"entries":{}},"dirty":{"1":"value:2"},"misses":0}}`}
		if err := try("other engine", other, 3, "not a hashtrie trace"); err != nil {
			return err
		}
	}
	return nil
}

// `oracle-swiss selftest`: proves the oracle reads this runtime right, and
// checks the rules of go-swiss-semantics.md against it, before any verdict
// on mapviz counts.  A failing check means the sheet or the oracle's
// mirrors are wrong; either way its traces cannot be trusted until fixed.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
	"unsafe"
)

type check struct {
	name  string
	rules string
	run   func(c *checkCtx)
}

type checkCtx struct {
	fails []string
	notes []string
}

func (c *checkCtx) failf(format string, args ...any) {
	if len(c.fails) < 20 {
		c.fails = append(c.fails, fmt.Sprintf(format, args...))
	}
}

func (c *checkCtx) expect(ok bool, format string, args ...any) bool {
	if !ok {
		c.failf(format, args...)
	}
	return ok
}

func (c *checkCtx) notef(format string, args ...any) {
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

var checks = []check{
	{"runtime", "VER.5 OR1.1 OR1.2 SW1.7", chkRuntime},
	{"make", "SW2.2 SW3.1-SW3.6", chkMake},
	{"small map", "SW2.1-SW2.8", chkSmall},
	{"placement", "SW1.4 SW1.9-SW1.13 SW4.1-SW4.3 SW4.13 SW5.10 OR1.3", chkPlacement},
	{"seeds and clear", "SW4.10 SW8.1-SW8.5 VER.10", chkSeeds},
	{"iteration order", "SW6.3 SW6.5-SW6.7 OR1.5", chkIteration},
	{"fast-path pruning", "SW4.5 SW4.14 SW4.15 OR3.2", chkPruning},
	{"model vs runtime", "SW2-SW6 SW8 (every workload, both key types)", chkModel},
	{"compare", "the comparator on hand-made actual traces", chkCompare},
}

func cmdSelftest(args []string) int {
	fs := flag.NewFlagSet("selftest", flag.ExitOnError)
	verbose := fs.Bool("v", false, "print every observation")
	fs.Parse(args)
	fmt.Printf("oracle-swiss selftest on %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	failed := 0
	for _, ch := range checks {
		c := &checkCtx{}
		t0 := time.Now()
		func() {
			defer func() {
				if r := recover(); r != nil {
					c.failf("panic: %v", r)
				}
			}()
			ch.run(c)
		}()
		status := "ok  "
		if len(c.fails) > 0 {
			status = "FAIL"
			failed++
		}
		fmt.Printf("%s %-18s %5.1fs (%s)\n", status, ch.name, time.Since(t0).Seconds(), ch.rules)
		for _, f := range c.fails {
			fmt.Printf("       FAIL: %s\n", f)
		}
		if *verbose || len(c.fails) > 0 {
			for _, n := range c.notes {
				fmt.Printf("       %s\n", n)
			}
		}
	}
	fmt.Printf("selftest: %d passed, %d failed\n", len(checks)-failed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}

// runFor is the workload's body for key type K.
func runFor[K Key](w *workload) func(*work[K]) {
	var f any = w.ints
	if _, ok := any(*new(K)).(string); ok {
		f = w.strs
	}
	return f.(func(*work[K]))
}

// quietTracer is a tracer that records nothing but states.
func quietTracer[K Key](hint int) *tracer[K] {
	tr := newTracer[K](hint)
	tr.quiet = true
	return tr
}

// --- runtime ---------------------------------------------------------------

func chkRuntime(c *checkCtx) {
	c.expect(goMinor(runtime.Version()) == 26, "runtime %s is not Go 1.26", runtime.Version())
	c.expect(unsafe.Sizeof(rtMap{}) == 48 && unsafe.Sizeof(rtTable{}) == 32 && unsafe.Sizeof(rtIter{}) == 96,
		"mirror sizes Map %d table %d Iter %d, want 48/32/96 (VER.5)", unsafe.Sizeof(rtMap{}),
		unsafe.Sizeof(rtTable{}), unsafe.Sizeof(rtIter{}))
	c.expect(unsafe.Sizeof(mapType{}) == 112, "abi.MapType mirror is %d bytes, want 112 (OR1.2)", unsafe.Sizeof(mapType{}))
	layout := func(kind string, t *mapType, keySize, group, slot, elemOff uintptr, flags uint32) {
		c.expect(t.typ.kind == kindMap, "%s: abi.Type.Kind_ %d, want %d (map)", kind, t.typ.kind, kindMap)
		c.expect(t.key.size == keySize && t.elem.size == 8, "%s: key size %d elem size %d", kind, t.key.size, t.elem.size)
		c.expect(t.groupSize == group && t.slotSize == slot && t.elemOff == elemOff && t.flags == flags &&
			t.group.size == group, "%s: GroupSize %d (group type %d) SlotSize %d ElemOff %d Flags %d, want %d %d %d %d (SW1.7)",
			kind, t.groupSize, t.group.size, t.slotSize, t.elemOff, t.flags, group, slot, elemOff, flags)
	}
	layout("map[int64]int64", mapTypeOf[int64](), 8, 136, 16, 8, 0)
	layout("map[string]int64", mapTypeOf[string](), 16, 200, 24, 16, 1)
	// len(m) is used (SW1.1), and the hasher is the map's (OR1.3): a
	// different seed gives a different hash.
	tr := quietTracer[int64](0)
	for i := int64(0); i < 100; i++ {
		tr.store(i*7919, i)
	}
	c.expect(uint64(len(tr.m)) == mapOf(tr.m).used, "len(m) %d != Map.used %d", len(tr.m), mapOf(tr.m).used)
	t := mapTypeOf[int64]()
	k := int64(42)
	c.expect(hashOf(t, 1, k) != hashOf(t, 2, k), "the hasher ignores its seed")
	c.expect(hashOf(t, 7, k) == hashOf(t, 7, k), "the hasher is not deterministic")
	c.notef("seed %#x, hash(42) %#x", tr.seed(), tr.hash(42))
}

// --- make -------------------------------------------------------------------

func chkMake(c *checkCtx) {
	for _, kind := range []string{"int", "string"} {
		for _, tc := range []struct {
			hint, dirLen, capacity, growthLeft int
		}{{0, 0, 0, 0}, {1, 0, 0, 0}, {8, 0, 0, 0}, {9, 1, 16, 14}, {14, 1, 16, 14}, {15, 1, 32, 28},
			{100, 1, 128, 112}, {896, 1, 1024, 896}, {897, 2, 512, 448}, {1000, 2, 1024, 896},
			{1792, 2, 1024, 896}, {1793, 4, 512, 448}, {5000, 8, 1024, 896}, {100000, 128, 1024, 896}} {
			var s *mapState[int64]
			var ss *mapState[string]
			if kind == "int" {
				s = snapshot(mapTypeOf[int64](), makeMap[int64](tc.hint))
			} else {
				ss = snapshot(mapTypeOf[string](), makeMap[string](tc.hint))
				s = &mapState[int64]{nilDir: ss.nilDir, used: ss.used, dirLen: ss.dirLen, globalDepth: ss.globalDepth,
					globalShift: ss.globalShift, directory: ss.directory}
				for _, t := range ss.tables {
					s.tables = append(s.tables, &tableState[int64]{index: t.index, localDepth: t.localDepth,
						capacity: t.capacity, used: t.used, growthLeft: t.growthLeft})
				}
			}
			where := fmt.Sprintf("%s make(m, %d)", kind, tc.hint)
			if tc.dirLen == 0 {
				c.expect(s.nilDir && s.used == 0 && s.dirLen == 0, "%s: dirPtr nil %v used %d dirLen %d, want nil, 0, 0 (SW2.2)",
					where, s.nilDir, s.used, s.dirLen)
				continue
			}
			gd := uint8(0)
			for 1<<gd < tc.dirLen {
				gd++
			}
			if !c.expect(s.dirLen == tc.dirLen && s.globalDepth == gd && s.globalShift == 64-gd && len(s.tables) == tc.dirLen,
				"%s: dirLen %d globalDepth %d globalShift %d tables %d, want %d %d %d %d (SW3.3)", where,
				s.dirLen, s.globalDepth, s.globalShift, len(s.tables), tc.dirLen, gd, 64-gd, tc.dirLen) {
				continue
			}
			for i, t := range s.tables {
				c.expect(int(t.capacity) == tc.capacity && int(t.growthLeft) == tc.growthLeft && t.index == i &&
					t.localDepth == gd && t.used == 0, "%s: table %d capacity %d growthLeft %d index %d localDepth %d, want %d %d %d %d (SW3.6)",
					where, i, t.capacity, t.growthLeft, t.index, t.localDepth, tc.capacity, tc.growthLeft, i, gd)
			}
		}
	}
	// The model's make agrees (SW3.3 as code).
	for _, h := range []int{0, 8, 9, 15, 100, 897, 1000, 1793, 5000} {
		tr := quietTracer[int64](h).withModel()
		c.expect(tr.modelErr == nil, "model make(m, %d): %v", h, tr.modelErr)
	}
}

// --- small map --------------------------------------------------------------

func chkSmall(c *checkCtx) {
	smallFor[int64](c, func(i int) int64 { return int64(i * 1000003) })
	smallFor[string](c, func(i int) string { return fmt.Sprintf("k%d\x00é", i) })
}

func smallFor[K Key](c *checkCtx, key func(int) K) {
	tr := quietTracer[K](0)
	kind := fmt.Sprintf("%T", *new(K))
	tr.store(key(0), 0)
	c.expect(tr.last.small != nil && tr.last.dirLen == 0, "%s: first write did not make a small group (SW2.2)", kind)
	for i := 1; i < 8; i++ {
		tr.store(key(i), int64(i))
	}
	g := tr.last.small
	for i := 0; i < 8; i++ { // SW2.3: slots in insert order, ctrl = H2
		c.expect(g.keys[i] == key(i) && g.ctrl[i] == h2(tr.hash(key(i))),
			"%s: slot %d holds %v ctrl %#x, want key %v ctrl %#x (SW2.3)", kind, i, g.keys[i], g.ctrl[i], key(i), h2(tr.hash(key(i))))
	}
	c.expect(tr.last.used == 8 && tr.last.small != nil, "%s: 8 entries are not a full small map (SW2.8)", kind)
	tr.del(key(3))
	c.expect(tr.last.small.ctrl[3] == ctrlEmpty && tr.last.used == 7, "%s: delete left ctrl %#x (SW2.4: empty, never a tombstone)",
		kind, tr.last.small.ctrl[3])
	tr.store(key(100), 100)
	c.expect(tr.last.small.keys[3] == key(100), "%s: a new key did not take the lowest free slot 3 (SW2.3)", kind)
	tr.store(key(5), 55) // an update at 8 entries converts (SW2.6)
	s := tr.last
	if c.expect(s.small == nil && s.dirLen == 1 && len(s.tables) == 1, "%s: an update at 8 entries did not convert (SW2.6)", kind) {
		t := s.tables[0]
		c.expect(t.capacity == 16 && t.used == 8 && t.growthLeft == 6 && s.globalShift == 64 && t.localDepth == 0 && t.index == 0,
			"%s: after conversion capacity %d used %d growthLeft %d globalShift %d, want 16 8 6 64 (SW2.6)",
			kind, t.capacity, t.used, t.growthLeft, s.globalShift)
	}
	// A 9th key on a fresh 8-entry map converts too: used 9, growthLeft 5.
	tr2 := quietTracer[K](0)
	for i := 0; i < 9; i++ {
		tr2.store(key(i), int64(i))
	}
	if t := tr2.last.tables; c.expect(len(t) == 1, "%s: 9 keys are not one table", kind) {
		c.expect(t[0].capacity == 16 && t[0].used == 9 && t[0].growthLeft == 5, "%s: 9 keys: capacity %d used %d growthLeft %d, want 16 9 5",
			kind, t[0].capacity, t[0].used, t[0].growthLeft)
	}
	// A map never goes back to small (SW2.7).
	for i := 0; i < 9; i++ {
		tr2.del(key(i))
	}
	c.expect(tr2.last.small == nil && len(tr2.last.tables) == 1 && tr2.last.used == 0, "%s: an emptied table map changed shape (SW2.7, SW8.4)", kind)
}

// --- placement ----------------------------------------------------------------

// checkInvariants checks a state against the structural rules: every full
// slot's ctrl is H2 of its key's real hash and the key sits in the table
// the top globalDepth bits pick, on its probe sequence, with every group
// before it on that sequence holding no empty slot; directory runs are
// aligned and contiguous; growthLeft = 7/8 capacity - used - tombstones; no
// group holds both a tombstone and an empty slot.
func checkInvariants[K Key](tr *tracer[K], s *mapState[K]) error {
	if s.writing != 0 {
		return fmt.Errorf("writing = %d between ops (SW7.1)", s.writing)
	}
	if uint64(len(tr.m)) != s.used {
		return fmt.Errorf("len(m) %d != used %d", len(tr.m), s.used)
	}
	if s.small != nil {
		n := 0
		for i, c := range s.small.ctrl {
			if isFull(c) {
				n++
				if c != h2(tr.hash(s.small.keys[i])) {
					return fmt.Errorf("small slot %d: ctrl %#x != H2 %#x (SW1.9)", i, c, h2(tr.hash(s.small.keys[i])))
				}
			} else if c != ctrlEmpty {
				return fmt.Errorf("small slot %d: ctrl %#x, a small map has no tombstones (SW2.1)", i, c)
			}
		}
		if uint64(n) != s.used {
			return fmt.Errorf("small map: %d full slots, used %d", n, s.used)
		}
		return nil
	}
	if len(s.tables) == 0 {
		return nil
	}
	if s.dirLen != 1<<s.globalDepth || s.globalShift != 64-s.globalDepth {
		return fmt.Errorf("dirLen %d globalDepth %d globalShift %d (SW1.1)", s.dirLen, s.globalDepth, s.globalShift)
	}
	total := uint64(0)
	for ti, t := range s.tables {
		span := 1 << (s.globalDepth - t.localDepth)
		if t.index%span != 0 || t.index+span > s.dirLen {
			return fmt.Errorf("table %d: index %d is not an aligned run of %d (SW1.4)", ti, t.index, span)
		}
		for i := 0; i < s.dirLen; i++ {
			if (s.directory[i] == ti) != (i >= t.index && i < t.index+span) {
				return fmt.Errorf("table %d (index %d, localDepth %d): directory %v (SW1.4, SW5.10)", ti, t.index, t.localDepth, s.directory)
			}
		}
		full, tomb := 0, 0
		for gi := range t.groups {
			g := &t.groups[gi]
			hasEmpty, hasTomb := false, false
			for i, c := range g.ctrl {
				switch {
				case c == ctrlEmpty:
					hasEmpty = true
				case c == ctrlDeleted:
					hasTomb = true
					tomb++
				case isFull(c):
					full++
					h := tr.hash(g.keys[i])
					if c != h2(h) {
						return fmt.Errorf("table %d group %d slot %d: ctrl %#x != H2 %#x (SW1.9)", ti, gi, i, c, h2(h))
					}
					if d := dirIndex(h, s.globalDepth); s.directory[d] != ti {
						return fmt.Errorf("table %d group %d slot %d: key in table %d, but its top bits pick directory %d (SW1.12)", ti, gi, i, ti, d)
					}
					// SW4.1, SW4.2: on the probe sequence, after groups without an empty slot.
					off := h1(h) & t.lengthMask
					for n := uint64(1); off != uint64(gi); n++ {
						for _, cc := range t.groups[off].ctrl {
							if cc == ctrlEmpty {
								return fmt.Errorf("table %d: key in group %d, but group %d on its probe sequence has an empty slot (SW4.2)", ti, gi, off)
							}
						}
						if n > t.lengthMask+1 {
							return fmt.Errorf("table %d: key in group %d is not on its probe sequence (SW4.1)", ti, gi)
						}
						off = (off + n) & t.lengthMask
					}
				default:
					return fmt.Errorf("table %d group %d slot %d: ctrl %#x is neither empty, deleted nor full (SW1.9)", ti, gi, i, c)
				}
			}
			if hasEmpty && hasTomb {
				return fmt.Errorf("table %d group %d holds a tombstone and an empty slot (SW4.3)", ti, gi)
			}
		}
		if full != int(t.used) || int(t.growthLeft) != int(t.capacity)*7/8-full-tomb {
			return fmt.Errorf("table %d: used %d full %d tombstones %d growthLeft %d capacity %d (SW4.13)", ti, t.used, full, tomb, t.growthLeft, t.capacity)
		}
		if t.lengthMask+1 != uint64(t.capacity)/8 || t.capacity > maxTableCapacity {
			return fmt.Errorf("table %d: capacity %d with %d groups", ti, t.capacity, t.lengthMask+1)
		}
		total += uint64(full)
	}
	if total != s.used {
		return fmt.Errorf("tables hold %d entries, used %d", total, s.used)
	}
	return nil
}

func chkPlacement(c *checkCtx) {
	placementFor[int64](c, "int")
	placementFor[string](c, "string")
}

func placementFor[K Key](c *checkCtx, kind string) {
	for _, name := range []string{"grow", "split", "churn", "hint1000", "hint5000", "mixed", "drain"} {
		w := findWorkload(name)
		tr := quietTracer[K](w.hint)
		tr.check = func(op string, prev, cur *mapState[K]) error { return checkInvariants(tr, cur) }
		runFor[K](w)(newWork(tr, workSeed(name, 4242)))
		c.expect(tr.checkErr == nil, "%s/%s: %v", name, kind, tr.checkErr)
		c.notef("%s/%s: %s", name, kind, &tr.st)
	}
}

// --- seeds and clear ----------------------------------------------------------

func chkSeeds(c *checkCtx) {
	tr := quietTracer[int64](0)
	s0 := tr.seed()
	tr.clear() // never written: nothing (SW8.1)
	c.expect(tr.seed() == s0 && tr.last.clearSeq == 0, "clear of a never-written map reseeded or counted")
	tr.store(1, 1)
	tr.del(2)
	c.expect(tr.seed() == s0, "a delete of a missing key reseeded (SW8.3)")
	tr.del(1)
	s1 := tr.seed()
	c.expect(s1 != s0, "a delete that empties the map kept the seed (SW4.10 step 4)")
	tr.del(1)
	tr.clear()
	c.expect(tr.seed() == s1 && tr.last.clearSeq == 0, "clear of an empty small map reseeded or counted (SW8.1)")
	tr.store(1, 1)
	tr.clear()
	c.expect(tr.seed() != s1 && tr.last.clearSeq == 1 && tr.last.small != nil, "clear of a 1-entry map: clearSeq %d, seed changed %v, group kept %v (SW8.1, VER.5)",
		tr.last.clearSeq, tr.seed() != s1, tr.last.small != nil)

	// VER.10: fill a 256-slot table to 224, delete all: tombstones remain,
	// tombstonePossible is set, and clear wipes them although used == 0.
	tr = quietTracer[int64](0)
	for i := int64(0); i < 224; i++ {
		tr.store(i, i)
	}
	if !c.expect(len(tr.last.tables) == 1 && tr.last.tables[0].capacity == 256, "224 keys are not one 256-slot table") {
		return
	}
	for i := int64(0); i < 224; i++ {
		tr.del(i)
	}
	t := tr.last.tables[0]
	tomb := t.tombstones()
	c.expect(tomb > 0 && tr.last.tombstonePossible && tr.last.used == 0, "after deleting all: tombstones %d tombstonePossible %v used %d",
		tomb, tr.last.tombstonePossible, tr.last.used)
	s2 := tr.seed()
	tr.clear()
	t = tr.last.tables[0]
	c.expect(t.tombstones() == 0 && t.growthLeft == 224 && tr.last.clearSeq == 1 && tr.seed() != s2 && !tr.last.tombstonePossible,
		"clear of an empty map with tombstones: tombstones %d growthLeft %d clearSeq %d reseeded %v tombstonePossible %v (SW8.1, VER.10)",
		t.tombstones(), t.growthLeft, tr.last.clearSeq, tr.seed() != s2, tr.last.tombstonePossible)
	tr.clear()
	c.expect(tr.last.clearSeq == 1, "a second clear of an empty map without tombstones counted (SW8.1)")
	c.notef("VER.10: %d tombstones left by deleting 224 keys", tomb)
}

// --- iteration ----------------------------------------------------------------

func chkIteration(c *checkCtx) {
	iterFor[int64](c, "int")
	iterFor[string](c, "string")
}

func iterFor[K Key](c *checkCtx, kind string) {
	// An empty map's iterator draws nothing (SW6.3).
	tr := quietTracer[K](0)
	_, eo, do, ok := iterStart(tr.t, tr.m)
	c.expect(!ok && eo == 0 && do == 0, "%s: empty map: Next %v offsets %d %d (SW6.3)", kind, ok, eo, do)
	ranges, tables, small := 0, 0, 0
	for _, name := range []string{"small", "range", "hint5000", "split"} {
		w := findWorkload(name)
		tr := quietTracer[K](w.hint)
		wk := newWork(tr, workSeed(name, 99))
		run := runFor[K](w)
		// After every range op and every 7th op, when the map is not
		// empty, range it again and compare the order with SW6.7's order
		// function, with the raw and with the masked offsets.
		tr.check = func(op string, prev, cur *mapState[K]) error {
			if op != "range" && tr.st.ops%7 != 0 {
				return nil
			}
			if cur.used == 0 {
				return nil
			}
			it, eo, do, ok := iterStart(tr.t, tr.m)
			var got []K
			for more := ok; more; more = it.Next() {
				got = append(got, iterKey[K](it))
			}
			ranges++
			if cur.small != nil {
				small++
			} else if len(cur.tables) > 1 {
				tables++
			}
			if want := orderOf(cur, eo, do); !slices.Equal(got, want) {
				return fmt.Errorf("iteration order %v differs from SW6.7's %v (entryOffset %d dirOffset %d)", short(got), short(want), eo, do)
			}
			if want := orderOf(cur, eo&entryOffsetMask, do&dirOffsetMask); !slices.Equal(got, want) {
				return fmt.Errorf("iteration order differs from SW6.7's with the masked offsets")
			}
			return nil
		}
		run(wk)
		c.expect(tr.checkErr == nil, "%s/%s: %v", name, kind, tr.checkErr)
	}
	c.expect(small > 0 && tables > 0, "%s: ranges on small maps %d, on multi-table maps %d", kind, small, tables)
	c.notef("%s: %d iterations matched SW6.7 (%d small, %d multi-table)", kind, ranges, small, tables)
}

func short[K Key](keys []K) string {
	s := fmt.Sprint(keys)
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// --- pruning ------------------------------------------------------------------

func chkPruning(c *checkCtx) {
	pruningFor[int64](c, "int")
	pruningFor[string](c, "string")
}

// pruningFor runs the churn workload until a store prunes (a store that
// raises growthLeft pruned, SW4.15): the oracle's plain m[k] = v runs a
// pruning fast path (SW4.14, OR3.2).  Whether a given run prunes depends on
// the hashes; eight runs without any prune mean the stores do not prune.
func pruningFor[K Key](c *checkCtx, kind string) {
	w := findWorkload("churn")
	tomb := 0
	for i := int64(0); i < 8; i++ {
		tr := quietTracer[K](0)
		runFor[K](w)(newWork(tr, workSeed("churn", uint64(i))))
		tomb += tr.st.tombstones
		if tr.st.prunes > 0 {
			c.notef("%s churn: %s", kind, &tr.st)
			return
		}
	}
	c.failf("%s: 8 churn runs made %d tombstones but no store pruned: the oracle's stores are not on a pruning path (SW4.14)", kind, tomb)
}

// --- model --------------------------------------------------------------------

func chkModel(c *checkCtx) {
	var sum [2]stats
	for _, w := range workloads {
		for ki, kind := range []string{"int", "string"} {
			var st stats
			var err error
			if kind == "int" {
				tr := quietTracer[int64](w.hint).withModel()
				w.ints(newWork(tr, workSeed(w.name, 1234)))
				st, err = tr.st, tr.modelErr
			} else {
				tr := quietTracer[string](w.hint).withModel()
				w.strs(newWork(tr, workSeed(w.name, 1234)))
				st, err = tr.st, tr.modelErr
			}
			c.expect(err == nil, "%s/%s: the model disagrees with the runtime at %v", w.name, kind, err)
			s := &sum[ki]
			s.ops += st.ops
			s.conversions += st.conversions
			s.grows += st.grows
			s.splits += st.splits
			s.dirDoublings += st.dirDoublings
			s.tombstones += st.tombstones
			s.prunes += st.prunes
			s.reseeds += st.reseeds
			s.clears += st.clears
			s.ranges += st.ranges
			s.maxTables = max(s.maxTables, st.maxTables)
		}
	}
	c.notef("int: %s", &sum[0])
	c.notef("string: %s", &sum[1])
}

// --- compare ------------------------------------------------------------------

// chkCompare makes a trace (split/string, with its model trace) and feeds
// compare hand-made actual traces: the expected trace itself, the model's,
// mapviz-like framing, and mutations that must be reported precisely.
func chkCompare(c *checkCtx) {
	dir, err := os.MkdirTemp("", "oracle-swiss-selftest")
	if !c.expect(err == nil, "%v", err) {
		return
	}
	defer os.RemoveAll(dir)
	w := findWorkload("split")
	model := filepath.Join(dir, "model.jsonl")
	if _, merr, err := gen(w, w.strs, 5, dir, "selftest", "string", model); !c.expect(err == nil && merr == nil, "gen: %v %v", err, merr) {
		return
	}
	full, _ := os.ReadFile(filepath.Join(dir, "split.expected.jsonl"))
	mfull, _ := os.ReadFile(model)
	all := bytes.SplitAfter(full, []byte("\n"))
	mall := bytes.SplitAfter(mfull, []byte("\n"))
	// compare never relates one op to the next, so any subset of the
	// lines is a trace: the first 300 (small map, conversion, grows,
	// ranges, loads, lens) and a store on the 3-table map (directory
	// [0,1,2,2]), so that this stays fast.
	big := -1
	for i, l := range all {
		if bytes.Contains(l, []byte(`"op":"store"`)) && bytes.Contains(l, []byte(`"directory":[0,1,2,2]`)) {
			big = i
			break
		}
	}
	if !c.expect(big >= 300 && len(mall) == len(all), "no store on a 3-table map in the split trace, or the model's trace has %d lines, not %d",
		len(mall), len(all)) {
		return
	}
	lines := append(all[:300:300], all[big])
	exp := bytes.Join(lines, nil)
	mod := bytes.Join(append(mall[:300:300], mall[big]), nil)
	run := func(act []byte) (int, string) {
		var out bytes.Buffer
		rc := compareTraces("expected", bytes.NewReader(exp), "actual", bytes.NewReader(act), &out)
		return rc, out.String()
	}
	want := func(name string, act []byte, rc int, needles ...string) string {
		got, out := run(act)
		ok := got == rc
		for _, n := range needles {
			ok = ok && strings.Contains(out, n)
		}
		c.expect(ok, "%s: compare exited %d (want %d) and said:\n%s(want it to say %q)", name, got, rc, indent(out), needles)
		return out
	}
	// withLine is the expected trace with line i replaced.
	withLine := func(i int, l []byte) []byte {
		var b bytes.Buffer
		for j := range lines {
			if j == i {
				b.Write(l)
			} else {
				b.Write(lines[j])
			}
		}
		return b.Bytes()
	}
	// replaceAt replaces the first `from` at or after offset off of line i.
	replaceAt := func(i, off int, from, to string) []byte {
		l := lines[i]
		k := bytes.Index(l[off:], []byte(from))
		if k < 0 {
			c.failf("mutation %q not found in line %d", from, i+1)
			return withLine(i, l)
		}
		k += off
		return withLine(i, slices.Concat(l[:k], []byte(to), l[k+len(from):]))
	}
	find := func(pred func(l []byte) bool) int {
		for i, l := range lines {
			if pred(l) {
				return i
			}
		}
		return -1
	}
	has := func(l []byte, subs ...string) bool {
		for _, s := range subs {
			if !bytes.Contains(l, []byte(s)) {
				return false
			}
		}
		return true
	}

	want("itself", exp, 0, fmt.Sprintf("ok %d ops", len(lines)))
	want("the model's trace", mod, 0, "ok ")
	// mapviz's framing: a scene line, step lines, an end line; other key
	// order and spacing, unknown fields.
	var framed bytes.Buffer
	framed.WriteString(`{"type":"scene","title":"x","state":{"count":0}}` + "\n")
	for _, l := range lines {
		framed.WriteString(`{"type":"step","step":1,"worker":"main","op":"store","phase":"hash"}` + "\n")
		framed.Write(bytes.Replace(l, []byte(`{"type":"op",`), []byte(`{ "type" : "op" , "extra":[1,{"a":null}],`), 1))
	}
	framed.WriteString(`{"type":"end","steps":9,"status":"ok","message":"","leaked":[]}` + "\n")
	want("framed", framed.Bytes(), 0, "ok ")

	// A store on the 3-table map (directory [0,1,2,2]): one ctrl byte of
	// group 5 of the table at index 2, slot 3.
	tbl := find(func(l []byte) bool { return has(l, `"op":"store"`, `"directory":[0,1,2,2]`) })
	if !c.expect(tbl >= 0, "no store on a 3-table map in the split trace") {
		return
	}
	l := lines[tbl]
	g := bytes.Index(l, []byte(`"index":2,`))
	for k := 0; k < 6; k++ {
		g += bytes.Index(l[g+1:], []byte(`"ctrl":[`)) + 1
	}
	ctrls := l[g+len(`"ctrl":[`):]
	ctrls = ctrls[:bytes.IndexByte(ctrls, ']')]
	parts := strings.Split(string(ctrls), ",")
	old := parts[3]
	parts[3] = "254"
	if old == "254" {
		parts[3] = "128"
	}
	out := want("ctrl", replaceAt(tbl, g, string(ctrls), strings.Join(parts, ",")), 1,
		fmt.Sprintf("op %d (store key=", tbl+1), "tables[2] group 5 slot 3 ctrl: expected "+ctrlName(atoi(old))+", actual "+ctrlName(atoi(parts[3])),
		"expected tables[2] group 5:", "actual tables[2] group 5:")
	c.notef("a changed ctrl byte is reported as:\n%s", indent(out))
	gl := bytes.Index(l, []byte(`"index":2,`))
	want("growthLeft", replaceAt(tbl, gl, `"growthLeft":`, `"growthLeft":1`), 1, fmt.Sprintf("op %d", tbl+1), "tables[2] (index 2) growthLeft: expected ")
	want("directory", replaceAt(tbl, 0, `"directory":[0,1,2,2]`, `"directory":[0,1,2,3]`), 1, "directory: expected [0 1 2 2], actual [0 1 2 3]")
	want("tables", replaceAt(tbl, 0, `"tables":[`, `"tables":[{"index":9,"localDepth":0,"capacity":16,"used":0,"growthLeft":14,"groups":[]},`), 1,
		"tables: expected 3, actual 4", "tables[0] (index 0) index: expected 0, actual 9")
	want("engine", replaceAt(tbl, 0, `"engine":"swiss"`, `"engine":"classic"`), 1, `state is engine "classic", expected "swiss"`)
	want("no state", replaceAt(tbl, 0, `"state":{`, `"state":null,"x":{`), 1, "state is null")
	want("hash", replaceAt(tbl, 0, `"hash":"0x`, `"hash":"0x1`), 1, "the pinned hash was not used")
	want("writing", replaceAt(tbl, 0, `"writing":0`, `"writing":1`), 1, "writing: expected 0, actual 1")
	// A full slot's key and value in the small group.
	sm := find(func(l []byte) bool { return has(l, `"op":"store"`, `"small":{"ctrl":[`) })
	if c.expect(sm >= 0, "no small map in the split trace") {
		want("small value", replaceAt(sm, bytes.Index(lines[sm], []byte(`"small":`)), `"values":[`, `"values":[-12345678,`), 1,
			"small group: actual group has 8 ctrl, 8 keys, 9 values")
	}

	// Results.
	rg := find(func(l []byte) bool { return has(l, `"op":"range","result":[[`, `],[`) })
	if c.expect(rg >= 0, "no range of 2+ entries in the trace") {
		swap := rewriteResult(lines[rg], func(keys, vals []scalar) []byte {
			keys[0], keys[1] = keys[1], keys[0]
			vals[0], vals[1] = vals[1], vals[0]
			return encodePairs(keys, vals)
		})
		want("range order", withLine(rg, swap), 1, fmt.Sprintf("op %d (range)", rg+1), "range entry 0 of", "(iteration order)")
		keysOnly := rewriteResult(lines[rg], func(keys, vals []scalar) []byte { return encodeKeys(keys) })
		want("range as {keys}", withLine(rg, keysOnly), 0, "ok ")
		short := rewriteResult(lines[rg], func(keys, vals []scalar) []byte { return encodeKeys(keys[1:]) })
		want("range short", withLine(rg, short), 1, "range entry 0 of")
		value := rewriteResult(lines[rg], func(keys, vals []scalar) []byte {
			vals[1] = scalar{kind: 'i', n: vals[1].n + 1}
			return encodePairs(keys, vals)
		})
		want("range value", withLine(rg, value), 1, "range entry 1 of", "expected value")
	}
	ld := find(func(l []byte) bool { return has(l, `"op":"load"`, `"ok":true`) })
	if c.expect(ld >= 0, "no load hit in the trace") {
		want("load", replaceAt(ld, 0, `"ok":true`, `"ok":false`), 1, fmt.Sprintf("op %d (load", ld+1), "result: expected value")
	}
	ln := find(func(l []byte) bool { return has(l, `"op":"len"`) })
	if c.expect(ln >= 0, "no len in the trace") {
		l := lines[ln]
		i := bytes.Index(l, []byte(`"result":`)) + len(`"result":`)
		j := i + bytes.IndexByte(l[i:], ',')
		n := string(l[i:j])
		want("len as {len}", replaceAt(ln, 0, `"result":`+n+`,`, `"result":{"len":`+n+`},`), 0, "ok ")
		want("len wrong", replaceAt(ln, 0, `"result":`+n+`,`, `"result":{"len":`+n+`1},`), 1, "result: expected len "+n+", actual "+n+"1")
	}
	// Truncated and out-of-step traces, an ending in a fatal error.
	trunc := bytes.Join(lines[:tbl], nil)
	want("truncated", trunc, 1, fmt.Sprintf("actual trace ends after %d ops", tbl))
	fatal := append(append([]byte{}, trunc...), `{"type":"end","steps":9,"status":"fatal","message":"concurrent map writes","leaked":[]}`+"\n"...)
	want("fatal end", fatal, 1, `status "fatal"`)
	want("out of step", withLine(0, lines[1]), 1, "out of step")
	want("garbage", withLine(tbl, []byte("{\"type\":\"op\",\n")), 1, "actual trace unreadable")
	want("more ops", append(append([]byte{}, exp...), lines[len(lines)-1]...), 1, "actual has more ops")
}

func atoi(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}

func indent(s string) string {
	return "         " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n         ") + "\n"
}

// rewriteResult returns line l with its [[k,v],...] result replaced by
// f(keys, values).
func rewriteResult(l []byte, f func(keys, vals []scalar) []byte) []byte {
	s := &scanner{b: l}
	out := l
	s.object(func(k string) error {
		start := s.pos
		raw, err := s.skip()
		if k == "result" {
			keys, vals, _, _ := parseRangeResult(raw)
			out = slices.Concat(l[:start], f(keys, vals), l[s.pos:])
		}
		return err
	})
	return out
}

func appendScalar(b []byte, v scalar) []byte {
	if v.kind == 's' {
		return appendJSONString(b, v.s)
	}
	return append(b, v.String()...)
}

func encodePairs(keys, vals []scalar) []byte {
	b := []byte{'['}
	for i := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendScalar(b, keys[i])
		b = append(b, ',')
		b = appendScalar(b, vals[i])
		b = append(b, ']')
	}
	return append(b, ']')
}

func encodeKeys(keys []scalar) []byte {
	b := []byte(`{"keys":[`)
	for i := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendScalar(b, keys[i])
	}
	return append(b, "]}"...)
}

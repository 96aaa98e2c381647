// `oracle selftest`: checks the facts of go-map-semantics.md (sections M
// and T) against the live runtime, and the oracle's own reading of it.  A
// failing check means either the document or the oracle's mirrors are wrong
// — in both cases the oracle's traces cannot be trusted until it is fixed.
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"strings"
	"unsafe"
)

// check is one self-test: a name, the rules it covers, and its body.
type check struct {
	name  string
	rules string
	run   func(c *checkCtx)
}

// checkCtx collects a check's failures and observations.
type checkCtx struct {
	fails []string
	notes []string
}

func (c *checkCtx) failf(format string, args ...interface{}) {
	c.fails = append(c.fails, fmt.Sprintf(format, args...))
}

func (c *checkCtx) expect(ok bool, format string, args ...interface{}) bool {
	if !ok {
		c.failf(format, args...)
	}
	return ok
}

func (c *checkCtx) notef(format string, args ...interface{}) {
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

var checks = []check{
	{"layout", "M1.1 M1.4 M9.1", chkLayout},
	{"makemap", "M3.4 M3.5 M8.5-M8.7 T1", chkMakemap},
	{"growth points", "M3.1 M5.5 M5.14 M7.6 T2", chkGrowthPoints},
	{"delete marks", "M6.6 F5 T3", chkDeleteMarks},
	{"same-size grow", "M7.1 M7.7 M8.2 T4", chkSameSize},
	{"iterator flags", "M7.1.3 M7.4.5 M9.2 M9.4 T5", chkIterFlags},
	{"mapclear", "M10", chkClear},
	{"who evacuates", "M4.4 M5.6 M6.8 M7.2", chkWhoEvacuates},
	{"iteration order", "M9.3 M9.6 M9.7 M9.8", chkIterOrder},
	{"workload invariants", "M2.2 M2.3 M7.5 M8.1", chkWorkloads},
	{"sync.Map T6", "S1-S4 S6-S8 S11 T6", chkSyncT6},
	{"sync.Map rules", "S5-S11", chkSyncRules},
	{"sync.Map traces", "S1 S2 S6 T6", chkSyncTraces},
}

func cmdSelftest(args []string) int {
	fs := flag.NewFlagSet("selftest", flag.ExitOnError)
	verbose := fs.Bool("v", false, "print every observation")
	fs.Parse(args)
	failed := 0
	for _, ch := range checks {
		c := &checkCtx{}
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
		fmt.Printf("%s %-20s (%s)\n", status, ch.name, ch.rules)
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

// bothKeys runs f for map[int64]int64 and map[string]int64.
func bothKeys(c *checkCtx, fi func(*checkCtx, string), fs func(*checkCtx, string)) {
	fi(c, "int")
	fs(c, "string")
}

// newScratch is a fresh traced map and a work on it.
func newScratch[K Key](hint int, seed int64) (*tracer[K], *work[K]) {
	tr := newTracer[K](hint)
	return tr, newWork(tr, seed)
}

// liveSlots counts the slots with tophash >= minTopHash in chains.
func liveSlots[K Key](chains [][]bucketState[K]) int {
	n := 0
	for _, ch := range chains {
		for _, b := range ch {
			for _, t := range b.tophash {
				if t >= minTopHash {
					n++
				}
			}
		}
	}
	return n
}

// --- layout ---------------------------------------------------------------

func chkLayout(c *checkCtx) {
	bothKeys(c, layoutFor[int64], layoutFor[string])
}

func layoutFor[K Key](c *checkCtx, kind string) {
	t := maptypeOf[K]()
	wantKey, wantBucket := 8, 144
	if kind == "string" {
		wantKey, wantBucket = 16, 208
	}
	c.expect(int(t.keysize) == wantKey && t.elemsize == 8 && int(t.bucketsize) == wantBucket,
		"%s: keysize %d elemsize %d bucketsize %d, want %d 8 %d", kind, t.keysize, t.elemsize, t.bucketsize, wantKey, wantBucket)
	c.expect(int(t.bucketsize) == 16+8*(int(t.keysize)+int(t.elemsize)), "%s: bucketsize is not 16+8*(key+elem) (M1.4)", kind)
	c.expect((t.bucket.ptrdata == 0) == (kind == "int"), "%s: bucket ptrdata %d", kind, t.bucket.ptrdata)
	c.expect(t.flags&3 == 0, "%s: indirect key/elem flags %#x", kind, t.flags)
	tr, w := newScratch[K](0, 1)
	for i := 0; i < 100; i++ {
		w.storeNew()
	}
	c.expect(len(tr.m) == tr.h().count, "%s: len(m) %d != hmap.count %d", kind, len(tr.m), tr.h().count)
	_, start, off, ok := iterStart(tr.t, tr.m) // panics if the hiter mirror is off
	c.expect(ok && start < 1<<tr.B() && off < 8, "%s: iterator start %d offset %d for B %d", kind, start, off, tr.B())
}

// --- makemap --------------------------------------------------------------

// sizeClasses are runtime/sizeclasses.go's classes below 32768 (M8.6).
var sizeClasses = []int{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
	2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768}

func roundupsize(s int) int {
	if s < 32768 {
		for _, c := range sizeClasses {
			if c >= s {
				return c
			}
		}
	}
	return (s + 8191) &^ 8191
}

// prealloc is M8.5: pre-allocated overflow buckets for B.
func prealloc(B, bucketsize int) int {
	base := 1 << B
	n := base
	if B >= 4 {
		n += 1 << (B - 4)
		size := bucketsize * n
		if up := roundupsize(size); up != size {
			n = up / bucketsize
		}
	}
	return n - base
}

// docPrealloc is M8.7's table, B = 4..15.
var docPrealloc = map[int][]int{
	144: {2, 5, 7, 14, 28, 56, 113, 170, 284, 512, 1024, 2048},
	208: {3, 7, 4, 9, 19, 39, 78, 157, 275, 512, 1024, 2048},
}

// bForHint is M3.4 step 3 with M3.1.
func bForHint(hint int) int {
	B := 0
	for hint > 8 && hint > 13*(1<<B/2) {
		B++
	}
	return B
}

func chkMakemap(c *checkCtx) {
	bothKeys(c, makemapFor[int64], makemapFor[string])
	// T1's hint → B list (map[int64]int64).
	for _, tc := range []struct{ hint, B, pre int }{{0, 0, 0}, {1, 0, 0}, {8, 0, 0}, {9, 1, 0}, {13, 1, 0},
		{14, 2, 0}, {26, 2, 0}, {27, 3, 0}, {52, 3, 0}, {53, 4, 2}, {104, 4, 2}, {105, 5, 5}, {208, 5, 5},
		{209, 6, 7}, {416, 6, 7}, {417, 7, 14}, {832, 7, 14}, {833, 8, 28}, {1664, 8, 28}, {1665, 9, 56},
		{3328, 9, 56}, {3329, 10, 113}, {6656, 10, 113}, {6657, 11, 170}, {100000, 14, 1024}, {-1, 0, 0}, {-100, 0, 0}} {
		tr := newTracer[int64](tc.hint)
		h := tr.h()
		c.expect(int(h.B) == tc.B && preallocated(tr.t, h) == tc.pre,
			"T1: make(map[int64]int64, %d): B %d + %d pre-allocated, document says %d + %d",
			tc.hint, h.B, preallocated(tr.t, h), tc.B, tc.pre)
	}
}

func makemapFor[K Key](c *checkCtx, kind string) {
	t := maptypeOf[K]()
	bs := int(t.bucketsize)
	for B := 0; B <= 15; B++ {
		hints := []int{0}
		if B > 0 {
			lo := 13*(1<<B/2)/2 + 1 // smallest hint with this B
			if B == 1 {
				lo = 9
			}
			hints = []int{lo, 13 * (1 << B / 2)}
		}
		for _, hint := range hints {
			tr := newTracer[K](hint)
			h := tr.h()
			got := preallocated(t, h)
			c.expect(int(h.B) == bForHint(hint) && int(h.B) == B, "%s: make(m, %d) has B %d, M3.5 says %d", kind, hint, h.B, B)
			c.expect((h.buckets == nil) == (B == 0), "%s: make(m, %d): buckets allocated = %v (M3.4.4)", kind, hint, h.buckets != nil)
			c.expect(got == prealloc(B, bs), "%s: B %d: %d pre-allocated overflow buckets, M8.5 computes %d", kind, B, got, prealloc(B, bs))
			if B >= 4 {
				c.expect(got == docPrealloc[bs][B-4], "%s: B %d: %d pre-allocated, M8.7 table says %d", kind, B, got, docPrealloc[bs][B-4])
			}
			c.expect((h.extra != nil) == (got > 0), "%s: make(m, %d): extra allocated = %v with %d pre-allocated", kind, hint, h.extra != nil, got)
		}
	}
	// M8.3: the first overflow bucket of make(m, 100) is the first
	// pre-allocated one, right after the 16 primary buckets.
	tr, w := newScratch[K](100, 2)
	pre := preallocated(t, tr.h())
	for tr.last == nil || len(tr.last.buckets[0]) < 2 {
		w.store(w.freshIn(0))
	}
	ovf := uintptr(tr.last.buckets[0][1].ptr)
	c.expect(ovf == tr.last.bucketsAddr+uintptr(16*bs), "%s: first overflow bucket at array+%d, M8.3 says array+%d",
		kind, int(ovf-tr.last.bucketsAddr), 16*bs)
	c.expect(preallocated(t, tr.h()) == pre-1, "%s: pre-allocated list %d -> %d after one newoverflow", kind, pre, preallocated(t, tr.h()))
	c.expect(tr.h().noverflow == 1, "%s: noverflow %d after the first overflow bucket", kind, tr.h().noverflow)
}

// --- growth points --------------------------------------------------------

func chkGrowthPoints(c *checkCtx) {
	bothKeys(c, growthFor[int64], growthFor[string])
}

func growthFor[K Key](c *checkCtx, kind string) {
	tr, w := newScratch[K](0, 3)
	c.expect(tr.h().buckets == nil, "%s: make(m) allocated buckets", kind)
	var changes []int
	var notes []string
	for i := 1; i <= 1700; i++ {
		prevB, wasGrowing := tr.B(), tr.growing()
		w.storeNew()
		h := tr.h()
		if i == 1 {
			c.expect(h.buckets != nil && h.B == 0, "%s: first insert: buckets %v B %d (M5.5)", kind, h.buckets != nil, h.B)
		}
		switch {
		case h.B != prevB:
			changes = append(changes, i)
			if h.oldbuckets == nil {
				notes = append(notes, fmt.Sprintf("B %d->%d at insert %d, finished in it", prevB, h.B, i))
				c.expect(prevB <= 1, "%s: B %d->%d finished inside insert %d", kind, prevB, h.B, i)
			} else {
				c.expect(prevB >= 2, "%s: B %d->%d did not finish inside insert %d (M7.6)", kind, prevB, h.B, i)
				notes = append(notes, fmt.Sprintf("B %d->%d at insert %d (nevacuate %d noverflow %d)",
					prevB, h.B, i, h.nevacuate, h.noverflow))
			}
		case wasGrowing && h.oldbuckets == nil:
			notes[len(notes)-1] += fmt.Sprintf(", finished at %d", i)
		}
	}
	want := []int{9, 14, 27, 53, 105, 209, 417, 833, 1665}
	c.expect(fmt.Sprint(changes) == fmt.Sprint(want), "%s: B changed at inserts %v, M5.14 says %v", kind, changes, want)
	c.notef("%s: %s", kind, strings.Join(notes, "; "))
}

// --- delete marks ---------------------------------------------------------

func chkDeleteMarks(c *checkCtx) {
	// T3 with int keys 1..5 in a B=0 map.
	tr := newTracer[int64](0)
	for k := int64(1); k <= 5; k++ {
		tr.store(k, k*10)
	}
	b := func() *bucketState[int64] { return &tr.last.buckets[0][0] }
	for i := 0; i < 5; i++ {
		c.expect(b().keys[i] == int64(i+1) && b().tophash[i] >= minTopHash, "T3: key %d not in slot %d", i+1, i)
	}
	th0 := b().tophash
	tr.del(3)
	c.expect(b().tophash[2] == emptyOne, "T3: delete slot 2 (next full) -> %d, want emptyOne", b().tophash[2])
	tr.del(5)
	c.expect(b().tophash[4] == emptyRest && b().tophash[3] == th0[3] && b().tophash[2] == emptyOne,
		"T3: delete slot 4 -> %v, want slot 4 emptyRest, back-walk stopped at full slot 3", b().tophash)
	tr.del(4)
	c.expect(b().tophash[2] == emptyRest && b().tophash[3] == emptyRest, "T3: delete slot 3 -> %v, want slots 2,3 emptyRest", b().tophash)
	tr.store(6, 60)
	c.expect(b().keys[2] == 6, "T3: new key went to %v, want slot 2 (first empty)", b().tophash)
	stale := *(*int64)(unsafe.Add(b().ptr, dataOffset+3*8))
	c.expect(stale == 4, "T3: slot 3 key bytes %d after delete, want the stale 4 (M6.6.1)", stale)
	h0 := tr.h().hash0
	for _, k := range []int64{1, 2, 6} {
		tr.del(k)
	}
	c.expect(b().tophash == [8]uint8{}, "T3: all deleted -> %v, want all emptyRest", b().tophash)
	c.expect(tr.h().count == 0 && tr.h().hash0 != h0, "T3: count %d, hash0 %d -> %d (M6.6.5 reseed)", tr.h().count, h0, tr.h().hash0)
	h0 = tr.h().hash0
	tr.del(1)
	tr.clear()
	c.expect(tr.h().hash0 == h0, "M6.1/M10.2: delete or clear on an empty map reseeded hash0")

	// F5: a string delete nils the data pointer and keeps the length.
	ts := newTracer[string](0)
	for _, k := range []string{"alpha", "beta", "gamma"} {
		ts.store(k, 1)
	}
	ts.del("beta")
	hdr := *(*[2]uintptr)(unsafe.Add(ts.last.buckets[0][0].ptr, dataOffset+1*16))
	c.expect(hdr[0] == 0 && hdr[1] == 4, "F5: deleted string key header {ptr %#x, len %d}, want {0, 4}", hdr[0], hdr[1])
	c.expect(ts.last.buckets[0][0].vals[1] == 0, "M6.6.2: deleted elem not zeroed")
}

// --- same-size grow -------------------------------------------------------

func chkSameSize(c *checkCtx) {
	bothKeys(c, sameSizeFor[int64], sameSizeFor[string])
}

func sameSizeFor[K Key](c *checkCtx, kind string) {
	// T4: B=3; nine keys into each bucket, delete eight (keep slot 0).
	tr, w := newScratch[K](30, 4)
	c.expect(tr.B() == 3, "%s: make(m, 30) B %d", kind, tr.B())
	for b := 0; b < 8; b++ {
		var ks []K
		for i := 0; i < 9; i++ {
			k := w.freshIn(b)
			w.store(k)
			ks = append(ks, k)
		}
		for _, k := range ks[1:] {
			w.del(k)
		}
	}
	h := tr.h()
	c.expect(h.count == 8 && h.noverflow == 8 && h.flags == 0 && h.oldbuckets == nil,
		"%s T4: before: count %d noverflow %d flags %d growing %v, want 8 8 0 false", kind, h.count, h.noverflow, h.flags, h.oldbuckets != nil)
	before := tr.last
	w.store(w.freshIn(0))
	h = tr.h()
	s := tr.last
	c.expect(h.flags == flagSameSizeGrow && h.B == 3 && h.oldbuckets != nil && h.noverflow == 0 && h.nevacuate == 2,
		"%s T4: after the insert: flags %d B %d growing %v noverflow %d nevacuate %d, want 8 3 true 0 2",
		kind, h.flags, h.B, h.oldbuckets != nil, h.noverflow, h.nevacuate)
	if s.oldbuckets != nil {
		ob := s.oldbuckets
		want0 := [8]uint8{evacuatedX, 4, 4, 4, 4, 4, 4, 4}
		c.expect(ob[0][0].tophash == want0 && ob[1][0].tophash == want0, "%s T4: old 0, 1 primary %v %v, want %v",
			kind, ob[0][0].tophash, ob[1][0].tophash, want0)
		// M7.4.5: pointer-free buckets keep their chain; others are cleared
		// after tophash (overflow link included) when no old iterator.
		if kind == "int" {
			c.expect(len(ob[0]) == 2 && ob[0][1].tophash == [8]uint8{4, 4, 4, 4, 4, 4, 4, 4},
				"%s T4: old 0 chain %d buckets, overflow %v, want 2, all evacuatedEmpty", kind, len(ob[0]), ob[0][len(ob[0])-1].tophash)
		} else {
			c.expect(len(ob[0]) == 1 && ob[0][0].overflow == 0, "%s M7.4.5: old 0 chain not cleared (%d buckets)", kind, len(ob[0]))
		}
		for j := 2; j < 8; j++ {
			c.expect(ob[j][0].tophash == before.buckets[j][0].tophash && len(ob[j]) == 2, "%s T4: unevacuated old %d changed", kind, j)
		}
	}
	for tr.growing() {
		for _, ch := range tr.last.oldbuckets {
			for _, b := range ch {
				for _, t := range b.tophash {
					c.expect(t != evacuatedY, "%s M7.7: evacuatedY during a same-size grow", kind)
				}
			}
		}
		w.store(w.pick())
	}
	h = tr.h()
	c.expect(h.flags == 0 && h.noverflow == 0 && h.count == 9, "%s T4: after growth flags %d noverflow %d count %d, want 0 0 9",
		kind, h.flags, h.noverflow, h.count)
	for j, ch := range tr.last.buckets {
		c.expect(len(ch) == 1, "%s M7.7: chain %d still %d buckets after a same-size grow", kind, j, len(ch))
	}

	// B=1 variant: count 10, noverflow 2, grows and finishes in one insert.
	tr, w = newScratch[K](9, 5)
	for b := 0; b < 2; b++ {
		var ks []K
		for i := 0; i < 9; i++ {
			k := w.freshIn(b)
			w.store(k)
			ks = append(ks, k)
		}
		if b == 0 {
			for _, k := range ks[1:] {
				w.del(k)
			}
		}
	}
	h = tr.h()
	c.expect(h.count == 10 && h.noverflow == 2 && h.B == 1, "%s T4 B=1: count %d noverflow %d B %d, want 10 2 1", kind, h.count, h.noverflow, h.B)
	addr := tr.last.bucketsAddr
	w.storeNew()
	h = tr.h()
	c.expect(h.B == 1 && h.oldbuckets == nil && h.flags == 0 && tr.last.bucketsAddr != addr,
		"%s T4 B=1: B %d growing %v flags %d new array %v, want a same-size grow finished inside the insert",
		kind, h.B, h.oldbuckets != nil, h.flags, tr.last.bucketsAddr != addr)
	c.notef("%s B=1 same-size grow: noverflow after it %d (overflow made by evacuation)", kind, h.noverflow)
}

// --- iterator flags -------------------------------------------------------

func chkIterFlags(c *checkCtx) {
	bothKeys(c, iterFlagsFor[int64], iterFlagsFor[string])
}

func iterFlagsFor[K Key](c *checkCtx, kind string) {
	tr, w := newScratch[K](0, 6)
	tr.rangeAll()
	c.expect(tr.h().flags == 0, "%s M9.2: range over an empty map set flags %d", kind, tr.h().flags)
	for w.count() < 26 {
		w.storeNew()
	}
	w.finishGrowth()
	c.expect(tr.h().flags == 0, "%s: flags %d before any range", kind, tr.h().flags)
	rangeBreak(tr.m)
	c.expect(tr.h().flags == flagIterator|flagOldIterator, "%s T5: for range { break } -> flags %d, want 3", kind, tr.h().flags)
	w.storeNew() // the 27th: B 2 -> 3
	c.expect(tr.growing() && tr.h().flags == flagOldIterator, "%s T5: grow with iterator flags -> flags %d growing %v, want 2 true",
		kind, tr.h().flags, tr.growing())
	if kind == "string" {
		// M7.4.5: with oldIterator set, evacuated old buckets keep their keys.
		kept := false
		for _, ch := range tr.last.oldbuckets {
			if b := ch[0]; isEvacuated(&b) && b.tophash[0] != evacuatedEmpty {
				hdr := *(*[2]uintptr)(unsafe.Add(b.ptr, dataOffset))
				kept = hdr[0] != 0
				break
			}
		}
		c.expect(kept, "%s M7.4.5: old bucket cleared although oldIterator was set", kind)
	}
	w.finishGrowth()
	c.expect(tr.h().flags == flagOldIterator, "%s T5: after growth flags %d, want 2", kind, tr.h().flags)
	for tr.B() == 3 {
		w.storeNew()
	}
	c.expect(tr.h().flags == 0, "%s M7.1.3: the next grow without iterator -> flags %d, want 0", kind, tr.h().flags)
	if kind == "string" && tr.growing() {
		cleared := true
		for _, ch := range tr.last.oldbuckets {
			if b := ch[0]; isEvacuated(&b) {
				hdr := *(*[2]uintptr)(unsafe.Add(b.ptr, dataOffset))
				cleared = cleared && hdr[0] == 0 && b.overflow == 0
			}
		}
		c.expect(cleared, "%s M7.4.5: evacuated old bucket not cleared (no iterator)", kind)
	}
}

// rangeBreak is `for range m { break }`.
//
//go:noinline
func rangeBreak[K Key](m map[K]int64) {
	for range m {
		break
	}
}

// --- mapclear -------------------------------------------------------------

func chkClear(c *checkCtx) {
	bothKeys(c, clearFor[int64], clearFor[string])
}

func clearFor[K Key](c *checkCtx, kind string) {
	tr, w := newScratch[K](0, 7)
	for w.count() < 100 {
		w.storeNew()
	}
	w.finishGrowth()
	h := tr.h()
	h0, B, addr := h.hash0, h.B, h.buckets
	c.expect(h.flags == 0, "%s: flags %d before clear", kind, h.flags)
	w.clear()
	h = tr.h()
	c.expect(h.flags == 0, "%s M10.1: the clear loop set flags %d: it ran as a range+delete loop, not mapclear", kind, h.flags)
	c.expect(h.count == 0 && h.B == B && h.noverflow == 0 && h.oldbuckets == nil && h.nevacuate == 0 && h.hash0 != h0 && h.buckets == addr,
		"%s M10.2: after clear count %d B %d (was %d) noverflow %d growing %v nevacuate %d reseeded %v same array %v",
		kind, h.count, h.B, B, h.noverflow, h.oldbuckets != nil, h.nevacuate, h.hash0 != h0, h.buckets == addr)
	c.expect(liveSlots(tr.last.buckets) == 0, "%s M10.2: live slots after clear", kind)
	for j, ch := range tr.last.buckets {
		if !c.expect(len(ch) == 1 && ch[0].tophash == [8]uint8{}, "%s M10.2: chain %d after clear: %d buckets, tophash %v", kind, j, len(ch), ch[0].tophash) {
			break
		}
	}
	c.expect(preallocated(tr.t, h) == prealloc(int(B), int(tr.t.bucketsize)), "%s M10.2: pre-allocated list %d after clear, want %d",
		kind, preallocated(tr.t, h), prealloc(int(B), int(tr.t.bucketsize)))

	// During a grow: the old array goes, B stays.
	tr, w = newScratch[K](0, 8)
	for w.count() < 27 {
		w.storeNew()
	}
	c.expect(tr.growing(), "%s: not growing after 27 inserts", kind)
	w.clear()
	h = tr.h()
	c.expect(h.B == 3 && h.oldbuckets == nil && h.nevacuate == 0 && h.count == 0, "%s M10.2 while growing: B %d growing %v nevacuate %d",
		kind, h.B, h.oldbuckets != nil, h.nevacuate)
}

// --- who evacuates --------------------------------------------------------

func evacuatedCount[K Key](s *mapState[K]) int {
	n := 0
	for _, ch := range s.oldbuckets {
		if isEvacuated(&ch[0]) {
			n++
		}
	}
	return n
}

func chkWhoEvacuates(c *checkCtx) {
	bothKeys(c, whoEvacuatesFor[int64], whoEvacuatesFor[string])
}

func whoEvacuatesFor[K Key](c *checkCtx, kind string) {
	tr, w := newScratch[K](0, 9)
	for w.count() < 105 { // the 105th insert starts B 4 -> 5: 16 old buckets
		w.storeNew()
	}
	c.expect(tr.growing(), "%s: not growing after 105 inserts", kind)
	e0, nev := evacuatedCount(tr.last), tr.h().nevacuate
	c.expect(e0 <= 2, "%s M7.2: %d old buckets evacuated by the triggering insert, want at most 2", kind, e0)
	for i := 0; i < 30; i++ {
		w.load(w.pick())
		w.load(w.fresh())
	}
	tr.length()
	tr.rangeAll()
	c.expect(evacuatedCount(tr.last) == e0 && tr.h().nevacuate == nev, "%s M7.2: lookups/len/range evacuated (%d -> %d)", kind, e0, evacuatedCount(tr.last))
	w.del(w.fresh())
	e1 := evacuatedCount(tr.last)
	c.expect(e1 > e0 && e1 <= e0+2, "%s M6.8: delete of an absent key evacuated %d buckets, want 1..2", kind, e1-e0)
	w.store(w.pick())
	e2 := evacuatedCount(tr.last)
	c.expect(e2 > e1 && e2 <= e1+2, "%s M5.6: update of a present key evacuated %d buckets, want 1..2", kind, e2-e1)
	for tr.growing() {
		n := evacuatedCount(tr.last)
		w.store(w.pick())
		if tr.growing() {
			c.expect(evacuatedCount(tr.last)-n <= 2, "%s M7.2: a write evacuated %d buckets", kind, evacuatedCount(tr.last)-n)
		}
	}
}

// --- iteration order ------------------------------------------------------

const noCheck = ^uintptr(0)

// predictIter is M9.6 run on a snapshot: the order a fresh iterator with
// this start bucket and offset must produce when nothing writes during it.
func predictIter[K Key](t *maptype, h *hmap, s *mapState[K], start uintptr, offset uint8) (keys []K, vals []int64, err error) {
	if s.count == 0 {
		return nil, nil, nil
	}
	nb := uintptr(1) << s.B
	bucket, wrapped := start, false
	for !(bucket == start && wrapped) {
		chain, check := s.buckets[bucket], noCheck
		if s.growing { // the iterator's B is the map's B here (M9.6.2b)
			old := s.oldbuckets[bucket&uintptr(s.noldbuckets()-1)]
			if !isEvacuated(&old[0]) {
				chain, check = old, bucket
			}
		}
		bucket++
		if bucket == nb {
			bucket, wrapped = 0, true
		}
		for _, b := range chain {
			for i := 0; i < bucketCnt; i++ {
				off := (i + int(offset)) & (bucketCnt - 1)
				th := b.tophash[off]
				if th <= emptyOne || th == evacuatedEmpty {
					continue
				}
				if th < minTopHash {
					return nil, nil, fmt.Errorf("evacuated slot %d in a bucket being walked", off)
				}
				if check != noCheck && s.flags&flagSameSizeGrow == 0 && uintptr(hashOf(t, h, b.keys[off]))&(nb-1) != check {
					continue
				}
				keys = append(keys, b.keys[off])
				vals = append(vals, b.vals[off])
			}
		}
	}
	return keys, vals, nil
}

func chkIterOrder(c *checkCtx) {
	bothKeys(c, iterOrderFor[int64], iterOrderFor[string])
}

func iterOrderFor[K Key](c *checkCtx, kind string) {
	r := rand.New(rand.NewSource(10))
	var trials, growing, sameSize int
	for trial := 0; trial < 300; trial++ {
		hint := []int{0, 0, 10, 60, 200}[r.Intn(5)]
		tr, w := newScratch[K](hint, int64(trial))
		tr.quiet = true
		n := r.Intn(400)
		for i := 0; i < n; i++ {
			w.step(mix{insert: 60, update: 10, loadHit: 5, delHit: 20, rangeAll: 1})
		}
		switch r.Intn(3) {
		case 0: // stop right after a doubling starts, then a few writes
			for B := tr.B(); tr.B() == B; {
				w.storeNew()
			}
			for i := r.Intn(4); i > 0 && tr.growing(); i-- {
				w.store(w.pick())
			}
		case 1: // a same-size grow in progress
			if tr.B() >= 2 {
				ss := func() bool { return tr.h().flags&flagSameSizeGrow != 0 }
				for i := 0; i < 200 && !ss(); i++ {
					w.churn(r.Intn(2), ss)
				}
			}
		}
		s := snapshot(tr.t, tr.m)
		it, start, offset, _ := iterStart(tr.t, tr.m)
		var keys []K
		var vals []int64
		for more := s.count > 0; more; more = it.Next() {
			keys = append(keys, iterKey[K](it))
			vals = append(vals, it.Value().Int())
		}
		pk, pv, err := predictIter(tr.t, tr.h(), s, start, offset)
		trials++
		if s.growing {
			growing++
			if s.flags&flagSameSizeGrow != 0 {
				sameSize++
			}
		}
		if err != nil || fmt.Sprint(keys) != fmt.Sprint(pk) || fmt.Sprint(vals) != fmt.Sprint(pv) {
			c.failf("%s trial %d (B %d growing %v flags %d start %d offset %d): runtime produced %d entries, M9.6 predicts %d (%v)",
				kind, trial, s.B, s.growing, s.flags, start, offset, len(keys), len(pk), err)
			return
		}
		seen := map[K]bool{}
		for _, k := range keys {
			c.expect(!seen[k], "%s M9.8: key produced twice", kind)
			seen[k] = true
		}
		c.expect(len(keys) == s.count, "%s: range produced %d of %d entries", kind, len(keys), s.count)
	}
	// M9.3/M9.7: on one B=3 map, the random start and offset cover all
	// 64 pairs (400 draws miss one with probability ~1%).
	combos := map[[2]int]bool{}
	tr, w := newScratch[K](0, 11)
	tr.quiet = true
	for w.count() < 40 {
		w.storeNew()
	}
	w.finishGrowth()
	for i := 0; i < 400; i++ {
		_, start, offset, _ := iterStart(tr.t, tr.m)
		combos[[2]int{int(start), int(offset)}] = true
	}
	c.expect(len(combos) >= 60, "%s M9.3: only %d of 64 (start bucket, offset) pairs in 400 iterations of a B=3 map", kind, len(combos))
	c.notef("%s: %d iterations matched M9.6 exactly (%d during a doubling, %d during a same-size grow); "+
		"%d of the 64 (start, offset) pairs drawn on a B=3 map", kind, trials, growing-sameSize, sameSize, len(combos))
}

// --- invariants over the workloads ----------------------------------------

// invariants checks, after every op of a workload, what must hold of any
// map state: entries sit where their hash puts them with the right tophash
// (M2.2, M2.3); count is the number of live entries (new array plus
// unevacuated old buckets); noverflow counts the new array's overflow
// buckets exactly (M8.1, B < 16); old buckets below nevacuate are
// evacuated (M7.5); the unused flag bits and hashWriting are clear.
func invariants[K Key](tr *tracer[K], op string, s *mapState[K]) error {
	h := tr.h()
	mask := uint64(1)<<s.B - 1
	live, ovf := 0, 0
	for j, ch := range s.buckets {
		ovf += len(ch) - 1
		for bi, b := range ch {
			for i, t := range b.tophash {
				if t >= minTopHash {
					live++
					hash := hashOf(tr.t, h, b.keys[i])
					if hash&mask != uint64(j) || tophash(hash) != t {
						return fmt.Errorf("%s: buckets[%d][%d] slot %d: key hash %#x does not belong here (tophash %d)", op, j, bi, i, hash, t)
					}
				} else if t != emptyRest && t != emptyOne {
					return fmt.Errorf("%s: buckets[%d][%d] slot %d: tophash %d in the new array", op, j, bi, i, t)
				}
			}
		}
	}
	if s.growing {
		omask := uint64(s.noldbuckets() - 1)
		for j, ch := range s.oldbuckets {
			evac := isEvacuated(&ch[0])
			if uintptr(j) < s.nevacuate && !evac {
				return fmt.Errorf("%s: old bucket %d below nevacuate %d is not evacuated", op, j, s.nevacuate)
			}
			for bi, b := range ch {
				for i, t := range b.tophash {
					if evac && (t < evacuatedX || t > evacuatedEmpty) {
						return fmt.Errorf("%s: evacuated old bucket %d[%d] slot %d has tophash %d", op, j, bi, i, t)
					}
					if s.flags&flagSameSizeGrow != 0 && t == evacuatedY {
						return fmt.Errorf("%s: evacuatedY in a same-size grow", op)
					}
					if !evac && t >= minTopHash {
						live++
						if hash := hashOf(tr.t, h, b.keys[i]); hash&omask != uint64(j) || tophash(hash) != t {
							return fmt.Errorf("%s: oldbuckets[%d][%d] slot %d: key does not belong here", op, j, bi, i)
						}
					}
				}
			}
		}
	}
	switch {
	case live != s.count:
		return fmt.Errorf("%s: count %d but %d live entries", op, s.count, live)
	case int(s.noverflow) != ovf:
		return fmt.Errorf("%s: noverflow %d but %d overflow buckets in the new array", op, s.noverflow, ovf)
	case s.flags&^(flagIterator|flagOldIterator|flagSameSizeGrow) != 0:
		return fmt.Errorf("%s: flags %#x", op, s.flags)
	case s.growing != (s.oldbuckets != nil) || (!s.growing && s.flags&flagSameSizeGrow != 0):
		return fmt.Errorf("%s: sameSizeGrow set while not growing", op)
	}
	return nil
}

func chkWorkloads(c *checkCtx) {
	for i := range workloads {
		wl := &workloads[i]
		runWorkloadChecked(c, wl, wl.ints, "int")
		runWorkloadChecked(c, wl, wl.strs, "string")
	}
}

func runWorkloadChecked[K Key](c *checkCtx, wl *workload, run func(*work[K]), kind string) {
	tr := newTracer[K](wl.hint)
	tr.check = invariants[K]
	var ranges, growRanges, maxB int
	check := tr.check
	tr.check = func(tr *tracer[K], op string, s *mapState[K]) error {
		if op == "range" {
			ranges++
			if s.growing {
				growRanges++
			}
		}
		if int(s.B) > maxB {
			maxB = int(s.B)
		}
		return check(tr, op, s)
	}
	run(newWork(tr, 42))
	if tr.err != nil {
		c.failf("%s/%s: %v", wl.name, kind, tr.err)
	}
	c.notef("%s/%s: %d ops, %d grows (%d same-size), max B %d, %d ranges (%d during growth), %d KB expected trace",
		wl.name, kind, tr.nops, tr.grows, tr.sameSizeGrows, maxB, ranges, growRanges, len(tr.exp)/1024)
}

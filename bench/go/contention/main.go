// Command contention runs mapviz's free-running contention benchmark
// (`mapviz bench contention`, app/bench_classic_contention.c) on Go's own map,
// sync.Mutex, sync.RWMutex and sync.Map, so bench/run.sh can compare the
// two.  Same flags, same workload, same output; see bench/README.md.
//
// Workload.  K keys splitmix64(i) -> i, i in [0, K), are stored first (one
// goroutine, before the clock starts).  Then T goroutines run for S seconds,
// each looping: draw x from its own xorshift64 generator; the low 32 bits
// pick the kind of operation (read when (lo32 * 100) >> 32 < R), the high 32
// bits the key index idx = (hi32 * K) >> 32, key = splitmix64(idx).
//
//	read              v, ok := Load(key)
//	write, update     Store(key, int64(x))
//	write, churn      Delete(key); Store(key, int64(x))   (two operations,
//	                  each taking the lock on its own; one op in the count)
//
// Implementations (-impl): mutex = map[int64]int64 behind a sync.Mutex;
// rwmutex = the same behind a sync.RWMutex, reads under RLock; syncmap = a
// sync.Map; sharded = 16 shards, each a map behind its own RWMutex, shard =
// splitmix64(key) & 15, each shard padded to its own 64-byte cache line.
//
// Output, one per line: "ops_per_sec N" (all goroutines' operations divided
// by the wall time between the start and the stop signal), "lock_waits 0",
// "handoffs 0" and "sleeps 0" (Go does not expose how often its semaphores
// put a goroutine to sleep or handed a mutex over, so they are printed as 0
// to keep the output shape of the C side), and "fairness N": the fewest
// operations any goroutine did, in percent of the most.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"mapviz/bench/internal/rng"
)

const nShards = 16

func shardOf(key int64) int { return int(rng.SplitMix64(uint64(key)) & (nShards - 1)) }

// Padded to 64 bytes (24 + 8 + 32) like the C side's shards.
type shard struct {
	mu sync.RWMutex
	m  map[int64]int64
	_  [32]byte
}

// One counter per goroutine, each on its own cache line.
type result struct {
	ops uint64
	_   [56]byte
}

var (
	start int32 // set by main: go
	stop  int32 // set by main: finish the current operation and return
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "contention: "+format+"\n", args...)
	os.Exit(1)
}

// worker setup shared by every implementation's loop
type params struct {
	readPct uint64
	keys    uint64
	churn   bool
}

func seedOf(id int) uint64 {
	s := rng.SplitMix64(0x6d617076697a + uint64(id))
	if s == 0 {
		s = 1
	}
	return s
}

func waitStart() {
	for atomic.LoadInt32(&start) == 0 {
		runtime.Gosched()
	}
}

// xorshift64 (Marsaglia 13/7/17).
func next(x uint64) uint64 {
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	return x
}

var sink int64

func runMutex(p params, mu *sync.Mutex, m map[int64]int64, id int, res *result, wg *sync.WaitGroup) {
	defer wg.Done()
	x := seedOf(id)
	var ops uint64
	var sum int64
	waitStart()
	for atomic.LoadInt32(&stop) == 0 {
		x = next(x)
		key := int64(rng.SplitMix64(((x >> 32) * p.keys) >> 32))
		if ((x&0xffffffff)*100)>>32 < p.readPct {
			mu.Lock()
			v := m[key]
			mu.Unlock()
			sum += v
		} else if !p.churn {
			mu.Lock()
			m[key] = int64(x)
			mu.Unlock()
		} else {
			mu.Lock()
			delete(m, key)
			mu.Unlock()
			mu.Lock()
			m[key] = int64(x)
			mu.Unlock()
		}
		ops++
	}
	res.ops = ops
	atomic.AddInt64(&sink, sum)
}

func runRWMutex(p params, mu *sync.RWMutex, m map[int64]int64, id int, res *result, wg *sync.WaitGroup) {
	defer wg.Done()
	x := seedOf(id)
	var ops uint64
	var sum int64
	waitStart()
	for atomic.LoadInt32(&stop) == 0 {
		x = next(x)
		key := int64(rng.SplitMix64(((x >> 32) * p.keys) >> 32))
		if ((x&0xffffffff)*100)>>32 < p.readPct {
			mu.RLock()
			v := m[key]
			mu.RUnlock()
			sum += v
		} else if !p.churn {
			mu.Lock()
			m[key] = int64(x)
			mu.Unlock()
		} else {
			mu.Lock()
			delete(m, key)
			mu.Unlock()
			mu.Lock()
			m[key] = int64(x)
			mu.Unlock()
		}
		ops++
	}
	res.ops = ops
	atomic.AddInt64(&sink, sum)
}

func runSyncMap(p params, m *sync.Map, id int, res *result, wg *sync.WaitGroup) {
	defer wg.Done()
	x := seedOf(id)
	var ops uint64
	var sum int64
	waitStart()
	for atomic.LoadInt32(&stop) == 0 {
		x = next(x)
		key := int64(rng.SplitMix64(((x >> 32) * p.keys) >> 32))
		if ((x&0xffffffff)*100)>>32 < p.readPct {
			if v, ok := m.Load(key); ok {
				sum += v.(int64)
			}
		} else if !p.churn {
			m.Store(key, int64(x))
		} else {
			m.Delete(key)
			m.Store(key, int64(x))
		}
		ops++
	}
	res.ops = ops
	atomic.AddInt64(&sink, sum)
}

func runSharded(p params, sh *[nShards]shard, id int, res *result, wg *sync.WaitGroup) {
	defer wg.Done()
	x := seedOf(id)
	var ops uint64
	var sum int64
	waitStart()
	for atomic.LoadInt32(&stop) == 0 {
		x = next(x)
		key := int64(rng.SplitMix64(((x >> 32) * p.keys) >> 32))
		s := &sh[shardOf(key)]
		if ((x&0xffffffff)*100)>>32 < p.readPct {
			s.mu.RLock()
			v := s.m[key]
			s.mu.RUnlock()
			sum += v
		} else if !p.churn {
			s.mu.Lock()
			s.m[key] = int64(x)
			s.mu.Unlock()
		} else {
			s.mu.Lock()
			delete(s.m, key)
			s.mu.Unlock()
			s.mu.Lock()
			s.m[key] = int64(x)
			s.mu.Unlock()
		}
		ops++
	}
	res.ops = ops
	atomic.AddInt64(&sink, sum)
}

// check: every preloaded key still present and nothing else, as the C
// side checks after its run.
func check(impl string, keys int64, plain map[int64]int64, sm *sync.Map, sh *[nShards]shard) {
	var count, found int64
	for i := int64(0); i < keys; i++ {
		k := int64(rng.SplitMix64(uint64(i)))
		var ok bool
		switch impl {
		case "mutex", "rwmutex":
			_, ok = plain[k]
		case "syncmap":
			_, ok = sm.Load(k)
		case "sharded":
			_, ok = sh[shardOf(k)].m[k]
		}
		if ok {
			found++
		}
	}
	switch impl {
	case "mutex", "rwmutex":
		count = int64(len(plain))
	case "syncmap":
		sm.Range(func(k, v interface{}) bool { count++; return true })
	case "sharded":
		for i := range sh {
			count += int64(len(sh[i].m))
		}
	}
	if count != keys || found != keys {
		fail("self-check: %d entries, %d of %d keys found", count, found, keys)
	}
}

func main() {
	fs := flag.NewFlagSet("contention", flag.ContinueOnError)
	impl := fs.String("impl", "", "mutex | rwmutex | syncmap | sharded")
	threads := fs.Int("threads", 2, "worker goroutines")
	readPct := fs.Int("read-pct", 90, "percentage of operations that are reads")
	mode := fs.String("mode", "update", "writes: update | churn")
	keys := fs.Int64("keys", 10000, "preloaded keys")
	seconds := fs.Float64("seconds", 1, "measured duration")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(1)
	}
	if fs.NArg() != 0 {
		fail("unexpected argument %q", fs.Arg(0))
	}
	switch *impl {
	case "mutex", "rwmutex", "syncmap", "sharded":
	case "":
		fail("-impl is required (mutex | rwmutex | syncmap | sharded)")
	default:
		fail("bad value for -impl: %q (want mutex | rwmutex | syncmap | sharded)", *impl)
	}
	if *mode != "update" && *mode != "churn" {
		fail("bad value for -mode: %q (want update | churn)", *mode)
	}
	if *threads < 1 || *threads > 1024 {
		fail("bad value for -threads: %d (want 1..1024)", *threads)
	}
	if *readPct < 0 || *readPct > 100 {
		fail("bad value for -read-pct: %d (want 0..100)", *readPct)
	}
	if *keys < 1 || *keys > 100000000 {
		fail("bad value for -keys: %d (want 1..100000000)", *keys)
	}
	if !(*seconds >= 0.001 && *seconds <= 3600) {
		fail("bad value for -seconds: %v (want 0.001..3600)", *seconds)
	}
	p := params{readPct: uint64(*readPct), keys: uint64(*keys), churn: *mode == "churn"}

	// preload, then collect the preload's garbage outside the measurement
	var (
		mu    sync.Mutex
		rw    sync.RWMutex
		plain map[int64]int64
		sm    sync.Map
		sh    = new([nShards]shard)
	)
	switch *impl {
	case "mutex", "rwmutex":
		plain = make(map[int64]int64)
		for i := int64(0); i < *keys; i++ {
			plain[int64(rng.SplitMix64(uint64(i)))] = i
		}
	case "syncmap":
		for i := int64(0); i < *keys; i++ {
			sm.Store(int64(rng.SplitMix64(uint64(i))), i)
		}
	case "sharded":
		for i := range sh {
			sh[i].m = make(map[int64]int64)
		}
		for i := int64(0); i < *keys; i++ {
			k := int64(rng.SplitMix64(uint64(i)))
			sh[shardOf(k)].m[k] = i
		}
	}
	runtime.GC()

	res := make([]result, *threads)
	var wg sync.WaitGroup
	wg.Add(*threads)
	for id := 0; id < *threads; id++ {
		switch *impl {
		case "mutex":
			go runMutex(p, &mu, plain, id, &res[id], &wg)
		case "rwmutex":
			go runRWMutex(p, &rw, plain, id, &res[id], &wg)
		case "syncmap":
			go runSyncMap(p, &sm, id, &res[id], &wg)
		case "sharded":
			go runSharded(p, sh, id, &res[id], &wg)
		}
	}
	dur := time.Duration(*seconds * float64(time.Second))
	t0 := time.Now()
	atomic.StoreInt32(&start, 1)
	time.Sleep(dur)
	atomic.StoreInt32(&stop, 1)
	elapsed := time.Since(t0)
	wg.Wait()

	var total, least, most uint64
	for i := range res {
		total += res[i].ops
		if i == 0 || res[i].ops < least {
			least = res[i].ops
		}
		if res[i].ops > most {
			most = res[i].ops
		}
	}
	fairness := uint64(100)
	if most > 0 {
		fairness = least * 100 / most
	}
	check(*impl, *keys, plain, &sm, sh)
	fmt.Printf("ops_per_sec %.0f\n", float64(total)/elapsed.Seconds())
	fmt.Println("lock_waits 0")
	fmt.Println("handoffs 0")
	fmt.Println("sleeps 0")
	fmt.Printf("fairness %d\n", fairness)
}

// Command oracle checks mapviz's model of Go's map against Go's own runtime.
//
// It runs seeded operation sequences (workloads) on real Go 1.19 maps
// (map[int64]int64 and map[string]int64), reads the runtime's internal
// structures through unsafe after every operation, and writes two files: a
// mapviz scene that replays the same operations with the hashes and
// iteration start points Go used pinned, and the state Go reached after
// each of them, in the JSON Lines shape `mapviz run --format jsonl --every
// op --state full` prints.  `oracle compare` then checks mapviz's output
// against it, bucket by bucket, slot by slot.
//
//	oracle gen -workload NAME -seed S -keys int|string -out DIR
//	    writes DIR/NAME.yaml and DIR/NAME.expected.jsonl
//	oracle compare EXPECTED.jsonl ACTUAL.jsonl
//	    exit 0 and "ok N ops" if every op matches; else the first op that
//	    differs, with every differing field, and exit 1
//	oracle selftest
//	    checks the documented runtime facts (go-map-semantics.md) and the
//	    oracle's own reading of the runtime against the live runtime
//	oracle list
//	    the workload names, one per line
//
// The syncmap-* workloads run on a real sync.Map instead and trace its
// read.m, dirty, amended and misses after every op (syncmap.go).
//
// The runtime mirrors (hmap.go) are valid for Go 1.19 on 64-bit machines
// only; the oracle refuses to run elsewhere.  tests/oracle/run.sh runs the
// whole suite against a mapviz binary.
package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
)

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  oracle gen -workload NAME -seed S -keys int|string -out DIR
  oracle compare EXPECTED.jsonl ACTUAL.jsonl
  oracle selftest [-v]
  oracle list
`)
	os.Exit(2)
}

func main() {
	checkLayout()
	checkSyncLayout()
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "gen":
		os.Exit(cmdGen(os.Args[2:]))
	case "compare":
		if len(os.Args) != 4 {
			usage()
		}
		os.Exit(compareTraces(os.Args[2], os.Args[3], os.Stdout))
	case "selftest":
		os.Exit(cmdSelftest(os.Args[2:]))
	case "list":
		for _, w := range workloads {
			fmt.Printf("%-10s hint %-5d %s\n", w.name, w.hint, w.doc)
		}
		for _, w := range smWorkloads {
			fmt.Printf("%-20s sync.Map %s\n", w.name, w.doc)
		}
	default:
		usage()
	}
}

func cmdGen(args []string) int {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	name := fs.String("workload", "", "workload name (see oracle list)")
	seedArg := fs.String("seed", "1", "the workload's random seed (decimal)")
	keys := fs.String("keys", "int", "key type: int or string")
	out := fs.String("out", ".", "output directory")
	fs.Parse(args)
	if sw := findSMWorkload(*name); sw != nil && fs.NArg() == 0 {
		return cmdGenSM(sw, *seedArg, *keys, *out) // syncmap_workloads.go
	}
	w := findWorkload(*name)
	seed, err := strconv.ParseUint(*seedArg, 10, 64)
	if w == nil || err != nil || (*keys != "int" && *keys != "string") || fs.NArg() != 0 {
		fmt.Fprintf(os.Stderr, "oracle gen: need -workload (one of oracle list), a decimal -seed, -keys int|string\n")
		return 2
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "oracle gen:", err)
		return 2
	}
	// Each workload draws from its own stream of the seed.
	h := fnv.New64a()
	h.Write([]byte(w.name))
	rseed := int64(seed ^ h.Sum64())
	title := fmt.Sprintf("oracle %s %s seed %d", w.name, *keys, seed)
	var nops int
	if *keys == "int" {
		nops, err = gen(w, w.ints, rseed, *out, title, "int")
	} else {
		nops, err = gen(w, w.strs, rseed, *out, title, "string")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "oracle gen:", err)
		return 2
	}
	fmt.Printf("%s/%s: %d ops\n", w.name, *keys, nops)
	return 0
}

// gen runs one workload on a fresh real map and writes its scene and
// expected trace.
func gen[K Key](w *workload, run func(*work[K]), seed int64, dir, title, keykind string) (int, error) {
	tr := newTracer[K](w.hint)
	hash0 := tr.h().hash0
	run(newWork(tr, seed))
	return tr.nops, tr.write(dir, w.name, title, keykind, w.hint, hash0)
}

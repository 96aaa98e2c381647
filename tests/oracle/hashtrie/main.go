// Command oracle-hashtrie checks mapviz's model of Go 1.26's sync.Map
// (internal/sync.HashTrieMap, engine/hashtrie) against Go's own runtime.
//
// It runs seeded operation sequences (workloads) on a real sync.Map with
// int64 and string keys (and their full-hash collision partners, HT2.2),
// reads the HashTrieMap through unsafe after every operation (OR1.6 of
// go-swiss-semantics.md: keys hashed with its own keyHash and seed), and
// writes three files: a mapviz scene (go: "1.26", map.impl syncmap) that
// replays the operations with the hashes Go used pinned, the state Go
// reached after each of them in the JSON Lines shape `mapviz run --format
// jsonl --every op --state full` prints, and the same operations in the
// plain form of replay/replay.c (the engine driven without mapviz).  A reference
// model written from the sheet's rules (model.go) runs in lockstep and must
// agree with the runtime after every op.
//
//	oracle-hashtrie gen -workload NAME -seed S -keys int|string -out DIR
//	    writes DIR/NAME.yaml, DIR/NAME.expected.jsonl, DIR/NAME.ops; exit 3
//	    if the reference model disagrees with the runtime
//	oracle-hashtrie compare EXPECTED.jsonl ACTUAL.jsonl
//	    exit 0 and "ok N ops", 1 and the first op that differs, or 3 when
//	    ACTUAL is not a hashtrie trace (mapviz ran another model)
//	oracle-hashtrie selftest [-v]
//	oracle-hashtrie list
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
  oracle-hashtrie gen -workload NAME -seed S -keys int|string -out DIR
  oracle-hashtrie compare EXPECTED.jsonl ACTUAL.jsonl
  oracle-hashtrie selftest [-v]
  oracle-hashtrie list
`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	if os.Args[1] != "compare" {
		if why := checkRuntime(); why != "" {
			fmt.Fprintln(os.Stderr, "oracle-hashtrie: refusing to run:", why)
			os.Exit(2)
		}
	}
	switch os.Args[1] {
	case "gen":
		os.Exit(cmdGen(os.Args[2:]))
	case "compare":
		if len(os.Args) != 4 {
			usage()
		}
		os.Exit(compareFiles(os.Args[2], os.Args[3], os.Stdout))
	case "selftest":
		os.Exit(cmdSelftest(os.Args[2:]))
	case "list":
		for _, w := range workloads {
			fmt.Printf("%-8s %s\n", w.name, w.doc)
		}
	default:
		usage()
	}
}

// workSeed is the workload's own random stream of the run's seed.
func workSeed(name string, seed uint64) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(seed ^ h.Sum64())
}

func cmdGen(args []string) int {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	name := fs.String("workload", "", "workload name (see oracle-hashtrie list)")
	seedArg := fs.String("seed", "1", "the workload's random seed (decimal)")
	keys := fs.String("keys", "int", "key type: int or string")
	out := fs.String("out", ".", "output directory")
	fs.Parse(args)
	w := findWorkload(*name)
	seed, err := strconv.ParseUint(*seedArg, 10, 64)
	if w == nil || err != nil || (*keys != "int" && *keys != "string") || fs.NArg() != 0 {
		fmt.Fprintf(os.Stderr, "oracle-hashtrie gen: need -workload (one of oracle-hashtrie list), a decimal -seed, -keys int|string\n")
		return 2
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "oracle-hashtrie gen:", err)
		return 2
	}
	title := fmt.Sprintf("oracle-hashtrie %s %s seed %d", w.name, *keys, seed)
	var st *stats
	var merr error
	if *keys == "int" {
		st, merr, err = gen(w.ints, workSeed(w.name, seed), *out, w.name, title, "int")
	} else {
		st, merr, err = gen(w.strs, workSeed(w.name, seed), *out, w.name, title, "string")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "oracle-hashtrie gen:", err)
		return 2
	}
	fmt.Printf("%s/%s: %s\n", w.name, *keys, st)
	if merr != nil {
		fmt.Fprintf(os.Stderr, "oracle-hashtrie gen: the reference model (the sheet's HT rules) disagrees with the runtime: %v\n", merr)
		return 3
	}
	return 0
}

// gen runs one workload on a fresh sync.Map, with the model in lockstep,
// and writes its files.
func gen[K Key](run func(*work[K]), seed int64, dir, name, title, keykind string) (*stats, error, error) {
	tr := newTracer[K]().withModel()
	run(newWork(tr, seed))
	if tr.err != nil {
		return &tr.st, nil, tr.err
	}
	return &tr.st, tr.modelErr, tr.write(dir, name, title, keykind)
}

// Command oracle-swiss checks mapviz's model of Go 1.26's Swiss-table map
// against Go's own runtime.
//
// It runs seeded operation sequences (workloads) on real Go 1.26 maps
// (map[int64]int64 and map[string]int64), reads the runtime's internal
// structures through unsafe after every operation (no linkname, OR1/OR2 of
// go-swiss-semantics.md), and writes two files: a mapviz scene (go: "1.26")
// that replays the same operations with the hashes and iterator offsets Go
// used pinned, and the state Go reached after each of them, in the JSON
// Lines shape `mapviz run --format jsonl --every op --state full` prints.
// `oracle-swiss compare` then checks mapviz's output against it, table by
// table, group by group, slot by slot.
//
//	oracle-swiss gen -workload NAME -seed S -keys int|string -out DIR [-model FILE]
//	    writes DIR/NAME.yaml and DIR/NAME.expected.jsonl; with -model also
//	    the reference model's trace (model.go) in mapviz's shape
//	oracle-swiss compare EXPECTED.jsonl ACTUAL.jsonl
//	    exit 0 and "ok N ops" if every op matches; else the first op that
//	    differs, with every differing field, and exit 1
//	oracle-swiss selftest [-v]
//	    checks the sheet's rules and the oracle's own reading of the runtime
//	    against the live runtime
//	oracle-swiss list
//	    the workloads, one per line
//
// The mirrors (runtime.go) are valid for Go 1.26 on 64-bit little-endian
// machines only; the program refuses to run elsewhere.
// tests/oracle/swiss-run.sh runs the whole suite against a mapviz binary.
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
  oracle-swiss gen -workload NAME -seed S -keys int|string -out DIR [-model FILE]
  oracle-swiss compare EXPECTED.jsonl ACTUAL.jsonl
  oracle-swiss selftest [-v]
  oracle-swiss list
`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	// compare reads only JSON; everything else reads the runtime.
	if os.Args[1] != "compare" {
		if why := checkRuntime(); why != "" {
			fmt.Fprintln(os.Stderr, "oracle-swiss: refusing to run:", why)
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
			fmt.Printf("%-9s hint %-5d %s\n", w.name, w.hint, w.doc)
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
	name := fs.String("workload", "", "workload name (see oracle-swiss list)")
	seedArg := fs.String("seed", "1", "the workload's random seed (decimal)")
	keys := fs.String("keys", "int", "key type: int or string")
	out := fs.String("out", ".", "output directory")
	modelFile := fs.String("model", "", "also run the reference model and write its trace here")
	fs.Parse(args)
	w := findWorkload(*name)
	seed, err := strconv.ParseUint(*seedArg, 10, 64)
	if w == nil || err != nil || (*keys != "int" && *keys != "string") || fs.NArg() != 0 {
		fmt.Fprintf(os.Stderr, "oracle-swiss gen: need -workload (one of oracle-swiss list), a decimal -seed, -keys int|string\n")
		return 2
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "oracle-swiss gen:", err)
		return 2
	}
	title := fmt.Sprintf("oracle-swiss %s %s seed %d", w.name, *keys, seed)
	var st *stats
	var merr error
	if *keys == "int" {
		st, merr, err = gen(w, w.ints, workSeed(w.name, seed), *out, title, "int", *modelFile)
	} else {
		st, merr, err = gen(w, w.strs, workSeed(w.name, seed), *out, title, "string", *modelFile)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "oracle-swiss gen:", err)
		return 2
	}
	fmt.Printf("%s/%s: %s\n", w.name, *keys, st)
	if merr != nil {
		fmt.Fprintf(os.Stderr, "oracle-swiss gen: the reference model disagrees with the runtime: %v\n", merr)
		return 3
	}
	return 0
}

// gen runs one workload on a fresh real map and writes its scene and
// expected trace.
func gen[K Key](w *workload, run func(*work[K]), seed int64, dir, title, keykind, modelFile string) (*stats, error, error) {
	tr := newTracer[K](w.hint)
	if modelFile != "" {
		tr.withModel()
	}
	run(newWork(tr, seed))
	return &tr.st, tr.modelErr, tr.write(dir, w.name, title, keykind, modelFile)
}

// Package rng holds what the Go twins of mapviz's benchmarks share with
// engine/rng.h, so both sides draw the same keys.
package rng

// SplitMix64 is mv_splitmix64 from engine/rng.h (small enough for the
// compiler to inline into the benchmark loops).
func SplitMix64(x uint64) uint64 {
	z := x + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

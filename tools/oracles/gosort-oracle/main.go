// Command gosort-oracle prints, as JSON on stdout, the order in which Go's own sort package leaves
// inputs that are full of ties: the golden data test/go-sort-golden.test.ts holds
// src/sdl/go-sort.ts to. A provider recomputes the manifest hash with Go, so every tie that the
// TypeScript port breaks differently from Go is a 422; these are the exact orders Go gives.
//
// Two sorts, the ones Akash's SDL code calls:
//
//   - "sort": sort.Sort (pdqsort) with Go's `<` on string keys, as for types.Attributes and a
//     group's manifest services. Keys mix characters above U+FFFF (surrogate pairs in UTF-16) with
//     characters in U+E000..U+FFFF, where Go's byte (code point) order and UTF-16 unit order differ.
//
//   - "stable": sort.SliceStable with the storage-volume comparator (by size, then the persistent
//     attribute, then name). It is not a strict weak order: two non-persistent volumes of one size
//     are each "less" than the other, and since Go only ever asks less(later, earlier), it leaves
//     them in reverse input order, where a sort that took them for equal would keep input order.
//
//   - "descending": sort.Sort on integer keys that run downwards, which pdqsort's pattern
//     detection reverses in place before sorting (a path the shapes above never reach: their
//     ties keep the sampled keys from looking strictly descending); some keys repeat, so the
//     reversal also decides where ties end up.
//
// The inputs are written out too, so the TypeScript side reads them instead of reproducing a
// random generator. They come from splitmix64 with fixed seeds, so the output never changes unless
// Go's sort package does; the test compares a fresh run with the committed file to prove the file
// is Go's. Each input is also sorted by the other entry points that share the algorithm
// (sort.Slice, slices.SortFunc; sort.Stable): the program fails if any disagrees, since
// go-sort.ts claims to be all of them.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"akash-stack/tools/oracles/splitmix"
)

// keys: distinct strings whose code point order differs from their UTF-16 order in several pairs
// (U+E000..U+FFFF sorts after U+D800..U+DFFF surrogates in UTF-16 but before U+10000.. by code
// point), plus shared prefixes and the empty string.
var keys = []string{
	"",
	"a",
	"ab",
	"z",
	"\u00e9",
	"\ue000",
	"\uff5e",
	"\ufffd",
	"\U00010000",
	"\U0001f600",
	"\U0001f600a",
	"\U0010ffff",
	"a\ufffd",
	"a\U00010000",
	"\ue000\U0001f600",
	"\U0001f600\ue000",
}

// item is one element: its key (an index into keys, or a volume code) and its position in the
// input, which is what tells equal keys apart in the output.
type item struct {
	key int
	pos int
}

// byKey is sort.Interface with Go's string `<`, the comparator of types.Attributes and of a
// group's services (by name).
type byKey []item

func (s byKey) Len() int           { return len(s) }
func (s byKey) Less(i, j int) bool { return keys[s[i].key] < keys[s[j].key] }
func (s byKey) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }

// The input shapes pdqsort treats differently: random, ascending and descending runs (its
// pattern detection and reversal), a sawtooth, and few distinct keys (its equal-element partition).
const shapes = 6

func sortInput(n int) []int {
	rng := splitmix.New(0x5eed0000 + uint64(n))
	distinct := []int{1, 2, 3, 4, 6, 8, 12, 16}[(n/shapes)%8]
	// the keys this input uses: a random subset, in code point order for the sorted shapes
	pool := perm(rng, len(keys))[:distinct]
	slices.SortFunc(pool, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	in := make([]int, n)
	for i := range in {
		switch n % shapes {
		case 0, 5: // random
			in[i] = pool[rng.Intn(distinct)]
		case 1: // ascending with ties, a few elements out of place
			in[i] = pool[i*distinct/n]
		case 2: // descending with ties
			in[i] = pool[(n-1-i)*distinct/n]
		case 3: // sawtooth
			in[i] = pool[i%distinct]
		case 4: // two keys only
			in[i] = pool[rng.Intn(min(distinct, 2))]
		}
	}
	if n%shapes == 1 {
		for range 1 + n/50 {
			i, j := rng.Intn(n), rng.Intn(n)
			in[i], in[j] = in[j], in[i]
		}
	}
	return in
}

func perm(s *splitmix.Source, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := s.Intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// A storage volume as the comparator sees it: key = size*3 + persistence, where persistence is
// 0 (no attributes), 1 (persistent "false") or 2 (persistent "true"); its name is "v" and its
// input position, which only the comparator's last step (two persistent volumes) looks at.
func volumeLess(a, b item) bool {
	aSize, bSize := a.key/3, b.key/3
	if aSize < bSize {
		return true
	}
	if aSize > bSize {
		return false
	}
	aValue, aExists := persistentValue(a.key % 3)
	bValue, bExists := persistentValue(b.key % 3)
	if (!aExists && bExists) || (aExists && bExists && aValue < bValue) {
		return true
	} else if aExists && !bExists {
		return false
	}
	if aValue != "true" {
		return true
	} else if bValue != "true" {
		return false
	}
	return volumeName(a) < volumeName(b)
}

func persistentValue(persistence int) (string, bool) {
	switch persistence {
	case 1:
		return "false", true
	case 2:
		return "true", true
	}
	return "", false
}

func volumeName(v item) string { return fmt.Sprintf("v%d", v.pos) }

type volumes []item

func (s volumes) Len() int           { return len(s) }
func (s volumes) Less(i, j int) bool { return volumeLess(s[i], s[j]) }
func (s volumes) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }

func stableInput(n int) []int {
	rng := splitmix.New(0x57ab1e00 + uint64(n))
	sizes := 1 + n%4
	in := make([]int, n)
	for i := range in {
		in[i] = rng.Intn(sizes)*3 + rng.Intn(3)
	}
	return in
}

func items(keys []int) []item {
	out := make([]item, len(keys))
	for i, k := range keys {
		out[i] = item{key: k, pos: i}
	}
	return out
}

func positions(s []item) []int {
	out := make([]int, len(s))
	for i, it := range s {
		out[i] = it.pos
	}
	return out
}

type sorted struct {
	N      int   `json:"n"`
	Input  []int `json:"input"`
	Output []int `json:"output"`
}

func sortCase(n int) sorted {
	in := sortInput(n)
	bySort := items(in)
	sort.Sort(byKey(bySort))
	bySlice := items(in)
	sort.Slice(bySlice, func(i, j int) bool { return keys[bySlice[i].key] < keys[bySlice[j].key] })
	byFunc := items(in)
	slices.SortFunc(byFunc, func(a, b item) int { return strings.Compare(keys[a.key], keys[b.key]) })
	agree(n, "sort.Slice", bySort, bySlice)
	agree(n, "slices.SortFunc", bySort, byFunc)
	return sorted{N: n, Input: in, Output: positions(bySort)}
}

func stableCase(n int) sorted {
	in := stableInput(n)
	bySlice := items(in)
	sort.SliceStable(bySlice, func(i, j int) bool { return volumeLess(bySlice[i], bySlice[j]) })
	byStable := items(in)
	sort.Stable(volumes(byStable))
	agree(n, "sort.Stable", bySlice, byStable)
	return sorted{N: n, Input: in, Output: positions(bySlice)}
}

type byInt []item

func (s byInt) Len() int           { return len(s) }
func (s byInt) Less(i, j int) bool { return s[i].key < s[j].key }
func (s byInt) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }

// descendingCase: n keys running downwards, every seventh one equal to the one before it, except
// next to the places pdqsort samples for its pivot (a quarter, half and three quarters of the way),
// which must look strictly descending for it to reverse the input.
func descendingCase(n int) sorted {
	sampled := func(i int) bool {
		for _, at := range []int{n / 4, n / 4 * 2, n / 4 * 3} {
			if i >= at-2 && i <= at+1 {
				return true
			}
		}
		return false
	}
	in := make([]int, n)
	for i := range in {
		in[i] = n - i
		if i%7 == 3 && !sampled(i) {
			in[i] = in[i-1]
		}
	}
	s := items(in)
	sort.Sort(byInt(s))
	return sorted{N: n, Input: in, Output: positions(s)}
}

func agree(n int, name string, want, got []item) {
	if !slices.Equal(want, got) {
		fmt.Fprintf(os.Stderr, "gosort-oracle: n=%d: %s orders ties differently from its sibling; go-sort.ts cannot match both\n", n, name)
		os.Exit(1)
	}
}

func main() {
	w := bufio.NewWriter(os.Stdout)
	line := func(format string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(w, format, b)
	}
	sortedKeys := slices.Clone(keys)
	sort.Strings(sortedKeys)

	fmt.Fprintln(w, "{")
	line("  \"about\": %s,\n", "Generated by tools/oracles/gosort-oracle (Go's sort package); do not edit. test/go-sort-golden.test.ts regenerates it and compares.")
	line("  \"keys\": %s,\n", keys)
	line("  \"keysSorted\": %s,\n", sortedKeys)
	fmt.Fprintln(w, "  \"sort\": [")
	for n := 1; n <= 300; n++ {
		line("    %s"+sep(n, 300)+"\n", sortCase(n))
	}
	fmt.Fprintln(w, "  ],")
	fmt.Fprintln(w, "  \"stable\": [")
	stableSizes := []int{}
	for n := 1; n <= 100; n++ {
		stableSizes = append(stableSizes, n)
	}
	stableSizes = append(stableSizes, 150, 200, 300)
	for i, n := range stableSizes {
		line("    %s"+sep(i+1, len(stableSizes))+"\n", stableCase(n))
	}
	fmt.Fprintln(w, "  ],")
	fmt.Fprintln(w, "  \"descending\": [")
	descendingSizes := []int{13, 20, 33, 49, 50, 51, 64, 100, 128, 200, 257, 300}
	for i, n := range descendingSizes {
		line("    %s"+sep(i+1, len(descendingSizes))+"\n", descendingCase(n))
	}
	fmt.Fprintln(w, "  ]")
	fmt.Fprintln(w, "}")
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gosort-oracle:", err)
		os.Exit(1)
	}
}

func sep(i, last int) string {
	if i == last {
		return ""
	}
	return ","
}

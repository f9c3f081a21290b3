//go:build ignore

// testreport reads "go test -json" output and prints what a person needs:
// the package results, the slowest tests, the full output of every failed
// test, every skipped root or interop test, and a closing "N passed, N
// failed, N skipped" line.
// It exits 1 when a test failed, a package did not build, or (under
// GOALIVED_REQUIRE_ROOT=1) an integration test skipped: CI must prove them.
//
// Usage: go run .ci/testreport.go FILE
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := map[string][]string{} // package/test -> output lines
	var passed, failed, skipped int
	var failures, badSkips, pkgLines []string
	var timed []timing
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			fmt.Println(sc.Text()) // build errors come as plain text
			continue
		}
		key := e.Package + "/" + e.Test
		// A subtest's output belongs to its top-level test, which is what
		// is printed when it fails.
		top, _, _ := strings.Cut(e.Test, "/")
		switch e.Action {
		case "output":
			out[e.Package+"/"+top] = append(out[e.Package+"/"+top], e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				pkgLines = append(pkgLines, fmt.Sprintf("%-4s %s (%.1fs)", strings.ToUpper(e.Action), e.Package, e.Elapsed))
				if e.Action == "fail" {
					failures = append(failures, strings.Join(out[key], ""))
				}
				continue
			}
			if strings.Contains(e.Test, "/") {
				// Subtests are counted through their parents, but a root
				// subtest that skipped (one daemon kind of a comparison)
				// must not hide behind its passing parent.
				if e.Action == "skip" && isIntegration(top) {
					badSkips = append(badSkips, e.Package+"."+e.Test+": "+strings.TrimSpace(strings.Join(out[e.Package+"/"+top], "")))
				}
				continue
			}
			timed = append(timed, timing{e.Package + "." + e.Test, e.Elapsed})
			switch e.Action {
			case "pass":
				passed++
			case "fail":
				failed++
				failures = append(failures, strings.Join(out[key], ""))
			case "skip":
				skipped++
				if isIntegration(e.Test) {
					badSkips = append(badSkips, e.Package+"."+e.Test+": "+strings.TrimSpace(strings.Join(out[key], "")))
				}
			}
			delete(out, key)
		}
	}
	sort.Strings(pkgLines)
	for _, l := range pkgLines {
		fmt.Println(l)
	}
	printSlowest(timed, 12)
	for _, f := range failures {
		fmt.Print("\n", f)
	}
	for _, s := range badSkips {
		fmt.Println("skipped integration test:", s)
	}
	fmt.Printf("\n%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 || len(failures) > 0 || (len(badSkips) > 0 && os.Getenv("GOALIVED_REQUIRE_ROOT") == "1") {
		os.Exit(1)
	}
}

// isIntegration reports whether a top-level test is a root/interop test
// that CI must run.
func isIntegration(test string) bool {
	return strings.HasPrefix(test, "TestIntegration") || strings.HasPrefix(test, "TestE2E")
}

// timing is how long one top-level test ran.
type timing struct {
	test    string
	elapsed float64
}

// printSlowest lists the n slowest tests: where to look when the run is
// slow.
func printSlowest(ts []timing, n int) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].elapsed > ts[j].elapsed })
	if len(ts) > n {
		ts = ts[:n]
	}
	fmt.Println("\nslowest tests:")
	for _, t := range ts {
		fmt.Printf("%7.1fs %s\n", t.elapsed, strings.TrimPrefix(t.test, "github.com/goalived/goalived/"))
	}
}

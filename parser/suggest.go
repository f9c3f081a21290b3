package parser

import "strings"

// suggest returns the known keyword closest to kw, or "" when none is close
// enough to be a plausible typo. Case differences count as one edit so that
// "State" suggests "state".
func suggest(kw string, known []string) string {
	best, bestD := "", -1
	for _, k := range known {
		d := editDistance(kw, k)
		if strings.EqualFold(kw, k) {
			d = 1
		}
		if bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	limit := 2
	if len(kw) > 10 {
		limit = 3
	}
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance, case-insensitive: a pure case
// difference is handled by the caller.
func editDistance(a, b string) int {
	a, b = strings.ToLower(a), strings.ToLower(b)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

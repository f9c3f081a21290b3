package parser

import "strings"

// suggest returns the known keyword closest to kw, or "" when none is close
// enough to be a plausible typo. Case differences count as one edit so that
// "State" suggests "state".
func suggest(kw string, known []string) string {
	limit := 2
	if len(kw) > 10 {
		limit = 3
	}
	lower := strings.ToLower(kw)
	var rows [2][]int
	best, bestD := "", limit+1
	for _, k := range known {
		// The distance is at least the difference in length: a long
		// unknown word (a line of 1 KB) is compared with no keyword.
		if abs(len(kw)-len(k)) >= bestD {
			continue
		}
		d := editDistance(lower, strings.ToLower(k), &rows)
		if strings.EqualFold(kw, k) {
			d = 1
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func abs(n int) int { return max(n, -n) }

// editDistance is the Levenshtein distance of two lower-case strings;
// rows is scratch space kept between calls.
func editDistance(a, b string, rows *[2][]int) int {
	for i := range rows {
		if cap(rows[i]) < len(b)+1 {
			rows[i] = make([]int, len(b)+1)
		}
	}
	prev, cur := rows[0][:len(b)+1], rows[1][:len(b)+1]
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

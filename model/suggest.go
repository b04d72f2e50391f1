package model

import "strings"

// Suggest returns the candidate closest to s, or "" when none is close
// enough to be a plausible typo: the "did you mean" of iomt's messages,
// for other packages that read what a user typed.
func Suggest(s string, candidates []string) string { return suggest(s, candidates) }

// suggest returns the candidate closest to s, or "" when none is close
// enough to be a plausible typo.
func suggest(s string, candidates []string) string {
	best, bestD := "", -1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := levenshtein(ls, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 {
		return ""
	}
	// Allow roughly one typo in three characters; beyond that the
	// suggestion is more confusing than helpful.
	if limit := max(2, len([]rune(s))/3); bestD > limit {
		// A cut-short name ("cagr" for "cagr_pct") is many edits away but
		// plainly meant: suggest the one candidate that begins with it.
		return uniquePrefix(ls, candidates)
	}
	return best
}

// uniquePrefix returns the shortest candidate that begins with ls ("cagr"
// → "cagr_pct" rather than "cagr_range_pct"), or "" when none does or two
// of the same length do.
func uniquePrefix(ls string, candidates []string) string {
	if len([]rune(ls)) < 3 {
		return ""
	}
	found, tie := "", false
	for _, c := range candidates {
		if !strings.HasPrefix(strings.ToLower(c), ls) || c == found {
			continue
		}
		switch {
		case found == "" || len(c) < len(found):
			found, tie = c, false
		case len(c) == len(found):
			tie = true
		}
	}
	if tie {
		return ""
	}
	return found
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

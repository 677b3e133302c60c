// Package figures writes numbers as the people who read verdicts write
// them: thousands grouped, and percentages cut, never rounded, to the
// decimals of the objective they are read against. The text table, the
// reports and the diff share it, so that a figure reads the same in each.
package figures

import (
	"math"
	"strconv"
	"strings"
)

// Group puts thousands separators into the whole part of a decimal
// string: "84677084.5" is "84,677,084.5".
func Group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// Cut writes x with n decimals, the others dropped, never rounded, its
// whole part grouped; ok is false for NaN and infinities. It cuts the
// decimal digits x is written with, not x times a power of ten in binary,
// which would make 1.13 read 1.12.
func Cut(x float64, n int) (s string, ok bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "", false
	}
	s = strconv.FormatFloat(x, 'f', -1, 64)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > n {
		frac = frac[:n]
	} else {
		frac += strings.Repeat("0", n-len(frac))
	}
	if strings.Trim(whole+frac, "0") == "" {
		sign = ""
	}
	s = Group(whole)
	if n > 0 {
		s += "." + frac
	}
	return sign + s, true
}

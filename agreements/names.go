package agreements

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
)

// nameRE is the rule for the label of every block.
var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

// checkName returns a diagnostic when the label of a block of the given kind
// breaks the naming rule.
func checkName(kind, name string, rng hcl.Range) *hcl.Diagnostic {
	if nameRE.MatchString(name) {
		return nil
	}
	detail := fmt.Sprintf("The name of %s must start with a lowercase letter and hold only lowercase letters, digits, \"_\" and \"-\", at most 63 characters.", article(kind))
	if fixed := suggestName(name); fixed != "" && fixed != name {
		detail += fmt.Sprintf(" Did you mean %q?", fixed)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Invalid %s name", kind),
		Detail:   detail,
		Subject:  rng.Ptr(),
	}
}

// suggestName turns a name that breaks the rule into one that keeps it, when
// that is a matter of case or separators.
func suggestName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		case r == ' ' || r == '.':
			b.WriteRune('-')
		}
	}
	s := b.String()
	if !nameRE.MatchString(s) {
		return ""
	}
	return s
}

// didYouMean returns " Did you mean "x"?" for the closest of candidates, or
// "" when none is close. It follows HCL's own threshold.
func didYouMean(given string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(given, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// oneOf describes the allowed values of an enumerated attribute.
func oneOf(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// names returns the sorted names of a list of blocks, for suggestions.
func names[T named](list []T) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		out = append(out, v.name())
	}
	sort.Strings(out)
	return out
}

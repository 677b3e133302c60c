package report

// badge is how a status shows: a symbol and a word, and a tone that only
// colours them. Colour never carries the status alone: printed in black and
// white, or read aloud, the symbol and the word still do.
type badge struct {
	Symbol string
	Word   string
	// Tone is good, warn, bad, unknown or neutral: a CSS class.
	Tone string
}

// Label is the symbol and the word, for text formats.
func (b badge) Label() string { return b.Symbol + " " + b.Word }

// badges covers every status of every block, which Decode checks; the
// statuses of different blocks share words where they mean the same.
var badges = map[string]badge{
	// agreements
	"compliant":    {"✓", "compliant", "good"},
	"at_risk":      {"▲", "at risk", "warn"},
	"breached":     {"✗", "breached", "bad"},
	"inconclusive": {"?", "inconclusive", "unknown"},
	"inactive":     {"○", "inactive", "neutral"},
	// SLOs
	"pass":    {"✓", "pass", "good"},
	"warn":    {"▲", "warn", "warn"},
	"fail":    {"✗", "fail", "bad"},
	"no_data": {"?", "no data", "unknown"},
	"error":   {"!", "error", "unknown"},
	// responsibilities ("breached" is shared with agreements)
	"met":     {"✓", "met", "good"},
	"pending": {"…", "pending", "neutral"},
	"unknown": {"?", "unknown", "unknown"},
	// credits
	"owed": {"●", "owed", "bad"},
	"none": {"–", "none", "neutral"},
	// reviews
	"current":  {"✓", "current", "good"},
	"due_soon": {"▲", "due soon", "warn"},
	"overdue":  {"✗", "overdue", "bad"},
}

// statusBadge returns the badge of a status; one it does not know (a
// document built without Decode) shows as its own word.
func statusBadge(status string) badge {
	if b, ok := badges[status]; ok {
		return b
	}
	return badge{"?", words(status), "unknown"}
}

// bucketBadge is whether a bucket met the objective on its own.
func bucketBadge(met *bool) badge {
	switch {
	case met == nil:
		return badge{"?", "no data", "unknown"}
	case *met:
		return badge{"✓", "met", "good"}
	}
	return badge{"✗", "missed", "bad"}
}

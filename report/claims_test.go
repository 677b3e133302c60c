package report

import (
	"strings"
	"testing"

	"github.com/entente-dev/entente/verdict"
)

// A credit with the terms of a claim says in the report by when to claim
// it, or why it is not paid.
func TestCreditsSayByWhenToClaimThem(t *testing.T) {
	p := func(f float64) *Number { n := verdict.NumberOf(f); return &n }
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		credit Credit
		want   string
	}{
		{Credit{Name: "a", Status: "owed", Percent: p(10), Amount: p(1200), Currency: "EUR", Final: true, ClaimBy: s("2026-11-30T23:00:00Z"), Claim: s("claimable")}, "yes; claim by 2026-11-30 23:00 UTC"},
		{Credit{Name: "a", Status: "owed", Percent: p(10), Amount: p(1200), Currency: "EUR", Final: true, ClaimBy: s("2026-11-30T23:00:00Z"), Claim: s("expired")}, "yes; expired: not claimed by 2026-11-30 23:00 UTC"},
		{Credit{Name: "a", Status: "owed", Percent: p(1), Amount: p(1), Currency: "USD", Final: true, Claim: s("below_minimum")}, "yes; not paid: at or below the minimum amount"},
		{Credit{Name: "a", Status: "owed", Percent: p(10), Amount: p(1200), Currency: "EUR", Final: true}, "yes"},
	} {
		rows, _, _ := creditViews(&Agreement{Credits: []Credit{c.credit}}, false)
		if len(rows) != 1 || rows[0].Final != c.want {
			t.Errorf("%+v: %q, want %q", c.credit, rows[0].Final, c.want)
		}
		if strings.Contains(rows[0].Final, "T23") {
			t.Errorf("a raw timestamp in the report: %q", rows[0].Final)
		}
	}
}

// A credit owed says which tier applied.
func TestCreditsSayWhichTierApplied(t *testing.T) {
	p := func(f float64) *Number { n := verdict.NumberOf(f); return &n }
	rows, _, _ := creditViews(&Agreement{Credits: []Credit{
		{Name: "a", Status: "owed", Percent: p(25), Amount: p(3000), Currency: "EUR", Final: true, Tier: &CreditTier{Below: p(99), Percent: "25"}},
		{Name: "b", Status: "owed", Percent: p(5), Amount: p(600), Currency: "EUR", Final: true, Tier: &CreditTier{Above: p(0.5), Percent: "5"}},
		{Name: "c", Status: "none", Percent: p(0), Amount: p(0), Currency: "EUR", Final: true},
	}}, false)
	for i, want := range []string{"25% (below 99)", "5% (above 0.5)", "0%"} {
		if rows[i].Percent != want {
			t.Errorf("credit %d: %q, want %q", i, rows[i].Percent, want)
		}
	}
}

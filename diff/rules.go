package diff

import (
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/common/model"

	"github.com/entente-dev/entente/agreements"
)

// The rules, one per attribute, as docs/language.md ("Changes") lists them.

// roles are the parties SLOs and credits bind (the provider) and the fee
// binds (the customer): the parties so named, else the first and the
// second.
func (d *differ) roles() (provider, customer string) {
	a := d.new
	if a == nil {
		a = d.old
	}
	provider, customer = "provider", "customer"
	if a.Party("provider") == nil && len(a.Parties) > 0 {
		provider = a.Parties[0].Name
	}
	if a.Party("customer") == nil && len(a.Parties) > 1 {
		customer = a.Parties[1].Name
	}
	return provider, customer
}

func (d *differ) compare() {
	provider, _ := d.roles()
	o, n := d.old, d.new
	switch {
	case o == nil:
		d.change(nil, "", "added", "", n.Version, provider, Stricter, "a new agreement: each of its terms binds")
		return
	case n == nil:
		d.change(nil, "", "removed", o.Version, "", provider, Looser, "the agreement is gone: none of its terms binds any more")
		return
	}
	d.text(nil, "title", o.Title, n.Title)
	if o.Version != n.Version {
		d.change(nil, "version", "changed", o.Version, n.Version, "", Neutral, "the agreement's version")
	}
	if !o.Effective.Equal(n.Effective) {
		d.change(nil, "effective", "changed", day(o.Effective), day(n.Effective), provider, lessIs(n.Effective.After(o.Effective)),
			pick(n.Effective.After(o.Effective), "the terms start later", "the terms start earlier"))
	}
	if optTime(o.Expires) != optTime(n.Expires) {
		longer := n.Expires == nil || (o.Expires != nil && n.Expires.After(*o.Expires))
		d.change(nil, "expires", kindOf(optTime(o.Expires), optTime(n.Expires)), optTime(o.Expires), optTime(n.Expires), provider, moreIs(longer),
			pick(longer, "the terms bind for longer", "the terms end sooner"))
	}
	if o.TimeZone != n.TimeZone {
		d.change(nil, "time_zone", "changed", o.TimeZone, n.TimeZone, "", Review, "calendar periods, cron exclusions and plain dates move to another clock")
	}
	d.parties()
	d.services(provider)
	d.indicators()
	d.slos(provider)
	d.exclusions(provider)
	d.responsibilities()
	d.fee(provider)
	d.credits(provider)
	d.reporting(provider)
	d.review()
}

// text records a change of wording: neutral.
func (d *differ) text(path block, attr, old, new string) {
	if old != new {
		d.change(path, attr, kindOf(old, new), old, new, "", Neutral, "wording")
	}
}

// number records a change of a bound: moreIsStricter says whether a
// higher value binds party more.
func (d *differ) number(path block, attr string, old, new *float64, party string, moreIsStricter bool, up, down string) {
	if num(old) == num(new) {
		return
	}
	if old == nil || new == nil {
		d.change(path, attr, kindOf(num(old), num(new)), num(old), num(new), "", Review, "the bound is "+pick(old == nil, "set", "removed"))
		return
	}
	higher := *new > *old
	d.change(path, attr, "changed", num(old), num(new), party, moreIs(higher == moreIsStricter), pick(higher, up, down))
}

func (d *differ) parties() {
	for _, name := range union(names(d.old.Parties), names(d.new.Parties)) {
		o, n := d.old.Party(name), d.new.Party(name)
		path := block{"party", name}
		switch {
		case o == nil:
			d.change(path, "", "added", "", n.LegalName, "", Neutral, "a new signatory")
		case n == nil:
			d.change(path, "", "removed", o.LegalName, "", "", Neutral, "a signatory less")
		default:
			d.text(path, "name", o.LegalName, n.LegalName)
			d.text(path, "contact", o.Contact, n.Contact)
		}
	}
}

func (d *differ) services(provider string) {
	find := func(a *agreements.Agreement, name string) *agreements.Service {
		for _, s := range a.Services {
			if s.Name == name {
				return s
			}
		}
		return nil
	}
	for _, name := range union(names(d.old.Services), names(d.new.Services)) {
		o, n := find(d.old, name), find(d.new, name)
		path := block{"service", name}
		switch {
		case o == nil:
			d.change(path, "", "added", "", "", provider, Stricter, "a new service in the scope")
		case n == nil:
			d.change(path, "", "removed", "", "", provider, Looser, "a service leaves the scope")
		default:
			d.text(path, "description", o.Description, n.Description)
			d.scope(path, "includes", o.Includes, n.Includes, provider, true)
			d.scope(path, "excludes", o.Excludes, n.Excludes, provider, false)
		}
	}
}

// scope records a change of a service's includes or excludes: more
// included, or less excluded, is more the provider answers for.
func (d *differ) scope(path block, attr string, old, new []string, provider string, includes bool) {
	added, removed := setDiff(new, old), setDiff(old, new)
	if len(added) == 0 && len(removed) == 0 {
		return
	}
	effect := Review
	why := "items added and removed: read them"
	switch {
	case len(removed) == 0:
		effect, why = moreIs(includes), "items added"
	case len(added) == 0:
		effect, why = moreIs(!includes), "items removed"
	}
	d.change(path, attr, "changed", list(old), list(new), provider, effect, why)
}

func (d *differ) indicators() {
	for _, name := range union(names(d.old.Indicators), names(d.new.Indicators)) {
		o, n := d.old.Indicator(name), d.new.Indicator(name)
		path := block{"indicator", name}
		switch {
		case o == nil:
			d.change(path, "", "added", "", "", "", Neutral, "binds nothing until an SLO or a responsibility uses it")
		case n == nil:
			d.change(path, "", "removed", "", "", "", Neutral, "nothing uses it any more")
		default:
			d.text(path, "description", o.Description, n.Description)
			queries := func(i *agreements.Indicator) map[string]string {
				q := map[string]string{"value": string(i.Value), "coverage": string(i.Coverage)}
				if i.Ratio != nil {
					q["good"], q["bad"], q["total"] = string(i.Ratio.Good), string(i.Ratio.Bad), string(i.Ratio.Total)
				}
				return q
			}
			oq, nq := queries(o), queries(n)
			for _, attr := range []string{"good", "bad", "total", "value", "coverage"} {
				if oq[attr] != nq[attr] {
					d.change(path, attr, kindOf(oq[attr], nq[attr]), oq[attr], nq[attr], "", Review, "the query measures something else: compare the figures (the impact on data)")
				}
			}
			if o.Unit != n.Unit {
				d.change(path, "unit", kindOf(o.Unit, n.Unit), o.Unit, n.Unit, "", Review, "the bounds are read in another unit")
			}
			if o.NoCoverage != n.NoCoverage {
				d.change(path, "coverage", "changed", strconv.FormatBool(!o.NoCoverage), strconv.FormatBool(!n.NoCoverage), "", Review, "coverage "+pick(n.NoCoverage, "no longer applies", "applies again"))
			}
		}
	}
}

func (d *differ) slos(provider string) {
	for _, name := range union(names(d.old.SLOs), names(d.new.SLOs)) {
		o, n := d.old.SLO(name), d.new.SLO(name)
		path := block{"slo", name}
		switch {
		case o == nil:
			d.change(path, "", "added", "", "", provider, Stricter, "a new objective")
			continue
		case n == nil:
			d.change(path, "", "removed", "", "", provider, Looser, "an objective less")
			continue
		}
		d.text(path, "description", o.Description, n.Description)
		if o.Indicator != n.Indicator {
			d.change(path, "indicator", "changed", "indicator."+o.Indicator, "indicator."+n.Indicator, "", Review, "measured by another indicator")
		}
		d.number(path, "objective", o.Objective, n.Objective, provider, true, "the objective is raised", "the objective is lowered")
		if num(o.Warning) != num(n.Warning) {
			d.change(path, "warning", kindOf(num(o.Warning), num(n.Warning)), num(o.Warning), num(n.Warning), "", Neutral, "an internal threshold: it warns sooner or later, and owes nothing")
		}
		d.number(path, "min", o.Min, n.Min, provider, true, "the minimum is raised", "the minimum is lowered")
		d.number(path, "max", o.Max, n.Max, provider, false, "the maximum is raised", "the maximum is lowered")
		d.window(path, o.Window, o.Calendar, n.Window, n.Calendar, provider)
		if o.MinEvents != n.MinEvents {
			d.change(path, "min_events", "changed", itoa(o.MinEvents), itoa(n.MinEvents), provider, moreIs(n.MinEvents < o.MinEvents),
				pick(n.MinEvents > o.MinEvents, "fewer windows have enough events to be judged", "more windows are judged"))
		}
		if o.NoData != n.NoData {
			rank := map[agreements.NoDataPolicy]int{agreements.NoDataPass: 0, agreements.NoDataInconclusive: 1, agreements.NoDataFail: 2}
			d.change(path, "no_data", "changed", string(o.NoData), string(n.NoData), provider, moreIs(rank[n.NoData] > rank[o.NoData]),
				"a window without data counts as "+string(n.NoData))
		}
		if o.MinCoverage != n.MinCoverage {
			// More coverage required means more windows without data: how
			// that binds depends on what no_data counts them as.
			effect, why := Review, "more or fewer windows have no data, which counts as "+string(n.NoData)
			switch n.NoData {
			case agreements.NoDataFail:
				effect = moreIs(n.MinCoverage > o.MinCoverage)
			case agreements.NoDataPass:
				effect = moreIs(n.MinCoverage < o.MinCoverage)
			}
			d.change(path, "min_coverage", "changed", ftoa(o.MinCoverage), ftoa(n.MinCoverage), provider, effect, why)
		}
		d.timeslices(path.with("timeslices", ""), o.Timeslices, n.Timeslices, provider)
	}
}

// window records a change of the window or calendar: a longer window is
// stricter for the party bound (the issue that filed the rule: a miss
// weighs for longer, a good day cannot make up for it as soon).
func (d *differ) window(path block, ow model.Duration, oc agreements.Calendar, nw model.Duration, nc agreements.Calendar, party string) {
	if ow == nw && oc == nc {
		return
	}
	show := func(w model.Duration, c agreements.Calendar) (string, string) {
		if c != "" {
			return "calendar", string(c)
		}
		return "window", dur(w)
	}
	oattr, oldText := show(ow, oc)
	attr, newText := show(nw, nc)
	ol, nl := nominal(ow, oc), nominal(nw, nc)
	switch {
	case nl == ol:
		d.change(path, attr, "changed", oattr+" "+oldText, attr+" "+newText, "", Review, "a window of the same length, cut differently")
	default:
		d.change(path, attr, "changed", oattr+" "+oldText, attr+" "+newText, party, moreIs(nl > ol), pick(nl > ol, "the window is longer", "the window is shorter"))
	}
}

// nominal is a window's length; a calendar period's usual length.
func nominal(w model.Duration, c agreements.Calendar) time.Duration {
	const day = 24 * time.Hour
	switch c {
	case agreements.Day:
		return day
	case agreements.Week:
		return 7 * day
	case agreements.Month:
		return 30 * day
	case agreements.Quarter:
		return 91 * day
	case agreements.Year:
		return 365 * day
	}
	return time.Duration(w)
}

func (d *differ) timeslices(path block, o, n *agreements.Timeslices, provider string) {
	switch {
	case o == nil && n == nil:
		return
	case o == nil:
		d.change(path, "", "added", "", "", "", Review, "the SLO counts good time slices instead of events or a value")
		return
	case n == nil:
		d.change(path, "", "removed", "", "", "", Review, "the SLO no longer counts time slices")
		return
	}
	if o.Slice != n.Slice {
		d.change(path, "slice", "changed", dur(o.Slice), dur(n.Slice), "", Review, "slices of another length: a burst spoils a longer slice, but fewer of them")
	}
	d.number(path, "objective", o.Objective, n.Objective, provider, true, "a slice needs more good events", "a slice needs fewer good events")
	d.number(path, "min", o.Min, n.Min, provider, true, "a slice's minimum is raised", "a slice's minimum is lowered")
	d.number(path, "max", o.Max, n.Max, provider, false, "a slice's maximum is raised", "a slice's maximum is lowered")
	rank := map[agreements.MissingPolicy]int{agreements.MissingGood: 0, agreements.MissingSkip: 1, agreements.MissingBad: 2}
	if o.Missing != n.Missing {
		d.change(path, "missing", "changed", string(o.Missing), string(n.Missing), provider, moreIs(rank[n.Missing] > rank[o.Missing]), "a slice without data counts as "+string(n.Missing))
	}
	if o.Measure != n.Measure {
		d.change(path, "measure", "changed", string(o.Measure), string(n.Measure), "", Review, "the slices give the figure another way: compare the figures (the impact on data)")
	}
	if o.Empty != n.Empty {
		effect := Review
		if o.Empty != "" && n.Empty != "" {
			effect = moreIs(rank[n.Empty] > rank[o.Empty])
		}
		d.change(path, "empty", kindOf(string(o.Empty), string(n.Empty)), string(o.Empty), string(n.Empty), provider, effect, "a slice without events counts another way")
	}
	if o.MinEvents != n.MinEvents {
		d.change(path, "min_events", kindOf(itoa(o.MinEvents), itoa(n.MinEvents)), itoa(o.MinEvents), itoa(n.MinEvents), provider, moreIs(n.MinEvents < o.MinEvents),
			pick(n.MinEvents > o.MinEvents, "more quiet slices are not judged", "more quiet slices are judged"))
	}
	if max(o.MinRun, 1) != max(n.MinRun, 1) {
		d.change(path, "min_run", kindOf(itoa(o.MinRun), itoa(n.MinRun)), itoa(o.MinRun), itoa(n.MinRun), provider, moreIs(n.MinRun < o.MinRun),
			pick(n.MinRun > o.MinRun, "longer runs of bad slices are forgiven", "shorter runs of bad slices count"))
	}
}

func (d *differ) exclusions(provider string) {
	find := func(a *agreements.Agreement, name string) *agreements.Exclusion {
		for _, e := range a.Exclusions {
			if e.Name == name {
				return e
			}
		}
		return nil
	}
	for _, name := range union(names(d.old.Exclusions), names(d.new.Exclusions)) {
		o, n := find(d.old, name), find(d.new, name)
		path := block{"exclusion", name}
		switch {
		case o == nil:
			d.change(path, "", "added", "", describeExclusion(n), provider, Looser, "time taken out of the SLOs' windows")
			continue
		case n == nil:
			d.change(path, "", "removed", describeExclusion(o), "", provider, Stricter, "time no longer taken out of the SLOs' windows")
			continue
		}
		d.text(path, "description", o.Description, n.Description)
		if o.Cron != n.Cron {
			d.change(path, "cron", kindOf(o.Cron, n.Cron), o.Cron, n.Cron, "", Review, "other times are excluded")
		}
		if o.Duration != n.Duration {
			d.change(path, "duration", kindOf(dur(o.Duration), dur(n.Duration)), dur(o.Duration), dur(n.Duration), provider, moreIs(n.Duration < o.Duration),
				pick(n.Duration > o.Duration, "each exclusion lasts longer", "each exclusion is shorter"))
		}
		if optTime(o.From) != optTime(n.From) || optTime(o.To) != optTime(n.To) {
			effect, why := Review, "another span is excluded"
			if o.From != nil && n.From != nil && o.To != nil && n.To != nil {
				switch {
				case !n.From.After(*o.From) && !n.To.Before(*o.To):
					effect, why = Looser, "the excluded span grows"
				case !n.From.Before(*o.From) && !n.To.After(*o.To):
					effect, why = Stricter, "the excluded span shrinks"
				}
			}
			attr := "from"
			if optTime(o.From) == optTime(n.From) {
				attr = "to"
			}
			d.change(path, attr, "changed", optTime(o.From)+" to "+optTime(o.To), optTime(n.From)+" to "+optTime(n.To), provider, effect, why)
		}
		os, ns := d.excluded(d.old, o), d.excluded(d.new, n)
		if !slices.Equal(os, ns) {
			added, removed := setDiff(ns, os), setDiff(os, ns)
			effect, why := Review, "it applies to other SLOs"
			switch {
			case len(removed) == 0:
				effect, why = Looser, "it applies to more SLOs"
			case len(added) == 0:
				effect, why = Stricter, "it applies to fewer SLOs"
			}
			d.change(path, "slos", "changed", list(os), list(ns), provider, effect, why)
		}
	}
}

// excluded are the SLOs an exclusion applies to, sorted: those it lists,
// or every ratio and timeslice SLO.
func (d *differ) excluded(a *agreements.Agreement, e *agreements.Exclusion) []string {
	out := slices.Clone(e.SLOs)
	if len(out) == 0 {
		for _, s := range a.SLOs {
			if s.Kind != agreements.ValueSLO {
				out = append(out, s.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

func describeExclusion(e *agreements.Exclusion) string {
	if e.Cron != "" {
		return "cron " + e.Cron + " for " + dur(e.Duration)
	}
	return optTime(e.From) + " to " + optTime(e.To)
}

func (d *differ) responsibilities() {
	find := func(a *agreements.Agreement, name string) *agreements.Responsibility {
		for _, r := range a.Responsibilities {
			if r.Name == name {
				return r
			}
		}
		return nil
	}
	for _, name := range union(names(d.old.Responsibilities), names(d.new.Responsibilities)) {
		o, n := find(d.old, name), find(d.new, name)
		path := block{"responsibility", name}
		switch {
		case o == nil:
			d.change(path, "", "added", "", "", n.Party, Stricter, "a new duty")
			continue
		case n == nil:
			d.change(path, "", "removed", "", "", o.Party, Looser, "a duty less")
			continue
		}
		party := n.Party
		d.text(path, "description", o.Description, n.Description)
		if o.Party != n.Party {
			d.change(path, "party", "changed", "party."+o.Party, "party."+n.Party, n.Party, Stricter, "the duty moves from "+o.Party+" to "+n.Party)
		}
		if o.Indicator != n.Indicator {
			d.change(path, "indicator", kindOf(o.Indicator, n.Indicator), o.Indicator, n.Indicator, "", Review, "measured by another indicator")
		}
		d.number(path, "min", o.Min, n.Min, party, true, "the minimum is raised", "the minimum is lowered")
		d.number(path, "max", o.Max, n.Max, party, false, "the maximum is raised", "the maximum is lowered")
		d.window(path, o.Window, o.Calendar, n.Window, n.Calendar, party)
		if o.Fact != n.Fact {
			d.change(path, "fact", kindOf(o.Fact, n.Fact), o.Fact, n.Fact, "", Review, "another fact answers it")
		}
		if optTime(o.Due) != optTime(n.Due) {
			effect, why := Review, "the due date is "+pick(o.Due == nil, "set", "removed")
			if o.Due != nil && n.Due != nil {
				effect, why = moreIs(n.Due.Before(*o.Due)), pick(n.Due.Before(*o.Due), "due sooner", "due later")
			}
			d.change(path, "due", kindOf(optTime(o.Due), optTime(n.Due)), optTime(o.Due), optTime(n.Due), party, effect, why)
		}
		if o.MinCoverage != n.MinCoverage {
			d.change(path, "min_coverage", "changed", ftoa(o.MinCoverage), ftoa(n.MinCoverage), "", Review, "more or fewer windows have no data")
		}
	}
}

func (d *differ) fee(provider string) {
	_, customer := d.roles()
	o, n := d.old.Fee, d.new.Fee
	path := block{"fee", ""}
	switch {
	case o == nil && n == nil:
		return
	case o == nil:
		d.change(path, "", "added", "", ftoa(n.Monthly)+" "+n.Currency, "", Review, "a fee, against which credits are paid")
		return
	case n == nil:
		d.change(path, "", "removed", ftoa(o.Monthly)+" "+o.Currency, "", "", Review, "no fee: no credit can be paid")
		return
	}
	if o.Monthly != n.Monthly {
		d.change(path, "monthly", "changed", ftoa(o.Monthly), ftoa(n.Monthly), customer, moreIs(n.Monthly > o.Monthly),
			pick(n.Monthly > o.Monthly, "the customer pays more (and credits, in percent of it, grow)", "the customer pays less (and credits shrink)"))
	}
	if o.Currency != n.Currency {
		d.change(path, "currency", "changed", o.Currency, n.Currency, "", Review, "another currency")
	}
	if num(o.CreditCapPercent) != num(n.CreditCapPercent) {
		// No cap is a cap of 100%.
		oc, nc := 100.0, 100.0
		if o.CreditCapPercent != nil {
			oc = *o.CreditCapPercent
		}
		if n.CreditCapPercent != nil {
			nc = *n.CreditCapPercent
		}
		d.change(path, "credit_cap_percent", kindOf(num(o.CreditCapPercent), num(n.CreditCapPercent)), num(o.CreditCapPercent), num(n.CreditCapPercent), provider, moreIs(nc > oc),
			pick(nc > oc, "more credit can be owed", "less credit can be owed"))
	}
}

func (d *differ) credits(provider string) {
	find := func(a *agreements.Agreement, name string) *agreements.Credit {
		for _, c := range a.Credits {
			if c.Name == name {
				return c
			}
		}
		return nil
	}
	for _, name := range union(names(d.old.Credits), names(d.new.Credits)) {
		o, n := find(d.old, name), find(d.new, name)
		path := block{"credit", name}
		switch {
		case o == nil:
			d.change(path, "", "added", "", "", provider, Stricter, "a new credit can be owed")
			continue
		case n == nil:
			d.change(path, "", "removed", "", "", provider, Looser, "a credit less")
			continue
		}
		if o.SLO != n.SLO {
			d.change(path, "slo", "changed", "slo."+o.SLO, "slo."+n.SLO, "", Review, "owed for another SLO")
		}
		for i := range max(len(o.Tiers), len(n.Tiers)) {
			tier := path.with("tier", strconv.Itoa(i+1))
			switch {
			case i >= len(o.Tiers):
				d.change(tier, "", "added", "", tierText(n.Tiers[i]), provider, Stricter, "a new tier")
			case i >= len(n.Tiers):
				d.change(tier, "", "removed", tierText(o.Tiers[i]), "", provider, Looser, "a tier less")
			default:
				ot, nt := o.Tiers[i], n.Tiers[i]
				d.number(tier, "below", ot.Below, nt.Below, provider, true, "owed at a better figure", "owed only at a worse figure")
				d.number(tier, "above", ot.Above, nt.Above, provider, false, "owed only at a worse figure", "owed at a better figure")
				if ot.Percent != nt.Percent {
					d.change(tier, "percent", "changed", ftoa(ot.Percent), ftoa(nt.Percent), provider, moreIs(nt.Percent > ot.Percent), pick(nt.Percent > ot.Percent, "a larger credit", "a smaller credit"))
				}
			}
		}
		if o.ClaimWithin != n.ClaimWithin {
			// No deadline is the longest.
			longer := n.ClaimWithin == 0 || (o.ClaimWithin != 0 && n.ClaimWithin > o.ClaimWithin)
			d.change(path, "claim_within", kindOf(dur(o.ClaimWithin), dur(n.ClaimWithin)), dur(o.ClaimWithin), dur(n.ClaimWithin), provider, moreIs(longer),
				pick(longer, "the customer has longer to claim", "the customer has less time to claim"))
		}
		if num(o.MinAmount) != num(n.MinAmount) {
			om, nm := 0.0, 0.0
			if o.MinAmount != nil {
				om = *o.MinAmount
			}
			if n.MinAmount != nil {
				nm = *n.MinAmount
			}
			d.change(path, "min_amount", kindOf(num(o.MinAmount), num(n.MinAmount)), num(o.MinAmount), num(n.MinAmount), provider, moreIs(nm < om),
				pick(nm > om, "fewer small credits are paid", "more small credits are paid"))
		}
	}
}

func tierText(t agreements.Tier) string {
	if t.Below != nil {
		return ftoa(t.Percent) + "% below " + num(t.Below)
	}
	return ftoa(t.Percent) + "% above " + num(t.Above)
}

func (d *differ) reporting(provider string) {
	o, n := d.old.Reporting, d.new.Reporting
	path := block{"reporting", ""}
	switch {
	case o == nil && n == nil:
		return
	case o == nil:
		d.change(path, "", "added", "", n.Frequency, provider, Stricter, "reports are due")
		return
	case n == nil:
		d.change(path, "", "removed", o.Frequency, "", provider, Looser, "no report is due")
		return
	}
	if o.Frequency != n.Frequency {
		rank := map[string]int{"daily": 3, "weekly": 2, "monthly": 1, "quarterly": 0}
		d.change(path, "frequency", "changed", o.Frequency, n.Frequency, provider, moreIs(rank[n.Frequency] > rank[o.Frequency]),
			pick(rank[n.Frequency] > rank[o.Frequency], "reports are due more often", "reports are due less often"))
	}
	if list(o.Formats) != list(n.Formats) {
		d.change(path, "formats", "changed", list(o.Formats), list(n.Formats), "", Neutral, "other formats")
	}
	if list(o.Recipients) != list(n.Recipients) {
		d.change(path, "recipients", "changed", list(o.Recipients), list(n.Recipients), "", Neutral, "other recipients")
	}
}

func (d *differ) review() {
	o, n := d.old.Review, d.new.Review
	path := block{"review", ""}
	switch {
	case o == nil && n == nil:
		return
	case o == nil:
		d.change(path, "", "added", "", dur(n.Every), "", Neutral, "the agreement is to be reviewed")
		return
	case n == nil:
		d.change(path, "", "removed", dur(o.Every), "", "", Neutral, "no review is due")
		return
	}
	if o.Every != n.Every {
		d.change(path, "every", "changed", dur(o.Every), dur(n.Every), "", Neutral, pick(n.Every < o.Every, "reviewed more often", "reviewed less often"))
	}
	if !o.LastReviewed.Equal(n.LastReviewed) {
		d.change(path, "last_reviewed", "changed", day(o.LastReviewed), day(n.LastReviewed), "", Neutral, pick(n.LastReviewed.After(o.LastReviewed), "reviewed again", "the date moves back"))
	}
	d.text(path, "owner", o.Owner, n.Owner)
	if o.Notice != n.Notice {
		d.change(path, "notice", "changed", dur(o.Notice), dur(n.Notice), "", Neutral, "warned of the review sooner or later")
	}
}

// moreIs is Stricter when the change binds more, else Looser.
func moreIs(more bool) Effect {
	if more {
		return Stricter
	}
	return Looser
}

// lessIs is Looser when the change binds less, else Stricter.
func lessIs(less bool) Effect { return moreIs(!less) }

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// kindOf is added when old is unset, removed when new is, else changed.
func kindOf(old, new string) string {
	switch {
	case old == "" || old == "0":
		return "added"
	case new == "" || new == "0":
		return "removed"
	}
	return "changed"
}

type namer interface {
	*agreements.Party | *agreements.Service | *agreements.Indicator | *agreements.SLO | *agreements.Exclusion | *agreements.Responsibility | *agreements.Credit
}

func names[T namer](list []T) []string {
	out := make([]string, 0, len(list))
	for _, x := range list {
		switch v := any(x).(type) {
		case *agreements.Party:
			out = append(out, v.Name)
		case *agreements.Service:
			out = append(out, v.Name)
		case *agreements.Indicator:
			out = append(out, v.Name)
		case *agreements.SLO:
			out = append(out, v.Name)
		case *agreements.Exclusion:
			out = append(out, v.Name)
		case *agreements.Responsibility:
			out = append(out, v.Name)
		case *agreements.Credit:
			out = append(out, v.Name)
		}
	}
	return out
}

// union lists the names of a and then those of b not in a: the order of
// the old file, then what is new.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// setDiff lists the items of a not in b.
func setDiff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func itoa(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

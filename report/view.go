package report

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// The view of a report: every figure of the document formatted for
// people, in the agreement's time zone, once, for both the HTML and the
// Markdown renderers. Charts are drawn only for HTML.

type reportView struct {
	// Title is the document's title and first heading.
	Title      string
	PeriodName string
	// Evaluated is when the figures were measured; AsOf names it: the
	// evaluation of a live verdict, the end of a reported period.
	Evaluated string
	AsOf      string
	// Generated is when the report was written, for people and as RFC
	// 3339 (Stamp); nil when the document does not say.
	Generated  *generated
	Revision   string
	Status     badge
	Agreements []*agreementView
	// Overview lists the agreements when there are more than one.
	Overview []*agreementView
}

type generated struct{ Text, Stamp string }

type agreementView struct {
	ID      string
	Name    string
	Title   string
	Version string
	Status  badge
	// Reasons say why the agreement has its status.
	Reasons []string
	// Inactive, for an agreement not in force, says so in a sentence.
	Inactive   string
	Facts      []fact
	Parties    []partyView
	Services   []Service
	Summary    []string
	SLOs       []*sloView
	Exclusions []exclusionView
	Duties     []dutyGroup
	Credits    []creditView
	Total      *totalView
	// CreditNote says why there is no credit table, or what the figures
	// mean.
	CreditNote string
	Review     *reviewView
	Audit      []auditEntry
	// Brief figures for the overview table.
	SLOCount  string
	CreditSum string
	ReviewDue string
}

type fact struct{ Label, Value string }

type partyView struct {
	Role, LegalName, Contact string
	// Mailto is the contact's mailto: address when it is one. Other
	// contacts (URLs, phone numbers) stay text: a report links nowhere but
	// to a mail client, so that it never fetches or leaks anything.
	Mailto string
}

type sloView struct {
	ID          string
	Name        string
	Description string
	Indicator   string
	Kind        string
	Status      badge
	Objective   string
	Warning     string
	Measured    string
	Events      string
	Budget      string
	Excluded    string
	Window      string
	Message     string
	// Coverage is the share of the window the source holds data for, as
	// a figure, and CoverageDetail as a sentence; "" when not measured.
	Coverage       string
	CoverageDetail string
	BudgetChart    *lineChart
	ValueChart     *lineChart
	Bars           *barChart
	// ChartError says why the SLO has no series: the source failed.
	ChartError string
	// Buckets and BucketHead are the table that stands for the charts in
	// Markdown.
	BucketHead string
	Buckets    []bucketRow
}

type bucketRow struct {
	Name, Good, Total, Figure, Budget string
	Met                               badge
}

type exclusionView struct {
	Name, Description, AppliesTo, Removed string
	Occurrences                           []string
	// More counts the occurrences not listed.
	More int
}

type dutyGroup struct {
	Party string
	Items []dutyView
}

type dutyView struct {
	Name, Measured, Due, Message string
	Status                       badge
}

type creditView struct {
	Name, SLO, Percent, Amount, Final string
	Status                            badge
}

type totalView struct {
	Percent, Amount, Capped string
}

type reviewView struct {
	Status     badge
	Due, Owner string
	// Sentence says it in words, after the badge.
	Sentence string
}

type auditEntry struct {
	Kind, Name, Source, Note string
	Queries                  []queryView
}

type queryView struct {
	Expr, When string
}

// maxOccurrences is how many occurrences of an exclusion a report lists;
// an hourly exclusion would otherwise fill pages.
const maxOccurrences = 10

// buildReport formats doc for people; charts are drawn only when asked
// for (HTML).
func buildReport(doc *Document, charts bool) *reportView {
	v := &reportView{
		PeriodName: periodName(doc.Period),
		Evaluated:  clock(doc.EvaluatedAt, time.UTC),
		AsOf:       "Evaluated",
		Revision:   doc.Revision,
		Status:     statusBadge(doc.Status),
	}
	if doc.Period != nil {
		v.AsOf = "Figures as of the end of the period,"
	}
	if g := doc.GeneratedAt; g != nil {
		v.Generated = &generated{Text: clock(*g, time.UTC), Stamp: g.UTC().Format(time.RFC3339)}
	}
	for i := range doc.Agreements {
		v.Agreements = append(v.Agreements, buildAgreement(&doc.Agreements[i], doc.Period, charts))
	}
	if len(v.Agreements) > 1 {
		v.Overview = v.Agreements
	}
	v.Title = "SLA report"
	if len(doc.Agreements) == 1 {
		v.Title = doc.Agreements[0].Title + ": SLA report"
	}
	if v.PeriodName != "" {
		v.Title += ", " + v.PeriodName
	}
	return v
}

// buildAgreement formats an agreement, its dates in its time zone.
func buildAgreement(a *Agreement, period *Period, charts bool) *agreementView {
	loc := a.Location()
	parties := partyNames(a)
	v := &agreementView{
		ID:      "agreement-" + a.Name,
		Name:    a.Name,
		Title:   a.Title,
		Version: a.Version,
		Status:  statusBadge(a.Status),
		Reasons: reasons(a, parties),
		Facts:   agreementFacts(a, period, loc),
	}
	if a.Inactive != "" {
		v.Inactive = inactiveSentence(a, loc)
	}
	if r := a.Report; r != nil {
		v.Services = r.Services
		for _, p := range r.Parties {
			v.Parties = append(v.Parties, partyView{Role: p.Name, LegalName: p.LegalName, Contact: p.Contact, Mailto: mailto(p.Contact)})
		}
		v.Exclusions = exclusionViews(r.Exclusions, loc)
	}
	for i := range a.SLOs {
		v.SLOs = append(v.SLOs, buildSLO(a, &a.SLOs[i], loc, charts))
	}
	v.Duties = dutyGroups(a, parties, loc)
	v.Credits, v.Total, v.CreditNote = creditViews(a, period != nil)
	if a.Review != nil {
		v.Review = reviewOf(a.Review, parties, loc)
		v.ReviewDue = v.Review.Status.Word + ", due " + v.Review.Due
	}
	v.Audit = auditEntries(a)
	v.Summary = summary(a, v, period != nil)
	v.SLOCount = sloCount(a.SLOs)
	v.CreditSum = creditSum(a)
	return v
}

// reviewOf says where the agreement's own review stands.
func reviewOf(r *Review, parties map[string]string, loc *time.Location) *reviewView {
	v := &reviewView{Status: statusBadge(r.Status), Due: date(&r.Due, loc), Owner: partyOr(parties, string(r.Owner))}
	switch r.Status {
	case "overdue":
		v.Sentence = "the review of the agreement was due " + v.Due + " and has not been recorded"
	case "due_soon":
		v.Sentence = "the review of the agreement is due soon, on " + v.Due
	default:
		v.Sentence = "the next review of the agreement is due " + v.Due
	}
	v.Sentence += "; it is owned by " + v.Owner + "."
	return v
}

// partyNames maps a party's role to how the report names it: "Acme Cloud
// SAS (provider)".
func partyNames(a *Agreement) map[string]string {
	names := map[string]string{}
	if a.Report != nil {
		for _, p := range a.Report.Parties {
			if p.LegalName != "" {
				names[p.Name] = p.LegalName + " (" + p.Name + ")"
			}
		}
	}
	return names
}

func partyOr(names map[string]string, role string) string {
	if role == "" {
		return unknown
	}
	if n, ok := names[role]; ok {
		return n
	}
	return role
}

// mailto returns the mailto: URL of a contact that is an e-mail address,
// or "".
func mailto(contact string) string {
	addr, err := mail.ParseAddress(contact)
	if err != nil || strings.ContainsAny(addr.Address, " <>\"") {
		return ""
	}
	return "mailto:" + addr.Address
}

// agreementFacts head an agreement: what it is and the period covered.
func agreementFacts(a *Agreement, period *Period, loc *time.Location) []fact {
	facts := []fact{{"Agreement", a.Name + ", version " + a.Version}}
	if r := a.Report; r != nil {
		covered := span(r.Period.Start, r.Period.End, loc)
		if name := periodName(period); name != "" {
			covered = name + ": " + covered
		}
		facts = append(facts,
			fact{"Period covered", covered},
			fact{"Time zone", zoneName(loc)},
			fact{"In force", inForce(r, loc)},
		)
		if r.Fee != nil {
			facts = append(facts, fact{"Fee", feeText(r.Fee)})
		}
		if r.Reporting != nil {
			facts = append(facts, fact{"Reporting", reportingText(r.Reporting)})
		}
	}
	if a.Source != nil {
		facts = append(facts, fact{"Source", sourceText(a.Source)})
	}
	return facts
}

func inForce(r *AgreementReport, loc *time.Location) string {
	s := "from " + moment(r.Effective, loc)
	if r.Expires != nil {
		return s + " until " + moment(*r.Expires, loc)
	}
	return s + ", with no expiry"
}

func feeText(f *Fee) string {
	s := money(&f.Monthly, f.Currency) + " a month"
	if f.CreditCapPercent != nil {
		s += "; credits capped at " + percent(f.CreditCapPercent) + " of the fee"
	}
	return s
}

func reportingText(r *Reporting) string {
	s := r.Frequency
	if len(r.Formats) > 0 {
		s += ", as " + strings.Join(r.Formats, " and ")
	}
	if len(r.Recipients) > 0 {
		s += ", to " + strings.Join(r.Recipients, ", ")
	}
	return s
}

func sourceText(s *Source) string {
	if s == nil {
		return unknown
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

// exclusionViews list the occurrences of each exclusion in the period.
func exclusionViews(exclusions []Exclusion, loc *time.Location) []exclusionView {
	var out []exclusionView
	for _, e := range exclusions {
		v := exclusionView{Name: e.Name, Description: string(e.Description), Removed: duration(e.Seconds), AppliesTo: "every ratio and timeslice SLO"}
		if e.SLOs != nil {
			v.AppliesTo = strings.Join(e.SLOs, ", ")
		}
		for i, iv := range e.Intervals {
			if i == maxOccurrences {
				v.More = len(e.Intervals) - i
				break
			}
			v.Occurrences = append(v.Occurrences, interval(iv.Start, iv.End, loc))
		}
		out = append(out, v)
	}
	return out
}

// dutyGroups puts the responsibilities under their party, parties in the
// order the agreement lists them.
func dutyGroups(a *Agreement, parties map[string]string, loc *time.Location) []dutyGroup {
	var order []string
	if a.Report != nil {
		for _, p := range a.Report.Parties {
			order = append(order, p.Name)
		}
	}
	for _, r := range a.Responsibilities {
		if !slices.Contains(order, r.Party) {
			order = append(order, r.Party)
		}
	}
	var groups []dutyGroup
	for _, p := range order {
		g := dutyGroup{Party: partyOr(parties, p)}
		for _, r := range a.Responsibilities {
			if r.Party == p {
				g.Items = append(g.Items, dutyView{Name: r.Name, Status: statusBadge(r.Status), Measured: numberOr(r.Measured.Float()), Due: dueText(r.Due, loc), Message: r.Message})
			}
		}
		if len(g.Items) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

func dueText(d *Date, loc *time.Location) string {
	if d == nil {
		return "no due date"
	}
	return date(d, loc)
}

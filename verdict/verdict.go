package verdict

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Schema names the verdict document's format.
const Schema = "entente.verdicts/v1"

// Document is the verdicts of a set of agreements at one time (SPEC §4),
// and with Period and the "report" objects set, a report.
type Document struct {
	Schema string `json:"schema"`
	// EvaluatedAt is the evaluation time, in whole seconds, in UTC.
	EvaluatedAt time.Time `json:"evaluated_at"`
	// GeneratedAt is when a report was written, by the wall clock, in
	// whole seconds, in UTC; nil in a check.
	GeneratedAt *time.Time `json:"generated_at,omitempty"`
	Revision    string     `json:"revision"`
	// Status is the worst status of the agreements: inactive, compliant,
	// at_risk, inconclusive, breached, from best to worst.
	Status string `json:"status"`
	// Period is the period a report covers; nil for a check.
	Period *Period `json:"period,omitempty"`
	// DataSource is what the measurements come from, as it described
	// itself; nil in documents written before it was added.
	DataSource *DataSource `json:"data_source,omitempty"`
	Agreements []Agreement `json:"agreements"`
}

// Add appends an agreement's verdict; the document's status becomes the
// worst of its agreements'.
func (d *Document) Add(a Agreement) {
	d.Agreements = append(d.Agreements, a)
	if severity(a.Status) > severity(d.Status) {
		d.Status = a.Status
	}
}

// severity orders agreement statuses from best to worst.
func severity(status string) int {
	return slices.Index([]string{"inactive", "compliant", "at_risk", "inconclusive", "breached"}, status)
}

// Period names the period a report covers: Label is "2026-10-14",
// "2026-W43", "2026-10", "2026-Q3" or "2026" for a Kind of day, week,
// month, quarter or year.
type Period struct {
	Label string `json:"label"`
	Kind  string `json:"kind"`
}

// DataSource is what the measurements come from, as it described itself.
type DataSource struct {
	// Kind is "prometheus" (any Prometheus-compatible API), "files",
	// "measurements" or "other".
	Kind string `json:"kind"`
	// URL is the API's address, without its password.
	URL string `json:"url,omitempty"`
	// Ranges is how the engine selects the samples of a range: left-open,
	// left-closed or unknown, as a probe found.
	Ranges string `json:"ranges,omitempty"`
	// Retention is how long the source keeps samples, as it says.
	Retention string `json:"retention,omitempty"`
	// DataStart and DataEnd are the first and last samples the source
	// holds, when it says (metric files).
	DataStart string `json:"data_start,omitempty"`
	DataEnd   string `json:"data_end,omitempty"`
	// Notes say what entente does about the engine, and why something is
	// unknown.
	Notes []string `json:"notes,omitempty"`
}

// Agreement is the verdict of one agreement, as the policy's lib.verdict
// returns it, with what entente adds: Source, and in a report, Report.
type Agreement struct {
	Name        string       `json:"agreement"`
	CreditTotal *CreditTotal `json:"credit_total"`
	Credits     []Credit     `json:"credits"`
	// Inactive says why an inactive agreement is: not_yet_effective or
	// expired; "" (null) while it is in force.
	Inactive Nullable `json:"inactive"`
	// Report holds what only a report carries; nil in a plain verdict.
	Report           *AgreementReport `json:"report,omitempty"`
	Responsibilities []Responsibility `json:"responsibilities"`
	// Review is nil when the agreement has no review block.
	Review *Review `json:"review"`
	SLOs   []SLO   `json:"slos"`
	// Source is where the agreement is written; nil in the policy's own
	// answer.
	Source *Source `json:"source,omitempty"`
	// Status is compliant, at_risk, inconclusive, breached or inactive.
	Status  string `json:"status"`
	Title   string `json:"title"`
	Version string `json:"version"`
}

// FromPolicy decodes the answer of an agreement's policy (JSON-like values,
// numbers as json.Number) into its verdict.
func FromPolicy(answer map[string]any) (Agreement, error) {
	b, err := marshal(answer)
	if err != nil {
		return Agreement{}, err
	}
	var a Agreement
	if err := json.Unmarshal(b, &a); err != nil {
		return Agreement{}, fmt.Errorf("the verdict does not match the schema: %w", err)
	}
	return a, nil
}

// Source is where a block is written.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// SLO is the result of one SLO. One the policy gave no result for has only
// Name, Status ("error"), Message, and what entente adds: Source, Queries
// and in a report, Report.
type SLO struct {
	BudgetConsumed  *Number `json:"budget_consumed"`
	BudgetRemaining *Number `json:"budget_remaining"`
	BurnRate        *Number `json:"burn_rate"`
	// Coverage is how much of the window the source holds data for; nil
	// when it does not apply or was not measured.
	Coverage        *Coverage `json:"coverage"`
	ExcludedSeconds *Number   `json:"excluded_seconds"`
	Good            *Number   `json:"good"`
	Indicator       string    `json:"indicator"`
	// Kind is ratio, value or timeslice; "" in verdicts of policies built
	// before it was given.
	Kind      string  `json:"kind"`
	Max       *Number `json:"max"`
	Measured  *Number `json:"measured"`
	Message   string  `json:"message"`
	Min       *Number `json:"min"`
	Name      string  `json:"name"`
	Objective *Number `json:"objective"`
	Queries   []Query `json:"queries"`
	// Report holds the series of a report; nil in a plain verdict.
	Report *SLOReport `json:"report"`
	Source *Source    `json:"source"`
	// Status is pass, warn, fail, no_data or error.
	Status string  `json:"status"`
	Total  *Number `json:"total"`
	// Unit is the unit of the indicator's value ("s", "min", "%"); "" for
	// none.
	Unit    string  `json:"unit"`
	Warning *Number `json:"warning"`
	Window  *Window `json:"window"`

	absent []string
}

// Missing says whether the policy gave no result for the SLO.
func (s *SLO) Missing() bool { return s.Indicator == "" }

// UnmarshalJSON reads an SLO's result, remembering which members it lacks.
func (s *SLO) UnmarshalJSON(b []byte) error {
	type fields SLO
	var f fields
	absent, err := decodeObject(b, &f)
	*s = SLO(f)
	s.absent = absent
	return err
}

// MarshalJSON writes the members the result had when it was read, and
// those set since with Annotate and Chart.
func (s SLO) MarshalJSON() ([]byte, error) {
	type fields SLO
	return encodeObject(fields(s), s.absent)
}

// Annotate sets what entente adds to an SLO's result: where it is written
// and the queries sent to measure it.
func (s *SLO) Annotate(source Source, queries []Query) {
	s.Source, s.Queries = &source, queries
	s.absent = present(s.absent, "source", "queries")
}

// Chart sets what a report charts of the SLO.
func (s *SLO) Chart(r *SLOReport) {
	s.Report = r
	s.absent = present(s.absent, "report")
}

// Window is the window a block was measured over.
type Window struct {
	// Calendar is day, week, month, quarter or year; "" (null) for a
	// rolling window.
	Calendar Nullable  `json:"calendar"`
	End      time.Time `json:"end"`
	Start    time.Time `json:"start"`
}

// Coverage is the share of a window (exclusions cut out) for which the
// source holds data for the indicator, and what the block requires.
type Coverage struct {
	From *time.Time `json:"from"`
	// Note says where data is missing; "" (null) when nothing is.
	Note        Nullable   `json:"note"`
	Percent     Number     `json:"percent"`
	Required    Number     `json:"required"`
	StepSeconds *Number    `json:"step_seconds"`
	To          *time.Time `json:"to"`
}

// Short says whether the source holds data for less of the window than
// the block requires.
func (c *Coverage) Short() bool { return c != nil && c.Percent.Float64() < c.Required.Float64() }

// Query is a PromQL query sent to measure a block: an instant query (Time
// set) or a range query (Start, End and StepSeconds set).
type Query struct {
	Query       string     `json:"query"`
	Time        *time.Time `json:"time,omitempty"`
	Start       *time.Time `json:"start,omitempty"`
	End         *time.Time `json:"end,omitempty"`
	StepSeconds int64      `json:"step_seconds,omitempty"`
	// Purpose is "coverage" for a query that measured how much of the
	// window the source holds data for.
	Purpose string `json:"purpose,omitempty"`
	// Warnings are the engine's warnings about the answer that the user
	// accepted.
	Warnings []string `json:"warnings,omitempty"`
}

// Responsibility is the result of something a party must do. One the
// policy gave no result for has no Party.
type Responsibility struct {
	Coverage *Coverage `json:"coverage"`
	// Description is what the party must do, as the agreement says.
	Description string `json:"description"`
	// Due is the date by which a fact must be true; nil when none.
	Due *Date `json:"due"`
	// Kind is indicator or fact.
	Kind     string  `json:"kind"`
	Measured *Number `json:"measured"`
	Message  string  `json:"message"`
	Name     string  `json:"name"`
	Party    string  `json:"party"`
	Queries  []Query `json:"queries"`
	Source   *Source `json:"source"`
	// Status is met, breached, pending or unknown.
	Status string `json:"status"`
	Unit   string `json:"unit"`

	absent []string
}

// Missing says whether the policy gave no result for the responsibility.
func (r *Responsibility) Missing() bool { return r.Party == "" }

// UnmarshalJSON reads a responsibility's result, remembering which members
// it lacks.
func (r *Responsibility) UnmarshalJSON(b []byte) error {
	type fields Responsibility
	var f fields
	absent, err := decodeObject(b, &f)
	*r = Responsibility(f)
	r.absent = absent
	return err
}

// MarshalJSON writes the members the result had when it was read, and
// those set since with Annotate.
func (r Responsibility) MarshalJSON() ([]byte, error) {
	type fields Responsibility
	return encodeObject(fields(r), r.absent)
}

// Annotate sets what entente adds to a responsibility's result: where it
// is written and the queries sent to measure it.
func (r *Responsibility) Annotate(source Source, queries []Query) {
	r.Source, r.Queries = &source, queries
	r.absent = present(r.absent, "source", "queries")
}

// Credit is the service credit owed for one SLO. One the policy gave no
// result for has no SLO.
type Credit struct {
	Amount *Number `json:"amount"`
	// Claim is claimable, expired or below_minimum for an owed credit
	// whose agreement sets the terms of a claim; nil (null) when nothing
	// is owed, and absent without such terms.
	Claim *string `json:"claim"`
	// ClaimBy is the deadline of a claim, RFC 3339 in UTC; nil (null)
	// without claim_within, and absent without terms of a claim.
	ClaimBy  *string `json:"claim_by"`
	Currency string  `json:"currency"`
	// Final is false for a credit of a calendar period still running.
	Final   bool    `json:"final"`
	Message string  `json:"message"`
	Name    string  `json:"name"`
	Percent *Number `json:"percent"`
	SLO     string  `json:"slo"`
	// Status is owed, none or unknown.
	Status string `json:"status"`
	// Tier is the tier whose percent is owed; nil when none applies.
	Tier *CreditTier `json:"tier"`

	absent []string
}

// Missing says whether the policy gave no result for the credit.
func (c *Credit) Missing() bool { return c.SLO == "" }

// UnmarshalJSON reads a credit, remembering which members it lacks.
func (c *Credit) UnmarshalJSON(b []byte) error {
	type fields Credit
	var f fields
	absent, err := decodeObject(b, &f)
	*c = Credit(f)
	c.absent = absent
	return err
}

// MarshalJSON writes the members the credit had when it was read.
func (c Credit) MarshalJSON() ([]byte, error) {
	type fields Credit
	return encodeObject(fields(c), c.absent)
}

// CreditTier is the tier of a credit that applies.
type CreditTier struct {
	Above   *Number `json:"above"`
	Below   *Number `json:"below"`
	Percent Number  `json:"percent"`
}

// CreditTotal is the credits owed added up, after the fee's cap. Percent,
// Amount and Capped are nil while any credit is unknown.
type CreditTotal struct {
	Amount   *Number `json:"amount"`
	Capped   *bool   `json:"capped"`
	Currency string  `json:"currency"`
	Percent  *Number `json:"percent"`
}

// Review is whether the agreement's own review is due.
type Review struct {
	Due Date `json:"due"`
	// Owner is the party that owns the review; "" (null) when none is
	// named.
	Owner Nullable `json:"owner"`
	// Status is current, due_soon or overdue.
	Status string `json:"status"`
}

// Date is a date as the agreement writes it: a calendar day (Day set, e.g.
// "2026-03-01", the start of that day in the agreement's time zone), or a
// time (Day empty).
type Date struct {
	Day  string
	Time time.Time
}

// UnmarshalJSON reads "YYYY-MM-DD" or an RFC 3339 time.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		*d = Date{Day: s, Time: t}
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("date %q is neither YYYY-MM-DD nor RFC 3339", s)
	}
	*d = Date{Time: t}
	return nil
}

// MarshalJSON writes the date as it was read.
func (d Date) MarshalJSON() ([]byte, error) { return marshal(d.String()) }

// String is the date as the agreement writes it.
func (d Date) String() string {
	if d.Day != "" {
		return d.Day
	}
	return d.Time.Format(time.RFC3339Nano)
}

// Location is the agreement's time zone, in which its report shows dates:
// the report's time zone when this system knows it, else the fixed offset
// the report's period or the first SLO window starts with, else UTC.
func (a *Agreement) Location() *time.Location {
	if a.Report != nil {
		if tz := a.Report.Period.TimeZone; tz != "" {
			if loc, err := time.LoadLocation(tz); err == nil {
				return loc
			}
		}
		if !a.Report.Period.Start.IsZero() {
			return a.Report.Period.Start.Location()
		}
	}
	for _, s := range a.SLOs {
		if s.Window != nil {
			return s.Window.Start.Location()
		}
	}
	return time.UTC
}

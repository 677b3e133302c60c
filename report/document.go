package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Schema is the only document format Decode reads.
const Schema = "entente.verdicts/v1"

// ErrSchema is returned (wrapped) by Decode for a document in another
// format, or another version of this one: rendering it would guess.
var ErrSchema = errors.New("not an " + Schema + " document")

// Document is a verdict document (SPEC §4), and with Period and the
// "report" objects set, a report document. Numbers that may be unknown are
// pointers: nil is unknown, never 0.
type Document struct {
	Schema      string      `json:"schema"`
	EvaluatedAt time.Time   `json:"evaluated_at"`
	Revision    string      `json:"revision"`
	Status      string      `json:"status"`
	Period      *Period     `json:"period"`
	Agreements  []Agreement `json:"agreements"`
	// GeneratedAt is when a report was written, by the wall clock; nil in
	// a plain verdict.
	GeneratedAt *time.Time `json:"generated_at"`
}

// Period names the period a report covers: Label is "2026-10-14",
// "2026-W43", "2026-10", "2026-Q3" or "2026" for a Kind of day, week,
// month, quarter or year.
type Period struct {
	Label string `json:"label"`
	Kind  string `json:"kind"`
}

// Agreement is the verdict of one agreement.
type Agreement struct {
	Name    string `json:"agreement"`
	Title   string `json:"title"`
	Version string `json:"version"`
	// Status is compliant, at_risk, inconclusive, breached or inactive.
	Status string `json:"status"`
	// Inactive says why an inactive agreement is: not_yet_effective or
	// expired; "" while it is in force.
	Inactive         string           `json:"inactive"`
	SLOs             []SLO            `json:"slos"`
	Responsibilities []Responsibility `json:"responsibilities"`
	Credits          []Credit         `json:"credits"`
	CreditTotal      *CreditTotal     `json:"credit_total"`
	Review           *Review          `json:"review"`
	Source           *Source          `json:"source"`
	// Report holds what only a report carries; nil in a plain verdict.
	Report *AgreementReport `json:"report"`
}

// AgreementReport is what a report adds to an agreement's verdict.
type AgreementReport struct {
	Period     Span        `json:"period"`
	Effective  time.Time   `json:"effective"`
	Expires    *time.Time  `json:"expires"`
	Parties    []Party     `json:"parties"`
	Services   []Service   `json:"services"`
	Exclusions []Exclusion `json:"exclusions"`
	Reporting  *Reporting  `json:"reporting"`
	Fee        *Fee        `json:"fee"`
}

// Span is the period a report covers, [Start, End), and the agreement's
// time zone (an IANA name), in which every date of the report is shown.
type Span struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	TimeZone string    `json:"time_zone"`
}

// Party is one side of the agreement.
type Party struct {
	Name      string `json:"name"`
	LegalName string `json:"legal_name"`
	Contact   string `json:"contact"`
}

// Service is a service the agreement covers, and its scope.
type Service struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Includes    []string `json:"includes"`
	Excludes    []string `json:"excludes"`
}

// Exclusion is an exclusion and its occurrences inside the period.
type Exclusion struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// SLOs are the SLOs it applies to; nil means every ratio and
	// timeslice SLO.
	SLOs      []string   `json:"slos"`
	Intervals []Interval `json:"intervals"`
	// Seconds is the time the occurrences removed from the period.
	Seconds int64 `json:"seconds"`
}

// Interval is [Start, End).
type Interval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Reporting is how the agreement says it is reported on.
type Reporting struct {
	Frequency  string   `json:"frequency"`
	Formats    []string `json:"formats"`
	Recipients []string `json:"recipients"`
}

// Fee is the agreement's monthly fee, on which credits are computed.
type Fee struct {
	Monthly          float64  `json:"monthly"`
	Currency         string   `json:"currency"`
	CreditCapPercent *float64 `json:"credit_cap_percent"`
}

// SLO is the result of one SLO. An SLO the policy gave no result for has
// only Name, Status ("error"), Message, and maybe Source and Queries.
type SLO struct {
	Name      string `json:"name"`
	Indicator string `json:"indicator"`
	// Status is pass, warn, fail, no_data or error.
	Status          string   `json:"status"`
	Measured        *float64 `json:"measured"`
	Objective       *float64 `json:"objective"`
	Warning         *float64 `json:"warning"`
	Min             *float64 `json:"min"`
	Max             *float64 `json:"max"`
	Good            *float64 `json:"good"`
	Total           *float64 `json:"total"`
	BurnRate        *float64 `json:"burn_rate"`
	BudgetConsumed  *float64 `json:"budget_consumed"`
	BudgetRemaining *float64 `json:"budget_remaining"`
	Message         string   `json:"message"`
	Window          *Window  `json:"window"`
	ExcludedSeconds *int64   `json:"excluded_seconds"`
	// Coverage is how much of the window the source holds data for; nil
	// when it does not apply or was not measured.
	Coverage *Coverage `json:"coverage"`
	Source   *Source   `json:"source"`
	Queries  []Query   `json:"queries"`
	// Report holds the series of a report; nil in a plain verdict.
	Report *SLOReport `json:"report"`
}

// Window is the window an SLO was measured over.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Calendar is day, week, month, quarter or year; "" for a rolling
	// window.
	Calendar string `json:"calendar"`
}

// Coverage is the share of a window (exclusions cut out) for which the
// source holds data for the indicator, and what the block requires.
type Coverage struct {
	Percent     float64    `json:"percent"`
	From        *time.Time `json:"from"`
	To          *time.Time `json:"to"`
	StepSeconds int64      `json:"step_seconds"`
	// Note says where data is missing; "" when nothing is.
	Note     string  `json:"note"`
	Required float64 `json:"required"`
}

// Short says whether the source holds data for less of the window than
// the block requires.
func (c *Coverage) Short() bool { return c != nil && c.Percent < c.Required }

// Source is where a block is written.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// Query is a PromQL query sent to measure a block: an instant query (Time
// set) or a range query (Start, End and StepSeconds set).
type Query struct {
	Query       string     `json:"query"`
	Time        *time.Time `json:"time"`
	Start       *time.Time `json:"start"`
	End         *time.Time `json:"end"`
	StepSeconds int64      `json:"step_seconds"`
	// Purpose is "coverage" for a query that measured how much of the
	// window the source holds data for.
	Purpose string `json:"purpose"`
	// Warnings are the engine's warnings about the answer that the user
	// accepted.
	Warnings []string `json:"warnings"`
}

// The kinds of SLO in SLOReport.Kind.
const (
	KindRatio     = "ratio"
	KindValue     = "value"
	KindTimeslice = "timeslice"
)

// SLOReport is what a report adds to an SLO's result: its series.
type SLOReport struct {
	Description string `json:"description"`
	// Unit is the unit of a value indicator ("s", "min", "%"); "" for none.
	Unit        string `json:"unit"`
	Kind        string `json:"kind"`
	StepSeconds int64  `json:"step_seconds"`
	// Budget is the share of the window's error budget spent from the
	// window's start up to each End: ratio and timeslice SLOs only.
	Budget []BudgetPoint `json:"budget"`
	// Values is the indicator's value over each step: value SLOs only.
	Values []ValuePoint `json:"values"`
	// Bucket is hour, day, week or month: the length of each of Buckets.
	Bucket  string   `json:"bucket"`
	Buckets []Bucket `json:"buckets"`
	// Error says why there are no series (the source failed); "" when
	// there are.
	Error string `json:"error"`
}

// BudgetPoint is the error budget spent at End: 0 none, 1 all of it, more
// than 1 overspent; nil when unknown.
type BudgetPoint struct {
	End      time.Time `json:"end"`
	Consumed *float64  `json:"consumed"`
}

// ValuePoint is an indicator's value over the step that ends at End.
type ValuePoint struct {
	End   time.Time `json:"end"`
	Value *float64  `json:"value"`
}

// Bucket is the attainment over [Start, End): Good, Total and Attainment
// (percent) for ratio and timeslice SLOs, Value for value SLOs. Met says
// whether the bucket alone meets the objective; nil when it has no data.
type Bucket struct {
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Good       *float64  `json:"good"`
	Total      *float64  `json:"total"`
	Attainment *float64  `json:"attainment"`
	Value      *float64  `json:"value"`
	Met        *bool     `json:"met"`
}

// Responsibility is the result of something a party must do. One the
// policy gave no result for has no Party.
type Responsibility struct {
	Name  string `json:"name"`
	Party string `json:"party"`
	// Status is met, breached, pending or unknown.
	Status   string    `json:"status"`
	Measured *float64  `json:"measured"`
	Due      *Date     `json:"due"`
	Message  string    `json:"message"`
	Coverage *Coverage `json:"coverage"`
	Source   *Source   `json:"source"`
	Queries  []Query   `json:"queries"`
}

// Credit is the service credit owed for one SLO. One the policy gave no
// result for has no SLO.
type Credit struct {
	Name string `json:"name"`
	SLO  string `json:"slo"`
	// Status is owed, none or unknown.
	Status   string   `json:"status"`
	Percent  *float64 `json:"percent"`
	Amount   *float64 `json:"amount"`
	Currency string   `json:"currency"`
	// Final is false for a credit of a calendar period still running.
	Final   bool   `json:"final"`
	Message string `json:"message"`
	// ClaimBy and Claim are set when the agreement sets the terms of a
	// claim: the deadline, and claimable, expired or below_minimum.
	ClaimBy *string `json:"claim_by,omitempty"`
	Claim   *string `json:"claim,omitempty"`
	// Tier is the tier whose percent is owed; nil when none applies.
	Tier *CreditTier `json:"tier,omitempty"`
}

// CreditTier is the tier of a credit that applies.
type CreditTier struct {
	Below   *float64 `json:"below"`
	Above   *float64 `json:"above"`
	Percent float64  `json:"percent"`
}

// tierText says which tier applies: "below 99.9".
func (c Credit) tierText() string {
	switch {
	case c.Tier == nil:
		return ""
	case c.Tier.Below != nil:
		return "below " + strconv.FormatFloat(*c.Tier.Below, 'f', -1, 64)
	case c.Tier.Above != nil:
		return "above " + strconv.FormatFloat(*c.Tier.Above, 'f', -1, 64)
	}
	return ""
}

// claimText says what a claim of the credit is: by when to make it, or
// why it is not paid.
func (c Credit) claimText() string {
	by := ""
	if c.ClaimBy != nil {
		by = *c.ClaimBy
		if t, err := time.Parse(time.RFC3339, by); err == nil {
			by = t.UTC().Format("2006-01-02 15:04 UTC")
		}
	}
	if c.Claim == nil {
		return ""
	}
	switch *c.Claim {
	case "claimable":
		if by == "" {
			return "claim it"
		}
		return "claim by " + by
	case "expired":
		return "expired: not claimed by " + by
	case "below_minimum":
		return "not paid: at or below the minimum amount"
	}
	return *c.Claim
}

// CreditTotal is the credits owed added up, after the fee's cap. Percent,
// Amount and Capped are nil while any credit is unknown.
type CreditTotal struct {
	Percent  *float64 `json:"percent"`
	Amount   *float64 `json:"amount"`
	Currency string   `json:"currency"`
	Capped   *bool    `json:"capped"`
}

// Review is whether the agreement's own review is due.
type Review struct {
	// Status is current, due_soon or overdue.
	Status string `json:"status"`
	Due    Date   `json:"due"`
	Owner  string `json:"owner"`
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

// Kind is the SLO's kind: the report's, or in a plain verdict, value when
// the SLO has a bound and ratio otherwise (a plain verdict does not tell a
// timeslice SLO from a ratio one, and they read alike).
func (s *SLO) Kind() string {
	if s.Report != nil && s.Report.Kind != "" {
		return s.Report.Kind
	}
	if s.Min != nil || s.Max != nil {
		return KindValue
	}
	return KindRatio
}

// Decode reads a verdict or report document. It refuses another format
// (ErrSchema), trailing data, and statuses or kinds it does not know: a
// renderer must not guess what a new status means.
func Decode(r io.Reader) (*Document, error) {
	dec := json.NewDecoder(r)
	var doc Document
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode report document: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("decode report document: data after the document")
	}
	if err := doc.validate(); err != nil {
		return nil, fmt.Errorf("decode report document: %w", err)
	}
	return &doc, nil
}

// The values each status and kind may take.
var (
	agreementStatuses = set("compliant", "at_risk", "inconclusive", "breached", "inactive")
	sloStatuses       = set("pass", "warn", "fail", "no_data", "error")
	dutyStatuses      = set("met", "breached", "pending", "unknown")
	creditStatuses    = set("owed", "none", "unknown")
	reviewStatuses    = set("current", "due_soon", "overdue")
	inactiveReasons   = set("", "not_yet_effective", "expired")
	sloKinds          = set(KindRatio, KindValue, KindTimeslice)
	periodKinds       = set("day", "week", "month", "quarter", "year")
	bucketKinds       = set("hour", "day", "week", "month")
)

func set(values ...string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	return m
}

func (d *Document) validate() error {
	if d.Schema != Schema {
		return fmt.Errorf("%w: schema is %q", ErrSchema, d.Schema)
	}
	if d.EvaluatedAt.IsZero() {
		return errors.New("evaluated_at is missing")
	}
	if err := check("status", d.Status, agreementStatuses); err != nil {
		return err
	}
	if d.Period != nil {
		if err := check("period kind", d.Period.Kind, periodKinds); err != nil {
			return err
		}
	}
	for i := range d.Agreements {
		if err := d.Agreements[i].validate(); err != nil {
			return fmt.Errorf("agreement %q: %w", d.Agreements[i].Name, err)
		}
	}
	return nil
}

func (a *Agreement) validate() error {
	if err := check("status", a.Status, agreementStatuses); err != nil {
		return err
	}
	if err := check("inactive", a.Inactive, inactiveReasons); err != nil {
		return err
	}
	for _, s := range a.SLOs {
		if err := s.validate(); err != nil {
			return fmt.Errorf("slo %q: %w", s.Name, err)
		}
	}
	for _, r := range a.Responsibilities {
		if err := check("status", r.Status, dutyStatuses); err != nil {
			return fmt.Errorf("responsibility %q: %w", r.Name, err)
		}
	}
	for _, c := range a.Credits {
		if err := check("status", c.Status, creditStatuses); err != nil {
			return fmt.Errorf("credit %q: %w", c.Name, err)
		}
	}
	if a.Review != nil {
		if err := check("review status", a.Review.Status, reviewStatuses); err != nil {
			return err
		}
	}
	return nil
}

func (s *SLO) validate() error {
	if err := check("status", s.Status, sloStatuses); err != nil {
		return err
	}
	if s.Report == nil {
		return nil
	}
	if err := check("kind", s.Report.Kind, sloKinds); err != nil {
		return err
	}
	if len(s.Report.Buckets) > 0 {
		return check("bucket", s.Report.Bucket, bucketKinds)
	}
	return nil
}

func check(what, value string, allowed map[string]bool) error {
	if !allowed[value] {
		return fmt.Errorf("unknown %s %q", what, value)
	}
	return nil
}

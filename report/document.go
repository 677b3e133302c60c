package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/entente-dev/entente/verdict"
)

// Schema is the only document format Decode reads.
const Schema = verdict.Schema

// ErrSchema is returned (wrapped) by Decode for a document in another
// format, or another version of this one: rendering it would guess.
var ErrSchema = errors.New("not an " + Schema + " document")

// The document is the verdict model: a verdict document (SPEC §4), and
// with Period and the "report" objects set, a report document.
type (
	Document        = verdict.Document
	Period          = verdict.Period
	Agreement       = verdict.Agreement
	AgreementReport = verdict.AgreementReport
	Span            = verdict.Span
	Party           = verdict.Party
	Service         = verdict.Service
	Exclusion       = verdict.Exclusion
	Interval        = verdict.Interval
	Reporting       = verdict.Reporting
	Fee             = verdict.Fee
	SLO             = verdict.SLO
	Window          = verdict.Window
	Coverage        = verdict.Coverage
	Source          = verdict.Source
	Query           = verdict.Query
	SLOReport       = verdict.SLOReport
	BudgetPoint     = verdict.BudgetPoint
	ValuePoint      = verdict.ValuePoint
	Bucket          = verdict.Bucket
	Responsibility  = verdict.Responsibility
	Credit          = verdict.Credit
	CreditTier      = verdict.CreditTier
	CreditTotal     = verdict.CreditTotal
	Review          = verdict.Review
	Date            = verdict.Date
	Number          = verdict.Number
)

// The kinds of SLO in SLOReport.Kind.
const (
	KindRatio     = verdict.KindRatio
	KindValue     = verdict.KindValue
	KindTimeslice = verdict.KindTimeslice
)

// tierText says which tier of a credit applies: "below 99.9".
func tierText(c Credit) string {
	switch {
	case c.Tier == nil:
		return ""
	case c.Tier.Below != nil:
		return "below " + strconv.FormatFloat(c.Tier.Below.Float64(), 'f', -1, 64)
	case c.Tier.Above != nil:
		return "above " + strconv.FormatFloat(c.Tier.Above.Float64(), 'f', -1, 64)
	}
	return ""
}

// claimText says what a claim of the credit is: by when to make it, or
// why it is not paid.
func claimText(c Credit) string {
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

// kindOf is the SLO's kind: the report's, or in a plain verdict, value
// when the SLO has a bound and ratio otherwise (a plain verdict is read
// as it always was: a timeslice SLO reads like a ratio one there).
func kindOf(s *SLO) string {
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
	if err := validateDocument(&doc); err != nil {
		return nil, fmt.Errorf("decode report document: %w", err)
	}
	return &doc, nil
}

// Check refuses, as Decode does, a document in another format (ErrSchema)
// or with statuses or kinds a renderer does not know: for a document that
// was never JSON, such as the evaluator's verdict.
func Check(doc *Document) error {
	if err := validateDocument(doc); err != nil {
		return fmt.Errorf("check report document: %w", err)
	}
	return nil
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

func validateDocument(d *Document) error {
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
		if err := validateAgreement(&d.Agreements[i]); err != nil {
			return fmt.Errorf("agreement %q: %w", d.Agreements[i].Name, err)
		}
	}
	return nil
}

func validateAgreement(a *Agreement) error {
	if err := check("status", a.Status, agreementStatuses); err != nil {
		return err
	}
	if err := check("inactive", string(a.Inactive), inactiveReasons); err != nil {
		return err
	}
	for _, s := range a.SLOs {
		if err := validateSLO(&s); err != nil {
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

func validateSLO(s *SLO) error {
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

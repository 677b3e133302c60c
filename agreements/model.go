package agreements

import (
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/prometheus/common/model"
)

// Set is a loaded set of agreements and the files they came from. Files is
// what hcl.NewDiagnosticTextWriter needs to print source snippets.
type Set struct {
	Agreements []*Agreement         `json:"agreements"`
	Files      map[string]*hcl.File `json:"-"`
}

// Agreement returns the agreement with the given name, or nil.
func (s *Set) Agreement(name string) *Agreement {
	for _, a := range s.Agreements {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Agreement is one service level agreement between parties.
type Agreement struct {
	Name      string     `json:"name"`
	Title     string     `json:"title"`
	Version   string     `json:"version"`
	Effective time.Time  `json:"effective"`
	Expires   *time.Time `json:"expires"`
	// TimeZone is the IANA name of Location; calendar periods, cron
	// exclusions and dates without a time are read in it.
	TimeZone string         `json:"time_zone"`
	Location *time.Location `json:"-"`

	Parties          []*Party          `json:"parties"`
	Services         []*Service        `json:"services"`
	Indicators       []*Indicator      `json:"indicators"`
	SLOs             []*SLO            `json:"slos"`
	Exclusions       []*Exclusion      `json:"exclusions"`
	Responsibilities []*Responsibility `json:"responsibilities"`
	Fee              *Fee              `json:"fee"`
	Credits          []*Credit         `json:"credits"`
	Reporting        *Reporting        `json:"reporting"`
	Review           *Review           `json:"review"`

	// DeclRange is the range of the block header, where diagnostics and
	// annotations about the agreement point.
	DeclRange hcl.Range `json:"-"`
}

// Party returns the party with the given name, or nil.
func (a *Agreement) Party(name string) *Party { return find(a.Parties, name) }

// Indicator returns the indicator with the given name, or nil.
func (a *Agreement) Indicator(name string) *Indicator { return find(a.Indicators, name) }

// SLO returns the SLO with the given name, or nil.
func (a *Agreement) SLO(name string) *SLO { return find(a.SLOs, name) }

type named interface{ name() string }

func find[T named](list []T, name string) T {
	for _, v := range list {
		if v.name() == name {
			return v
		}
	}
	var zero T
	return zero
}

// Party is a signatory of the agreement.
type Party struct {
	Name      string    `json:"name"`
	LegalName string    `json:"legal_name"`
	Contact   string    `json:"contact,omitempty"`
	DeclRange hcl.Range `json:"-"`
}

// Service is a service delivered under the agreement and its scope.
type Service struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Includes    []string  `json:"includes"`
	Excludes    []string  `json:"excludes"`
	DeclRange   hcl.Range `json:"-"`
}

// IndicatorKind tells how an indicator is measured.
type IndicatorKind string

// The kinds of indicator.
const (
	RatioIndicator IndicatorKind = "ratio"
	ValueIndicator IndicatorKind = "value"
)

// Indicator is a service level indicator: a PromQL measurement.
type Indicator struct {
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	Kind        IndicatorKind `json:"kind"`
	Ratio       *Ratio        `json:"ratio,omitempty"`
	Value       Query         `json:"value,omitempty"`
	Unit        string        `json:"unit,omitempty"`
	// Coverage, when set, is the query whose answers say when the source
	// holds data for the indicator (by default, its total or value query);
	// NoCoverage says that coverage does not apply.
	Coverage   Query     `json:"coverage,omitempty"`
	NoCoverage bool      `json:"no_coverage,omitempty"`
	DeclRange  hcl.Range `json:"-"`
}

// Ratio counts good (or bad) events against total events. Exactly one of
// Good and Bad is set.
type Ratio struct {
	Good  Query `json:"good,omitempty"`
	Bad   Query `json:"bad,omitempty"`
	Total Query `json:"total"`
}

// DefaultMinCoverage is the min_coverage of an SLO or a measured
// responsibility that sets none.
const DefaultMinCoverage = 95

// WindowVar is the one variable a query may interpolate.
const WindowVar = "${window}"

// Query is a PromQL query in which ${window} stands for the range measured.
type Query string

// Expand returns the query with ${window} replaced by the range in whole
// seconds, as Prometheus reads it ("2592000s").
func (q Query) Expand(window time.Duration) string {
	secs := int64(window / time.Second)
	return strings.ReplaceAll(string(q), WindowVar, strconv.FormatInt(secs, 10)+"s")
}

// Calendar is a calendar period: an SLO measured over the current day, ISO
// week, month, quarter or year in the agreement's time zone.
type Calendar string

// The calendar periods.
const (
	Day     Calendar = "day"
	Week    Calendar = "week"
	Month   Calendar = "month"
	Quarter Calendar = "quarter"
	Year    Calendar = "year"
)

var calendars = []string{string(Day), string(Week), string(Month), string(Quarter), string(Year)}

// SLOKind tells how an SLO is measured, which follows from its indicator and
// from whether it has a timeslices block.
type SLOKind string

// The kinds of SLO.
const (
	RatioSLO     SLOKind = "ratio"
	ValueSLO     SLOKind = "value"
	TimesliceSLO SLOKind = "timeslice"
)

// NoDataPolicy decides the status of an SLO that has no data.
type NoDataPolicy string

// The no_data policies.
const (
	NoDataInconclusive NoDataPolicy = "inconclusive"
	NoDataPass         NoDataPolicy = "pass"
	NoDataFail         NoDataPolicy = "fail"
)

var noDataPolicies = []string{string(NoDataInconclusive), string(NoDataPass), string(NoDataFail)}

// SLO is a service level objective.
type SLO struct {
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"`
	Indicator   string  `json:"indicator"`
	Kind        SLOKind `json:"kind"`
	// Objective is a percentage: of good events (ratio) or of good slices
	// (timeslice). Min and Max bound a value SLO. Warning, when set, lies on
	// the inner side of the bound.
	Objective *float64 `json:"objective"`
	Warning   *float64 `json:"warning"`
	Min       *float64 `json:"min"`
	Max       *float64 `json:"max"`
	// Exactly one of Window and Calendar is set.
	Window     model.Duration `json:"window,omitempty"`
	Calendar   Calendar       `json:"calendar,omitempty"`
	Timeslices *Timeslices    `json:"timeslices,omitempty"`
	MinEvents  int64          `json:"min_events,omitempty"` // ratio SLOs only
	NoData     NoDataPolicy   `json:"no_data"`
	// MinCoverage is the percentage of the window the source must hold
	// data for; below it the SLO has no data.
	MinCoverage float64   `json:"min_coverage"`
	DeclRange   hcl.Range `json:"-"`

	attrs hcl.Attributes
}

// MissingPolicy decides how a slice without data counts.
type MissingPolicy string

// The missing policies.
const (
	MissingSkip MissingPolicy = "skip"
	MissingGood MissingPolicy = "good"
	MissingBad  MissingPolicy = "bad"
)

var missingPolicies = []string{string(MissingSkip), string(MissingGood), string(MissingBad)}

// SliceMeasure is how the slices of a timeslice SLO give its measured value.
type SliceMeasure string

// The slice measures.
const (
	// GoodSlices is the percentage of good slices.
	GoodSlices SliceMeasure = "good_slices"
	// MeanOfSlices is the mean of the slices' percentages of good events
	// (OpenSLO's RatioTimeslices; the monthly uptime of S3-style SLAs).
	MeanOfSlices SliceMeasure = "mean"
)

var sliceMeasures = []string{string(GoodSlices), string(MeanOfSlices)}

// Timeslices cuts the window of an SLO into slices that are each good or bad.
// A slice of a value indicator is good when it meets Min or Max; a slice of a
// ratio indicator when its percentage of good events meets Objective.
type Timeslices struct {
	Slice     model.Duration `json:"slice"`
	Min       *float64       `json:"min"`
	Max       *float64       `json:"max"`
	Objective *float64       `json:"objective"`
	Missing   MissingPolicy  `json:"missing"`
	// Measure is how the slices give the measured value: the percentage of
	// good slices, or the mean of the slices' percentages of good events.
	Measure SliceMeasure `json:"measure"`
	// Empty, when set, is how a ratio slice without events (or with fewer
	// than MinEvents) counts; unset, one without events is missing and one
	// with too few is good.
	Empty MissingPolicy `json:"empty,omitempty"`
	// MinEvents is the fewest events a ratio slice is judged by (0: any).
	MinEvents int64 `json:"min_events,omitempty"`
	// MinRun is the fewest consecutive bad slices that count as bad;
	// shorter runs count as good (0 or 1: every bad slice counts).
	MinRun    int64     `json:"min_run,omitempty"`
	DeclRange hcl.Range `json:"-"`

	attrs hcl.Attributes
}

// Exclusion is time removed from the windows of ratio and timeslice SLOs:
// recurring (Cron and Duration) or once (From and To).
type Exclusion struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Cron        string         `json:"cron,omitempty"`
	Duration    model.Duration `json:"duration,omitempty"`
	From        *time.Time     `json:"from,omitempty"`
	To          *time.Time     `json:"to,omitempty"`
	// SLOs lists the SLOs the exclusion applies to; empty means every ratio
	// and timeslice SLO of the agreement.
	SLOs      []string  `json:"slos"`
	DeclRange hcl.Range `json:"-"`

	schedule *Schedule
	slos     []reference
	attrs    hcl.Attributes
}

// Schedule returns the parsed cron schedule of a recurring exclusion, or nil.
func (e *Exclusion) Schedule() *Schedule { return e.schedule }

// Responsibility is something a party must do: measured by an indicator
// against Min or Max over a window, or stated as a fact due by a date.
type Responsibility struct {
	Name        string         `json:"name"`
	Party       string         `json:"party"`
	Description string         `json:"description,omitempty"`
	Indicator   string         `json:"indicator,omitempty"`
	Min         *float64       `json:"min"`
	Max         *float64       `json:"max"`
	Window      model.Duration `json:"window,omitempty"`
	Calendar    Calendar       `json:"calendar,omitempty"`
	Fact        string         `json:"fact,omitempty"`
	Due         *time.Time     `json:"due"`
	// MinCoverage is as an SLO's, for a responsibility measured by an
	// indicator.
	MinCoverage float64   `json:"min_coverage,omitempty"`
	DeclRange   hcl.Range `json:"-"`

	attrs hcl.Attributes
}

// Fee is what the customer pays, against which credits are computed.
type Fee struct {
	Monthly          float64   `json:"monthly"`
	Currency         string    `json:"currency"`
	CreditCapPercent *float64  `json:"credit_cap_percent"`
	DeclRange        hcl.Range `json:"-"`
}

// Credit is the service credit owed when an SLO is missed.
type Credit struct {
	Name  string `json:"name"`
	SLO   string `json:"slo"`
	Tiers []Tier `json:"tiers"`
	// ClaimWithin is how long after the end of the SLO's period the
	// customer may claim the credit (0: no deadline).
	ClaimWithin model.Duration `json:"claim_within,omitempty"`
	// MinAmount, when set, is the amount at or below which a credit is
	// not paid.
	MinAmount *float64  `json:"min_amount,omitempty"`
	DeclRange hcl.Range `json:"-"`

	attrs hcl.Attributes
}

// Tier is one step of a credit: Percent of the monthly fee when the measured
// value is below Below (or above Above).
type Tier struct {
	Below     *float64  `json:"below"`
	Above     *float64  `json:"above"`
	Percent   float64   `json:"percent"`
	DeclRange hcl.Range `json:"-"`

	attrs hcl.Attributes
}

// Reporting says how often and to whom the agreement is reported on.
type Reporting struct {
	Frequency  string    `json:"frequency"`
	Formats    []string  `json:"formats"`
	Recipients []string  `json:"recipients"`
	DeclRange  hcl.Range `json:"-"`
}

var frequencies = []string{"daily", "weekly", "monthly", "quarterly"}
var reportFormats = []string{"html", "markdown", "json"}

// Review says how often the agreement itself is reviewed and by whom.
type Review struct {
	Every        model.Duration `json:"every"`
	LastReviewed time.Time      `json:"last_reviewed"`
	Owner        string         `json:"owner,omitempty"`
	Notice       model.Duration `json:"notice"`
	DeclRange    hcl.Range      `json:"-"`

	ownerRange hcl.Range
}

// Due is when the next review is due: LastReviewed plus Every. Whole years
// and days are added on the calendar of the agreement's time zone, so that a
// yearly review falls on the same date, across leap years and clock changes.
func (r *Review) Due() time.Time {
	const day = 24 * time.Hour
	every := time.Duration(r.Every)
	switch {
	case every%(365*day) == 0:
		return r.LastReviewed.AddDate(int(every/(365*day)), 0, 0)
	case every%day == 0:
		return r.LastReviewed.AddDate(0, 0, int(every/day))
	}
	return r.LastReviewed.Add(every)
}

func (p *Party) name() string          { return p.Name }
func (i *Indicator) name() string      { return i.Name }
func (s *SLO) name() string            { return s.Name }
func (s *Service) name() string        { return s.Name }
func (e *Exclusion) name() string      { return e.Name }
func (r *Responsibility) name() string { return r.Name }
func (c *Credit) name() string         { return c.Name }

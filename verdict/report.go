package verdict

import "time"

// The kinds of SLO in SLO.Kind and SLOReport.Kind.
const (
	KindRatio     = "ratio"
	KindValue     = "value"
	KindTimeslice = "timeslice"
)

// AgreementReport is what a report adds to an agreement's verdict: the
// period, and who, what and since when, as the agreement says.
type AgreementReport struct {
	Effective  time.Time   `json:"effective"`
	Exclusions []Exclusion `json:"exclusions"`
	Expires    *time.Time  `json:"expires"`
	Fee        *Fee        `json:"fee"`
	Parties    []Party     `json:"parties"`
	Period     Span        `json:"period"`
	Reporting  *Reporting  `json:"reporting"`
	Services   []Service   `json:"services"`
}

// Span is the period a report covers, [Start, End), and the agreement's
// time zone (an IANA name), in which every date of the report is shown.
type Span struct {
	End      time.Time `json:"end"`
	Start    time.Time `json:"start"`
	TimeZone string    `json:"time_zone"`
}

// Party is one side of the agreement.
type Party struct {
	Name      string `json:"name"`
	LegalName string `json:"legal_name"`
	Contact   string `json:"contact,omitempty"`
}

// Service is a service the agreement covers, and its scope.
type Service struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Includes    []string `json:"includes"`
	Excludes    []string `json:"excludes"`
}

// Exclusion is an exclusion and its occurrences inside the period.
type Exclusion struct {
	Description Nullable   `json:"description"`
	Intervals   []Interval `json:"intervals"`
	Name        string     `json:"name"`
	// Seconds is the time the occurrences removed from the period.
	Seconds int64 `json:"seconds"`
	// SLOs are the SLOs it applies to; nil means every ratio and
	// timeslice SLO.
	SLOs []string `json:"slos"`
}

// Interval is [Start, End).
type Interval struct {
	End   time.Time `json:"end"`
	Start time.Time `json:"start"`
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

// SLOReport is what a report adds to an SLO's result: its series.
type SLOReport struct {
	// Bucket is hour, day, week or month: the length of each of Buckets.
	Bucket  string   `json:"bucket"`
	Buckets []Bucket `json:"buckets"`
	// Budget is the share of the window's error budget spent from the
	// window's start up to each End: ratio and timeslice SLOs only.
	Budget      []BudgetPoint `json:"budget"`
	Description Nullable      `json:"description"`
	// Error says why there are no series (the source failed); "" (null)
	// when there are.
	Error       Nullable `json:"error"`
	Kind        string   `json:"kind"`
	StepSeconds int64    `json:"step_seconds"`
	// Unit is the unit of a value indicator ("s", "min", "%"); "" (null)
	// for none.
	Unit Nullable `json:"unit"`
	// Values is the indicator's value over each step: value SLOs only.
	Values []ValuePoint `json:"values"`
}

// BudgetPoint is the error budget spent at End: 0 none, 1 all of it, more
// than 1 overspent; nil when unknown.
type BudgetPoint struct {
	Consumed *float64  `json:"consumed"`
	End      time.Time `json:"end"`
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
	Attainment *float64  `json:"attainment"`
	End        time.Time `json:"end"`
	Good       *float64  `json:"good"`
	Met        *bool     `json:"met"`
	Start      time.Time `json:"start"`
	Total      *float64  `json:"total"`
	Value      *float64  `json:"value"`
}

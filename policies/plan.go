package policies

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/entente-dev/entente/agreements"
)

// Plan is the data document of an agreement: everything an evaluator needs
// to measure it with nothing but the bundle. It is stored at
// data.entente.agreements["NAME"].plan.
type Plan struct {
	Agreement string  `json:"agreement"`
	Title     string  `json:"title"`
	Version   string  `json:"version"`
	TimeZone  string  `json:"time_zone"`
	Effective string  `json:"effective"`
	Expires   *string `json:"expires"`
	// Source is where the agreement is written, for annotations that point
	// at its lines.
	Source Source `json:"source"`

	Parties          []PlanParty              `json:"parties"`
	Services         []PlanService            `json:"services"`
	Indicators       map[string]PlanIndicator `json:"indicators"`
	SLOs             []PlanSLO                `json:"slos"`
	Responsibilities []PlanResponsibility     `json:"responsibilities"`
	Exclusions       []PlanExclusion          `json:"exclusions"`
	Reporting        *agreements.Reporting    `json:"reporting"`
	Fee              *PlanFee                 `json:"fee"`
}

// PlanFee is what the customer pays, against which credits are computed.
type PlanFee struct {
	Monthly          float64  `json:"monthly"`
	Currency         string   `json:"currency"`
	CreditCapPercent *float64 `json:"credit_cap_percent"`
}

// Source is a place in an agreement file.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// PlanParty is a party of the agreement.
type PlanParty struct {
	Name      string `json:"name"`
	LegalName string `json:"legal_name"`
	Contact   string `json:"contact,omitempty"`
}

// PlanService is a service and its scope.
type PlanService struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Includes    []string `json:"includes"`
	Excludes    []string `json:"excludes"`
}

// PlanIndicator holds the queries of an indicator; ${window} stands for the
// range measured.
type PlanIndicator struct {
	Kind        string `json:"kind"`
	Description string `json:"description,omitempty"`
	Good        string `json:"good,omitempty"`
	Bad         string `json:"bad,omitempty"`
	Total       string `json:"total,omitempty"`
	Value       string `json:"value,omitempty"`
	Unit        string `json:"unit,omitempty"`
	// Coverage is the query whose answers say when the source holds data
	// for the indicator, when it names its own; NoCoverage says that
	// coverage does not apply to it.
	Coverage   string `json:"coverage,omitempty"`
	NoCoverage bool   `json:"no_coverage,omitempty"`
}

// PlanSLO says how an SLO is measured. Exactly one of WindowSeconds and
// Calendar is set.
type PlanSLO struct {
	Name          string          `json:"name"`
	Description   string          `json:"description,omitempty"`
	Indicator     string          `json:"indicator"`
	Kind          string          `json:"kind"`
	WindowSeconds *int64          `json:"window_seconds"`
	Calendar      *string         `json:"calendar"`
	Timeslices    *PlanTimeslices `json:"timeslices"`
	Source        Source          `json:"source"`
}

// PlanTimeslices says how the slices of a timeslice SLO are cut and judged:
// a slice is good when its value meets Min or Max, or when its percentage
// of good events meets Objective.
type PlanTimeslices struct {
	SliceSeconds int64    `json:"slice_seconds"`
	Min          *float64 `json:"min"`
	Max          *float64 `json:"max"`
	Objective    *float64 `json:"objective"`
	Missing      string   `json:"missing"`
	// Measure is "mean" when the measured value is the mean of the
	// slices' percentages of good events; empty, the percentage of good
	// slices.
	Measure string `json:"measure,omitempty"`
	// Empty is how a ratio slice without events, or with fewer than
	// MinEvents, counts ("good", "bad" or "skip"); empty, as missing.
	Empty     string `json:"empty,omitempty"`
	MinEvents int64  `json:"min_events,omitempty"`
	// MinRun is the fewest consecutive bad slices that count as bad.
	MinRun int64 `json:"min_run,omitempty"`
}

// PlanResponsibility says how a responsibility is measured: an indicator
// over a window, or a fact.
type PlanResponsibility struct {
	Name          string  `json:"name"`
	Description   string  `json:"description,omitempty"`
	Party         string  `json:"party"`
	Indicator     *string `json:"indicator"`
	WindowSeconds *int64  `json:"window_seconds"`
	Calendar      *string `json:"calendar"`
	Fact          *string `json:"fact"`
	Source        Source  `json:"source"`
}

// PlanExclusion is time left out of the windows of the SLOs it lists.
type PlanExclusion struct {
	Name            string   `json:"name"`
	Description     string   `json:"description,omitempty"`
	Cron            *string  `json:"cron"`
	DurationSeconds *int64   `json:"duration_seconds"`
	From            *string  `json:"from"`
	To              *string  `json:"to"`
	SLOs            []string `json:"slos"`
}

func plan(a *agreements.Agreement) Plan {
	p := Plan{
		Agreement:        a.Name,
		Title:            a.Title,
		Version:          a.Version,
		TimeZone:         a.TimeZone,
		Effective:        a.Effective.Format(time.RFC3339),
		Expires:          optionalTime(a.Expires),
		Source:           source(a.DeclRange.Filename, a.DeclRange.Start.Line),
		Parties:          []PlanParty{},
		Services:         []PlanService{},
		Indicators:       map[string]PlanIndicator{},
		SLOs:             []PlanSLO{},
		Responsibilities: []PlanResponsibility{},
		Exclusions:       []PlanExclusion{},
		Reporting:        a.Reporting,
	}
	if f := a.Fee; f != nil {
		p.Fee = &PlanFee{Monthly: f.Monthly, Currency: f.Currency, CreditCapPercent: f.CreditCapPercent}
	}
	for _, party := range a.Parties {
		p.Parties = append(p.Parties, PlanParty{Name: party.Name, LegalName: party.LegalName, Contact: party.Contact})
	}
	for _, s := range a.Services {
		p.Services = append(p.Services, PlanService{Name: s.Name, Description: s.Description, Includes: s.Includes, Excludes: s.Excludes})
	}
	for _, ind := range a.Indicators {
		pi := PlanIndicator{Kind: string(ind.Kind), Description: ind.Description, Value: string(ind.Value), Unit: ind.Unit, Coverage: string(ind.Coverage), NoCoverage: ind.NoCoverage}
		if ind.Ratio != nil {
			pi.Good, pi.Bad, pi.Total = string(ind.Ratio.Good), string(ind.Ratio.Bad), string(ind.Ratio.Total)
		}
		p.Indicators[ind.Name] = pi
	}
	var measured []string // ratio and timeslice SLOs, which exclusions apply to
	for _, s := range a.SLOs {
		ps := PlanSLO{
			Name:          s.Name,
			Description:   s.Description,
			Indicator:     s.Indicator,
			Kind:          string(s.Kind),
			WindowSeconds: seconds(time.Duration(s.Window)),
			Calendar:      optionalString(string(s.Calendar)),
			Source:        source(s.DeclRange.Filename, s.DeclRange.Start.Line),
		}
		if t := s.Timeslices; t != nil {
			ps.Timeslices = &PlanTimeslices{
				SliceSeconds: int64(time.Duration(t.Slice) / time.Second),
				Min:          t.Min,
				Max:          t.Max,
				Objective:    t.Objective,
				Missing:      string(t.Missing),
				Empty:        string(t.Empty),
				MinEvents:    t.MinEvents,
				MinRun:       t.MinRun,
			}
			if t.Measure == agreements.MeanOfSlices {
				ps.Timeslices.Measure = string(t.Measure)
			}
		}
		p.SLOs = append(p.SLOs, ps)
		if s.Kind != agreements.ValueSLO {
			measured = append(measured, s.Name)
		}
	}
	for _, r := range a.Responsibilities {
		p.Responsibilities = append(p.Responsibilities, PlanResponsibility{
			Name:          r.Name,
			Description:   r.Description,
			Party:         r.Party,
			Indicator:     optionalString(r.Indicator),
			WindowSeconds: seconds(time.Duration(r.Window)),
			Calendar:      optionalString(string(r.Calendar)),
			Fact:          optionalString(r.Fact),
			Source:        source(r.DeclRange.Filename, r.DeclRange.Start.Line),
		})
	}
	for _, e := range a.Exclusions {
		slos := slices.Clone(e.SLOs)
		if len(slos) == 0 {
			slos = slices.Clone(measured)
		}
		if slos == nil {
			slos = []string{}
		}
		p.Exclusions = append(p.Exclusions, PlanExclusion{
			Name:            e.Name,
			Description:     e.Description,
			Cron:            optionalString(e.Cron),
			DurationSeconds: seconds(time.Duration(e.Duration)),
			From:            optionalTime(e.From),
			To:              optionalTime(e.To),
			SLOs:            slos,
		})
	}
	return p
}

// source records where a block is written. The file is made relative to
// the working directory, so that the same agreements compiled from the same
// place give the same plan, annotations point at paths of the repository,
// and no path of the machine goes into a bundle.
func source(file string, line int) Source {
	return Source{File: relativeFile(file), Line: line}
}

func relativeFile(file string) string {
	if filepath.IsAbs(file) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, file); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
		return filepath.Base(file)
	}
	return filepath.ToSlash(filepath.Clean(file))
}

func seconds(d time.Duration) *int64 {
	if d == 0 {
		return nil
	}
	s := int64(d / time.Second)
	return &s
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optionalTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.RFC3339)
	return &s
}

// PlansFromData reads the plans of every agreement from a data document
// (a tree's or a bundle's), sorted by agreement name.
func PlansFromData(data map[string]any) ([]Plan, error) {
	all, _ := lookup(data, Root, "agreements").(map[string]any)
	names := slices.Sorted(maps.Keys(all))
	plans := make([]Plan, 0, len(names))
	for _, name := range names {
		raw, err := json.Marshal(lookup(data, Root, "agreements", name, "plan"))
		if err != nil {
			return nil, fmt.Errorf("plan of %s: %w", name, err)
		}
		var p Plan
		if err := json.Unmarshal(raw, &p); err != nil || p.Agreement != name {
			return nil, fmt.Errorf("the data of %s holds no valid plan", name)
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// Plans returns the plans of a compiled tree, sorted by agreement name.
func Plans(t *Tree) ([]Plan, error) {
	data, err := t.Data()
	if err != nil {
		return nil, err
	}
	return PlansFromData(data)
}

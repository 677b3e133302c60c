package evaluator

import (
	"fmt"
	"time"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/policies"
)

// exclusionsOf reads the exclusions of a plan.
func exclusionsOf(p policies.Plan) ([]Exclusion, error) {
	out := make([]Exclusion, 0, len(p.Exclusions))
	for _, e := range p.Exclusions {
		x := Exclusion{Name: e.Name, SLOs: e.SLOs}
		switch {
		case e.Cron != nil && e.DurationSeconds != nil:
			s, err := agreements.ParseCron(*e.Cron)
			if err != nil {
				return nil, fmt.Errorf("exclusion %s: %w", e.Name, err)
			}
			x.Schedule, x.Duration = s, time.Duration(*e.DurationSeconds)*time.Second
		case e.From != nil && e.To != nil:
			from, err1 := time.Parse(time.RFC3339, *e.From)
			to, err2 := time.Parse(time.RFC3339, *e.To)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("exclusion %s: bad from or to", e.Name)
			}
			x.Once = &Interval{from, to}
		default:
			return nil, fmt.Errorf("exclusion %s: neither cron nor from and to", e.Name)
		}
		out = append(out, x)
	}
	return out, nil
}

// ExclusionState says whether an exclusion is on for one SLO it applies
// to.
type ExclusionState struct {
	Exclusion, SLO string
	Active         bool
}

// ActiveExclusions tells, for each exclusion of a plan and each SLO it
// applies to, whether it is on at t: a cron exclusion on the agreement's
// wall clock, in its time zone, a fixed one from its from to its to.
func ActiveExclusions(p policies.Plan, t time.Time) ([]ExclusionState, error) {
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("time zone of %s: %w", p.Agreement, err)
	}
	exclusions, err := exclusionsOf(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Agreement, err)
	}
	instant := Interval{t, t.Add(time.Millisecond)}
	var out []ExclusionState
	for _, e := range exclusions {
		for _, slo := range e.SLOs {
			on := len(Applied([]Exclusion{e}, slo, instant, loc)) > 0
			out = append(out, ExclusionState{Exclusion: e.Name, SLO: slo, Active: on})
		}
	}
	return out, nil
}

package server

import (
	"context"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/verdict"
)

// metrics exports the last verdicts, for dashboards and alerts.
type metrics struct {
	registry        *prometheus.Registry
	sloMeasured     *prometheus.GaugeVec
	sloObjective    *prometheus.GaugeVec
	sloBudget       *prometheus.GaugeVec
	sloStatus       *prometheus.GaugeVec
	sloCoverage     *prometheus.GaugeVec
	agreementStatus *prometheus.GaugeVec
	creditsOwed     *prometheus.GaugeVec
	respStatus      *prometheus.GaugeVec
	reviewDue       *prometheus.GaugeVec
	evaluations     *prometheus.CounterVec
	requests        *prometheus.CounterVec
	latency         *prometheus.HistogramVec
	reloads         *prometheus.CounterVec
	queries         *prometheus.HistogramVec
}

// The statuses a verdict gives, as docs/verdict.schema.json lists them: a
// series for each, 1 for the one that holds.
var (
	sloStatuses       = []string{"pass", "warn", "fail", "no_data", "error"}
	respStatuses      = []string{"met", "breached", "pending", "unknown"}
	agreementStatuses = []string{"inactive", "compliant", "at_risk", "inconclusive", "breached"}
)

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		sloMeasured: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "entente_slo_measured", Help: "The measured value of an SLO at the last evaluation (percent for ratio and timeslice SLOs); absent when unknown.",
		}, []string{"agreement", "slo"}),
		sloObjective: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "entente_slo_objective", Help: "The objective (percent) or bound of an SLO.",
		}, []string{"agreement", "slo"}),
		sloBudget: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "entente_slo_budget_remaining", Help: "The share of the error budget left at the last evaluation (negative when overspent).",
		}, []string{"agreement", "slo"}),
		sloStatus: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "entente_slo_status", Help: "1 for the status of an SLO at the last evaluation, 0 for the others.",
		}, []string{"agreement", "slo", "status"}),
		sloCoverage: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "entente_slo_coverage_percent", Help: "The percentage of an SLO's window the source held data for at the last evaluation; absent when coverage does not apply.",
		}, []string{"agreement", "slo"}),
		agreementStatus: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "entente_agreement_status", Help: "1 for the status of an agreement at the last evaluation, 0 for the others.",
		}, []string{"agreement", "status"}),
		creditsOwed: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "entente_credits_owed", Help: "The service credits owed by an agreement at the last evaluation, in its currency.",
		}, []string{"agreement", "currency"}),
		respStatus: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "entente_responsibility_status", Help: "1 for the status of a responsibility at the last evaluation, 0 for the others.",
		}, []string{"agreement", "responsibility", "party", "status"}),
		reviewDue: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "entente_review_due_timestamp_seconds", Help: "When the next review of an agreement is due (the start of its due date in the agreement's time zone), as a Unix time.",
		}, []string{"agreement"}),
		evaluations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "entente_evaluations_total", Help: "Periodic evaluations of the agreements, by outcome.",
		}, []string{"outcome"}),
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "entente_http_requests_total", Help: "HTTP requests served, by route and status code.",
	}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "entente_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route.", Buckets: prometheus.DefBuckets,
	}, []string{"route"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "entente_reloads_total", Help: "Reloads of changed agreements, loaded or refused.",
	}, []string{"outcome"})
	m.queries = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "entente_source_query_duration_seconds", Help: "Queries sent to the metrics source, by kind and outcome.", Buckets: prometheus.DefBuckets,
	}, []string{"kind", "outcome"})
	m.registry.MustRegister(m.queries, m.reloads, m.sloMeasured, m.sloObjective, m.sloBudget, m.sloStatus, m.sloCoverage, m.agreementStatus, m.creditsOwed, m.respStatus, m.reviewDue, m.evaluations, m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// dueTime reads a review's due date (or time) in the agreement's time
// zone.
func dueTime(due, zone string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, due); err == nil {
		return t, true
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation(time.DateOnly, due, loc)
	return t, err == nil
}

// update sets the gauges from a verdict; zones are the agreements' time
// zones.
func (m *metrics) update(v *evaluator.Verdict, zones map[string]string) {
	m.evaluations.WithLabelValues("done").Inc()
	// The gauges hold the last verdict alone: an agreement or SLO that is
	// gone, or a figure that became unknown, leaves no stale series.
	for _, g := range []*prometheus.GaugeVec{m.sloMeasured, m.sloObjective, m.sloBudget, m.sloStatus, m.sloCoverage, m.agreementStatus, m.creditsOwed, m.respStatus, m.reviewDue} {
		g.Reset()
	}
	for _, a := range v.Agreements {
		name := a.Name
		for _, st := range agreementStatuses {
			m.agreementStatus.WithLabelValues(name, st).Set(b2f(st == a.Status))
		}
		for _, s := range a.SLOs {
			for _, each := range sloStatuses {
				m.sloStatus.WithLabelValues(name, s.Name, each).Set(b2f(each == s.Status))
			}
			set := func(g *prometheus.GaugeVec, figure *verdict.Number) {
				if f, ok := verdict.Float(figure); ok {
					g.WithLabelValues(name, s.Name).Set(f)
				} else {
					g.DeleteLabelValues(name, s.Name)
				}
			}
			set(m.sloMeasured, s.Measured)
			set(m.sloBudget, s.BudgetRemaining)
			if s.Coverage != nil {
				m.sloCoverage.WithLabelValues(name, s.Name).Set(s.Coverage.Percent.Float64())
			}
			switch {
			case s.Objective != nil:
				set(m.sloObjective, s.Objective)
			case s.Max != nil:
				set(m.sloObjective, s.Max)
			default:
				set(m.sloObjective, s.Min)
			}
		}
		for _, r := range a.Responsibilities {
			statuses := respStatuses
			if !slices.Contains(statuses, r.Status) && r.Status != "" {
				statuses = append(slices.Clone(statuses), r.Status)
			}
			for _, each := range statuses {
				m.respStatus.WithLabelValues(name, r.Name, r.Party, each).Set(b2f(each == r.Status))
			}
		}
		if a.Review != nil {
			if t, ok := dueTime(a.Review.Due.String(), zones[name]); ok {
				m.reviewDue.WithLabelValues(name).Set(float64(t.Unix()))
			}
		}
		if ct := a.CreditTotal; ct != nil {
			if f, ok := verdict.Float(ct.Amount); ok {
				m.creditsOwed.WithLabelValues(name, ct.Currency).Set(f)
			}
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// instrumented times the queries sent to a source.
type instrumented struct {
	src evaluator.Source
	m   *metrics
}

func (i *instrumented) Query(ctx context.Context, q string, t time.Time) (evaluator.Answer, error) {
	start := time.Now()
	v, err := i.src.Query(ctx, q, t)
	i.m.queries.WithLabelValues("instant", outcome(err)).Observe(time.Since(start).Seconds())
	return v, err
}

func (i *instrumented) QueryRange(ctx context.Context, q string, start, end time.Time, step time.Duration) (evaluator.Answer, error) {
	t0 := time.Now()
	v, err := i.src.QueryRange(ctx, q, start, end, step)
	i.m.queries.WithLabelValues("range", outcome(err)).Observe(time.Since(t0).Seconds())
	return v, err
}

// Describe is what the source says of its engine.
func (i *instrumented) Describe(ctx context.Context) evaluator.Engine {
	if d, ok := i.src.(evaluator.Describer); ok {
		return d.Describe(ctx)
	}
	return evaluator.Engine{Kind: "other", Ranges: evaluator.RangesUnknown}
}

func outcome(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

// exclusions exports entente_exclusion_active, computed when it is
// scraped, so that it turns on and off when the exclusion does.
type exclusions struct {
	desc *prometheus.Desc
	set  func() *evaluator.Set
	now  func() time.Time
}

func newExclusions(set func() *evaluator.Set, now func() time.Time) *exclusions {
	return &exclusions{
		desc: prometheus.NewDesc("entente_exclusion_active",
			"1 while an exclusion is on for an SLO it applies to (cron exclusions on the agreement's wall clock), 0 otherwise: alerts on the SLO are silenced meanwhile.",
			[]string{"agreement", "exclusion", "slo"}, nil),
		set: set, now: now,
	}
}

func (x *exclusions) Describe(ch chan<- *prometheus.Desc) { ch <- x.desc }

func (x *exclusions) Collect(ch chan<- prometheus.Metric) {
	set := x.set()
	if set == nil {
		return
	}
	now := x.now()
	for _, p := range set.Plans {
		states, err := evaluator.ActiveExclusions(p, now)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(x.desc, err)
			continue
		}
		for _, s := range states {
			ch <- prometheus.MustNewConstMetric(x.desc, prometheus.GaugeValue, b2f(s.Active), p.Agreement, s.Exclusion, s.SLO)
		}
	}
}

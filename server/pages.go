package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/report"
)

// The pages people read: the dashboard at / and each agreement's reports.
// They are self-contained (no scripts, nothing fetched), and the Content
// Security Policy makes sure of it.
const pagePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// reportTTL is how long a report is kept: a closed period's figures only
// change if history is backfilled late.
const reportTTL = 10 * time.Minute

// maxCachedReports bounds the reports kept.
const maxCachedReports = 64

type cachedReport struct {
	doc  []byte // the verdict document, JSON
	made time.Time
}

// reportCache keeps the reports of closed periods, keyed by revision,
// agreement and period, so that a page opened twice is measured once.
type reportCache struct {
	mu      sync.Mutex
	entries map[string]cachedReport
}

func (rc *reportCache) get(key string, now time.Time) ([]byte, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[key]
	if !ok || now.Sub(e.made) > reportTTL {
		return nil, false
	}
	return e.doc, true
}

func (rc *reportCache) put(key string, doc []byte, now time.Time) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.entries == nil {
		rc.entries = map[string]cachedReport{}
	}
	if len(rc.entries) >= maxCachedReports {
		oldest := ""
		for k, e := range rc.entries {
			if oldest == "" || e.made.Before(rc.entries[oldest].made) {
				oldest = k
			}
		}
		delete(rc.entries, oldest)
	}
	rc.entries[key] = cachedReport{doc: doc, made: now}
}

// dashboard serves every agreement's last periodic verdict as a page.
func (s *Server) dashboard(c echo.Context) error {
	set := s.set.Load()
	var doc *report.Document
	if v := s.lastAll.Load(); v != nil {
		if err := report.Check(v); err != nil {
			return err
		}
		doc = v
	}
	opts := report.DashboardOptions{Links: map[string][]report.Link{}}
	if why := s.stale.Load(); why != nil {
		opts.Stale = *why
	}
	if s.cfg.Interval > 0 {
		opts.RefreshSeconds = int(max(s.cfg.Interval, 10*time.Second) / time.Second)
	}
	// The links follow the verdicts shown: at the time of the last
	// evaluation, which is --at when the server replays a history.
	evaluated := s.cfg.Now()
	if doc != nil {
		evaluated = doc.EvaluatedAt
	}
	for _, p := range set.Plans {
		opts.Links[p.Agreement] = reportLinks(p.Agreement, p.TimeZone, reportKinds(p.Reporting), evaluated, time.Now())
	}
	var buf bytes.Buffer
	if err := report.Dashboard(&buf, doc, opts); err != nil {
		return err
	}
	return page(c, "text/html; charset=utf-8", buf.Bytes())
}

// reportKinds are the periods the dashboard links reports for: the one the
// agreement's reporting block asks for, and the month.
func reportKinds(r *agreements.Reporting) []agreements.Calendar {
	kinds := []agreements.Calendar{agreements.Month}
	if r == nil {
		return kinds
	}
	switch r.Frequency {
	case "daily":
		kinds = append([]agreements.Calendar{agreements.Day}, kinds...)
	case "weekly":
		kinds = append([]agreements.Calendar{agreements.Week}, kinds...)
	case "quarterly":
		kinds = append(kinds, agreements.Quarter)
	}
	return kinds
}

// reportLinks are the dashboard's links to reports: of the period the
// verdicts evaluated at evaluated are in, when it is over by the wall clock
// now (a history replayed with --at: October for verdicts of 22 October),
// else of the period before it (live verdicts: the last closed month).
// The report route judges by the wall clock whether a period is over.
func reportLinks(name, zone string, kinds []agreements.Calendar, evaluated, now time.Time) []report.Link {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	var links []report.Link
	for _, kind := range kinds {
		p := periodOf(kind, evaluated, loc)
		if p.In(loc).End.After(now) {
			p = evaluator.LastClosed(kind, evaluated, loc)
		}
		for _, f := range []struct{ format, label string }{{"html", "HTML"}, {"markdown", "Markdown"}, {"json", "JSON"}} {
			q := url.Values{"period": {p.Label}, "format": {f.format}}
			links = append(links, report.Link{
				Label: fmt.Sprintf("%s %s (%s)", kind, p.Label, f.label),
				Href:  "/v1/agreements/" + url.PathEscape(name) + "/report?" + q.Encode(),
			})
		}
	}
	return links
}

// periodOf is the period of a kind whose verdicts an evaluation at t
// gives: the one that holds the instant before t, as a calendar window
// does (at midnight on 1 November, October).
func periodOf(kind agreements.Calendar, t time.Time, loc *time.Location) evaluator.Period {
	start := evaluator.PeriodStart(kind, t.Add(-time.Nanosecond), loc)
	return evaluator.LastClosed(kind, evaluator.NextPeriod(kind, start), loc)
}

// agreementReport serves an agreement's report of a closed period:
// GET /v1/agreements/NAME/report?period=2026-10&format=html.
func (s *Server) agreementReport(c echo.Context) error {
	name := c.Param("name")
	set := s.set.Load()
	if _, err := plan(set, name); err != nil {
		return err
	}
	label := c.QueryParam("period")
	if label == "" {
		return fail(http.StatusBadRequest, "bad_request", "give the period: ?period=2026-10 (a month), 2026-Q3, 2026-W43, 2026-10-14 or 2026")
	}
	p, _ := plan(set, name)
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	// A period is over by the wall clock, even when the periodic
	// evaluations replay a history at a fixed time.
	now := time.Now()
	period, err := evaluator.ResolvePeriod(label, now, loc)
	if err != nil {
		return fail(http.StatusBadRequest, "bad_request", err.Error())
	}
	format := c.QueryParam("format")
	if format == "" {
		format = "html"
	}
	if format != "html" && format != "markdown" && format != "json" {
		return fail(http.StatusBadRequest, "bad_request", fmt.Sprintf("format %q: a report is html, markdown or json", format))
	}
	if s.cfg.Source == nil {
		return fail(http.StatusUnprocessableEntity, "no_source", "this server has no metrics source to measure a report from: start it with --prometheus or --metrics")
	}

	key := set.Revision + "\x00" + name + "\x00" + period.Label
	raw, ok := s.reports.get(key, now)
	if !ok {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		default:
			c.Response().Header().Set("Retry-After", "5")
			return fail(http.StatusServiceUnavailable, "busy", "too many evaluations from the source are running; retry shortly")
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.RequestTimeout)
		defer cancel()
		v, err := set.Evaluate(ctx, s.cfg.Source, evaluator.Options{Period: period, Now: now, Agreements: []string{name}, Facts: s.cfg.Facts, Logger: s.cfg.Logger, AcceptWarnings: s.cfg.AcceptWarnings})
		switch {
		case errors.Is(err, evaluator.ErrPeriodNotOver):
			return fail(http.StatusBadRequest, "period_not_over", err.Error())
		case ctx.Err() != nil && c.Request().Context().Err() == nil:
			return fail(http.StatusServiceUnavailable, "source_unavailable", fmt.Sprintf("the report took longer than %s: the metrics source is too slow", s.cfg.RequestTimeout))
		case err != nil:
			return err
		case sourceDown(v):
			return fail(http.StatusServiceUnavailable, "source_unavailable", "no measurement could be taken from the metrics source: "+firstError(v))
		}
		generated := now.UTC().Truncate(time.Second)
		v.GeneratedAt = &generated
		if raw, err = json.Marshal(v); err != nil {
			return err
		}
		// A report with a part the source failed to measure is not kept:
		// asked again once the source has recovered, it is measured again.
		if !anyError(v) {
			s.reports.put(key, raw, now)
		}
	}
	if format == "json" {
		return c.JSONBlob(http.StatusOK, raw)
	}
	doc, err := report.Decode(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if format == "markdown" {
		if err := report.Markdown(&buf, doc); err != nil {
			return err
		}
		return page(c, "text/markdown; charset=utf-8", buf.Bytes())
	}
	if err := report.HTML(&buf, doc); err != nil {
		return err
	}
	return page(c, "text/html; charset=utf-8", buf.Bytes())
}

// anyError says whether a block of a verdict could not be measured.
func anyError(v *evaluator.Verdict) bool {
	for _, a := range v.Agreements {
		for _, s := range a.SLOs {
			if s.Status == "error" {
				return true
			}
		}
		for _, r := range a.Responsibilities {
			if r.Status == "error" || strings.Contains(r.Message, "could not be measured") {
				return true
			}
		}
	}
	return false
}

func page(c echo.Context, contentType string, body []byte) error {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", pagePolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, contentType, body)
}

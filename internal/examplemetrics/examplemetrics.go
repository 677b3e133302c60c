// Package examplemetrics writes the metric history of the example
// agreements in examples/agreements: one OpenMetrics file per agreement,
// with a timestamp on every sample, the files that
// `entente check --metrics` and `promtool tsdb create-blocks-from
// openmetrics` read, and the facts the agreements' responsibilities ask for.
//
// The history is designed so that, evaluated at At, the three agreements
// show every kind of result: SLOs that pass, warn and fail, responsibilities
// that are met and breached, and credits owed. It goes on until End, so
// that October 2026 is a closed period with a report of its own in every
// agreement's time zone. examples/metrics/README.md tells the story and
// gives the figures.
//
// Everything is computed with integers from a fixed seed, so the files are
// the same byte for byte on every machine and with every Go version.
package examplemetrics

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// At is the evaluation time the history is designed for: Thursday 22
// October 2026, 12:00 UTC. Every calendar window is under way (the week
// since Monday, the month three weeks in, the quarter three weeks in, the
// year ten months in), all three agreements are in force, every fact is
// past its due date, and the managed-support review is overdue.
const At = "2026-10-22T12:00:00Z"

// End is where every series ends: Sunday 1 November 2026, 06:00 UTC. October
// is over by then in each agreement's time zone (last in New York, at 04:00
// UTC), and New York's clocks go back only at End, so the history never
// spans it. What comes after At changes nothing at At: queries never look
// forward in time.
const End = "2026-11-01T06:00:00Z"

// Files are the names of the files Write writes, in the order it writes
// them.
var Files = []string{"payments-hosting.om", "geo-api.om", "managed-support.om", "facts.json"}

var (
	at  = mustTime(At)
	end = mustTime(End)
)

// Write writes the metric history of the example agreements and their facts
// into dir (created if need be): payments-hosting.om, geo-api.om,
// managed-support.om and facts.json, then the histories of the cloud
// agreements (CloudFiles).
func Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name     string
		families []*family
	}{
		{"payments-hosting.om", paymentsHosting()},
		{"geo-api.om", geoAPI()},
		{"managed-support.om", managedSupport()},
	} {
		if err := writeOpenMetrics(filepath.Join(dir, f.name), f.families); err != nil {
			return err
		}
	}
	for i, families := range cloudFamilies() {
		if err := writeOpenMetrics(filepath.Join(dir, CloudFiles[i]), families); err != nil {
			return err
		}
	}
	data, err := json.MarshalIndent(facts(), "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "facts.json"), append(data, '\n'), 0o644)
}

// facts are the answers to the agreements' fact responsibilities, keyed by
// agreement then fact. Every due date lies before At: a false fact is
// breached, a true one met.
func facts() map[string]map[string]bool {
	return map[string]map[string]bool{
		"payments-hosting": {"staging_access_granted": true},
		// Northwind never sent its egress IP ranges (due 25 March 2026).
		"geo-api": {"ip_allowlist_provided": false},
		"managed-support": {
			"vpn_access_granted":          true,
			"runbooks_handed_over":        true,
			"escalation_contacts_current": true,
		},
	}
}

// ---------------------------------------------------------------------------
// payments-hosting (Europe/Paris, UTC+2 until 25 October 01:00 UTC, UTC+1
// after)

func paymentsHosting() []*family {
	// availability: calendar month, from 30 September 22:00 UTC (1 October
	// in Paris), less the Sunday maintenance, 00:00-02:00 UTC on 4, 11, 18
	// and 25 October (on the 25th, 02:00 summer time to 03:00 winter time:
	// 02:00 happens twice, and the window starts at the first). An 18% error
	// burst on 13 October makes it warn at At; the 30% errors of the
	// deployment in the maintenance window of 18 October are excluded, or it
	// would fail. The outage of 28 October (40% of 503s for two hours) makes
	// October fail; the failover test in the maintenance of 25 October is
	// excluded.
	outage := span("2026-10-28T13:00:00Z", "2h")
	requests := &family{name: "http_requests", typ: "counter", help: "HTTP requests answered by the payments API, by status code."}
	requests.series = traffic(trafficSpec{
		rng:    newRNG(11),
		from:   mustTime("2026-09-29T00:00:00Z"),
		step:   30 * time.Minute,
		perSec: 40,
		tz:     paris,
		name:   "http_requests_total",
		labels: `job="payments"`,
		codes:  []string{"200", "500", "503"},
		start:  []int64{9_412_733_051, 1_930_114, 211_876},
		shares: func(t time.Time) []int64 {
			return []int64{
				200, // 500: 0.02% all the time
				ppmIn(t, span("2026-10-13T09:00:00Z", "1h"), 180_000) + // 503: the incident
					ppmIn(t, span("2026-10-18T00:00:00Z", "2h"), 300_000) + // 503: the excluded deployment
					ppmIn(t, span("2026-10-25T00:30:00Z", "1h"), 250_000) + // 503: the excluded failover test
					ppmIn(t, outage, 400_000), // 503: the outage
			}
		},
	})

	// latency: p99 over the last 7 days, about 0.21 s; the slow requests of
	// the outage of 28 October push it over the warning threshold for the
	// week after.
	latency := &family{name: "http_request_duration_seconds", typ: "histogram", help: "Latency of the payments API."}
	r := newRNG(12)
	latency.series = histogram(histogramSpec{
		rng:    r,
		from:   mustTime("2026-10-14T00:00:00Z"),
		step:   time.Hour,
		perSec: 40,
		tz:     paris,
		name:   "http_request_duration_seconds_bucket",
		labels: `job="payments"`,
		les:    []string{"0.05", "0.1", "0.25", "0.5", "1", "+Inf"},
		start:  []int64{6_588_913_100, 9_177_414_600, 9_365_669_400, 9_403_320_300, 9_410_850_500, 9_412_733_051},
		cdf: func(t time.Time) []int64 {
			if endsIn(t, []interval{outage}) {
				return []int64{300_000, 500_000, 680_000, 870_000, 985_000}
			}
			return []int64{700_000, 975_000 + r.between(-3000, 3000), 995_000, 999_000, 999_800}
		},
	})

	// uptime: the 5-minute slices of the last 30 days whose probe succeeded.
	// The probe fails for 50 minutes on 13 October, 40 minutes in the
	// outage of 28 October, and three times more; the failures during the
	// maintenance of 18 and 25 October are excluded.
	down := []interval{
		span("2026-09-25T14:20:00Z", "5m"),
		span("2026-10-02T03:45:00Z", "5m"),
		span("2026-10-13T09:05:00Z", "50m"),
		span("2026-10-18T00:30:00Z", "10m"),
		span("2026-10-20T17:10:00Z", "5m"),
		span("2026-10-25T00:40:00Z", "10m"),
		span("2026-10-28T13:10:00Z", "40m"),
	}
	probes := &family{name: "probe_success", typ: "gauge", help: "Whether the blackbox probe of https://api.globex.example/health succeeded."}
	probes.series = []*series{gauge("probe_success", `job="payments"`, mustTime("2026-09-22T00:00:00Z"), 5*time.Minute,
		func(t time.Time) string {
			if inAny(t, down) {
				return "0"
			}
			return "1"
		})}

	// p1-acknowledgement: the acknowledgement time of the latest P1 incident;
	// the slowest in the last 30 days is the 12 minutes of 13 October, the
	// outage of 28 October was acknowledged in 8.
	ack := &family{name: "incident_ack_minutes", typ: "gauge", help: "Minutes taken to acknowledge the latest priority-1 incident."}
	ack.series = []*series{gauge("incident_ack_minutes", `job="incidents",priority="1"`, mustTime("2026-09-22T00:00:00Z"), time.Hour,
		func(t time.Time) string {
			switch {
			case t.Before(mustTime("2026-10-13T09:15:00Z")):
				return "9" // the P1 of 3 September
			case t.Before(mustTime("2026-10-28T13:13:00Z")):
				return "12"
			}
			return "8"
		})}

	return []*family{requests, latency, probes, ack}
}

// ---------------------------------------------------------------------------
// geo-api (America/New_York, UTC-4 until 1 November 06:00 UTC, when the
// history ends)

func geoAPI() []*family {
	// Geocoding requests: availability (calendar month from 1 October 04:00
	// UTC; Sunday maintenance 09:30-10:30 UTC and the quarterly upgrade on
	// 1 October 06:00-10:00 UTC excluded) fails after the 2-hour incident of
	// 14 October, and October ends a fail; the customer's batch job on 7
	// October trips the rate limit, but 429s stay far under 5% of the month.
	incident := span("2026-10-14T14:00:00Z", "2h")
	upgrade := span("2026-10-01T06:00:00Z", "4h")
	requests := &family{name: "http_requests", typ: "counter", help: "HTTP requests answered by the geocoding API and the tile CDN, by status code."}
	requests.series = traffic(trafficSpec{
		rng:    newRNG(21),
		from:   mustTime("2026-09-30T00:00:00Z"),
		step:   30 * time.Minute,
		perSec: 50,
		tz:     newYork,
		name:   "http_requests_total",
		labels: `job="geo-api"`,
		codes:  []string{"200", "429", "503"},
		start:  []int64{3_107_552_980, 79_814_553, 402_117},
		shares: func(t time.Time) []int64 {
			return []int64{
				25_000 + ppmIn(t, span("2026-10-07T13:00:00Z", "4h"), 125_000), // 429
				100 + ppmIn(t, incident, 440_000) + ppmIn(t, upgrade, 600_000) + // 503
					ppmIn(t, span("2026-10-18T09:30:00Z", "1h"), 200_000) + // excluded: Sunday maintenance
					ppmIn(t, span("2026-10-25T09:30:00Z", "1h"), 250_000), // excluded: Sunday maintenance
			}
		},
	})

	// Tile requests, every 150 seconds, so that each 5-minute slice of
	// tile-availability holds two samples. Twelve slices have more than 1%
	// of errors by At, four more on 27 October; the errors of the quarterly
	// upgrade and of the Sunday maintenance of 11 and 25 October are
	// excluded.
	requests.series = append(requests.series, traffic(trafficSpec{
		rng:    newRNG(22),
		from:   mustTime("2026-10-01T00:00:00Z"),
		step:   150 * time.Second,
		perSec: 20,
		tz:     newYork,
		name:   "http_requests_total",
		labels: `job="tile-cdn"`,
		codes:  []string{"200", "503"},
		start:  []int64{811_204_733, 300_512},
		shares: func(t time.Time) []int64 {
			return []int64{500 +
				ppmIn(t, span("2026-10-05T11:00:00Z", "5m"), 30_000) +
				ppmIn(t, span("2026-10-09T14:00:00Z", "30m"), 30_000) +
				ppmIn(t, span("2026-10-16T21:10:00Z", "10m"), 30_000) +
				ppmIn(t, span("2026-10-20T03:40:00Z", "15m"), 30_000) +
				ppmIn(t, span("2026-10-27T22:00:00Z", "20m"), 30_000) +
				ppmIn(t, upgrade, 100_000) +
				ppmIn(t, span("2026-10-11T09:30:00Z", "30m"), 50_000) +
				ppmIn(t, span("2026-10-25T09:30:00Z", "30m"), 50_000)}
		},
	})...)

	// Geocoding latency, every 30 minutes (two samples in each hour of
	// latency-hours). p95 is about 0.35 s in a normal hour (geocode-latency
	// warns) and about 1.9 s in five slow hours of the 30 days before At
	// (latency-hours still passes); a slow hour in the Sunday maintenance
	// of 11 October is excluded. The new geocoder index of 27 October,
	// rolled back on the 29th, makes four more hours slow: the 30 days
	// that end with October fail.
	slow := []interval{
		span("2026-09-29T20:00:00Z", "1h"),
		span("2026-10-06T02:00:00Z", "1h"),
		incident,
		span("2026-10-20T13:00:00Z", "1h"),
		span("2026-10-11T10:00:00Z", "1h"), // excluded
		span("2026-10-27T15:00:00Z", "2h"),
		span("2026-10-28T15:00:00Z", "1h"),
		span("2026-10-29T14:00:00Z", "1h"),
	}
	latency := &family{name: "http_request_duration_seconds", typ: "histogram", help: "Latency of the geocoding API at the load balancer."}
	r := newRNG(23)
	latency.series = histogram(histogramSpec{
		rng:    r,
		from:   mustTime("2026-09-22T00:00:00Z"),
		step:   30 * time.Minute,
		perSec: 30,
		tz:     newYork,
		name:   "http_request_duration_seconds_bucket",
		labels: `job="geo-api",handler="/v2/geocode"`,
		les:    []string{"0.25", "0.5", "1", "2.5", "+Inf"},
		start:  []int64{1_719_834_200, 1_840_691_100, 1_855_565_400, 1_858_353_700, 1_858_911_400},
		cdf: func(t time.Time) []int64 {
			if endsIn(t, slow) {
				return []int64{500_000, 780_000, 900_000, 980_000}
			}
			return []int64{925_000 + r.between(-4000, 4000), 990_000, 998_000, 999_700}
		},
	})

	// External probes from three regions: every 5 minutes in the week of
	// At (Monday 19 October 04:00 UTC to Monday 26 October 04:00 UTC, in
	// New York, with hours to spare), two failures out of 2,880 probes by
	// At and one more that week; every hour the rest of October, which a
	// report of the month measures too (external-uptime only averages the
	// probes: hourly samples keep the file small). They fail in no hourly
	// sample: one would weigh as much as twelve in that week, and fail the
	// day's report on its own.
	const target = `job="blackbox",target="https://api.meridianmaps.example/healthz"`
	week := interval{mustTime("2026-10-19T00:00:00Z"), mustTime("2026-10-26T06:00:00Z")}
	var probed []time.Time
	for t := mustTime("2026-09-30T00:00:00Z"); !t.After(end); {
		probed = append(probed, t)
		if inAny(t, []interval{week}) {
			t = t.Add(5 * time.Minute)
		} else {
			t = t.Add(time.Hour)
		}
	}
	probes := &family{name: "probe_success", typ: "gauge", help: "Whether the blackbox probe succeeded."}
	for _, region := range []struct {
		name string
		down []interval
	}{
		{"eu-west", []interval{span("2026-10-21T02:10:00Z", "5m")}},
		{"us-east", []interval{span("2026-10-20T13:05:00Z", "5m")}},
		{"us-west", []interval{span("2026-10-24T08:15:00Z", "5m")}},
	} {
		probes.series = append(probes.series, sampled("probe_success", target+`,region="`+region.name+`"`,
			probed, func(t time.Time) string {
				if inAny(t, region.down) {
					return "0"
				}
				return "1"
			}))
	}

	return []*family{requests, latency, probes}
}

// ---------------------------------------------------------------------------
// managed-support (UTC)

// incident is a P1 or P2 incident of the support desk.
type incident struct {
	id       string
	priority string
	opened   string // RFC 3339
	ack      int    // minutes to acknowledge
	resolve  string // duration from opening to resolution
}

// withinTarget says whether the incident was resolved within the target of
// its priority: P1 4h, P2 8h.
func (i incident) withinTarget() bool {
	d := mustDuration(i.resolve)
	if i.priority == "P1" {
		return d <= 4*time.Hour
	}
	return d <= 8*time.Hour
}

func managedSupport() []*family {
	incidents := supportIncidents()

	// Acknowledgement times: one series per incident, from its
	// acknowledgement to its resolution, every 15 minutes.
	ack := &family{name: "incident_ack_minutes", typ: "gauge", help: "Minutes taken to acknowledge an open incident."}
	for _, in := range incidents {
		opened := mustTime(in.opened)
		acked := opened.Add(time.Duration(in.ack) * time.Minute)
		resolved := opened.Add(mustDuration(in.resolve))
		first := ceil(acked, 15*time.Minute)
		var pts []point
		for t := first; !t.After(resolved) || t.Equal(first); t = t.Add(15 * time.Minute) {
			if t.After(end) {
				break
			}
			pts = append(pts, point{t.Unix(), strconv.Itoa(in.ack)})
		}
		ack.series = append(ack.series, &series{"incident_ack_minutes", `{priority="` + in.priority + `",incident="` + in.id + `"}`, pts})
	}

	// Resolutions, counted every hour.
	resolved := &family{name: "incidents_resolved", typ: "counter", help: "Incidents resolved."}
	inTarget := &family{name: "incidents_resolved_within_target", typ: "counter", help: "Incidents resolved within their target time (P1 4h, P2 8h)."}
	for _, p := range []struct {
		priority        string
		total, inTarget int64
	}{{"P1", 41, 38}, {"P2", 236, 229}} {
		var all, good []time.Time
		for _, in := range incidents {
			if in.priority != p.priority {
				continue
			}
			t := mustTime(in.opened).Add(mustDuration(in.resolve))
			all = append(all, t)
			if in.withinTarget() {
				good = append(good, t)
			}
		}
		from := mustTime("2026-09-30T00:00:00Z")
		resolved.series = append(resolved.series, events("incidents_resolved_total", `priority="`+p.priority+`"`, from, time.Hour, p.total, all))
		inTarget.series = append(inTarget.series, events("incidents_resolved_within_target_total", `priority="`+p.priority+`"`, from, time.Hour, p.inTarget, good))
	}

	// First responses to P3 and P4 tickets, every 3 hours: p90 about 2.4 h.
	firstResponse := &family{name: "ticket_first_response_seconds", typ: "histogram", help: "Time to first response on service desk tickets."}
	// The P3 series draw all their numbers before the P4 ones: the tickets
	// after At draw from a generator of their own, so that extending the
	// history changed nothing before At.
	r, late := newRNG(31), newRNG(34)
	for _, p := range []struct {
		priority string
		perDay   int64
		cdf      []int64
		start    int64
	}{
		{"P3", 48, []int64{300_000, 500_000, 740_000, 900_000, 995_000, 999_000}, 10_942},
		{"P4", 30, []int64{150_000, 330_000, 600_000, 840_000, 985_000, 998_000}, 6_817},
	} {
		firstResponse.series = append(firstResponse.series, tickets(r, late, p.priority, p.perDay, p.cdf, p.start)...)
	}

	// The ticket portal over the whole year (from 1 January, every 6
	// hours): 0.06% of errors and a 12-hour outage on 9 June.
	portal := &family{name: "http_requests", typ: "counter", help: "HTTP requests answered by the ticket portal, by status code."}
	portal.series = traffic(trafficSpec{
		rng:    newRNG(32),
		from:   mustTime("2025-12-31T18:00:00Z"),
		step:   6 * time.Hour,
		perSec: 3,
		tz:     utc,
		name:   "http_requests_total",
		labels: `job="ticket-portal"`,
		codes:  []string{"200", "500"},
		start:  []int64{220_734_112, 151_208},
		shares: func(t time.Time) []int64 {
			return []int64{600 + ppmIn(t, span("2026-06-09T06:00:00Z", "12h"), 250_000)}
		},
	})

	// On-call engineers, every 15 minutes: three on weekdays from 08:00 to
	// 18:00 UTC, two otherwise, one for a quarter of an hour on 17 and 31
	// October.
	oncall := &family{name: "oncall_engineers_available", typ: "gauge", help: "Engineers on call and reachable."}
	short := []interval{span("2026-10-17T03:00:00Z", "15m"), span("2026-09-30T04:00:00Z", "30m"), span("2026-10-31T02:00:00Z", "15m")}
	oncall.series = []*series{gauge("oncall_engineers_available", `team="harbor-sre"`, mustTime("2026-09-30T00:00:00Z"), 15*time.Minute,
		func(t time.Time) string {
			// The sample at t covers the quarter-hour before it.
			mid := t.Add(-time.Minute)
			switch {
			case inAny(mid, short):
				return "1"
			case mid.Weekday() != time.Saturday && mid.Weekday() != time.Sunday && mid.Hour() >= 8 && mid.Hour() < 18:
				return "3"
			}
			return "2"
		})}

	// Restore tests, every 6 hours: three on production in the last 90
	// days, and monthly ones on staging, which do not count.
	restores := &family{name: "backup_restore_tests_succeeded", typ: "counter", help: "Successful etcd restore tests."}
	from := mustTime("2026-07-20T00:00:00Z")
	restores.series = []*series{
		events("backup_restore_tests_succeeded_total", `cluster="prod-eu-1"`, from, 6*time.Hour, 7, times("2026-08-12T10:00:00Z", "2026-10-07T10:00:00Z")),
		events("backup_restore_tests_succeeded_total", `cluster="prod-eu-2"`, from, 6*time.Hour, 6, times("2026-09-15T10:00:00Z")),
		events("backup_restore_tests_succeeded_total", `cluster="staging-eu-1"`, from, 6*time.Hour, 19,
			times("2026-07-28T09:00:00Z", "2026-08-25T09:00:00Z", "2026-09-22T09:00:00Z", "2026-10-20T09:00:00Z")),
	}

	// Age of the oldest unapplied critical patch, every hour: the critical
	// CVE released on 2 October 12:00 UTC is applied on prod-eu-1 after 7
	// days, on prod-eu-2 only after 19 (staging does not count); the one of
	// 27 October within two days on both.
	patches := &family{name: "node_unpatched_critical_cve_age_days", typ: "gauge", help: "Age in days of the oldest critical security patch not yet applied on a node."}
	cves := []string{"2026-09-24T12:00:00Z", "2026-10-02T12:00:00Z", "2026-10-27T12:00:00Z"} // released
	for _, c := range []struct {
		cluster string
		applied []string // each of cves
	}{
		{"prod-eu-1", []string{"2026-09-26T12:00:00Z", "2026-10-09T12:00:00Z", "2026-10-28T12:00:00Z"}},
		{"prod-eu-2", []string{"2026-09-29T12:00:00Z", "2026-10-21T12:30:00Z", "2026-10-29T10:00:00Z"}},
		{"staging-eu-1", []string{"2026-10-01T12:00:00Z", "2026-12-31T00:00:00Z", "2026-10-30T12:00:00Z"}},
	} {
		patches.series = append(patches.series, gauge("node_unpatched_critical_cve_age_days", `cluster="`+c.cluster+`"`,
			mustTime("2026-09-30T00:00:00Z"), time.Hour, func(t time.Time) string {
				var oldest time.Duration
				for i, cve := range cves {
					released, applied := mustTime(cve), mustTime(c.applied[i])
					if !t.Before(released) && t.Before(applied) {
						oldest = max(oldest, t.Sub(released))
					}
				}
				return fixed(int64(oldest/time.Hour)*100/24, 2) // days, to the hundredth
			}))
	}

	// Approval times of change requests, one series per change for a day
	// after its decision: the customer's slowest in the 30 days before At,
	// and in the 30 days before the end of October, took 30 hours (a
	// 70-hour one in August is older; the provider's own approvals do not
	// count).
	approvals := &family{name: "change_request_approval_hours", typ: "gauge", help: "Hours taken to approve or reject a change request."}
	for _, c := range []struct {
		id, approver, decided string
		hours                 int
	}{
		{"CHG-1180", "customer", "2026-08-20T16:00:00Z", 70},
		{"CHG-1207", "customer", "2026-09-28T10:00:00Z", 4},
		{"CHG-1211", "provider", "2026-10-02T15:00:00Z", 60},
		{"CHG-1215", "customer", "2026-10-06T09:00:00Z", 12},
		{"CHG-1222", "customer", "2026-10-13T17:00:00Z", 30},
		{"CHG-1230", "customer", "2026-10-20T11:00:00Z", 18},
		{"CHG-1238", "customer", "2026-10-27T15:00:00Z", 9},
	} {
		decided := mustTime(c.decided)
		var pts []point
		for t := decided; t.Before(decided.Add(24*time.Hour)) && !t.After(end); t = t.Add(time.Hour) {
			pts = append(pts, point{t.Unix(), strconv.Itoa(c.hours)})
		}
		approvals.series = append(approvals.series, &series{"change_request_approval_hours",
			`{approver="` + c.approver + `",change="` + c.id + `"}`, pts})
	}

	// The ITSM exporter that publishes the incidents is scraped every 15
	// minutes: the acknowledgement SLOs take their coverage from it, since
	// a day without an incident has no acknowledgement sample at all.
	exporter := &family{name: "up", typ: "gauge", help: "Whether the ITSM exporter answered its scrape."}
	exporter.series = []*series{gauge("up", `job="itsm-exporter"`, mustTime("2026-09-30T00:00:00Z"), 15*time.Minute,
		func(time.Time) string { return "1" })}

	return []*family{ack, resolved, inTarget, firstResponse, portal, oncall, restores, patches, approvals, exporter}
}

// supportIncidents are the P1 and P2 incidents from 29 September to End.
// By At, October has 5 P1 and 25 P2 resolved, of which one P1 missed its
// 4-hour target: resolution is 29 of 30, 96.67%. The P1 of 22 October took
// 22 minutes to acknowledge: that day's p1-acknowledgement fails. The P2
// of 30 September took 75 minutes, but in September. After At come a P1
// on 28 October, acknowledged in 13 minutes (that day warns), and 10 P2,
// one of which misses its 8-hour target: October ends with 39 of 41.
func supportIncidents() []incident {
	list := []incident{
		{"", "P2", "2026-09-29T13:20:00Z", 18, "3h"},
		{"", "P2", "2026-09-30T10:00:00Z", 75, "4h"},
		{"", "P1", "2026-10-03T02:40:00Z", 9, "2h30m"},
		{"", "P1", "2026-10-08T14:05:00Z", 11, "3h"},
		{"", "P1", "2026-10-12T21:30:00Z", 6, "5h10m"},
		{"", "P1", "2026-10-17T09:15:00Z", 8, "1h30m"},
		{"", "P1", "2026-10-22T03:12:00Z", 22, "3h20m"},
		{"", "P1", "2026-10-28T02:50:00Z", 13, "2h40m"},
	}
	// 25 P2 incidents in October, about one a day, acknowledged within 41
	// minutes and resolved within 8 hours.
	r := newRNG(33)
	start := mustTime("2026-10-01T06:00:00Z")
	for i := range 25 {
		opened := start.Add(time.Duration(i)*20*time.Hour + time.Duration(r.between(0, 600))*time.Minute)
		ack := int(r.between(8, 38))
		if i == 16 {
			ack = 41
		}
		list = append(list, incident{
			priority: "P2",
			opened:   opened.Format(time.RFC3339),
			ack:      ack,
			resolve:  fmt.Sprintf("%dm", r.between(60, 450)),
		})
	}
	// 10 more from the afternoon of 22 October, all resolved in October;
	// the one of 29 October took 9 hours 20 minutes.
	start = mustTime("2026-10-22T14:00:00Z")
	for i := range 10 {
		opened := start.Add(time.Duration(i)*22*time.Hour + time.Duration(r.between(0, 300))*time.Minute)
		ack := int(r.between(8, 38))
		resolve := fmt.Sprintf("%dm", r.between(60, 450))
		if i == 7 {
			resolve = "9h20m"
		}
		list = append(list, incident{priority: "P2", opened: opened.Format(time.RFC3339), ack: ack, resolve: resolve})
	}
	// Numbered in the order they were opened (RFC 3339 in UTC sorts).
	slices.SortStableFunc(list, func(a, b incident) int { return strings.Compare(a.opened, b.opened) })
	for i := range list {
		list[i].id = fmt.Sprintf("INC-%d", 3390+i)
	}
	return list
}

// tickets makes the histogram series of the first responses to the tickets
// of one priority, every 3 hours from 30 September: perDay tickets on a
// weekday (a third of it at weekends), each drawn from cdf (cumulative
// parts per million at 900, 1800, 3600, 7200, 14400 and 28800 seconds),
// with r until At and late after it.
func tickets(r, late *rng, priority string, perDay int64, cdf []int64, start int64) []*series {
	les := []string{"900", "1800", "3600", "7200", "14400", "28800", "+Inf"}
	out := make([]*series, len(les))
	counts := make([]int64, len(les))
	for i, le := range les {
		out[i] = &series{"ticket_first_response_seconds_bucket", `{queue="service-desk",priority="` + priority + `",le="` + le + `"}`, nil}
		counts[i] = start
		if i < len(cdf) {
			counts[i] = start * cdf[i] / 1_000_000
		}
	}
	step := 3 * time.Hour
	for t := mustTime("2026-09-30T00:00:00Z"); !t.After(end); t = t.Add(step) {
		mid := t.Add(-step / 2)
		n := perDay / 8
		if mid.Weekday() == time.Saturday || mid.Weekday() == time.Sunday {
			n = perDay / 24
		}
		r := r
		if t.After(at) {
			r = late
		}
		n += r.between(-n/3, n/3)
		for range n {
			x := r.between(0, 999_999)
			for i := range les {
				if i == len(les)-1 || x < cdf[i] {
					counts[i]++
				}
			}
		}
		for i := range les {
			out[i].points = append(out[i].points, point{t.Unix(), strconv.FormatInt(counts[i], 10)})
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Series builders

// trafficSpec describes request counters split by status code.
type trafficSpec struct {
	rng    *rng
	from   time.Time
	step   time.Duration
	perSec int64 // requests per second on average over a day
	tz     zone  // the local time that shapes the day
	name   string
	labels string
	codes  []string
	start  []int64 // the counters at from
	// shares gives, for the step that ends at t, the parts per million of
	// the requests answered with each code but the first, which takes the
	// rest.
	shares func(t time.Time) []int64
}

// traffic makes one counter per code from spec.from to End, every step.
func traffic(spec trafficSpec) []*series {
	out := make([]*series, len(spec.codes))
	counts := make([]int64, len(spec.codes))
	carry := make([]int64, len(spec.codes))
	for i, code := range spec.codes {
		out[i] = &series{spec.name, "{" + spec.labels + `,code="` + code + `"}`, nil}
		counts[i] = spec.start[i]
	}
	for t := spec.from; !t.After(end); t = t.Add(spec.step) {
		if !t.Equal(spec.from) {
			n := requestsIn(spec.rng, t, spec.step, spec.perSec, spec.tz)
			rest := n
			for i, ppm := range spec.shares(t) {
				carry[i+1] += n * ppm
				k := carry[i+1] / 1_000_000
				carry[i+1] %= 1_000_000
				k = min(k, rest)
				counts[i+1] += k
				rest -= k
			}
			counts[0] += rest
		}
		for i := range out {
			out[i].points = append(out[i].points, point{t.Unix(), strconv.FormatInt(counts[i], 10)})
		}
	}
	return out
}

// histogramSpec describes the buckets of a latency histogram.
type histogramSpec struct {
	rng    *rng
	from   time.Time
	step   time.Duration
	perSec int64
	tz     zone
	name   string
	labels string
	les    []string // the last is +Inf
	start  []int64  // the buckets at from
	// cdf gives, for the step that ends at t, the parts per million of the
	// requests in each bucket but +Inf; it must not decrease.
	cdf func(t time.Time) []int64
}

// histogram makes the cumulative buckets from spec.from to End, every step.
func histogram(spec histogramSpec) []*series {
	out := make([]*series, len(spec.les))
	// The buckets are kept in millionths of a request, so that every bucket
	// stays at or above the one before it.
	micro := make([]int64, len(spec.les))
	for i, le := range spec.les {
		out[i] = &series{spec.name, "{" + spec.labels + `,le="` + le + `"}`, nil}
		micro[i] = spec.start[i] * 1_000_000
	}
	for t := spec.from; !t.After(end); t = t.Add(spec.step) {
		if !t.Equal(spec.from) {
			n := requestsIn(spec.rng, t, spec.step, spec.perSec, spec.tz)
			cdf := append(spec.cdf(t), 1_000_000)
			for i := range micro {
				micro[i] += n * cdf[i]
			}
		}
		for i := range out {
			out[i].points = append(out[i].points, point{t.Unix(), strconv.FormatInt(micro[i]/1_000_000, 10)})
		}
	}
	return out
}

// daily is the traffic of each local hour of the day, in thousandths of
// the day's average.
var daily = [24]int64{560, 480, 440, 430, 460, 560, 720, 900, 1080, 1220, 1300, 1340, 1360, 1370, 1380, 1370, 1330, 1260, 1180, 1080, 960, 840, 720, 620}

// requestsIn is the number of requests in the step that ends at t.
func requestsIn(r *rng, t time.Time, step time.Duration, perSec int64, tz zone) int64 {
	mid := t.Add(-step / 2)
	mid = mid.Add(time.Duration(tz(mid)) * time.Hour)
	n := perSec * int64(step/time.Second) * daily[mid.Hour()] / 1000
	return n + n*r.between(-30, 30)/1000 // ±3%
}

// gauge samples f from from to End, every step.
func gauge(name, labels string, from time.Time, step time.Duration, f func(time.Time) string) *series {
	var times []time.Time
	for t := from; !t.After(end); t = t.Add(step) {
		times = append(times, t)
	}
	return sampled(name, labels, times, f)
}

// sampled samples f at each of times.
func sampled(name, labels string, times []time.Time, f func(time.Time) string) *series {
	s := &series{name, "{" + labels + "}", nil}
	for _, t := range times {
		s.points = append(s.points, point{t.Unix(), f(t)})
	}
	return s
}

// events makes a counter that starts at base and goes up by one at each of
// times, sampled from from to End, every step.
func events(name, labels string, from time.Time, step time.Duration, base int64, times []time.Time) *series {
	s := &series{name, "{" + labels + "}", nil}
	for t := from; !t.After(end); t = t.Add(step) {
		n := base
		for _, e := range times {
			if !e.After(t) && !e.Before(from) {
				n++
			}
		}
		s.points = append(s.points, point{t.Unix(), strconv.FormatInt(n, 10)})
	}
	return s
}

// ---------------------------------------------------------------------------
// OpenMetrics

// family is a metric family: its samples are written together, under its
// HELP and TYPE, series after series.
type family struct {
	name, typ, help string
	series          []*series
}

// series is the samples of one series, in time order.
type series struct {
	name   string // the sample's metric name, e.g. http_requests_total
	labels string // the label set as written, braces included
	points []point
}

type point struct {
	t int64  // unix seconds
	v string // the value as written
}

func writeOpenMetrics(path string, families []*family) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	for _, fam := range families {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", fam.name, fam.help, fam.name, fam.typ)
		for _, s := range fam.series {
			prefix := s.name + s.labels + " "
			for _, p := range s.points {
				w.WriteString(prefix)
				w.WriteString(p.v)
				w.WriteByte(' ')
				w.WriteString(strconv.FormatInt(p.t, 10))
				w.WriteByte('\n')
			}
		}
	}
	w.WriteString("# EOF\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ---------------------------------------------------------------------------
// Time and numbers

// zone gives the hours from UTC of a local time at an instant. The
// offsets are written out rather than read from the time zone database, so
// that the files do not depend on the database of the machine.
type zone func(time.Time) int

// paris is Europe/Paris from the spring of 2026 on: summer time ends on 25
// October 2026 at 01:00 UTC (03:00 summer time becomes 02:00 again).
func paris(t time.Time) int {
	if t.Before(mustTime("2026-10-25T01:00:00Z")) {
		return 2
	}
	return 1
}

// newYork is America/New_York from the spring of 2026 on: summer time ends
// on 1 November 2026 at 06:00 UTC, when the history ends.
func newYork(t time.Time) int {
	if t.Before(mustTime("2026-11-01T06:00:00Z")) {
		return -4
	}
	return -5
}

func utc(time.Time) int { return 0 }

// interval is the span of time [from, to).
type interval struct{ from, to time.Time }

func span(from, length string) interval {
	t := mustTime(from)
	return interval{t, t.Add(mustDuration(length))}
}

// inAny says whether the instant t falls in one of list.
func inAny(t time.Time, list []interval) bool {
	for _, x := range list {
		if !t.Before(x.from) && t.Before(x.to) {
			return true
		}
	}
	return false
}

// endsIn says whether the step that ends at t, (t-step, t], lies in one of
// list: whether t is in (from, to] of one (steps never straddle the bounds).
func endsIn(t time.Time, list []interval) bool {
	for _, x := range list {
		if t.After(x.from) && !t.After(x.to) {
			return true
		}
	}
	return false
}

// ppmIn is ppm when the step that ends at t lies in x, else 0.
func ppmIn(t time.Time, x interval, ppm int64) int64 {
	if endsIn(t, []interval{x}) {
		return ppm
	}
	return 0
}

func times(list ...string) []time.Time {
	out := make([]time.Time, len(list))
	for i, s := range list {
		out[i] = mustTime(s)
	}
	return out
}

func ceil(t time.Time, d time.Duration) time.Time {
	if u := t.Truncate(d); !u.Equal(t) {
		return u.Add(d)
	}
	return t
}

// fixed writes n/10^places with that many decimals, without trailing zeros.
func fixed(n int64, places int) string {
	s := strconv.FormatInt(n, 10)
	for len(s) <= places {
		s = "0" + s
	}
	s = s[:len(s)-places] + "." + s[len(s)-places:]
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// rng is SplitMix64: small, and the same numbers everywhere, whatever the
// Go version.
type rng struct{ s uint64 }

func newRNG(seed uint64) *rng { return &rng{seed} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int64) int64 {
	return lo + int64(r.next()%uint64(hi-lo+1))
}

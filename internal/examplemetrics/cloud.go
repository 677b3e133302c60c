package examplemetrics

import (
	"strconv"
	"time"
)

// The agreements in examples/cloud are public SLAs as the large providers
// write them: object storage (an average of 5-minute error rates), compute
// (minutes down, counted only in runs of five) and functions (minutes down,
// counted only with 100 executions or more). All three are in UTC. Their
// histories, like the others, are designed for At and go on until End;
// examples/metrics/README.md gives the figures.

// CloudFiles are the names of the files of the cloud agreements, in the
// order Write writes them (after Files).
var CloudFiles = []string{"object-storage.om", "compute.om", "functions.om"}

// cloudFamilies are the families of each file of CloudFiles.
func cloudFamilies() [][]*family {
	return [][]*family{objectStorage(), compute(), functions()}
}

// cloudFrom is where the cloud histories start: a day before October, so
// that every window of October has its data from its first minute.
var cloudFrom = mustTime("2026-09-30T00:00:00Z")

// ---------------------------------------------------------------------------
// object-storage

// StorageErrors are the shares of requests to the bucket answered with a
// server error (in parts per million), in the spans they last. Before At:
// three hours of 2% on 6 October, which the average counts as 0.72 of an
// interval where a count of good intervals would count 36 bad ones, and 20
// minutes of 100% on 15 October. After At: 30 minutes of 100% and an hour
// of 50% on 27 October, which make October fail.
var storageErrors = []struct {
	span interval
	ppm  int64
}{
	{span("2026-10-06T14:00:00Z", "3h"), 20_000},
	{span("2026-10-15T09:20:00Z", "20m"), 1_000_000},
	{span("2026-10-27T16:00:00Z", "30m"), 1_000_000},
	{span("2026-10-27T16:30:00Z", "1h"), 500_000},
}

// objectStorage is the request counter of the bucket globex-invoices, by
// status code, every 150 seconds: two samples in each 5-minute interval.
// Both halves of an interval carry the same requests and errors, so that
// increase() over the interval, which extrapolates from its two samples,
// counts exactly the interval's requests. The bucket is idle from 02:00 to
// 04:00 UTC every night: those intervals have no requests at all.
func objectStorage() []*family {
	const step = 150 * time.Second
	r := newRNG(41)
	ok := &series{"storage_requests_total", `{bucket="globex-invoices",code="200"}`, nil}
	failed := &series{"storage_requests_total", `{bucket="globex-invoices",code="503"}`, nil}
	good, bad := int64(48_113_902), int64(2_208)
	var half [2]int64 // the requests and errors of each half of the interval
	for t := cloudFrom; !t.After(end); t = t.Add(step) {
		if !t.Equal(cloudFrom) {
			// The step ends the first half of an interval when the interval
			// ends one step later.
			if t.Add(step).Unix()%300 == 0 {
				n := storageRequests(r, t.Add(step))
				e := n * storagePPM(t.Add(step)) / 1_000_000
				half = [2]int64{n, e}
			}
			good += half[0] - half[1]
			bad += half[1]
		}
		ok.points = append(ok.points, point{t.Unix(), strconv.FormatInt(good, 10)})
		failed.points = append(failed.points, point{t.Unix(), strconv.FormatInt(bad, 10)})
	}
	return []*family{{name: "storage_requests", typ: "counter", help: "Requests to the bucket, by status code.", series: []*series{ok, failed}}}
}

// storageRequests is the number of requests in each half of the 5-minute
// interval that ends at t: about 4 a second at the busiest hour of the day,
// none from 02:00 to 04:00.
func storageRequests(r *rng, t time.Time) int64 {
	h := t.Add(-time.Minute).Hour()
	if h == 2 || h == 3 {
		return 0
	}
	n := 450 * daily[h] / 1000
	return n + n*r.between(-30, 30)/1000
}

// storagePPM is the share of errors in the interval that ends at t.
func storagePPM(t time.Time) int64 {
	for _, x := range storageErrors {
		if endsIn(t, []interval{x.span}) {
			return x.ppm
		}
	}
	return 0
}

// ---------------------------------------------------------------------------
// compute

// computeDown are the minutes in which connectivity checks fail, for the
// region (every zone) and for the instance billing-1. Runs shorter than
// five minutes are forgiven by the SLA: every run of the region before At
// is one, and so is the run of the instance across the start of October,
// which October cuts to three minutes. The region is down 12 minutes on 29
// October, the instance 25 minutes on 9 October and 190 on 30 October.
var computeDown = map[string][]interval{
	"region": {
		span("2026-10-05T03:12:00Z", "3m"),
		span("2026-10-12T16:40:00Z", "4m"),
		span("2026-10-19T11:05:00Z", "2m"),
		span("2026-10-29T10:14:00Z", "12m"),
	},
	"instance": {
		span("2026-09-30T23:57:00Z", "6m"),
		span("2026-10-05T03:12:00Z", "3m"),
		span("2026-10-09T02:00:00Z", "25m"),
		span("2026-10-16T08:00:00Z", "4m"),
		span("2026-10-29T10:14:00Z", "12m"),
		span("2026-10-30T20:40:00Z", "3h10m"),
	},
}

// compute is the share of failed connectivity checks of each minute, a
// sample at the end of the minute, as a recording rule writes it: at most
// 0.4% in a minute that is up, 35% to 100% in a minute that is down.
func compute() []*family {
	region := &family{name: "region_error_ratio", typ: "gauge", help: "Share of failed connectivity checks to the instances of every zone, over the last minute."}
	instance := &family{name: "instance_error_ratio", typ: "gauge", help: "Share of failed connectivity checks to the instance, over the last minute."}
	for _, c := range []struct {
		f      *family
		labels string
		down   []interval
		rng    *rng
	}{
		{region, `region="europe-west1"`, computeDown["region"], newRNG(51)},
		{instance, `instance="billing-1"`, computeDown["instance"], newRNG(52)},
	} {
		c.f.series = []*series{gauge(c.f.name, c.labels, cloudFrom, time.Minute, func(t time.Time) string {
			if endsIn(t, c.down) {
				return fixed(c.rng.between(350, 1000), 3)
			}
			if c.rng.between(0, 9) == 0 {
				return fixed(c.rng.between(1, 40), 4)
			}
			return "0"
		})}
	}
	return []*family{region, instance}
}

// ---------------------------------------------------------------------------
// functions

// functionErrors are the shares of executions that fail, in parts per
// million. Down minutes (more than 10% with 100 executions or more): 12 on
// 8 October, 20 on 26 October. Not down: the hour of 30% errors on the
// night of 14 October has fewer than 100 executions a minute, and the 6%
// of 20 October stay under 10%.
var functionErrors = []struct {
	span interval
	ppm  int64
}{
	{span("2026-10-08T14:00:00Z", "12m"), 400_000},
	{span("2026-10-14T02:00:00Z", "1h"), 300_000},
	{span("2026-10-20T10:00:00Z", "30m"), 60_000},
	{span("2026-10-26T15:00:00Z", "20m"), 550_000},
}

// functions is the number of executions of the function that ended in each
// minute, by status, a sample at the end of the minute (the platform
// exports them as deltas): about 300 a minute in the afternoon, fewer than
// 100 from 01:00 to 05:00 UTC. Errors are 0.2% otherwise.
func functions() []*family {
	r := newRNG(61)
	ok := &series{"function_executions", `{function="thumbnail",status="ok"}`, nil}
	failed := &series{"function_executions", `{function="thumbnail",status="error"}`, nil}
	for t := cloudFrom; !t.After(end); t = t.Add(time.Minute) {
		n := 200 * daily[t.Add(-time.Minute).Hour()] / 1000
		n += n * r.between(-30, 30) / 1000
		ppm := int64(2_000)
		for _, x := range functionErrors {
			if endsIn(t, []interval{x.span}) {
				ppm = x.ppm
			}
		}
		// Rounded at random, so that 0.2% of a hundred is now and then one.
		e := (n*ppm + r.between(0, 999_999)) / 1_000_000
		ok.points = append(ok.points, point{t.Unix(), strconv.FormatInt(n-e, 10)})
		failed.points = append(failed.points, point{t.Unix(), strconv.FormatInt(e, 10)})
	}
	return []*family{{name: "function_executions", typ: "gauge", help: "Executions of the function that ended in the last minute, by status.", series: []*series{ok, failed}}}
}

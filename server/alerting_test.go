package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/evaluator"
)

// The series the generated alerts read: whether an exclusion is on, on
// the agreement's wall clock at the moment of the scrape; the status of
// each responsibility, with its party; and when the review is due.
func TestTheSeriesAlertsReadAreExported(t *testing.T) {
	set := examples(t)
	for _, c := range []struct {
		at       string
		on, off  []string
		whatTime string
	}{
		// Sunday 18 October 2026, 03:30 in Paris: the weekly maintenance.
		{"2026-10-18T01:30:00Z",
			[]string{`exclusion="weekly-maintenance",slo="availability"} 1`, `exclusion="weekly-maintenance",slo="uptime"} 1`},
			[]string{`exclusion="datacenter-move",slo="availability"} 1`}, "within the Sunday maintenance"},
		// The maintenance is from 02:00 to 04:00 in Paris, not in UTC.
		{"2026-10-18T00:30:00Z", []string{`exclusion="weekly-maintenance",slo="availability"} 1`},
			nil, "02:30 in Paris, 00:30 in UTC"},
		{"2026-10-18T02:30:00Z", []string{`exclusion="weekly-maintenance",slo="availability"} 0`},
			nil, "04:30 in Paris, 02:30 in UTC"},
		{"2026-11-15T02:00:00Z",
			[]string{`exclusion="datacenter-move",slo="availability"} 1`}, nil, "during the data centre move"},
		{"2026-11-16T02:00:00Z", []string{`exclusion="datacenter-move",slo="availability"} 0`, `exclusion="weekly-maintenance",slo="uptime"} 0`},
			nil, "on a Monday"},
	} {
		at, _ := time.Parse(time.RFC3339, c.at)
		srv := New(Config{Set: set, Now: func() time.Time { return at }})
		body := scrape(t, srv)
		for _, want := range c.on {
			if !strings.Contains(body, `entente_exclusion_active{agreement="payments-hosting",`+want) {
				t.Errorf("%s (%s): /metrics lacks %s", c.at, c.whatTime, want)
			}
		}
		for _, not := range c.off {
			if strings.Contains(body, `entente_exclusion_active{agreement="payments-hosting",`+not) {
				t.Errorf("%s (%s): /metrics has %s", c.at, c.whatTime, not)
			}
		}
		if strings.Contains(body, `entente_exclusion_active{agreement="payments-hosting",exclusion="weekly-maintenance",slo="latency"}`) {
			t.Error("a value SLO is excluded")
		}
	}

	srv := exampleServer(t)
	srv.Run(context.Background())
	body := scrape(t, srv)
	for _, want := range []string{
		`entente_responsibility_status{agreement="geo-api",party="customer",responsibility="ip-allowlist",status="breached"} 1`,
		`entente_responsibility_status{agreement="geo-api",party="customer",responsibility="ip-allowlist",status="met"} 0`,
		`entente_review_due_timestamp_seconds{agreement="geo-api"} `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// family reads the series of one metric family from a scrape of
// /metrics: the value of each series, keyed by its labels written as
// name="value" pairs in order, joined by commas.
func family(t *testing.T, body, name string) map[string]float64 {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	out := map[string]float64{}
	f, ok := families[name]
	if !ok {
		return out
	}
	for _, m := range f.GetMetric() {
		var labels []string
		for _, l := range m.GetLabel() {
			labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
		}
		slices.Sort(labels)
		out[strings.Join(labels, ",")] = m.GetGauge().GetValue()
	}
	return out
}

// exclusionsAround is an agreement whose fixed exclusions are placed
// around now: one on, one over, one to come; its cron exclusion is on
// from 22:00 to midnight in New York. effective is the agreement's.
func exclusionsAround(name string, now time.Time, effective time.Time, review string) string {
	at := func(d time.Duration) string { return now.Add(d).UTC().Format(time.RFC3339) }
	return fmt.Sprintf(`agreement %q {
  title     = "Shop"
  version   = "1.0.0"
  effective = %q
  time_zone = "America/New_York"
  party "customer" {
    name = "Globex"
  }
  indicator "errors" {
    ratio {
      bad   = "sum(increase(errors_total[${window}]))"
      total = "sum(increase(requests_total[${window}]))"
    }
  }
  indicator "latency" {
    value = "max(max_over_time(latency_seconds[${window}]))"
    unit  = "s"
  }
  indicator "up" {
    value = "avg(avg_over_time(up[${window}]))"
  }
  slo "availability" {
    indicator = indicator.errors
    objective = 99
    window    = "1d"
  }
  slo "latency" {
    indicator = indicator.latency
    max       = 0.5
    window    = "1d"
  }
  slo "uptime" {
    indicator = indicator.up
    objective = 50
    window    = "4h"
    timeslices {
      slice = "1h"
      min   = 0.9
    }
  }
  exclusion "migration" {
    from = %q
    to   = %q
  }
  exclusion "upgrade" {
    from = %q
    to   = %q
    slos = [slo.availability]
  }
  exclusion "move" {
    from = %q
    to   = %q
    slos = [slo.uptime]
  }
  exclusion "nightly" {
    cron     = "0 22 * * *"
    duration = "2h"
    slos     = [slo.availability]
  }
  %s
}
`, name, effective.UTC().Format(time.RFC3339), at(-time.Hour), at(time.Hour), at(24*time.Hour), at(25*time.Hour), at(-3*time.Hour), at(-2*time.Hour), review)
}

func compiled(t *testing.T, sources ...agreements.Source) *evaluator.Set {
	t.Helper()
	set, diags := agreements.Parse(sources...)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return prepare(t, set)
}

// entente_exclusion_active is computed at the time of the scrape, on the
// server's clock (the wall clock, unless serve replays history with
// --at): an exclusion on now gives 1 for each SLO it applies to, one over
// or to come 0; an inactive agreement exports it too; a value SLO has no
// series; and the series of an agreement reloaded away disappear.
func TestAnExclusionIsActiveExactlyWhileItIsOn(t *testing.T) {
	now := time.Now()
	set := compiled(t,
		agreements.Source{Name: "active.hcl", Bytes: []byte(exclusionsAround("active", now, now.Add(-30*24*time.Hour), ""))},
		agreements.Source{Name: "later.hcl", Bytes: []byte(exclusionsAround("later", now, now.Add(30*24*time.Hour), ""))},
	)
	srv := New(Config{Set: set})
	got := family(t, scrape(t, srv), "entente_exclusion_active")
	for _, agreement := range []string{"active", "later"} {
		for _, c := range []struct {
			exclusion, slo string
			want           float64
		}{
			// No slos: every ratio and timeslice SLO, not the value one.
			{"migration", "availability", 1},
			{"migration", "uptime", 1},
			{"upgrade", "availability", 0},
			{"move", "uptime", 0},
		} {
			key := fmt.Sprintf(`agreement=%q,exclusion=%q,slo=%q`, agreement, c.exclusion, c.slo)
			if v, ok := got[key]; !ok || v != c.want {
				t.Errorf("entente_exclusion_active{%s} = %v (present: %t), want %v", key, v, ok, c.want)
			}
		}
		for key := range got {
			if strings.Contains(key, `slo="latency"`) {
				t.Errorf("a value SLO is excluded: %s", key)
			}
		}
	}
	if len(got) != 2*5 {
		t.Errorf("%d series, want 5 per agreement (migration twice, upgrade, move, nightly): %v", len(got), got)
	}

	// The series follow the set served: a reload without "later" drops
	// its series at once.
	srv.Swap(compiled(t, agreements.Source{Name: "active.hcl", Bytes: []byte(exclusionsAround("active", now, now.Add(-30*24*time.Hour), ""))}))
	for key := range family(t, scrape(t, srv), "entente_exclusion_active") {
		if strings.Contains(key, `agreement="later"`) {
			t.Errorf("after the reload, /metrics still has the removed agreement's %s", key)
		}
	}
}

// A cron exclusion is on while an occurrence in the agreement's time zone
// lasts: 22:00 to midnight in New York is 02:00 to 04:00 in UTC in summer,
// 03:00 to 05:00 in winter.
func TestACronExclusionIsOnOnTheAgreementsWallClock(t *testing.T) {
	now, _ := time.Parse(time.RFC3339, "2026-07-01T12:00:00Z")
	set := compiled(t, agreements.Source{Name: "a.hcl", Bytes: []byte(exclusionsAround("shop", now, now.Add(-30*24*time.Hour), ""))})
	key := `agreement="shop",exclusion="nightly",slo="availability"`
	for _, c := range []struct {
		at   string
		want float64
	}{
		{"2026-07-02T01:59:59Z", 0}, // 21:59:59 EDT
		{"2026-07-02T02:00:00Z", 1}, // 22:00 EDT
		{"2026-07-02T03:30:00Z", 1}, // 23:30 EDT
		{"2026-07-02T04:00:00Z", 0}, // midnight EDT: over
		{"2026-12-02T02:30:00Z", 0}, // 21:30 EST
		{"2026-12-02T04:30:00Z", 1}, // 23:30 EST
	} {
		at, _ := time.Parse(time.RFC3339, c.at)
		srv := New(Config{Set: set, Now: func() time.Time { return at }})
		if v, ok := family(t, scrape(t, srv), "entente_exclusion_active")[key]; !ok || v != c.want {
			t.Errorf("at %s: entente_exclusion_active{%s} = %v (present: %t), want %v", c.at, key, v, ok, c.want)
		}
	}
}

// Each responsibility has a series per status, with its party, and the one
// of its last verdict at 1; the review is due on the day last_reviewed +
// every gives, at its start in the agreement's time zone.
func TestResponsibilityStatusesAndReviewDueDates(t *testing.T) {
	srv := exampleServer(t)
	srv.Run(context.Background())
	body := scrape(t, srv)

	status := family(t, body, "entente_responsibility_status")
	ones := map[string]string{}
	count := map[string]int{}
	for key, v := range status {
		i := strings.Index(key, `,status=`)
		resp, st := key[:i], strings.Trim(key[i+len(`,status=`):], `"`)
		if !slices.Contains(respStatuses, st) {
			t.Errorf("a status no verdict gives: %s", key)
		}
		count[resp]++
		if v == 1 {
			ones[resp] = st
		}
	}
	for _, want := range []string{
		`agreement="geo-api",party="customer",responsibility="ip-allowlist"`,
		`agreement="payments-hosting",party="provider",responsibility="p1-acknowledgement"`,
		`agreement="payments-hosting",party="customer",responsibility="staging-access"`,
	} {
		if count[want] != len(respStatuses) {
			t.Errorf("%s has %d status series, want %d", want, count[want], len(respStatuses))
		}
		if ones[want] == "" {
			t.Errorf("%s has no status at 1", want)
		}
	}
	if ones[`agreement="geo-api",party="customer",responsibility="ip-allowlist"`] != "breached" {
		t.Errorf("ip-allowlist is %q, want breached", ones[`agreement="geo-api",party="customer",responsibility="ip-allowlist"`])
	}

	loaded, diags := agreements.Load("../examples/agreements")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	due := family(t, body, "entente_review_due_timestamp_seconds")
	for _, a := range loaded.Agreements {
		got, ok := due[fmt.Sprintf("agreement=%q", a.Name)]
		if !ok {
			t.Errorf("%s has no review due date", a.Name)
			continue
		}
		if want := a.Review.Due().Unix(); int64(got) != want {
			t.Errorf("%s's review is due at %v, want %d (%s)", a.Name, got, want, a.Review.Due())
		}
	}
	// The examples, by hand: a year after 2026-03-10 in New York (EST), a
	// year after 2026-01-15 in Paris (CET), 26 weeks after 2026-01-05 in UTC.
	for name, want := range map[string]string{
		"geo-api":          "2027-03-10T05:00:00Z",
		"payments-hosting": "2027-01-14T23:00:00Z",
		"managed-support":  "2026-07-06T00:00:00Z",
	} {
		w, _ := time.Parse(time.RFC3339, want)
		if got := due[fmt.Sprintf("agreement=%q", name)]; int64(got) != w.Unix() {
			t.Errorf("%s's review is due at %s, want %s", name, time.Unix(int64(got), 0).UTC().Format(time.RFC3339), want)
		}
	}
}

// An agreement without a review block has no review due date.
func TestNoReviewNoDueDate(t *testing.T) {
	now := time.Now()
	review := `review {
    every         = "1y"
    last_reviewed = "2026-01-15"
  }`
	set := compiled(t,
		agreements.Source{Name: "a.hcl", Bytes: []byte(exclusionsAround("reviewed", now, now.Add(-30*24*time.Hour), review))},
		agreements.Source{Name: "b.hcl", Bytes: []byte(exclusionsAround("unreviewed", now, now.Add(-30*24*time.Hour), ""))},
	)
	srv := New(Config{Set: set, Source: down{}})
	srv.Run(context.Background())
	due := family(t, scrape(t, srv), "entente_review_due_timestamp_seconds")
	ny, _ := time.LoadLocation("America/New_York")
	if got, want := due[`agreement="reviewed"`], time.Date(2027, 1, 15, 0, 0, 0, 0, ny).Unix(); int64(got) != want {
		t.Errorf("the reviewed agreement's review is due at %v, want %d", got, want)
	}
	if got, ok := due[`agreement="unreviewed"`]; ok {
		t.Errorf("an agreement without a review block is due for one at %v", got)
	}
}

// The status series are the statuses the verdict schema allows.
func TestTheStatusSeriesAreTheSchemasStatuses(t *testing.T) {
	raw, err := os.ReadFile("../docs/verdict.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Defs map[string]struct {
			Enum       []string `json:"enum"`
			Properties struct {
				Status struct {
					Enum []string `json:"enum"`
				} `json:"status"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	for def, statuses := range map[string][]string{"sloResult": sloStatuses, "responsibilityResult": respStatuses} {
		if got := schema.Defs[def].Properties.Status.Enum; !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(statuses))) {
			t.Errorf("%s's statuses are %v in the schema, %v in the metrics", def, got, statuses)
		}
	}
	if got := schema.Defs["agreementStatus"].Enum; !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(agreementStatuses))) {
		t.Errorf("an agreement's statuses are %v in the schema, %v in the metrics", got, agreementStatuses)
	}
}

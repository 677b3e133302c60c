package server

import (
	"context"
	"strings"
	"testing"
	"time"
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

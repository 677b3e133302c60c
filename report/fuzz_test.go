package report

import (
	"bytes"
	"testing"
)

// Whatever Decode accepts renders, in every format, without a panic and
// as a well-formed page.
func FuzzRenderingWhatDecodeAccepts(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(`{"schema": "entente.verdicts/v1", "evaluated_at": "2026-10-22T12:00:00Z", "revision": "r", "status": "breached",
	 "period": {"label": "2026-10", "kind": "month"},
	 "agreements": [{"agreement": "a", "title": "A", "version": "1.0.0", "status": "breached",
	  "slos": [{"name": "s", "indicator": "i", "status": "fail", "measured": 99, "objective": 99.9,
	   "window": {"start": "2026-10-01T00:00:00Z", "end": "2026-11-01T00:00:00Z", "calendar": "month"},
	   "report": {"kind": "ratio", "step_seconds": 3600, "bucket": "day",
	    "budget": [{"end": "2026-10-01T01:00:00Z", "consumed": 0.5}, {"end": "2026-10-01T02:00:00Z", "consumed": null}, {"end": "2026-10-01T03:00:00Z", "consumed": 9}],
	    "values": [],
	    "buckets": [{"start": "2026-10-01T00:00:00Z", "end": "2026-10-02T00:00:00Z", "good": 1, "total": 2, "attainment": 50, "met": false}]}}],
	  "responsibilities": [{"name": "r", "party": "p", "status": "pending", "due": "2026-11-15"}],
	  "credits": [{"name": "c", "slo": "s", "status": "owed", "percent": 10, "amount": 100, "currency": "EUR", "final": true}],
	  "credit_total": {"percent": 10, "amount": 100, "currency": "EUR", "capped": false},
	  "review": {"status": "overdue", "due": "2026-07-06T12:00:00+02:00", "owner": "p"},
	  "report": {"period": {"start": "2026-10-01T00:00:00Z", "end": "2026-11-01T00:00:00Z", "time_zone": "Nowhere/Else"},
	   "effective": "2026-01-01T00:00:00Z", "expires": null, "parties": [{"name": "p", "legal_name": "P"}], "services": [],
	   "exclusions": [{"name": "e", "description": null, "slos": null, "intervals": [{"start": "2026-10-04T00:00:00Z", "end": "2026-10-04T02:00:00Z"}], "seconds": 7200}],
	   "reporting": null, "fee": {"monthly": 1000, "currency": "EUR", "credit_cap_percent": 5}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := HTML(&buf, doc); err != nil {
			t.Fatal(err)
		}
		parsePage(t, buf.String())
		buf.Reset()
		if err := Markdown(&buf, doc); err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		if err := Dashboard(&buf, doc, DashboardOptions{RefreshSeconds: 30}); err != nil {
			t.Fatal(err)
		}
		parsePage(t, buf.String())
	})
}

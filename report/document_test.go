package report

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const minimal = `{"schema": "entente.verdicts/v1", "evaluated_at": "2026-10-22T12:00:00Z", "revision": "r", "status": "compliant", "agreements": []}`

func TestDecodeRefusesWhatItCannotRenderFaithfully(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"another format", `{"schema": "other/v1"}`, "not an entente.verdicts/v1 document"},
		{"a later version", strings.Replace(minimal, "/v1", "/v2", 1), `schema is "entente.verdicts/v2"`},
		{"no evaluation time", strings.Replace(minimal, `"evaluated_at": "2026-10-22T12:00:00Z", `, "", 1), "evaluated_at is missing"},
		{"a status it does not know", strings.Replace(minimal, `"compliant"`, `"degraded"`, 1), `unknown status "degraded"`},
		{"a period kind it does not know", strings.Replace(minimal, `"agreements"`, `"period": {"label": "2026-10", "kind": "fortnight"}, "agreements"`, 1), `unknown period kind "fortnight"`},
		{"an SLO status it does not know", strings.Replace(minimal, `[]}`, `[{"agreement": "a", "status": "compliant", "slos": [{"name": "s", "status": "great"}]}]}`, 1), `agreement "a": slo "s": unknown status "great"`},
		{"an SLO kind it does not know", strings.Replace(minimal, `[]}`, `[{"agreement": "a", "status": "compliant", "slos": [{"name": "s", "status": "pass", "report": {"kind": "histogram"}}]}]}`, 1), `unknown kind "histogram"`},
		{"a date that is not one", strings.Replace(minimal, `[]}`, `[{"agreement": "a", "status": "compliant", "review": {"status": "current", "due": "soon"}}]}`, 1), `date "soon"`},
		{"two documents", minimal + minimal, "data after the document"},
		{"no document", ``, "EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestAnotherSchemaIsErrSchema(t *testing.T) {
	_, err := Decode(strings.NewReader(`{"schema": "entente.verdicts/v2"}`))
	if !errors.Is(err, ErrSchema) {
		t.Fatalf("got %v, want ErrSchema", err)
	}
}

func TestNullFiguresDecodeAsUnknownNotZero(t *testing.T) {
	doc := fixture(t, "october.json")
	portal := doc.Agreements[2].SLOs[3]
	if portal.Name != "portal-availability" || portal.Measured != nil || portal.BudgetRemaining != nil || portal.Good != nil {
		t.Errorf("the error SLO decodes with figures: %+v", portal)
	}
	if doc.Agreements[4].CreditTotal != nil || doc.Agreements[4].Review != nil || doc.Agreements[4].Report.Fee != nil {
		t.Error("an agreement without credits, review or fee decodes with them")
	}
	latency := doc.Agreements[3].SLOs[1]
	if latency.Report.Description != "" || latency.Report.Unit != "s" || latency.Objective != nil || latency.Max.Float64() != 0.3 {
		t.Errorf("the latency SLO decodes wrong: %+v", latency)
	}
}

func TestDatesAreDaysOrTimes(t *testing.T) {
	doc := fixture(t, "verdict.json")
	duties := doc.Agreements[1].Responsibilities
	vpn, runbook := duties[3].Due, duties[4].Due
	if vpn == nil || vpn.Day != "2026-01-15" {
		t.Errorf("a day decodes as %+v", vpn)
	}
	if runbook == nil || runbook.Day != "" || !runbook.Time.Equal(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("a time decodes as %+v", runbook)
	}
	if duties[0].Due != nil {
		t.Error("no due date decodes as one")
	}
}

func TestAnAgreementsTimeZoneFallsBackToTheOffsetsItWasGiven(t *testing.T) {
	paris := time.Date(2026, 10, 1, 0, 0, 0, 0, time.FixedZone("", 2*3600))
	for _, tc := range []struct {
		name string
		a    Agreement
		want string
	}{
		{"a zone the system knows", Agreement{Report: &AgreementReport{Period: Span{Start: paris, TimeZone: "Europe/Paris"}}}, "Europe/Paris"},
		{"a zone it does not", Agreement{Report: &AgreementReport{Period: Span{Start: paris, TimeZone: "Mars/Olympus_Mons"}}}, "UTC+02:00"},
		{"a plain verdict", Agreement{SLOs: []SLO{{Window: &Window{Start: paris}}}}, "UTC+02:00"},
		{"nothing to go by", Agreement{}, "UTC"},
	} {
		if got := zoneName(tc.a.Location()); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestTheKindOfAnSLOInAPlainVerdictFollowsItsBounds(t *testing.T) {
	max := Number("0.3")
	if k := kindOf(&SLO{Max: &max}); k != KindValue {
		t.Errorf("an SLO with a max is %s", k)
	}
	if k := kindOf(&SLO{}); k != KindRatio {
		t.Errorf("an SLO with an objective is %s", k)
	}
	if k := kindOf(&SLO{Report: &SLOReport{Kind: KindTimeslice}}); k != KindTimeslice {
		t.Errorf("the report's kind is not used: %s", k)
	}
}

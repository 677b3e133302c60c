package diff

import (
	"os"
	"strings"
	"testing"

	"github.com/entente-dev/entente/agreements"
)

// parse loads one agreement file held in memory.
func parse(t *testing.T, name, src string) *agreements.Set {
	t.Helper()
	set, diags := agreements.Parse(agreements.Source{Name: name, Bytes: []byte(src)})
	if diags.HasErrors() {
		t.Fatalf("%s: %s", name, diags.Error())
	}
	return set
}

// edit applies replacements, each of which must apply.
func edit(t *testing.T, src string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(src, pairs[i]) {
			t.Fatalf("the base agreement has no %q", pairs[i])
		}
		src = strings.Replace(src, pairs[i], pairs[i+1], 1)
	}
	return src
}

// One change per rule of docs/language.md ("Changes"), and the direction
// a reviewer reads: for whom the change is stricter or looser, neutral,
// or to review. Every change is located on its line of the new file.
func TestEachRuleGivesItsDirection(t *testing.T) {
	raw, err := os.ReadFile("testdata/base.hcl")
	if err != nil {
		t.Fatal(err)
	}
	base := string(raw)
	const bump = `version   = "1.1.0"`
	for _, c := range []struct {
		rule    string
		edits   []string
		subject string
		want    string // the direction
		line    string // the text of the line the change is located on
	}{
		{"title", []string{`title     = "Hosting"`, `title     = "Hosting services"`}, "title", "neutral", `title`},
		{"effective later", []string{`effective = "2026-01-01"`, `effective = "2026-02-01"`}, "effective", "looser for the provider", `effective`},
		{"expires later", []string{`expires   = "2027-12-31"`, `expires   = "2028-12-31"`}, "expires", "stricter for the provider", `expires`},
		{"expires removed", []string{`  expires   = "2027-12-31"` + "\n", ""}, "expires", "stricter for the provider", `agreement "hosting"`},
		{"time zone", []string{`time_zone = "Europe/Paris"`, `time_zone = "UTC"`}, "time_zone", "to review", `time_zone`},
		{"party renamed", []string{`name    = "Acme Cloud SAS"`, `name    = "Acme Cloud SA"`}, "party provider: name", "neutral", `name    = "Acme Cloud SA"`},
		{"party contact", []string{`contact = "sla@acme.example"`, `contact = "sre@acme.example"`}, "party provider: contact", "neutral", `contact`},
		{"service scope grows", []string{`includes    = ["api.globex.example"]`, `includes    = ["api.globex.example", "webhooks"]`}, "service api: includes", "stricter for the provider", `includes`},
		{"service exclusion added", []string{`excludes    = ["sandbox"]`, `excludes    = ["sandbox", "beta"]`}, "service api: excludes", "looser for the provider", `excludes`},
		{"service added", []string{`  indicator "availability" {`, "  service \"cdn\" {\n    includes = [\"cdn.globex.example\"]\n  }\n  indicator \"availability\" {"}, "service cdn", "stricter for the provider", `service "cdn"`},
		{"query changed", []string{`code!~'5..'`, `code!~'5..|429'`}, "indicator availability: good", "to review", `good  =`},
		{"unit changed", []string{`unit  = "min"`, `unit  = "h"`}, "indicator ack: unit", "to review", `unit  = "h"`},
		{"objective raised", []string{`objective    = 99.9`, `objective    = 99.95`, `warning      = 99.95`, `warning      = 99.99`}, "slo availability: objective", "stricter for the provider", `objective    = 99.95`},
		{"objective lowered", []string{`objective    = 99.9`, `objective    = 99.5`}, "slo availability: objective", "looser for the provider", `objective    = 99.5`},
		{"warning", []string{`warning      = 99.95`, `warning      = 99.92`}, "slo availability: warning", "neutral", `warning`},
		{"max lowered", []string{`max       = 0.3`, `max       = 0.25`}, "slo latency: max", "stricter for the provider", `max       = 0.25`},
		{"max raised", []string{`max       = 0.3`, `max       = 0.5`}, "slo latency: max", "looser for the provider", `max       = 0.5`},
		{"window lengthened", []string{`window    = "7d"`, `window    = "28d"`}, "slo latency: window", "stricter for the provider", `window    = "28d"`},
		{"calendar shortened", []string{`calendar     = "month"`, `calendar     = "week"`}, "slo availability: calendar", "looser for the provider", `calendar     = "week"`},
		{"min_events raised", []string{`min_events   = 100`, `min_events   = 1000`}, "slo availability: min_events", "looser for the provider", `min_events   = 1000`},
		{"no_data fails", []string{`no_data      = "inconclusive"`, `no_data      = "fail"`}, "slo availability: no_data", "stricter for the provider", `no_data`},
		{"min_coverage raised, no_data inconclusive", []string{`min_coverage = 95`, `min_coverage = 99`}, "slo availability: min_coverage", "to review", `min_coverage`},
		{"min_coverage raised, no_data fail", []string{`min_coverage = 95`, `min_coverage = 99`, `no_data      = "inconclusive"`, `no_data      = "fail"`}, "slo availability: min_coverage", "stricter for the provider", `min_coverage`},
		{"slo added", []string{`  exclusion "maintenance" {`, "  slo \"latency-month\" {\n    indicator = indicator.latency\n    max       = 0.5\n    calendar  = \"month\"\n  }\n  exclusion \"maintenance\" {"}, "slo latency-month", "stricter for the provider", `slo "latency-month"`},
		{"slo removed", []string{"  slo \"latency\" {\n    indicator = indicator.latency\n    max       = 0.3\n    window    = \"7d\"\n  }\n", ""}, "slo latency", "looser for the provider", `agreement "hosting"`},
		{"slice objective raised", []string{`objective  = 99` + "\n", `objective  = 99.5` + "\n"}, "slo uptime: timeslices.objective", "stricter for the provider", `objective  = 99.5`},
		{"slice length", []string{`slice      = "5m"`, `slice      = "1m"`}, "slo uptime: timeslices.slice", "to review", `slice      = "1m"`},
		{"missing slices bad", []string{`missing    = "skip"`, `missing    = "bad"`}, "slo uptime: timeslices.missing", "stricter for the provider", `missing`},
		{"slice min_events raised", []string{`min_events = 10`, `min_events = 100`}, "slo uptime: timeslices.min_events", "looser for the provider", `min_events = 100`},
		{"min_run raised", []string{`min_run    = 2`, `min_run    = 5`}, "slo uptime: timeslices.min_run", "looser for the provider", `min_run`},
		{"measure mean", []string{`min_run    = 2`, `measure    = "mean"`, `objective  = 99` + "\n", ""}, "slo uptime: timeslices.measure", "to review", `measure`},
		{"exclusion added", []string{`  exclusion "move" {`, "  exclusion \"freeze\" {\n    from = \"2026-12-24T00:00:00Z\"\n    to   = \"2026-12-26T00:00:00Z\"\n  }\n  exclusion \"move\" {"}, "exclusion freeze", "looser for the provider", `exclusion "freeze"`},
		{"exclusion longer", []string{`duration = "2h"`, `duration = "4h"`}, "exclusion maintenance: duration", "looser for the provider", `duration = "4h"`},
		{"exclusion cron", []string{`cron     = "0 2 * * SUN"`, `cron     = "0 3 * * SAT"`}, "exclusion maintenance: cron", "to review", `cron`},
		{"excluded span shrinks", []string{`to   = "2026-11-15T05:00:00Z"`, `to   = "2026-11-15T03:00:00Z"`}, "exclusion move: to", "stricter for the provider", `to   = "2026-11-15T03:00:00Z"`},
		{"exclusion for more SLOs", []string{`slos = [slo.availability]`, `slos = [slo.availability, slo.uptime]`}, "exclusion move: slos", "looser for the provider", `slos`},
		{"acknowledgement longer", []string{`max       = 15`, `max       = 30`}, "responsibility ack: max", "looser for the provider", `max       = 30`},
		{"customer's due date sooner", []string{`due   = "2026-03-01"`, `due   = "2026-02-01"`}, "responsibility staging: due", "stricter for the customer", `due`},
		{"duty moves", []string{`party     = party.provider`, `party     = party.customer`}, "responsibility ack: party", "stricter for the customer", `party     = party.customer`},
		{"fee raised", []string{`monthly            = 12000`, `monthly            = 13000`}, "fee: monthly", "stricter for the customer", `monthly`},
		{"cap lowered", []string{`credit_cap_percent = 50`, `credit_cap_percent = 30`}, "fee: credit_cap_percent", "looser for the provider", `credit_cap_percent`},
		{"cap removed", []string{`    credit_cap_percent = 50` + "\n", ""}, "fee: credit_cap_percent", "stricter for the provider", `fee {`},
		{"currency", []string{`currency           = "EUR"`, `currency           = "USD"`}, "fee: currency", "to review", `currency`},
		{"tier lowered", []string{`below   = 99.0`, `below   = 98.0`}, "credit availability: tier 2.below", "looser for the provider", `below   = 98.0`},
		{"tier percent raised", []string{`percent = 25`, `percent = 30`}, "credit availability: tier 2.percent", "stricter for the provider", `percent = 30`},
		{"tier added", []string{"      percent = 25\n    }\n", "      percent = 25\n    }\n    tier {\n      below   = 95\n      percent = 50\n    }\n"}, "credit availability: tier 3", "stricter for the provider", `tier {`},
		{"claim window shorter", []string{`claim_within = "30d"`, `claim_within = "15d"`}, "credit availability: claim_within", "looser for the provider", `claim_within`},
		{"min amount raised", []string{`min_amount   = 10`, `min_amount   = 50`}, "credit availability: min_amount", "looser for the provider", `min_amount`},
		{"reports more often", []string{`frequency  = "monthly"`, `frequency  = "weekly"`}, "reporting: frequency", "stricter for the provider", `frequency`},
		{"recipients", []string{`recipients = ["sla@globex.example"]`, `recipients = ["sre@globex.example"]`}, "reporting: recipients", "neutral", `recipients`},
		{"reviewed again", []string{`last_reviewed = "2026-01-15"`, `last_reviewed = "2026-06-15"`}, "review: last_reviewed", "neutral", `last_reviewed`},
	} {
		t.Run(c.rule, func(t *testing.T) {
			newSrc := edit(t, base, append(c.edits, `version   = "1.0.0"`, bump)...)
			r := Compare(parse(t, "old.hcl", base), parse(t, "new.hcl", newSrc))
			var found *Change
			for i, ch := range r.Changes {
				if ch.Subject() == c.subject {
					found = &r.Changes[i]
				}
			}
			if found == nil {
				var got []string
				for _, ch := range r.Changes {
					got = append(got, ch.Subject())
				}
				t.Fatalf("no change of %q among %q", c.subject, got)
			}
			if found.Direction() != c.want {
				t.Errorf("%s: %s (%s), want %s", c.subject, found.Direction(), found.Why, c.want)
			}
			file, src := "new.hcl", newSrc
			lines := strings.Split(src, "\n")
			if found.File != file || found.Line < 1 || found.Line > len(lines) || !strings.Contains(lines[found.Line-1], c.line) {
				t.Errorf("located at %s:%d, want the line of %s with %q", found.File, found.Line, file, c.line)
			}
			if r.HasErrors() {
				t.Errorf("problems with a minor version bump: %+v", r.Problems)
			}
		})
	}
}

// Versions are kept honest: terms changed under the same version are an
// error, under a patch bump a warning; wording alone asks for a patch;
// recording a review needs no new version; a review date moved back is an
// error.
func TestVersionsKeptHonest(t *testing.T) {
	raw, err := os.ReadFile("testdata/base.hcl")
	if err != nil {
		t.Fatal(err)
	}
	base := string(raw)
	lowered := []string{`objective    = 99.9`, `objective    = 99.5`}
	for _, c := range []struct {
		name  string
		edits []string
		want  string // severity: message fragment, or "" for no problem
	}{
		{"terms under the same version", lowered, "error: changes 1 term, but its version is still 1.0.0"},
		{"terms under a patch bump", append(lowered, `version   = "1.0.0"`, `version   = "1.0.1"`), "warning: with a patch version (1.0.0 to 1.0.1)"},
		{"terms under a minor bump", append(lowered, `version   = "1.0.0"`, `version   = "1.1.0"`), ""},
		{"wording under the same version", []string{`title     = "Hosting"`, `title     = "Hosting services"`}, "warning: changes its wording, but its version is still 1.0.0"},
		{"a review recorded", []string{`last_reviewed = "2026-01-15"`, `last_reviewed = "2026-06-15"`}, ""},
		{"a review moved back", []string{`last_reviewed = "2026-01-15"`, `last_reviewed = "2025-12-15"`, `version   = "1.0.0"`, `version   = "1.0.1"`}, "error: last_reviewed moves back from 2026-01-15 to 2025-12-15"},
		{"nothing", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Compare(parse(t, "old.hcl", base), parse(t, "new.hcl", edit(t, base, c.edits...)))
			var got []string
			for _, p := range r.Problems {
				got = append(got, p.Severity+": "+strings.TrimPrefix(p.Message, "hosting")+" @"+p.File)
			}
			switch {
			case c.want == "" && len(got) > 0:
				t.Errorf("problems %q, want none", got)
			case c.want != "" && (len(got) != 1 || !strings.Contains(strings.Replace(got[0], ": ", ": ", 1), strings.SplitN(c.want, ": ", 2)[1]) || !strings.HasPrefix(got[0], strings.SplitN(c.want, ": ", 2)[0])):
				t.Errorf("problems %q, want one %q", got, c.want)
			}
			if c.want != "" && len(r.Problems) == 1 && (r.Problems[0].File != "new.hcl" || r.Problems[0].Line == 0) {
				t.Errorf("the problem is at %s:%d, want a line of new.hcl", r.Problems[0].File, r.Problems[0].Line)
			}
			if got, want := r.HasErrors(), strings.HasPrefix(c.want, "error"); got != want {
				t.Errorf("HasErrors %v, want %v", got, want)
			}
		})
	}
}

// An agreement added or removed is one change, and not a version problem.
func TestAgreementsAddedAndRemoved(t *testing.T) {
	raw, err := os.ReadFile("testdata/base.hcl")
	if err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(string(raw), `agreement "hosting"`, `agreement "hosting-eu"`, 1)
	r := Compare(parse(t, "a.hcl", string(raw)), parse(t, "b.hcl", other))
	if len(r.Changes) != 2 || len(r.Problems) != 0 {
		t.Fatalf("changes %+v, problems %+v", r.Changes, r.Problems)
	}
	for _, c := range r.Changes {
		want := map[string]string{"hosting": "looser for the provider", "hosting-eu": "stricter for the provider"}[c.Agreement]
		if c.Direction() != want || c.Block != "agreement" {
			t.Errorf("%s: %s %s, want %s", c.Agreement, c.Kind, c.Direction(), want)
		}
	}
}

package agreements

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/prometheus/common/model"
)

// a0 is where the gaps of a schedule are sampled from.
var a0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

var exclusionSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "cron"},
		{Name: "duration"},
		{Name: "from"},
		{Name: "to"},
		{Name: "slos"},
	},
}

func (d *decoder) exclusion(block *hcl.Block) *Exclusion {
	e := &Exclusion{Name: block.Labels[0], DeclRange: block.DefRange, SLOs: []string{}}
	content := d.content(block, exclusionSchema)
	attrs := content.Attributes
	e.attrs = attrs
	if attr, ok := attrs["description"]; ok {
		e.Description, _ = d.string(attr)
	}

	cronA, hasCron := attrs["cron"]
	fromA, hasFrom := attrs["from"]
	toA, hasTo := attrs["to"]
	durA, hasDur := attrs["duration"]
	switch {
	case hasCron && (hasFrom || hasTo):
		other := fromA
		if !hasFrom {
			other = toA
		}
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting cron and from/to",
			Detail:   "An exclusion either recurs (cron and duration) or happens once (from and to). Split it into two exclusions.",
			Subject:  other.Range.Ptr(),
		})
	case hasCron:
		if spec, ok := d.string(cronA); ok {
			sched, err := parseCron(spec)
			if err != nil {
				d.attrError(cronA, "Invalid cron expression", "%q: %s. Write five fields, minute hour day-of-month month day-of-week, in the agreement's time zone, e.g. \"0 2 * * SUN\" for 02:00 every Sunday.", spec, err)
			} else {
				e.Cron, e.schedule = sched.String(), sched
				if sched.eitherDay() {
					d.add(&hcl.Diagnostic{
						Severity: hcl.DiagWarning,
						Summary:  "Cron matches either day field",
						Detail:   fmt.Sprintf("%q restricts both the day of the month and the day of the week, so, as in every cron, it starts on days that match either one, not both. For \"the first Sunday\", list the Sundays as from/to exclusions.", spec),
						Subject:  cronA.Expr.Range().Ptr(),
						Context:  cronA.Range.Ptr(),
					})
				}
			}
		}
		if !hasDur {
			if !d.isMisspelt(block.DefRange, "duration") {
				d.blockError(block, "Missing duration", "A recurring exclusion needs a duration: how long each occurrence lasts, e.g. duration = \"2h\".")
			}
		} else {
			e.Duration, _ = d.duration(durA)
		}
		if e.schedule != nil && e.Duration > 0 {
			if gap := e.schedule.minGap(a0); gap > 0 && time.Duration(e.Duration) >= gap {
				d.attrError(durA, "Exclusion overlaps itself", "%q starts every %s at the shortest, and each occurrence lasts %s, so the SLOs would always be excluded. Shorten the duration.", e.Cron, model.Duration(gap), e.Duration)
			}
		}
	case hasFrom || hasTo:
		if hasDur {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Argument \"duration\" not allowed here",
				Detail:   "A one-off exclusion runs from \"from\" to \"to\"; duration is for recurring (cron) exclusions. Remove it.",
				Subject:  durA.Range.Ptr(),
			})
		}
		if (!hasFrom || !hasTo) && !d.isMisspelt(block.DefRange, "from", "to") {
			missing := "from"
			if !hasTo {
				missing = "to"
			}
			d.blockError(block, "Missing "+missing, "A one-off exclusion needs both from and to, e.g. from = \"2026-11-15T01:00:00Z\" and to = \"2026-11-15T05:00:00Z\".")
		}
		if hasFrom {
			if t, ok := d.date(fromA); ok {
				e.From = &t
			}
		}
		if hasTo {
			if t, ok := d.date(toA); ok {
				e.To = &t
			}
		}
		if e.From != nil && e.To != nil && !e.To.After(*e.From) {
			d.attrError(toA, "Exclusion ends before it starts", "The exclusion must end after it starts (%s). Correct from or to.", e.From.Format("2006-01-02T15:04:05Z07:00"))
		}
	case !d.isMisspelt(block.DefRange, "cron", "from", "to"):
		d.blockError(block, "Missing cron or from/to", "An exclusion needs either cron and duration (a recurring window such as weekly maintenance) or from and to (a one-off window).")
	}

	if attr, ok := attrs["slos"]; ok {
		if refs, ok := d.references(attr, "slo"); ok {
			if len(refs) == 0 {
				d.attrError(attr, "Empty list of SLOs", "An exclusion with an empty slos list applies to nothing. Name the SLOs, or remove slos to apply it to every ratio and timeslice SLO.")
			}
			e.slos = refs
		}
	}
	return e
}

// checkExclusion resolves the SLOs an exclusion names: exclusions apply to
// ratio and timeslice SLOs only.
func (d *decoder) checkExclusion(a *Agreement, e *Exclusion) {
	declared := names(a.SLOs)
	for _, ref := range e.slos {
		if !d.resolve(ref, declared) {
			continue
		}
		e.SLOs = append(e.SLOs, ref.name)
		if s := a.SLO(ref.name); s.Kind == ValueSLO {
			d.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Exclusion of a value SLO",
				Detail:   fmt.Sprintf("The SLO %q is a value SLO, measured once over its whole window; exclusions apply only to ratio and timeslice SLOs. Remove it from slos.", ref.name),
				Subject:  ref.rng.Ptr(),
			})
		}
	}
}

package agreements

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/prometheus/common/model"
)

var reviewSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "every", Required: true},
		{Name: "last_reviewed", Required: true},
		{Name: "owner"},
		{Name: "notice"},
	},
}

// defaultNotice is how long before the due date a review is "due soon".
const defaultNotice = model.Duration(30 * 24 * time.Hour)

const year = model.Duration(365 * 24 * time.Hour)

func (d *decoder) review(block *hcl.Block, src []byte) *Review {
	r := &Review{DeclRange: block.DefRange, Notice: defaultNotice}
	content := d.content(block, reviewSchema)
	attrs := content.Attributes
	if attr, ok := attrs["every"]; ok {
		if every, ok := d.duration(attr); ok {
			r.Every = every
			if every > year {
				d.add(&hcl.Diagnostic{
					Severity: hcl.DiagWarning,
					Summary:  "Review less often than yearly",
					Detail:   "An SLA is usually reviewed at least once a year. Consider every = \"1y\" or shorter.",
					Subject:  attr.Expr.Range().Ptr(),
					Context:  attr.Range.Ptr(),
				})
			}
		}
	}
	if attr, ok := attrs["last_reviewed"]; ok {
		r.LastReviewed, _ = d.date(attr)
	}
	if attr, ok := attrs["owner"]; ok {
		if ref, ok := d.reference(attr.Expr, attr.Name, "party"); ok {
			r.Owner = ref.name
			r.ownerRange = ref.rng
		}
	}
	if _, ok := attrs["notice"]; !ok && r.Every > 0 && r.Every <= defaultNotice {
		d.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing notice",
			Detail:   fmt.Sprintf("The default notice of %s is not shorter than every = %s, so the review would always be due soon. Set a shorter notice, e.g. notice = %q.", defaultNotice, attrs["every"].Expr.Range().SliceBytes(src), model.Duration(time.Duration(r.Every)/4)),
			Subject:  block.DefRange.Ptr(),
		})
	}
	if attr, ok := attrs["notice"]; ok {
		if notice, ok := d.duration(attr); ok {
			r.Notice = notice
			if r.Every > 0 && notice >= r.Every {
				d.attrError(attr, "Notice longer than the review interval", "The review would always be due soon: notice (%s) must be shorter than every (%s).", notice, r.Every)
			}
		}
	}
	return r
}

func (d *decoder) checkReview(a *Agreement, r *Review) {
	if r.Owner != "" {
		d.resolve(reference{kind: "party", name: r.Owner, rng: r.ownerRange}, names(a.Parties))
	}
}

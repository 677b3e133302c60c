package report

// The view of the service credits owed.

// notFinal says why a credit is not final: in a report of a closed
// period, its SLO is measured over another period (a quarter, a rolling
// window) and the credit is indicative; otherwise the period is running.
func notFinal(closed bool) string {
	if closed {
		return "no, indicative: its SLO is measured over another period"
	}
	return "no, the period is still running"
}

// creditViews are the rows of the credits, their total, and a note: what
// the figures mean, or why there are none. closed is whether the document
// reports on a closed period.
func creditViews(a *Agreement, closed bool) ([]creditView, *totalView, string) {
	var rows []creditView
	for _, c := range a.Credits {
		final := "yes"
		if !c.Final {
			final = notFinal(closed)
		}
		if claim := claimText(c); claim != "" {
			final += "; " + claim
		}
		pct := percent(c.Percent.Float())
		if tier := tierText(c); tier != "" {
			pct += " (" + tier + ")"
		}
		rows = append(rows, creditView{Name: c.Name, SLO: c.SLO, Status: statusBadge(c.Status), Percent: pct, Amount: money(c.Amount.Float(), c.Currency), Final: final})
	}
	var fee *Fee
	if a.Report != nil {
		fee = a.Report.Fee
	}
	if len(rows) == 0 {
		switch {
		case a.Inactive != "":
			return nil, nil, "No credits: nothing is owed while the agreement is not in force."
		case fee == nil && a.CreditTotal == nil:
			return nil, nil, "This agreement provides no service credits."
		}
		return nil, nil, "This agreement defines no service credit."
	}
	t := a.CreditTotal
	if t == nil {
		return rows, nil, ""
	}
	total := &totalView{Percent: percent(t.Percent.Float()), Amount: money(t.Amount.Float(), t.Currency), Capped: capText(t, fee)}
	note := "Percentages are of the monthly fee."
	if t.Percent == nil {
		note = "The total is unknown while a credit is unknown: an SLO it depends on has no data."
	}
	return rows, total, note
}

// capText says what the fee's cap did to the total.
func capText(t *CreditTotal, fee *Fee) string {
	limit := ""
	if fee != nil && fee.CreditCapPercent != nil {
		limit = percent(fee.CreditCapPercent)
	}
	switch {
	case t.Capped == nil:
		return unknown
	case *t.Capped && limit != "":
		return "capped at " + limit + " of the fee"
	case *t.Capped:
		return "capped"
	case limit != "":
		return "under the cap of " + limit
	}
	return "no cap"
}

func creditSum(a *Agreement) string {
	t := a.CreditTotal
	if t == nil {
		return "none"
	}
	if t.Amount == nil {
		return unknown + " (unknown)"
	}
	return money(t.Amount.Float(), t.Currency)
}

func creditSentence(a *Agreement, v *agreementView, closed bool) string {
	t := a.CreditTotal
	switch {
	case len(a.Credits) == 0:
		return v.CreditNote
	case t == nil:
		return "Credits: see the table."
	case t.Amount == nil:
		return "The credits owed are unknown: an SLO they depend on has no data."
	case t.Amount.Float64() == 0:
		return "No service credit is owed."
	}
	s := "Service credits owed: " + money(t.Amount.Float(), t.Currency) + ", " + percent(t.Percent.Float()) + " of the monthly fee"
	if t.Capped != nil && *t.Capped {
		s += ", after the cap"
	}
	for _, c := range a.Credits {
		switch {
		case c.Final:
		case closed:
			return s + ". Some are indicative: their SLO is measured over another period."
		default:
			return s + ". Not final: the period is still running."
		}
	}
	return s + "."
}

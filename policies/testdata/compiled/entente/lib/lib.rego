# The rules every agreement shares. The policy of each agreement (package
# entente.agreements["NAME"]) states its own objectives, bounds, tiers and
# dates, and calls these functions with them and the input document:
#
#   {
#     "at": "2026-11-01T00:00:00Z",
#     "measurements": {
#       "slos": {"availability": {"good": 9941, "total": 10000, "elapsed": 1}},
#       "responsibilities": {"p1-acknowledgement": {"value": 12}}
#     },
#     "facts": {"staging_access_granted": true}
#   }
#
# "at" is the evaluation time (now when absent). A ratio or timeslice SLO is
# measured as good and total counts, a value SLO or responsibility as a value
# (null when there is no data, with the "reason" when there is one). A
# measurement that failed is {"error": "why"}. "elapsed" is the share of a
# calendar period that has passed (default 1). "coverage", when given, is
# how much of the window the source holds data for:
#
#   {"percent": 32.4, "from": "2026-10-21T12:00:00Z", "to": "...",
#    "step_seconds": 3600, "note": "the source may not retain the whole window"}
#
# Below the block's min_coverage, it has no data, whatever was measured.
package entente.lib

# contract is the version of what the library takes from the evaluator and
# gives back: 2 checks the coverage of each block's window. entente does
# not decide with an older library, which would take a figure of part of a
# window for the whole.
contract := 2

# now is the evaluation time, in seconds since the epoch: "at" as an RFC
# 3339 time or a number of seconds, or the present when there is no "at".
# An "at" that is neither leaves the verdict undefined: it never falls back
# to the present.
now(inp) := time.parse_rfc3339_ns(inp.at) / 1000000000 if {
	is_string(inp.at)
} else := inp.at if {
	is_number(inp.at)
} else := time.now_ns() / 1000000000 if {
	not "at" in object.keys(inp)
}

# measurement returns what the input says of a block, or null.
measurement(inp, kind, name) := object.get(inp, ["measurements", kind, name], null)

#
# SLOs
#

# slo returns the verdict of one SLO, given its definition in the policy.
slo(def, inp) := {
	"name": def.name,
	"indicator": def.indicator,
	"kind": def.kind,
	"unit": def.unit,
	"status": status,
	"measured": obs.measured,
	"objective": def.objective,
	"warning": def.warning,
	"min": def.min,
	"max": def.max,
	"good": obs.good,
	"total": obs.total,
	"burn_rate": _rounded(burn),
	"budget_consumed": _rounded(consumed),
	"budget_remaining": _rounded(_minus_from_one(consumed)),
	"message": _slo_message(def, raw, status, obs),
	"window": _echo(m, "window"),
	"excluded_seconds": _echo(m, "excluded_seconds"),
	"coverage": _coverage(def, m),
} if {
	m := measurement(inp, "slos", def.name)
	obs := _observe(def, m)
	raw := _raw_status(def, obs)
	status := _apply_no_data(def, raw)
	burn := _burn_rate(def, obs.measured)
	consumed := _times(burn, _elapsed(def, m))
}

# _echo passes on what the evaluator says of the window measured.
_echo(m, key) := m[key] if {
	is_object(m)
} else := null

_failed(why) := {"error": why, "good": null, "total": null, "measured": null, "reason": null}

# _no_data is a measurement without data, and why when it is known.
_no_data(why) := {"error": null, "good": null, "total": null, "measured": null, "reason": why}

# _observe reads a measurement into good and total counts and the measured
# value, or the error that kept it from being measured.
_observe(def, m) := _failed("no measurement was given") if {
	m == null
} else := _failed("the measurement is not an object") if {
	not is_object(m)
} else := _failed(m.error) if {
	is_string(m.error)
} else := _failed("elapsed must be a number from 0 to 1") if {
	not _elapsed_valid(m)
} else := _failed("coverage must be an object whose percent is a number from 0 to 100") if {
	not _coverage_valid(m)
} else := _no_data(_uncovered(def, m.coverage)) if {
	m.coverage.percent < _min_coverage(def)
} else := _observe_value(m) if {
	def.kind == "value"
} else := _observe_counts(def, m)

_observe_value(m) := {"error": null, "good": null, "total": null, "measured": m.value, "reason": null} if {
	is_number(m.value)
} else := _no_data(_reason(m)) if {
	m.value == null
} else := _failed("the measurement has no value") if {
	not "value" in object.keys(m)
} else := _failed("the value is not a number")

_observe_counts(def, m) := _no_data(_reason(m)) if {
	m.good == null
	m.total == null
} else := _failed("good and total must be numbers") if {
	not _has_counts(m)
} else := _failed(sprintf("good (%v) must be between 0 and total (%v)", [m.good, m.total])) if {
	not _counts_in_order(m)
} else := {"error": null, "good": m.good, "total": m.total, "measured": null, "reason": null} if {
	m.total < def.min_events
} else := {"error": null, "good": m.good, "total": m.total, "measured": (100 * m.good) / m.total, "reason": null}

# _reason is why a measurement has no data, when the evaluator says.
_reason(m) := m.reason if {
	is_string(m.reason)
} else := null

_coverage_valid(m) if not "coverage" in object.keys(m)

_coverage_valid(m) if m.coverage == null

_coverage_valid(m) if {
	is_number(m.coverage.percent)
	m.coverage.percent >= 0
	m.coverage.percent <= 100
}

# _min_coverage is what a block requires: 95% unless it says otherwise.
_min_coverage(def) := def.min_coverage if {
	is_number(def.min_coverage)
} else := 95

# _coverage is the coverage of a block's window, with what is required:
# the fields of the evaluator's coverage, and no others.
_coverage(def, m) := {
	"percent": m.coverage.percent,
	"from": _string_or_null(m.coverage, "from"),
	"to": _string_or_null(m.coverage, "to"),
	"step_seconds": _number_or_null(m.coverage, "step_seconds"),
	"note": _string_or_null(m.coverage, "note"),
	"required": _min_coverage(def),
} if {
	is_object(m)
	is_number(m.coverage.percent)
} else := null

_string_or_null(obj, key) := obj[key] if {
	is_string(obj[key])
} else := null

_number_or_null(obj, key) := obj[key] if {
	is_number(obj[key])
	obj[key] >= 1
} else := null

# _uncovered says how little of the window the source holds data for.
_uncovered(def, c) := sprintf("data covers %v%% of the window%s, less than the %v%% required%s", [
	_for_people(c.percent),
	_span(c),
	_min_coverage(def),
	_note(c),
])

_span(c) := sprintf(" (from %s to %s)", [c.from, c.to]) if {
	is_string(c.from)
	is_string(c.to)
} else := ""

_note(c) := concat("", [": ", c.note]) if {
	is_string(c.note)
} else := ""

_has_counts(m) if {
	is_number(m.good)
	is_number(m.total)
}

_counts_in_order(m) if {
	m.good >= 0
	m.good <= m.total
}

# _raw_status is the status before the no_data policy applies.
_raw_status(def, obs) := "error" if {
	obs.error != null
} else := "no_data" if {
	obs.measured == null
} else := "fail" if {
	_fails(def, obs.measured)
} else := "warn" if {
	_warns(def, obs.measured)
} else := "pass"

_fails(def, v) if {
	def.kind != "value"
	v < def.objective
}

_fails(def, v) if {
	def.max != null
	v > def.max
}

_fails(def, v) if {
	def.min != null
	v < def.min
}

_warns(def, v) if {
	def.warning != null
	def.kind != "value"
	v < def.warning
}

_warns(def, v) if {
	def.warning != null
	def.max != null
	v > def.warning
}

_warns(def, v) if {
	def.warning != null
	def.min != null
	v < def.warning
}

# _apply_no_data reports no data as the SLO's no_data policy says.
_apply_no_data(def, raw) := def.no_data if {
	raw == "no_data"
	def.no_data != "inconclusive"
} else := raw

# _burn_rate is how fast the error budget burns: 1 spends it exactly over
# the window. Value SLOs have no budget.
_burn_rate(def, v) := (100 - v) / (100 - def.objective) if {
	def.kind != "value"
	is_number(v)
} else := null

# _elapsed is the share of a calendar period that has passed; a rolling
# window has always fully elapsed.
_elapsed(def, m) := m.elapsed if {
	def.calendar
	is_number(m.elapsed)
} else := 1

_elapsed_valid(m) if not "elapsed" in object.keys(m)

_elapsed_valid(m) if {
	is_number(m.elapsed)
	m.elapsed >= 0
	m.elapsed <= 1
}

_times(x, y) := x * y if is_number(x)

else := null

_minus_from_one(x) := 1 - x if is_number(x)

else := null

_slo_message(def, "error", _, obs) := sprintf("%s could not be measured: %s", [def.name, obs.error])

_slo_message(def, "no_data", status, obs) := concat("", [sprintf("%s has no data", [def.name]), _why(def, obs), _counted_as(status)])

_why(def, obs) := concat("", [": ", obs.reason]) if {
	is_string(obs.reason)
} else := _events(def, obs)

_slo_message(def, raw, _, obs) := sprintf("%s %s %s %s", [def.name, _show(def, obs.measured), _verb(def, raw), _bound(def, raw)]) if {
	not raw in {"error", "no_data"}
}

_events(def, obs) := sprintf(": %v events, fewer than the %v required", [obs.total, def.min_events]) if {
	def.kind == "ratio"
	obs.total != null
} else := ": no slice was counted" if {
	def.kind == "timeslice"
} else := ""

_counted_as("no_data") := ""

_counted_as(status) := sprintf(" (counted as %s, as no_data says)", [status]) if status != "no_data"

_show(def, v) := sprintf("%v%%", [_for_people(v)]) if {
	def.kind != "value"
} else := duration_text(v * _seconds_per[def.unit]) if {
	abs(v * _seconds_per[def.unit]) >= 60
} else := sprintf("%v%%", [_for_people(v)]) if {
	def.unit == "%"
} else := sprintf("%v %s", [_for_people(v), def.unit]) if {
	def.unit != ""
} else := sprintf("%v", [_for_people(v)])

# _seconds_per are the units of time a value may be in, in seconds.
_seconds_per := {"ms": 0.001, "s": 1, "sec": 1, "seconds": 1, "min": 60, "minutes": 60, "h": 3600, "hours": 3600}

# duration_text writes seconds as people read a duration: the two largest
# of days, hours, minutes and seconds from the first that is not zero
# ("2 h 13 min", "1 d 4 h", "3 h"), as the text table and the reports do.
duration_text(secs) := concat("", [_sign(secs), concat(" ", parts)]) if {
	total := round(abs(secs))
	units := [[floor(total / 86400), "d"], [floor((total % 86400) / 3600), "h"], [floor((total % 3600) / 60), "min"], [total % 60, "s"]]
	first := min({i | some i, u in units; u[0] != 0} | {3})
	parts := [sprintf("%v %s", [u[0], u[1]]) |
		some i, u in units
		_shown(i, first, u[0])
	]
}

# _shown says whether the part i of a duration is written: the first that
# is not zero, and the next when it is not zero.
_shown(i, first, _) if i == first

_shown(i, first, n) if {
	i == first + 1
	n != 0
}

_sign(x) := "-" if x < 0

else := ""

# _for_people keeps four decimals in messages: 99.7435%, not 99.743470738%.
_for_people(x) := round(x * 10000) / 10000

_verb(def, "fail") := "is below" if def.kind != "value"

_verb(def, "fail") := "is above" if def.max != null

_verb(def, "fail") := "is below" if def.min != null

_verb(def, "warn") := "is below the warning threshold" if {
	def.max == null
} else := "is above the warning threshold"

_verb(def, "pass") := "meets" if def.kind != "value"

_verb(def, "pass") := "is within" if def.kind == "value"

_bound(def, "warn") := sprintf("%s (the bound is %s)", [_show(def, def.warning), _show(def, _limit(def))])

_bound(def, raw) := sprintf("the %s %s", [_limit_name(def), _show(def, _limit(def))]) if raw != "warn"

_limit(def) := def.objective if def.kind != "value"

_limit(def) := def.max if def.max != null

_limit(def) := def.min if def.min != null

_limit_name(def) := "objective" if def.kind != "value"

_limit_name(def) := "maximum" if def.max != null

_limit_name(def) := "minimum" if def.min != null

_rounded(x) := round_figure(x) if is_number(x)

else := null

# round_figure keeps nine decimals: enough for any SLA, and free of the
# noise of binary fractions (99.41, not 99.41000000000001).
round_figure(x) := round(x * 1000000000) / 1000000000

#
# Responsibilities
#

# responsibility returns the status of what a party must do.
responsibility(def, inp) := {
	"name": def.name,
	"party": def.party,
	"status": status,
	"measured": obs.measured,
	"due": def.due,
	"message": _duty_message(def, status, obs),
	"coverage": _coverage(def, m),
	"kind": def.kind,
	"unit": object.get(def, "unit", ""),
	"description": object.get(def, "description", ""),
} if {
	def.kind == "indicator"
	m := measurement(inp, "responsibilities", def.name)
	obs := _observe({"kind": "value", "calendar": false, "min_coverage": def.min_coverage}, m)
	status := _measured_duty(def, obs)
}

responsibility(def, inp) := {
	"name": def.name,
	"party": def.party,
	"status": status,
	"measured": null,
	"due": def.due,
	"message": _fact_message(def, status, fact),
	"coverage": null,
	"kind": def.kind,
	"unit": object.get(def, "unit", ""),
	"description": object.get(def, "description", ""),
} if {
	def.kind == "fact"
	fact := object.get(inp, ["facts", def.fact], null)
	status := _fact_duty(def, fact, now(inp))
}

_duty_message(def, "unknown", obs) := sprintf("%s could not be measured: %s", [def.name, obs.error]) if {
	obs.error != null
} else := sprintf("%s has no data: %s", [def.name, obs.reason]) if {
	is_string(obs.reason)
} else := sprintf("%s has no data", [def.name])

_duty_message(def, status, obs) := sprintf("%s %v: %s", [def.name, _for_people(obs.measured), status]) if {
	status != "unknown"
}

_fact_message(def, status, fact) := sprintf("fact %s is %s; it must be true or false", [def.fact, json.marshal(fact)]) if {
	fact != null
	not is_boolean(fact)
} else := sprintf("fact %s is not given", [def.fact]) if {
	fact == null
	status != "pending"
} else := sprintf("fact %s is %v: %s", [def.fact, fact, status])

_measured_duty(def, obs) := "unknown" if {
	obs.measured == null
} else := "breached" if {
	_fails(object.union(def, {"kind": "value"}), obs.measured)
} else := "met"

_fact_duty(_, true, _) := "met"

_fact_duty(def, fact, t) := "unknown" if {
	fact != null
	not is_boolean(fact)
} else := "pending" if {
	fact != true
	def.due_unix != null
	t < def.due_unix
} else := "breached" if {
	fact == false
} else := "unknown" if {
	fact != true
}

#
# Credits
#

# credit returns what is owed for one SLO: the tier with the highest
# percent among those that apply. A credit of a calendar period still
# running is not final. When the agreement sets the terms of a claim
# (claim_within, min_amount), the credit also says by when to claim it
# ("claim_by") and whether it can be ("claim").
credit(def, slo_result, fee, inp) := object.union(base, _claim(def, base, inp)) if {
	base := _credit(def, slo_result, fee, inp)
}

_credit(def, slo_result, fee, inp) := {
	"name": def.name,
	"slo": def.slo,
	"status": "unknown",
	"percent": null,
	"amount": null,
	"currency": fee.currency,
	"final": _final(def, inp),
	"tier": null,
} if {
	slo_result.measured == null
}

_credit(def, slo_result, fee, inp) := {
	"name": def.name,
	"slo": def.slo,
	"status": _owed(percent),
	"percent": percent,
	"amount": round_figure((percent * fee.monthly) / 100),
	"currency": fee.currency,
	"final": _final(def, inp),
	"tier": _applied_tier(def.tiers, slo_result.measured, percent),
} if {
	is_number(slo_result.measured)
	percent := max(array.concat([0], [t.percent | some t in def.tiers; _tier_applies(t, slo_result.measured)]))
}

# _applied_tier is the tier whose percent is owed: the first of the
# highest that apply; null when none does.
_applied_tier(tiers, v, percent) := applied[0] if {
	applied := [{"below": t.below, "above": t.above, "percent": t.percent} |
		some t in tiers
		_tier_applies(t, v)
		t.percent == percent
	]
	count(applied) > 0
} else := null

# _claim is the claim of an owed credit: "claim_by" is the end of the
# SLO's period plus claim_within (null without one); "claim" is
# "below_minimum" when the amount is min_amount or less (it is not paid),
# "expired" after claim_by, "claimable" otherwise; null when nothing is
# owed. Without the terms of a claim, there is nothing to add.
_claim(def, _, _) := {} if {
	not "claim_within_seconds" in object.keys(def)
}

_claim(def, base, inp) := {"claim_by": by, "claim": _claim_status(def, base, by, inp)} if {
	"claim_within_seconds" in object.keys(def)
	by := _claim_by(def, inp)
}

_claim_by(def, inp) := time.format(time.parse_rfc3339_ns(m.period_end) + (def.claim_within_seconds * 1000000000)) if {
	def.claim_within_seconds != null
	m := measurement(inp, "slos", def.slo)
	is_string(m.period_end)
} else := null

_claim_status(_, base, _, _) := null if base.status != "owed"

_claim_status(def, base, by, inp) := _owed_claim(def.min_amount, base.amount, by, now(inp)) if base.status == "owed"

_owed_claim(min_amount, amount, _, _) := "below_minimum" if {
	min_amount != null
	amount <= min_amount
}

_owed_claim(min_amount, amount, by, t) := "expired" if {
	not _below(min_amount, amount)
	by != null
	t * 1000000000 > time.parse_rfc3339_ns(by)
}

_owed_claim(min_amount, amount, by, t) := "claimable" if {
	not _below(min_amount, amount)
	not _past(by, t)
}

_below(min_amount, amount) if {
	min_amount != null
	amount <= min_amount
}

_past(by, t) if {
	by != null
	t * 1000000000 > time.parse_rfc3339_ns(by)
}

_tier_applies(t, v) if {
	t.below != null
	v < t.below
}

_tier_applies(t, v) if {
	t.above != null
	v > t.above
}

_owed(0) := "none"

_owed(p) := "owed" if p > 0

_final(def, inp) := false if {
	def.calendar
	m := measurement(inp, "slos", def.slo)
	not m.elapsed >= 1
} else := true

# credit_total adds up the credits owed, capped by the fee's cap. While any
# credit is unknown, so is the total.
credit_total(credits, fee) := {
	"percent": null,
	"amount": null,
	"currency": fee.currency,
	"capped": null,
} if {
	some c in credits
	c.status == "unknown"
} else := {
	"percent": capped,
	"amount": round_figure((capped * fee.monthly) / 100),
	"currency": fee.currency,
	"capped": capped < total,
} if {
	# A credit not paid (at or below the minimum amount) or no longer
	# claimable is not owed.
	total := sum([c.percent | some c in credits; c.status == "owed"; not object.get(c, "claim", null) in {"below_minimum", "expired"}])
	capped := _cap(total, fee.credit_cap_percent)
}

_cap(total, null) := total

_cap(total, limit) := min([total, limit]) if limit != null

#
# Review and the agreement
#

# review returns whether the agreement's own review is due.
review(def, inp) := {"status": _review_status(def, now(inp)), "due": def.due, "owner": def.owner}

_review_status(def, t) := "overdue" if {
	t > def.due_unix
} else := "due_soon" if {
	t >= def.due_unix - def.notice_seconds
} else := "current"

# verdict puts the results of an agreement together, in the order its
# blocks are written, and decides its status: the first that holds of
# inactive, breached, inconclusive, at_risk, compliant.
verdict(agreement, slos, responsibilities, credits, review_result, inp) := {
	"agreement": agreement.name,
	"title": agreement.title,
	"version": agreement.version,
	"status": _status(inactive, slo_list, duty_list, review_result),
	"inactive": inactive,
	"slos": slo_list,
	"responsibilities": duty_list,
	"credits": credit_list,
	"credit_total": _credit_total(agreement, credit_list, inactive),
	"review": review_result,
} if {
	is_object(inp)
	inactive := _inactive(agreement, now(inp))
	slo_list := _in_order(inactive, agreement.slos, slos, "error")
	duty_list := _in_order(inactive, agreement.responsibilities, responsibilities, "unknown")
	credit_list := _in_order(inactive, agreement.credits, credits, "unknown")
}

_inactive(agreement, t) := "not_yet_effective" if {
	t < agreement.effective_unix
} else := "expired" if {
	agreement.expires_unix != null
	t >= agreement.expires_unix
} else := null

# Nothing is measured while an agreement is inactive. (No literal [] here:
# an empty collection in a rule's type makes OPA's type checker look for
# "with" overrides in every module, for every agreement; see
# _with_for_the_type_checker.)
_in_order(inactive, names, results, missing) := [_result(results, n, missing) |
	some n in names
	inactive == null
]

# _result never drops a block: one without a result is an error (an SLO)
# or unknown (a responsibility, a credit), never a pass.
_result(results, n, missing) := results[n] if {
	n in object.keys(results)
} else := {"name": n, "status": missing, "percent": null, "amount": null, "message": sprintf("%s has no result: the input is not what the policy expects", [n])} if {
	missing == "unknown"
} else := {"name": n, "status": missing, "message": sprintf("%s has no result: the input is not what the policy expects", [n])}

_credit_total(agreement, credits, null) := credit_total(credits, agreement.fee) if agreement.fee != null

_credit_total(agreement, _, inactive) := null if {
	inactive != null
} else := null if {
	agreement.fee == null
}

_status(inactive, slos, duties, review_result) := "inactive" if {
	inactive != null
} else := "breached" if {
	_any(slos, "fail")
} else := "breached" if {
	_any(duties, "breached")
} else := "inconclusive" if {
	_any(slos, "no_data")
} else := "inconclusive" if {
	_any(slos, "error")
} else := "inconclusive" if {
	_any(duties, "unknown")
} else := "at_risk" if {
	_any(slos, "warn")
} else := "at_risk" if {
	review_result.status == "overdue"
} else := "compliant"

_any(results, status) if {
	some r in results
	r.status == status
}

# For each rule whose type holds an empty collection (the credits of an
# agreement that has none), OPA's type checker looks through every module
# for the rules a "with" could replace, and keeps what it found only if it
# found some. Without a single "with" on data, a thousand agreements take
# it quadratic time: 46 s to compile instead of 3. This one is found, and
# replaces nothing that is used.
_with_for_the_type_checker if {
	_replaced_by_with with data.entente.lib._replaced_by_with as true
}

_replaced_by_with := false

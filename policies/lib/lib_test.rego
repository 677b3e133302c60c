package entente.lib_test

import data.entente.lib

ratio := {
	"name": "availability", "indicator": "availability", "kind": "ratio",
	"objective": 99.9, "warning": 99.95, "min": null, "max": null,
	"min_events": 100, "no_data": "inconclusive", "min_coverage": 95, "unit": "", "calendar": true,
}

latency := {
	"name": "latency", "indicator": "latency_p99", "kind": "value",
	"objective": null, "warning": 0.25, "min": null, "max": 0.3,
	"min_events": 0, "no_data": "inconclusive", "min_coverage": 95, "unit": "s", "calendar": false,
}

uptime := {
	"name": "uptime", "indicator": "probe_up", "kind": "timeslice",
	"objective": 99.5, "warning": null, "min": null, "max": null,
	"min_events": 1, "no_data": "fail", "min_coverage": 95, "unit": "", "calendar": false,
}

slo_with(def, m) := lib.slo(def, {"measurements": {"slos": {def.name: m}}})

test_ratio_meets_its_objective_exactly if {
	r := slo_with(object.union(ratio, {"warning": null}), {"good": 999, "total": 1000})
	r.status == "pass"
	r.measured == 99.9
	r.burn_rate == 1
}

test_ratio_above_the_warning_passes if {
	r := slo_with(ratio, {"good": 9996, "total": 10000})
	r.status == "pass"
	r.message == "availability 99.96% meets the objective 99.9%"
}

test_ratio_between_objective_and_warning_warns if {
	r := slo_with(ratio, {"good": 9993, "total": 10000})
	r.status == "warn"
	r.message == "availability 99.93% is below the warning threshold 99.95% (the bound is 99.9%)"
}

test_ratio_below_the_objective_fails_with_budget_overspent if {
	r := slo_with(ratio, {"good": 9941000, "total": 10000000, "elapsed": 1})
	r.status == "fail"
	r.measured == 99.41
	r.burn_rate == 5.9
	r.budget_consumed == 5.9
	r.budget_remaining == -4.9
	r.message == "availability 99.41% is below the objective 99.9%"
}

test_budget_is_consumed_in_proportion_to_the_period_elapsed if {
	r := slo_with(ratio, {"good": 9980, "total": 10000, "elapsed": 0.5})
	r.burn_rate == 2
	r.budget_consumed == 1
	r.budget_remaining == 0
}

test_fewer_events_than_min_events_is_no_data if {
	r := slo_with(ratio, {"good": 50, "total": 50})
	r.status == "no_data"
	r.measured == null
	r.burn_rate == null
	r.total == 50
	r.message == "availability has no data: 50 events, fewer than the 100 required"
}

test_no_data_can_be_counted_as_fail if {
	r := slo_with(object.union(ratio, {"no_data": "fail"}), {"good": 0, "total": 0})
	r.status == "fail"
	r.measured == null
}

test_a_failed_measurement_is_an_error_never_a_pass if {
	r := slo_with(object.union(ratio, {"no_data": "pass"}), {"error": "prometheus: timeout"})
	r.status == "error"
	r.message == "availability could not be measured: prometheus: timeout"
}

test_a_missing_measurement_is_an_error if {
	r := lib.slo(ratio, {})
	r.status == "error"
}

test_counts_out_of_order_are_an_error if {
	slo_with(ratio, {"good": 11, "total": 10}).status == "error"
	slo_with(ratio, {"good": "11", "total": 10}).status == "error"
	slo_with(ratio, "99.9").status == "error"
}

# A third of the window: a Prometheus that keeps ten days, a month measured.
third := {"percent": 32.4, "from": "2026-10-21T12:00:00Z", "to": "2026-10-31T23:00:00Z", "step_seconds": 3600, "note": "the source may not retain the whole window"}

test_too_little_coverage_is_no_data_whatever_was_measured if {
	r := slo_with(ratio, {"good": 10000, "total": 10000, "coverage": third})
	r.status == "no_data"
	r.measured == null
	r.burn_rate == null
	r.good == null
	r.message == "availability has no data: data covers 32.4% of the window (from 2026-10-21T12:00:00Z to 2026-10-31T23:00:00Z), less than the 95% required: the source may not retain the whole window"
	r.coverage.percent == 32.4
	r.coverage.required == 95
}

test_too_little_coverage_then_follows_the_no_data_policy if {
	r := slo_with(object.union(ratio, {"no_data": "fail"}), {"good": 10000, "total": 10000, "coverage": third})
	r.status == "fail"
	r.measured == null
	endswith(r.message, "(counted as fail, as no_data says)")
}

test_enough_coverage_measures_as_usual if {
	r := slo_with(ratio, {"good": 9996, "total": 10000, "coverage": object.union(third, {"percent": 95})})
	r.status == "pass"
	r.coverage.percent == 95
	slo_with(object.union(ratio, {"min_coverage": 0}), {"good": 9996, "total": 10000, "coverage": object.union(third, {"percent": 0})}).status == "pass"
}

test_no_coverage_given_is_not_checked if {
	r := slo_with(ratio, {"good": 9996, "total": 10000})
	r.status == "pass"
	r.coverage == null
}

test_a_definition_without_min_coverage_requires_95 if {
	def := object.remove(ratio, ["min_coverage"])
	r := slo_with(def, {"good": 10000, "total": 10000, "coverage": third})
	r.status == "no_data"
	r.coverage.required == 95
	slo_with(object.union(ratio, {"min_coverage": null}), {"good": 10000, "total": 10000, "coverage": third}).status == "no_data"
}

test_only_the_fields_of_coverage_are_passed_on if {
	r := slo_with(ratio, {"good": 9996, "total": 10000, "coverage": object.union(third, {"percent": 99, "extra": 1, "from": 5})})
	r.coverage == {"percent": 99, "from": null, "to": third.to, "step_seconds": 3600, "note": third.note, "required": 95}
}

test_coverage_that_is_not_a_percentage_is_an_error if {
	slo_with(ratio, {"good": 9996, "total": 10000, "coverage": {"percent": 101}}).status == "error"
	slo_with(ratio, {"good": 9996, "total": 10000, "coverage": {"percent": "all"}}).status == "error"
	slo_with(ratio, {"good": 9996, "total": 10000, "coverage": 100}).status == "error"
}

test_no_counts_with_a_reason_is_no_data_that_says_why if {
	r := slo_with(ratio, {"good": null, "total": null, "reason": "the bad query returns no number"})
	r.status == "no_data"
	r.message == "availability has no data: the bad query returns no number"
	slo_with(ratio, {"good": null, "total": 10}).status == "error"
}

test_value_under_the_warning_passes if {
	r := slo_with(latency, {"value": 0.2})
	r.status == "pass"
	r.burn_rate == null
	r.message == "latency 0.2 s is within the maximum 0.3 s"
}

test_value_between_warning_and_max_warns if {
	slo_with(latency, {"value": 0.27}).status == "warn"
}

test_value_above_max_fails if {
	r := slo_with(latency, {"value": 0.31})
	r.status == "fail"
	r.message == "latency 0.31 s is above the maximum 0.3 s"
}

test_value_at_max_passes_the_bound if {
	slo_with(object.union(latency, {"warning": null}), {"value": 0.3}).status == "pass"
}

test_value_min_bound if {
	def := object.union(latency, {"max": null, "min": 0.99, "warning": 0.995, "unit": ""})
	slo_with(def, {"value": 0.98}).status == "fail"
	slo_with(def, {"value": 0.993}).status == "warn"
	slo_with(def, {"value": 1}).status == "pass"
}

test_value_without_data if {
	slo_with(latency, {"value": null}).status == "no_data"
	slo_with(latency, {"value": "fast"}).status == "error"
}

test_timeslices_count_good_slices if {
	slo_with(uptime, {"good": 8600, "total": 8640}).status == "pass"
	slo_with(uptime, {"good": 8500, "total": 8640}).status == "fail"
	r := slo_with(uptime, {"good": 0, "total": 0})
	r.status == "fail"
	r.message == "uptime has no data: no slice was counted (counted as fail, as no_data says)"
}

access := {"name": "staging-access", "party": "customer", "kind": "fact", "fact": "staging_access_granted", "due_unix": time.parse_rfc3339_ns("2026-03-01T00:00:00Z") / 1000000000, "due": "2026-03-01", "min": null, "max": null}

duty(def, at, facts) := lib.responsibility(def, {"at": at, "facts": facts})

test_a_fact_that_holds_is_met if {
	duty(access, "2026-04-01T00:00:00Z", {"staging_access_granted": true}).status == "met"
}

test_a_fact_before_its_due_date_is_pending if {
	duty(access, "2026-02-01T00:00:00Z", {"staging_access_granted": false}).status == "pending"
	duty(access, "2026-02-01T00:00:00Z", {}).status == "pending"
}

test_a_fact_after_its_due_date if {
	duty(access, "2026-03-02T00:00:00Z", {"staging_access_granted": false}).status == "breached"
	duty(access, "2026-03-02T00:00:00Z", {}).status == "unknown"
	duty(object.union(access, {"due_unix": null, "due": null}), "2026-01-01T00:00:00Z", {"staging_access_granted": false}).status == "breached"
}

ack := {"name": "p1-acknowledgement", "party": "provider", "kind": "indicator", "max": 15, "min": null, "due": null, "due_unix": null, "min_coverage": 95}

test_a_measured_responsibility if {
	lib.responsibility(ack, {"measurements": {"responsibilities": {"p1-acknowledgement": {"value": 12}}}}).status == "met"
	r := lib.responsibility(ack, {"measurements": {"responsibilities": {"p1-acknowledgement": {"value": 22}}}})
	r.status == "breached"
	r.measured == 22
	lib.responsibility(ack, {"measurements": {"responsibilities": {"p1-acknowledgement": {"value": null}}}}).status == "unknown"
	lib.responsibility(ack, {"measurements": {"responsibilities": {"p1-acknowledgement": {"error": "timeout"}}}}).status == "unknown"
}

test_a_responsibility_measured_over_too_little_of_its_window_is_unknown if {
	r := lib.responsibility(ack, {"measurements": {"responsibilities": {"p1-acknowledgement": {"value": 12, "coverage": third}}}})
	r.status == "unknown"
	r.measured == null
	startswith(r.message, "p1-acknowledgement has no data: data covers 32.4% of the window")
	r.coverage.required == 95
	lib.responsibility(ack, {"measurements": {"responsibilities": {"p1-acknowledgement": {"value": 12, "coverage": object.union(third, {"percent": 99})}}}}).status == "met"
}

fee := {"monthly": 12000, "currency": "EUR", "credit_cap_percent": 50}

credit_def := {"name": "availability", "slo": "availability", "calendar": true, "tiers": [{"below": 99.9, "above": null, "percent": 10}, {"below": 99, "above": null, "percent": 25}]}

test_the_highest_tier_that_applies_is_owed if {
	c := lib.credit(credit_def, {"measured": 98.5}, fee, {})
	c.status == "owed"
	c.percent == 25
	c.amount == 3000
	c.final == true
	lib.credit(credit_def, {"measured": 99.5}, fee, {}).percent == 10
}

test_no_tier_applies if {
	c := lib.credit(credit_def, {"measured": 99.95}, fee, {})
	c.status == "none"
	c.percent == 0
	c.amount == 0
}

test_no_data_leaves_the_credit_unknown if {
	c := lib.credit(credit_def, {"measured": null}, fee, {})
	c.status == "unknown"
	c.amount == null
}

test_a_running_calendar_period_is_not_final if {
	inp := {"measurements": {"slos": {"availability": {"elapsed": 0.4}}}}
	lib.credit(credit_def, {"measured": 98}, fee, inp).final == false
}

claim_def := object.union(credit_def, {"claim_within_seconds": 2592000, "min_amount": 1500})

claim_input(at) := {"at": at, "measurements": {"slos": {"availability": {"period_end": "2026-11-01T00:00:00+01:00"}}}}

test_a_credit_without_the_terms_of_a_claim_has_no_claim if {
	c := lib.credit(credit_def, {"measured": 98.5}, fee, claim_input("2026-11-02T00:00:00Z"))
	not "claim" in object.keys(c)
	not "claim_by" in object.keys(c)
}

test_a_credit_is_claimable_until_its_deadline if {
	c := lib.credit(claim_def, {"measured": 98.5}, fee, claim_input("2026-11-02T00:00:00Z"))
	c.claim_by == "2026-11-30T23:00:00Z" # 30 days after the end of October in Paris
	c.claim == "claimable"
	lib.credit(claim_def, {"measured": 98.5}, fee, claim_input("2026-11-30T22:59:59Z")).claim == "claimable"
}

test_a_credit_not_claimed_in_time_expires_and_is_not_owed if {
	c := lib.credit(claim_def, {"measured": 98.5}, fee, claim_input("2026-11-30T23:00:01Z"))
	c.claim == "expired"
	c.status == "owed"
	t := lib.credit_total([c], fee)
	t.percent == 0
	t.amount == 0
}

test_a_credit_at_or_below_the_minimum_is_not_paid if {
	# 10% of 12,000 is 1,200: at most min_amount = 1,500
	c := lib.credit(claim_def, {"measured": 99.5}, fee, claim_input("2026-11-02T00:00:00Z"))
	c.claim == "below_minimum"
	lib.credit_total([c], fee).amount == 0
	# 25% is 3,000: paid
	lib.credit(claim_def, {"measured": 98.5}, fee, claim_input("2026-11-02T00:00:00Z")).claim == "claimable"
}

test_nothing_owed_is_nothing_to_claim if {
	c := lib.credit(claim_def, {"measured": 99.95}, fee, claim_input("2026-11-02T00:00:00Z"))
	c.claim == null
	c.claim_by == "2026-11-30T23:00:00Z"
}

test_credits_above_the_cap_are_capped if {
	t := lib.credit_total([{"status": "owed", "percent": 40}, {"status": "owed", "percent": 25}, {"status": "none", "percent": 0}], fee)
	t.percent == 50
	t.amount == 6000
	t.capped == true
	u := lib.credit_total([{"status": "owed", "percent": 10}], fee)
	u.capped == false
	u.amount == 1200
}

review_def := {"due_unix": time.parse_rfc3339_ns("2027-01-15T00:00:00Z") / 1000000000, "due": "2027-01-15", "notice_seconds": (30 * 24) * 3600, "owner": "customer"}

test_review_status if {
	lib.review(review_def, {"at": "2026-11-01T00:00:00Z"}).status == "current"
	lib.review(review_def, {"at": "2027-01-01T00:00:00Z"}).status == "due_soon"
	lib.review(review_def, {"at": "2027-01-16T00:00:00Z"}).status == "overdue"
}

agreement := {
	"name": "payments-hosting", "title": "Payments", "version": "2.1.0",
	"effective_unix": time.parse_rfc3339_ns("2026-01-01T00:00:00Z") / 1000000000, "expires_unix": time.parse_rfc3339_ns("2028-01-01T00:00:00Z") / 1000000000,
	"slos": ["availability", "latency"], "responsibilities": ["ack"], "credits": [], "fee": null,
}

status_of(slos, duties, review_status, at) := lib.verdict(
	agreement,
	{"availability": {"status": slos[0]}, "latency": {"status": slos[1]}},
	{"ack": {"status": duties[0]}},
	{},
	{"status": review_status},
	{"at": at},
).status

test_agreement_status_takes_the_first_that_holds if {
	status_of(["fail", "error"], ["unknown"], "overdue", "2026-06-01T00:00:00Z") == "breached"
	status_of(["pass", "pass"], ["breached"], "current", "2026-06-01T00:00:00Z") == "breached"
	status_of(["warn", "no_data"], ["met"], "overdue", "2026-06-01T00:00:00Z") == "inconclusive"
	status_of(["pass", "pass"], ["unknown"], "current", "2026-06-01T00:00:00Z") == "inconclusive"
	status_of(["warn", "pass"], ["met"], "current", "2026-06-01T00:00:00Z") == "at_risk"
	status_of(["pass", "pass"], ["pending"], "overdue", "2026-06-01T00:00:00Z") == "at_risk"
	status_of(["pass", "pass"], ["met"], "due_soon", "2026-06-01T00:00:00Z") == "compliant"
}

test_an_agreement_outside_its_term_is_inactive_and_measures_nothing if {
	v := lib.verdict(agreement, {}, {}, {}, null, {"at": "2025-12-31T23:59:59Z"})
	v.status == "inactive"
	v.inactive == "not_yet_effective"
	v.slos == []
	w := lib.verdict(agreement, {}, {}, {}, null, {"at": "2028-01-01T00:00:00Z"})
	w.inactive == "expired"
}

test_elapsed_applies_to_calendar_periods_only if {
	r := slo_with(uptime, {"good": 8000, "total": 8640, "elapsed": 0.25})
	lib.round_figure(r.budget_consumed) == lib.round_figure(r.burn_rate)
}

test_elapsed_out_of_range_is_an_error if {
	slo_with(ratio, {"good": 9990, "total": 10000, "elapsed": 5}).status == "error"
	slo_with(ratio, {"good": 9990, "total": 10000, "elapsed": "half"}).status == "error"
}

test_a_value_slo_given_counts_is_an_error_not_no_data if {
	slo_with(object.union(latency, {"no_data": "pass"}), {"good": 5, "total": 10}).status == "error"
	slo_with(object.union(latency, {"no_data": "pass"}), {}).status == "error"
}

test_the_window_measured_is_echoed if {
	r := slo_with(ratio, {"good": 9990, "total": 10000, "window": {"start": "a", "end": "b"}, "excluded_seconds": 7200})
	r.window == {"start": "a", "end": "b"}
	r.excluded_seconds == 7200
}

test_a_fact_that_is_not_a_boolean_is_unknown if {
	r := duty(access, "2026-02-01T00:00:00Z", {"staging_access_granted": "yes"})
	r.status == "unknown"
	r.message == "fact staging_access_granted is \"yes\"; it must be true or false"
}

test_an_unknown_credit_leaves_the_total_unknown if {
	t := lib.credit_total([{"status": "owed", "percent": 10}, {"status": "unknown", "percent": null}], fee)
	t.percent == null
	t.amount == null
}

test_at_can_be_unix_seconds if {
	v := lib.verdict(agreement, {}, {}, {}, null, {"at": 1767225600})
	v.inactive == null
}

test_an_at_that_is_not_a_time_gives_no_verdict if {
	not lib.verdict(agreement, {}, {}, {}, null, {"at": "2026-06-15"})
}

test_an_input_that_is_not_an_object_gives_no_verdict if {
	not lib.verdict(agreement, {}, {}, {}, null, "x")
}

test_a_block_without_a_result_is_an_error_not_dropped if {
	v := lib.verdict(agreement, {"availability": {"status": "pass"}}, {"ack": {"status": "met"}}, {}, null, {"at": "2026-06-15T00:00:00Z"})
	v.slos[1].status == "error"
	v.status == "inconclusive"
}

test_a_responsibility_or_credit_without_a_result_is_unknown if {
	a := object.union(agreement, {"credits": ["availability"], "fee": {"monthly": 100, "currency": "EUR", "credit_cap_percent": null}})
	v := lib.verdict(a, {"availability": {"status": "pass"}, "latency": {"status": "pass"}}, {}, {}, null, {"at": "2026-06-15T00:00:00Z"})
	v.responsibilities[0].status == "unknown"
	v.credits[0].status == "unknown"
	v.credit_total.percent == null
	v.status == "inconclusive"
}

test_a_duration_reads_as_people_write_it if {
	lib.duration_text(8012.903226) == "2 h 13 min"
	lib.duration_text(60) == "1 min"
	lib.duration_text(7200) == "2 h"
	lib.duration_text(90061) == "1 d 1 h"
	lib.duration_text(-125) == "-2 min 5 s"
	lib.duration_text(0) == "0 s"
}

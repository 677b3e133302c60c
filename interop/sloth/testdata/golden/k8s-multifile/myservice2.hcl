# Imported from Sloth by entente import sloth. Sloth says what is measured;
# an agreement also says between whom, what a miss costs and when it is
# reviewed: see the TODO comments below (docs/interop.md).
agreement "myservice2" {
  title     = "myservice2"
  version   = "0.1.0"
  effective = "2026-09-01"

  # TODO: the parties, party "provider" and party "customer", with their
  # legal names (docs/language.md#party).

  # Sloth labels: owner=myteam2, repo=myorg/myservice2, tier=1.
  service "myservice2" {
  }

  # Sloth's errorQuery, rewritten: rate() becomes increase(), to count events;
  # "or vector(0)": no bad events is none.
  # Sloth's totalQuery, rewritten: rate() becomes increase(), to count events.
  indicator "requests-availability" {
    ratio {
      bad   = "sum(increase(http_request_duration_seconds_count{code=~'(5..|429)',job='myservice'}[${window}])) or vector(0)"
      total = "sum(increase(http_request_duration_seconds_count{job='myservice'}[${window}]))"
    }
  }

  # Sloth alerts MyServiceHighErrorRate; page: routing_key=myteam,
  # severity=pageteam; ticket: severity=slack, slack_channel=#alerts-myteam;
  # entente rules writes the same multi-window burn-rate alerts
  # (docs/alerting.md).
  slo "requests-availability" {
    description = "Common SLO based on availability for HTTP request responses."
    indicator   = indicator.requests-availability
    objective   = 99.99
    window      = "30d"
  }

  # TODO: the monthly fee and the service credits owed when an SLO is missed
  # (docs/language.md#fee and #credit).

  # TODO: how often the agreement is reviewed, and by whom
  # (docs/language.md#review).
}

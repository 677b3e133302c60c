# Imported from OpenSLO by entente import openslo. OpenSLO says what is
# measured; an agreement also says between whom, what a miss costs and when
# it is reviewed: see the TODO comments below (docs/interop.md).
agreement "my-service" {
  title     = "my-service"
  version   = "0.1.0"
  effective = "2026-09-01"

  # TODO: the parties, party "provider" and party "customer", with their
  # legal names (docs/language.md#party).

  service "my-service" {
  }

  # OpenSLO's good query, rewritten: rate() becomes increase(), to count events.
  # OpenSLO's total query, rewritten: rate() becomes increase(), to count
  # events.
  indicator "sloth-slo-my-service" {
    ratio {
      good  = "sum(increase(http_request_duration_seconds_count{code!~'(5..|429)',job='myservice'}[${window}]))"
      total = "sum(increase(http_request_duration_seconds_count{job='myservice'}[${window}]))"
    }
  }

  slo "sloth-slo-my-service" {
    description = "Common SLO based on availability for HTTP request responses."
    indicator   = indicator.sloth-slo-my-service
    objective   = 99.9
    window      = "30d"
  }

  # TODO: the monthly fee and the service credits owed when an SLO is missed
  # (docs/language.md#fee and #credit).

  # TODO: how often the agreement is reviewed, and by whom
  # (docs/language.md#review).
}

# Imported from OpenSLO by entente import openslo. OpenSLO says what is
# measured; an agreement also says between whom, what a miss costs and when
# it is reviewed: see the TODO comments below (docs/interop.md).
agreement "web" {
  title     = "web"
  version   = "0.1.0"
  effective = "2026-09-01"
  time_zone = "America/New_York"

  # TODO: the parties, party "provider" and party "customer", with their
  # legal names (docs/language.md#party).

  service "web" {
  }

  # OpenSLO's good query, rewritten: increase() over the window.
  # OpenSLO's total query, rewritten: increase() over the window.
  indicator "web-successful-requests-ratio" {
    ratio {
      good  = "sum(increase(http_requests{code=~'2xx|4xx',component='web',k8s_cluster='prod'}[${window}]))"
      total = "sum(increase(http_requests{component='web',k8s_cluster='prod'}[${window}]))"
    }
  }

  # OpenSLO objective "Good".
  slo "web-availability" {
    description = "X% of search requests are successful"
    indicator   = indicator.web-successful-requests-ratio
    objective   = 99.5
    calendar    = "week"

    timeslices {
      slice     = "1m"
      objective = 95
    }
  }

  # TODO: the monthly fee and the service credits owed when an SLO is missed
  # (docs/language.md#fee and #credit).

  # TODO: how often the agreement is reviewed, and by whom
  # (docs/language.md#review).
}

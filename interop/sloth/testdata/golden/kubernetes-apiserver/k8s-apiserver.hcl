# Imported from Sloth by entente import sloth. Sloth says what is measured;
# an agreement also says between whom, what a miss costs and when it is
# reviewed: see the TODO comments below (docs/interop.md).
agreement "k8s-apiserver" {
  title     = "k8s-apiserver"
  version   = "0.1.0"
  effective = "2026-09-01"

  # TODO: the parties, party "provider" and party "customer", with their
  # legal names (docs/language.md#party).

  # Sloth labels: cluster=valhalla, component=kubernetes.
  service "k8s-apiserver" {
  }

  # Sloth's errorQuery, rewritten: rate() becomes increase(), to count events;
  # "or vector(0)": no bad events is none.
  # Sloth's totalQuery, rewritten: rate() becomes increase(), to count events.
  indicator "requests-availability" {
    ratio {
      bad   = "sum(increase(apiserver_request_total{code=~'(5..|429)'}[${window}])) or vector(0)"
      total = "sum(increase(apiserver_request_total[${window}]))"
    }
  }

  # Sloth's errorQuery, rewritten: rate() becomes increase(), to count events.
  # Sloth's totalQuery, rewritten: rate() becomes increase(), to count events.
  indicator "requests-latency" {
    ratio {
      bad   = "(sum(increase(apiserver_request_duration_seconds_count{verb!='WATCH'}[${window}])) - sum(increase(apiserver_request_duration_seconds_bucket{le='0.4',verb!='WATCH'}[${window}])))"
      total = "sum(increase(apiserver_request_duration_seconds_count{verb!='WATCH'}[${window}]))"
    }
  }

  # Sloth labels: category=availability.
  # Sloth alerts K8sApiserverAvailabilityAlert; page: severity=critical; ticket:
  # severity=warning; entente rules writes the same multi-window burn-rate
  # alerts (docs/alerting.md).
  slo "requests-availability" {
    description = "Warn that we are returning correctly the requests to the clients (kubectl users, controllers...)."
    indicator   = indicator.requests-availability
    objective   = 99.9
    window      = "30d"
  }

  # Sloth labels: category=latency.
  # Sloth alerts K8sApiserverLatencyAlert; page: severity=critical; ticket:
  # severity=warning; entente rules writes the same multi-window burn-rate
  # alerts (docs/alerting.md).
  slo "requests-latency" {
    description = "Warn that we apiserver responses are being slow and this will affect the clients  (kubectl users, controllers...)."
    indicator   = indicator.requests-latency
    objective   = 99
    window      = "30d"
  }

  # TODO: the monthly fee and the service credits owed when an SLO is missed
  # (docs/language.md#fee and #credit).

  # TODO: how often the agreement is reviewed, and by whom
  # (docs/language.md#review).
}

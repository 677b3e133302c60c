# Imported from OpenSLO by entente import openslo. OpenSLO says what is
# measured; an agreement also says between whom, what a miss costs and when
# it is reviewed: see the TODO comments below (docs/interop.md).
agreement "k8s-apiserver" {
  title     = "k8s-apiserver"
  version   = "0.1.0"
  effective = "2026-09-01"

  # TODO: the parties, party "provider" and party "customer", with their
  # legal names (docs/language.md#party).

  service "k8s-apiserver" {
  }

  # OpenSLO's good query, rewritten: rate() becomes increase(), to count events.
  # OpenSLO's total query, rewritten: rate() becomes increase(), to count
  # events.
  indicator "requests-availability-openslo" {
    ratio {
      good  = "sum(increase(apiserver_request_total{code!~'(5..|429)'}[${window}]))"
      total = "sum(increase(apiserver_request_total[${window}]))"
    }
  }

  # OpenSLO's good query, rewritten: rate() becomes increase(), to count events.
  # OpenSLO's total query, rewritten: rate() becomes increase(), to count
  # events.
  indicator "requests-latency-openslo-1" {
    ratio {
      good  = "sum(increase(apiserver_request_duration_seconds_bucket{le='0.4',verb!='WATCH'}[${window}]))"
      total = "sum(increase(apiserver_request_duration_seconds_count{verb!='WATCH'}[${window}]))"
    }
  }

  # OpenSLO's good query, rewritten: rate() becomes increase(), to count events.
  # OpenSLO's total query, rewritten: rate() becomes increase(), to count
  # events.
  indicator "requests-latency-openslo-2" {
    ratio {
      good  = "sum(increase(apiserver_request_duration_seconds_bucket{le='5',verb!='WATCH'}[${window}]))"
      total = "sum(increase(apiserver_request_duration_seconds_count{verb!='WATCH'}[${window}]))"
    }
  }

  slo "requests-availability-openslo" {
    description = "Apiserver are returning correctly the requests to the clients (kubectl users, controllers...)."
    indicator   = indicator.requests-availability-openslo
    objective   = 99.9
    window      = "30d"
  }

  slo "requests-latency-openslo-1" {
    description = "Apiserver responses are being fast enough and this will affect the clients (kubectl users, controllers...)."
    indicator   = indicator.requests-latency-openslo-1
    objective   = 99
    window      = "30d"
  }

  slo "requests-latency-openslo-2" {
    description = "Apiserver responses are being fast enough and this will affect the clients (kubectl users, controllers...)."
    indicator   = indicator.requests-latency-openslo-2
    objective   = 99.9
    window      = "30d"
  }

  # TODO: the monthly fee and the service credits owed when an SLO is missed
  # (docs/language.md#fee and #credit).

  # TODO: how often the agreement is reviewed, and by whom
  # (docs/language.md#review).
}

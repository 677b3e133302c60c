# Every shape of SLO and responsibility the rules are written for.
agreement "shapes" {
  title     = "Every shape of rule"
  version   = "1.0.0"
  effective = "2026-01-01"
  time_zone = "America/New_York"

  party "provider" {
    name = "Provider Inc."
  }
  party "customer" {
    name = "Customer LLC"
  }

  service "api" {
    includes = ["api.example"]
  }

  indicator "errors" {
    ratio {
      bad   = "sum(rate(api_requests_total{job=\"api\", code=~\"5..\"}[${window}]))"
      total = "sum(rate(api_requests_total{job=\"api\"}[${window}]))"
    }
  }

  indicator "latency" {
    value = "histogram_quantile(0.95, sum by (le) (rate(api_latency_seconds_bucket{job=\"api\"}[${window}])))"
    unit  = "s"
  }

  indicator "throughput" {
    value = "sum(rate(api_requests_total{job=\"api\"}[${window}]))"
    unit  = "req/s"
  }

  indicator "ack" {
    value    = "max_over_time(incident_ack_minutes[${window}])"
    unit     = "min"
    coverage = false
  }

  slo "errors-28d" {
    indicator = indicator.errors
    objective = 99.5
    window    = "28d"
  }

  slo "errors-week" {
    indicator = indicator.errors
    objective = 99
    calendar  = "week"
  }

  slo "errors-quarter" {
    indicator = indicator.errors
    objective = 99.95
    calendar  = "quarter"
  }

  slo "latency" {
    indicator = indicator.latency
    max       = 0.5
    window    = "1d"
  }

  slo "throughput" {
    indicator = indicator.throughput
    min       = 10
    calendar  = "month"
  }

  slo "good-minutes" {
    indicator = indicator.errors
    objective = 99
    window    = "30d"
    timeslices {
      slice     = "1m"
      objective = 95
    }
  }

  slo "mean-uptime" {
    indicator = indicator.errors
    objective = 99.9
    calendar  = "month"
    timeslices {
      slice   = "5m"
      measure = "mean"
      empty   = "good"
    }
  }

  slo "down-minutes" {
    indicator = indicator.errors
    objective = 99.99
    window    = "30d"
    timeslices {
      slice      = "1m"
      objective  = 99
      min_run    = 5
      min_events = 100
    }
  }

  exclusion "nightly" {
    cron     = "0 3 * * *"
    duration = "30m"
    slos     = [slo.errors-28d, slo.good-minutes]
  }
  exclusion "migration" {
    from = "2026-12-01T00:00:00Z"
    to   = "2026-12-01T06:00:00Z"
  }

  responsibility "acknowledge" {
    party     = party.provider
    indicator = indicator.ack
    max       = 30
    window    = "7d"
  }
  responsibility "keep-traffic" {
    party     = party.customer
    indicator = indicator.throughput
    min       = 1
    calendar  = "day"
  }
}

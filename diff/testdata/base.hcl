agreement "hosting" {
  title     = "Hosting"
  version   = "1.0.0"
  effective = "2026-01-01"
  expires   = "2027-12-31"
  time_zone = "Europe/Paris"

  party "provider" {
    name    = "Acme Cloud SAS"
    contact = "sla@acme.example"
  }
  party "customer" {
    name = "Globex Ltd"
  }

  service "api" {
    description = "Public API"
    includes    = ["api.globex.example"]
    excludes    = ["sandbox"]
  }

  indicator "availability" {
    ratio {
      good  = "sum(increase(http_requests_total{code!~'5..'}[${window}]))"
      total = "sum(increase(http_requests_total[${window}]))"
    }
  }
  indicator "latency" {
    value = "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[${window}])))"
    unit  = "s"
  }
  indicator "ack" {
    value = "max_over_time(incident_ack_minutes[${window}])"
    unit  = "min"
  }

  slo "availability" {
    indicator    = indicator.availability
    objective    = 99.9
    warning      = 99.95
    calendar     = "month"
    min_events   = 100
    no_data      = "inconclusive"
    min_coverage = 95
  }
  slo "latency" {
    indicator = indicator.latency
    max       = 0.3
    window    = "7d"
  }
  slo "uptime" {
    indicator = indicator.availability
    objective = 99.5
    window    = "30d"
    timeslices {
      slice      = "5m"
      objective  = 99
      missing    = "skip"
      min_events = 10
      min_run    = 2
    }
  }

  exclusion "maintenance" {
    cron     = "0 2 * * SUN"
    duration = "2h"
  }
  exclusion "move" {
    from = "2026-11-15T01:00:00Z"
    to   = "2026-11-15T05:00:00Z"
    slos = [slo.availability]
  }

  responsibility "ack" {
    party     = party.provider
    indicator = indicator.ack
    max       = 15
    window    = "30d"
  }
  responsibility "staging" {
    party = party.customer
    fact  = "staging_access_granted"
    due   = "2026-03-01"
  }

  fee {
    monthly            = 12000
    currency           = "EUR"
    credit_cap_percent = 50
  }

  credit "availability" {
    slo          = slo.availability
    claim_within = "30d"
    min_amount   = 10
    tier {
      below   = 99.9
      percent = 10
    }
    tier {
      below   = 99.0
      percent = 25
    }
  }

  reporting {
    frequency  = "monthly"
    formats    = ["html"]
    recipients = ["sla@globex.example"]
  }

  review {
    every         = "1y"
    last_reviewed = "2026-01-15"
    owner         = party.customer
  }
}

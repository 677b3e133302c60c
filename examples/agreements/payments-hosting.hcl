agreement "payments-hosting" {
  title     = "Payments API hosting"
  version   = "2.1.0"        # semantic version of this agreement
  effective = "2026-01-01"   # date (agreement time zone) or RFC 3339 time
  expires   = "2027-12-31"   # optional
  time_zone = "Europe/Paris" # optional, IANA name, default "UTC"

  party "provider" {
    name    = "Acme Cloud SAS"
    contact = "sla@acme.example" # optional
  }
  party "customer" {
    name = "Globex Ltd"
  }

  service "payments-api" {
    description = "Public REST API for card payments"
    includes    = ["api.globex.example", "webhook delivery"]
    excludes    = ["sandbox environment"]
  }

  # A ratio indicator counts good and total events over a range.
  indicator "availability" {
    description = "Requests answered without a server error"
    ratio {
      good  = "sum(increase(http_requests_total{job='payments',code!~'5..'}[${window}]))"
      total = "sum(increase(http_requests_total{job='payments'}[${window}]))"
      # or: bad = "..." instead of good (good = total - bad)
    }
  }

  # A value indicator yields one number for a range.
  indicator "latency_p99" {
    description = "99th percentile latency"
    value       = "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job='payments'}[${window}])))"
    unit        = "s"
  }

  indicator "probe_up" {
    value = "avg_over_time(probe_success{job='payments'}[${window}])"
  }

  indicator "p1_ack_minutes" {
    description = "Slowest acknowledgement of a priority-1 incident"
    value       = "max_over_time(incident_ack_minutes{priority='1'}[${window}])"
    unit        = "min"
  }

  slo "availability" {
    description = "Monthly availability"
    indicator   = indicator.availability
    objective   = 99.9           # percent: the contractual commitment
    warning     = 99.95          # optional: internal target; between the two the SLO warns
    calendar    = "month"        # day | week | month | quarter | year; or window = "30d"
    min_events  = 100            # optional (ratio): fewer events than this is no data
    no_data     = "inconclusive" # default; or "pass" | "fail"
  }

  slo "latency" {
    indicator = indicator.latency_p99
    max       = 0.3 # value indicators take max or min
    warning   = 0.25
    window    = "7d"
  }

  slo "uptime" {
    indicator = indicator.probe_up
    objective = 99.5 # percent of good slices
    window    = "30d"
    timeslices {
      slice = "5m"
      min   = 0.99 # value indicator: a slice is good when its value >= 0.99
      # ratio indicator instead: objective = 99 (percent of good events in the slice)
      missing = "skip" # slices with no data: skip (default) | good | bad
    }
  }

  exclusion "weekly-maintenance" {
    description = "Sunday maintenance"
    cron        = "0 2 * * SUN" # start times, five-field cron, agreement time zone
    duration    = "2h"
  }
  exclusion "datacenter-move" {
    from = "2026-11-15T01:00:00Z"
    to   = "2026-11-15T05:00:00Z"
    slos = [slo.availability] # optional; default: every ratio and timeslice SLO
  }

  responsibility "p1-acknowledgement" {
    party       = party.provider
    description = "Acknowledge priority-1 incidents within 15 minutes"
    indicator   = indicator.p1_ack_minutes
    max         = 15
    window      = "30d"
  }
  responsibility "staging-access" {
    party       = party.customer
    description = "Provide staging credentials to the provider"
    fact        = "staging_access_granted" # a fact supplied at evaluation time
    due         = "2026-03-01"
  }

  fee {
    monthly            = 12000
    currency           = "EUR"
    credit_cap_percent = 50 # optional cap on the total credit per period
  }

  credit "availability" {
    slo = slo.availability
    tier {
      below   = 99.9 # measured below this: at least this tier
      percent = 10   # percent of the monthly fee
    }
    tier {
      below   = 99.0
      percent = 25
    }
    # for a max-bounded value SLO: tier { above = 0.5  percent = 10 }
  }

  reporting {
    frequency  = "monthly" # daily | weekly | monthly | quarterly
    formats    = ["html", "json"]
    recipients = ["sla-reports@globex.example"]
  }

  review {
    every         = "1y"
    last_reviewed = "2026-01-15"
    owner         = party.customer
    notice        = "30d" # optional, default 30d: "due soon" this long before
  }
}

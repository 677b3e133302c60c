# Functions as the large clouds sell them (Google Cloud Functions style),
# for Globex's thumbnail function. A minute is down when more than 10% of
# its executions fail, and only a minute with at least 100 executions can
# be down: a quiet minute with a few errors is not downtime. The monthly
# uptime is the share of the month's minutes that are not down, 99.95%
# promised; credits are 10% below 99.95, 25% below 99.0 and 50% below 95.0,
# claimed within 30 days of the end of the month.
agreement "functions" {
  title     = "Functions - thumbnail"
  version   = "2024.3.0"
  effective = "2026-01-01"
  time_zone = "UTC"

  party "provider" {
    name    = "Stratus Web Services Inc."
    contact = "functions-sla@stratus.example"
  }
  party "customer" {
    name    = "Globex Ltd"
    contact = "cloud-billing@globex.example"
  }

  service "functions" {
    description = "HTTP executions of the function thumbnail"
    includes    = ["executions of thumbnail in region europe-west1"]
    excludes    = ["errors raised by the function's own code", "executions over the documented quotas"]
  }

  # The platform exports how many executions ended each minute, by status:
  # one sample a minute of each, summed over the slice.
  indicator "execution_errors" {
    description = "Executions of thumbnail that did not fail with an internal error"
    ratio {
      bad   = "sum(sum_over_time(function_executions{function='thumbnail',status='error'}[${window}]))"
      total = "sum(sum_over_time(function_executions{function='thumbnail'}[${window}]))"
    }
  }

  slo "monthly-uptime" {
    description = "Monthly uptime: the share of minutes that are not down"
    indicator   = indicator.execution_errors
    objective   = 99.95
    calendar    = "month"
    timeslices {
      slice      = "1m"
      objective  = 90  # a minute is down above 10% of errors...
      min_events = 100 # ...with at least 100 executions
    }
  }

  fee {
    monthly  = 640
    currency = "USD"
  }

  credit "monthly-uptime" {
    slo          = slo.monthly-uptime
    claim_within = "30d"
    tier {
      below   = 99.95
      percent = 10
    }
    tier {
      below   = 99.0
      percent = 25
    }
    tier {
      below   = 95.0
      percent = 50
    }
  }

  reporting {
    frequency  = "monthly"
    formats    = ["html", "json"]
    recipients = ["cloud-billing@globex.example"]
  }

  review {
    every         = "1y"
    last_reviewed = "2026-06-30"
    owner         = party.customer
  }
}

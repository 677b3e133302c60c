# Enterprise plan for the Meridian geocoding and map tiles API, as sold to
# Northwind Logistics. Schedule B (service levels) of the order form.
#
# Calendar weeks, months and quarters, maintenance windows and plain dates are
# all read in New York time (EST/EDT). A plain date means the start of that
# day: the term below ends at midnight after 31 March 2028.
agreement "geo-api" {
  title     = "Geocoding and Map Tiles API - Enterprise plan"
  version   = "1.2.0"
  effective = "2026-04-01"
  expires   = "2028-04-01"
  time_zone = "America/New_York"

  party "provider" {
    name    = "Meridian Maps Inc."
    contact = "sla@meridianmaps.example"
  }
  party "customer" {
    name    = "Northwind Logistics LLC"
    contact = "platform-ops@northwind.example"
  }

  service "geocoding-api" {
    description = "Forward, reverse and batch geocoding over HTTPS"
    includes    = ["/v2/geocode", "/v2/reverse", "/v2/batch", "api.meridianmaps.example (us-east and us-west)"]
    excludes    = ["requests refused for exceeding the contracted rate limit (HTTP 429)", "/v3 beta endpoints"]
  }
  service "map-tiles" {
    description = "Vector and raster map tiles served from the CDN"
    includes    = ["tiles.meridianmaps.example", "zoom levels 0 to 18"]
    excludes    = ["custom map styles under development"]
  }

  # Server errors (5xx) out of every request that was not rate limited. The
  # 5xx series appear with the first error: "or vector(0)" counts none
  # before, where a bad query without an answer would be no data.
  indicator "api_errors" {
    description = "Geocoding requests answered without a server error"
    ratio {
      bad   = "sum(increase(http_requests_total{job='geo-api',code=~'5..'}[${window}])) or vector(0)"
      total = "sum(increase(http_requests_total{job='geo-api',code!='429'}[${window}]))"
    }
  }

  indicator "tile_success" {
    description = "Tile requests served successfully (2xx or 304)"
    ratio {
      good  = "sum(increase(http_requests_total{job='tile-cdn',code=~'2..|304'}[${window}]))"
      total = "sum(increase(http_requests_total{job='tile-cdn',code!='429'}[${window}]))"
    }
  }

  indicator "geocode_latency_p95" {
    description = "95th percentile response time of /v2/geocode, measured at the load balancer"
    value       = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job='geo-api',handler='/v2/geocode'}[${window}])))"
    unit        = "s"
  }

  # Synthetic checks from three regions, every 30 seconds, as a percentage.
  indicator "probe_success_pct" {
    description = "Share of successful external probes of the public endpoint"
    value       = "100 * avg(avg_over_time(probe_success{job='blackbox',target='https://api.meridianmaps.example/healthz'}[${window}]))"
    unit        = "%"
  }

  # Used for the customer's own obligation to stay within its rate limit.
  indicator "rate_limited_pct" {
    description = "Share of the customer's requests refused with HTTP 429"
    value       = "100 * sum(increase(http_requests_total{job='geo-api',code='429'}[${window}])) / sum(increase(http_requests_total{job='geo-api'}[${window}]))"
    unit        = "%"
  }

  # Headline commitment, backed by service credits. A month with fewer than
  # 1,000 requests is too small to judge, and counts as missed: the provider
  # runs the metrics pipeline.
  slo "availability" {
    description = "Monthly availability of the geocoding API"
    indicator   = indicator.api_errors
    objective   = 99.95
    warning     = 99.98
    calendar    = "month"
    min_events  = 1000
    no_data     = "fail"
  }

  slo "geocode-latency" {
    description = "p95 geocoding latency over the calendar month"
    indicator   = indicator.geocode_latency_p95
    max         = 0.4 # seconds
    warning     = 0.3
    calendar    = "month"
    no_data     = "pass" # no requests in the month: nothing was slow
  }

  # At most one hour in a hundred may have a p95 above one second.
  slo "latency-hours" {
    description = "Hours with an acceptable p95 geocoding latency"
    indicator   = indicator.geocode_latency_p95
    objective   = 99
    window      = "30d"
    timeslices {
      slice   = "1h"
      max     = 1.0 # seconds
      missing = "skip"
    }
  }

  # 99.5% of the 5-minute periods of each calendar quarter must be good; a
  # period is good when at least 99% of its tile requests succeed.
  slo "tile-availability" {
    description = "Map tile availability per calendar quarter"
    indicator   = indicator.tile_success
    objective   = 99.5
    calendar    = "quarter"
    timeslices {
      slice     = "5m"
      objective = 99
      missing   = "good" # no tile traffic in a period counts in the provider's favour
    }
  }

  slo "external-uptime" {
    description = "Weekly success rate of the external probes (ISO weeks, Monday to Sunday)"
    indicator   = indicator.probe_success_pct
    min         = 99.5 # percent of probes
    warning     = 99.8
    calendar    = "week"
  }

  # Weekly window, Sundays 05:30 to 06:30 New York time. Applies to every
  # ratio and timeslice SLO (availability, latency-hours, tile-availability).
  exclusion "sunday-maintenance" {
    description = "Weekly maintenance window, announced on the status page"
    cron        = "30 5 * * SUN"
    duration    = "1h"
  }

  # Database upgrades on the first day of each quarter, 02:00 to 06:00.
  exclusion "quarterly-upgrade" {
    description = "Quarterly database upgrade"
    cron        = "0 2 1 JAN,APR,JUL,OCT *"
    duration    = "4h"
  }

  # Agreed in change request CR-2291; affects the tile service only.
  exclusion "tile-cdn-migration" {
    description = "Migration of the tile CDN to a new vendor"
    from        = "2026-09-12T22:00:00-04:00"
    to          = "2026-09-13T04:00:00-04:00"
    slos        = [slo.tile-availability]
  }

  responsibility "stay-within-rate-limit" {
    party       = party.customer
    description = "Keep rate-limited (HTTP 429) requests under 5% of all requests each month"
    indicator   = indicator.rate_limited_pct
    max         = 5
    calendar    = "month"
  }
  responsibility "ip-allowlist" {
    party       = party.customer
    description = "Send the egress IP ranges to allow-list before go-live"
    fact        = "ip_allowlist_provided"
    due         = "2026-03-25"
  }

  fee {
    monthly            = 8500
    currency           = "USD"
    credit_cap_percent = 30 # credits never exceed 30% of a month's fee
  }

  credit "availability" {
    slo = slo.availability
    tier {
      below   = 99.95
      percent = 10
    }
    tier {
      below   = 99.5
      percent = 25
    }
  }

  # Latency is missed when it rises above the bound, so tiers start "above".
  credit "geocode-latency" {
    slo = slo.geocode-latency
    tier {
      above   = 0.4
      percent = 5
    }
    tier {
      above   = 0.8
      percent = 15
    }
  }

  reporting {
    frequency  = "weekly"
    formats    = ["markdown", "json"]
    recipients = ["platform-ops@northwind.example", "Meridian Customer Success <csm@meridianmaps.example>"]
  }

  review {
    every         = "1y"
    last_reviewed = "2026-03-10"
    owner         = party.provider
    notice        = "60d" # renewal talks start two months before the review date
  }
}

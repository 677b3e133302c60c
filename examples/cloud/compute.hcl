# Compute instances as the large clouds sell them (Google Compute Engine and
# Amazon EC2 style), for Globex's billing service in one region. A minute
# is down when more than 1% of the connectivity checks to the instances
# fail; only downtime periods of at least five consecutive minutes count
# (shorter, intermittent errors do not). The monthly uptime is the share of
# the month's minutes that are not down: 99.99% for instances spread over
# several zones of the region, 99.5% for a single instance. A credit must
# be claimed within 30 days of the end of the month.
agreement "compute" {
  title     = "Compute instances - europe-west1"
  version   = "2025.1.0"
  effective = "2026-01-01"
  time_zone = "UTC"

  party "provider" {
    name    = "Stratus Web Services Inc."
    contact = "compute-sla@stratus.example"
  }
  party "customer" {
    name    = "Globex Ltd"
    contact = "cloud-billing@globex.example"
  }

  service "compute-instances" {
    description = "Virtual machines of the billing service in region europe-west1"
    includes    = ["instances in zones europe-west1-b, europe-west1-c and europe-west1-d", "their persistent disks"]
    excludes = [
      "features in preview (alpha or beta)",
      "errors caused by the customer's software or configuration",
      "instances stopped or deleted by the customer",
    ]
  }

  # Each gauge is the share of failed connectivity checks over the last
  # minute, written every minute by a recording rule: one sample per slice.
  indicator "region_errors" {
    description = "Share of failed connectivity checks to the instances of every zone"
    value       = "max_over_time(region_error_ratio{region='europe-west1'}[${window}])"
  }
  indicator "instance_errors" {
    description = "Share of failed connectivity checks to the instance billing-1"
    value       = "max_over_time(instance_error_ratio{instance='billing-1'}[${window}])"
  }

  slo "multi-zone" {
    description = "Monthly uptime of the instances spread over several zones"
    indicator   = indicator.region_errors
    objective   = 99.99 # percent of minutes not down
    calendar    = "month"
    timeslices {
      slice   = "1m"
      max     = 0.01 # a minute is down above 1% of failed checks
      min_run = 5    # only downtime periods of 5 minutes or more count
    }
  }

  slo "single-instance" {
    description = "Monthly uptime of the instance billing-1"
    indicator   = indicator.instance_errors
    objective   = 99.5
    calendar    = "month"
    timeslices {
      slice   = "1m"
      max     = 0.01
      min_run = 5
    }
  }

  fee {
    monthly  = 2150
    currency = "USD"
  }

  credit "multi-zone" {
    slo          = slo.multi-zone
    claim_within = "30d"
    tier {
      below   = 99.99
      percent = 10
    }
    tier {
      below   = 99.0
      percent = 25
    }
    tier {
      below   = 95.0
      percent = 100
    }
  }

  credit "single-instance" {
    slo          = slo.single-instance
    claim_within = "30d"
    tier {
      below   = 99.5
      percent = 10
    }
    tier {
      below   = 99.0
      percent = 25
    }
    tier {
      below   = 95.0
      percent = 100
    }
  }

  reporting {
    frequency  = "monthly"
    formats    = ["html", "json"]
    recipients = ["cloud-billing@globex.example"]
  }

  review {
    every         = "1y"
    last_reviewed = "2026-02-03"
    owner         = party.customer
  }
}

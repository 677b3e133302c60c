# Object storage as the largest providers sell it (Amazon S3 style), for
# one bucket of Globex's invoices. The terms follow the published SLA: the
# error rate of each 5-minute interval is the server errors divided by the
# requests (an interval without requests has an error rate of 0), the
# monthly uptime is 100% less the average of those rates, and the credits
# are 10% below 99.9, 25% below 99.0 and 100% below 95.0. A credit is paid
# when the customer claims it by the end of the second billing cycle after
# the month, and only when it is more than 1 USD.
agreement "object-storage" {
  title     = "Object storage - Standard storage class"
  version   = "2023.5.0"
  effective = "2026-01-01"
  time_zone = "UTC"

  party "provider" {
    name    = "Stratus Web Services Inc."
    contact = "aws-style-support@stratus.example"
  }
  party "customer" {
    name    = "Globex Ltd"
    contact = "cloud-billing@globex.example"
  }

  service "object-storage" {
    description = "Storing and reading objects of the bucket globex-invoices over the object storage API"
    includes    = ["GET, PUT, LIST, HEAD, COPY and DELETE requests to globex-invoices"]
    excludes = [
      "factors outside the provider's reasonable control",
      "the customer's own actions, equipment or software",
      "a suspension of the customer's right to use the service",
      "requests throttled for exceeding the documented request rates",
    ]
  }

  # Server errors (5xx) out of every request. Intervals without requests
  # have no events: "empty" below counts them as an error rate of 0.
  indicator "request_errors" {
    description = "Requests to the bucket answered without a server error"
    ratio {
      bad   = "sum(increase(storage_requests_total{bucket='globex-invoices',code=~'5..'}[${window}]))"
      total = "sum(increase(storage_requests_total{bucket='globex-invoices'}[${window}]))"
    }
  }

  slo "monthly-uptime" {
    description = "Monthly uptime: 100% less the average of the 5-minute error rates"
    indicator   = indicator.request_errors
    objective   = 99.9
    calendar    = "month"
    timeslices {
      slice   = "5m"
      measure = "mean" # each interval counts its own share of good requests
      empty   = "good" # an interval without requests has an error rate of 0
    }
  }

  fee {
    monthly  = 8.2 # a small bucket: the credits are small too
    currency = "USD"
  }

  credit "monthly-uptime" {
    slo          = slo.monthly-uptime
    claim_within = "61d" # by the end of the second billing cycle after the month (December for October)
    min_amount   = 1     # a credit of 1 USD or less is not paid
    tier {
      below   = 99.9
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
    last_reviewed = "2026-05-12"
    owner         = party.customer
  }
}

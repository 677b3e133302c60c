# Managed Kubernetes operations and 24x7 support desk provided by Harbor Ops to
# Fabrikam Retail. Incident priorities follow Annex 2 of the master agreement:
# P1 = production down, P2 = production degraded, P3/P4 = everything else.
agreement "managed-support" {
  title     = "Managed Kubernetes operations and support desk"
  version   = "3.0.2"
  effective = "2026-01-01"
  # No time_zone: days, months and years are counted in UTC.

  party "provider" {
    name    = "Harbor Ops GmbH"
    contact = "servicedesk@harborops.example"
  }
  party "customer" {
    name    = "Fabrikam Retail plc"
    contact = "https://itsm.fabrikam.example/escalation" # escalation matrix
  }

  service "service-desk" {
    description = "24x7 intake and handling of incidents and service requests"
    includes    = ["phone and e-mail intake", "ticket portal", "P1 and P2 incidents around the clock", "P3 and P4 tickets on UK business days"]
    excludes    = ["defects in the customer's application code", "outages of third-party SaaS providers"]
  }
  service "cluster-operations" {
    description = "Operation of the production and staging Kubernetes clusters"
    includes    = ["prod-eu-1", "prod-eu-2", "staging-eu-1", "version upgrades", "node OS patching", "etcd backups and restore tests"]
    excludes    = ["application deployments", "cloud provider capacity shortages"]
  }
  service "monitoring" {
    description = "Alerting and on-call for the clusters above"
    includes    = ["Prometheus and Alertmanager", "on-call rota"]
    excludes    = ["monitoring of customer business metrics"]
  }

  # The incident and ticketing exporter publishes one series per incident;
  # max() takes the slowest one in the period. A day without an incident
  # has no sample at all: the data is there when the exporter was scraped.
  indicator "p1_ack_minutes" {
    description = "Slowest acknowledgement of a P1 incident"
    value       = "max(max_over_time(incident_ack_minutes{priority='P1'}[${window}]))"
    unit        = "min"
    coverage    = "max(max_over_time(up{job='itsm-exporter'}[${window}])) == 1"
  }
  indicator "p2_ack_minutes" {
    description = "Slowest acknowledgement of a P2 incident"
    value       = "max(max_over_time(incident_ack_minutes{priority='P2'}[${window}]))"
    unit        = "min"
    coverage    = "max(max_over_time(up{job='itsm-exporter'}[${window}])) == 1"
  }
  indicator "first_response_p90" {
    description = "90th percentile time to first response on P3 and P4 tickets"
    value       = "histogram_quantile(0.9, sum by (le) (increase(ticket_first_response_seconds_bucket{queue='service-desk',priority=~'P3|P4'}[${window}])))"
    unit        = "s"
  }
  indicator "resolved_in_target" {
    description = "P1 and P2 incidents resolved within their target time (P1 4h, P2 8h)"
    ratio {
      good  = "sum(increase(incidents_resolved_within_target_total{priority=~'P1|P2'}[${window}]))"
      total = "sum(increase(incidents_resolved_total{priority=~'P1|P2'}[${window}]))"
    }
  }
  indicator "portal_requests" {
    description = "Ticket portal requests answered without a server error"
    ratio {
      good  = "sum(increase(http_requests_total{job='ticket-portal',code!~'5..'}[${window}]))"
      total = "sum(increase(http_requests_total{job='ticket-portal'}[${window}]))"
    }
  }
  indicator "oncall_engineers" {
    description = "Engineers on call and reachable (lowest count in the period)"
    value       = "min(min_over_time(oncall_engineers_available{team='harbor-sre'}[${window}]))"
  }
  indicator "restore_tests" {
    description = "Successful etcd restore tests on production clusters"
    value       = "sum(increase(backup_restore_tests_succeeded_total{cluster=~'prod-.*'}[${window}]))"
  }
  indicator "critical_patch_age_days" {
    description = "Age of the oldest unapplied critical security patch on any node"
    value       = "max(max_over_time(node_unpatched_critical_cve_age_days{cluster=~'prod-.*'}[${window}]))"
    unit        = "d"
  }
  # Recorded only for a day after each decision: no sample means no change
  # to approve, not missing data.
  indicator "change_approval_hours" {
    description = "Slowest customer approval of a normal change request"
    value       = "max(max_over_time(change_request_approval_hours{approver='customer'}[${window}]))"
    unit        = "h"
    coverage    = false
  }

  # Each UTC day on its own: one late P1 acknowledgement misses that day.
  slo "p1-acknowledgement" {
    description = "Acknowledge every P1 incident within 15 minutes"
    indicator   = indicator.p1_ack_minutes
    max         = 15
    warning     = 10
    calendar    = "day"
    no_data     = "pass" # a day without a P1 incident is met
  }
  slo "p2-acknowledgement" {
    description = "Acknowledge every P2 incident within 60 minutes"
    indicator   = indicator.p2_ack_minutes
    max         = 60
    warning     = 45
    calendar    = "month"
    no_data     = "pass"
  }
  slo "first-response" {
    description = "First response on 90% of P3/P4 tickets within 4 hours"
    indicator   = indicator.first_response_p90
    max         = 14400 # seconds
    warning     = 10800
    calendar    = "month"
  }
  slo "resolution" {
    description = "95% of P1 and P2 incidents resolved within target each month"
    indicator   = indicator.resolved_in_target
    objective   = 95
    warning     = 97.5
    calendar    = "month"
    min_events  = 5 # fewer than 5 incidents: no verdict for the month
  }
  slo "portal-availability" {
    description = "Yearly availability of the ticket portal"
    indicator   = indicator.portal_requests
    objective   = 99.5
    calendar    = "year"
  }
  # Two engineers must be on call in 99.9% of the quarter-hours of a month.
  slo "oncall-coverage" {
    description = "At least two on-call engineers at all times"
    indicator   = indicator.oncall_engineers
    objective   = 99.9
    calendar    = "month"
    timeslices {
      slice   = "15m"
      min     = 2
      missing = "bad" # no rota data for a quarter-hour counts as uncovered
    }
  }

  # Tuesdays 22:00 to midnight UTC; the portal only. Incident intake by
  # phone and e-mail is not affected.
  exclusion "portal-maintenance" {
    description = "Weekly ticket portal maintenance"
    cron        = "0 22 * * TUE"
    duration    = "2h"
    slos        = [slo.portal-availability]
  }

  responsibility "restore-tests" {
    party       = party.provider
    description = "Run at least one successful etcd restore test per quarter"
    indicator   = indicator.restore_tests
    min         = 1
    window      = "90d"
  }
  responsibility "critical-patching" {
    party       = party.provider
    description = "Apply critical security patches within 14 days of release"
    indicator   = indicator.critical_patch_age_days
    max         = 14
    calendar    = "month"
  }
  responsibility "change-approval" {
    party       = party.customer
    description = "Approve or reject normal change requests within 48 hours"
    indicator   = indicator.change_approval_hours
    max         = 48
    window      = "30d"
  }
  # Facts are reported at evaluation time (entente check --facts).
  responsibility "vpn-access" {
    party       = party.customer
    description = "Grant the provider's engineers VPN access to the clusters"
    fact        = "vpn_access_granted"
    due         = "2026-01-15" # start of 15 January: by end of 14 January
  }
  responsibility "runbook-handover" {
    party       = party.customer
    description = "Hand over runbooks for every production workload"
    fact        = "runbooks_handed_over"
    due         = "2026-02-01T12:00:00Z"
  }
  responsibility "escalation-contacts" {
    party       = party.customer
    description = "Keep the escalation contact list current at all times"
    fact        = "escalation_contacts_current"
  }

  fee {
    monthly  = 24000
    currency = "GBP"
  }

  credit "resolution" {
    slo = slo.resolution
    tier {
      below   = 95
      percent = 5
    }
    tier {
      below   = 90
      percent = 10
    }
  }
  credit "p1-acknowledgement" {
    slo = slo.p1-acknowledgement
    tier {
      above   = 15
      percent = 2
    }
    tier {
      above   = 60
      percent = 5
    }
  }

  reporting {
    frequency  = "monthly"
    formats    = ["html", "json"]
    recipients = ["it-operations@fabrikam.example", "service-manager@harborops.example"]
  }

  # Reviewed about every six months (26 weeks) at the service review meeting.
  review {
    every         = "26w"
    last_reviewed = "2026-01-05"
    owner         = party.provider
    notice        = "21d"
  }
}

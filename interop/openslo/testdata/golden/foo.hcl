# Imported from OpenSLO by entente import openslo. OpenSLO says what is
# measured; an agreement also says between whom, what a miss costs and when
# it is reviewed: see the TODO comments below (docs/interop.md).
agreement "foo" {
  title     = "foo"
  version   = "0.1.0"
  effective = "2026-09-01"
  time_zone = "America/New_York"

  # TODO: the parties, party "provider" and party "customer", with their
  # legal names (docs/language.md#party).

  service "foo" {
  }

  # Source: OpenSLO DataSource "prometheus-datasource" (Prometheus),
  # http://127.0.0.1:9090; give it to entente check --prometheus.
  # OpenSLO's good query, rewritten: increase() over the window.
  # OpenSLO's total query, rewritten: increase() over the window.
  indicator "foo-error" {
    description = "Foo Error"

    ratio {
      good  = "sum(increase(localhost_server_requests{code=~'2xx|3xx',host='*',instance='127.0.0.1:9090'}[${window}]))"
      total = "increase(localhost_server_requests{code='total',host='*',instance='127.0.0.1:9090'}[${window}])"
    }
  }

  # OpenSLO objective "Foo Total Errors".
  # OpenSLO alert policy "AlertPolicy" (when breaching): condition
  # "cpu-usage-breach", burnrate 2 over 1h for 5m, severity page; notifies
  # OnCallDevopsMailNotification.
  # entente rules writes the alerts of this SLO (docs/alerting.md).
  slo "foo-slo-foo-total-errors" {
    description = "Foo SLO"
    indicator   = indicator.foo-error
    objective   = 98
    calendar    = "month"
  }

  # OpenSLO objective "Bar Total Errors".
  # OpenSLO alert policy "AlertPolicy" (when breaching): condition
  # "cpu-usage-breach", burnrate 2 over 1h for 5m, severity page; notifies
  # OnCallDevopsMailNotification.
  # entente rules writes the alerts of this SLO (docs/alerting.md).
  slo "foo-slo-bar-total-errors" {
    description = "Foo SLO"
    indicator   = indicator.foo-error
    objective   = 99.99
    calendar    = "month"
  }

  # TODO: the monthly fee and the service credits owed when an SLO is missed
  # (docs/language.md#fee and #credit).

  # TODO: how often the agreement is reviewed, and by whom
  # (docs/language.md#review).
}

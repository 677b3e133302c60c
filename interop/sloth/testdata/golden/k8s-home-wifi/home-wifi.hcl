# Imported from Sloth by entente import sloth. Sloth says what is measured;
# an agreement also says between whom, what a miss costs and when it is
# reviewed: see the TODO comments below (docs/interop.md).
agreement "home-wifi" {
  title     = "home-wifi"
  version   = "0.1.0"
  effective = "2026-09-01"

  # TODO: the parties, party "provider" and party "customer", with their
  # legal names (docs/language.md#party).

  # Sloth labels: cluster=valhalla, component=ubiquiti, context=home.
  service "home-wifi" {
  }

  indicator "good-wifi-client-satisfaction" {
    ratio {
      bad   = "sum_over_time((count(unifipoller_client_satisfaction_ratio < 0.75))[${window}:]) OR on() vector(0)"
      total = "sum_over_time((count(unifipoller_client_satisfaction_ratio))[${window}:])"
    }
  }

  indicator "risk-wifi-client-satisfaction" {
    ratio {
      bad   = "sum_over_time((count(unifipoller_client_satisfaction_ratio < 0.5))[${window}:]) OR on() vector(0)"
      total = "sum_over_time((count(unifipoller_client_satisfaction_ratio))[${window}:])"
    }
  }

  # Sloth alerts GoodWifiClientSatisfaction; page: severity=home; ticket:
  # severity=warning; entente rules writes the same multi-window burn-rate
  # alerts (docs/alerting.md).
  slo "good-wifi-client-satisfaction" {
    description = "Will warn us that we don't have a good wifi at home."
    indicator   = indicator.good-wifi-client-satisfaction
    objective   = 95
    window      = "30d"
  }

  # Sloth alerts RiskWifiClientSatisfaction; page: severity=home; ticket:
  # severity=warning; entente rules writes the same multi-window burn-rate
  # alerts (docs/alerting.md).
  slo "risk-wifi-client-satisfaction" {
    description = "Will warn us that we something very bad is happenning with our home wifi."
    indicator   = indicator.risk-wifi-client-satisfaction
    objective   = 99.9
    window      = "30d"
  }

  # TODO: the monthly fee and the service credits owed when an SLO is missed
  # (docs/language.md#fee and #credit).

  # TODO: how often the agreement is reviewed, and by whom
  # (docs/language.md#review).
}

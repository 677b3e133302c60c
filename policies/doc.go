// Package policies compiles agreements to Rego and packs them into OPA
// bundles.
//
// Each agreement becomes one Rego v1 module in its own package,
// entente.agreements["NAME"], holding its objectives, bounds, credit tiers
// and dates, plus a data document (its measurement plan: indicators and
// queries, windows, exclusions, parties). The rules that every agreement
// shares live once, in the library package entente.lib. The decision for
// an agreement is data.entente.agreements["NAME"].verdict, evaluated with
// the measurements as input; Go measures, Rego decides.
package policies

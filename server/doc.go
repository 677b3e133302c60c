// Package server is entente's HTTP decision endpoint: the verdicts of a set
// of agreements on demand and periodically, an OPA-compatible data API, and
// Prometheus metrics of the last verdicts.
package server

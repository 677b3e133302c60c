package interop

import "testing"

// Queries of other languages become entente queries that count events
// over ${window}, written exactly so.
func TestWindowedRewritesQueriesToCountOverTheWindow(t *testing.T) {
	for _, c := range []struct {
		name, query string
		role        Role
		counter     bool
		want        string
	}{
		{"a counter without a range is increased over the window",
			`sum(http_requests{code=~"2xx"})`, Good, true, `sum(increase(http_requests{code=~"2xx"}[${window}]))`},
		{"a gauge of events is summed over the window",
			`sum(events{job="a"})`, Total, false, `sum(sum_over_time(events{job="a"}[${window}]))`},
		{"Sloth's window becomes entente's, and rates count events",
			`sum(rate(x_total{code=~"5.."}[{{.window}}]))`, Total, true, `sum(increase(x_total{code=~"5.."}[${window}]))`},
		{"a bad-events sum ends with or vector(0)",
			`sum(increase(x_total{code=~"5.."}[{{.window}}]))`, Bad, true, `sum(increase(x_total{code=~"5.."}[${window}])) or vector(0)`},
		{"a fixed range becomes the window",
			`histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))`, Value, false, `histogram_quantile(0.99, sum by (le) (rate(x_bucket[${window}])))`},
		{"a query that needs nothing is kept as written",
			`sum_over_time((count(x < 0.75))[{{.window}}:]) OR on() vector(0)`, Bad, true, `sum_over_time((count(x < 0.75))[${window}:]) OR on() vector(0)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := Windowed(c.query, c.role, c.counter)
			if err != nil || got != c.want {
				t.Errorf("Windowed(%q) = %q, %v; want %q", c.query, got, err, c.want)
			}
		})
	}
	if _, _, err := Windowed("sum(x", Good, true); err == nil {
		t.Error("a query that does not parse is accepted")
	}
}

// Percentages move the decimal point without binary rounding.
func TestPercentAndFractionMoveThePoint(t *testing.T) {
	for fraction, percent := range map[string]string{"0.999": "99.9", "0.9995": "99.95", "0.98": "98", "1": "100", "0.005": "0.5", "0.990": "99.0"} {
		if got, err := Percent(fraction); err != nil || got != percent {
			t.Errorf("Percent(%s) = %s, %v; want %s", fraction, got, err, percent)
		}
		back, err := Fraction(percent)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := Percent(back); again != percent {
			t.Errorf("Percent(Fraction(%s)) = %s", percent, again)
		}
	}
	if _, err := Percent("1e-3"); err == nil {
		t.Error("1e-3 accepted")
	}
}

// Strings and queries are written so that HCL reads them back as they were.
func TestStringsAndQueriesAreEscaped(t *testing.T) {
	if got := String(`a "b" ${c} %{d}`); got != `"a \"b\" $${c} %%{d}"` {
		t.Errorf("String: %s", got)
	}
	if got := Query(`sum(x{a="b"}[${window}])`); got != `"sum(x{a='b'}[${window}])"` {
		t.Errorf("Query: %s", got)
	}
	if got := Query(`x{a="it's"}`); got != `"x{a=\"it's\"}"` {
		t.Errorf("Query with a single quote: %s", got)
	}
}

package report

import (
	"strings"
	"testing"
)

// checkTables fails when a row of a Markdown table has more or fewer cells
// than its header: an unescaped "|" or line break in a cell.
func checkTables(t *testing.T, md string) {
	t.Helper()
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "|") {
			continue
		}
		want := cells(lines[i])
		for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
			if got := cells(lines[i]); got != want {
				t.Errorf("line %d has %d cells, its table %d:\n%s", i+1, got, want, lines[i])
			}
		}
	}
}

// cells counts the cells of a table row: the pipes not escaped, less one.
func cells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

func TestEveryMarkdownTableHasAsManyCellsInEachRow(t *testing.T) {
	checkTables(t, render(t, fixture(t, "october.json"), markdownOf))
}

func TestTheMarkdownReportHasTheBucketsWhereTheHTMLHasCharts(t *testing.T) {
	md := render(t, fixture(t, "october.json"), markdownOf)
	for _, want := range []string{
		"| Day | Good | Total | Attainment | Met | Budget spent by its end |",
		"| Wed 14 Oct 2026 | 2,337,970 | 2,486,583 | 94.02% | ✗ missed | 397.9% |",
		"| Thu 1 Oct 2026 | — | — | — | ? no data | — |",
		"| Day | Value | Met |",
		"| Mon 12 Oct 2026 | 22 min | ✗ missed |",
		"| **Total owed** |  |  | **5%** | **1,200.00 GBP** | capped at 5% of the fee |",
		"**✗ Breached**",
		"`sum(increase(http_requests_total{job='geo-api',code=~'5..'}[7200s]))`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown has no %q", want)
		}
	}
	if strings.Contains(md, "<svg") {
		t.Error("the Markdown holds a chart")
	}
}

func TestMarkdownCellsAndCodeSpansKeepTextLiteral(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"a pipe does not split a cell", cell("a | b"), `a \| b`},
		{"a line break stays in its cell", cell("one\ntwo"), "one<br>two"},
		{"markup is text", cell("<b>*bold*</b> [link](x)"), `&lt;b&gt;\*bold\*&lt;/b&gt; \[link\](x)`},
		{"text on one line starts nothing", text("a\n# b\n- c"), `a \# b - c`},
		{"an underscore inside a word stays", text("ip_allowlist _x_"), `ip_allowlist \_x\_`},
		{"a query keeps its spaces", code("sum by (le)  (x)"), "`sum by (le)  (x)`"},
		{"a pipe in a code span is escaped", code(`a|b`), "`a\\|b`"},
		{"backticks in a code span need a longer fence", code("a`b``c"), "```a`b``c```"},
		{"a code span that starts with a backtick is padded", code("`x"), "`` `x ``"},
		{"an empty code span is a dash", code(""), "—"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// outsideCode removes the code spans of Markdown, as CommonMark reads
// them: a run of backticks up to the next run of the same length.
func outsideCode(md string) string {
	var b strings.Builder
	for i := 0; i < len(md); {
		if md[i] != '`' {
			b.WriteByte(md[i])
			i++
			continue
		}
		n := 0
		for i+n < len(md) && md[i+n] == '`' {
			n++
		}
		fence := strings.Repeat("`", n)
		end := -1
		for j := i + n; j < len(md); {
			k := strings.Index(md[j:], fence)
			if k < 0 {
				break
			}
			k += j
			if (k+n == len(md) || md[k+n] != '`') && (md[k-1] != '`') {
				end = k
				break
			}
			j = k + 1
			for j < len(md) && md[j] == '`' {
				j++
			}
		}
		if end < 0 {
			b.WriteString(fence)
			i += n
			continue
		}
		i = end + n
	}
	return b.String()
}

package output

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/entente-dev/entente/evaluator"
	"github.com/entente-dev/entente/verdict"
)

// JUnit writes a test suite per agreement and a test case per SLO,
// responsibility and review, for CI systems that read JUnit XML. What fails
// the check fails its test case; what makes it inconclusive is an error.
type JUnit struct {
	// FailOnAtRisk makes warnings and an overdue review failures, as
	// check --fail-on at_risk makes them fail the run.
	FailOnAtRisk bool
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// Output writes v.
func (j JUnit) Output(w io.Writer, v *evaluator.Verdict) error {
	out := junitSuites{Name: "entente"}
	for _, a := range v.Agreements {
		name := Printable(a.Name)
		suite := junitSuite{
			Name:      name,
			Timestamp: evaluated(v),
			Properties: []junitProperty{
				{Name: "status", Value: Printable(a.Status)},
				{Name: "version", Value: Printable(a.Version)},
				{Name: "revision", Value: v.Revision},
			},
		}
		add := func(kind, block, status, message string, at *verdict.Source) {
			block, status, message = Printable(block), Printable(status), Printable(message)
			file, line := source(at)
			c := junitCase{Name: kind + " " + block, Classname: name, File: file, Line: line, SystemOut: message}
			msg := &junitMessage{Message: message, Type: status, Text: message}
			switch st := status; {
			case st == "fail" || st == "breached" || (j.FailOnAtRisk && (st == "warn" || st == "overdue")):
				c.Failure = msg
				suite.Failures++
			case st == "error" || st == "unknown" || st == "no_data":
				c.Error = msg
				suite.Errors++
			case st == "pending":
				c.Skipped = msg
				suite.Skipped++
			}
			suite.Cases = append(suite.Cases, c)
			suite.Tests++
		}
		for _, s := range a.SLOs {
			add("slo", s.Name, s.Status, s.Message, s.Source)
		}
		for _, r := range a.Responsibilities {
			add("responsibility", r.Name, r.Status, r.Message, r.Source)
		}
		if r := a.Review; r != nil {
			add("review", a.Name, r.Status, fmt.Sprintf("review %s, due %s", r.Status, r.Due), a.Source)
		}
		if in := Printable(string(a.Inactive)); in != "" {
			suite.Cases = append(suite.Cases, junitCase{Name: "agreement " + name, Classname: name, Skipped: &junitMessage{Message: fmt.Sprintf("inactive: %s", in)}})
			suite.Tests++
			suite.Skipped++
		}
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Errors += suite.Errors
		out.Skipped += suite.Skipped
		out.Suites = append(out.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

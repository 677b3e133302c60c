// Package sloth turns Sloth SLO specs into entente agreements: the
// prometheus/v1 spec files and the Kubernetes PrometheusServiceLevel
// objects (sloth.slok.dev/v1).
//
// The specs are decoded with the YAML library of the module into the types
// of this file rather than with Sloth's own (github.com/slok/sloth): those
// are read through sigs.k8s.io/yaml and JSON tags, and its module brings
// Kubernetes' client and the Prometheus operator into the build for a few
// structs; these keep each value's line for the diagnostics.
package sloth

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"go.yaml.in/yaml/v3"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/interop"
)

// Options are what an import needs that the specs do not say.
type Options struct {
	// Effective is the agreements' effective date; empty, Now's date in UTC.
	Effective string
	Now       time.Time
	// Window is the window Sloth measures over: "30d" (its default) or
	// "28d".
	Window string
}

// Header is the comment above an imported agreement.
var Header = []string{
	"Imported from Sloth by entente import sloth. Sloth says what is measured;",
	"an agreement also says between whom, what a miss costs and when it is",
	"reviewed: see the TODO comments below (docs/interop.md).",
}

// spec is a prometheus/v1 spec, or the spec of a PrometheusServiceLevel.
type spec struct {
	Version string            `yaml:"version"`
	Service string            `yaml:"service"`
	Labels  map[string]string `yaml:"labels"`
	SLOs    []slo             `yaml:"slos"`
}

type slo struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Objective   yaml.Node         `yaml:"objective"`
	Labels      map[string]string `yaml:"labels"`
	SLI         struct {
		Events *struct {
			ErrorQuery      string `yaml:"errorQuery"`
			TotalQuery      string `yaml:"totalQuery"`
			ErrorQuerySnake string `yaml:"error_query"`
			TotalQuerySnake string `yaml:"total_query"`
		} `yaml:"events"`
		Raw    *yaml.Node `yaml:"raw"`
		Plugin *yaml.Node `yaml:"plugin"`
	} `yaml:"sli"`
	Alerting struct {
		Name            string `yaml:"name"`
		PageAlert       alert  `yaml:"pageAlert"`
		TicketAlert     alert  `yaml:"ticketAlert"`
		PageAlertSnake  alert  `yaml:"page_alert"`
		TicketAlertSnak alert  `yaml:"ticket_alert"`
	} `yaml:"alerting"`
}

type alert struct {
	Disable bool              `yaml:"disable"`
	Labels  map[string]string `yaml:"labels"`
}

// group is the SLOs of one service: an agreement.
type group struct {
	service string
	labels  map[string]string
	// indicators come before slos, as OpenSLO's import writes them.
	indicators, slos []*interop.Block
	failed           bool
	src              interop.Source
	sloNames         map[string]bool
}

// Import turns Sloth specs into agreements, one per service, in the
// canonical layout of `entente fmt`. A raw or plugin SLI, which does not
// count events, is an error at its line.
func Import(sources []interop.Source, opts Options) ([]interop.Agreement, hcl.Diagnostics) {
	if opts.Window == "" {
		opts.Window = "30d"
	}
	var diags hcl.Diagnostics
	var groups []*group
	byName := map[string]*group{}
	for _, src := range sources {
		dec := yaml.NewDecoder(bytes.NewReader(src.Bytes))
		for {
			var root yaml.Node
			err := dec.Decode(&root)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Not YAML", Detail: fmt.Sprintf("%s: %s.", src.Name, err), Subject: interop.Range(src, 0, 0)})
				break
			}
			if len(root.Content) == 0 {
				continue
			}
			doc := root.Content[0]
			specNode, ok := specOf(src, doc, &diags)
			if !ok {
				continue
			}
			var s spec
			if err := specNode.Decode(&s); err != nil {
				diags = append(diags, interop.ErrorAt(src, specNode, "Invalid Sloth spec", err.Error()+"."))
				continue
			}
			if s.Service == "" {
				diags = append(diags, interop.ErrorAt(src, specNode, "Spec without a service", "Give service: entente writes an agreement per service."))
				continue
			}
			g := byName[s.Service]
			if g == nil {
				g = &group{service: s.Service, labels: s.Labels, src: src, sloNames: map[string]bool{}}
				byName[s.Service] = g
				groups = append(groups, g)
			}
			slosNode := interop.Field(specNode, "slos")
			for _, key := range []string{"slo_plugins", "sloPlugins"} {
				if n := interop.Field(specNode, key); n != nil {
					diags = append(diags, pluginsIgnored(src, n))
				}
			}
			for i, sl := range s.SLOs {
				for _, key := range []string{"plugins"} {
					if n := interop.Field(slosNode.Content[i], key); n != nil {
						diags = append(diags, pluginsIgnored(src, n))
					}
				}
				g.add(src, sl, slosNode.Content[i], opts, &diags)
			}
		}
	}
	var out []interop.Agreement
	for _, g := range groups {
		if g.failed {
			continue
		}
		name := interop.Name(g.service)
		a := &interop.Block{Type: "agreement", Labels: []string{name}}
		a.Add("title", interop.String(g.service))
		a.Add("version", interop.String("0.1.0"))
		effective := opts.Effective
		if effective == "" {
			effective = opts.Now.UTC().Format("2006-01-02")
		}
		a.Add("effective", interop.String(effective))
		a.Blocks = append(a.Blocks, &interop.Block{Comment: interop.TODOParties})
		svc := &interop.Block{Type: "service", Labels: []string{name}}
		if len(g.labels) > 0 {
			svc.Comment = []string{"Sloth labels: " + labelList(g.labels) + "."}
		}
		a.Blocks = append(a.Blocks, svc)
		a.Blocks = append(a.Blocks, g.indicators...)
		a.Blocks = append(a.Blocks, g.slos...)
		a.Blocks = append(a.Blocks, &interop.Block{Comment: interop.TODOCredits}, &interop.Block{Comment: interop.TODOReview})
		file := &interop.File{Header: Header, Agreement: a}
		res := interop.Agreement{Name: name, FileName: name + ".hcl", HCL: file.Render()}
		_, vdiags := agreements.Parse(agreements.Source{Name: res.FileName, Bytes: res.HCL})
		diags = append(diags, vdiags...)
		res.Invalid = vdiags.HasErrors()
		out = append(out, res)
	}
	return out, diags
}

// specOf returns the spec of a document: the document itself for
// prometheus/v1, its spec for a PrometheusServiceLevel.
func specOf(src interop.Source, doc *yaml.Node, diags *hcl.Diagnostics) (*yaml.Node, bool) {
	if v := interop.Field(doc, "version"); v != nil {
		if v.Value != "prometheus/v1" {
			*diags = append(*diags, interop.ErrorAt(src, v, "Unsupported Sloth version", fmt.Sprintf("version %q: entente imports prometheus/v1 specs and PrometheusServiceLevel objects.", v.Value)))
			return nil, false
		}
		return doc, true
	}
	api, kind := interop.Field(doc, "apiVersion"), interop.Field(doc, "kind")
	if api != nil && kind != nil && strings.HasPrefix(api.Value, "sloth.slok.dev/") && kind.Value == "PrometheusServiceLevel" {
		return interop.Field(doc, "spec"), true
	}
	detail := "A Sloth spec has version: prometheus/v1, or is a PrometheusServiceLevel (apiVersion sloth.slok.dev/v1)."
	if api != nil && strings.HasPrefix(api.Value, "openslo/") {
		detail = "This is an OpenSLO document: import it with entente import openslo."
	}
	*diags = append(*diags, interop.ErrorAt(src, doc, "Not a Sloth spec", detail))
	return nil, false
}

// add turns one Sloth SLO into an indicator and an slo block.
func (g *group) add(src interop.Source, s slo, n *yaml.Node, opts Options, diags *hcl.Diagnostics) {
	fail := func(at *yaml.Node, summary, detail string) {
		*diags = append(*diags, interop.ErrorAt(src, at, summary, detail))
		g.failed = true
	}
	name := interop.Name(s.Name)
	if name != s.Name {
		*diags = append(*diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Name changed",
			Detail:  fmt.Sprintf("%q is not an entente name: it is imported as %q.", s.Name, name),
			Subject: interop.Range(src, n.Line, n.Column)})
	}
	if g.sloNames[name] {
		fail(n, "Duplicate SLO", fmt.Sprintf("Service %q has two SLOs named %q.", g.service, name))
		return
	}
	g.sloNames[name] = true
	switch {
	case s.SLI.Raw != nil:
		fail(interop.Field(n, "sli", "raw"), "Raw SLI", "A raw SLI gives an error ratio already computed, and an agreement counts events: write it as events (errorQuery and totalQuery). The SLO is not imported.")
		return
	case s.SLI.Plugin != nil:
		fail(interop.Field(n, "sli", "plugin"), "Plugin SLI", "An SLI plugin writes its queries when Sloth runs; entente needs them written out: write the SLI as events (errorQuery and totalQuery). The SLO is not imported.")
		return
	case s.SLI.Events == nil:
		fail(n, "SLO without an SLI", "Give sli.events with errorQuery and totalQuery.")
		return
	}
	ev := s.SLI.Events
	bad, total := orSnake(ev.ErrorQuery, ev.ErrorQuerySnake), orSnake(ev.TotalQuery, ev.TotalQuerySnake)
	ratio := &interop.Block{Type: "ratio"}
	ind := &interop.Block{Type: "indicator", Labels: []string{name}, Blocks: []*interop.Block{ratio}}
	events := interop.Field(n, "sli", "events")
	for _, q := range []struct {
		attr, text, key, snake string
		role                   interop.Role
	}{{"bad", bad, "errorQuery", "error_query", interop.Bad}, {"total", total, "totalQuery", "total_query", interop.Total}} {
		at := interop.Field(events, q.key)
		if at == nil {
			at = interop.Field(events, q.snake)
		}
		if strings.TrimSpace(q.text) == "" {
			fail(events, "SLI without "+q.key, "Give sli.events."+q.key+".")
			return
		}
		out, notes, err := interop.Windowed(q.text, q.role, true)
		if err != nil {
			fail(at, "Invalid query", err.Error()+".")
			return
		}
		ind.Comment = append(ind.Comment, interop.Rewritten("Sloth's "+q.key, notes)...)
		ratio.Add(q.attr, interop.Query(out))
	}

	objective := s.Objective.Value
	if v, err := strconv.ParseFloat(objective, 64); err != nil || v <= 0 || v > 100 {
		fail(interop.Field(n, "objective"), "Invalid objective", fmt.Sprintf("%q: give a percentage above 0 and up to 100, such as 99.9.", objective))
		return
	}
	b := &interop.Block{Type: "slo", Labels: []string{name}}
	if len(s.Labels) > 0 {
		b.Comment = append(b.Comment, "Sloth labels: "+labelList(s.Labels)+".")
	}
	if a := s.Alerting; a.Name != "" {
		line := fmt.Sprintf("Sloth alerts %s", a.Name)
		for _, x := range []struct {
			what string
			a    alert
		}{{"page", a.PageAlert}, {"page", a.PageAlertSnake}, {"ticket", a.TicketAlert}, {"ticket", a.TicketAlertSnak}} {
			switch {
			case x.a.Disable:
				line += "; no " + x.what + " alert"
			case len(x.a.Labels) > 0:
				line += "; " + x.what + ": " + labelList(x.a.Labels)
			}
		}
		b.Comment = append(b.Comment, line+"; entente rules writes the same multi-window burn-rate alerts (docs/alerting.md).")
	}
	if s.Description != "" {
		b.Add("description", interop.String(s.Description))
	}
	b.Add("indicator", "indicator."+name)
	b.Add("objective", interop.Number(objective))
	b.Add("window", interop.String(opts.Window))
	g.indicators = append(g.indicators, ind)
	g.slos = append(g.slos, b)
}

// pluginsIgnored warns that SLO plugins, which change the rules Sloth
// generates, are not imported.
func pluginsIgnored(src interop.Source, n *yaml.Node) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "SLO plugins ignored",
		Detail:   "Sloth's SLO plugins change the rules Sloth generates, and have no place in an agreement: they are not imported.",
		Subject:  interop.Range(src, n.Line, n.Column),
	}
}

func orSnake(camel, snake string) string {
	if camel != "" {
		return camel
	}
	return snake
}

func labelList(labels map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		parts = append(parts, k+"="+labels[k])
	}
	return strings.Join(parts, ", ")
}

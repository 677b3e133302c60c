package openslo

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"go.yaml.in/yaml/v3"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/interop"
)

// Options are what an import needs that the documents may not say.
type Options struct {
	// Effective is the agreement's effective date ("YYYY-MM-DD" or RFC
	// 3339), when no entente.dev/effective annotation gives it; empty, the
	// earliest calendar startTime, or Now's date in UTC.
	Effective string
	// Now is when the import runs.
	Now time.Time
}

// Prefix starts the annotations that carry what OpenSLO cannot say.
const Prefix = "entente.dev/"

// Header is the comment above an imported agreement.
var Header = []string{
	"Imported from OpenSLO by entente import openslo. OpenSLO says what is",
	"measured; an agreement also says between whom, what a miss costs and when",
	"it is reviewed: see the TODO comments below (docs/interop.md).",
}

// promqlSources are the metric source types whose queries are PromQL.
var promqlSources = []string{"prometheus", "thanos", "cortex", "mimir", "victoriametrics", "grafanacloud", "amazonprometheus"}

// carried are the blocks an export carries in an annotation of its Service
// document, in the order an import writes them.
var carried = []string{"party", "service", "exclusion", "responsibility", "fee", "credit", "reporting", "review"}

// attrKind says how an annotation's value is written in HCL.
type attrKind int

const (
	numberAttr attrKind = iota
	stringAttr
	queryOrFalse
)

// sloAttrs and slicesAttrs are the SLO and timeslices attributes OpenSLO
// cannot say, carried in annotations; indicatorAttrs those of indicators.
var (
	sloAttrs = []struct {
		name string
		kind attrKind
	}{{"warning", numberAttr}, {"min_events", numberAttr}, {"min_coverage", numberAttr}, {"no_data", stringAttr}}
	slicesAttrs = []struct {
		name string
		kind attrKind
	}{{"missing", stringAttr}, {"empty", stringAttr}, {"min_events", numberAttr}, {"min_run", numberAttr}}
	indicatorAttrs = []struct {
		name string
		kind attrKind
	}{{"unit", stringAttr}, {"coverage", queryOrFalse}}
)

// importer holds the documents of an import, by kind and name.
type importer struct {
	opts            Options
	diags           hcl.Diagnostics
	slos            []*document
	slis            map[string]*document
	sliOrder        []*document
	services        map[string]*document
	dataSources     map[string]*document
	alertPolicies   map[string]*document
	alertConditions map[string]*document
}

// group is what becomes one agreement: the SLOs of a service.
type group struct {
	name       string
	service    string
	slos       []*document
	indicators []*interop.Block
	sloBlocks  []*interop.Block
	timeZone   string
	tzDoc      *document
	startTime  string
}

// Import turns OpenSLO documents into agreements, one per service, in the
// canonical layout of `entente fmt`. What an agreement cannot hold is
// refused with an error at its line, never dropped: composite SLOs, sources
// other than Prometheus's kind, raw ratios. The agreements it returns have
// been checked as `entente validate` checks them; their warnings are in the
// diagnostics.
func Import(sources []interop.Source, opts Options) ([]interop.Agreement, hcl.Diagnostics) {
	im := &importer{
		opts: opts, slis: map[string]*document{}, services: map[string]*document{},
		dataSources: map[string]*document{}, alertPolicies: map[string]*document{}, alertConditions: map[string]*document{},
	}
	for _, src := range sources {
		docs, diags := readDocuments(src)
		im.diags = append(im.diags, diags...)
		for _, d := range docs {
			im.add(d)
		}
	}
	var groups []*group
	byName := map[string]*group{}
	for _, d := range im.slos {
		var spec sloSpec
		if err := d.Spec.Decode(&spec); err != nil {
			im.diags = append(im.diags, interop.ErrorAt(d.src, &d.Spec, "Invalid SLO", err.Error()+"."))
			continue
		}
		service := spec.Service
		if service == "" {
			im.diags = append(im.diags, interop.ErrorAt(d.src, d.node, "SLO without a service", fmt.Sprintf("SLO %q names no spec.service: entente writes an agreement per service; give one.", d.Metadata.Name)))
			continue
		}
		g := byName[service]
		if g == nil {
			g = &group{name: interop.Name(service), service: service}
			byName[service] = g
			groups = append(groups, g)
		}
		g.slos = append(g.slos, d)
	}
	for name, s := range im.services {
		if byName[name] == nil {
			im.diags = append(im.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Service without SLOs",
				Detail:   fmt.Sprintf("Service %q has no SLO among the documents: no agreement is written for it. Import its SLOs with it.", name),
				Subject:  interop.Range(s.src, s.node.Line, s.node.Column),
			})
		}
	}
	var out []interop.Agreement
	for _, g := range groups {
		if a, ok := im.agreement(g); ok {
			out = append(out, a)
		}
	}
	return out, im.diags
}

func (im *importer) add(d *document) {
	if d.APIVersion != V1 && d.APIVersion != V1alpha {
		im.diags = append(im.diags, interop.ErrorAt(d.src, keyNode(d.node, "apiVersion"), "Unsupported OpenSLO version",
			fmt.Sprintf("apiVersion %q: entente imports %s and %s documents.", d.APIVersion, V1, V1alpha)))
		return
	}
	if d.Metadata.Name == "" {
		im.diags = append(im.diags, interop.ErrorAt(d.src, d.node, "Object without a name", fmt.Sprintf("This %s has no metadata.name; give it one.", d.Kind)))
		return
	}
	register := func(m map[string]*document) {
		if prev := m[d.Metadata.Name]; prev != nil {
			im.diags = append(im.diags, interop.ErrorAt(d.src, d.node, "Duplicate "+d.Kind, fmt.Sprintf("%s %q is defined twice; the first is at %s:%d.", d.Kind, d.Metadata.Name, prev.src.Name, prev.node.Line)))
			return
		}
		m[d.Metadata.Name] = d
	}
	switch d.Kind {
	case "SLO":
		im.slos = append(im.slos, d)
	case "SLI":
		register(im.slis)
		im.sliOrder = append(im.sliOrder, d)
	case "Service":
		register(im.services)
	case "DataSource":
		register(im.dataSources)
	case "AlertPolicy":
		register(im.alertPolicies)
	case "AlertCondition":
		register(im.alertConditions)
	case "AlertNotificationTarget":
		// Named by alert policies; their comments say where alerts go.
	default:
		im.diags = append(im.diags, interop.ErrorAt(d.src, keyNode(d.node, "kind"), "Unknown OpenSLO kind",
			fmt.Sprintf("kind %q: entente imports SLO, SLI, Service, DataSource, AlertPolicy, AlertCondition and AlertNotificationTarget.", d.Kind)))
	}
}

// agreement writes the agreement of a group.
func (im *importer) agreement(g *group) (interop.Agreement, bool) {
	if text, ok := im.verbatim(g, im.services[g.service]); ok {
		out := interop.Agreement{Name: g.name, FileName: g.name + ".hcl", HCL: []byte(text)}
		_, diags := agreements.Parse(agreements.Source{Name: out.FileName, Bytes: out.HCL})
		im.diags = append(im.diags, diags...)
		out.Invalid = diags.HasErrors()
		return out, true
	}
	before := len(im.diags.Errs())
	for _, d := range g.slos {
		im.slo(g, d)
	}
	// The indicators an export wrote for the agreement's responsibilities,
	// which no SLO names.
	for _, sli := range im.sliOrder {
		if sli.Metadata.Annotations[Prefix+"agreement"] != g.service {
			continue
		}
		var s sliSpec
		if err := sli.Spec.Decode(&s); err != nil {
			im.diags = append(im.diags, interop.ErrorAt(sli.src, &sli.Spec, "Invalid SLI", err.Error()+"."))
			continue
		}
		if ind := im.sli(sli.src, sli.node, sli.Metadata.Name, sli.Metadata, s, &sli.Spec); ind != nil {
			g.addIndicator(im, sli, ind)
		}
	}
	svc := im.services[g.service]
	ann := map[string]string{}
	if svc != nil {
		ann = svc.Metadata.Annotations
	}
	a := &interop.Block{Type: "agreement", Labels: []string{g.name}}
	title := g.service
	if svc != nil && svc.Metadata.DisplayName != "" {
		title = svc.Metadata.DisplayName
	}
	a.Add("title", interop.String(title))
	version := "0.1.0"
	if v, ok := ann[Prefix+"version"]; ok {
		version = v
	}
	a.Add("version", interop.String(version))
	a.Add("effective", interop.String(im.effective(g, ann)))
	if v, ok := ann[Prefix+"expires"]; ok {
		a.Add("expires", interop.String(v))
	}
	tz := g.timeZone
	if v, ok := ann[Prefix+"time_zone"]; ok {
		tz = v
	}
	if tz != "" && tz != "UTC" {
		a.Add("time_zone", interop.String(tz))
	}

	raw := map[string]*interop.Block{}
	for _, kind := range carried {
		text, ok := ann[Prefix+pluralOf(kind)]
		if !ok {
			continue
		}
		if err := onlyBlocks(text, kind); err != nil {
			im.diags = append(im.diags, interop.ErrorAt(svc.src, interop.Field(svc.node, "metadata", "annotations", Prefix+pluralOf(kind)), "Invalid annotation", fmt.Sprintf("%s%s: %s.", Prefix, pluralOf(kind), err)))
			continue
		}
		raw[kind] = &interop.Block{Raw: text}
	}
	put := func(kind string, todo []string) {
		if r := raw[kind]; r != nil {
			a.Blocks = append(a.Blocks, r)
		} else if todo != nil {
			a.Blocks = append(a.Blocks, &interop.Block{Comment: todo})
		}
	}
	put("party", interop.TODOParties)
	if raw["service"] != nil {
		put("service", nil)
	} else {
		s := &interop.Block{Type: "service", Labels: []string{g.name}}
		if svc != nil {
			var spec serviceSpec
			_ = svc.Spec.Decode(&spec)
			if spec.Description != "" {
				s.Add("description", interop.String(spec.Description))
			}
		}
		a.Blocks = append(a.Blocks, s)
	}
	a.Blocks = append(a.Blocks, g.indicators...)
	a.Blocks = append(a.Blocks, g.sloBlocks...)
	put("exclusion", nil)
	put("responsibility", nil)
	if raw["fee"] == nil && raw["credit"] == nil {
		a.Blocks = append(a.Blocks, &interop.Block{Comment: interop.TODOCredits})
	} else {
		put("fee", nil)
		put("credit", nil)
	}
	put("reporting", nil)
	put("review", interop.TODOReview)

	if len(im.diags.Errs()) > before {
		return interop.Agreement{}, false
	}
	header := Header
	if c, ok := ann[Prefix+"comment"]; ok {
		header = strings.Split(c, "\n")
	}
	file := &interop.File{Header: header, Agreement: a}
	out := interop.Agreement{Name: g.name, FileName: g.name + ".hcl", HCL: file.Render()}
	_, diags := agreements.Parse(agreements.Source{Name: out.FileName, Bytes: out.HCL})
	im.diags = append(im.diags, diags...)
	out.Invalid = diags.HasErrors()
	return out, true
}

// effective is the agreement's effective date: the annotation, the
// option, the earliest calendar start, or today.
func (im *importer) effective(g *group, ann map[string]string) string {
	if v, ok := ann[Prefix+"effective"]; ok {
		return v
	}
	if im.opts.Effective != "" {
		return im.opts.Effective
	}
	if g.startTime != "" {
		return g.startTime
	}
	return im.opts.Now.UTC().Format("2006-01-02")
}

func pluralOf(kind string) string {
	switch kind {
	case "fee", "reporting", "review":
		return kind
	case "party":
		return "parties"
	case "responsibility":
		return "responsibilities"
	}
	return kind + "s"
}

// slo turns one OpenSLO SLO into indicators and slo blocks of g.
func (im *importer) slo(g *group, d *document) {
	var spec sloSpec
	if err := d.Spec.Decode(&spec); err != nil {
		return // reported when grouped
	}
	ann := d.Metadata.Annotations
	specNode := &d.Spec
	im.unknownFields(d.src, specNode, "SLO spec", "description", "service", "indicator", "indicatorRef", "timeWindow", "timeWindows",
		"budgetingMethod", "objectives", "alertPolicies")
	for _, n := range contentOf(interop.Field(specNode, "objectives")) {
		im.unknownFields(d.src, n, "objective", "name", "displayName", "op", "value", "target", "targetPercent", "timeSliceTarget",
			"timeSliceWindow", "indicator", "indicatorRef", "compositeWeight", "ratioMetrics")
	}
	for _, n := range contentOf(interop.Field(specNode, "timeWindow")) {
		im.unknownFields(d.src, n, "timeWindow", "duration", "isRolling", "calendar")
	}
	name := interop.Name(d.Metadata.Name)
	if v, ok := ann[Prefix+"name"]; ok {
		name = v
	} else {
		im.renamed(d, d.Metadata.Name, name)
	}

	window, ok := im.window(g, d, spec)
	if !ok {
		return
	}
	if v, ok := ann[Prefix+"window"]; ok && window.Name == "window" {
		window.Value = interop.String(v)
	}
	method := spec.BudgetingMethod
	switch method {
	case "Occurrences", "Timeslices", "RatioTimeslices":
	case "":
		im.diags = append(im.diags, interop.ErrorAt(d.src, d.node, "SLO without a budgeting method", "Give spec.budgetingMethod: Occurrences, Timeslices or RatioTimeslices."))
		return
	default:
		im.diags = append(im.diags, interop.ErrorAt(d.src, keyNode(specNode, "budgetingMethod"), "Unknown budgeting method", fmt.Sprintf("%q: entente knows Occurrences, Timeslices and RatioTimeslices.", method)))
		return
	}
	if len(spec.Objectives) == 0 {
		im.diags = append(im.diags, interop.ErrorAt(d.src, d.node, "SLO without objectives", "Give spec.objectives: at least one target."))
		return
	}
	objNodes := interop.Field(specNode, "objectives")
	for i, obj := range spec.Objectives {
		if obj.Indicator != nil || obj.IndicatorRef != "" || obj.CompositeWeight != nil {
			im.diags = append(im.diags, interop.ErrorAt(d.src, objNodes.Content[i], "Composite SLO",
				"An objective with its own indicator or a compositeWeight makes a composite SLO, which has no place in an agreement: each entente SLO measures one indicator. Write one SLO per indicator; the SLO is not imported."))
			return
		}
	}

	// The indicator of v1 is the SLO's; v1alpha's ratio objectives have
	// their own.
	var shared *indicator
	if d.APIVersion == V1 || spec.Indicator != nil {
		shared = im.sloIndicator(d, spec)
		if shared == nil {
			return
		}
	}
	for i, obj := range spec.Objectives {
		objNode := objNodes.Content[i]
		ind := shared
		if obj.RatioMetrics != nil {
			ind = im.alphaRatio(d, name, i, len(spec.Objectives), obj.RatioMetrics, interop.Field(objNode, "ratioMetrics"))
			if ind == nil {
				continue
			}
		}
		if ind == nil {
			im.diags = append(im.diags, interop.ErrorAt(d.src, objNode, "Objective without an indicator", "Give the SLO an indicator, or the objective ratioMetrics."))
			continue
		}
		sloName := name
		if len(spec.Objectives) > 1 {
			suffix := obj.Name
			if suffix == "" {
				suffix = obj.DisplayName
			}
			if suffix == "" {
				suffix = strconv.Itoa(i + 1)
			}
			sloName = interop.Name(name + "-" + suffix)
		}
		b := &interop.Block{Type: "slo", Labels: []string{sloName}}
		if c, ok := ann[Prefix+"comment"]; ok {
			b.Comment = strings.Split(c, "\n")
		} else {
			b.Comment = im.sloComment(d, spec, obj)
		}
		description := spec.Description
		if description == "" {
			description = d.Metadata.DisplayName
		}
		if description != "" {
			b.Add("description", interop.String(description))
		}
		b.Add("indicator", "indicator."+g.addIndicator(im, d, ind))
		if !im.objective(d, b, ind, method, obj, objNode, window, ann) {
			continue
		}
		g.sloBlocks = append(g.sloBlocks, b)
	}
}

// unknownFields warns about the keys of a mapping that the import does not
// read: a misspelt key is not dropped silently.
func (im *importer) unknownFields(src interop.Source, n *yaml.Node, what string, known ...string) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i]
		if slices.Contains(known, key.Value) {
			continue
		}
		im.diags = append(im.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Unknown field ignored",
			Detail:   fmt.Sprintf("%q is not a field of an OpenSLO %s that entente reads (%s); it is not imported.", key.Value, what, strings.Join(known, ", ")),
			Subject:  interop.Range(src, key.Line, key.Column),
		})
	}
}

// contentOf is the items of a sequence node.
func contentOf(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// renamed warns when a name had to change to be an entente name.
func (im *importer) renamed(d *document, from, to string) {
	if from != to {
		im.diags = append(im.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Name changed",
			Detail:   fmt.Sprintf("%q is not an entente name (a lowercase letter, then lowercase letters, digits, \"_\" or \"-\"): it is imported as %q.", from, to),
			Subject:  interop.Range(d.src, d.node.Line, d.node.Column),
		})
	}
}

// indicator is an indicator block and the kind of metric it measures.
type indicator struct {
	block *interop.Block
	ratio bool
	src   interop.Source
	node  *yaml.Node
}

// addIndicator adds an indicator to the group once, and returns its name;
// two different indicators of one name are an error.
func (g *group) addIndicator(im *importer, d *document, ind *indicator) string {
	name := ind.block.Labels[0]
	for _, b := range g.indicators {
		if b.Labels[0] != name {
			continue
		}
		if !slices.Equal(b.Attrs, ind.block.Attrs) || len(b.Blocks) != len(ind.block.Blocks) ||
			(len(b.Blocks) == 1 && !slices.Equal(b.Blocks[0].Attrs, ind.block.Blocks[0].Attrs)) {
			im.diags = append(im.diags, interop.ErrorAt(ind.src, ind.node, "Two indicators of one name",
				fmt.Sprintf("Indicator %q of SLO %q measures something else than the indicator of that name of another SLO of service %q; give them different names.", name, d.Metadata.Name, g.service)))
		}
		return name
	}
	g.indicators = append(g.indicators, ind.block)
	return name
}

// sloIndicator reads a v1 SLO's indicator: inline, or an SLI by reference.
func (im *importer) sloIndicator(d *document, spec sloSpec) *indicator {
	switch {
	case spec.Indicator != nil:
		n := interop.Field(&d.Spec, "indicator")
		if spec.Indicator.ThresholdMetric != nil {
			// v1alpha: indicator.thresholdMetric.
			return im.alphaThreshold(d, spec.Indicator.ThresholdMetric, interop.Field(n, "thresholdMetric"))
		}
		name := spec.Indicator.Metadata.Name
		if name == "" {
			name = d.Metadata.Name
		}
		return im.sli(d.src, n, name, spec.Indicator.Metadata, spec.Indicator.Spec, interop.Field(n, "spec"))
	case spec.IndicatorRef != "":
		sli := im.slis[spec.IndicatorRef]
		if sli == nil {
			im.diags = append(im.diags, interop.ErrorAt(d.src, interop.Field(&d.Spec, "indicatorRef"), "Unknown SLI",
				fmt.Sprintf("indicatorRef %q names no SLI among the documents; import the file that defines it too.", spec.IndicatorRef)))
			return nil
		}
		var s sliSpec
		if err := sli.Spec.Decode(&s); err != nil {
			im.diags = append(im.diags, interop.ErrorAt(sli.src, &sli.Spec, "Invalid SLI", err.Error()+"."))
			return nil
		}
		return im.sli(sli.src, sli.node, sli.Metadata.Name, sli.Metadata, s, &sli.Spec)
	}
	im.diags = append(im.diags, interop.ErrorAt(d.src, d.node, "SLO without an indicator", "Give spec.indicator or spec.indicatorRef."))
	return nil
}

// sli turns a v1 SLI into an indicator block.
func (im *importer) sli(src interop.Source, node *yaml.Node, name string, meta metadata, spec sliSpec, specNode *yaml.Node) *indicator {
	im.unknownFields(src, specNode, "SLI spec", "description", "thresholdMetric", "ratioMetric")
	im.unknownFields(src, interop.Field(specNode, "ratioMetric"), "ratioMetric", "counter", "good", "bad", "total", "raw", "rawType")
	if v, ok := meta.Annotations[Prefix+"name"]; ok {
		name = v
	}
	b := &interop.Block{Type: "indicator", Labels: []string{interop.Name(name)}}
	if interop.Name(name) != name {
		im.diags = append(im.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Name changed",
			Detail:  fmt.Sprintf("%q is not an entente name: it is imported as %q.", name, interop.Name(name)),
			Subject: interop.Range(src, node.Line, node.Column)})
	}
	description := spec.Description
	if description == "" {
		description = meta.DisplayName
	}
	if description != "" {
		b.Add("description", interop.String(description))
	}
	var comment []string
	ok := true
	ind := &indicator{block: b, src: src, node: node}
	// The queries of an SLI that entente exported are entente's own:
	// they are taken as they are.
	_, verbatim := meta.Annotations[Prefix+"agreement"]
	switch {
	case spec.RatioMetric != nil:
		rm := spec.RatioMetric
		rn := interop.Field(specNode, "ratioMetric")
		if rm.Raw != nil {
			im.diags = append(im.diags, interop.ErrorAt(src, keyNode(rn, "raw"), "Raw ratio",
				"A raw ratio metric holds a ratio already computed, and an agreement counts events: give good (or bad) and total queries. The SLI is not imported."))
			return nil
		}
		counter := rm.Counter == nil || *rm.Counter
		ratio := &interop.Block{Type: "ratio"}
		for _, part := range []struct {
			name string
			m    *metric
			role interop.Role
		}{{"good", rm.Good, interop.Good}, {"bad", rm.Bad, interop.Bad}, {"total", rm.Total, interop.Total}} {
			if part.m == nil {
				continue
			}
			q, notes, c, good := im.query(src, interop.Field(rn, part.name, "metricSource"), part.m.MetricSource, part.role, counter, verbatim)
			ok = ok && good
			comment = appendNew(comment, c...)
			comment = appendNew(comment, interop.Rewritten("OpenSLO's "+part.name+" query", notes)...)
			ratio.Add(part.name, q)
		}
		if rm.Total == nil || (rm.Good == nil) == (rm.Bad == nil) {
			im.diags = append(im.diags, interop.ErrorAt(src, rn, "Incomplete ratio metric", "Give total and exactly one of good and bad."))
			return nil
		}
		b.Blocks = []*interop.Block{ratio}
		ind.ratio = true
	case spec.ThresholdMetric != nil:
		q, notes, c, good := im.query(src, interop.Field(specNode, "thresholdMetric", "metricSource"), spec.ThresholdMetric.MetricSource, interop.Value, false, verbatim)
		ok = good
		comment = append(comment, c...)
		comment = append(comment, interop.Rewritten("OpenSLO's threshold query", notes)...)
		b.Add("value", q)
	default:
		im.diags = append(im.diags, interop.ErrorAt(src, node, "SLI without a metric", "Give ratioMetric or thresholdMetric."))
		return nil
	}
	if !ok {
		return nil
	}
	im.carry(b, meta.Annotations, indicatorAttrs)
	if c, found := meta.Annotations[Prefix+"comment"]; found {
		b.Comment = strings.Split(c, "\n")
	} else {
		b.Comment = comment
	}
	return ind
}

func appendNew(list []string, items ...string) []string {
	for _, s := range items {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// carry adds the attributes that annotations carry.
func (im *importer) carry(b *interop.Block, ann map[string]string, attrs []struct {
	name string
	kind attrKind
}) {
	prefix := Prefix
	if b.Type == "timeslices" {
		prefix += "timeslices."
	}
	for _, a := range attrs {
		v, ok := ann[prefix+a.name]
		if !ok {
			continue
		}
		switch {
		case a.kind == stringAttr:
			b.Add(a.name, interop.String(v))
		case a.kind == queryOrFalse && v == "false":
			b.Add(a.name, "false")
		case a.kind == queryOrFalse:
			b.Add(a.name, interop.Query(v))
		default:
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				v = interop.String(v) // the check of the agreement says what is wrong
			}
			b.Add(a.name, interop.Number(v))
		}
	}
}

// query reads the PromQL query of a metric source, and the comment that
// says where it comes from.
func (im *importer) query(src interop.Source, n *yaml.Node, ms metricSource, role interop.Role, counter, verbatim bool) (string, []string, []string, bool) {
	typ := ms.Type
	var comment []string
	if ms.MetricSourceRef != "" {
		ds := im.dataSources[ms.MetricSourceRef]
		if ds == nil && typ == "" {
			im.diags = append(im.diags, interop.ErrorAt(src, interop.Field(n, "metricSourceRef"), "Unknown DataSource",
				fmt.Sprintf("metricSourceRef %q names no DataSource among the documents, and no type is given; import the DataSource too, or give type: Prometheus.", ms.MetricSourceRef)))
			return "", nil, nil, false
		}
		if ds != nil {
			var spec dataSourceSpec
			_ = ds.Spec.Decode(&spec)
			if typ == "" {
				typ = spec.Type
			}
			line := fmt.Sprintf("Source: OpenSLO DataSource %q (%s)", ds.Metadata.Name, spec.Type)
			if url := interop.Field(&spec.ConnectionDetails, "url"); url != nil && url.Kind == yaml.ScalarNode {
				line += ", " + url.Value
			}
			comment = append(comment, line+"; give it to entente check --prometheus.")
		}
	}
	if !slices.Contains(promqlSources, strings.ToLower(typ)) {
		what := "no type"
		if typ != "" {
			what = strconv.Quote(typ)
		}
		im.diags = append(im.diags, interop.ErrorAt(src, n, "Not a Prometheus source",
			fmt.Sprintf("This metric source has %s: entente measures with PromQL, from Prometheus or a source that speaks its API (Thanos, Mimir, Cortex, VictoriaMetrics). It is not imported.", what)))
		return "", nil, nil, false
	}
	qn := interop.Field(&ms.Spec, "query")
	if qn == nil {
		qn = interop.Field(&ms.Spec, "promql")
	}
	if qn == nil || qn.Kind != yaml.ScalarNode || strings.TrimSpace(qn.Value) == "" {
		im.diags = append(im.diags, interop.ErrorAt(src, n, "Metric source without a query", "Give spec.query, the PromQL query."))
		return "", nil, nil, false
	}
	if verbatim {
		return interop.Query(interop.WindowVar(qn.Value)), nil, comment, true
	}
	q, notes, err := interop.Windowed(qn.Value, role, counter)
	if err != nil {
		im.diags = append(im.diags, interop.ErrorAt(src, qn, "Invalid query", err.Error()+"."))
		return "", nil, nil, false
	}
	return interop.Query(q), notes, comment, true
}

// alphaQuery reads a v1alpha query.
func (im *importer) alphaQuery(src interop.Source, n *yaml.Node, m *metricV1alpha, role interop.Role, counter bool) (string, []string, bool) {
	if !slices.Contains(promqlSources, strings.ToLower(m.Source)) || (m.QueryType != "" && !strings.EqualFold(m.QueryType, "promql")) {
		im.diags = append(im.diags, interop.ErrorAt(src, n, "Not a Prometheus source",
			fmt.Sprintf("source %q, queryType %q: entente measures with PromQL from Prometheus or a source that speaks its API. It is not imported.", m.Source, m.QueryType)))
		return "", nil, false
	}
	q, notes, err := interop.Windowed(m.Query, role, counter)
	if err != nil {
		im.diags = append(im.diags, interop.ErrorAt(src, interop.Field(n, "query"), "Invalid query", err.Error()+"."))
		return "", nil, false
	}
	return interop.Query(q), notes, true
}

// alphaRatio is the indicator of a v1alpha objective's ratioMetrics.
func (im *importer) alphaRatio(d *document, slo string, i, n int, rm *ratioMetricsV1alpha, node *yaml.Node) *indicator {
	name := slo
	if n > 1 {
		name = fmt.Sprintf("%s-%d", slo, i+1)
	}
	counter := (rm.Incremental == nil || *rm.Incremental) && (rm.Counter == nil || *rm.Counter)
	b := &interop.Block{Type: "indicator", Labels: []string{name}}
	ratio := &interop.Block{Type: "ratio"}
	if rm.Total == nil || (rm.Good == nil) == (rm.Bad == nil) {
		im.diags = append(im.diags, interop.ErrorAt(d.src, node, "Incomplete ratio metric", "Give total and exactly one of good and bad."))
		return nil
	}
	for _, part := range []struct {
		name string
		m    *metricV1alpha
		role interop.Role
	}{{"good", rm.Good, interop.Good}, {"bad", rm.Bad, interop.Bad}, {"total", rm.Total, interop.Total}} {
		if part.m == nil {
			continue
		}
		q, notes, ok := im.alphaQuery(d.src, interop.Field(node, part.name), part.m, part.role, counter)
		if !ok {
			return nil
		}
		b.Comment = appendNew(b.Comment, interop.Rewritten("OpenSLO's "+part.name+" query", notes)...)
		ratio.Add(part.name, q)
	}
	b.Blocks = []*interop.Block{ratio}
	return &indicator{block: b, ratio: true, src: d.src, node: node}
}

// alphaThreshold is the indicator of a v1alpha SLO's thresholdMetric.
func (im *importer) alphaThreshold(d *document, m *metricV1alpha, node *yaml.Node) *indicator {
	q, notes, ok := im.alphaQuery(d.src, node, m, interop.Value, false)
	if !ok {
		return nil
	}
	b := &interop.Block{Type: "indicator", Labels: []string{interop.Name(d.Metadata.Name)}}
	b.Comment = append(b.Comment, interop.Rewritten("OpenSLO's threshold query", notes)...)
	b.Add("value", q)
	return &indicator{block: b, src: d.src, node: node}
}

var durationRE = regexp.MustCompile(`^([1-9][0-9]*)([smhdwMQY])$`)

// window reads the SLO's time window: the window or calendar attribute.
func (im *importer) window(g *group, d *document, spec sloSpec) (interop.Attr, bool) {
	windows, key := spec.TimeWindow, "timeWindow"
	if d.APIVersion == V1alpha {
		windows, key = spec.TimeWindows, "timeWindows"
	}
	wn := interop.Field(&d.Spec, key)
	if len(windows) != 1 {
		im.diags = append(im.diags, interop.ErrorAt(d.src, keyNode(&d.Spec, key), "One time window needed",
			fmt.Sprintf("An SLO of an agreement is measured over one window; spec.%s has %d.", key, len(windows))))
		return interop.Attr{}, false
	}
	w := windows[0]
	n := wn.Content[0]
	duration := w.Duration
	if d.APIVersion == V1alpha {
		units := map[string]string{"Second": "s", "Minute": "m", "Hour": "h", "Day": "d", "Week": "w", "Month": "M", "Quarter": "Q", "Year": "Y"}
		duration = ""
		if u, ok := units[w.Unit]; ok && w.Count > 0 {
			duration = strconv.Itoa(w.Count) + u
		}
	}
	m := durationRE.FindStringSubmatch(duration)
	if m == nil {
		im.diags = append(im.diags, interop.ErrorAt(d.src, n, "Invalid time window",
			fmt.Sprintf("%q is not a duration: write a number and one of m, h, d, w, M, Q, Y, such as 28d or 1M.", duration)))
		return interop.Attr{}, false
	}
	rolling := w.Calendar == nil
	if w.IsRolling != nil {
		rolling = *w.IsRolling
	}
	if rolling {
		switch m[2] {
		case "M", "Q":
			im.diags = append(im.diags, interop.ErrorAt(d.src, n, "Rolling window of months",
				fmt.Sprintf("A rolling window of %s has no fixed length, and an entente window has: write it in days (such as 30d or 90d), or make it a calendar window.", duration)))
			return interop.Attr{}, false
		case "Y":
			return interop.Attr{Name: "window", Value: interop.String(m[1] + "y")}, true
		}
		return interop.Attr{Name: "window", Value: interop.String(duration)}, true
	}
	periods := map[string]string{"1d": "day", "1w": "week", "1M": "month", "1Q": "quarter", "1Y": "year"}
	period, ok := periods[duration]
	if !ok {
		im.diags = append(im.diags, interop.ErrorAt(d.src, n, "Unsupported calendar window",
			fmt.Sprintf("A calendar window of %s: entente's calendar periods are 1d, 1w, 1M, 1Q and 1Y (a day, an ISO week, a month, a quarter, a year). A rolling window can be any length.", duration)))
		return interop.Attr{}, false
	}
	if w.Calendar != nil {
		if !im.calendar(g, d, *w.Calendar, interop.Field(n, "calendar")) {
			return interop.Attr{}, false
		}
	}
	return interop.Attr{Name: "calendar", Value: interop.String(period)}, true
}

// calendar takes the time zone and start of a calendar window.
func (im *importer) calendar(g *group, d *document, c calendar, n *yaml.Node) bool {
	tz := c.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "Local" {
		im.diags = append(im.diags, interop.ErrorAt(d.src, interop.Field(n, "timeZone"), "Unknown time zone", fmt.Sprintf("%q is not an IANA time zone name such as Europe/Paris.", tz)))
		return false
	}
	if g.tzDoc != nil && g.timeZone != tz {
		im.diags = append(im.diags, interop.ErrorAt(d.src, interop.Field(n, "timeZone"), "Two time zones in one service",
			fmt.Sprintf("The calendar windows of service %q are in %s and %s (%s:%d); an agreement has one time zone: give its SLOs the same.", g.service, tz, g.timeZone, g.tzDoc.src.Name, g.tzDoc.node.Line)))
		return false
	}
	g.timeZone, g.tzDoc = tz, d
	if c.StartTime == "" {
		return true
	}
	start, err := time.ParseInLocation("2006-01-02 15:04:05", c.StartTime, loc)
	if err != nil {
		im.diags = append(im.diags, interop.ErrorAt(d.src, interop.Field(n, "startTime"), "Invalid start time", fmt.Sprintf("%q: write it as 2022-01-01 12:00:00.", c.StartTime)))
		return false
	}
	text := start.Format(time.RFC3339)
	if start.Hour() == 0 && start.Minute() == 0 && start.Second() == 0 {
		text = start.Format("2006-01-02")
	}
	if g.startTime == "" || text < g.startTime {
		g.startTime = text
	}
	return true
}

// objective writes an SLO's objective, window and slices into b.
func (im *importer) objective(d *document, b *interop.Block, ind *indicator, method string, obj objective, n *yaml.Node, window interop.Attr, ann map[string]string) bool {
	fail := func(at *yaml.Node, summary, detail string) bool {
		im.diags = append(im.diags, interop.ErrorAt(d.src, at, summary, detail))
		return false
	}
	valueSLO := ann[Prefix+"kind"] == "value"
	var objective string
	switch {
	case obj.Target != nil && obj.TargetPercent != nil:
		return fail(n, "Two targets", "Give target or targetPercent, not both.")
	case obj.TargetPercent != nil:
		objective = obj.TargetPercent.Value
		if _, err := interop.Fraction(objective); err != nil {
			return fail(obj.TargetPercent.node, "Invalid target", err.Error()+".")
		}
	case obj.Target != nil:
		p, err := interop.Percent(obj.Target.Value)
		if err != nil {
			return fail(obj.Target.node, "Invalid target", err.Error()+".")
		}
		objective = p
	case !valueSLO:
		return fail(n, "Objective without a target", "Give target (0.999) or targetPercent (99.9).")
	}
	bound := func() (string, string, bool) {
		if obj.Value == nil {
			fail(n, "Threshold without a value", "A threshold metric's objective gives op and value.")
			return "", "", false
		}
		if _, err := strconv.ParseFloat(obj.Value.Value, 64); err != nil {
			fail(obj.Value.node, "Invalid value", fmt.Sprintf("%q is not a number.", obj.Value.Value))
			return "", "", false
		}
		switch obj.Op {
		case "lt", "lte":
			return "max", obj.Value.Value, true
		case "gt", "gte":
			return "min", obj.Value.Value, true
		}
		fail(keyNode(n, "op"), "Invalid op", fmt.Sprintf("op %q: give lt, lte, gt or gte.", obj.Op))
		return "", "", false
	}
	if valueSLO {
		if ind.ratio {
			return fail(n, "Value SLO of a ratio", "entente.dev/kind: value needs a threshold metric.")
		}
		attr, v, ok := bound()
		if !ok {
			return false
		}
		b.Add(attr, interop.Number(v))
		im.carry(b, ann, sloAttrs[:1]) // warning
		b.Attrs = append(b.Attrs, window)
		rest := &interop.Block{}
		im.carry(rest, ann, sloAttrs[1:])
		b.Attrs = append(b.Attrs, rest.Attrs...)
		return true
	}
	b.Add("objective", interop.Number(objective))
	im.carry(b, ann, sloAttrs[:1]) // warning
	b.Attrs = append(b.Attrs, window)
	rest := &interop.Block{}
	im.carry(rest, ann, sloAttrs[1:])
	b.Attrs = append(b.Attrs, rest.Attrs...)

	if method == "Occurrences" && ind.ratio {
		return true
	}
	slices := &interop.Block{Type: "timeslices"}
	slice := "1m"
	if obj.TimeSliceWindow != nil {
		s, ok := sliceDuration(obj.TimeSliceWindow.Value)
		if !ok {
			return fail(obj.TimeSliceWindow.node, "Invalid timeSliceWindow", fmt.Sprintf("%q: give minutes (5) or a duration (5m, 1h).", obj.TimeSliceWindow.Value))
		}
		slice = s
	} else if method != "Occurrences" {
		return fail(n, "Timeslices without a timeSliceWindow", "Give timeSliceWindow, the length of a slice (1m, 5m).")
	}
	if v, ok := ann[Prefix+"timeslices.slice"]; ok {
		slice = v
	}
	slices.Add("slice", interop.String(slice))
	switch {
	case method == "Occurrences":
		// A threshold metric counts its good data points: entente counts
		// them a minute at a time.
		im.diags = append(im.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Occurrences of a threshold metric",
			Detail:  "OpenSLO counts the data points that meet the threshold; entente counts the minutes that do: the SLO is imported with timeslices of 1m.",
			Subject: interop.Range(d.src, n.Line, n.Column)})
		attr, v, ok := bound()
		if !ok {
			return false
		}
		slices.Add(attr, interop.Number(v))
	case !ind.ratio:
		if method == "RatioTimeslices" {
			return fail(keyNode(&d.Spec, "budgetingMethod"), "RatioTimeslices of a threshold metric", "RatioTimeslices averages the slices' ratios, and a threshold metric has none: use Timeslices.")
		}
		attr, v, ok := bound()
		if !ok {
			return false
		}
		slices.Add(attr, interop.Number(v))
	case method == "RatioTimeslices":
		slices.Add("measure", interop.String("mean"))
	default:
		if obj.TimeSliceTarget == nil {
			return fail(n, "Timeslices without a timeSliceTarget", "Give timeSliceTarget, the ratio of good events that makes a slice good (0.99).")
		}
		p, err := interop.Percent(obj.TimeSliceTarget.Value)
		if err != nil {
			return fail(obj.TimeSliceTarget.node, "Invalid timeSliceTarget", err.Error()+".")
		}
		slices.Add("objective", interop.Number(p))
	}
	im.carry(slices, ann, slicesAttrs)
	b.Blocks = []*interop.Block{slices}
	return true
}

// sliceDuration reads a timeSliceWindow: minutes, or a duration.
func sliceDuration(v string) (string, bool) {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return strconv.Itoa(n) + "m", true
	}
	m := durationRE.FindStringSubmatch(v)
	if m == nil || strings.ContainsAny(m[2], "MQY") {
		return "", false
	}
	return v, true
}

// sloComment describes what of an SLO is kept as a comment: the
// objective's display name and the alert policies.
func (im *importer) sloComment(d *document, spec sloSpec, obj objective) []string {
	var lines []string
	if obj.DisplayName != "" {
		lines = append(lines, fmt.Sprintf("OpenSLO objective %q.", obj.DisplayName))
	}
	for i := range spec.AlertPolicies {
		p := &spec.AlertPolicies[i]
		name := ""
		var policy *document
		var inline *yaml.Node
		switch {
		case p.Kind == yaml.ScalarNode:
			name = p.Value
		case interop.Field(p, "alertPolicyRef") != nil:
			name = interop.Field(p, "alertPolicyRef").Value
		case interop.Field(p, "kind") != nil:
			inline = p
			if nm := interop.Field(p, "metadata", "name"); nm != nil {
				name = nm.Value
			}
		}
		if policy = im.alertPolicies[name]; policy != nil {
			inline = policy.node
		}
		lines = append(lines, im.alertComment(name, inline)...)
	}
	if len(spec.AlertPolicies) > 0 {
		lines = append(lines, "entente rules writes the alerts of this SLO (docs/alerting.md).")
	}
	return lines
}

// alertComment describes an alert policy in a line or two.
func (im *importer) alertComment(name string, node *yaml.Node) []string {
	if node == nil {
		return []string{fmt.Sprintf("OpenSLO alert policy %q (not among the documents imported).", name)}
	}
	var spec alertPolicySpec
	_ = interop.Field(node, "spec").Decode(&spec)
	var when []string
	if spec.AlertWhenBreaching {
		when = append(when, "breaching")
	}
	if spec.AlertWhenResolved {
		when = append(when, "resolved")
	}
	if spec.AlertWhenNoData {
		when = append(when, "no data")
	}
	line := fmt.Sprintf("OpenSLO alert policy %q", name)
	if len(when) > 0 {
		line += " (when " + strings.Join(when, ", ") + ")"
	}
	for i := range spec.Conditions {
		c := &spec.Conditions[i]
		cn := c
		cname := ""
		if ref := interop.Field(c, "conditionRef"); ref != nil {
			cname = ref.Value
			if doc := im.alertConditions[cname]; doc != nil {
				cn = doc.node
			} else {
				cn = nil
			}
		} else if nm := interop.Field(c, "metadata", "name"); nm != nil {
			cname = nm.Value
		}
		line += fmt.Sprintf(": condition %q", cname)
		if cn != nil {
			var cs alertConditionSpec
			_ = interop.Field(cn, "spec").Decode(&cs)
			line += fmt.Sprintf(", %s %s over %s for %s, severity %s", orDefault(cs.Condition.Kind, "burnrate"), cs.Condition.Threshold.Value, cs.Condition.LookbackWindow, orDefault(cs.Condition.AlertAfter, "0m"), cs.Severity)
		}
	}
	var targets []string
	for i := range spec.NotificationTargets {
		t := &spec.NotificationTargets[i]
		if ref := interop.Field(t, "targetRef"); ref != nil {
			targets = append(targets, ref.Value)
		} else if nm := interop.Field(t, "metadata", "name"); nm != nil {
			targets = append(targets, nm.Value)
		}
	}
	if len(targets) > 0 {
		line += "; notifies " + strings.Join(targets, ", ")
	}
	return []string{line + "."}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// onlyBlocks checks that text, carried in an annotation, holds blocks of
// one type and nothing else, so that it cannot add an agreement of its own.
func onlyBlocks(text, kind string) error {
	file, diags := hclsyntax.ParseConfig([]byte(text), "annotation", hcl.InitialPos)
	if diags.HasErrors() {
		return fmt.Errorf("not HCL: %s", diags.Error())
	}
	f := file.Body.(*hclsyntax.Body)
	if len(f.Attributes) > 0 {
		return fmt.Errorf("holds attributes; it holds %s blocks only", kind)
	}
	for _, b := range f.Blocks {
		if b.Type != kind {
			return fmt.Errorf("holds a %s block; it holds %s blocks only", b.Type, kind)
		}
	}
	return nil
}

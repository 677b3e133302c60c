package openslo

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"go.yaml.in/yaml/v3"

	"github.com/entente-dev/entente/agreements"
	"github.com/entente-dev/entente/interop"
)

// Exported is the OpenSLO of one agreement: its documents as one YAML
// stream.
type Exported struct {
	Name string
	YAML []byte
}

// Export writes each agreement of set as OpenSLO v1 documents, one per
// kind of object: a Service named after the agreement, an SLI per
// indicator and an SLO per slo, named AGREEMENT-NAME (OpenSLO names are
// global, and two agreements may have an SLO of the same name). What OpenSLO cannot say is carried in
// annotations under entente.dev/: the agreement's version and dates, the
// attributes of SLOs and indicators OpenSLO lacks, the comments above
// blocks, and the parties, services, exclusions, responsibilities, fee,
// credits, reporting and review as HCL. Import reads them back: export
// then import gives back an agreement written in the layout import
// writes, byte for byte.
//
// Export reads the agreements' source (set.Files): a set loaded from a
// bundle has none, and is refused.
func Export(set *agreements.Set) ([]Exported, error) {
	var out []Exported
	for _, a := range set.Agreements {
		file := set.Files[a.DeclRange.Filename]
		if file == nil {
			return nil, fmt.Errorf("agreement %s: its source file is not loaded; export reads agreement files, not bundles", a.Name)
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			return nil, fmt.Errorf("agreement %s: %s is not HCL native syntax", a.Name, a.DeclRange.Filename)
		}
		var block *hclsyntax.Block
		for _, b := range body.Blocks {
			if b.Type == "agreement" && len(b.Labels) == 1 && b.Labels[0] == a.Name {
				block = b
			}
		}
		if block == nil {
			return nil, fmt.Errorf("agreement %s: no such block in %s", a.Name, a.DeclRange.Filename)
		}
		x := &exporter{src: file.Bytes, a: a}
		docs, err := x.documents(block)
		if err != nil {
			return nil, fmt.Errorf("agreement %s: %w", a.Name, err)
		}
		// The agreement's text, for import to give it back unchanged: the
		// whole file when it holds this agreement alone.
		source := string(file.Bytes)
		if len(body.Blocks) != 1 {
			source = string(file.Bytes[x.commentStart(block.Range()):block.Range().End.Byte]) + "\n"
		}
		if err := seal(docs, source); err != nil {
			return nil, fmt.Errorf("agreement %s: %w", a.Name, err)
		}
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		for _, d := range docs {
			if err := enc.Encode(d); err != nil {
				return nil, fmt.Errorf("agreement %s: %w", a.Name, err)
			}
		}
		if err := enc.Close(); err != nil {
			return nil, err
		}
		out = append(out, Exported{Name: a.Name, YAML: buf.Bytes()})
	}
	return out, nil
}

type exporter struct {
	src []byte
	a   *agreements.Agreement
}

func (x *exporter) documents(block *hclsyntax.Block) ([]*yaml.Node, error) {
	a := x.a
	ann := &yaml.Node{Kind: yaml.MappingNode}
	addAnn := func(key, value string) { ann.Content = append(ann.Content, str(Prefix+key), str(value)) }
	if c := x.leadingComment(block.Range()); c != "" {
		addAnn("comment", c)
	}
	for _, name := range []string{"version", "effective", "expires", "time_zone"} {
		if v, ok := x.attrText(block.Body, name); ok {
			addAnn(name, v)
		}
	}
	for _, kind := range carried {
		if text := x.blocksText(block.Body, kind); text != "" {
			addAnn(pluralOf(kind), text)
		}
	}
	service := object("Service", a.Name, a.Title, ann, mapping())
	docs := []*yaml.Node{service}

	for _, b := range block.Body.Blocks {
		if b.Type != "indicator" {
			continue
		}
		ind := a.Indicator(b.Labels[0])
		ann := &yaml.Node{Kind: yaml.MappingNode}
		addAnn := func(key, value string) { ann.Content = append(ann.Content, str(Prefix+key), str(value)) }
		addAnn("agreement", a.Name)
		addAnn("name", ind.Name)
		if c := x.leadingComment(b.Range()); c != "" {
			addAnn("comment", c)
		}
		if v, ok := x.attrText(b.Body, "unit"); ok {
			addAnn("unit", v)
		}
		switch {
		case ind.NoCoverage:
			addAnn("coverage", "false")
		case ind.Coverage != "":
			addAnn("coverage", string(ind.Coverage))
		}
		spec := mapping()
		if ind.Description != "" {
			spec.Content = append(spec.Content, str("description"), str(ind.Description))
		}
		if ind.Kind == agreements.RatioIndicator {
			rm := mapping(str("counter"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
			for _, part := range []struct {
				name string
				q    agreements.Query
			}{{"good", ind.Ratio.Good}, {"bad", ind.Ratio.Bad}, {"total", ind.Ratio.Total}} {
				if part.q != "" {
					rm.Content = append(rm.Content, str(part.name), metricSourceNode(part.q))
				}
			}
			spec.Content = append(spec.Content, str("ratioMetric"), rm)
		} else {
			spec.Content = append(spec.Content, str("thresholdMetric"), metricSourceNode(ind.Value))
		}
		docs = append(docs, object("SLI", a.Name+"-"+ind.Name, "", ann, spec))
	}

	for _, b := range block.Body.Blocks {
		if b.Type != "slo" {
			continue
		}
		d, err := x.slo(b)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// slo is the SLO document of an slo block.
func (x *exporter) slo(b *hclsyntax.Block) (*yaml.Node, error) {
	a, s := x.a, x.a.SLO(b.Labels[0])
	ann := &yaml.Node{Kind: yaml.MappingNode}
	addAnn := func(key, value string) { ann.Content = append(ann.Content, str(Prefix+key), str(value)) }
	addAnn("name", s.Name)
	if c := x.leadingComment(b.Range()); c != "" {
		addAnn("comment", c)
	}
	if s.Kind == agreements.ValueSLO {
		addAnn("kind", "value")
	}
	for _, attr := range sloAttrs {
		if v, ok := x.attrText(b.Body, attr.name); ok {
			addAnn(attr.name, v)
		}
	}
	var slicesBody *hclsyntax.Body
	for _, nb := range b.Body.Blocks {
		if nb.Type == "timeslices" {
			slicesBody = nb.Body
		}
	}
	if slicesBody != nil {
		for _, attr := range slicesAttrs {
			if v, ok := x.attrText(slicesBody, attr.name); ok {
				addAnn("timeslices."+attr.name, v)
			}
		}
	}

	spec := mapping()
	if s.Description != "" {
		spec.Content = append(spec.Content, str("description"), str(s.Description))
	}
	spec.Content = append(spec.Content, str("service"), str(a.Name), str("indicatorRef"), str(a.Name+"-"+s.Indicator))
	var window *yaml.Node
	if s.Calendar != "" {
		periods := map[agreements.Calendar]string{agreements.Day: "1d", agreements.Week: "1w", agreements.Month: "1M", agreements.Quarter: "1Q", agreements.Year: "1Y"}
		tz := a.TimeZone
		if tz == "" {
			tz = "UTC"
		}
		window = mapping(str("duration"), str(periods[s.Calendar]),
			str("calendar"), mapping(str("startTime"), str(a.Effective.In(a.Location).Format("2006-01-02 15:04:05")), str("timeZone"), str(tz)),
			str("isRolling"), boolean(false))
	} else {
		text, _ := x.attrText(b.Body, "window")
		window = mapping(str("duration"), str(shorthand(text, time.Duration(s.Window), addAnn, "window")), str("isRolling"), boolean(true))
	}
	spec.Content = append(spec.Content, str("timeWindow"), &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{window}})

	method := "Occurrences"
	obj := mapping()
	switch s.Kind {
	case agreements.RatioSLO:
		obj.Content = append(obj.Content, str("targetPercent"), num(x.number(b.Body, "objective")))
	case agreements.ValueSLO:
		obj.Content = append(obj.Content, bound(x, b.Body)...)
	case agreements.TimesliceSLO:
		method = "Timeslices"
		ts := s.Timeslices
		obj.Content = append(obj.Content, str("targetPercent"), num(x.number(b.Body, "objective")))
		if ts.Measure == agreements.MeanOfSlices {
			method = "RatioTimeslices"
		} else if ts.Objective != nil {
			f, err := fractionOf(x.number(slicesBody, "objective"))
			if err != nil {
				return nil, err
			}
			obj.Content = append(obj.Content, str("timeSliceTarget"), num(f))
		} else {
			obj.Content = append(obj.Content, bound(x, slicesBody)...)
		}
		text, _ := x.attrText(slicesBody, "slice")
		obj.Content = append(obj.Content, str("timeSliceWindow"), str(shorthand(text, time.Duration(ts.Slice), addAnn, "timeslices.slice")))
	}
	spec.Content = append(spec.Content, str("budgetingMethod"), str(method),
		str("objectives"), &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{obj}})
	return object("SLO", a.Name+"-"+s.Name, "", ann, spec), nil
}

// shorthandRE is a duration entente and OpenSLO write alike.
var shorthandRE = regexp.MustCompile(`^[1-9][0-9]*[mhdw]$`)

// shorthand is a duration as OpenSLO writes it: one number and one unit.
// One entente writes otherwise ("1h30m", "90s") is written in minutes or
// seconds, and as entente wrote it in an annotation.
func shorthand(text string, d time.Duration, addAnn func(key, value string), key string) string {
	if shorthandRE.MatchString(text) {
		return text
	}
	if m := regexp.MustCompile(`^([1-9][0-9]*)y$`).FindStringSubmatch(text); m != nil {
		return m[1] + "Y"
	}
	addAnn(key, text)
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "s"
}

func fractionOf(percent string) (string, error) {
	f, err := interop.Fraction(percent)
	if err != nil {
		return "", fmt.Errorf("timeslices objective %s: %w", percent, err)
	}
	return f, nil
}

// bound is op and value of a block with min or max.
func bound(x *exporter, body *hclsyntax.Body) []*yaml.Node {
	if _, ok := body.Attributes["max"]; ok {
		return []*yaml.Node{str("op"), str("lte"), str("value"), num(x.number(body, "max"))}
	}
	return []*yaml.Node{str("op"), str("gte"), str("value"), num(x.number(body, "min"))}
}

// attrText is the value of an attribute as an annotation carries it: a
// string's text, or the source of anything else.
func (x *exporter) attrText(body *hclsyntax.Body, name string) (string, bool) {
	attr, ok := body.Attributes[name]
	if !ok {
		return "", false
	}
	if v, diags := attr.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
		return v.AsString(), true
	}
	return x.text(attr.Expr.Range()), true
}

// number is the source of a number attribute when it is a plain number,
// or its value.
func (x *exporter) number(body *hclsyntax.Body, name string) string {
	attr := body.Attributes[name]
	text := x.text(attr.Expr.Range())
	if _, err := strconv.ParseFloat(text, 64); err == nil && !strings.ContainsAny(text, "eExX_+-") {
		return text
	}
	v, _ := attr.Expr.Value(nil)
	if v.Type() == cty.String {
		return v.AsString()
	}
	f, _ := v.AsBigFloat().Float64()
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func (x *exporter) text(r hcl.Range) string { return string(x.src[r.Start.Byte:r.End.Byte]) }

// leadingComment is the comment right above a block, without "# ".
func (x *exporter) leadingComment(r hcl.Range) string {
	lines := strings.Split(string(x.src[:lineStart(x.src, r.Start.Byte)]), "\n")
	lines = lines[:len(lines)-1] // what follows the last newline: the block's line
	var comment []string
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "#") {
			break
		}
		l = strings.TrimPrefix(strings.TrimPrefix(l, "#"), " ")
		comment = append([]string{l}, comment...)
	}
	return strings.Join(comment, "\n")
}

// commentStart is where the comment above a block starts (the block's
// start when it has none).
func (x *exporter) commentStart(r hcl.Range) int {
	start := lineStart(x.src, r.Start.Byte)
	for start > 0 {
		prev := lineStart(x.src, start-1)
		if !strings.HasPrefix(strings.TrimSpace(string(x.src[prev:start])), "#") {
			break
		}
		start = prev
	}
	return start
}

func lineStart(src []byte, at int) int {
	return bytes.LastIndexByte(src[:at], '\n') + 1
}

// blocksText is the source of the blocks of one type in body, each with
// the comment above it, as they were laid out: blank lines between them
// kept, and anything else between them left out.
func (x *exporter) blocksText(body *hclsyntax.Body, kind string) string {
	var b strings.Builder
	prevEnd := -1
	for _, blk := range body.Blocks {
		if blk.Type != kind {
			if prevEnd >= 0 {
				prevEnd = -2 // another block lies between
			}
			continue
		}
		start := x.commentStart(blk.Range())
		switch {
		case prevEnd == -2:
			b.WriteString("\n\n")
		case prevEnd >= 0:
			gap := string(x.src[prevEnd:start])
			if strings.TrimSpace(gap) == "" && strings.Count(gap, "\n") == 1 {
				b.WriteString("\n")
			} else {
				b.WriteString("\n\n")
			}
		}
		b.WriteString(dedent(string(x.src[start:blk.Range().End.Byte])))
		prevEnd = blk.Range().End.Byte
	}
	return b.String()
}

// dedent removes the indentation of the first line from every line, so
// that a block carried in an annotation reads as at the top level.
func dedent(text string) string {
	indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, indent)
	}
	return strings.Join(lines, "\n")
}

// metricSourceNode is a Prometheus metric source of a query; the window is
// written {{.window}}, as Sloth writes it.
func metricSourceNode(q agreements.Query) *yaml.Node {
	text := strings.ReplaceAll(string(q), agreements.WindowVar, "{{.window}}")
	return mapping(str("metricSource"), mapping(str("type"), str("Prometheus"), str("spec"), mapping(str("query"), str(text))))
}

// object is an OpenSLO v1 object.
func object(kind, name, displayName string, annotations, spec *yaml.Node) *yaml.Node {
	meta := mapping(str("name"), str(name))
	if displayName != "" {
		meta.Content = append(meta.Content, str("displayName"), str(displayName))
	}
	if len(annotations.Content) > 0 {
		meta.Content = append(meta.Content, str("annotations"), annotations)
	}
	return mapping(str("apiVersion"), str(V1), str("kind"), str(kind), str("metadata"), meta, str("spec"), spec)
}

func mapping(content ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Content: content}
}

func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func num(text string) *yaml.Node {
	tag := "!!float"
	if !strings.Contains(text, ".") {
		tag = "!!int"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: text}
}

func boolean(v bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
}

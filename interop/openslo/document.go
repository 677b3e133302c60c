// Package openslo translates between OpenSLO documents (v1 and v1alpha) and
// entente agreements: Import writes an agreement per OpenSLO service,
// Export writes the OpenSLO v1 documents of agreements.
//
// The documents are decoded with the YAML library of the module
// (go.yaml.in/yaml/v3) into the types of this file, not with OpenSLO's
// go-sdk: the module proxy this project builds from does not serve it, and
// these types keep each value's line, which the diagnostics of an import
// point at.
package openslo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"go.yaml.in/yaml/v3"

	"github.com/entente-dev/entente/interop"
)

// The API versions read and written.
const (
	V1      = "openslo/v1"
	V1alpha = "openslo/v1alpha"
)

// document is one OpenSLO object, with where it was read.
type document struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   metadata `yaml:"metadata"`
	Spec       yaml.Node

	src  interop.Source
	node *yaml.Node
}

type metadata struct {
	Name        string            `yaml:"name"`
	DisplayName string            `yaml:"displayName"`
	Labels      yaml.Node         `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type sloSpec struct {
	Description     string       `yaml:"description"`
	Service         string       `yaml:"service"`
	Indicator       *inlineSLI   `yaml:"indicator"`
	IndicatorRef    string       `yaml:"indicatorRef"`
	TimeWindow      []timeWindow `yaml:"timeWindow"`
	TimeWindows     []timeWindow `yaml:"timeWindows"` // v1alpha
	BudgetingMethod string       `yaml:"budgetingMethod"`
	Objectives      []objective  `yaml:"objectives"`
	AlertPolicies   []yaml.Node  `yaml:"alertPolicies"`
}

type inlineSLI struct {
	Metadata metadata `yaml:"metadata"`
	Spec     sliSpec  `yaml:"spec"`
	// v1alpha writes the threshold metric straight under indicator.
	ThresholdMetric *metricV1alpha `yaml:"thresholdMetric"`
}

type sliSpec struct {
	Description     string       `yaml:"description"`
	ThresholdMetric *metric      `yaml:"thresholdMetric"`
	RatioMetric     *ratioMetric `yaml:"ratioMetric"`
}

type metric struct {
	MetricSource metricSource `yaml:"metricSource"`
}

type metricSource struct {
	MetricSourceRef string    `yaml:"metricSourceRef"`
	Type            string    `yaml:"type"`
	Spec            yaml.Node `yaml:"spec"`
}

type ratioMetric struct {
	Counter *bool   `yaml:"counter"`
	Good    *metric `yaml:"good"`
	Bad     *metric `yaml:"bad"`
	Total   *metric `yaml:"total"`
	Raw     *metric `yaml:"raw"`
	RawType string  `yaml:"rawType"`
}

// metricV1alpha is a query of v1alpha: source, queryType and query side by
// side.
type metricV1alpha struct {
	Source    string `yaml:"source"`
	QueryType string `yaml:"queryType"`
	Query     string `yaml:"query"`
}

type ratioMetricsV1alpha struct {
	Good        *metricV1alpha `yaml:"good"`
	Bad         *metricV1alpha `yaml:"bad"`
	Total       *metricV1alpha `yaml:"total"`
	Incremental *bool          `yaml:"incremental"`
	Counter     *bool          `yaml:"counter"`
}

type timeWindow struct {
	Duration  string    `yaml:"duration"`
	IsRolling *bool     `yaml:"isRolling"`
	Calendar  *calendar `yaml:"calendar"`
	// v1alpha
	Count int    `yaml:"count"`
	Unit  string `yaml:"unit"`
}

type calendar struct {
	StartTime string `yaml:"startTime"`
	TimeZone  string `yaml:"timeZone"`
}

type objective struct {
	Name            string               `yaml:"name"`
	DisplayName     string               `yaml:"displayName"`
	Op              string               `yaml:"op"`
	Value           *value               `yaml:"value"`
	Target          *value               `yaml:"target"`
	TargetPercent   *value               `yaml:"targetPercent"`
	TimeSliceTarget *value               `yaml:"timeSliceTarget"`
	TimeSliceWindow *value               `yaml:"timeSliceWindow"`
	Indicator       *value               `yaml:"indicator"`
	IndicatorRef    string               `yaml:"indicatorRef"`
	CompositeWeight *value               `yaml:"compositeWeight"`
	RatioMetrics    *ratioMetricsV1alpha `yaml:"ratioMetrics"` // v1alpha
}

// value is a value kept as written ("0.999" stays "0.999", not a float),
// with its node for diagnostics; nil when the key is absent.
type value struct {
	Value string
	node  *yaml.Node
}

// UnmarshalYAML keeps the node.
func (v *value) UnmarshalYAML(n *yaml.Node) error {
	v.Value, v.node = n.Value, n
	return nil
}

type serviceSpec struct {
	Description string `yaml:"description"`
}

type dataSourceSpec struct {
	Description       string    `yaml:"description"`
	Type              string    `yaml:"type"`
	ConnectionDetails yaml.Node `yaml:"connectionDetails"`
}

type alertPolicySpec struct {
	Description         string      `yaml:"description"`
	AlertWhenNoData     bool        `yaml:"alertWhenNoData"`
	AlertWhenResolved   bool        `yaml:"alertWhenResolved"`
	AlertWhenBreaching  bool        `yaml:"alertWhenBreaching"`
	Conditions          []yaml.Node `yaml:"conditions"`
	NotificationTargets []yaml.Node `yaml:"notificationTargets"`
}

type alertConditionSpec struct {
	Description string `yaml:"description"`
	Severity    string `yaml:"severity"`
	Condition   struct {
		Kind           string    `yaml:"kind"`
		Threshold      yaml.Node `yaml:"threshold"`
		LookbackWindow string    `yaml:"lookbackWindow"`
		AlertAfter     string    `yaml:"alertAfter"`
	} `yaml:"condition"`
}

// readDocuments decodes every document of a source: YAML documents one
// after the other, each an object or a list of objects.
func readDocuments(src interop.Source) ([]*document, hcl.Diagnostics) {
	var docs []*document
	var diags hcl.Diagnostics
	dec := yaml.NewDecoder(bytes.NewReader(src.Bytes))
	for {
		var root yaml.Node
		err := dec.Decode(&root)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Not YAML",
				Detail:   fmt.Sprintf("%s: %s.", src.Name, err),
				Subject:  interop.Range(src, yamlErrorLine(err), 1),
			})
			break
		}
		if len(root.Content) == 0 {
			continue
		}
		top := root.Content[0]
		items := []*yaml.Node{top}
		if top.Kind == yaml.SequenceNode {
			items = top.Content
		}
		for _, n := range items {
			if n.Kind != yaml.MappingNode {
				diags = append(diags, interop.ErrorAt(src, n, "Not an OpenSLO object", "An OpenSLO document is a mapping with apiVersion, kind, metadata and spec."))
				continue
			}
			d := &document{src: src, node: n}
			if err := n.Decode(d); err != nil {
				diags = append(diags, interop.ErrorAt(src, n, "Not an OpenSLO object", fmt.Sprintf("%s.", err)))
				continue
			}
			docs = append(docs, d)
		}
	}
	return docs, diags
}

// yamlErrorLine finds the line in a YAML error message ("yaml: line 3: ...").
func yamlErrorLine(err error) int {
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i+len("line "):], "%d", &line)
	}
	return line
}

// keyNode returns the key node of key in a mapping node (where a
// diagnostic about the key points), or the mapping itself.
func keyNode(n *yaml.Node, key string) *yaml.Node {
	if n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i]
			}
		}
	}
	return n
}

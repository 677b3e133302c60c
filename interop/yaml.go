package interop

import (
	"github.com/hashicorp/hcl/v2"
	"go.yaml.in/yaml/v3"
)

// ErrorAt is an error at a node of a source: what an import refuses is
// named at its line.
func ErrorAt(src Source, n *yaml.Node, summary, detail string) *hcl.Diagnostic {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: Range(src, line, col)}
}

// Field returns the value node at the path of keys through mapping nodes,
// or nil.
func Field(n *yaml.Node, keys ...string) *yaml.Node {
	for _, key := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

package openslo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/entente-dev/entente/interop"
)

// An export carries each agreement's text whole, in the Service's
// entente.dev/source annotation, and a digest of each document it writes
// (entente.dev/digest), with their number on the Service
// (entente.dev/documents). When every document of an agreement comes back
// unchanged, import writes the text as it was, comments and layout
// included: export then import gives back the agreement byte for byte.
// When one was edited (a target raised in an OpenSLO tool), import writes
// the agreement from the documents, as for any other OpenSLO.

// digestOf is a digest of a document's content, its own digest left out:
// what it says, whatever the YAML's layout.
func digestOf(n *yaml.Node) (string, error) {
	var v map[string]any
	if err := n.Decode(&v); err != nil {
		return "", err
	}
	if md, ok := v["metadata"].(map[string]any); ok {
		if ann, ok := md["annotations"].(map[string]any); ok {
			delete(ann, Prefix+"digest")
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

// annotate adds an annotation to a document the exporter wrote.
func annotate(doc *yaml.Node, key, value string) {
	meta := interop.Field(doc, "metadata")
	if meta == nil {
		return
	}
	ann := interop.Field(meta, "annotations")
	if ann == nil {
		ann = &yaml.Node{Kind: yaml.MappingNode}
		meta.Content = append(meta.Content, str("annotations"), ann)
	}
	ann.Content = append(ann.Content, str(Prefix+key), str(value))
}

// seal adds the agreement's text and the count of documents to the
// Service (the first document), then each document's digest.
func seal(docs []*yaml.Node, source string) error {
	annotate(docs[0], "source", source)
	annotate(docs[0], "documents", strconv.Itoa(len(docs)))
	for _, d := range docs {
		sum, err := digestOf(d)
		if err != nil {
			return err
		}
		annotate(d, "digest", sum)
	}
	return nil
}

// verbatim returns the text an export carried for the group, when the
// Service holds one and every document of the group is there, unchanged.
func (im *importer) verbatim(g *group, svc *document) (string, bool) {
	if svc == nil {
		return "", false
	}
	source, ok := svc.Metadata.Annotations[Prefix+"source"]
	if !ok {
		return "", false
	}
	docs := []*document{svc}
	for _, sli := range im.sliOrder {
		if sli.Metadata.Annotations[Prefix+"agreement"] == g.service {
			docs = append(docs, sli)
		}
	}
	docs = append(docs, g.slos...)
	if strconv.Itoa(len(docs)) != svc.Metadata.Annotations[Prefix+"documents"] {
		return "", false
	}
	for _, d := range docs {
		sum, err := digestOf(d.node)
		if err != nil || sum != d.Metadata.Annotations[Prefix+"digest"] {
			return "", false
		}
	}
	return source, true
}

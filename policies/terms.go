package policies

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/entente-dev/entente/agreements"
)

// TermsOf returns the agreements of a bundle as they were written, from
// the terms each agreement's data document holds: what entente diff
// compares. They have no source ranges but the file and line of each
// agreement's header.
func TermsOf(b *bundle.Bundle) (*agreements.Set, error) {
	all, _ := lookup(b.Data, Root, "agreements").(map[string]any)
	set := &agreements.Set{Files: map[string]*hcl.File{}}
	for _, name := range slices.Sorted(maps.Keys(all)) {
		raw := lookup(b.Data, Root, "agreements", name, "terms")
		if raw == nil {
			return nil, fmt.Errorf("the bundle holds no terms for %s: it was built by an older entente; build it again", name)
		}
		data, err := json.Marshal(raw)
		if err != nil {
			return nil, fmt.Errorf("terms of %s: %w", name, err)
		}
		var a agreements.Agreement
		if err := json.Unmarshal(data, &a); err != nil || a.Name != name {
			return nil, fmt.Errorf("the data of %s holds no valid terms", name)
		}
		if a.Location, err = time.LoadLocation(a.TimeZone); err != nil {
			return nil, fmt.Errorf("terms of %s: %w", name, err)
		}
		if plan, ok := lookup(b.Data, Root, "agreements", name, "plan").(map[string]any); ok {
			if src, ok := plan["source"].(map[string]any); ok {
				file, _ := src["file"].(string)
				var n int64
				switch l := src["line"].(type) {
				case json.Number:
					n, _ = l.Int64()
				case float64:
					n = int64(l)
				}
				a.DeclRange = hcl.Range{Filename: file, Start: hcl.Pos{Line: int(n)}, End: hcl.Pos{Line: int(n)}}
			}
		}
		set.Agreements = append(set.Agreements, &a)
	}
	return set, nil
}

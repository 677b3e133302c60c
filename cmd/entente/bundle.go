package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/entente-dev/entente/policies"
)

var bundleCommand = &command{
	name:    "bundle",
	summary: "build, verify and inspect OPA bundles of agreements",
	usage:   "bundle build|verify|inspect ...",
}

var bundleBuildCommand = &command{
	name:    "bundle build",
	reads:   true,
	summary: "write the agreements as a signed, versioned OPA bundle",
	usage:   "bundle build -o FILE [--revision R] [--signing-key K [--signing-alg A] [--signing-key-id ID]] [PATHS...]",
	example: `entente bundle build -o agreements.tar.gz agreements/
entente bundle build -o agreements.tar.gz --revision "$(git rev-parse HEAD)" \
    --signing-key private.pem agreements/

The bundle runs unchanged in a stock OPA server (opa run --server
--bundle agreements.tar.gz): POST /v1/data/entente/agreements/NAME/verdict.
Its manifest has the revision (default: a digest of the content) and the
root "entente". Signing works as opa build --signing-key does.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		out := fs.String("o", "", "the bundle `FILE` to write (required)")
		revision := fs.String("revision", "", "the bundle's `revision` (default: a digest of its content)")
		key := fs.String("signing-key", "", "sign with this PEM private `key` (RSA, ECDSA) or HMAC secret, or the file holding it")
		alg := fs.String("signing-alg", "RS256", "the JWA signing `algorithm`: RS256, ES256, HS256, ...")
		keyID := fs.String("signing-key-id", policies.DefaultKeyID, "the key `ID` to put in the signature")
		noColor := noColorFlag(fs)
		return func(ctx context.Context, e *env, paths []string) int {
			e.noColor = *noColor
			if *out == "" {
				e.errorf("-o FILE is required: the bundle file to write")
				return exitInvalid
			}
			if err := notAnInput("-o", *out, paths, *key); err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			tree, code := compileWith(e, paths, policies.ForBundle)
			if code != exitOK {
				return code
			}
			opts := policies.BuildOptions{Revision: *revision}
			if *key != "" {
				opts.Signing = &policies.SigningOptions{Key: *key, Algorithm: *alg, KeyID: *keyID}
			}
			var buf bytes.Buffer
			if err := tree.WriteBundle(&buf, opts); err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			if err := writeAtomic(*out, buf.Bytes(), 0o644); err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			rev := *revision
			if rev == "" {
				rev = tree.Digest()
			}
			signed := "unsigned"
			if opts.Signing != nil {
				signed = fmt.Sprintf("signed with %s (key ID %q)", *alg, *keyID)
			}
			fmt.Fprintf(e.stdout, "Wrote %s: %s, revision %s, %s.\n", *out, plural(len(tree.Agreements), "agreement"), rev, signed)
			return exitOK
		}
	},
}

var bundleVerifyCommand = &command{
	name:    "bundle verify",
	bundles: true,
	summary: "check a bundle's signature and that its policies compile",
	usage:   "bundle verify [--verification-key K [--verification-key-id ID] [--signing-alg A]] FILE",
	example: `entente bundle verify --verification-key public.pem agreements.tar.gz

With a key, the signature must be there and match every file, as when
opa run --verification-key loads the bundle. Without one, the bundle is
only checked to be an entente bundle whose policies compile.
Each agreement is also decided once without measurements, as serve would.
Exit status: 0 verified, 1 the check failed, 2 unreadable file or usage.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		key := fs.String("verification-key", "", "the PEM public `key` or HMAC secret, or the file holding it")
		keyID := fs.String("verification-key-id", policies.DefaultKeyID, "the `ID` under which the key is known, as opa run --verification-key-id")
		alg := fs.String("signing-alg", "RS256", "the JWA `algorithm` of the key")
		return func(ctx context.Context, e *env, args []string) int {
			if len(args) != 1 {
				e.errorf("give one bundle file")
				return exitInvalid
			}
			raw, err := e.readBundleFile(args[0])
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			var verify *policies.VerifyOptions
			if *key != "" {
				verify = &policies.VerifyOptions{Key: *key, Algorithm: *alg, KeyID: *keyID}
			}
			b, err := policies.ReadBundleLimited(bytes.NewReader(raw), verify, e.maxBundle)
			if err != nil {
				e.errorf("%s: %s", args[0], err)
				return exitFailure
			}
			d, err := policies.PrepareBundle(ctx, b)
			if err != nil {
				e.errorf("%s: %s", args[0], err)
				return exitFailure
			}
			// Policies that compile can still fail to decide (two rules
			// that give the verdict): decide each once, without data.
			empty := map[string]any{"at": time.Now().UTC().Format(time.RFC3339), "measurements": map[string]any{}}
			for _, name := range d.Agreements() {
				if _, err := d.VerdictOf(ctx, name, empty); err != nil {
					e.errorf("%s: agreement %s gives no verdict: %s", args[0], name, err)
					return exitFailure
				}
			}
			what := "well-formed; signature not checked (give --verification-key)"
			if verify != nil {
				what = "signature verified"
			}
			fmt.Fprintf(e.stdout, "%s: %s; revision %s, %s.\n", args[0], what, b.Manifest.Revision, plural(len(policies.BundleAgreements(b)), "agreement"))
			return exitOK
		}
	},
}

var bundleInspectCommand = &command{
	name:    "bundle inspect",
	bundles: true,
	summary: "show a bundle's revision, agreements, versions and signature",
	usage:   "bundle inspect [--format text|json] FILE",
	example: `entente bundle inspect agreements.tar.gz`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) int {
		format := fs.String("format", "text", "output `format`: text or json")
		return func(ctx context.Context, e *env, args []string) int {
			if len(args) != 1 {
				e.errorf("give one bundle file")
				return exitInvalid
			}
			if *format != "text" && *format != "json" {
				e.errorf("unknown --format %q; use text or json", *format)
				return exitInvalid
			}
			raw, err := e.readBundleFile(args[0])
			if err != nil {
				e.errorf("%s", err)
				return exitInvalid
			}
			b, err := policies.ReadBundleLimited(bytes.NewReader(raw), nil, e.maxBundle)
			if err != nil {
				e.errorf("%s: %s", args[0], err)
				return exitInvalid
			}
			info := inspect(b)
			// OPA's reader leaves the signatures out when it does not
			// verify them: read the header from the file.
			if token := policies.Signature(raw); token != "" {
				info.Signature = signatureHeader(token)
			}
			if *format == "json" {
				writeJSON(e.stdout, info)
				return exitOK
			}
			fmt.Fprintf(e.stdout, "Revision:   %s\n", info.Revision)
			fmt.Fprintf(e.stdout, "Roots:      %s\n", strings.Join(info.Roots, ", "))
			if info.Signature == nil {
				fmt.Fprintf(e.stdout, "Signature:  none\n")
			} else {
				fmt.Fprintf(e.stdout, "Signature:  %s, key ID %q (not verified; use entente bundle verify)\n", info.Signature.Algorithm, info.Signature.KeyID)
			}
			fmt.Fprintf(e.stdout, "Agreements:\n")
			for _, a := range info.Agreements {
				fmt.Fprintf(e.stdout, "  %-32s %s\n", a.Name, a.Version)
			}
			return exitOK
		}
	},
}

type bundleInfo struct {
	Revision   string             `json:"revision"`
	Roots      []string           `json:"roots"`
	Agreements []agreementVersion `json:"agreements"`
	Signature  *signatureInfo     `json:"signature"`
}

type agreementVersion struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type signatureInfo struct {
	Algorithm string `json:"algorithm"`
	KeyID     string `json:"key_id"`
}

func inspect(b *bundle.Bundle) bundleInfo {
	info := bundleInfo{Revision: b.Manifest.Revision, Agreements: []agreementVersion{}}
	if b.Manifest.Roots != nil {
		info.Roots = *b.Manifest.Roots
	}
	versions, _ := b.Manifest.Metadata["entente"].(map[string]any)
	agreementVersions, _ := versions["agreements"].(map[string]any)
	for _, name := range policies.BundleAgreements(b) {
		v, _ := agreementVersions[name].(string)
		info.Agreements = append(info.Agreements, agreementVersion{Name: name, Version: v})
	}
	sort.Slice(info.Agreements, func(i, j int) bool { return info.Agreements[i].Name < info.Agreements[j].Name })
	return info
}

// signatureHeader reads the algorithm and key ID of a signature's JWT
// header, without verifying it.
func signatureHeader(token string) *signatureInfo {
	s := &signatureInfo{Algorithm: "unknown"}
	header, _, _ := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return s
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if json.Unmarshal(raw, &h) == nil {
		s.Algorithm, s.KeyID = h.Alg, h.Kid
	}
	return s
}

package policies

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/keys"
)

// Root is the one root of an entente bundle: every path it owns starts
// with it, so a bundle can share an OPA server with others.
const Root = "entente"

// DefaultKeyID is the key ID that signatures carry unless told otherwise,
// as with opa build.
const DefaultKeyID = "default"

// SigningOptions sign a bundle the way opa build --signing-key does.
type SigningOptions struct {
	// Key is a PEM private key (RSA, ECDSA) or an HMAC secret, or the path of
	// a file that holds one.
	Key string
	// Algorithm is a JWA name such as RS256, ES256 or HS256 (default RS256).
	Algorithm string
	// KeyID is the kid of the signature (default "default").
	KeyID string
}

// BuildOptions control Build.
type BuildOptions struct {
	// Revision is the manifest's revision; empty means Digest.
	Revision string
	// Signing, when set, signs the bundle.
	Signing *SigningOptions
}

// Digest is a digest of the tree's policies and data, the default revision
// of its bundle: the same agreements give the same revision.
func (t *Tree) Digest() string {
	if t.digest != "" {
		return t.digest
	}
	return t.filesDigest()
}

func (t *Tree) filesDigest() string {
	h := sha256.New()
	for _, f := range t.Files {
		if f.IsTest() {
			continue
		}
		fmt.Fprintf(h, "%s\x00%d\x00", f.Path, len(f.Data))
		h.Write(f.Data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Bundle returns the tree as an OPA bundle: the policies (tests left out),
// the data documents, and a manifest with the revision, the root "entente",
// Rego v1, and the agreements and their versions as metadata.
func (t *Tree) Bundle(opts BuildOptions) (*bundle.Bundle, error) { return t.bundle(opts, true) }

// bundle is Bundle; without parsed, the modules are left unparsed (their
// Raw text is what is written and signed).
func (t *Tree) bundle(opts BuildOptions, parsed bool) (*bundle.Bundle, error) {
	revision := opts.Revision
	if revision == "" {
		revision = t.Digest()
	}
	data, err := t.Data()
	if err != nil {
		return nil, err
	}
	versions := map[string]any{}
	for _, name := range t.Agreements {
		if plan, ok := lookup(data, Root, "agreements", name, "plan").(map[string]any); ok {
			versions[name] = plan["version"]
		}
	}
	regoV1 := 1
	b := &bundle.Bundle{
		Manifest: bundle.Manifest{
			Revision:    revision,
			Roots:       &[]string{Root},
			RegoVersion: &regoV1,
			Metadata:    map[string]any{"entente": map[string]any{"agreements": versions}},
		},
		Data: data,
	}
	for _, f := range t.Files {
		if path.Ext(f.Path) != ".rego" || f.IsTest() {
			continue
		}
		var m *ast.Module
		if parsed {
			var err error
			if m, err = ast.ParseModuleWithOpts(f.Path, string(f.Data), ast.ParserOptions{RegoVersion: ast.RegoV1}); err != nil {
				return nil, fmt.Errorf("bundle: parse %s: %w", f.Path, err)
			}
		}
		b.Modules = append(b.Modules, bundle.ModuleFile{URL: "/" + f.Path, Path: "/" + f.Path, Raw: f.Data, Parsed: m})
	}
	if s := opts.Signing; s != nil {
		keyID := s.KeyID
		if keyID == "" {
			keyID = DefaultKeyID
		}
		if err := b.GenerateSignature(bundle.NewSigningConfig(s.Key, s.Algorithm, ""), keyID, false); err != nil {
			return nil, fmt.Errorf("sign bundle: %w", err)
		}
	}
	return b, nil
}

// WriteBundle writes the tree as a bundle file (.tar.gz) to w.
func (t *Tree) WriteBundle(w io.Writer, opts BuildOptions) error {
	// What is written is the modules' text: they are not parsed again.
	b, err := t.bundle(opts, false)
	if err != nil {
		return err
	}
	// The modules are written as compiled: already formatted.
	if err := bundle.NewWriter(w).DisableFormat(true).Write(*b); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	return nil
}

// VerifyOptions say how to check a bundle's signature, as opa run
// --verification-key does.
type VerifyOptions struct {
	// Key is a PEM public key or an HMAC secret, or the path of a file
	// that holds one.
	Key string
	// Algorithm is the JWA name the key is for (default RS256).
	Algorithm string
	// KeyID is the key ID expected in the signature (default "default").
	KeyID string
}

// ErrUnsigned is returned when a signature is required but the bundle has
// none.
var ErrUnsigned = errors.New("the bundle is not signed")

// DefaultMaxBundleBytes bounds a bundle, compressed and unpacked: a
// megabyte of gzip can unpack to gigabytes.
const DefaultMaxBundleBytes = 256 << 20

// ErrBundleTooLarge is the error of a bundle larger than the limit.
var ErrBundleTooLarge = errors.New("the bundle is too large")

// ReadBundle reads a bundle file of at most DefaultMaxBundleBytes. With
// verify set, the signature is checked and a bundle whose files do not
// match it is refused.
func ReadBundle(r io.Reader, verify *VerifyOptions) (*bundle.Bundle, error) {
	return ReadBundleLimited(r, verify, DefaultMaxBundleBytes)
}

// ReadBundleLimited is ReadBundle for a bundle of at most maxBytes,
// compressed and unpacked. The size unpacked is counted before anything
// is parsed or verified, without keeping what is unpacked.
func ReadBundleLimited(r io.Reader, verify *VerifyOptions, maxBytes int64) (*bundle.Bundle, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBundleBytes
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	if int64(len(raw)) > maxBytes {
		return nil, fmt.Errorf("read bundle: %w: more than %d MiB (--max-bundle-size)", ErrBundleTooLarge, maxBytes>>20)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("read bundle: not a gzip file: %w", err)
	}
	if err := checkEntries(zr, maxBytes); err != nil {
		return nil, err
	}
	reader := bundle.NewCustomReader(bundle.NewTarballLoader(bytes.NewReader(raw)).WithSizeLimitBytes(maxBytes)).WithRegoVersion(ast.RegoV1)
	if verify == nil {
		reader = reader.WithSkipBundleVerification(true)
	} else {
		keyID, alg := verify.KeyID, verify.Algorithm
		if keyID == "" {
			keyID = DefaultKeyID
		}
		if alg == "" {
			alg = "RS256"
		}
		kc, err := keys.NewKeyConfig(verify.Key, alg, "")
		if err != nil {
			return nil, fmt.Errorf("verification key: %w", err)
		}
		reader = reader.WithBundleVerificationConfig(bundle.NewVerificationConfig(map[string]*bundle.KeyConfig{keyID: kc}, keyID, "", nil))
	}
	b, err := reader.Read()
	if err != nil {
		if verify != nil && strings.Contains(err.Error(), "missing .signatures.json") {
			return nil, ErrUnsigned
		}
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	if b.Manifest.Roots == nil || len(*b.Manifest.Roots) != 1 || (*b.Manifest.Roots)[0] != Root {
		return nil, fmt.Errorf("read bundle: not an entente bundle: its roots are not [%q]", Root)
	}
	return &b, nil
}

// checkEntries reads an unpacked bundle once, before anything of it is
// kept: it must unpack to maxBytes at most, and hold only files and
// directories. OPA's reader skips links and devices without a word; a
// bundle that holds them was not written by a bundle builder.
func checkEntries(unpacked io.Reader, maxBytes int64) error {
	counted := &countingReader{r: io.LimitReader(unpacked, maxBytes+1)}
	tooLarge := func() error {
		return fmt.Errorf("read bundle: %w: it unpacks to more than %d MiB (--max-bundle-size)", ErrBundleTooLarge, maxBytes>>20)
	}
	tr := tar.NewReader(counted)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if counted.n > maxBytes {
			return tooLarge()
		}
		if err != nil {
			return fmt.Errorf("read bundle: %w", err)
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeDir:
		case tar.TypeSymlink, tar.TypeLink:
			return fmt.Errorf("read bundle: %s is a link (to %s): a bundle holds only files and directories", h.Name, h.Linkname)
		default:
			return fmt.Errorf("read bundle: %s is not a file (tar type %q): a bundle holds only files and directories", h.Name, h.Typeflag)
		}
	}
	if _, err := io.Copy(io.Discard, counted); err != nil {
		return fmt.Errorf("read bundle: %w", err)
	}
	if counted.n > maxBytes {
		return tooLarge()
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// BundleAgreements returns the names of the agreements in a bundle, sorted.
func BundleAgreements(b *bundle.Bundle) []string {
	agreementsDoc, _ := lookup(b.Data, Root, "agreements").(map[string]any)
	names := make([]string, 0, len(agreementsDoc))
	for name := range agreementsDoc {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// PrepareBundle returns a Decider for the agreements in a bundle.
func PrepareBundle(ctx context.Context, b *bundle.Bundle) (*Decider, error) {
	modules := make(map[string]*ast.Module, len(b.Modules))
	for _, m := range b.Modules {
		modules[m.Path] = m.Parsed
	}
	return NewDecider(ctx, modules, b.Data, BundleAgreements(b))
}

func lookup(doc map[string]any, keys ...string) any {
	var cur any = doc
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// Signature returns the first signature (a JWT) of a bundle file, without
// verifying it, or "" when the bundle is not signed.
func Signature(bundleFile []byte) string {
	zr, err := gzip.NewReader(bytes.NewReader(bundleFile))
	if err != nil {
		return ""
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return ""
		}
		if strings.TrimPrefix(h.Name, "/") != ".signatures.json" {
			continue
		}
		var sigs struct {
			Signatures []string `json:"signatures"`
		}
		if json.NewDecoder(tr).Decode(&sigs) != nil || len(sigs.Signatures) == 0 {
			return ""
		}
		return sigs.Signatures[0]
	}
}

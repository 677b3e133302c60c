package report

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// colours reads the custom properties of the style sheet.
func colours(t *testing.T) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, match := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-f]{6});`).FindAllStringSubmatch(string(style), -1) {
		m[match[1]] = match[2]
	}
	if len(m) == 0 {
		t.Fatal("the style sheet defines no colour")
	}
	return m
}

// luminance is the relative luminance of WCAG 2.
func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.04045 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// Every word of status is read on the page and on its tone's banner: both
// must reach WCAG AA for text (4.5:1); lines and bars of charts, AA for
// graphics (3:1).
func TestColoursMeetWCAGAA(t *testing.T) {
	c := colours(t)
	for _, tc := range []struct {
		fg, bg string
		min    float64
	}{
		{"text", "page", 4.5}, {"muted", "page", 4.5}, {"muted", "subtle", 4.5},
		{"good", "page", 4.5}, {"good", "good-bg", 4.5},
		{"warn", "page", 4.5}, {"warn", "warn-bg", 4.5},
		{"bad", "page", 4.5}, {"bad", "bad-bg", 4.5},
		{"unknown", "page", 4.5}, {"unknown", "unknown-bg", 4.5},
		{"neutral", "page", 4.5}, {"neutral", "neutral-bg", 4.5},
		{"text", "good-bg", 4.5}, {"text", "warn-bg", 4.5}, {"text", "bad-bg", 4.5},
		{"series", "page", 3}, {"bar", "page", 3}, {"bad", "bad-bg", 3},
	} {
		fg, bg := c[tc.fg], c[tc.bg]
		if fg == "" || bg == "" {
			t.Errorf("the style sheet has no --%s or --%s", tc.fg, tc.bg)
			continue
		}
		if r := contrast(fg, bg); r < tc.min {
			t.Errorf("--%s on --%s: contrast %.2f:1, want at least %.1f:1", tc.fg, tc.bg, r, tc.min)
		}
	}
}

package model

import (
	"strings"
	"testing"
)

func TestUnitNames(t *testing.T) {
	for _, c := range []struct{ currency, unit, label, slug string }{
		{"USD", "billion", "US$ bn", "usd_bn"},
		{"EUR", "million", "€ m", "eur_million"},
		{"GBP", "thousand", "£ thousand", "gbp_thousand"},
		{"CHF", "Billion", "CHF Billion", "chf_bn"},
		{"JPY", "hundred million", "JPY hundred million", "jpy_hundred_million"},
		{"Bitcoin ₿", "units", "Bitcoin ₿ units", "bitcoin_units"},
		{"$$$", "k", "$$$ k", "x_k"},
	} {
		d := &Dataset{Currency: c.currency, Unit: c.unit}
		if got := d.UnitLabel(); got != c.label {
			t.Errorf("%s %s: label %q, want %q", c.currency, c.unit, got, c.label)
		}
		if got, want := d.Amount("1,234.5"), strings.Replace(c.label, " ", " 1,234.5 ", 1); strings.Count(c.label, " ") == 1 && got != want {
			t.Errorf("%s %s: amount %q, want %q", c.currency, c.unit, got, want)
		}
		if got := d.UnitSlug(); got != c.slug {
			t.Errorf("%s %s: slug %q, want %q", c.currency, c.unit, got, c.slug)
		}
	}
}

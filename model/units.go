package model

import (
	"strings"
	"unicode"
)

// UnitLabel is the short label of the dataset's values, as a report
// writes it: "US$ bn" for USD billion, "€ m" for EUR million; currencies
// and units it does not know are kept as the file gives them.
func (d *Dataset) UnitLabel() string {
	cur, unit := d.labels()
	return strings.TrimSpace(cur + " " + unit)
}

// Amount writes an amount already formatted as a number in the dataset's
// currency and unit: "US$ 16.6 bn", "€ 3,120.5 m".
func (d *Dataset) Amount(number string) string {
	cur, unit := d.labels()
	return strings.TrimSpace(cur + " " + number + " " + unit)
}

// labels are the short currency and unit: US$ and bn for USD billion.
func (d *Dataset) labels() (string, string) {
	currency, unit := d.Currency, d.Unit
	switch currency {
	case "USD":
		currency = "US$"
	case "EUR":
		currency = "€"
	case "GBP":
		currency = "£"
	}
	switch unit {
	case "billion":
		unit = "bn"
	case "million":
		unit = "m"
	case "trillion":
		unit = "tn"
	}
	return currency, unit
}

// UnitSlug names the dataset's currency and unit in a column or key name:
// "usd_bn" for USD billion (billion is written bn, as the CSV contract
// has always had it), "eur_million" for EUR million, in lower case with
// anything but letters and digits turned to "_".
func (d *Dataset) UnitSlug() string {
	unit := d.Unit
	if strings.EqualFold(unit, "billion") {
		unit = "bn"
	}
	return slugWord(d.Currency) + "_" + slugWord(unit)
}

// slugWord lower-cases s and joins its runs of letters and digits with
// "_"; it is never empty.
func slugWord(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		} else {
			gap = true
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

// FieldName is the name the dataset's file gives field: FieldValue is
// written value or value_bn (see ValueKey); the others as they are.
func (d *Dataset) FieldName(field string) string {
	if field == FieldValue && d.ValueKey != "" {
		return d.ValueKey
	}
	return field
}

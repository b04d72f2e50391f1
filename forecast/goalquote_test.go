package forecast_test

import (
	"math"
	"strings"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// TestGoalQuote: the answer for Asia-Pacific at 60 in 2027 names the
// rate to enter and the growth it then shows 2019–2027, and every
// region's value before and after; an answer of 96 % a year that makes
// it 95 % of the market is warned about, three times.
func TestGoalQuote(t *testing.T) {
	ds := loadIoMT(t)
	a := ds.Base()
	ap := lookup(t, ds, "Region/Asia-Pacific")
	g := forecast.Goal{Node: ap, Year: 2027, Target: 60, Lever: ap}
	s, err := forecast.Seek(ds, a, g)
	if err != nil || !s.Reached {
		t.Fatal(err)
	}
	q, err := forecast.QuoteGoal(ds, a, g, s)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(q.Rate-20.78) > 0.005 || math.Abs(q.Realised-21.18) > 0.005 || q.From != 2019 || q.To != 2027 {
		t.Errorf("rate %.4f, realised %.4f %d–%d; want 20.78 and 21.18 2019–2027", q.Rate, q.Realised, q.From, q.To)
	}
	b := apply(t, ds, a, model.Edit{Kind: model.SetGrowth, Node: ap, Value: q.Rate})
	after := forecast.Project(ds, &b)
	// Realised by hand: (60 / 2019's value)^(1/8) − 1.
	wantClose(t, "realised", q.Realised, (math.Pow(60/after.Value(ap, 0), 1.0/8)-1)*100, 1e-9)
	if len(q.Siblings) != len(ds.Dims[3].Top)-1 || len(q.Warnings) != 0 {
		t.Fatalf("siblings %v, warnings %q", q.Siblings, q.Warnings)
	}
	for _, k := range q.Siblings {
		// 20.78 % is below Asia-Pacific's 22.5 %: every region gains.
		if k.After <= k.Before || k.After != after.Value(k.Node, 8) {
			t.Errorf("%s: %v → %v (projection %v): a slower Asia-Pacific leaves share to every region", ds.Nodes[k.Node].Path, k.Before, k.After, after.Value(k.Node, 8))
		}
	}
	g.Target = 190
	s, _ = forecast.Seek(ds, a, g)
	q, _ = forecast.QuoteGoal(ds, a, g, s)
	if len(q.Warnings) != 3 || !strings.Contains(q.Warnings[0], "outside the rates the dataset holds") ||
		!strings.Contains(q.Warnings[1], "of the total in 2027") || !strings.Contains(q.Warnings[2], "more than twice the market's") {
		t.Errorf("at 190: rate %.2f, share %.2f, warnings %q", q.Rate, q.Share, q.Warnings)
	}
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"iomt/assets"
	"iomt/model"
)

// smartHome is the second market the tests use: any dataset other than
// the embedded IoMT one.
var smartHome = filepath.Join("testdata", "smart-home-energy.yaml")

// TestBuiltinsBelongToMarket: with another dataset, "base" is that
// dataset's own figures, in every command that takes --scenario or
// --compare, and IoMT's scenarios are neither offered nor opened.
func TestBuiltinsBelongToMarket(t *testing.T) {
	code, own, stderr := runCLI(t, "export", "--dataset", smartHome)
	if code != 0 {
		t.Fatalf("export --dataset: exit %d, %s", code, stderr)
	}
	// --compare names this market's Base too: a plan of this market,
	// compared with it, differs by the plan's own growth.
	ws := t.TempDir()
	if err := os.WriteFile(filepath.Join(ws, "home.yaml"), []byte("scenario: Home plan\ndataset: Smart Home Energy Management\ntotal: {cagr_pct: 20}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"base", "Base", "BASE", "base.yaml"} {
		code, out, stderr := runCLI(t, "export", "--dataset", smartHome, "--scenario", name)
		if code != 0 {
			t.Fatalf("--scenario %s on another market: exit %d, %s", name, code, stderr)
		}
		if !strings.Contains(out, "Base,Total,Total,,2022,8.4,") {
			t.Errorf("--scenario %s: not the dataset's own 2022 total of 8.4:\n%.300s", name, out)
		}
		if got, want := totals(t, out), totals(t, own); got[2030] != want[2030] {
			t.Errorf("--scenario %s: 2030 total %v, the dataset's own is %v", name, got[2030], want[2030])
		}
		code, out, stderr = runCLI(t, "export", "--dataset", smartHome, "--workspace", ws, "--scenario", "Home plan", "--compare", name)
		if code != 0 {
			t.Fatalf("--compare %s on another market: exit %d, %s", name, code, stderr)
		}
		// The compared value is the dataset's own 2030 total, and the
		// plan's 20 %% a year puts it above.
		want := fmt.Sprintf(",Base,%s,", strconv.FormatFloat(totals(t, own)[2030], 'g', 12, 64))
		var line string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "Home plan,Total,Total,,2030,") {
				line = l
			}
		}
		if !strings.Contains(line, want) || strings.HasSuffix(line, ",0,0") || strings.Contains(line, ",-") {
			t.Errorf("--compare %s: the 2030 total line %q should compare with the dataset's own total (%s) and lie above it", name, line, want)
		}
	}

	// IoMT's scenarios are not this market's; the error lists the names
	// that are.
	code, _, stderr = runCLI(t, "export", "--dataset", smartHome, "--scenario", "accelerated-adoption")
	if code != 1 || !strings.Contains(stderr, "(built in: base)") || strings.Contains(stderr, "security-headwinds") {
		t.Errorf("an IoMT scenario on another market: exit %d, %q; want 1 listing only base", code, stderr)
	}
	code, _, stderr = runCLI(t, "export", "--scenario", "no-such")
	if code != 1 || !strings.Contains(stderr, "built in: base, accelerated-adoption, security-headwinds") {
		t.Errorf("an unknown scenario on IoMT: exit %d, %q; want 1 listing the three", code, stderr)
	}

	for _, args := range [][]string{
		{"goalseek", "--node", "Total", "--target", "20"},
		{"sensitivity", "--node", "Total"},
		{"montecarlo", "--node", "Total", "--paths", "50"},
	} {
		args = append(args, "--dataset", smartHome, "--scenario", "base")
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
	// The dashboard and serve get as far as the terminal and the network:
	// the scenario opened.
	code, _, stderr = runCLI(t, "--dataset", smartHome, "--scenario", "base")
	if code != 1 || !strings.Contains(stderr, "needs a terminal") {
		t.Errorf("iomt --dataset … --scenario base: exit %d, %q; want the terminal error", code, stderr)
	}
	hk := filepath.Join(t.TempDir(), "hk")
	code, _, stderr = runCLI(t, "serve", "--dataset", smartHome, "--scenario", "base", "--listen", "192.0.2.1:2222", "--host-key", hk)
	if code != 1 || !strings.Contains(stderr, "listening on 192.0.2.1:2222") {
		t.Errorf("serve --dataset … --scenario base: exit %d, %q; want the listening error", code, stderr)
	}
}

// TestBuiltinList: what the dashboard's picker and serve are given.
func TestBuiltinList(t *testing.T) {
	iomt, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		t.Fatal(err)
	}
	other, err := model.ReadDataset(smartHome)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, b := range builtinScenarios(iomt) {
		files = append(files, b.File)
	}
	if strings.Join(files, " ") != "base.yaml accelerated-adoption.yaml security-headwinds.yaml" {
		t.Errorf("IoMT's built-ins: %v", files)
	}

	ws, err := (&workspaceFlag{dir: t.TempDir()}).workspace(other)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ws.List()
	if err != nil || len(entries) != 1 || entries[0].Name != "Base" || !entries[0].Builtin {
		t.Fatalf("another market's built-ins: %+v (%v); want Base alone", entries, err)
	}
	sc, err := entries[0].Open(other)
	if err != nil {
		t.Fatalf("another market's Base does not open: %v", err)
	}
	if sc.Name != "Base" || sc.Dataset != other.Market || !sc.Assumptions.Equal(other.Base()) {
		t.Errorf("another market's Base is not its own figures: %+v", sc)
	}
}

// TestScenariosCommandChecks: a workspace that is missing or is a file is
// an error; files that do not open with the dataset are marked INVALID
// with their first problem; another market's scenarios say so.
func TestScenariosCommandChecks(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-folder")
	code, out, stderr := runCLI(t, "scenarios", "--workspace", missing)
	if code != 1 || out != "" || !strings.Contains(stderr, missing+" does not exist") {
		t.Errorf("scenarios --workspace missing: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("looking created the folder (%v)", err)
	}
	file := writeFile(t, "plain.txt", "not a folder\n")
	for _, cmd := range []string{"scenarios", "export"} {
		code, _, stderr = runCLI(t, cmd, "--workspace", file)
		if code != 1 || !strings.Contains(stderr, file+" is a file, not a folder") {
			t.Errorf("%s --workspace FILE: exit %d, %q", cmd, code, stderr)
		}
	}

	ws := t.TempDir()
	files := map[string]string{
		"good.yaml":   "scenario: Good\ndescription: Faster\ndataset: Internet of Medical Things\ntotal: {cagr_pct: 20}\n",
		"badseg.yaml": "scenario: Bad segments\ndescription: Looks fine\ndataset: Internet of Medical Things\nsegments:\n  Region/Nowhere: {cagr_pct: 5}\n  Region/Elsewhere: {cagr_pct: 5}\n",
		"syntax.yaml": "scenario: [unclosed\n",
		"home.yaml":   "scenario: Home plan\ndataset: Smart Home Energy Management\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(ws, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, stderr = runCLI(t, "scenarios", "--workspace", ws)
	if code != 0 {
		t.Fatalf("scenarios: exit %d, %s", code, stderr)
	}
	bad, syn, home := filepath.Join(ws, "badseg.yaml"), filepath.Join(ws, "syntax.yaml"), filepath.Join(ws, "home.yaml")
	for _, want := range []string{
		"Good  (" + filepath.Join(ws, "good.yaml") + ")\n  Faster\n",
		"Bad segments  (" + bad + ")\n  INVALID: " + bad + `:5:3: unknown segment path "Region/Nowhere"`,
		"  and 1 more problem (iomt validate lists them all)\n",
		"syntax.yaml  (" + syn + ")\n  INVALID: " + syn + ":1:11: ",
		"Home plan  (" + home + ")\n  for another market, Smart Home Energy Management: open it with that market's --dataset\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the listing does not hold %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Looks fine") {
		t.Errorf("an invalid scenario is shown with its description as if it were fine:\n%s", out)
	}

	// With the other market, its scenario opens and IoMT's are invalid.
	_, out, _ = runCLI(t, "scenarios", "--workspace", ws, "--dataset", smartHome)
	for _, want := range []string{"Base  (built in)\n", "Home plan  (" + home + ")\n\n", "Good  (" + filepath.Join(ws, "good.yaml") + ")\n  Faster\n  for another market, Internet of Medical Things"} {
		if !strings.Contains(out, want) {
			t.Errorf("scenarios --dataset: the listing does not hold %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Base (report)") {
		t.Errorf("scenarios --dataset lists IoMT's built-ins:\n%s", out)
	}
}

// TestSavedScenarioByName: --scenario takes the name or file stem of a
// scenario saved in the workspace.
func TestSavedScenarioByName(t *testing.T) {
	ws := t.TempDir()
	if err := os.WriteFile(filepath.Join(ws, "my-plan.yaml"), []byte("scenario: My plan\ndataset: Internet of Medical Things\ntotal: {cagr_pct: 20}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{"my-plan", "My plan", "my-plan.yaml"} {
		code, out, stderr := runCLI(t, "export", "--workspace", ws, "--scenario", arg, "--compare", "base")
		if code != 0 || !strings.Contains(out, "My plan,Total,Total,,2027,") {
			t.Errorf("--scenario %q from the workspace: exit %d, %s", arg, code, stderr)
		}
		code, out, stderr = runCLI(t, "export", "--workspace", ws, "--compare", arg)
		if code != 0 || !strings.Contains(out, "Base (report),Total,Total,,2027,") || !strings.Contains(out, ",My plan,") {
			t.Errorf("--compare %q from the workspace: exit %d, %s", arg, code, stderr)
		}
	}
	code, _, stderr := runCLI(t, "export", "--workspace", ws, "--scenario", "nope")
	if code != 1 || !strings.Contains(stderr, "saved in "+ws+": my-plan") {
		t.Errorf("an unknown name: exit %d, %q; want the saved names too", code, stderr)
	}
	// Another market's scenario is not offered, nor the name of a file
	// in the folder that is not a scenario for it.
	code, _, stderr = runCLI(t, "export", "--workspace", ws, "--dataset", smartHome, "--scenario", "nope")
	if code != 1 || strings.Contains(stderr, "my-plan") {
		t.Errorf("another market: exit %d, %q; want no IoMT names", code, stderr)
	}
}

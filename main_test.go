package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// totals reads the Total rows of a CSV export, by year.
func totals(t *testing.T, text string) map[int]float64 {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatalf("export is not valid CSV: %v", err)
	}
	out := map[int]float64{}
	for _, r := range recs[1:] {
		if r[1] == "Total" {
			y, _ := strconv.Atoi(r[4])
			v, _ := strconv.ParseFloat(r[5], 64)
			out[y] = v
		}
	}
	return out
}

func TestExportSecondMarketBothModes(t *testing.T) {
	ds := filepath.Join("testdata", "smart-home-energy.yaml")
	code, top, stderr := runCLI(t, "export", "--dataset", ds)
	if code != 0 {
		t.Fatalf("top-down export: exit %d, stderr %s", code, stderr)
	}
	// Top-down: the total follows the dataset's own rates, 9.5 % in 2023
	// and 14.2 % after.
	tt := totals(t, top)
	if want := 8.4 * 1.095 * math.Pow(1.142, 7); math.Abs(tt[2030]-want) > 1e-6*want {
		t.Errorf("top-down 2030 total = %v, want %v", tt[2030], want)
	}

	sc := writeFile(t, "bottom-up.yaml", "scenario: Regions drive\ndataset: Smart Home Energy Management\nmode: bottom-up\ndriver: Region\n")
	code, bottom, stderr := runCLI(t, "export", "--dataset", ds, "--scenario", sc)
	if code != 0 {
		t.Fatalf("bottom-up export: exit %d, stderr %s", code, stderr)
	}
	if !strings.Contains(bottom, "Regions drive,Total,Total,,2022,8.4,") {
		t.Errorf("bottom-up export does not start from the 2022 total of 8.4:\n%s", bottom[:200])
	}
	bt := totals(t, bottom)
	if bt[2030] == tt[2030] {
		t.Errorf("bottom-up total equals the top-down one (%v): the driver's rates were not used", bt[2030])
	}
}

func TestExitCodes(t *testing.T) {
	bad := writeFile(t, "bad.yaml", strings.Replace(string(mustRead(t, "assets/iomt.yaml")), "share_pct: 36.6", "share_pct: 30.6", 1))
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"help", []string{"--help"}, 0, ""},
		{"export default", []string{"export"}, 0, ""},
		{"unknown format", []string{"export", "--format", "pdf"}, 2, "csv, json, md"},
		{"unknown flag", []string{"export", "--nope"}, 2, "unknown flag"},
		{"missing dataset", []string{"export", "--dataset", "no-such.yaml"}, 1, "no-such.yaml"},
		{"bad dataset", []string{"validate", bad}, 1, bad + ":"},
		{"validate no args", []string{"validate"}, 2, ""},
		{"validate embedded copy", []string{"validate", "assets/iomt.yaml"}, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr: %s)", code, tc.code, stderr)
			}
			if !strings.Contains(strings.ToLower(stderr), strings.ToLower(tc.stderr)) {
				t.Errorf("stderr %q does not mention %q", stderr, tc.stderr)
			}
		})
	}
}

func TestValidateNamesPlace(t *testing.T) {
	bad := writeFile(t, "bad.yaml", strings.Replace(string(mustRead(t, "assets/iomt.yaml")), "share_pct: 36.6", "share_pct: 30.6", 1))
	_, _, stderr := runCLI(t, "validate", bad)
	// The Component segments list starts on line 21 of the embedded file.
	if !strings.Contains(stderr, bad+":21:7: shares under Component add up to 94") {
		t.Errorf("stderr does not point at the Component segments: %s", stderr)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBuiltinScenarioByName(t *testing.T) {
	for _, arg := range []string{"accelerated-adoption", "Accelerated adoption", "accelerated-adoption.yaml"} {
		code, out, stderr := runCLI(t, "export", "--scenario", arg, "--compare", "base")
		if code != 0 {
			t.Fatalf("--scenario %q: exit %d: %s", arg, code, stderr)
		}
		// The built-in grows the market at 21 % after 2020, the base at 18.5 %.
		tt := totals(t, out)
		if want := 51.2 * 1.185 * math.Pow(1.21, 7); math.Abs(tt[2027]-want) > 1e-6*want {
			t.Errorf("--scenario %q: 2027 total %v, want %v", arg, tt[2027], want)
		}
		if !strings.Contains(out, "Accelerated adoption,Total,Total,,2027,") {
			t.Errorf("--scenario %q: rows do not carry the scenario's name", arg)
		}
	}
	code, _, stderr := runCLI(t, "export", "--scenario", "no-such-scenario")
	if code != 1 || !strings.Contains(stderr, "accelerated-adoption") {
		t.Errorf("an unknown scenario: exit %d, stderr %q (want 1 and the built-in names)", code, stderr)
	}
}

func TestServeNeedsHostKey(t *testing.T) {
	code, _, stderr := runCLI(t, "serve")
	if code != 2 || !strings.Contains(stderr, "host-key") {
		t.Errorf("serve without --host-key: exit %d, stderr %q; want 2 naming the flag", code, stderr)
	}
}

// TestServeBadStart: a server that cannot listen leaves no host key
// behind; a negative session cap is a usage error.
func TestServeBadStart(t *testing.T) {
	hk := filepath.Join(t.TempDir(), "hk")
	// An address of this machine's it cannot have (TEST-NET-1) fails to
	// listen: exit 1. One that is no address at all is a mistake in the
	// flag: exit 2.
	code, _, stderr := runCLI(t, "serve", "--listen", "192.0.2.1:2222", "--host-key", hk)
	if code != 1 || !strings.Contains(stderr, "192.0.2.1:2222") {
		t.Errorf("serve --listen 192.0.2.1:2222: exit %d, stderr %q; want 1 naming the address", code, stderr)
	}
	if _, err := os.Stat(hk); err == nil {
		t.Error("a server that could not listen created its host key")
	}
	code, _, stderr = runCLI(t, "serve", "--listen", "nonsense", "--host-key", hk)
	if code != 2 || !strings.Contains(stderr, `--listen "nonsense": give host:port`) {
		t.Errorf("serve --listen nonsense: exit %d, stderr %q; want 2 naming the flag", code, stderr)
	}
	// Degenerate values are usage errors that name the flag: --rate-every
	// 0 made the token bucket NaN and removed the limit, and an idle
	// timeout of 1ns made the idle check tick without pause.
	for _, c := range []struct{ flag, value string }{
		{"--max-sessions", "-1"}, {"--idle-timeout", "-5s"}, {"--max-timeout", "-5s"},
		{"--rate-every", "0"}, {"--rate-every", "-1s"}, {"--rate-burst", "-1"},
		{"--idle-timeout", "1ns"}, {"--max-timeout", "500ms"},
		{"--user-max-files", "-1"}, {"--user-max-mb", "-1"}, {"--user-max-mb", "9000000000000000"},
	} {
		code, _, stderr = runCLI(t, "serve", "--listen", "127.0.0.1:0", "--host-key", hk, c.flag, c.value)
		if code != 2 || !strings.Contains(stderr, c.flag) {
			t.Errorf("serve %s %s: exit %d, stderr %q; want 2 naming the flag", c.flag, c.value, code, stderr)
		}
		if _, err := os.Stat(hk); err == nil {
			t.Fatalf("serve %s %s created its host key", c.flag, c.value)
		}
	}
}

// TestAnalysisCommands: goal seek, sensitivity and Monte Carlo from the
// command line, as the README gives them.
func TestAnalysisCommands(t *testing.T) {
	code, out, stderr := runCLI(t, "goalseek", "--node", "Region/Asia-Pacific", "--target", "60", "--format", "json")
	if code != 0 {
		t.Fatalf("goalseek: exit %d, %s", code, stderr)
	}
	var gs struct {
		Node    string  `json:"node"`
		Year    int     `json:"year"`
		Target  float64 `json:"target"`
		Vary    string  `json:"vary"`
		CAGRPct float64 `json:"cagr_pct"`
	}
	if err := json.Unmarshal([]byte(out), &gs); err != nil || gs.Node != "Region/Asia-Pacific" || gs.Year != 2027 || gs.Target != 60 || gs.Vary != "node" || math.Abs(gs.CAGRPct-20.78) > 0.01 {
		t.Errorf("goalseek JSON %+v (%v):\n%s", gs, err, out)
	}
	// The rate found, typed into a scenario, gives the target.
	sc := writeFile(t, "ap.yaml", fmt.Sprintf("scenario: AP\nsegments:\n  Region/Asia-Pacific: {cagr_pct: %v}\n", gs.CAGRPct))
	code, csvOut, _ := runCLI(t, "export", "--scenario", sc)
	if code != 0 || !strings.Contains(csvOut, "AP,Region,Asia-Pacific,,2027,60,") && !strings.Contains(csvOut, "AP,Region,Asia-Pacific,,2027,59.9999999") {
		t.Errorf("exporting the rate found does not give 60 in 2027")
	}

	code, _, stderr = runCLI(t, "goalseek", "--node", "Region/Asia-Pacific", "--target", "600")
	if code != 1 || !strings.Contains(stderr, "cannot reach US$ 600.00 bn in 2027") || !strings.Contains(stderr, "the nearest") {
		t.Errorf("unreachable goal: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{
		{"goalseek", "--node", "Region/Asia-Pacfic", "--target", "60"},
		{"goalseek", "--node", "Total"},
		{"goalseek", "--node", "Total", "--target", "60", "--vary", "segment"},
		{"goalseek", "--node", "Total", "--target", "60", "--year", "2019"},
		{"sensitivity", "--node", "Total", "--delta-pp", "0"},
		{"montecarlo", "--node", "Total", "--paths", "0"},
		{"montecarlo", "--node", "Total", "--format", "xlsx"},
	} {
		if code, _, stderr := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage): %s", args, code, stderr)
		}
	}

	code, out, stderr = runCLI(t, "sensitivity", "--node", "Region/Asia-Pacific", "--format", "csv")
	if code != 0 {
		t.Fatalf("sensitivity: exit %d, %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || strings.Join(recs[0], ",") != "parameter,low_value,high_value,swing" || len(recs) < 5 {
		t.Fatalf("sensitivity CSV (%v):\n%s", err, out)
	}
	prev := math.Inf(1)
	for _, r := range recs[1:] {
		swing, _ := strconv.ParseFloat(r[3], 64)
		lo, _ := strconv.ParseFloat(r[1], 64)
		hi, _ := strconv.ParseFloat(r[2], 64)
		if swing > prev || math.Abs(swing-math.Abs(hi-lo)) > 1e-9*swing {
			t.Errorf("row %v: not sorted by swing, or swing is not |high-low|", r)
		}
		prev = swing
	}
	_, text, _ := runCLI(t, "sensitivity", "--node", "Total")
	// The command line's way to bottom-up, not the dashboard's b key.
	if !strings.Contains(text, "in top-down the segments' rates do not change the total; try a scenario with mode: bottom-up") || strings.Contains(text, "b for") {
		t.Errorf("the total's sensitivity does not say why segments are missing:\n%s", text)
	}

	code, out, stderr = runCLI(t, "montecarlo", "--node", "Total", "--paths", "2000", "--seed", "5", "--format", "csv")
	if code != 0 {
		t.Fatalf("montecarlo: exit %d, %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("a progress bar went to a stderr that is not a terminal: %q", stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "year,p10,p50,p90" || len(lines) != 10 || !strings.HasPrefix(lines[1], "2019,51.2,51.2,51.2") {
		t.Errorf("montecarlo CSV:\n%s", out)
	}
	if _, again, _ := runCLI(t, "montecarlo", "--node", "Total", "--paths", "2000", "--seed", "5", "--format", "csv"); again != out {
		t.Error("the same seed gave other numbers")
	}
}

// TestExportToStream: -o names a pipe or a device as well as a file; it
// is written as a stream (renaming a file over it would replace it), and
// a socket is refused with a message that says what to do.
func TestExportToStream(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	code, _, stderr := runCLI(t, "export", "--format", "json", "-o", fifo)
	if code != 0 {
		t.Fatalf("export to a FIFO: exit %d, %s", code, stderr)
	}
	if b := <-got; !bytes.HasPrefix(b, []byte("{")) || !json.Valid(b) {
		t.Errorf("the FIFO's reader got %d bytes, not the JSON export", len(b))
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", st.Mode(), err)
	}

	if code, _, stderr := runCLI(t, "export", "-o", os.DevNull); code != 0 {
		t.Errorf("export -o %s: exit %d, %s", os.DevNull, code, stderr)
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a device: %v", os.DevNull, err)
	}

	sock := filepath.Join(dir, "s")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("cannot make a socket here: %v", err)
	}
	defer l.Close()
	code, _, stderr = runCLI(t, "export", "-o", sock)
	if code == 0 || !strings.Contains(stderr, "it is a socket, not a regular file (for standard output, leave out -o)") {
		t.Errorf("export -o a socket: exit %d, %q", code, stderr)
	}
}

// TestAnalysisCommandsSayTheTruth: the analysis commands' answers with
// levers, with refused moves and with a threshold, and their refusals.
func TestAnalysisCommandsSayTheTruth(t *testing.T) {
	// Levers add 0.5 pp to the market: goal seek's JSON says both rates.
	drv := writeFile(t, "drv.yaml", "scenario: Drivers\ndrivers:\n  Prevalence of Chronic Diseases: 1\n  Security and Privacy Concerns: -0.5\n")
	code, out, stderr := runCLI(t, "goalseek", "--scenario", drv, "--node", "Total", "--target", "200", "--format", "json")
	var gs struct {
		CAGRPct         float64  `json:"cagr_pct"`
		MarketGrowthPct *float64 `json:"market_growth_pct"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &gs) != nil || gs.MarketGrowthPct == nil || math.Abs(*gs.MarketGrowthPct-gs.CAGRPct-0.5) > 1e-12 {
		t.Errorf("goalseek with levers: exit %d %s\n%s", code, stderr, out)
	}
	_, text, _ := runCLI(t, "goalseek", "--scenario", drv, "--node", "Total", "--target", "200")
	if !strings.Contains(text, "% a year as the market's CAGR (") || !strings.Contains(text, "% with the levers (now 18.50 % entered, 19.00 % with them)") {
		t.Errorf("goalseek text with levers:\n%s", text)
	}

	// ±30 pp cannot take Asia-Pacific's share (about 25 %) below 0: that
	// side is n/a in text and empty in CSV, never the base value.
	_, text, _ = runCLI(t, "sensitivity", "--node", "Region/Asia-Pacific", "--delta-pp", "30")
	// Each refused move says its own reason.
	if !regexpMatch(`Region/Asia-Pacific/share_pct\s+n/a\s+\d`, text) || !strings.Contains(text, "n/a: the model refuses these moves:") ||
		!regexpMatch(`\n  Region/Asia-Pacific/share_pct −30 pp: share -[0-9.]+ % is out of range`, text) {
		t.Errorf("sensitivity ±30 pp:\n%s", text)
	}
	_, out, _ = runCLI(t, "sensitivity", "--node", "Region/Asia-Pacific", "--delta-pp", "30", "--format", "csv")
	if !strings.Contains(out, "\nRegion/Asia-Pacific/share_pct,,") {
		t.Errorf("sensitivity CSV ±30 pp: the refused side is not empty:\n%s", out)
	}
	// The reasons are the true ones.
	_, text, _ = runCLI(t, "sensitivity", "--node", "Region/Asia-Pacific", "--year", "2020")
	if !strings.Contains(text, "Total/cagr_pct: 2020 has a growth rate of its own") {
		t.Errorf("sensitivity in 2020:\n%s", text)
	}

	// --above: the probability of beating V, each year, as the
	// simulation gives it.
	code, out, _ = runCLI(t, "montecarlo", "--node", "Total", "--paths", "3000", "--above", "200", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || strings.Join(recs[0], ",") != "year,p10,p50,p90,p_above" {
		t.Fatalf("montecarlo --above CSV (exit %d, %v):\n%s", code, err, out)
	}
	for _, r := range recs[1:] {
		p, _ := strconv.ParseFloat(r[4], 64)
		p10, _ := strconv.ParseFloat(r[1], 64)
		p90, _ := strconv.ParseFloat(r[3], 64)
		switch {
		case p < 0 || p > 1:
			t.Errorf("%s: p_above %v", r[0], p)
		case p90 < 200 && p > 0.1, p10 > 200 && p < 0.9:
			t.Errorf("%s: p_above %v does not agree with P10 %v and P90 %v around 200", r[0], p, p10, p90)
		}
	}

	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"montecarlo", "--node", "Total", "--seed", "-1"}, "a seed is a whole number from 0"},
		{[]string{"montecarlo", "--node", "Total", "--above", "-5"}, "give a value of 0 or more"},
		{[]string{"sensitivity", "--node", "Total", "--delta-pp", "500"}, "is more than 50, the most an assumption moves"},
		{[]string{"sensitivity", "--node", "Total", "--delta-pp", "50.0001"}, "is more than 50, the most an assumption moves"},
		{[]string{"sensitivity", "--node", "Region/Asia-Pacific", "--delta-pp", "5e-324"}, "too small to move a rate (below 0.001 pp it is lost to rounding)"},
		{[]string{"sensitivity", "--node", "Total", "--delta-pp", "0"}, "give a positive one, from 0.001 to 50"},
		{[]string{"sensitivity", "--node", "Total", "--delta-pp", "-1"}, "give a positive one, from 0.001 to 50"},
		{[]string{"sensitivity", "--node", "Total", "--delta-pp", "1e400"}, "a number too large to hold"},
		{[]string{"goalseek", "--node", "Total", "--target", "0"}, "must be a value above 0"},
		{[]string{"goalseek", "--node", "Asia-Pacific", "--target", "60"}, `did you mean "Region/Asia-Pacific"?`},
	} {
		code, _, stderr := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.says) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, stderr, c.says)
		}
	}
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// TestExportCSVLayouts: --wide and --dialect through the command line;
// they apply to CSV only, and an unknown dialect is a usage error.
func TestExportCSVLayouts(t *testing.T) {
	code, out, stderr := runCLI(t, "export", "--wide", "--dialect", "excel-semicolon")
	if code != 0 || !strings.HasPrefix(out, "\uFEFFscenario;dimension;segment;parent;2019;") || !strings.Contains(out, ";51,2;") || !strings.Contains(out, "\r\n") {
		t.Errorf("export --wide --dialect excel-semicolon: exit %d %s\n%.300s", code, stderr, out)
	}
	for _, args := range [][]string{
		{"export", "--dialect", "tsv"},
		{"export", "--format", "md", "--wide"},
		{"export", "--format", "json", "--dialect", "excel"},
	} {
		if code, _, stderr := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage): %s", args, code, stderr)
		}
	}
	sc := writeFile(t, "b.yaml", "scenario: Faster\ntotal: {cagr_pct: 20}\n")
	_, out, _ = runCLI(t, "export", "--compare", sc)
	first, _, _ := strings.Cut(out, "\n")
	if !strings.HasSuffix(first, ",compare_scenario,compare_value_usd_bn,diff_usd_bn,diff_pct") || !strings.Contains(out, ",Faster,") {
		t.Errorf("export --compare does not name the compared scenario: %q", first)
	}
}

// TestAmbiguousScenarioName: two saved files under one scenario name are
// not guessed between; the message names both files.
func TestAmbiguousScenarioName(t *testing.T) {
	ws := t.TempDir()
	for _, f := range []string{"a.yaml", "b.yaml"} {
		if err := os.WriteFile(filepath.Join(ws, f), []byte("scenario: Tokyo upside\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := runCLI(t, "export", "--workspace", ws, "--scenario", "tokyo upside")
	if code == 0 || !strings.Contains(stderr, "2 saved scenarios go by that name") || !strings.Contains(stderr, "a.yaml") || !strings.Contains(stderr, "b.yaml") {
		t.Errorf("an ambiguous name: exit %d, %q", code, stderr)
	}
}

// TestSensitivityTextAligns: on a market in the hundreds of thousands
// each number column of the text table ends in one place, whole; on a
// market below one the values keep three significant digits.
func TestSensitivityTextAligns(t *testing.T) {
	code, out, stderr := runCLI(t, "sensitivity", "--dataset", "testdata/uk-veterinary-telehealth.yaml", "--node", "Region/England")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var table []string
	for _, l := range lines[2:] {
		if l == "" {
			break
		}
		table = append(table, l)
	}
	if len(table) < 3 || !strings.HasPrefix(table[0], "parameter") {
		t.Fatalf("no table:\n%s", out)
	}
	// The end of each column: the header's "low", "high", "swing".
	for _, head := range []string{"low", "high", "swing"} {
		end := strings.Index(table[0], head) + len(head)
		for _, row := range table[1:] {
			if end > len(row) || row[end-1] == ' ' || (end < len(row) && row[end] != ' ') {
				t.Errorf("column %s does not end at byte %d in %q", head, end, row)
			}
		}
	}
	if !strings.Contains(out, "1,247,011.88") || strings.Contains(out, "…") {
		t.Errorf("a number is cut or missing:\n%s", out)
	}

}

// TestTinyMarketReadsWhole: on a market of CHF 0.001 m, every command's
// amounts keep three significant digits, never "0.00".
func TestTinyMarketReadsWhole(t *testing.T) {
	tiny := writeFile(t, "tiny.yaml", "market: Tiny\ncurrency: CHF\nunit: million\nbase_year: 2020\nend_year: 2023\n"+
		"total: {value: 0.001, cagr_pct: 5}\ndimensions:\n  - name: Kind\n    segments:\n"+
		"      - {name: A, share_pct: 60, cagr_pct: 6}\n      - {name: B, share_pct: 40, cagr_pct: 4}\n")
	for _, c := range []struct {
		args []string
		want string // a value as it must read
	}{
		// By hand: 0.001 × 1.05³ × 0.6·1.06³ / (0.6·1.06³ + 0.4·1.04³) = 0.000710.
		{[]string{"sensitivity", "--node", "Kind/A"}, `Kind/A in 2023: CHF 0.000710 m`},
		{[]string{"montecarlo", "--node", "Kind/A", "--paths", "200"}, `2020  0.000600  0.000600  0.000600`},
		{[]string{"export", "--format", "md"}, `| Total | 100.00 | 0.00100 | 0.00105 |`},
	} {
		code, out, stderr := runCLI(t, append(c.args, "--dataset", tiny)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.args[0], code, stderr)
		}
		if !strings.Contains(out, c.want) || regexpMatch(`(?m)(^|\s)0\.00(\s|$)`, out) && c.args[0] != "export" {
			t.Errorf("%s: want %q, and no value reading 0.00:\n%s", c.args[0], c.want, out)
		}
	}
}

// TestSensitivityCSVNamesNeverFormulas: a parameter is named after its
// dimension, so a dimension named "=1+1" started a formula in the
// sensitivity CSV; it starts with "'" as in the export.
func TestSensitivityCSVNamesNeverFormulas(t *testing.T) {
	ds := writeFile(t, "ds.yaml", `market: M
base_year: 2020
end_year: 2023
total: {value: 100, cagr_pct: 10}
dimensions:
  - name: "=1+1"
    segments:
      - {name: "+SUM(A1:A9)", share_pct: 50, cagr_pct: 5}
      - {name: B, share_pct: 50, cagr_pct: 8}
`)
	code, out, stderr := runCLI(t, "sensitivity", "--dataset", ds, "--node", "=1+1/B", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 3 {
		t.Fatalf("%v:\n%s", err, out)
	}
	quoted := 0
	for _, r := range recs[1:] {
		switch {
		case strings.HasPrefix(r[0], "'=1+1/"):
			quoted++
		case strings.ContainsAny(r[0][:1], "=+-@"):
			t.Errorf("parameter %q starts a formula", r[0])
		}
	}
	if quoted == 0 {
		t.Errorf("no parameter of dimension =1+1 written as '=1+1/…:\n%s", out)
	}
}

// TestServeDemoNames: subjects and key-value keys are built from --demo
// alone, so a name with a subject's separators or wildcards (or anything
// else) is refused before anything starts: exit 2, naming the flag and
// what a name may hold, and no host key left behind. The mesh's other
// flags are refused without a mesh, and bad values with one.
func TestServeDemoNames(t *testing.T) {
	hk := filepath.Join(t.TempDir(), "hk")
	for _, name := range []string{"a.b", "q3 briefing", "", "a>b", "*", "demo.>", strings.Repeat("x", 33), "iomt\x1b[2J", "$KV", "dé"} {
		for _, mesh := range [][]string{{"--nats-embed"}, {"--nats", "nats://127.0.0.1:4222"}} {
			args := append([]string{"serve", "--listen", "127.0.0.1:0", "--host-key", hk, "--demo", name}, mesh...)
			code, _, stderr := runCLI(t, args...)
			if msg := flatLower(stderr); code != 2 || !strings.Contains(msg, "invalid --demo") || !strings.Contains(msg, "1 to 32 letters, digits") {
				t.Errorf("serve %s --demo %q: exit %d, stderr %q; want 2 naming --demo and what a name holds", mesh[0], name, code, stderr)
			}
			if strings.Contains(stderr, "\x1b") {
				t.Errorf("--demo %q: the message carries the escape unescaped: %q", name, stderr)
			}
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "q3"}, "--demo belongs to a demo mesh"},
		{[]string{"--nats-routes", "nats://127.0.0.1:6222"}, "--nats-routes configures an embedded nats server: give --nats-embed"},
		{[]string{"--nats-listen", "127.0.0.1:4222"}, "--nats-listen configures an embedded nats server: give --nats-embed"},
		{[]string{"--nats-turn-ttl", "20s"}, "--nats-turn-ttl belongs to a demo mesh"},
		{[]string{"--nats-embed", "--nats-turn-ttl", "0s"}, "invalid --nats-turn-ttl 0s"},
		{[]string{"--nats", "nats://127.0.0.1:4222", "--nats-listen", "127.0.0.1:4222"}, "give --nats-embed"},
		{[]string{"--nats", "http://127.0.0.1:4222"}, "invalid --nats"},
		{[]string{"--nats", "nats://127.0.0.1:4222", "--nats-embed"}, "both --nats and --nats-embed"},
		{[]string{"--nats-embed", "--nats-turn-ttl", "500ms"}, "--nats-turn-ttl"},
		{[]string{"--nats-embed", "--nats-routes", "tls://x:6222"}, "invalid --nats-routes"},
		{[]string{"--nats", "nats://127.0.0.1:4222", "--nats-creds", "/no/such/file"}, "--nats-creds"},
	} {
		args := append([]string{"serve", "--listen", "127.0.0.1:0", "--host-key", hk}, c.args...)
		code, _, stderr := runCLI(t, args...)
		if code != 2 || !strings.Contains(flatLower(stderr), strings.ToLower(c.want)) {
			t.Errorf("serve %v: exit %d, stderr %q; want 2 saying %q", c.args, code, stderr, c.want)
		}
	}
	if _, err := os.Stat(hk); err == nil {
		t.Error("a refused mesh configuration left a host key behind")
	}
}

// flatLower is a message as fang prints it, without its line breaks and
// capitals, for tests to look for words in.
func flatLower(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

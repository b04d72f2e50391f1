// Command iomt is a terminal dashboard for exploring market-forecast
// scenarios of the Internet of Medical Things market. This file only wires
// the command line; the work lives in model, forecast, export, ui and
// server.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"charm.land/log/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"iomt/assets"
	"iomt/chart"
	"iomt/export"
	"iomt/forecast"
	"iomt/importer"
	"iomt/internal/safefile"
	"iomt/internal/safetext"
	"iomt/model"
	"iomt/server"
	"iomt/ui"
)

// Exit codes of the command line contract (docs/DESIGN.md §5).
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

// invalidInput marks an error caused by a bad input file; it is printed
// as plain FILE:LINE:COL lines.
type invalidInput struct{ err error }

func (e invalidInput) Error() string { return e.err.Error() }
func (e invalidInput) Unwrap() error { return e.err }

// usageError marks a mistake in how iomt was called (exit 2). Everything
// else that fails, bad files and failed writes alike, exits 1.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usageArgs wraps a cobra argument check so its failures exit 2.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// isUsage tells usage errors, including those cobra raises itself for
// unknown commands, from failures.
func isUsage(err error) bool {
	msg := err.Error()
	return errors.As(err, new(usageError)) || strings.HasPrefix(msg, "unknown command") ||
		strings.HasPrefix(msg, "required flag")
}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// plainBlocks is fang's colour scheme with the usage and example blocks
// unshaded: a shaded block is padded with blanks to its right edge, and
// a command copied from it out of the terminal carried them (the
// trimWriter can drop only blanks no colour shows).
func plainBlocks(c lipgloss.LightDarkFunc) fang.ColorScheme {
	cs := fang.DefaultColorScheme(c)
	cs.Codeblock = nil
	return cs
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	// Help, --version and error messages go through trimWriter, which
	// drops the blanks fang pads their lines with; a command that runs
	// writes its output (a CSV, a workbook, a progress bar) as it is.
	tout, flushOut := trimmed(stdout)
	terr, flushErr := trimmed(stderr)
	defer func() { _, _ = flushOut(), flushErr() }()
	root.SetOut(tout)
	root.SetErr(terr)
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) {
		cmd.SetOut(stdout)
		cmd.SetErr(stderr)
	}
	// After SetOut: cobra's scripts are bound to the writer it has then.
	initCompletionCmd(root)
	err := fang.Execute(ctx, root, fang.WithVersion(buildVersion()), fang.WithErrorHandler(errorHandler),
		fang.WithColorSchemeFunc(plainBlocks))
	switch {
	case err == nil:
		return exitOK
	case isUsage(err):
		return exitUsage
	default:
		return exitInvalid
	}
}

// errorHandler prints input errors as plain FILE:LINE:COL lines that
// editors and CI logs can jump to, and usage errors in fang's style, each
// followed by "Try --help for usage.": fang's own handler adds that line
// only after the errors whose text starts as cobra's flag errors do, not
// after a missing argument or required flag, or iomt's own checks.
func errorHandler(w io.Writer, styles fang.Styles, err error) {
	if isUsage(err) {
		// The badge's right padding would be a shaded blank at the end
		// of the line, copied with it out of a terminal.
		fmt.Fprintln(w, styles.ErrorHeader.PaddingRight(0).String())
		fmt.Fprintln(w, styles.ErrorText.Render(err.Error()+"."))
		fmt.Fprintln(w)
		fmt.Fprintln(w, lipgloss.JoinHorizontal(lipgloss.Left,
			styles.ErrorText.UnsetWidth().Render("Try"),
			styles.Program.Flag.Render(" --help "),
			styles.ErrorText.UnsetWidth().UnsetMargins().UnsetTransform().Render("for usage.")))
		fmt.Fprintln(w)
		return
	}
	for line := range strings.SplitSeq(err.Error(), "\n") {
		fmt.Fprintln(w, "iomt: "+safetext.Escape(line))
	}
}

// inputFlags are the --dataset and --scenario flags shared by commands,
// and the workspace where --scenario looks up saved scenarios by name
// (its --workspace flag where the command has one, else the default).
type inputFlags struct {
	dataset  string
	scenario string
	wf       workspaceFlag
}

func (f *inputFlags) register(cmd *cobra.Command, withScenario bool) {
	cmd.Flags().StringVar(&f.dataset, "dataset", "", "dataset file, YAML or JSON, or a table of segments, CSV or XLSX (default: the embedded IoMT dataset)")
	_ = cmd.MarkFlagFilename("dataset", "yaml", "yml", "json", "csv", "xlsx")
	if withScenario {
		cmd.Flags().StringVar(&f.scenario, "scenario", "", "scenario file, YAML, or the name of a built-in or saved scenario (default: Base, the dataset's own figures)")
		// Not MarkFlagFilename: cobra would then complete files only
		// and never ask for the names.
		_ = cmd.RegisterFlagCompletionFunc("scenario", completeScenario(f))
	}
}

// loadDataset returns the --dataset file, or the embedded one.
func (f *inputFlags) loadDataset() (*model.Dataset, error) {
	if f.dataset == "" {
		ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
		if err != nil {
			return nil, fmt.Errorf("embedded dataset: %w", err)
		}
		return ds, nil
	}
	ds, err := readDatasetFile(f.dataset)
	if err != nil {
		return nil, invalidInput{err}
	}
	return ds, nil
}

// load returns the dataset and the scenario to show or export.
func (f *inputFlags) load() (*model.Dataset, *model.Scenario, error) {
	ds, err := f.loadDataset()
	if err != nil {
		return nil, nil, err
	}
	if f.wf.dir != "" {
		// A --workspace that is a file is a mistake even when no
		// scenario is looked up in it.
		if _, err := f.wf.workspace(ds); err != nil {
			return nil, nil, err
		}
	}
	if f.scenario == "" {
		return ds, baseScenario(ds, f.dataset == ""), nil
	}
	sc, err := f.open(f.scenario, ds)
	if err != nil {
		return nil, nil, err
	}
	return ds, sc, nil
}

// open opens a --scenario or --compare argument against ds.
func (f *inputFlags) open(arg string, ds *model.Dataset) (*model.Scenario, error) {
	sc, err := f.wf.catalog(ds).Resolve(arg, ds)
	if err != nil {
		return nil, invalidInput{err}
	}
	return sc, nil
}

// workspaceFlag is the --workspace flag: where scenarios are saved.
type workspaceFlag struct{ dir string }

func (f *workspaceFlag) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "workspace", "", "folder of saved scenarios (default: "+defaultWorkspaceHint()+")")
	_ = cmd.MarkFlagDirname("workspace")
}

func defaultWorkspaceHint() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "iomt", "scenarios")
	}
	return "the user config folder's iomt/scenarios"
}

// workspace returns the scenario workspace, with the built-in scenarios
// of ds's market. The folder is created on the first save, not here, so
// merely looking never writes to disk; a file in its place is an error
// now rather than at the first save.
func (f *workspaceFlag) workspace(ds *model.Dataset) (*model.Workspace, error) {
	dir := f.dir
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("no folder for saved scenarios (%w); pass --workspace DIR", err)
		}
		dir = filepath.Join(d, "iomt", "scenarios")
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("workspace %s is a file, not a folder: give --workspace a folder (it is created on the first save)", dir)
	}
	return &model.Workspace{Dir: dir, Builtin: builtinScenarios(ds)}, nil
}

// catalog returns the scenarios --scenario and --compare may name: the
// workspace's, or the built-in ones alone when there is no folder to look
// in (no config folder, or a file in its place).
func (f *workspaceFlag) catalog(ds *model.Dataset) *model.Workspace {
	if ws, err := f.workspace(ds); err == nil {
		return ws
	}
	return &model.Workspace{Builtin: builtinScenarios(ds)}
}

func newRootCmd() *cobra.Command {
	var in inputFlags
	root := &cobra.Command{
		Use:   "iomt",
		Short: "Explore Internet of Medical Things market-forecast scenarios",
		Long: `iomt is a keyboard-driven dashboard for what-if analysis of the Internet of
Medical Things market forecast: change a growth rate or a share and every
curve, table and total redraws at once, and always adds up.

Without flags it opens the embedded dataset, from the UnivDatos Market
Insights report "Internet of Medical Things Market (2020-2027)" with 2019 as
its base year, on its Base scenario.`,
		Example: `  iomt
  iomt --scenario accelerated.yaml
  iomt export --format csv -o base.csv
  iomt validate my-market.yaml my-scenario.yaml`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ds, sc, err := in.load()
			if err != nil {
				return err
			}
			if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
				return errors.New("the dashboard needs a terminal; to write the forecast to a file, use `iomt export`")
			}
			ws, err := in.wf.workspace(ds)
			if err != nil {
				return err
			}
			opts := ui.Options{Dark: true, NoColor: os.Getenv("NO_COLOR") != "", Workspace: ws}
			// Input through the filter that drops malformed sequences, as
			// over SSH: os.Stdin stays a terminal to Bubble Tea.
			p := tea.NewProgram(ui.New(ds, sc, opts), tea.WithContext(cmd.Context()), tea.WithInput(ui.FilterInput(os.Stdin)))
			if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
				return fmt.Errorf("dashboard: %w", err)
			}
			return nil
		},
	}
	in.register(root, true)
	in.wf.register(root)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newExportCmd(), newValidateCmd(), newScenariosCmd(), newServeCmd(),
		newGoalSeekCmd(), newSensitivityCmd(), newMonteCarloCmd(), newDataTableCmd(), newSummaryCmd(), newBridgeCmd(),
		newImportCmd(), newInitCmd())
	return root
}

func newExportCmd() *cobra.Command {
	var (
		in      inputFlags
		format  string
		out     string
		compare []string
		wide    bool
		dialect string
		cf      chartFlags
	)
	formats := append(export.Formats(), chart.Formats()...)
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a scenario's forecast as CSV, JSON, Markdown, XLSX, or a chart (SVG, PNG)",
		Long: `Export projects the scenario and writes every segment and year.

CSV columns: scenario,dimension,segment,parent,year,value_usd_bn,share_pct,growth_pct
(the value column is named after the dataset's currency and unit, e.g.
value_eur_million; one row per segment and year, the Total first, children
right after their parent; share_pct is the share of the parent; growth_pct
is empty in the base year). With --compare B, four more: compare_scenario
(B's name), compare_value_usd_bn (B's value), diff_usd_bn (this scenario
minus B) and diff_pct (the difference in % of B). --compare may be given
up to four times: the rows then come in a block per compared scenario.

--wide writes the table's layout instead: one row per segment, one column
per year, then realised_cagr_pct and share_change_pp; with --compare, each
compared scenario's rows follow, then the differences to each. --dialect excel adds a UTF-8 byte order
mark and CRLF line ends, so Excel reads names such as "Médical" right;
excel-semicolon also separates with ";" and writes decimal commas, for
Excel in locales such as German or French.

--format svg or png draws the dashboard's chart for a slide: a tab's
segments (--dimension, or Dimension/Segment for its sub-segments) in a
metric (--metric), the --compare scenario dashed, with its title, legend,
axes and source line, at --size pixels (default 1920x1080, 16:9).`,
		Example: `  iomt export > base.csv
  iomt export --format md --scenario accelerated.yaml -o accelerated.md
  iomt export --scenario accelerated.yaml --compare base.yaml
  iomt export --compare accelerated-adoption --compare security-headwinds --format md
  iomt export --wide --dialect excel-semicolon -o base.csv
  iomt export --format png --dimension Region --compare accelerated-adoption -o regions.png`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(formats, format) {
				return usageError{fmt.Errorf("invalid argument %q for --format: use one of %s", format, strings.Join(formats, ", "))}
			}
			if err := cf.check(cmd, format, out); err != nil {
				return err
			}
			if !slices.Contains(export.Dialects(), dialect) {
				return usageError{fmt.Errorf("invalid argument %q for --dialect: use one of %s", dialect, strings.Join(export.Dialects(), ", "))}
			}
			if format != "csv" && (wide || cmd.Flags().Changed("dialect")) {
				return usageError{fmt.Errorf("invalid --wide or --dialect with --format %s: they shape CSV only", format)}
			}
			if f, ok := cmd.OutOrStdout().(*os.File); ok && format == "xlsx" && (out == "" || out == "-") && term.IsTerminal(f.Fd()) {
				return usageError{errors.New("an XLSX workbook is a binary file, not text for a terminal: give -o FILE.xlsx, or redirect standard output to a file")}
			}
			ds, sc, err := in.load()
			if err != nil {
				return err
			}
			input := export.Input{Dataset: ds, Scenario: sc.Name, Assumptions: &sc.Assumptions,
				Result: forecast.Project(ds, &sc.Assumptions)}
			scs, err := in.openCompared(ds, compare, "--compare", export.MaxCompare)
			if err != nil {
				return err
			}
			for _, b := range scs {
				// Rows are told apart by scenario name: one compared with
				// itself is only zeros, and one of the same name cannot be
				// told from it.
				if strings.EqualFold(strings.TrimSpace(b.Name), strings.TrimSpace(sc.Name)) {
					what := "it is the scenario exported, so every difference would be 0"
					if !b.Assumptions.Equal(sc.Assumptions) {
						what = "it has the name of the scenario exported, and their rows could not be told apart: rename one"
					}
					return usageError{fmt.Errorf("invalid --compare %q: %s", safetext.Escape(b.Name), what)}
				}
			}
			for i, b := range scs {
				c := export.Comparison{Scenario: b.Name, Result: forecast.Project(ds, &b.Assumptions)}
				if i == 0 {
					input.Compare = &c
				} else {
					input.More = append(input.More, c)
				}
			}
			write := func(w io.Writer) error {
				if chart.IsFormat(format) {
					return cf.writeForecast(w, format, input)
				}
				if format == "csv" {
					return export.CSVWith(w, input, export.CSVOptions{Wide: wide, Dialect: export.Dialect(dialect)})
				}
				return export.Write(w, format, input)
			}
			if out == "" || out == "-" {
				return write(cmd.OutOrStdout())
			}
			return writeOutput(out, write)
		},
	}
	in.register(cmd, true)
	in.wf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "csv", "output format: "+strings.Join(formats, ", "))
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write instead of standard output")
	cmd.Flags().StringArrayVar(&compare, "compare", nil, "scenario B (file, built-in or saved name) to compare with: adds compare_scenario, compare_value_usd_bn, diff_usd_bn, diff_pct; repeat for up to four")
	cmd.Flags().BoolVar(&wide, "wide", false, "CSV in the table's layout: a row per segment, a column per year")
	cmd.Flags().StringVar(&dialect, "dialect", "rfc4180", "CSV for: "+strings.Join(export.Dialects(), ", ")+" (Excel: BOM and CRLF; excel-semicolon: ; and decimal commas)")
	_ = cmd.RegisterFlagCompletionFunc("dialect", cobra.FixedCompletions(export.Dialects(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("compare", completeScenario(&in))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	cf.register(cmd, true)
	return cmd
}

func newValidateCmd() *cobra.Command {
	var in inputFlags
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check dataset and scenario files",
		Long: `Validate checks each FILE and prints every problem as FILE:LINE:COL: message.

Datasets (top-level "market:") are checked on their own; scenarios (top-level
"scenario:") are checked against --dataset, by default the embedded IoMT
dataset. Exit status 1 if any file is invalid.`,
		Example: `  iomt validate my-market.yaml
  iomt validate --dataset my-market.yaml scenarios/*.yaml`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			ds, err := in.loadDataset()
			if err != nil {
				return err
			}
			var bad []string
			for _, f := range files {
				if err := validateFile(f, ds); err != nil {
					for line := range strings.SplitSeq(err.Error(), "\n") {
						fmt.Fprintln(cmd.ErrOrStderr(), safetext.Escape(line))
					}
					bad = append(bad, f)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", safetext.Escape(f))
			}
			if len(bad) > 0 {
				return invalidInput{fmt.Errorf("%d of %d files invalid: %s", len(bad), len(files), strings.Join(bad, ", "))}
			}
			return nil
		},
	}
	in.register(cmd, false)
	return cmd
}

func validateFile(path string, ds *model.Dataset) error {
	if importer.IsTableFile(path) {
		_, err := readTableDataset(path, "", importer.Market{}, os.Stderr)
		return err
	}
	data, err := model.ReadFile(path)
	if err != nil {
		return err
	}
	kind, err := model.DetectKind(path, data)
	switch kind {
	case model.ScenarioFile:
		_, err = model.LoadScenario(path, data, ds)
	case model.DatasetFile:
		_, err = model.LoadDataset(path, data)
	}
	return err
}

// checkServeFlags refuses limits that would not mean what the help says:
// a negative count or duration, a rate limit of no interval (which would
// allow everything), and timeouts too short to see a dashboard (a 1 ns
// idle timeout also made the idle check tick without pause). Messages
// start with a word: fang capitalises the first letter ("--Max-Timeout").
func checkServeFlags(cfg *server.Config, rateEvery time.Duration, userMB int64) error {
	if _, port, err := net.SplitHostPort(cfg.Listen); err != nil || port == "" {
		// A typo here is the flag's, not the network's: "bad" or
		// "2222" (no colon) is a usage error; a port taken, exit 1.
		return fmt.Errorf("invalid --listen %q: give host:port, such as 127.0.0.1:2222, or :2222 for every interface", cfg.Listen)
	}
	switch {
	case cfg.MaxSessions < 0:
		return fmt.Errorf("invalid --max-sessions %d: must be 0 (no limit) or more", cfg.MaxSessions)
	case cfg.RateBurst < 0:
		return fmt.Errorf("invalid --rate-burst %d: must be 0 (no limit) or more", cfg.RateBurst)
	case rateEvery < 0:
		return fmt.Errorf("invalid --rate-every %s: must be more than 0", rateEvery)
	case cfg.RateBurst > 0 && rateEvery == 0:
		return errors.New("invalid --rate-every 0: it would let every connection through; give an interval such as 1s, or --rate-burst 0 to turn the rate limit off")
	case cfg.RateBurst > 0 && rateEvery < time.Millisecond:
		return fmt.Errorf("invalid --rate-every %s: under 1ms is no limit at all; give an interval such as 1s, or --rate-burst 0 to turn the rate limit off", rateEvery)
	case cfg.UserMaxFiles < 0:
		return fmt.Errorf("invalid --user-max-files %d: must be 0 (no limit) or more", cfg.UserMaxFiles)
	case userMB < 0 || userMB > math.MaxInt64>>20:
		return fmt.Errorf("invalid --user-max-mb %d: must be 0 (no limit) or more, in MiB", userMB)
	case cfg.HandshakeTimeout < time.Second:
		return fmt.Errorf("invalid --login-timeout %s: must be at least 1s (a viewer reads ssh's host-key question inside it)", cfg.HandshakeTimeout)
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"--idle-timeout", cfg.IdleTimeout}, {"--max-timeout", cfg.MaxTimeout}} {
		if d.v < 0 || d.v > 0 && d.v < time.Second {
			return fmt.Errorf("invalid %s %s: must be 0 (never) or at least 1s", d.flag, d.v)
		}
	}
	return nil
}

func newServeCmd() *cobra.Command {
	var (
		in     inputFlags
		cfg    server.Config
		rate   time.Duration
		userMB int64
	)
	var mesh meshFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard over SSH for live demos",
		Long: `Serve runs an SSH server: everyone who connects with a plain ssh command
gets their own dashboard, sized to their terminal.

Without --authorized-keys the server is in open demo mode: anyone who can
reach it may join, and nobody can write to the server's disk. With it, only
those keys get in, and each can save scenarios under --data.
With --presenter-keys, those sessions present and every other session
follows the presenter's screen read-only; f forks a private copy, and f
again returns to following. With --nats (or --nats-embed), several servers
near their viewers follow one presenter through NATS: a demo mesh.`,
		Example: `  iomt serve --listen :2222 --host-key ~/.config/iomt/host_ed25519
  ssh -p 2222 demo@presenter-laptop.local`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ds, sc, err := in.load()
			if err != nil {
				return err
			}
			cfg.Dataset, cfg.Base, cfg.Builtin = ds, sc, builtinScenarios(ds)
			cfg.RateEvery = rate
			logger := log.NewWithOptions(cmd.ErrOrStderr(), log.Options{ReportTimestamp: true})
			cfg.Logger = logger
			if err := checkServeFlags(&cfg, rate, userMB); err != nil {
				return usageError{err}
			}
			if cfg.Mesh, err = mesh.config(cmd); err != nil {
				return usageError{err}
			}
			cfg.UserMaxBytes = userMB << 20
			// Listen first: a server that cannot listen must not leave a
			// new host key behind.
			ln, err := net.Listen("tcp", cfg.Listen)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", cfg.Listen, err)
			}
			srv, err := server.New(cfg)
			if err != nil {
				_ = ln.Close()
				return invalidInput{err}
			}
			if srv.OpenMode() {
				logger.Warn("OPEN DEMO MODE: anyone who can reach this address may join (read-only); pass --authorized-keys to restrict")
			}
			logger.Info("serving", "addr", ln.Addr().String(), "dataset", ds.Market, "scenario", sc.Name)
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			select {
			case err := <-done:
				return err
			case <-ctx.Done():
			}
			logger.Info("shutting down", "sessions", srv.Sessions())
			sctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
			defer cancel()
			_ = srv.Shutdown(sctx) // past the deadline it closed what was left, and says so in the log
			if err := <-done; err != nil {
				logger.Error("serving ended with an error", "err", err)
			}
			logger.Info("stopped")
			return nil
		},
	}
	in.register(cmd, true)
	f := cmd.Flags()
	f.StringVar(&cfg.Listen, "listen", "127.0.0.1:2222", "address to listen on (host:port; :2222 for every interface)")
	f.StringVar(&cfg.HostKey, "host-key", "", "the server's private key file; created (ed25519) when missing (required)")
	f.StringVar(&cfg.AuthorizedKeys, "authorized-keys", "", "admit only these public keys (authorized_keys format); without it, open demo mode")
	f.StringVar(&cfg.PresenterKeys, "presenter-keys", "", "keys that present; every other session follows the presenter")
	f.IntVar(&cfg.MaxSessions, "max-sessions", 50, fmt.Sprintf("most connections at once, each a session or logging in; %d more are told the demo is full, and past those a connection is closed at once (0: no limit)", server.MaxOverflow))
	f.DurationVar(&cfg.HandshakeTimeout, "login-timeout", time.Minute, "close a connection that has not logged in after this long (at least 1s; a first-time viewer answers ssh's host-key question inside it)")
	f.DurationVar(&cfg.IdleTimeout, "idle-timeout", 15*time.Minute, "close a session after this long without a keypress (0: never; else at least 1s)")
	f.DurationVar(&cfg.MaxTimeout, "max-timeout", 4*time.Hour, "close any session after this long (0: never; else at least 1s)")
	f.StringVar(&cfg.DataDir, "data", "", "folder for key-authenticated users' scenarios (DIR/users/<key>/); none: nobody saves")
	f.IntVar(&cfg.UserMaxFiles, "user-max-files", 100, "most files one user's folder under --data may hold, exports included (the .bak a save keeps is not counted); past it a save or export is refused (0: no limit)")
	f.Int64Var(&userMB, "user-max-mb", 100, "most MiB one user's folder under --data may hold; past it a save or export is refused (0: no limit)")
	f.IntVar(&cfg.RateBurst, "rate-burst", 50, "connections one address may open at once before the rate limit applies (0: no limit); a room behind one NAT is one address")
	f.DurationVar(&rate, "rate-every", time.Second, "then one new connection per address per this interval (above 0)")
	mesh.register(cmd)
	_ = cmd.MarkFlagRequired("host-key")
	return cmd
}

// meshFlags join `iomt serve` to a demo mesh: several servers following
// one presenter over NATS (see server.MeshConfig).
type meshFlags struct {
	urls, demo, creds string
	embed             bool
	listen, cluster   string
	routes            string
	ttl               time.Duration
}

func (m *meshFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&m.urls, "nats", "", "join a demo mesh on these NATS servers (nats://host:port or tls://host:port, comma-separated)")
	f.StringVar(&m.demo, "demo", "iomt", "the demo's name in the mesh: 1 to 32 letters, digits, - and _ (several demos share a NATS cluster)")
	f.StringVar(&m.creds, "nats-creds", "", "NATS credentials: a .creds file (user JWT and seed) or an NKey seed file")
	f.BoolVar(&m.embed, "nats-embed", false, "run a NATS server inside iomt and join the demo mesh through it")
	f.StringVar(&m.listen, "nats-listen", "", "with --nats-embed: where NATS clients may connect (host:port); none: only this iomt")
	f.StringVar(&m.cluster, "nats-cluster", server.DefaultClusterListen, "with --nats-embed and --nats-routes: where the other embedded servers' routes connect")
	f.StringVar(&m.routes, "nats-routes", "", "with --nats-embed: the cluster's routes (nats://host:port, comma-separated; the same list on every server, its own route included)")
	f.DurationVar(&m.ttl, "nats-turn-ttl", server.DefaultTurnTTL, "how long a presenter's turn outlives its server's last word (at least 1s)")
}

// config is the mesh the flags ask for, nil for none; a flag that
// belongs to a mesh without one is a usage error, as is a bad value.
func (m *meshFlags) config(cmd *cobra.Command) (*server.MeshConfig, error) {
	if m.urls == "" && !m.embed {
		for _, name := range []string{"nats-listen", "nats-cluster", "nats-routes"} {
			if cmd.Flags().Changed(name) {
				return nil, fmt.Errorf("the flag --%s configures an embedded NATS server: give --nats-embed", name)
			}
		}
		for _, name := range []string{"demo", "nats-creds", "nats-turn-ttl"} {
			if cmd.Flags().Changed(name) {
				return nil, fmt.Errorf("the flag --%s belongs to a demo mesh: give --nats URL or --nats-embed", name)
			}
		}
		return nil, nil
	}
	if !m.embed {
		for _, name := range []string{"nats-listen", "nats-cluster", "nats-routes"} {
			if cmd.Flags().Changed(name) {
				return nil, fmt.Errorf("the flag --%s configures an embedded NATS server: give --nats-embed", name)
			}
		}
	}
	if m.ttl < time.Second { // 0 too: the flag has no "default" value
		return nil, fmt.Errorf("invalid --nats-turn-ttl %s: a presenter's turn lasts at least 1s", m.ttl)
	}
	c := &server.MeshConfig{URLs: splitList(m.urls), Demo: m.demo, Creds: m.creds, TurnTTL: m.ttl}
	if m.embed {
		c.Embed = &server.EmbedConfig{Listen: m.listen, Routes: splitList(m.routes)}
		if cmd.Flags().Changed("nats-cluster") || len(c.Embed.Routes) > 0 {
			c.Embed.Cluster = m.cluster
		}
	}
	return c, c.Check()
}

// splitList splits a comma-separated flag, dropping empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// writeOutput writes an export to the file out: a regular file (or a new
// one) atomically, so a failed export never leaves half a file; a pipe or
// a character device (/dev/stdout, a shell's >(...)) as a stream, since
// renaming over one would replace it with a file.
func writeOutput(out string, write func(io.Writer) error) error {
	st, err := os.Stat(out)
	if err != nil || st.Mode()&(os.ModeNamedPipe|os.ModeCharDevice) == 0 {
		err := safefile.WriteAtomic(out, false, write)
		if errors.Is(err, safefile.ErrNotRegular) {
			return fmt.Errorf("%w (for standard output, leave out -o)", err)
		}
		return err
	}
	f, err := os.OpenFile(out, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", out, err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EPIPE) {
		return nil // the reader stopped early ("| head"), as it meant to
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", out, err)
	}
	return nil
}

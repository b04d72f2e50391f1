// Package ui is the Bubble Tea dashboard: one root Model per session,
// built by New from the same read-only dataset for the local program and
// every SSH session.
//
// # Where state lives, and who changes it
//
//   - scenario (scenario.go): the scenario on screen, its undo history
//     and projection, the state it was last saved in and where, the
//     scenarios compared with it (up to four, in the order picked). Only the root changes it, through edits
//     (edit.go: every change of the assumptions goes through
//     scenario.apply, so undo and redo stay exact) or by loading, saving
//     and mirroring a presenter. Panes and dialogs read it through
//     scenarioView, whose methods change nothing.
//   - selection (selection.go): the tab, each tab's level and row, the
//     metric, and while comparing whether the table shows the scenarios
//     side by side or the differences (table_compare.go). The tree and the table move it with the navigation keys.
//   - statusLine (statusline.go): the message, the session's messages
//     for M, a notice from the server. Anything may report there.
//   - files (files.go): the workspace, and how to word its failures.
//   - demo (demo.go): a presented demo's part: presenting or following,
//     mirroring or a private copy, the presenter's latest state, the
//     turn. It decides which keys a follower may use and what the banner
//     and help say; the root does what it decides. The server's side is
//     Options.Demo.Link (publish, take over, latest).
//   - dialogStack (stack.go): the open dialogs and the generation that
//     tags their commands' results.
//
// The root Model holds one of each (by pointer, as Bubble Tea is handed
// the *Model and never copies it) and the panes; it gives panes and
// dialogs an env (env.go) with the scenario read-only. Options are read
// once, in New.
//
// # How a message flows
//
// Model.Update routes; the work is in the types it routes to:
//
//   - a window size lays the panes and dialogs out; a background colour
//     picks the palette;
//   - a NoticeMsg goes to the status line until the next key (a
//     standing one until it is withdrawn); a
//     FollowMsg (a presenter's state, or that nobody presents) and a
//     RoleMsg (this session presents, or follows) to the demo, and the
//     root mirrors what it says to (follow.go);
//   - a key goes to the top dialog if one is open (ctrl+c excepted: it
//     quits from anywhere, asking first), else through the demo's gate to
//     a global key (tabs, edits, s, o, x, …) or a screen, else to the
//     focused pane;
//   - a click goes to the pane under it;
//   - the results of commands go to their handlers in actions.go, a
//     listing (listedMsg) or an analysis's result (analysisMsg) to the
//     dialog of its generation wherever it is on the stack;
//   - anything else goes to the top dialog (a list's filter results, a
//     paste).
//
// After every message a presenter gives its state to the server if it
// changed (demo.publish).
//
// Update does no IO: saving, exporting (files, and the chart on screen
// drawn for a slide: export_chart.go; the bridge's and the Monte Carlo
// fan's from their screens: export_slide.go), listing (saved scenarios and the
// workspace's workbooks, read by importer) and opening scenarios run in
// commands (io.go) that work on copies and report with a message.
// Nor heavy work: goal seek, sensitivity, Monte Carlo and the data table
// hand their work to Options.Analysis from commands (analysis.go), and a
// screen taken off the stack stops the work it waits for.
//
// # Dialogs
//
// A modal screen is a Dialog (dialog.go), on the stack: help, report
// information, the value and name prompts, the yes/no and quit questions,
// the scenario picker (which marks the scenarios to compare,
// dialog_compare.go) and the menus, the analyses, the scenario summary
// and the bridge of a compared row, each its own type in its own file.
// Keys go to the top one only; its Bindings are the status line's help
// while it is open over the panes. A dialog's Update returns a step: the
// dialog to keep open, and what the user chose (done(msg) closes it with
// a choice). The root acts on the choice at once (Model.act) and closes
// the dialog, unless the action is refused, when the dialog stays open
// and shows why. Acting at once, not through a command, keeps keys typed
// right after enter in order.
//
// To add a screen:
//
//  1. write a type that implements Dialog in its own file, built from an
//     env;
//  2. give it a key: a binding in KeyMap (keys.go) and in FullHelp, and
//     its name in fuzzKeys (fuzz_test.go), which the tests check;
//  3. open it from that key in Model.openDialog (and, if a following
//     viewer may open it, let the key through demo.gate);
//  4. if it reports something new, handle that message in Model.act.
package ui

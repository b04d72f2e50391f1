// Package ui is the Bubble Tea dashboard: one root Model per session,
// built by New from the same read-only dataset for the local program and
// every SSH session.
//
// # Where state lives
//
// common holds what every part reads: the dataset, the scenario's undo
// history and its projection, the selection (tab, level, row), the chart
// metric, the compared scenario and the status line's message. Panes and
// dialogs hold a pointer to it. Every change of the assumptions goes
// through common.apply (edit.go), so undo and redo stay exact.
//
// The panes (header.go, tree.go, chart.go, table.go, status.go) draw from
// common; the tree and the table take the navigation keys when focused,
// in their own Update. The root keeps the layout, the focus, the dialog
// stack and a presented demo's state (follow.go). What the user does to
// the scenario is in edit.go (edits) and actions.go (open, save, export).
//
// # How a message flows
//
// Model.Update routes; the work is in the methods and components it
// routes to:
//
//   - a window size lays the panes and dialogs out; a background colour
//     picks the palette;
//   - a NoticeMsg (the server's warning before it closes a session) goes
//     to the status line until the next key; a FollowMsg (a presenter's
//     state, or that nobody presents) to the follower (follow.go);
//   - a key goes to the top dialog if one is open (ctrl+c excepted: it
//     quits from anywhere, asking first), else to a global key (tabs,
//     edits, s, o, x, …), else to the focused pane;
//   - a click goes to the pane under it;
//   - the results of commands go to their handlers in actions.go
//     (openedMsg, saveCheckedMsg, savedMsg, exportedMsg), a listing
//     (listedMsg) to the picker of its generation wherever it is on the
//     stack, an analysis's result (analysisMsg) likewise to its screen;
//   - anything else goes to the top dialog (a list's filter results, a
//     paste).
//
// After every message a presenter gives its state to Options.Publish if
// it changed (Model.share).
//
// Update does no IO: saving, exporting, listing and opening scenarios
// run in commands (io.go) that work on copies and report with a message.
// Nor heavy work: goal seek, sensitivity and Monte Carlo hand their work
// to Options.Analysis from commands (analysis.go), and a screen taken
// off the stack stops the work it waits for.
//
// The Model is a value, as Bubble Tea wants, but its state is shared
// with its copies (common, the dialogs): always go on with the Model
// that Update returned.
//
// # Dialogs
//
// A modal screen is a Dialog (dialog.go), on a stack the root keeps
// (stack.go): help, report information, the value and name prompts, the
// yes/no and quit questions, the scenario picker and the menus, each its
// own type in its own file. Keys go to the top one only; its Bindings are
// the status line's help while it is open over the panes. When the user
// has chosen, a dialog returns done(msg) from Update instead of itself;
// the root acts on msg at once (Model.act) and closes the dialog, unless
// the action is refused, when the dialog stays open and shows why. Acting
// at once, not through a command, keeps keys typed right after enter in
// order.
//
// To add a screen:
//
//  1. write a type that implements Dialog in its own file;
//  2. give it a key: a binding in KeyMap (keys.go) and in FullHelp, and
//     its name in fuzzKeys (fuzz_test.go), which the tests check;
//  3. push it from that key in Model.globalKey (and, if a following
//     viewer may open it, allow the key there too);
//  4. if it reports something new, handle that message in Model.act.
package ui

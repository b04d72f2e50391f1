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
// stack and a presented demo's state (follow.go).
//
// # How a message flows
//
// Model.Update routes and nothing else:
//
//   - a window size lays the panes and dialogs out; a background colour
//     picks the palette;
//   - a key goes to the top dialog if one is open, else to a global key
//     (tabs, edits, s, o, x, …), else to the focused pane;
//   - a click goes to the pane under it;
//   - the results of commands (listedMsg, openedMsg, saveCheckedMsg,
//     savedMsg, exportedMsg) go to their handlers in stack.go;
//   - anything else goes to the top dialog (a list's filter results,
//     a paste).
//
// Update does no IO: saving, exporting, listing and opening scenarios
// run in commands (io.go) that work on copies and report with a message.
// A listing carries the generation of the picker that asked for it, so
// a late one never fills a picker opened since.
//
// # Dialogs
//
// A modal screen is a Dialog (dialog.go), on a stack the root keeps:
// help, report information, the value and name prompts, the yes/no and
// quit questions, the scenario picker and the menus, each its own type in
// its own file. Keys go to the top one only. When the user has chosen, a
// dialog returns done(msg) from Update instead of itself; the root acts
// on msg at once (Model.act) and closes the dialog, unless the action is
// refused, when the dialog stays open and shows why. Acting at once, not
// through a command, keeps keys typed right after enter in order.
//
// To add a screen: write a type that implements Dialog in its own file,
// push it from a key in Model.globalKey, and, if it reports something
// new, handle that message in Model.act.
package ui

// Package importer reads what consultants keep in spreadsheets into
// iomt's files: a table of segments (CSV or an XLSX sheet) into a
// dataset, and the Inputs sheet of a workbook iomt exported, after a
// partner edited it in Excel or LibreOffice, into a scenario.
//
// A table is read as its user sees it: rows numbered as the sheet or
// the text editor numbers them, cells named D12, numbers in the locale
// they were typed in (decimal commas in a ;-separated file, thousands
// separators, 18.5 % typed or 0.185 formatted as a percentage), formulas
// by the value the spreadsheet stored for them. Nothing is trusted
// before it is bounded: a file's size, a workbook's unpacked parts and
// the sheet read are checked before a parser sees them.
//
// Every problem names the place a user fixes it: "markets.xlsx: sheet
// Segments, cell D12: …" or "segments.csv:12: column cagr_pct: …". A
// dataset is checked by the same validator as a YAML file (model), on
// the YAML this package writes; each of the validator's problems is
// mapped back from that YAML's line to the cells it came from, so
// shares that do not add up name the rows of that set.
//
// A workbook is read from its zip package, the sheet streamed row by
// row (workbook.go, sheet.go say why not through excelize, which names
// columns here). The package depends on model; main and ui use it
// (docs/DESIGN.md §2).
package importer

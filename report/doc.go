// Package report renders the documents people read about agreements: the
// SLA report of a closed period, as one self-contained HTML file or as
// Markdown, and the dashboard page that entente serve shows at "/".
//
// The input is the verdict document of SPEC §4, decoded into a typed
// Document by Decode. A report document adds to it the period covered and,
// per agreement and per SLO, a "report" object: the parties, services,
// exclusions and fee of the agreement, and the series (error budget spent,
// values, attainment per bucket) the charts are drawn from. The dashboard
// takes a plain verdict.
//
// Everything a renderer prints comes from the document: no scripts, no
// fonts, no images or styles from the network. Charts are SVG drawn here,
// with their figures as text, so that a report reads the same on screen,
// printed, archived and through a screen reader.
package report

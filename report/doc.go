// Package report draws neurite's results: figures (SVG or PNG, via
// gonum/plot) and, as the comparison grows, the HTML report. It knows
// nothing about how results were computed; it takes plain data.
//
// Files are written atomically: a figure either appears complete or the
// previous file stays.
package report

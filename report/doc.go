// Package report draws the comparison's results: its figures (SVG or PNG,
// via gonum/plot) and the HTML report. It knows nothing about how results
// were computed; it takes compare's result structs. The plots of single
// jobs (rasters, degree distributions) are in package figure.
//
// Files are written atomically: a figure either appears complete or the
// previous file stays.
package report

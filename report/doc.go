// Package report draws the comparison's results: its figures (SVG or PNG,
// via gonum/plot) and the HTML report. It knows nothing about how results
// were computed; it takes compare's result structs. The plots of single
// jobs (rasters, degree distributions) are in package figure.
//
// # Figures
//
// [DrawFigure] draws a [compare.Figure]: the legend below the plot, never
// on the data; ticks 10⁰, 10¹, … on logarithmic axes and with the fewest
// decimals on linear ones (figure.PowerTicks, figure.NumberTicks); bars
// on a logarithmic axis rising from a power of ten below the smallest
// value, so a longer bar is a larger value; one colour per family
// ([FamilyColour]: blues for artificial networks, oranges for biological
// or spiking ones, other colours for neither) with a dash pattern and
// marker per series; series with exactly the same points drawn a few
// points apart, which the caption says. In SVG, every point and bar has a
// <title> (its value on hover) and every series and legend entry is a
// group that the page's script hides and shows.
//
// [CheckFigure] draws a figure onto a canvas that records the box of every
// text (from the font's metrics) and every mark, and lists overlapping
// texts, texts on the data or cut by the edge, marks outside the data
// area and hidden series; the tests run it on every figure of the tiny
// comparison, and open the page in headless Chromium to check the same
// with the browser's fonts.
//
// # The page
//
// [WriteCompare] writes report.html: a summary table of the verdicts
// ([compare.Judge]), the colour key, each difference's figures, tables,
// meaning and its numbers set against references ([Context]), and a
// [Glossary]. It is self-contained: figures inline, one small inline
// script, nothing fetched.
//
// Files are written atomically: a figure either appears complete or the
// previous file stays.
package report

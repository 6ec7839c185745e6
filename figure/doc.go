// Package figure draws the plots that single jobs write beside their
// results: a spike raster of a simulation ([Raster]) and a graph's degree
// distribution on log–log axes ([DegreePlot]), as SVG or PNG through
// gonum/plot. It takes plain data and knows nothing about how it was
// computed, so the application layer (package experiment) can write a
// job's figures without depending on the comparison report. Its tick
// markers ([PowerTicks]: 10⁻³, 10⁰, 10³; [NumberTicks]: 0, 25, 50) and
// [SciLabel] serve the report's charts too.
//
// Files are written atomically: a figure either appears complete or the
// previous file stays.
package figure

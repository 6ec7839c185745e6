package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/neurite/neurite/compare"
	"github.com/neurite/neurite/figure"
	"github.com/neurite/neurite/internal/atomicfile"
)

// WriteCompare draws every figure of res into dir/figures (SVG), and writes
// dir/results.json and dir/report.html, a self-contained page with the
// figures inline that reads offline: no file, script or font is fetched,
// and a small inline script lets a reader hide and show a chart's series
// by clicking its legend (every point and bar reads its value on hover).
// The page opens with a summary table of the verdicts, a colour key (one
// colour per family) and a glossary. It fills in each figure's File
// (relative to dir), and each measured difference's Verdict where a
// caller left it nil (compare.Judge). Every file is written atomically.
func WriteCompare(dir string, res *compare.Results) error {
	if err := os.MkdirAll(filepath.Join(dir, "figures"), 0o755); err != nil {
		return err
	}
	svgs := map[string]template.HTML{}
	notes := map[string][]string{}
	for di := range res.Differences {
		d := &res.Differences[di]
		if d.Verdict == nil {
			d.Verdict = compare.Judge(*d)
		}
		for fi := range d.Figures {
			fig := &d.Figures[fi]
			fig.File = fmt.Sprintf("figures/%s-%d.svg", d.Name, fi+1)
			svg, lay, err := drawFigure(*fig, "svg")
			if err != nil {
				// One figure's data that cannot be drawn (values beyond
				// float range, nothing positive on a log axis) must not
				// cost the whole report: the page says so in its place.
				svgs[fig.File] = template.HTML(`<p class="gap">This figure could not be drawn: ` + template.HTMLEscapeString(err.Error()) + `</p>`)
				fig.File = ""
				continue
			}
			if lay != nil {
				notes[fig.File] = lay.Notes
			}
			if err := atomicfile.Write(filepath.Join(dir, fig.File), func(w io.Writer) error {
				_, err := w.Write(svg)
				return err
			}); err != nil {
				return err
			}
			// Inline: drop the XML declaration; the <svg> element stands alone.
			s := string(svg)
			if i := strings.Index(s, "<svg"); i >= 0 {
				s = s[i:]
			}
			svgs[fig.File] = template.HTML(s)
		}
	}
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "results.json"), func(w io.Writer) error {
		_, err := w.Write(append(js, '\n'))
		return err
	}); err != nil {
		return err
	}
	var page bytes.Buffer
	if err := pageTemplate.Execute(&page, struct {
		R        *compare.Results
		SVGs     map[string]template.HTML
		Notes    map[string][]string
		Glossary []Term
		Colours  []swatch
	}{res, svgs, notes, Glossary, colourKey()}); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, "report.html"), func(w io.Writer) error {
		_, err := w.Write(page.Bytes())
		return err
	})
}

var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"metric": func(v float64) string {
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return fmt.Sprintf("%.0f", v)
		}
		return fmt.Sprintf("%.4g", v)
	},
	"ratio": func(v float64) string {
		if v == 0 {
			return "—"
		}
		if math.Abs(v) >= 1e4 || math.Abs(v) < 1e-2 {
			return figure.SciLabel(v)
		}
		return fmt.Sprintf("%.3g", v)
	},
	"sorted": func(m map[string]float64) []string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys
	},
	"index1":  func(i int) int { return i + 1 },
	"context": Context,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>neurite compare: artificial and biological neural networks, measured</title>
<style>
body { font-family: Georgia, "Times New Roman", serif; max-width: 58rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.7rem; } h2 { border-top: 1px solid #ccc; padding-top: 1.2rem; margin-top: 2.5rem; }
blockquote { border-left: 4px solid #0072b2; margin: 1rem 0; padding: .3rem 1rem; background: #f4f8fb; font-style: italic; }
figure { margin: 1.5rem 0; } figure svg { width: 100%; max-width: 46rem; height: auto; display: block; } figcaption { font-size: .92rem; color: #444; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; } th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eee; } .gap { background: #fff3e0; border-left: 4px solid #e69f00; padding: .4rem .8rem; margin: .5rem 0; }
.status, .verdict { font-family: sans-serif; font-size: .8rem; padding: .1rem .4rem; border-radius: .2rem; color: #fff; white-space: nowrap; }
.measured { background: #007a5a; } .not_built { background: #b34700; }
.confirmed { background: #007a5a; } .nuanced { background: #8a6d00; } .contradicted { background: #b34700; }
.meta { font-size: .85rem; color: #555; } details { margin: 1rem 0; } code { font-size: .9em; }
.summary td:nth-child(4) { text-align: right; width: 9rem; } .summary td:nth-child(4) b { white-space: nowrap; font-weight: normal; }
.context { background: #f6f6f2; border-left: 4px solid #999; padding: .4rem .8rem; margin: .8rem 0; font-size: .95rem; }
.key span.sw { display: inline-block; width: .9rem; height: .9rem; vertical-align: -.1rem; margin: 0 .3rem 0 1rem; border-radius: .15rem; }
dl.glossary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; font-size: .92rem; } dl.glossary dt { font-weight: bold; } dl.glossary dd { margin: 0; }
.legend-entry { cursor: pointer; } .legend-entry.off { opacity: .3; } .series.off { display: none; }
</style>
</head>
<body>
<h1>Artificial and biological neural networks, measured</h1>
<p>Each section takes one of the seven differences argued in “The differences between Artificial and Biological Neural Networks”, or its closing remark on adversarial examples, quotes the article, and shows what neurite measured on this machine in this run. Every number here is also in <code>results.json</code>; constants that were not measured are cited under each section.</p>
<p class="meta">Profile <b>{{.R.Profile}}</b> · seed {{.R.Seed}} · started {{.R.Started}} · {{printf "%.1f" .R.WallSeconds}} s wall time ·
machine: {{.R.Machine.CPU}}, {{.R.Machine.Cores}} cores ({{.R.Machine.Threads}} threads used), {{.R.Machine.OS}}/{{.R.Machine.Arch}}, GEMM kernel {{.R.Machine.Kernel}} ·
{{range $k, $v := .R.Versions}}{{$k}} {{$v}} · {{end}}</p>

<h2 id="summary">Summary: the article's claims against the measurements</h2>
<table class="summary">
<tr><th>difference</th><th>the article's claim</th><th>what neurite measured</th><th>ratio</th><th>verdict</th></tr>
{{range .R.Differences}}<tr><td><a href="#{{.Name}}">{{.Title}}</a></td>
{{if .Verdict}}<td>{{.Verdict.Claim}}</td><td>{{.Verdict.Measured}}</td><td title="{{.Verdict.RatioOf}}"><b>{{ratio .Verdict.Ratio}}</b>{{if .Verdict.RatioOf}}<br><span class="meta">{{.Verdict.RatioOf}}</span>{{end}}</td><td><span class="verdict {{.Verdict.Verdict}}">{{.Verdict.Verdict}}</span></td>
{{else}}<td colspan="3">{{if .Reason}}not measured: {{.Reason}}{{else}}no rule reads these measurements{{end}}</td><td><span class="status {{.Status}}">{{.Status}}</span></td>{{end}}</tr>
{{end}}</table>
<details><summary class="meta">How each verdict is decided</summary><ul class="meta">{{range .R.Differences}}{{if .Verdict}}<li><b>{{.Title}}</b>: {{.Verdict.Rule}}</li>{{end}}{{end}}</ul></details>
<p class="meta">The rules are applied to this run's numbers by the program (compare.Judge); a different profile or seed can change a verdict. The tiny and quick profiles train on subsets, so their accuracies are below the published ones.</p>

<p class="key meta"><b>Colours, in every chart:</b>{{range .Colours}}<span class="sw" style="background:{{.CSS}}"></span>{{.Name}}{{end}}. Hover over a point or bar to read its value; click a legend entry to hide or show its series.</p>

<ul>{{range .R.Differences}}<li><a href="#{{.Name}}">{{.Title}}</a> <span class="status {{.Status}}">{{.Status}}</span>{{if .Verdict}} <span class="verdict {{.Verdict.Verdict}}">{{.Verdict.Verdict}}</span>{{end}}</li>{{end}}<li><a href="#glossary">Glossary</a>: MAC, CSR, σ, reset by subtraction, CV and the other terms used</li></ul>
{{range .R.Differences}}{{$d := .}}
<h2 id="{{.Name}}">{{.Title}} <span class="status {{.Status}}">{{.Status}}</span>{{if .Verdict}} <span class="verdict {{.Verdict.Verdict}}">{{.Verdict.Verdict}}</span>{{end}}</h2>
<blockquote>{{.Claim}}</blockquote>
{{if .Reason}}<div class="gap">Not measured: {{.Reason}}</div>{{end}}
{{range $i, $f := .Figures}}<figure>{{if $f.File}}{{index $.SVGs $f.File}}{{else}}{{index $.SVGs (printf "figures/%s-%d.svg" $d.Name (index1 $i))}}{{end}}<figcaption><b>Figure {{$d.Name}}-{{index1 $i}}.</b> {{if $f.Caption}}{{$f.Caption}}{{else}}{{$f.Title}}.{{end}}{{range index $.Notes $f.File}} {{.}}{{end}}</figcaption></figure>
{{end}}
{{range .Tables}}<table><caption>{{.Title}}</caption><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>
{{end}}
{{if .Meaning}}<p><b>What it means.</b> {{.Meaning}}</p>{{end}}
{{with context .}}<div class="context"><b>In context.</b> {{range .}}{{.}} {{end}}</div>{{end}}
{{range .Gaps}}<div class="gap">Gap: {{.}}</div>{{end}}
{{if .Method}}<p class="meta"><b>How it was measured.</b> {{.Method}} ({{printf "%.1f" .Seconds}} s)</p>{{end}}
{{if .Sources}}<p class="meta"><b>Sources.</b></p><ul class="meta">{{range .Sources}}<li>{{.}}</li>{{end}}</ul>{{end}}
<details><summary class="meta">All {{len .Metrics}} metrics</summary><table>{{range sorted .Metrics}}<tr><td>{{.}}</td><td>{{metric (index $d.Metrics .)}}</td></tr>{{end}}</table></details>
{{end}}
<h2 id="glossary">Glossary</h2>
<dl class="glossary">{{range .Glossary}}<dt>{{.Name}}</dt><dd>{{.Meaning}}</dd>{{end}}</dl>
<script>
// Click a legend entry to hide or show its series in that chart.
document.querySelectorAll("svg").forEach(function (svg) {
  svg.querySelectorAll(".legend-entry").forEach(function (entry) {
    entry.addEventListener("click", function () {
      var k = entry.getAttribute("data-series");
      var off = entry.classList.toggle("off");
      svg.querySelectorAll('.series[data-series="' + k + '"]').forEach(function (s) { s.classList.toggle("off", off); });
    });
  });
});
</script>
</body>
</html>
`))

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
	"github.com/neurite/neurite/internal/atomicfile"
)

// WriteCompare draws every figure of res into dir/figures (SVG), and writes
// dir/results.json and dir/report.html, a self-contained page with the
// figures inline that reads offline. It fills in each figure's File
// (relative to dir). Every file is written atomically.
func WriteCompare(dir string, res *compare.Results) error {
	if err := os.MkdirAll(filepath.Join(dir, "figures"), 0o755); err != nil {
		return err
	}
	svgs := map[string]template.HTML{}
	for di := range res.Differences {
		d := &res.Differences[di]
		for fi := range d.Figures {
			fig := &d.Figures[fi]
			fig.File = fmt.Sprintf("figures/%s-%d.svg", d.Name, fi+1)
			svg, err := DrawFigure(*fig, "svg")
			if err != nil {
				return fmt.Errorf("report: %s figure %d: %w", d.Name, fi+1, err)
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
		R    *compare.Results
		SVGs map[string]template.HTML
	}{res, svgs}); err != nil {
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
	"sorted": func(m map[string]float64) []string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys
	},
	"index1": func(i int) int { return i + 1 },
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
figure { margin: 1.5rem 0; } figure svg { width: 100%; height: auto; } figcaption { font-size: .92rem; color: #444; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; } th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eee; } .gap { background: #fff3e0; border-left: 4px solid #e69f00; padding: .4rem .8rem; margin: .5rem 0; }
.status { font-family: sans-serif; font-size: .8rem; padding: .1rem .4rem; border-radius: .2rem; color: #fff; }
.measured { background: #009e73; } .not_built { background: #d55e00; }
.meta { font-size: .85rem; color: #555; } details { margin: 1rem 0; } code { font-size: .9em; }
</style>
</head>
<body>
<h1>Artificial and biological neural networks, measured</h1>
<p>Each section takes one of the seven differences argued in “The differences between Artificial and Biological Neural Networks”, or its closing remark on adversarial examples, quotes the article, and shows what neurite measured on this machine in this run. Every number here is also in <code>results.json</code>; constants that were not measured are cited under each section.</p>
<p class="meta">Profile <b>{{.R.Profile}}</b> · seed {{.R.Seed}} · started {{.R.Started}} · {{printf "%.1f" .R.WallSeconds}} s wall time ·
machine: {{.R.Machine.CPU}}, {{.R.Machine.Cores}} cores ({{.R.Machine.Threads}} threads used), {{.R.Machine.OS}}/{{.R.Machine.Arch}}, GEMM kernel {{.R.Machine.Kernel}} ·
{{range $k, $v := .R.Versions}}{{$k}} {{$v}} · {{end}}</p>
<ul>{{range .R.Differences}}<li><a href="#{{.Name}}">{{.Title}}</a> <span class="status {{.Status}}">{{.Status}}</span></li>{{end}}</ul>
{{range .R.Differences}}{{$d := .}}
<h2 id="{{.Name}}">{{.Title}} <span class="status {{.Status}}">{{.Status}}</span></h2>
<blockquote>{{.Claim}}</blockquote>
{{if .Reason}}<div class="gap">Not measured: {{.Reason}}</div>{{end}}
{{range $i, $f := .Figures}}<figure>{{index $.SVGs $f.File}}<figcaption><b>Figure {{$d.Name}}-{{index1 $i}}.</b> {{$f.Caption}}</figcaption></figure>
{{end}}
{{range .Tables}}<table><caption>{{.Title}}</caption><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>
{{end}}
{{if .Meaning}}<p><b>What it means.</b> {{.Meaning}}</p>{{end}}
{{range .Gaps}}<div class="gap">Gap: {{.}}</div>{{end}}
{{if .Method}}<p class="meta"><b>How it was measured.</b> {{.Method}} ({{printf "%.1f" .Seconds}} s)</p>{{end}}
{{if .Sources}}<p class="meta"><b>Sources.</b></p><ul class="meta">{{range .Sources}}<li>{{.}}</li>{{end}}</ul>{{end}}
<details><summary class="meta">All {{len .Metrics}} metrics</summary><table>{{range sorted .Metrics}}<tr><td>{{.}}</td><td>{{metric (index $d.Metrics .)}}</td></tr>{{end}}</table></details>
{{end}}
</body>
</html>
`))

package serve_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/neurite/neurite/serve"
)

// A server started in-process, a training job posted to it as the page
// does, and the run's state read back once it ends.
func Example() {
	dir, err := os.MkdirTemp("", "runs")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sv, err := serve.New(serve.Settings{Runs: dir})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(sv.Handler()) // or sv.Serve(ctx, listener)
	defer ts.Close()
	defer sv.Close()

	resp, err := http.Post(ts.URL+"/api/jobs", "application/json",
		strings.NewReader(`{"kind":"train","data":"xor","hidden":[8],"epochs":200,"threads":1}`))
	if err != nil {
		log.Fatal(err)
	}
	var run serve.RunInfo
	json.NewDecoder(resp.Body).Decode(&run)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, run.Kind, run.Model, run.State)

	for run.State == "running" {
		time.Sleep(20 * time.Millisecond)
		resp, err := http.Get(ts.URL + "/api/runs")
		if err != nil {
			log.Fatal(err)
		}
		var runs []serve.RunInfo
		json.NewDecoder(resp.Body).Decode(&runs)
		resp.Body.Close()
		run = runs[0]
	}
	fmt.Println(run.State, len(run.Files), "files")

	resp, err = http.Post(ts.URL+"/api/jobs", "application/json", strings.NewReader(`{"kind":"train","data":"xor","lr":-1}`))
	if err != nil {
		log.Fatal(err)
	}
	var refused serve.RequestError
	json.NewDecoder(resp.Body).Decode(&refused)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, refused.Field)
	// Output:
	// 201 train mlp running
	// done 3 files
	// 400 lr
}

// Package serve is neurite's web UI: a local HTTP server that starts
// training runs and simulations through package experiment, streams what
// they do to the browser as it happens, stops them, and lists past runs
// with their files.
//
// # Overview
//
// [New] makes a [Server] from [Settings]; [Server.Serve] answers on a
// listener until its context ends. The page (one embedded HTML file, its
// script and style inline, nothing fetched from elsewhere) holds a form
// for a job, the runs, and for the run shown: loss, accuracy and learning
// rate curves, a table of parameter and gradient norms, a scrolling spike
// raster, population rates, membrane potentials, and an STDP network's
// receptive fields. It draws with requestAnimationFrame, at most once a
// display frame, whatever the rate events arrive at.
//
// The HTTP interface, all JSON unless said otherwise:
//
//	GET  /                      the page
//	GET  /api/runs              runs under way and past ones ([RunInfo])
//	POST /api/jobs              start a job ([JobRequest]); 201 with its RunInfo
//	POST /api/runs/ID/stop      stop a job: it checkpoints, then ends
//	GET  /api/runs/ID/events    the run's events (server-sent events)
//	POST /api/attach            a run of another process (neurite train --live URL)
//	POST /api/runs/ID/push      that process's events, one JSON object a line
//	GET  /runs/PATH             a file of the runs folder
//
// # Safety
//
// A job request is decoded strictly (unknown keys, trailing data and
// bodies over 64 KiB are refused) and checked by the same code the CLI
// uses ([experiment.TrainSettings.Check]): a refused setting answers 400
// with its JSON key. A job never names a file: its outputs go to its own
// folder under the runs folder, which is the only place files are served
// from (through an [os.Root], so neither "..", absolute paths nor
// symbolic links leave it). Jobs run at most Settings.MaxJobs at a time,
// each with a memory budget of Settings.MaxMemory.
//
// # Concurrency
//
// A job never waits for a browser. Its events go into a bounded queue
// (dropped, and counted, when it is full); one goroutine per run fans
// them out to each client's bounded queue (dropped, and counted, when a
// client reads too slowly), so a stalled or closed browser costs the job
// nothing but the drops.
package serve

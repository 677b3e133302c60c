package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// target is what the load generator sends: one request, again and again.
type target struct {
	name string // for messages: "entente /v1/data"
	url  string
	body []byte
}

// load is what the load generator measured of a target.
type load struct {
	requests int
	rps      float64
	p50, p99 time.Duration
}

// generateLoad sends t's request from clients concurrent clients, each
// waiting for its answer before sending the next, over keep-alive
// connections: for warmup, not measured, then for duration. Only the
// requests that start and end within the measured span count. Any answer
// but 200 is an error: a figure of a failing server means nothing.
func generateLoad(ctx context.Context, t target, clients int, warmup, duration time.Duration) (load, error) {
	transport := &http.Transport{
		MaxIdleConns:        2 * clients,
		MaxIdleConnsPerHost: 2 * clients,
		DisableCompression:  true,
		IdleConnTimeout:     time.Minute,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: time.Minute}

	begin := time.Now()
	from, until := begin.Add(warmup), begin.Add(warmup+duration)
	ctx, cancel := context.WithDeadline(ctx, until.Add(time.Minute))
	defer cancel()

	type outcome struct {
		latencies []time.Duration
		err       error
	}
	outcomes := make([]outcome, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			o := &outcomes[i]
			o.latencies = make([]time.Duration, 0, 1<<14)
			for {
				start := time.Now()
				if !start.Before(until) {
					return
				}
				if err := send(ctx, client, t); err != nil {
					o.err = err
					return
				}
				end := time.Now()
				if !start.Before(from) && !end.After(until) {
					o.latencies = append(o.latencies, end.Sub(start))
				}
			}
		})
	}
	wg.Wait()
	var all []time.Duration
	for _, o := range outcomes {
		if o.err != nil {
			return load{}, fmt.Errorf("%s: %w", t.name, o.err)
		}
		all = append(all, o.latencies...)
	}
	if len(all) == 0 {
		return load{}, fmt.Errorf("%s: no request completed in %s", t.name, duration)
	}
	slices.Sort(all)
	return load{
		requests: len(all),
		rps:      float64(len(all)) / duration.Seconds(),
		p50:      percentile(all, 0.50),
		p99:      percentile(all, 0.99),
	}, nil
}

func send(ctx context.Context, client *http.Client, t target) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(t.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		return err
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("answered %s", resp.Status)
	case n == 0:
		return fmt.Errorf("answered an empty body")
	}
	return nil
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

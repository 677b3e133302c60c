package evaluator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/prometheus/prometheus/tsdb/fileutil"
)

// The limits of a Prometheus server with its default flags, so that files
// and a server answer the same queries the same way.
const (
	filesQueryTimeout  = 2 * time.Minute // --query.timeout
	filesMaxSamples    = 50_000_000      // --query.max-samples
	filesLookbackDelta = 5 * time.Minute // --query.lookback-delta
	// filesSubqueryStep is the step of a subquery that names none: the
	// default global evaluation_interval.
	filesSubqueryStep = time.Minute
	// maxRangePoints is the most steps the HTTP API lets a range query take.
	maxRangePoints = 11000
)

const (
	// maxFilesSpan is how far before the newest sample loaded so far a
	// sample may lie. The head of a block writer takes samples down to half
	// its chunk range before its newest one, so the range is twice this.
	maxFilesSpan = 100 * 365 * 24 * time.Hour
	// appendBatch is how many samples are committed at once (promtool's
	// default), which keeps the appender's pending samples small.
	appendBatch = 5000
	// A timestamp must fall in the years 1 to 9999, far from where the
	// arithmetic of the TSDB would overflow.
	minFileTimestamp = -62135596800000
	maxFileTimestamp = 253402300799999
)

// The problems a metrics file can have at a line, for errors.Is.
var (
	ErrNoTimestamp     = errors.New("sample has no timestamp")
	ErrOutOfOrder      = errors.New("sample out of order")
	ErrDuplicateSample = errors.New("duplicate sample with a different value")
)

// FileError is a problem with a metrics file, at a line of it (Line 0: the
// file as a whole).
type FileError struct {
	Path string
	Line int
	Err  error
}

func (e *FileError) Error() string {
	if e.Line == 0 {
		return e.Path + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// FileSource is a Source that answers PromQL queries from metric files
// loaded into an embedded TSDB, with the PromQL engine of Prometheus. It is
// safe for concurrent use.
type FileSource struct {
	logger  *slog.Logger
	engine  *promql.Engine
	series  int
	samples int
	// first and last are the times of the oldest and newest samples
	// loaded, in milliseconds.
	first, last int64

	mu     sync.RWMutex // held for reading by queries, for writing by Close
	db     *tsdb.DB     // nil once closed
	dir    string
	closed bool
}

var _ Source = (*FileSource)(nil)

// LoadFiles reads metric files with a timestamp on every sample, the files
// `promtool tsdb create-blocks-from openmetrics` reads, into a TSDB in a
// temporary directory that Close removes.
//
// A file that ends with "# EOF" (or has a "# UNIT" line) is OpenMetrics
// text, whose timestamps are seconds; any other file is Prometheus text,
// whose timestamps are milliseconds. The samples of a series must be in
// time order, in a file and across files in the order given. A sample
// repeated with the same value is loaded once; with another value it is an
// error. Every error about the content of a file is a *FileError naming the
// file and the line.
func LoadFiles(ctx context.Context, paths []string, logger *slog.Logger) (_ *FileSource, err error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if len(paths) == 0 {
		return nil, errors.New("load metrics files: no file given")
	}
	start := time.Now()
	sweepStale(logger)
	dir, err := os.MkdirTemp("", metricsDirPrefix)
	if err != nil {
		return nil, fmt.Errorf("load metrics files: %w", err)
	}
	// The directory says whose it is: if this process dies without
	// removing it (SIGKILL, a crash), the next one removes it.
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("load metrics files: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()

	// The TSDB's own logs say nothing a user of entente can act on.
	quiet := slog.New(slog.DiscardHandler)
	// Like promtool's backfill, the samples go through a block writer, whose
	// head takes samples of any age as long as each series stays in order;
	// it is then written out as a single block, however long its span.
	w, err := tsdb.NewBlockWriter(quiet, dir, 2*maxFilesSpan.Milliseconds())
	if err != nil {
		return nil, fmt.Errorf("load metrics files: %w", err)
	}
	l := &fileLoader{
		ctx:    ctx,
		logger: logger,
		w:      w,
		app:    w.AppenderV2(ctx),
		series: map[uint64][]*fileSeries{},
		lb:     labels.NewBuilder(labels.EmptyLabels()),
		minTs:  math.MaxInt64,
		maxTs:  math.MinInt64,
	}
	for i, path := range paths {
		if err = l.load(i, path); err != nil {
			break
		}
	}
	if err == nil {
		err = l.flush()
	}
	if cerr := w.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("load metrics files: %w", cerr)
	}
	if err != nil {
		return nil, err
	}

	opts := tsdb.DefaultOptions()
	opts.RetentionDuration = 0 // keep every block, however old
	opts.WALSegmentSize = -1   // nothing is appended after the load
	opts.NoLockfile = true
	db, err := tsdb.Open(dir, quiet, nil, opts, nil)
	if err != nil {
		return nil, fmt.Errorf("load metrics files: open tsdb: %w", err)
	}
	db.DisableCompactions()

	s := &FileSource{
		logger:  logger,
		series:  l.nseries,
		samples: l.nsamples,
		first:   l.minTs,
		last:    l.maxTs,
		db:      db,
		dir:     dir,
		engine: promql.NewEngine(promql.EngineOpts{
			Logger:               quiet,
			MaxSamples:           filesMaxSamples,
			Timeout:              filesQueryTimeout,
			LookbackDelta:        filesLookbackDelta,
			EnableAtModifier:     true,
			EnableNegativeOffset: true,
			NoStepSubqueryIntervalFn: func(int64) int64 {
				return filesSubqueryStep.Milliseconds()
			},
		}),
	}
	logger.Debug("loaded metrics files", "source", "files", "files", len(paths),
		"series", s.series, "samples", s.samples, "duration", time.Since(start))
	return s, nil
}

const (
	metricsDirPrefix = "entente-metrics-"
	ownerFile        = "entente-owner-pid"
)

// sweepStale removes the TSDB directories that processes which died
// without removing them left in the temporary directory: those whose
// owner is no longer running, and those without an owner a day old.
func sweepStale(logger *slog.Logger) {
	entries, err := os.ReadDir(os.TempDir())
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), metricsDirPrefix) {
			continue
		}
		dir := filepath.Join(os.TempDir(), e.Name())
		raw, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < 24*time.Hour {
				continue
			}
		} else if pid, err := strconv.Atoi(strings.TrimSpace(string(raw))); err != nil || alive(pid) {
			continue
		}
		if err := os.RemoveAll(dir); err == nil {
			logger.Info("removed the metrics directory of a process that is gone", "source", "files", "dir", dir)
		}
	}
}

// alive says whether a process runs with that pid.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil || errors.Is(p.Signal(syscall.Signal(0)), syscall.EPERM)
}

// Series is the number of series loaded.
func (s *FileSource) Series() int { return s.series }

// Samples is the number of samples loaded (a sample repeated with the same
// value counts once).
func (s *FileSource) Samples() int { return s.samples }

// Describe says what the files hold: the engine is Prometheus 3's, whose
// ranges are left-open, and the samples span from the oldest to the newest
// loaded.
func (s *FileSource) Describe(context.Context) Engine {
	e := Engine{Kind: "files", Ranges: LeftOpen}
	if s.samples > 0 {
		e.DataStart = time.UnixMilli(s.first).UTC().Format(time.RFC3339Nano)
		e.DataEnd = time.UnixMilli(s.last).UTC().Format(time.RFC3339Nano)
	}
	return e
}

// Close releases the TSDB and removes its directory. Queries still running
// finish first; later ones fail.
func (s *FileSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := errors.Join(s.engine.Close(), s.db.Close(), os.RemoveAll(s.dir))
	s.db = nil
	if err != nil {
		return fmt.Errorf("close metrics files: %w", err)
	}
	return nil
}

// Query evaluates an instant query at t (now when t is zero).
func (s *FileSource) Query(ctx context.Context, query string, t time.Time) (Answer, error) {
	if t.IsZero() {
		t = time.Now()
	}
	return s.exec(ctx, query, func(db storage.Queryable) (promql.Query, error) {
		return s.engine.NewInstantQuery(ctx, db, nil, query, t)
	})
}

// QueryRange evaluates a query at start, start+step, ... up to end, with
// the limits of the HTTP API of Prometheus.
func (s *FileSource) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (Answer, error) {
	switch {
	case step <= 0:
		return Answer{}, filesError(query, fmt.Errorf("range query step %s: must be positive", step))
	case end.Before(start):
		return Answer{}, filesError(query, errors.New("end timestamp must not be before start time"))
	case end.Sub(start)/step > maxRangePoints:
		return Answer{}, filesError(query, errors.New("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"))
	}
	return s.exec(ctx, query, func(db storage.Queryable) (promql.Query, error) {
		return s.engine.NewRangeQuery(ctx, db, nil, query, start, end, step)
	})
}

func (s *FileSource) exec(ctx context.Context, query string, prepare func(storage.Queryable) (promql.Query, error)) (Answer, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return Answer{}, filesError(query, errors.New("closed"))
	}
	if err := ctx.Err(); err != nil {
		return Answer{}, filesError(query, err)
	}
	q, err := prepare(s.db)
	if err != nil {
		return Answer{}, filesError(query, err)
	}
	defer q.Close()
	res := q.Exec(ctx)
	if res.Err != nil {
		return Answer{}, filesError(query, res.Err)
	}
	// As the HTTP API answers them: warnings with the answer, infos (a
	// metric that may not be a counter) only in the log.
	warnings, infos := res.Warnings.AsStrings(query, 10, 10)
	for _, w := range warnings {
		s.logger.Warn("metrics files: "+w, "source", "files", "query", query)
	}
	for _, i := range infos {
		s.logger.Debug("metrics files: "+i, "source", "files", "query", query)
	}
	v, err := modelValue(res.Value)
	if err != nil {
		return Answer{}, filesError(query, err)
	}
	return Answer{Value: v, Warnings: warnings}, nil
}

func filesError(query string, err error) *SourceError {
	return &SourceError{Query: query, Err: fmt.Errorf("metrics files: %w", err)}
}

// modelValue converts a result of the engine into what the Prometheus API
// client decodes from the server's JSON for it: a model.Vector,
// *model.Scalar, model.Matrix or *model.String, with non-nil empty
// vectors and matrices, and NaN as math.NaN().
func modelValue(v parser.Value) (model.Value, error) {
	switch v := v.(type) {
	case promql.Vector:
		out := make(model.Vector, 0, len(v))
		for _, s := range v {
			ms := &model.Sample{Metric: modelMetric(s.Metric), Timestamp: model.Time(s.T)}
			if s.H != nil {
				ms.Histogram = modelHistogram(s.H)
			} else {
				ms.Value = modelFloat(s.F)
			}
			out = append(out, ms)
		}
		return out, nil
	case promql.Matrix:
		out := make(model.Matrix, 0, len(v))
		for _, s := range v {
			ss := &model.SampleStream{Metric: modelMetric(s.Metric)}
			// The API leaves out "values" or "histograms" when there are none.
			if len(s.Floats) > 0 {
				ss.Values = make([]model.SamplePair, len(s.Floats))
				for i, p := range s.Floats {
					ss.Values[i] = model.SamplePair{Timestamp: model.Time(p.T), Value: modelFloat(p.F)}
				}
			}
			if len(s.Histograms) > 0 {
				ss.Histograms = make([]model.SampleHistogramPair, len(s.Histograms))
				for i, p := range s.Histograms {
					ss.Histograms[i] = model.SampleHistogramPair{Timestamp: model.Time(p.T), Histogram: modelHistogram(p.H)}
				}
			}
			out = append(out, ss)
		}
		return out, nil
	case promql.Scalar:
		return &model.Scalar{Value: modelFloat(v.V), Timestamp: model.Time(v.T)}, nil
	case promql.String:
		return &model.String{Value: v.V, Timestamp: model.Time(v.T)}, nil
	}
	return nil, fmt.Errorf("unexpected result of type %T", v)
}

func modelMetric(ls labels.Labels) model.Metric {
	m := make(model.Metric, ls.Len())
	ls.Range(func(l labels.Label) { m[model.LabelName(l.Name)] = model.LabelValue(l.Value) })
	return m
}

// modelFloat is f as it comes out of JSON: every NaN is the same NaN.
func modelFloat(f float64) model.SampleValue {
	if math.IsNaN(f) {
		return model.SampleValue(math.NaN())
	}
	return model.SampleValue(f)
}

// modelHistogram follows jsonutil.MarshalHistogram: empty buckets are left
// out, and the boundaries say which ends are inclusive.
func modelHistogram(h *histogram.FloatHistogram) *model.SampleHistogram {
	out := &model.SampleHistogram{Count: model.FloatString(h.Count), Sum: model.FloatString(h.Sum)}
	it := h.AllBucketIterator()
	for it.Next() {
		b := it.At()
		if b.Count == 0 {
			continue
		}
		var boundaries int32
		switch {
		case b.LowerInclusive && b.UpperInclusive:
			boundaries = 3
		case b.LowerInclusive:
			boundaries = 1
		case b.UpperInclusive:
			boundaries = 0
		default:
			boundaries = 2
		}
		out.Buckets = append(out.Buckets, &model.HistogramBucket{
			Boundaries: boundaries,
			Lower:      model.FloatString(b.Lower),
			Upper:      model.FloatString(b.Upper),
			Count:      model.FloatString(b.Count),
		})
	}
	return out
}

// fileLoader appends the samples of files to a block writer, checking the
// order of each series across all the files.
type fileLoader struct {
	ctx    context.Context
	logger *slog.Logger
	w      *tsdb.BlockWriter
	app    storage.AppenderV2
	// series by the hash of their labels.
	series   map[uint64][]*fileSeries
	lb       *labels.Builder
	pending  int
	nseries  int
	nsamples int
	// minTs and maxTs are the times of the oldest and newest samples.
	minTs, maxTs int64
}

// fileSeries is a series and its last sample.
type fileSeries struct {
	lset labels.Labels
	ref  storage.SeriesRef
	seen bool
	t    int64
	v    float64
	line int
	path string
	file int // the index of the file among those loaded
}

// metricsFile is one file being parsed.
type metricsFile struct {
	index int
	path  string
	data  []byte
	om    bool
	lines lineCounter
	// byText finds a series from its text as written (the labels of the
	// same text depend on the last TYPE, so it is reset at each one).
	byText       map[string]*fileSeries
	samples      int
	minTs, maxTs int64
}

func (f *metricsFile) format() string {
	if f.om {
		return "OpenMetrics"
	}
	return "Prometheus text"
}

func (f *metricsFile) errorf(line int, format string, args ...any) *FileError {
	return &FileError{Path: f.path, Line: line, Err: fmt.Errorf(format, args...)}
}

func (l *fileLoader) load(index int, path string) error {
	if err := l.ctx.Err(); err != nil {
		return fmt.Errorf("load %s: %w", path, err)
	}
	data, release, err := readMetricsFile(path)
	if err != nil {
		return &FileError{Path: path, Err: err}
	}
	defer release()

	f := &metricsFile{index: index, path: path, byText: map[string]*fileSeries{}, minTs: math.MaxInt64, maxTs: math.MinInt64}
	f.om = isOpenMetrics(data)
	f.data = normalize(data, f.om)
	f.lines = lineCounter{data: f.data, line: 1}

	var p textparse.Parser
	if f.om {
		p = textparse.NewOpenMetricsParser(f.data, labels.NewSymbolTable())
	} else {
		p = textparse.NewPromParser(f.data, labels.NewSymbolTable(), false)
	}
	lastLine, lastOff := 0, -1
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := l.ctx.Err(); err != nil {
				return fmt.Errorf("load %s: %w", path, err)
			}
		}
		e, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f.errorf(errorLine(f.data, lastOff, lastLine, !f.om), "not valid %s: %w", f.format(), err)
		}
		line := lastLine + 1
		if off, ok := offsetIn(f.data, entryText(p, e)); ok {
			line, lastOff = f.lines.at(off), off
		} else {
			lastOff = -2
		}
		lastLine = line
		switch e {
		case textparse.EntryType:
			clear(f.byText)
		case textparse.EntrySeries:
			if err := l.sample(f, p, line); err != nil {
				return err
			}
		case textparse.EntryHistogram:
			return f.errorf(line, "native histograms are not supported")
		}
	}
	l.checkUnits(f)
	l.logger.Debug("read metrics file", "source", "files", "file", path, "format", f.format(), "samples", f.samples)
	return nil
}

// sample checks and appends the sample the parser is at.
func (l *fileLoader) sample(f *metricsFile, p textparse.Parser, line int) error {
	text, ts, v := p.Series()
	s, ok := f.byText[string(text)]
	if !ok {
		var lset labels.Labels
		p.Labels(&lset)
		// Prometheus drops labels with an empty value.
		l.lb.Reset(lset)
		lset = l.lb.Labels()
		if name, dup := lset.HasDuplicateLabelNames(); dup {
			return f.errorf(line, "%s: label %q appears twice", text, name)
		}
		if !lset.IsValid(model.UTF8Validation) {
			return f.errorf(line, "%s: invalid metric name or label", text)
		}
		s = l.lookup(lset)
		f.byText[string(text)] = s
	}
	if ts == nil {
		return f.errorf(line, "%s: %w (put one after the value: %s)", text, ErrNoTimestamp, unitHint(f.om))
	}
	t := *ts
	if t < minFileTimestamp || t > maxFileTimestamp {
		written := strconv.FormatInt(t, 10)
		if f.om {
			written = strconv.FormatFloat(float64(t)/1000, 'f', -1, 64)
		}
		return f.errorf(line, "%s: timestamp %s is outside the years 1 to 9999 (%s)", text, written, unitHint(f.om))
	}
	if s.seen {
		switch {
		case t < s.t && s.file != f.index:
			return f.errorf(line, "%s: %w: %s is before %s at %s:%d; the samples of a series must be in time order, across files too: give the files oldest first, without overlap",
				text, ErrOutOfOrder, msTime(t), msTime(s.t), s.path, s.line)
		case t < s.t:
			return f.errorf(line, "%s: %w: %s is before %s at %s:%d; the samples of a series must be in time order",
				text, ErrOutOfOrder, msTime(t), msTime(s.t), s.path, s.line)
		case t == s.t && math.Float64bits(v) != math.Float64bits(s.v):
			return f.errorf(line, "%s: %w: %s at %s, but %s at %s:%d",
				text, ErrDuplicateSample, formatValue(v), msTime(t), formatValue(s.v), s.path, s.line)
		case t == s.t:
			return nil
		}
	}
	ref, err := l.app.Append(s.ref, s.lset, 0, t, v, nil, nil, storage.AOptions{})
	if errors.Is(err, storage.ErrOutOfBounds) {
		return f.errorf(line, "%s: %s is too old: the samples loaded at once must lie within %d years of one another",
			text, msTime(t), int(maxFilesSpan.Hours()/24/365))
	}
	if err != nil {
		return f.errorf(line, "%s: %w", text, err)
	}
	if !s.seen {
		l.nseries++
	}
	s.ref, s.seen, s.t, s.v, s.line, s.path, s.file = ref, true, t, v, line, f.path, f.index
	l.nsamples++
	f.samples++
	f.minTs, f.maxTs = min(f.minTs, t), max(f.maxTs, t)
	l.minTs, l.maxTs = min(l.minTs, t), max(l.maxTs, t)
	if l.pending++; l.pending >= appendBatch {
		if err := l.app.Commit(); err != nil {
			return fmt.Errorf("load %s: %w", f.path, err)
		}
		l.app, l.pending = l.w.AppenderV2(l.ctx), 0
	}
	return nil
}

// lookup finds or adds the series of lset.
func (l *fileLoader) lookup(lset labels.Labels) *fileSeries {
	h := lset.Hash()
	for _, s := range l.series[h] {
		if labels.Equal(s.lset, lset) {
			return s
		}
	}
	s := &fileSeries{lset: lset}
	l.series[h] = append(l.series[h], s)
	return s
}

// checkUnits warns about a Prometheus text file whose timestamps look like
// seconds. (Milliseconds in OpenMetrics fall after the year 9999, an error.)
func (l *fileLoader) checkUnits(f *metricsFile) {
	switch {
	case f.samples == 0:
		l.logger.Warn("metrics file has no samples", "source", "files", "file", f.path)
	case !f.om && f.maxTs < 1e11 && f.maxTs >= 1e9:
		l.logger.Warn("the timestamps of a Prometheus text file fall in 1970: they are milliseconds; for seconds, write OpenMetrics and end the file with # EOF",
			"source", "files", "file", f.path, "last", msTime(f.maxTs))
	}
}

func (l *fileLoader) flush() error {
	if err := l.app.Commit(); err != nil {
		return fmt.Errorf("load metrics files: %w", err)
	}
	if l.nsamples == 0 {
		return nil
	}
	if _, err := l.w.Flush(l.ctx); err != nil {
		return fmt.Errorf("load metrics files: write block: %w", err)
	}
	return nil
}

// readMetricsFile returns the content of a file and how to release it.
// Regular files are mapped into memory rather than read onto the heap: a
// month of history can be hundreds of megabytes of text.
func readMetricsFile(path string) ([]byte, func(), error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, readError(err)
	}
	switch {
	case info.IsDir():
		return nil, nil, errors.New("is a directory, not a metrics file")
	case !info.Mode().IsRegular():
		// A pipe would block, /dev/zero never end.
		return nil, nil, errors.New("is not a regular file: give a file of metrics")
	case info.Size() > 0:
		mf, err := fileutil.OpenMmapFile(path)
		if err == nil {
			return mf.Bytes(), func() { mf.Close() }, nil
		}
	}
	// Empty files, and files that cannot be mapped.
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, readError(err)
	}
	return data, func() {}, nil
}

func readError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot read: %w", err)
}

var (
	eofLine  = []byte("# EOF")
	unitLine = []byte("\n# UNIT ")
)

// isOpenMetrics says whether data is OpenMetrics text: it has a "# EOF"
// line (the end of every OpenMetrics exposition, a mere comment in
// Prometheus text) or a "# UNIT" line, which only OpenMetrics has.
func isOpenMetrics(data []byte) bool {
	for rest := data; ; {
		i := bytes.Index(rest, eofLine)
		if i < 0 {
			break
		}
		atStart := i == 0 || rest[i-1] == '\n'
		rest = rest[i+len(eofLine):]
		if tail := bytes.TrimLeft(rest, " \t\r"); atStart && (len(tail) == 0 || tail[0] == '\n') {
			return true
		}
	}
	return bytes.HasPrefix(data, unitLine[1:]) || bytes.Contains(data, unitLine)
}

// normalize makes data what the parsers take, keeping its lines where they
// are: "\n" for "\r\n", a final newline for Prometheus text, and no blank
// lines after "# EOF", which the OpenMetrics parser would refuse.
func normalize(data []byte, om bool) []byte {
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	if om {
		trimmed := bytes.TrimRight(data, " \t\n")
		if bytes.HasSuffix(trimmed, eofLine) && len(trimmed) < len(data) {
			return data[:len(trimmed)+1] // keep the newline after # EOF
		}
		return data
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		// A copy with room for the newline: the parser would otherwise copy
		// data itself, and the offsets of its entries would be lost.
		c := make([]byte, len(data), len(data)+1)
		copy(c, data)
		data = append(c, '\n')
	}
	return data
}

// entryText is a slice of the line of the entry the parser is at.
func entryText(p textparse.Parser, e textparse.Entry) []byte {
	switch e {
	case textparse.EntrySeries:
		b, _, _ := p.Series()
		return b
	case textparse.EntryHelp:
		b, _ := p.Help()
		return b
	case textparse.EntryType:
		b, _ := p.Type()
		return b
	case textparse.EntryUnit:
		b, _ := p.Unit()
		return b
	case textparse.EntryComment:
		return p.Comment()
	}
	return nil
}

// offsetIn is where sub starts in data, when sub is a slice of data: the
// parsers return slices of their input, so that lines can be counted
// without a second lexer.
func offsetIn(data, sub []byte) (int, bool) {
	if len(sub) == 0 {
		return 0, false
	}
	off := cap(data) - cap(sub)
	if off < 0 || off >= len(data) || &data[off] != &sub[0] {
		return 0, false
	}
	return off, true
}

// lineCounter turns increasing offsets into line numbers.
type lineCounter struct {
	data []byte
	pos  int
	line int // the line at pos
}

func (c *lineCounter) at(off int) int {
	if off < c.pos {
		c.pos, c.line = 0, 1
	}
	c.line += bytes.Count(c.data[c.pos:off], []byte{'\n'})
	c.pos = off
	return c.line
}

// errorLine is the line a parser failed on: the one after the last entry
// it returned (at offset lastOff, on lastLine; -1: none yet, -2: unknown),
// past blank lines where the format allows them.
func errorLine(data []byte, lastOff, lastLine int, skipBlank bool) int {
	pos, line := 0, 1
	switch {
	case lastOff == -2:
		return lastLine + 1
	case lastOff >= 0:
		nl := bytes.IndexByte(data[lastOff:], '\n')
		if nl < 0 {
			return lastLine
		}
		pos, line = lastOff+nl+1, lastLine+1
	}
	for skipBlank && pos < len(data) {
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data) - pos
		}
		if len(bytes.TrimSpace(data[pos:pos+end])) > 0 {
			break
		}
		pos, line = pos+end+1, line+1
	}
	if pos >= len(data) && line > 1 {
		return line - 1 // the parser ran out of data: blame the last line
	}
	return line
}

func unitHint(om bool) string {
	if om {
		return "OpenMetrics timestamps are seconds"
	}
	return "Prometheus text timestamps are milliseconds"
}

func msTime(t int64) string {
	return time.UnixMilli(t).UTC().Format(time.RFC3339Nano)
}

func formatValue(v float64) string {
	return model.SampleValue(v).String()
}

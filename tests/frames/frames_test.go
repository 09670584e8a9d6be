// Conformance of our Arrow frame encoder (src/backend/frames) with what Grafana reads: every
// fixture frame written by fixtures/write-fixtures.ts is decoded with grafana-plugin-sdk-go's
// data.UnmarshalArrowFrames (Grafana's own decoder) and checked against the data plane contract
// with github.com/grafana/dataplane/sdata (what alerting and SSE use).
//
// By default the test bundles the fixture writer with the repository's esbuild and runs it with
// the repository's Node (../../node_modules/.bin/node: run `npm ci` first). Set VIGIL_FRAMES_DIR
// to a directory already written by write-fixtures to skip that.
package frames

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/grafana/dataplane/sdata/numeric"
	"github.com/grafana/dataplane/sdata/reader"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

const repoRoot = "../.."

var (
	fixturesOnce sync.Once
	fixturesDir  string
	fixturesErr  error
	tempDir      string // removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tempDir != "" {
		_ = os.RemoveAll(tempDir)
	}
	os.Exit(code)
}

// fixtures returns the directory holding manifest.json and the .arrow files.
func fixtures(t *testing.T) string {
	t.Helper()
	fixturesOnce.Do(func() {
		if dir := os.Getenv("VIGIL_FRAMES_DIR"); dir != "" {
			fixturesDir = dir
			return
		}
		fixturesDir, fixturesErr = writeFixtures()
	})
	if fixturesErr != nil {
		t.Fatalf("writing fixture frames: %v", fixturesErr)
	}
	return fixturesDir
}

func writeFixtures() (string, error) {
	node, err := filepath.Abs(filepath.Join(repoRoot, "node_modules", ".bin", "node"))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(node); err != nil {
		return "", errors.New("no Node at " + node + " (run `npm ci` in the repository root, or set VIGIL_FRAMES_DIR)")
	}
	esbuild := filepath.Join(repoRoot, "node_modules", "esbuild", "bin", "esbuild")
	dir, err := os.MkdirTemp("", "vigil-frames-")
	if err != nil {
		return "", err
	}
	tempDir = dir
	bundle := filepath.Join(dir, "write-fixtures.cjs")
	out := filepath.Join(dir, "out")
	steps := [][]string{
		{node, esbuild, filepath.Join("fixtures", "write-fixtures.ts"), "--bundle", "--platform=node",
			"--format=cjs", "--target=node22", "--log-level=warning", "--outfile=" + bundle},
		{node, bundle, out},
	}
	for _, args := range steps {
		cmd := exec.Command(args[0], args[1:]...)
		if output, err := cmd.CombinedOutput(); err != nil {
			return "", errors.New(filepath.Base(args[1]) + ": " + err.Error() + "\n" + string(output))
		}
	}
	return out, nil
}

// load decodes the frames of one fixture case, as Grafana decodes a DataResponse's frames.
func load(t *testing.T, name string) data.Frames {
	t.Helper()
	dir := fixtures(t)
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest map[string][]string
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	files, ok := manifest[name]
	if !ok {
		t.Fatalf("fixture case %q not in manifest", name)
	}
	encoded := make([][]byte, len(files))
	for i, f := range files {
		if encoded[i], err = os.ReadFile(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
		if string(encoded[i][:6]) != "ARROW1" || string(encoded[i][len(encoded[i])-6:]) != "ARROW1" {
			t.Fatalf("%s: not an Arrow IPC file (magic ARROW1 at both ends)", f)
		}
	}
	frames, err := data.UnmarshalArrowFrames(encoded)
	if err != nil {
		t.Fatalf("data.UnmarshalArrowFrames(%s): %v", name, err)
	}
	return frames
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func ptr(f float64) *float64 { return &f }

func checkMeta(t *testing.T, f *data.Frame, refID string, typ data.FrameType) {
	t.Helper()
	if f.RefID != refID {
		t.Errorf("RefID = %q, want %q", f.RefID, refID)
	}
	if f.Meta == nil {
		t.Fatalf("frame %q has no meta", f.Name)
	}
	if f.Meta.Type != typ {
		t.Errorf("Meta.Type = %q, want %q", f.Meta.Type, typ)
	}
	if f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
		t.Errorf("Meta.TypeVersion = %v, want 0.1", f.Meta.TypeVersion)
	}
}

func checkNullableFloats(t *testing.T, field *data.Field, want []*float64) {
	t.Helper()
	if field.Type() != data.FieldTypeNullableFloat64 {
		t.Fatalf("field %q type = %s, want *float64 (nullable Float64)", field.Name, field.Type())
	}
	if field.Len() != len(want) {
		t.Fatalf("field %q has %d values, want %d", field.Name, field.Len(), len(want))
	}
	for i, w := range want {
		got := field.At(i).(*float64)
		switch {
		case w == nil && got != nil:
			t.Errorf("field %q[%d] = %v, want null (gap)", field.Name, i, *got)
		case w != nil && (got == nil || *got != *w):
			t.Errorf("field %q[%d] = %v, want %v", field.Name, i, got, *w)
		}
	}
}

func checkTimes(t *testing.T, field *data.Field, want []time.Time) {
	t.Helper()
	if field.Type() != data.FieldTypeTime {
		t.Fatalf("field %q type = %s, want time.Time (non-nullable Timestamp)", field.Name, field.Type())
	}
	if field.Len() != len(want) {
		t.Fatalf("field %q has %d values, want %d", field.Name, field.Len(), len(want))
	}
	for i, w := range want {
		if got := field.At(i).(time.Time); !got.Equal(w) {
			t.Errorf("field %q[%d] = %s, want %s", field.Name, i, got.UTC().Format(time.RFC3339Nano), w.Format(time.RFC3339Nano))
		}
	}
}

func minutes(n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = t0.Add(time.Duration(i) * time.Minute)
	}
	return out
}

func TestTimeseriesMulti(t *testing.T) {
	frames := load(t, "multi")
	if len(frames) != 3 {
		t.Fatalf("got %d frames, want 3", len(frames))
	}
	wantLabels := []data.Labels{
		{"instance": "a:9100", "job": "node"},
		{"instance": "b:9100", "job": "node"},
		{},
	}
	wantValues := [][]*float64{
		{ptr(0.5), nil, ptr(1.25), nil},
		{ptr(1), ptr(2), ptr(3), ptr(4)},
		{nil, nil},
	}
	for i, f := range frames {
		checkMeta(t, f, "A", data.FrameTypeTimeSeriesMulti)
		if f.Meta.ExecutedQueryString != "rate(node_cpu_seconds_total[5m])" {
			t.Errorf("frame %d ExecutedQueryString = %q", i, f.Meta.ExecutedQueryString)
		}
		if len(f.Fields) != 2 {
			t.Fatalf("frame %d has %d fields, want 2", i, len(f.Fields))
		}
		timeField, valueField := f.Fields[0], f.Fields[1]
		if timeField.Name != "Time" || valueField.Name != "Value" {
			t.Errorf("frame %d field names = %q, %q", i, timeField.Name, valueField.Name)
		}
		checkTimes(t, timeField, minutes(len(wantValues[i])))
		checkNullableFloats(t, valueField, wantValues[i])
		if len(timeField.Labels) != 0 {
			t.Errorf("frame %d time field has labels %v", i, timeField.Labels)
		}
		if !valueField.Labels.Equals(wantLabels[i]) {
			t.Errorf("frame %d labels = %v, want %v", i, valueField.Labels, wantLabels[i])
		}
		cfg := valueField.Config
		if cfg == nil || cfg.Unit != "percent" || cfg.Min == nil || *cfg.Min != 0 || cfg.Max == nil || *cfg.Max != 100 {
			t.Errorf("frame %d config = %+v, want unit percent, min 0, max 100", i, cfg)
		}
		wantDisplay := map[int]string{1: "b"}[i]
		if cfg != nil && cfg.DisplayNameFromDS != wantDisplay {
			t.Errorf("frame %d DisplayNameFromDS = %q, want %q", i, cfg.DisplayNameFromDS, wantDisplay)
		}
	}

	notices := frames[0].Meta.Notices
	if len(notices) != 1 || notices[0].Severity != data.NoticeSeverityWarning ||
		notices[0].Text != "2 samples missing" || notices[0].Link != "/explore" {
		t.Errorf("frame 0 notices = %+v, want one warning %q", notices, "2 samples missing")
	}
	if len(frames[1].Meta.Notices) != 0 || len(frames[2].Meta.Notices) != 0 {
		t.Errorf("notices repeated on later frames")
	}

	// The data plane reader, as Grafana's alerting/SSE uses it.
	typ, err := reader.CanReadBasedOnMeta(frames)
	if err != nil || typ != data.FrameTypeTimeSeriesMulti {
		t.Fatalf("reader.CanReadBasedOnMeta = %q, %v", typ, err)
	}
	cr, err := timeseries.CollectionReaderFromFrames(frames)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cr.GetCollection(true)
	if err != nil {
		t.Fatalf("GetCollection(true): %v", err)
	}
	if c.Warning != nil {
		t.Errorf("collection warning: %v", c.Warning)
	}
	if len(c.RemainderIndices) != 0 {
		t.Errorf("ignored fields: %+v", c.RemainderIndices)
	}
	if c.NoData() || len(c.Refs) != 3 || c.RefID != "A" {
		t.Fatalf("collection: NoData %v, %d refs, refId %q; want 3 series of A", c.NoData(), len(c.Refs), c.RefID)
	}
	for i, ref := range c.Refs {
		if ref.GetMetricName() != "Value" || !ref.GetLabels().Equals(wantLabels[i]) {
			t.Errorf("ref %d = %s %v", i, ref.GetMetricName(), ref.GetLabels())
		}
		n, err := ref.Len()
		if err != nil || n != len(wantValues[i]) {
			t.Errorf("ref %d Len = %d, %v", i, n, err)
		}
		ts, v, err := ref.NullableFloat64Point(1)
		if err != nil || !ts.Equal(t0.Add(time.Minute)) {
			t.Errorf("ref %d point 1 = %s, %v", i, ts, err)
		}
		if (wantValues[i][1] == nil) != (v == nil) {
			t.Errorf("ref %d point 1 value = %v, want %v", i, v, wantValues[i][1])
		}
	}
}

func TestTimeseriesNoData(t *testing.T) {
	frames := load(t, "nodata")
	if len(frames) != 1 {
		t.Fatalf("got %d frames, want 1", len(frames))
	}
	checkMeta(t, frames[0], "B", data.FrameTypeTimeSeriesMulti)
	if len(frames[0].Fields) != 0 {
		t.Fatalf("no-data frame has %d fields", len(frames[0].Fields))
	}
	if typ, err := reader.CanReadBasedOnMeta(frames); err != nil || typ != data.FrameTypeTimeSeriesMulti {
		t.Fatalf("reader.CanReadBasedOnMeta = %q, %v", typ, err)
	}
	cr, err := timeseries.CollectionReaderFromFrames(frames)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cr.GetCollection(true)
	if err != nil {
		t.Fatalf("GetCollection(true): %v", err)
	}
	if !c.NoData() || c.Warning != nil {
		t.Errorf("collection: NoData %v, warning %v; want no data", c.NoData(), c.Warning)
	}
}

func TestTimeseriesEmptySeries(t *testing.T) {
	frames := load(t, "emptyseries")
	checkMeta(t, frames[0], "E", data.FrameTypeTimeSeriesMulti)
	checkTimes(t, frames[0].Fields[0], nil)
	checkNullableFloats(t, frames[0].Fields[1], nil)
	cr, err := timeseries.CollectionReaderFromFrames(frames)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cr.GetCollection(true)
	if err != nil {
		t.Fatalf("GetCollection(true): %v", err)
	}
	if c.NoData() || len(c.Refs) != 1 || !c.Refs[0].GetLabels().Equals(data.Labels{"job": "x"}) {
		t.Errorf("collection = %+v, want one (empty) series job=x", c)
	}
}

func TestNumericMulti(t *testing.T) {
	frames := load(t, "numeric")
	if len(frames) != 2 {
		t.Fatalf("got %d frames, want 2", len(frames))
	}
	for i, f := range frames {
		checkMeta(t, f, "C", data.FrameTypeNumericMulti)
		if len(f.Fields) != 1 {
			t.Fatalf("frame %d has %d fields, want 1", i, len(f.Fields))
		}
	}
	checkNullableFloats(t, frames[0].Fields[0], []*float64{ptr(0.75)})
	checkNullableFloats(t, frames[1].Fields[0], []*float64{nil})

	if typ, err := reader.CanReadBasedOnMeta(frames); err != nil || typ != data.FrameTypeNumericMulti {
		t.Fatalf("reader.CanReadBasedOnMeta = %q, %v", typ, err)
	}
	cr, err := numeric.CollectionReaderFromFrames(frames)
	if err != nil {
		t.Fatal(err)
	}
	// sdata's numeric readers do not implement validateData (they panic on true).
	c, err := cr.GetCollection(false)
	if err != nil {
		t.Fatalf("GetCollection: %v", err)
	}
	if c.Warning != nil || len(c.Refs) != 2 {
		t.Fatalf("collection: %d refs, warning %v; want 2", len(c.Refs), c.Warning)
	}
	want := []struct {
		instance string
		value    *float64
	}{{"a", ptr(0.75)}, {"b", nil}}
	for i, ref := range c.Refs {
		v, empty, err := ref.NullableFloat64Value()
		if err != nil || empty {
			t.Fatalf("ref %d value: empty %v, %v", i, empty, err)
		}
		if ref.GetMetricName() != "score" || !ref.GetLabels().Equals(data.Labels{"instance": want[i].instance}) {
			t.Errorf("ref %d = %s %v", i, ref.GetMetricName(), ref.GetLabels())
		}
		if (v == nil) != (want[i].value == nil) || (v != nil && *v != *want[i].value) {
			t.Errorf("ref %d value = %v, want %v", i, v, want[i].value)
		}
	}
}

func TestNumericNoData(t *testing.T) {
	frames := load(t, "numericnodata")
	checkMeta(t, frames[0], "D", data.FrameTypeNumericMulti)
	if typ, err := reader.CanReadBasedOnMeta(frames); err != nil || typ != data.FrameTypeNumericMulti {
		t.Fatalf("reader.CanReadBasedOnMeta = %q, %v", typ, err)
	}
	cr, err := numeric.CollectionReaderFromFrames(frames)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cr.GetCollection(false)
	if err != nil || !c.NoData() {
		t.Fatalf("collection: NoData %v, %v; want no data", c.NoData(), err)
	}
}

func TestAllFieldTypes(t *testing.T) {
	frames := load(t, "table")
	f := frames[0]
	if f.Name != "events" || f.RefID != "T" {
		t.Errorf("name, refId = %q, %q", f.Name, f.RefID)
	}
	if f.Meta == nil || f.Meta.Type != "" || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 0}) ||
		f.Meta.ExecutedQueryString != "events" {
		t.Errorf("meta = %+v, want untyped with executedQueryString", f.Meta)
	}
	if custom, ok := f.Meta.Custom.(map[string]any); !ok || custom["source"] != "fixture" {
		t.Errorf("meta.custom = %#v", f.Meta.Custom)
	}
	if _, err := reader.CanReadBasedOnMeta(frames); err == nil {
		t.Errorf("an untyped frame should not be readable as data plane")
	}
	if len(f.Fields) != 5 {
		t.Fatalf("%d fields, want 5", len(f.Fields))
	}

	// Exact nanoseconds: 1767225600123.456 ms is not a float64 ms * 1e6 product.
	checkTimes(t, f.Fields[0], []time.Time{
		time.Unix(0, 1767225600123456000),
		time.Unix(0, -1000000),
		time.Unix(0, 0),
		time.Unix(0, 9_000_000_000_000_000_000),
	})

	text := f.Fields[1]
	if text.Type() != data.FieldTypeNullableString {
		t.Fatalf("text type = %s, want *string", text.Type())
	}
	for i, want := range []*string{strPtr("é"), nil, strPtr(""), strPtr("日本")} {
		got := text.At(i).(*string)
		if (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Errorf("text[%d] = %v, want %v", i, got, want)
		}
	}

	ok := f.Fields[2]
	if ok.Type() != data.FieldTypeNullableBool {
		t.Fatalf("ok type = %s, want *bool", ok.Type())
	}
	for i, want := range []*bool{boolPtr(true), nil, boolPtr(false), boolPtr(true)} {
		got := ok.At(i).(*bool)
		if (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Errorf("ok[%d] = %v, want %v", i, got, want)
		}
	}

	raw := f.Fields[3]
	if raw.Type() != data.FieldTypeFloat64 {
		t.Fatalf("raw type = %s, want float64 (non-nullable)", raw.Type())
	}
	if v := raw.At(0).(float64); !math.IsNaN(v) {
		t.Errorf("raw[0] = %v, want NaN", v)
	}
	for i, want := range map[int]float64{1: math.Inf(1), 2: -0.5, 3: 1e300} {
		if v := raw.At(i).(float64); v != want {
			t.Errorf("raw[%d] = %v, want %v", i, v, want)
		}
	}

	plain := f.Fields[4]
	if plain.Type() != data.FieldTypeString || plain.At(3).(string) != "d" {
		t.Errorf("plain: type %s, [3] = %v; want non-nullable string d", plain.Type(), plain.At(3))
	}
}

func strPtr(s string) *string { return &s }
func boolPtr(b bool) *bool    { return &b }

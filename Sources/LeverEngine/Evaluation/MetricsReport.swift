/// Renders evaluation results as JSON (the text tables of the CLI are in LeverTools).
public enum MetricsReport {
    public static func json(_ result: EvaluationResult) -> JSONValue {
        var o = JSONObject()
        o["overall"] = json(result.overall)
        var bands = JSONObject()
        for b in result.bands {
            var bo = JSONObject()
            bo["train_rows"] = .string(b.range)
            bo["labels"] = .int(Int64(b.numLabels))
            bo["metrics"] = json(b.metrics)
            bands[b.name] = .object(bo)
        }
        o["bands"] = .object(bands)
        return .object(o)
    }

    static func json(_ m: MetricTable) -> JSONValue {
        var o = JSONObject()
        o["rows"] = .int(Int64(m.rows))
        o["rows_with_positive"] = .int(Int64(m.rowsWithPositive))
        o["labels_with_test_positive"] = .int(Int64(m.labels))
        for name in MetricTable.names where m.values[name] != nil {
            var per = JSONObject()
            for (i, k) in m.ks.enumerated() { per["\(k)"] = .double(m.values[name]![i]) }
            o[name] = .object(per)
        }
        return .object(o)
    }
}

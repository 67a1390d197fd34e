import XCTest
@testable import LeverEngine

final class ConfigTests: XCTestCase {
    func testDefaultsParseAndRoundTrip() throws {
        let text = RunConfig.defaults.serialized()
        let c = try RunConfig.parse(text)
        XCTAssertEqual(c.method, .lever)
        XCTAssertEqual(c.evaluation.ks, [1, 3, 5])
        XCTAssertEqual(c.document, RunConfig.defaults)
        XCTAssertEqual(try JSONValue.parse(text, source: "x"), RunConfig.defaults)
    }

    func testMethodIsParsedOnceWithItsProperties() throws {
        XCTAssertEqual(Method.allCases.map { $0.rawValue }, ["knn", "teacher", "ova", "lever"])
        for m in Method.allCases {
            XCTAssertEqual(try RunConfig.parse("{\"method\": \"\(m.rawValue)\"}").method, m)
        }
        XCTAssertEqual(Method.allCases.filter { $0.trainsStudent }, [.ova, .lever])
        XCTAssertEqual(Method.allCases.filter { $0.distills }, [.lever])
        XCTAssertEqual(Method.allCases.map { $0.modelMethod }, ["knn", "teacher", "lever", "lever"])
        assertLeverError(.config, [#"config: "method" is "svm"; expected one of knn, teacher, ova, lever"#]) {
            try RunConfig.parse(#"{"method": "svm"}"#)
        }
    }

    func testPartialConfigMergesOntoDefaults() throws {
        let c = try RunConfig.parse(#"{"knn": {"neighbours": 7}, "data": {"dir": "d"}}"#, baseDir: "/base")
        XCTAssertEqual(c.knn.neighbours, 7)
        XCTAssertEqual(c.knn.power, 2)
        XCTAssertEqual(c.paths.trainTexts, "/base/d/trn_X.txt")
        XCTAssertEqual(c.paths.testFilter?.required, false)
        let explicit = try RunConfig.parse(#"{"data": {"tst_filter": "f.txt", "trn_filter": ""}}"#)
        XCTAssertEqual(explicit.paths.testFilter?.required, true)
        XCTAssertNil(explicit.paths.trainFilter)
    }

    func testUnknownKeyNamesItsPath() {
        assertLeverError(.config, ["knn.neighbors", "unknown key", "neighbours"]) {
            try RunConfig.parse(#"{"knn": {"neighbors": 7}}"#)
        }
        assertLeverError(.config, ["\"colour\""]) { try RunConfig.parse(#"{"colour": 1}"#) }
    }

    func testWrongTypeNamesKeyAndExpectedType() {
        assertLeverError(.config, ["knn.neighbours", "must be an integer, not string"]) {
            try RunConfig.parse(#"{"knn": {"neighbours": "7"}}"#)
        }
        assertLeverError(.config, ["\"data\"", "must be an object"]) { try RunConfig.parse(#"{"data": 3}"#) }
        assertLeverError(.config, ["evaluation.k[1]", "must be an integer"]) { try RunConfig.parse(#"{"evaluation": {"k": [1, "3"]}}"#) }
        assertLeverError(.config, ["features.sublinear_tf", "must be a boolean"]) { try RunConfig.parse(#"{"features": {"sublinear_tf": 1}}"#) }
    }

    func testIntegerAcceptedWhereNumberExpected() throws {
        let c = try RunConfig.parse(#"{"knn": {"power": 3}}"#)
        XCTAssertEqual(c.knn.power, 3)
    }

    func testOutOfRangeValues() {
        assertLeverError(.config, ["knn.neighbours", "is 0"]) { try RunConfig.parse(#"{"knn": {"neighbours": 0}}"#) }
        assertLeverError(.config, ["threads", "-1"]) { try RunConfig.parse(#"{"threads": -1}"#) }
        assertLeverError(.config, ["method", "svm"]) { try RunConfig.parse(#"{"method": "svm"}"#) }
        assertLeverError(.config, ["evaluation.k", "output.top_k"]) { try RunConfig.parse(#"{"evaluation": {"k": [500]}}"#) }
        assertLeverError(.config, ["char_ngram_min"]) { try RunConfig.parse(#"{"features": {"char_ngram_min": 4, "char_ngram_max": 3}}"#) }
    }

    func testInvalidJSONGivesLineAndColumn() {
        assertLeverError(.config, ["cfg.json:2:", "invalid JSON"]) { try RunConfig.parse("{\n \"knn\": {,}\n}", source: "cfg.json") }
        assertLeverError(.config, ["cfg.json:1:", "unexpected end"]) { try RunConfig.parse("{\"knn\": ", source: "cfg.json") }
        assertLeverError(.config, ["cfg.json:1:4"]) { try RunConfig.parse("{} x", source: "cfg.json") }
        assertLeverError(.config, ["must be a JSON object"]) { try RunConfig.parse("[1]") }
        assertLeverError(.config, ["invalid JSON"]) { try RunConfig.parse(#"{"a": 1,}"#) }
    }

    func testMissingConfigFile() {
        assertLeverError(.io, ["/nonexistent/c.json"]) { try RunConfig.load(path: "/nonexistent/c.json") }
    }

    func testJSONStringEscapingRoundTrips() throws {
        let v = JSONValue.object(JSONObject([("s", .string("a\"b\\c\n\u{1}é✓")), ("d", .double(0.125)), ("n", .null)]))
        XCTAssertEqual(try JSONValue.parse(v.serialized(), source: "x"), v)
        XCTAssertEqual(try JSONValue.parse(v.serialized(pretty: false), source: "x"), v)
    }
}

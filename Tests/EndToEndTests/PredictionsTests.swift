import BFTestSupport
import Foundation
import XCTest

/// `model.predict()` per row, `bf run --predictions OUT.csv`, and a saved model loaded again,
/// with the built `bf` on small pods made from YAML: one that allows row predictions and one
/// that does not.
final class PredictionsTests: XCTestCase {
    private func makePods() throws -> (directory: URL, environment: [String: String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bf-predictions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        var lines = ["colour,weight,label"]
        for row in 0..<200 {
            let colour = ["blue", "green", "red"][row % 3]
            let weight = 50 + Double((row * 37) % 60) + Double(row % 7) / 8
            lines.append("\(colour),\(weight),\(weight > 80 || colour == "red" ? "yes" : "no")")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        for (name, allowed) in [("open-pod", true), ("closed-pod", false)] {
            let yaml = """
                pod_name: \(name)
                data_config:
                  force_stypes:
                    \(name):
                      categorical: [colour, label]
                  datasource_args:
                    path: data.csv
                allow_row_predictions: \(allowed)
                """
            try yaml.write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        let environment = ["BF_HOME": directory.appendingPathComponent("home").path, "BF_USER": "pat"]
        for name in ["open-pod", "closed-pod"] {
            let created = try BFBinary.locate().run(["pod", "create", "\(name).yaml"], environment: environment, in: directory)
            XCTAssertEqual(created.status, 0, created.standardError)
        }
        return (directory, environment)
    }

    func testPredictionsAreWrittenAndASavedModelPredictsTheSameAfterLoading() throws {
        let (directory, environment) = try makePods()
        let train = """
            pods "open-pod"
            ds = datastructure target="label"
            model = PyTorchTabularClassifier(datastructure=ds, schema=combine_pod_schemas(["open-pod"]), epochs=1, batch_size=32, hidden_layers=[8])
            model.fit()
            model.serialize("model.safetensors")
            predictions = model.predict()
            print(len(predictions), predictions[0]["test_row"])
            """
        try train.write(to: directory.appendingPathComponent("train.bf"), atomically: true, encoding: .utf8)
        let trained = try BFBinary.locate().run(["run", "train.bf", "--predictions", "first.csv"], environment: environment, in: directory)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        XCTAssertTrue(trained.standardOutput.contains("20 0\n"), trained.standardOutput)
        let first = try String(contentsOf: directory.appendingPathComponent("first.csv"), encoding: .utf8)
        let rows = first.split(separator: "\n")
        XCTAssertEqual(rows.first, "pod,test_row,predicted,p_no,p_yes")
        XCTAssertEqual(rows.count, 21)
        XCTAssertTrue(rows[1].hasPrefix("pat/open-pod,0,"), String(rows[1]))

        let reload = """
            pods "open-pod"
            model = load_model("model.safetensors")
            model.predict()
            same = PyTorchTabularClassifier(datastructure=datastructure(target="label"), schema=combine_pod_schemas(["open-pod"]), epochs=3, hidden_layers=[8])
            same.deserialize("model.safetensors")
            same.predict()
            """
        try reload.write(to: directory.appendingPathComponent("reload.bf"), atomically: true, encoding: .utf8)
        let reloaded = try BFBinary.locate().run(["run", "reload.bf", "--predictions", "second.csv"], environment: environment, in: directory)
        XCTAssertEqual(reloaded.status, 0, reloaded.standardError)
        XCTAssertEqual(try String(contentsOf: directory.appendingPathComponent("second.csv"), encoding: .utf8), first,
                       "the loaded model predicts bit for bit as the trained one")
    }

    func testAPodThatDoesNotAllowRowPredictionsRefusesAndSaysHowToAllowThem() throws {
        let (directory, environment) = try makePods()
        let script = """
            pods "closed-pod"
            model = PyTorchTabularClassifier(datastructure=datastructure(target="label"), schema=combine_pod_schemas(["closed-pod"]), epochs=1, batch_size=32, hidden_layers=[8])
            model.fit()
            model.predict(counts_only=True)
            model.predict()
            """
        try script.write(to: directory.appendingPathComponent("closed.bf"), atomically: true, encoding: .utf8)
        let run = try BFBinary.locate().run(["run", "closed.bf", "--predictions", "out.csv"], environment: environment, in: directory)
        XCTAssertEqual(run.status, 70, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("predicted classes of the test rows (counts):"), run.standardOutput)
        XCTAssertTrue(run.standardError.contains("closed-pod"), run.standardError)
        XCTAssertTrue(run.standardError.contains("does not let per-row predictions leave it"), run.standardError)
        XCTAssertTrue(run.standardError.contains("allow_row_predictions: true"), run.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.csv").path))

        let allowed = try BFBinary.locate().run(["pod", "row-predictions", "closed-pod", "on"], environment: environment, in: directory)
        XCTAssertEqual(allowed.status, 0, allowed.standardError)
        let again = try BFBinary.locate().run(["run", "closed.bf", "--predictions", "out.csv"], environment: environment, in: directory)
        XCTAssertEqual(again.status, 0, again.standardError)
        XCTAssertEqual(try String(contentsOf: directory.appendingPathComponent("out.csv"), encoding: .utf8).split(separator: "\n").count, 21)
        let wrong = try BFBinary.locate().run(["pod", "row-predictions", "closed-pod", "maybe"], environment: environment, in: directory)
        XCTAssertEqual(wrong.status, 64)

        let none = try BFBinary.locate().run(["run", "-", "--predictions", "out.csv"], standardInput: "print(1)\n",
                                             environment: environment, in: directory)
        XCTAssertEqual(none.status, 70)
        XCTAssertTrue(none.standardError.contains("no predictions to write to 'out.csv'"), none.standardError)

        let garbage = try BFBinary.locate().run(["-c", "load_model(\"closed-pod.yaml\")"], environment: environment, in: directory)
        XCTAssertEqual(garbage.status, 70)
        XCTAssertTrue(garbage.standardError.contains("model file 'closed-pod.yaml' is not a bf model"), garbage.standardError)
    }
}

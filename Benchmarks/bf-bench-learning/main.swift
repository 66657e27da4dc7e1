import BenchmarkSupport
import Foundation
import Learning

// bf-bench-learning: the benchmark driver of the Learning target (scripts/bench/train).
//
//   peak [--size N]                        single-thread sgemm GFLOP/s (wall clock and CPU time)
//   shapes [--batch B]                     GFLOP/s (CPU time) of the training step's own products
//   synthesize --rows N --seed S --out F   census-shaped synthetic data as encoded CSV
//   train --data F [--test F] [--epochs E] [--batch-size B] [--optimizer NAME] [--lr X]
//         [--seed S] [--warmup-steps W] [--hidden W1,W2,…]
//         [--noise-multiplier S --max-grad-norm C]
//                                          time training; prints one JSON line. --hidden sets the
//                                          hidden widths (default 1000,500; dropouts 0.01 for the
//                                          first, 0.1 after, as bf's PyTorchTabularClassifier);
//                                          the two DP flags train with DP-SGD (privacy settings
//                                          of the hyperparameters), warm-up included
//   write-checkpoint --out F --expect F    a small checkpoint and the values Python must read

let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// FLOPs of the matrix products of one training sample: forward 2·Σ in·out, backward twice
/// that (weight gradient and input gradient of every Linear).
func trainingFlopsPerSample(_ classifier: TabularClassifier) -> Double {
    let widths = classifier.architecture.embeddingWidths(for: classifier.layout)
    var previous = widths.reduce(0, +) + classifier.layout.continuousCount
    var products = 0.0
    for width in classifier.architecture.hiddenLayers + [classifier.layout.classCount] {
        products += Double(previous * width)
        previous = width
    }
    return 6 * products
}

/// The architecture of `--hidden W1,W2,…` (nil: the default 1000,500), with bf's dropouts:
/// 0.01 after the first hidden layer, 0.1 after each later one.
func hiddenArchitecture(_ text: String?) throws -> TabularArchitecture {
    guard let text else { return TabularArchitecture() }
    let widths = text.split(separator: ",").map { Int($0) }
    guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw BenchError("--hidden expects widths like 1000,500 or 64, got '\(text)'")
    }
    let layers = widths.map { $0 ?? 0 }
    return TabularArchitecture(hiddenLayers: layers, hiddenDropouts: layers.indices.map { $0 == 0 ? 0.01 : 0.1 })
}

/// DP-SGD's settings from `--noise-multiplier` and `--max-grad-norm` (both or neither).
func privacySettings(noiseMultiplier: String?, maxGradNorm: String?) throws -> DPSGDSettings? {
    switch (noiseMultiplier, maxGradNorm) {
    case (nil, nil): return nil
    case let (.some(sigma), .some(norm)):
        guard let sigma = Double(sigma), let norm = Double(norm) else {
            throw BenchError("--noise-multiplier and --max-grad-norm expect numbers, got '\(sigma)' and '\(norm)'")
        }
        return DPSGDSettings(maxGradNorm: norm, noiseMultiplier: sigma)
    default:
        throw BenchError("DP-SGD needs both --noise-multiplier and --max-grad-norm")
    }
}

func run() throws {
    switch arguments.first {
    case "peak":
        let size = Int(option("--size") ?? "") ?? 2048
        let gflops = try Peak.measure(size: size, repetitions: 5)
        print(try json(["command": "peak", "size": size, "gflops": gflops.wall, "gflops_cpu": gflops.cpu, "openblas_core": try BLAS.configure()]))
    case "shapes":
        // The products of one training step of the reference classifier (54 → 1000 → 500 →
        // 2), in the forms the Learning target calls them, each timed alone; their summed
        // time is what a step would take if everything else were free.
        let b = Int(option("--batch") ?? "") ?? 64
        let widths = [54, 1000, 500, 2]
        var shapes: [(name: String, m: Int, n: Int, k: Int, ta: Bool, tb: Bool, beta: Float)] = []
        for layer in 0..<(widths.count - 1) {
            let inputs = widths[layer], outputs = widths[layer + 1]
            shapes.append(("forward \(inputs)->\(outputs) x·Wᵀ", b, outputs, inputs, false, true, 0))
            shapes.append(("input gradient \(outputs)->\(inputs) dy·W", b, inputs, outputs, false, false, 0))
            shapes.append(("weight update \(outputs)x\(inputs) W -= lr·dyᵀ·x", outputs, inputs, b, true, false, 1))
        }
        var stepSeconds = 0.0
        var stepFlops = 0.0
        for shape in shapes {
            let flops = 2 * Double(shape.m * shape.n * shape.k)
            let gflops = try Peak.measure(
                m: shape.m, n: shape.n, k: shape.k, transposeA: shape.ta, transposeB: shape.tb, beta: shape.beta,
                repetitions: max(1, Int(1e8 / flops)), rounds: 15)
            stepSeconds += flops / (gflops * 1e9)
            stepFlops += flops
            print(try json(["shape": shape.name, "m": shape.m, "n": shape.n, "k": shape.k, "beta": Double(shape.beta), "gflops_cpu": gflops]))
        }
        print(try json(["shape": "all products of one step", "gflops_cpu": stepFlops / stepSeconds / 1e9, "step_seconds": stepSeconds]))
    case "synthesize":
        guard let out = option("--out") else { throw BenchError("synthesize needs --out") }
        let rows = Int(option("--rows") ?? "") ?? 36_000
        let seed = UInt64(option("--seed") ?? "") ?? 1
        try EncodedCSV.write(try SyntheticCensus.generate(rows: rows, seed: seed), to: URL(fileURLWithPath: out))
    case "train":
        guard let path = option("--data") else { throw BenchError("train needs --data") }
        let data = try EncodedCSV.read(path)
        let epochs = Int(option("--epochs") ?? "") ?? 1
        let batchSize = Int(option("--batch-size") ?? "") ?? 64
        let seed = UInt64(option("--seed") ?? "") ?? 0
        let warmup = Int(option("--warmup-steps") ?? "") ?? 10
        let optimizer = OptimizerConfig(name: option("--optimizer") ?? "SGD", params: ["lr": Double(option("--lr") ?? "") ?? 0.001])
        let architecture = try hiddenArchitecture(option("--hidden"))
        let privacy = try privacySettings(noiseMultiplier: option("--noise-multiplier"), maxGradNorm: option("--max-grad-norm"))
        let classifier = try TabularClassifier(layout: data.layout, architecture: architecture, seed: seed)
        if warmup > 0 {
            let warm = try ClassifierTrainer(model: classifier, hyperparameters: .init(steps: warmup, batchSize: batchSize, optimizer: optimizer, seed: seed &+ 1, privacy: privacy))
            try warm.train(on: data)
        }
        let trainer = try ClassifierTrainer(model: classifier, hyperparameters: .init(epochs: epochs, batchSize: batchSize, optimizer: optimizer, seed: seed, privacy: privacy))
        var summary: TrainingSummary?
        var batchSeconds: [Double] = []
        var batchCPUSeconds: [Double] = []
        batchSeconds.reserveCapacity(data.rowCount / batchSize * epochs + 1)
        batchCPUSeconds.reserveCapacity(data.rowCount / batchSize * epochs + 1)
        let clock = ContinuousClock()
        var last = clock.now
        let cpuStart = Timing.threadCPUSeconds()
        var lastCPU = cpuStart
        let seconds = try Timing.seconds {
            summary = try trainer.train(on: data) { _ in
                let now = clock.now
                let nowCPU = Timing.threadCPUSeconds()
                let elapsed = now - last
                batchSeconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                batchCPUSeconds.append(nowCPU - lastCPU)
                last = now
                lastCPU = nowCPU
                return .proceed
            }
        }
        let cpuSeconds = Timing.threadCPUSeconds() - cpuStart
        batchSeconds.sort()
        batchCPUSeconds.sort()
        let medianBatch = batchSeconds.isEmpty ? 0 : batchSeconds[batchSeconds.count / 2]
        let medianBatchCPU = batchCPUSeconds.isEmpty ? 0 : batchCPUSeconds[batchCPUSeconds.count / 2]
        let rows = Double(summary?.rows ?? 0)
        let flops = trainingFlopsPerSample(classifier) * rows
        var result: [String: Any] = [
            "command": "train", "engine": "bf", "rows": rows, "epochs": epochs, "batch_size": batchSize,
            "seconds": seconds, "samples_per_second": rows / seconds, "gflops": flops / seconds / 1e9,
            "cpu_seconds": cpuSeconds, "cpu_samples_per_second": rows / cpuSeconds, "gflops_cpu": flops / cpuSeconds / 1e9,
            "flops_per_sample": trainingFlopsPerSample(classifier), "mean_loss": summary?.meanLoss ?? 0,
            "openblas_core": try BLAS.configure(), "median_batch_seconds": medianBatch,
            "median_batch_samples_per_second": medianBatch > 0 ? Double(batchSize) / medianBatch : 0,
            "median_batch_cpu_seconds": medianBatchCPU, "hidden": architecture.hiddenLayers,
            "private": privacy != nil, "steps": summary?.steps ?? 0,
        ]
        if let privacy {
            result["noise_multiplier"] = privacy.noiseMultiplier
            result["max_grad_norm"] = privacy.maxGradNorm
            result["clipped_rows"] = summary?.clippedRows ?? 0
        }
        if let testPath = option("--test") {
            let test = try EncodedCSV.read(testPath)
            let metrics = try classifier.evaluate(test)
            result["test_accuracy"] = metrics.accuracy
            result["test_auc"] = metrics.auc ?? 0
            result["test_loss"] = metrics.validationLoss
        }
        print(try json(result))
    case "write-checkpoint":
        guard let out = option("--out"), let expect = option("--expect") else {
            throw BenchError("write-checkpoint needs --out and --expect")
        }
        let layout = TabularLayout(
            categorical: [.init(name: "colour", cardinality: 3), .init(name: "size", cardinality: 5)],
            continuousNames: ["weight", "height"], targetName: "label", classCount: 2)
        let classifier = try TabularClassifier(layout: layout, architecture: .init(hiddenLayers: [4, 3], hiddenDropouts: [0.1, 0.1]), seed: 11)
        let metadata = ["bf.version": "0.1.0-check", "bf.hyperparameters": "{\"epochs\":1}", "bf.note": "quote \" and backslash \\"]
        try ClassifierCheckpoint.save(classifier, batchesTracked: 3, metadata: metadata, to: out)
        let parameters = classifier.parameters()
        // The file holds the classifier's tensors and, as PyTorch's state dict does, each batch
        // norm's num_batches_tracked (a scalar) after its running_var.
        var tensors: [String: Any] = [:]
        var order: [String] = []
        for tensor in parameters.tensors {
            tensors[tensor.name] = ["shape": tensor.shape, "values": (parameters.values(of: tensor.name) ?? []).map(Double.init)]
            order.append(tensor.name)
            if tensor.name.hasSuffix(".running_var") {
                let counter = String(tensor.name.dropLast(".running_var".count)) + ClassifierCheckpoint.batchesTrackedSuffix
                tensors[counter] = ["shape": [Int](), "values": [3.0]]
                order.append(counter)
            }
        }
        let saved = try Safetensors.read(from: out)
        let expected: [String: Any] = ["tensors": tensors, "order": order, "metadata": saved.metadata]
        try json(expected).write(toFile: expect, atomically: true, encoding: .utf8)
    default:
        throw BenchError("usage: bf-bench-learning peak|shapes|synthesize|train|write-checkpoint [options]")
    }
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("bf-bench-learning: \(error)\n".utf8))
    exit(1)
}

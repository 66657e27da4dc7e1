import ArgumentParser
import Foundation
import Learning

extension BF {
    /// `bf privacy …`: the differential-privacy accountant of DP-SGD on the command line, to
    /// see what a training spends before running it, or the noise a budget needs.
    struct PrivacyCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "privacy",
            abstract: "Differential privacy of DP-SGD: the epsilon a training spends, or the noise a budget needs.",
            discussion: """
            Rényi-DP accounting of DP-SGD with Poisson sampling (each row joins a batch with \
            probability q = batch size / rows, clipped gradients get Gaussian noise of standard \
            deviation noise multiplier × clipping norm), as Google's dp_accounting RdpAccountant \
            computes it. Give the sampling rate as --sampling-rate Q or as --batch-size B --rows R, \
            and the length of the training as --steps N or as --epochs E (E × R / B steps, rounded \
            down, as Opacus counts them).
            """,
            subcommands: [Epsilon.self, Noise.self])

        struct Epsilon: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "epsilon",
                abstract: "The epsilon a training spends at a noise multiplier, and the Rényi order that gives it.")

            @Option(help: ArgumentHelp("The noise's standard deviation over the clipping norm (sigma).", valueName: "sigma"))
            var noiseMultiplier: Double

            @OptionGroup var training: PrivacyTrainingOptions

            func run() throws {
                let (samplingRate, steps) = try training.resolved()
                let spent = try reportingPrivacyErrors {
                    try RDPAccountant.epsilon(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, steps: steps, delta: training.delta)
                }
                if training.json {
                    print(PrivacyJSON.object([
                        ("epsilon", PrivacyJSON.number(spent.epsilon)), ("delta", PrivacyJSON.number(spent.delta)),
                        ("order", PrivacyJSON.number(spent.order)), ("sampling_rate", PrivacyJSON.number(samplingRate)),
                        ("noise_multiplier", PrivacyJSON.number(noiseMultiplier)), ("steps", String(steps)),
                    ]))
                    return
                }
                if spent.epsilon.isFinite {
                    print("epsilon \(RoundedUp(spent.epsilon).text) at delta \(plain(spent.delta)) (Rényi order \(plain(spent.order)))")
                } else {
                    print("epsilon is unbounded at delta \(plain(spent.delta)): without noise a training has no privacy guarantee")
                }
                print("after \(training.describe(samplingRate: samplingRate, steps: steps)) and noise multiplier \(plain(noiseMultiplier))")
            }
        }

        struct Noise: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "noise",
                abstract: "The smallest noise multiplier that keeps a training's epsilon within a budget.")

            @Option(help: ArgumentHelp("The privacy budget: the largest epsilon allowed.", valueName: "epsilon"))
            var epsilon: Double

            @OptionGroup var training: PrivacyTrainingOptions

            func run() throws {
                let (samplingRate, steps) = try training.resolved()
                let delta = training.delta
                let (sigma, spent) = try reportingPrivacyErrors {
                    let sigma = try RDPAccountant.noiseMultiplier(epsilon: epsilon, delta: delta, samplingRate: samplingRate, steps: steps)
                    return (sigma, try RDPAccountant.epsilon(samplingRate: samplingRate, noiseMultiplier: sigma, steps: steps, delta: delta))
                }
                if training.json {
                    print(PrivacyJSON.object([
                        ("noise_multiplier", PrivacyJSON.number(sigma)), ("epsilon", PrivacyJSON.number(spent.epsilon)),
                        ("target_epsilon", PrivacyJSON.number(epsilon)), ("delta", PrivacyJSON.number(delta)),
                        ("order", PrivacyJSON.number(spent.order)), ("sampling_rate", PrivacyJSON.number(samplingRate)),
                        ("steps", String(steps)),
                    ]))
                    return
                }
                let schedule = training.describe(samplingRate: samplingRate, steps: steps)
                guard sigma > 0 else {
                    print("noise multiplier 0: \(schedule) spend no privacy")
                    return
                }
                // Shown rounded up, so that the value a user copies still meets the budget.
                let shown = RoundedUp(sigma)
                let atShown = try reportingPrivacyErrors {
                    try RDPAccountant.epsilon(samplingRate: samplingRate, noiseMultiplier: shown.value, steps: steps, delta: delta)
                }
                print("noise multiplier \(shown.text) (smallest: \(sigma))")
                print("gives epsilon \(RoundedUp(atShown.epsilon).text) <= \(plain(epsilon)) at delta \(plain(delta)) (Rényi order \(plain(atShown.order))) after \(schedule)")
            }
        }
    }
}

/// The options of `bf privacy` that say how a training samples and how long it runs.
struct PrivacyTrainingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The chance that a row joins a batch (q = batch size / rows).", valueName: "q"))
    var samplingRate: Double?

    @Option(help: ArgumentHelp("The expected batch size; with --rows, in place of --sampling-rate.", valueName: "size"))
    var batchSize: Int?

    @Option(help: ArgumentHelp("The rows of the training data; with --batch-size.", valueName: "rows"))
    var rows: Int?

    @Option(help: ArgumentHelp("The training steps (batches).", valueName: "n"))
    var steps: Int?

    @Option(help: ArgumentHelp("The epochs, in place of --steps: epochs / q steps, rounded down.", valueName: "n"))
    var epochs: Int?

    @Option(help: ArgumentHelp("The chance that the guarantee fails; keep it well below 1 / rows.", valueName: "delta"))
    var delta: Double

    @Flag(help: "Print one JSON object.")
    var json = false

    /// The sampling rate and step count the options give, or a usage error (exit 64).
    func resolved() throws -> (samplingRate: Double, steps: Int) {
        let samplingRate = try resolvedSamplingRate()
        switch (steps, epochs) {
        case let (steps?, nil):
            return (samplingRate, steps)
        case let (nil, epochs?):
            guard epochs >= 0 else { throw usageError("--epochs is \(epochs): it must be 0 or more", help: "give the number of passes over the data") }
            if let batchSize, let rows {
                // Whole-number arithmetic: Opacus's int(epochs / q) can land one below a whole
                // quotient (3 / 0.1 is 29.999…).
                let (product, overflow) = epochs.multipliedReportingOverflow(by: rows)
                guard !overflow else { throw usageError("--epochs \(epochs) of \(rows) rows is too many steps", help: "give fewer epochs") }
                return (samplingRate, product / batchSize)
            }
            guard samplingRate > 0 else {
                throw usageError("--epochs needs a sampling rate above 0 to count steps", help: "give --steps instead")
            }
            let quotient = Double(epochs) / samplingRate
            guard quotient < 1e15 else { throw usageError("--epochs \(epochs) at sampling rate \(samplingRate) is too many steps", help: "give fewer epochs") }
            // A quotient a hair below a whole number by rounding counts as that number.
            return (samplingRate, Int((quotient * (1 + 1e-12)).rounded(.down)))
        case (nil, nil):
            throw usageError("give the length of the training as --steps N or --epochs E", help: "e.g. --epochs 10 --batch-size 256 --rows 60000")
        case (_?, _?):
            throw usageError("give --steps or --epochs, not both", help: "--epochs E counts E × rows / batch size steps")
        }
    }

    private func resolvedSamplingRate() throws -> Double {
        switch (samplingRate, batchSize, rows) {
        case let (rate?, nil, nil):
            return rate
        case let (nil, batch?, rows?):
            guard rows >= 1 else { throw usageError("--rows is \(rows): it must be at least 1", help: "give the rows of the training data") }
            guard batch >= 1 && batch <= rows else {
                throw usageError("--batch-size is \(batch): it must be from 1 to the \(rows) rows", help: "give the expected batch size")
            }
            return Double(batch) / Double(rows)
        case (nil, nil, nil):
            throw usageError("give the sampling rate as --sampling-rate Q or as --batch-size B --rows R",
                             help: "e.g. --batch-size 256 --rows 60000")
        case (nil, _?, nil):
            throw usageError("--batch-size needs --rows", help: "the sampling rate is batch size / rows")
        case (nil, nil, _?):
            throw usageError("--rows needs --batch-size", help: "the sampling rate is batch size / rows")
        case (_?, _, _):
            throw usageError("give --sampling-rate or --batch-size with --rows, not both", help: "the sampling rate is batch size / rows")
        }
    }

    /// "10000 steps with sampling rate 0.01", with how the user gave them.
    func describe(samplingRate: Double, steps: Int) -> String {
        var text = "\(steps) step\(steps == 1 ? "" : "s")"
        if let epochs { text += " (\(epochs) epoch\(epochs == 1 ? "" : "s"))" }
        if let batchSize, let rows {
            text += " with sampling rate \(String(format: "%.4g", samplingRate)) (batch size \(batchSize) of \(rows) rows)"
        } else {
            text += " with sampling rate \(plain(samplingRate))"
        }
        return text
    }

    private func usageError(_ message: String, help: String) -> ExitCode {
        Console.error("error: \(message)\nhelp: \(help)\n")
        return ExitCode(ScriptRunner.Status.usage)
    }
}

/// Runs `body`; an accountant's error (a value out of range, a budget no noise reaches) is
/// printed as bf prints errors and ends the command with exit status 64.
private func reportingPrivacyErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as LearningError {
        Console.error(error)
        throw ExitCode(ScriptRunner.Status.usage)
    }
}

/// A positive number rounded up to four significant digits, and its text: what a user may
/// copy without falling below the exact value.
struct RoundedUp {
    let value: Double
    let text: String

    init(_ exact: Double) {
        guard exact > 0 && exact.isFinite else {
            value = exact
            text = exact == 0 ? "0" : "\(exact)"
            return
        }
        let exponent = Int(log10(exact).rounded(.down))
        let decimals = 3 - exponent
        let scale = pow(10, Double(decimals))
        value = (exact * scale).rounded(.up) / scale
        if exponent < -4 || exponent >= 6 {
            text = String(format: "%.3e", value)
        } else {
            text = String(format: "%.\(max(0, decimals))f", value)
        }
    }
}

/// A number as a person writes it: 3 rather than 3.0, else Swift's shortest exact form.
func plain(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
}

/// One flat JSON object of numbers, keys in the order given.
enum PrivacyJSON {
    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// A JSON number; `null` for infinity (an unbounded epsilon).
    static func number(_ value: Double) -> String {
        value.isFinite ? plain(value) : "null"
    }
}

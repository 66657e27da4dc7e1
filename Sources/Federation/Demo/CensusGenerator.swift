import Learning
import Foundation

/// Generates synthetic census-income rows, deterministically from a seed.
///
/// Each row is drawn in the order a person's circumstances plausibly follow
/// one another: gender and age; education (young people have not finished
/// degrees yet); marital status by age and relationship by marital status
/// and gender; occupation by education and gender; hours by age. Income
/// (`TARGET`, 1 for above 50K) then follows a logistic model in education,
/// age, hours, marriage, occupation, workclass and gender, with its own
/// noise, tuned so that about 24% of rows are positive and a logistic
/// regression reaches about 84% accuracy (the majority class gives 76%).
/// Capital gains and losses are drawn last, more often and larger for
/// higher incomes, as in the real data.
struct CensusGenerator {
    private var random: SeededGenerator

    /// A generator whose rows are fixed by `seed`.
    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    /// The next `count` rows, each with a value per `CensusVocabulary.columns`.
    mutating func rows(_ count: Int) -> [[String]] {
        (0..<count).map { _ in row() }
    }

    /// Makes every category appear in `rows` at least `minimumCount` times. The
    /// rarest categories (a country with 0.01% of people) would otherwise be
    /// missing from some pods, and pods must share their categorical value
    /// sets; the floor is the pods' default minimum group size, so that a
    /// query grouping by any category (tutorial 3's) is answered. Each
    /// missing occurrence replaces the column's most common value in a row
    /// chosen by a fixed stride, keeping the row consistent (education and
    /// its rank, marriage and relationship).
    static func coverEveryCategory(_ rows: inout [[String]], minimumCount: Int = PodSpec.defaultMinimumGroupSize) {
        guard !rows.isEmpty else { return }
        let column = { (name: String) in CensusVocabulary.columns.firstIndex(of: name) ?? 0 }
        let vocabularies: [(String, [String])] = [
            ("workclass", CensusVocabulary.workclass.map(\.0)),
            ("education", CensusVocabulary.educationLevels),
            ("marital-status", CensusVocabulary.maritalStatuses),
            ("occupation", CensusVocabulary.occupations.map(\.0)),
            ("relationship", CensusVocabulary.relationships),
            ("race", CensusVocabulary.races.map(\.0)),
            ("native-country", CensusVocabulary.countries.map(\.0)),
        ]
        var next = 0
        for (name, values) in vocabularies {
            let index = column(name)
            var counts: [String: Int] = [:]
            for row in rows { counts[row[index], default: 0] += 1 }
            let common = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
            for value in values {
                while counts[value, default: 0] < min(minimumCount, rows.count / max(1, values.count)) {
                    repeat { next = (next + 7919) % rows.count } while rows[next][index] != common && counts.count > 1
                    rows[next][index] = value
                    counts[value, default: 0] += 1
                    if let common { counts[common, default: 0] -= 1 }
                    if name == "education" {
                        rows[next][column("educational-num")] = String((CensusVocabulary.educationLevels.firstIndex(of: value) ?? 0) + 1)
                    }
                    if name == "marital-status", value.hasPrefix("Married") {
                        rows[next][column("relationship")] = rows[next][column("gender")] == "Male" ? "Husband" : "Wife"
                    }
                    if name == "relationship" {
                        if value == "Husband" || value == "Wife" {
                            rows[next][column("marital-status")] = "Married-civ-spouse"
                            rows[next][column("gender")] = value == "Husband" ? "Male" : "Female"
                        } else if rows[next][column("marital-status")].hasPrefix("Married") {
                            rows[next][column("marital-status")] = "Never-married"
                        }
                    }
                }
            }
        }
    }

    /// One row.
    mutating func row() -> [String] {
        let male = random.nextDouble() < 0.67
        let age = min(90, 17 + Int(exp(normal(mean: 2.9, deviation: 0.62))))
        var rank = pick(CensusVocabulary.educationWeights)
        if age < 22 {
            while rank > 9 { rank = pick(CensusVocabulary.educationWeights) }
        }
        let education = CensusVocabulary.educationLevels[rank]
        let marital = maritalStatus(age: age, male: male)
        let relationship = relationship(marital: marital, male: male, age: age)
        let race = pick(CensusVocabulary.races)
        let workclass = pick(CensusVocabulary.workclass)
        let occupation = occupation(rank: rank, male: male)
        let hours = hoursPerWeek(age: age, male: male)
        let country = pick(CensusVocabulary.countries)
        let fnlwgt = min(1_490_400, max(12_285, Int(exp(normal(mean: 12.05, deviation: 0.5)))))

        let logit = incomeLogit(rank: rank, age: age, hours: hours, marital: marital, relationship: relationship,
                                occupation: occupation, workclass: workclass, male: male, race: race)
        let high = random.nextDouble() < 1 / (1 + exp(-logit))
        let gain = random.nextDouble() < (high ? 0.2 : 0.045)
            ? pickUniform(high ? CensusVocabulary.highCapitalGains : CensusVocabulary.lowCapitalGains) : 0
        let loss = gain == 0 && random.nextDouble() < (high ? 0.1 : 0.035)
            ? pickUniform(high ? CensusVocabulary.highCapitalLosses : CensusVocabulary.lowCapitalLosses) : 0

        return [String(age), workclass, String(fnlwgt), education, String(rank + 1), marital, occupation,
                relationship, race, male ? "Male" : "Female", String(gain), String(loss), String(hours), country,
                high ? "1" : "0"]
    }

    private func incomeLogit(rank: Int, age: Int, hours: Int, marital: String, relationship: String,
                             occupation: String, workclass: String, male: Bool, race: String) -> Double {
        var z = -3.05
        z += 0.36 * Double(rank + 1 - 10)
        z += 0.055 * Double(min(age, 50) - 38) - 0.04 * Double(max(0, age - 62))
        z += 0.032 * Double(hours - 40)
        if marital == "Married-civ-spouse" || marital == "Married-AF-spouse" { z += 2.1 }
        if relationship == "Wife" { z += 0.3 }
        if relationship == "Own-child" { z -= 1.0 }
        z += Self.occupationEffect[occupation] ?? 0
        z += Self.workclassEffect[workclass] ?? 0
        if male { z += 0.3 }
        if race == "White" || race == "Asian-Pac-Islander" { z += 0.1 }
        return z
    }

    private static let occupationEffect: [String: Double] = [
        "Exec-managerial": 0.85, "Prof-specialty": 0.6, "Tech-support": 0.45, "Protective-serv": 0.35,
        "Sales": 0.25, "Craft-repair": 0.0, "Transport-moving": -0.1, "Adm-clerical": -0.25,
        "Machine-op-inspct": -0.4, "Farming-fishing": -0.9, "Handlers-cleaners": -0.9, "Other-service": -1.3,
        "Priv-house-serv": -2.0, "Armed-Forces": 0.0,
    ]

    private static let workclassEffect: [String: Double] = [
        "Self-emp-inc": 0.6, "Federal-gov": 0.5, "Local-gov": 0.1, "State-gov": 0.0, "Private": 0.0,
        "Self-emp-not-inc": -0.2, "Without-pay": -3.0, "Never-worked": -3.0,
    ]

    /// Women in this data are less often recorded as married: the census
    /// lists one person per household, usually the husband.
    private mutating func maritalStatus(age: Int, male: Bool) -> String {
        let neverMarried: Double = (age < 25 ? 0.86 : age < 35 ? 0.38 : age < 50 ? 0.14 : 0.07) * (male ? 0.9 : 1.15)
        if random.nextDouble() < neverMarried { return "Never-married" }
        let widowed: Double = (age >= 65 ? 0.25 : age >= 55 ? 0.08 : 0.015) * (male ? 0.4 : 2.5)
        return pick([("Married-civ-spouse", male ? 0.8 : 0.3), ("Divorced", male ? 0.15 : 0.35),
                     ("Separated", male ? 0.03 : 0.07), ("Widowed", widowed),
                     ("Married-spouse-absent", 0.017), ("Married-AF-spouse", 0.0015)])
    }

    private mutating func relationship(marital: String, male: Bool, age: Int) -> String {
        switch marital {
        case "Married-civ-spouse", "Married-AF-spouse":
            return random.nextDouble() < 0.985 ? (male ? "Husband" : "Wife") : "Other-relative"
        case "Never-married":
            return age < 25
                ? pick([("Own-child", 0.6), ("Not-in-family", 0.3), ("Other-relative", 0.07), ("Unmarried", 0.03)])
                : pick([("Not-in-family", 0.6), ("Own-child", 0.15), ("Unmarried", 0.15), ("Other-relative", 0.1)])
        default:
            return pick([("Not-in-family", 0.55), ("Unmarried", 0.35), ("Own-child", 0.05), ("Other-relative", 0.05)])
        }
    }

    private mutating func occupation(rank: Int, male: Bool) -> String {
        let educated = rank >= 12
        let weights = CensusVocabulary.occupations.map { name, weight -> (String, Double) in
            var w = weight
            switch name {
            case "Prof-specialty", "Exec-managerial": w *= educated ? 3.0 : 0.5
            case "Craft-repair", "Transport-moving", "Machine-op-inspct", "Farming-fishing", "Handlers-cleaners":
                w *= (male ? 1.6 : 0.4) * (educated ? 0.25 : 1.2)
            case "Adm-clerical", "Priv-house-serv": w *= male ? 0.6 : 2.2
            case "Other-service": w *= educated ? 0.3 : 1.2
            case "Protective-serv", "Armed-Forces": w *= male ? 1.5 : 0.3
            default: break
            }
            return (name, w)
        }
        return pick(weights)
    }

    private mutating func hoursPerWeek(age: Int, male: Bool) -> Int {
        if age >= 22 && random.nextDouble() < 0.5 { return 40 }
        let mean = age < 22 ? 26.0 : age > 64 ? 30.0 : (male ? 44.0 : 38.0)
        return min(99, max(1, Int(normal(mean: mean, deviation: 14).rounded())))
    }

    private mutating func normal(mean: Double, deviation: Double) -> Double {
        let u = max(random.nextDouble(), 1e-300)
        let v = random.nextDouble()
        return mean + deviation * sqrt(-2 * log(u)) * cos(2 * Double.pi * v)
    }

    private mutating func pick(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var target = random.nextDouble() * total
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }

    private mutating func pick(_ choices: [(String, Double)]) -> String {
        choices[pick(choices.map(\.1))].0
    }

    private mutating func pickUniform(_ values: [Int]) -> Int {
        values[random.nextInt(below: values.count)]
    }
}

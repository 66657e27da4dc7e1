/// The columns and category sets of the census-income ("Adult") data, with
/// the marginal frequencies the demo generator draws from.
///
/// Weights are the approximate shares in the real data (45,222 rows after
/// dropping unknowns); they need not sum to one.
enum CensusVocabulary {
    /// The columns, in the order of the real file.
    static let columns = ["age", "workclass", "fnlwgt", "education", "educational-num", "marital-status",
                          "occupation", "relationship", "race", "gender", "capital-gain", "capital-loss",
                          "hours-per-week", "native-country", "TARGET"]

    /// The columns the tutorial forces categorical.
    static let categoricalColumns = ["TARGET", "workclass", "marital-status", "occupation", "relationship", "race",
                                     "native-country", "gender", "education"]

    static let workclass: [(String, Double)] = [
        ("Private", 73.7), ("Self-emp-not-inc", 8.3), ("Local-gov", 6.8), ("State-gov", 4.3),
        ("Self-emp-inc", 3.6), ("Federal-gov", 3.1), ("Without-pay", 0.05), ("Never-worked", 0.02),
    ]

    /// Education levels in rank order: `educational-num` is the index + 1.
    static let educationLevels = ["Preschool", "1st-4th", "5th-6th", "7th-8th", "9th", "10th", "11th", "12th",
                                  "HS-grad", "Some-college", "Assoc-voc", "Assoc-acdm", "Bachelors", "Masters",
                                  "Prof-school", "Doctorate"]
    /// Shares of each education level, in rank order.
    static let educationWeights: [Double] = [0.2, 0.5, 1.0, 2.0, 1.6, 2.8, 3.7, 1.3, 32.3, 22.3, 4.2, 3.3, 16.4,
                                             5.4, 1.7, 1.2]

    static let maritalStatuses = ["Married-civ-spouse", "Never-married", "Divorced", "Separated", "Widowed",
                                  "Married-spouse-absent", "Married-AF-spouse"]

    static let occupations: [(String, Double)] = [
        ("Prof-specialty", 13.4), ("Craft-repair", 13.3), ("Exec-managerial", 13.2), ("Adm-clerical", 12.3),
        ("Sales", 12.0), ("Other-service", 10.7), ("Machine-op-inspct", 6.6), ("Transport-moving", 5.2),
        ("Handlers-cleaners", 4.5), ("Farming-fishing", 3.3), ("Tech-support", 3.1), ("Protective-serv", 2.1),
        ("Priv-house-serv", 0.5), ("Armed-Forces", 0.03),
    ]

    static let relationships = ["Husband", "Wife", "Own-child", "Not-in-family", "Other-relative", "Unmarried"]

    static let races: [(String, Double)] = [
        ("White", 85.5), ("Black", 9.6), ("Asian-Pac-Islander", 3.1), ("Amer-Indian-Eskimo", 1.0), ("Other", 0.8),
    ]

    static let genders = ["Male", "Female"]

    static let countries: [(String, Double)] = [
        ("United-States", 91.3), ("Mexico", 2.0), ("Philippines", 0.62), ("Germany", 0.43), ("Puerto-Rico", 0.39),
        ("Canada", 0.36), ("El-Salvador", 0.33), ("India", 0.33), ("Cuba", 0.30), ("England", 0.26),
        ("China", 0.25), ("South", 0.22), ("Jamaica", 0.23), ("Italy", 0.22), ("Dominican-Republic", 0.21),
        ("Japan", 0.20), ("Guatemala", 0.19), ("Poland", 0.18), ("Vietnam", 0.18), ("Columbia", 0.18),
        ("Haiti", 0.15), ("Portugal", 0.14), ("Taiwan", 0.12), ("Iran", 0.12), ("Greece", 0.11),
        ("Nicaragua", 0.10), ("Peru", 0.10), ("Ecuador", 0.09), ("France", 0.08), ("Ireland", 0.08),
        ("Hong", 0.06), ("Thailand", 0.06), ("Cambodia", 0.06), ("Trinadad&Tobago", 0.06), ("Laos", 0.05),
        ("Yugoslavia", 0.05), ("Outlying-US(Guam-USVI-etc)", 0.05), ("Scotland", 0.04), ("Honduras", 0.04),
        ("Hungary", 0.04), ("Holand-Netherlands", 0.01),
    ]

    /// Capital gains seen mostly above 50K, and mostly below.
    static let highCapitalGains = [7688, 15024, 7298, 99999, 5178, 4386, 8614, 10520, 14084, 27828, 13550, 20051]
    static let lowCapitalGains = [2174, 3103, 594, 3137, 4064, 1055, 2829, 2176, 4650, 3325, 2597, 991]
    /// Capital losses seen mostly above 50K, and mostly below.
    static let highCapitalLosses = [1902, 1977, 1887, 1848, 2415, 1564, 2392]
    static let lowCapitalLosses = [1602, 1590, 1740, 1672, 1876, 1719, 2001, 1408, 1485]
}

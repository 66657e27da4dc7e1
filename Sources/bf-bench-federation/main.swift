import Federation
import Foundation

let path = CommandLine.arguments[1]
let config = DataConfig(ignoreColumns: ["fnlwgt"], forceStypes: ["t": ForcedTypes(categorical: ["TARGET", "workclass", "marital-status", "occupation", "relationship", "race", "native-country", "gender", "education"])], seed: 100)
var times: [Double] = []
for _ in 0..<7 {
    let start = DispatchTime.now().uptimeNanoseconds
    let d = try CSVSource.load(URL(fileURLWithPath: path), table: "t", config: config)
    let end = DispatchTime.now().uptimeNanoseconds
    times.append(Double(end - start) / 1e6)
    precondition(d.rowCount == 45000)
}
print(times.sorted())

import Foundation

/// bf's logo for Jupyter's launcher: a hub joined to three pods, on a rounded square.
///
/// The logo is a list of shapes on a 64×64 canvas, drawn once as SVG (`logo-svg.svg`) and
/// rasterised for the PNG sizes Jupyter asks for (`logo-32x32.png`, `logo-64x64.png`), so the
/// three files show the same picture.
enum KernelLogo {
    /// A colour as red, green and blue.
    struct Colour: Equatable {
        let red: UInt8, green: UInt8, blue: UInt8

        var hex: String { String(format: "#%02x%02x%02x", red, green, blue) }
    }

    /// A filled shape, in canvas units.
    enum Shape {
        case roundedSquare(size: Double, radius: Double, Colour)
        case circle(x: Double, y: Double, radius: Double, Colour)
        /// A line with round ends.
        case line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, Colour)

        var colour: Colour {
            switch self {
            case .roundedSquare(_, _, let colour), .circle(_, _, _, let colour), .line(_, _, _, _, _, let colour): return colour
            }
        }

        /// Whether the point (`x`, `y`) is inside the shape.
        func contains(_ x: Double, _ y: Double) -> Bool {
            switch self {
            case let .roundedSquare(size, radius, _):
                // Distance to a rounded box centred on the canvas, inside when not positive.
                let half = size / 2
                let qx = abs(x - half) - (half - radius), qy = abs(y - half) - (half - radius)
                let outside = (max(qx, 0) * max(qx, 0) + max(qy, 0) * max(qy, 0)).squareRoot()
                return outside + min(max(qx, qy), 0) - radius <= 0
            case let .circle(cx, cy, radius, _):
                return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius
            case let .line(x1, y1, x2, y2, width, _):
                let dx = x2 - x1, dy = y2 - y1
                let along = max(0, min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
                let px = x1 + along * dx - x, py = y1 + along * dy - y
                return px * px + py * py <= width * width / 4
            }
        }
    }

    static let canvas = 64.0
    static let background = Colour(red: 0x1d, green: 0x35, blue: 0x57)
    static let link = Colour(red: 0xa8, green: 0xda, blue: 0xdc)
    static let pod = Colour(red: 0xf1, green: 0xfa, blue: 0xee)
    static let hub = Colour(red: 0xf4, green: 0xa2, blue: 0x61)

    static let hubCentre = (x: 32.0, y: 30.0)
    static let podCentres = [(x: 14.0, y: 16.0), (x: 50.0, y: 16.0), (x: 32.0, y: 51.0)]

    /// The shapes, back to front.
    static let shapes: [Shape] = [.roundedSquare(size: canvas, radius: 12, background)]
        + podCentres.map { .line(x1: hubCentre.x, y1: hubCentre.y, x2: $0.x, y2: $0.y, width: 4, link) }
        + podCentres.map { .circle(x: $0.x, y: $0.y, radius: 7, pod) }
        + [.circle(x: hubCentre.x, y: hubCentre.y, radius: 8.5, hub)]

    /// The logo as an SVG document.
    static var svg: String {
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" viewBox=\"0 0 64 64\">\n"
        svg += "<title>bf</title>\n"
        for shape in shapes {
            switch shape {
            case let .roundedSquare(size, radius, colour):
                svg += "<rect x=\"0\" y=\"0\" width=\"\(number(size))\" height=\"\(number(size))\" rx=\"\(number(radius))\" fill=\"\(colour.hex)\"/>\n"
            case let .circle(x, y, radius, colour):
                svg += "<circle cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"\(number(radius))\" fill=\"\(colour.hex)\"/>\n"
            case let .line(x1, y1, x2, y2, width, colour):
                svg += "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" "
                    + "stroke=\"\(colour.hex)\" stroke-width=\"\(number(width))\" stroke-linecap=\"round\"/>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// The logo as a `size`×`size` PNG, each pixel the average of 4×4 samples so that edges
    /// are smooth; outside the rounded square it is transparent.
    static func png(size: Int) -> Data {
        let samples = 4
        let scale = canvas / Double(size)
        var pixels = [UInt8](repeating: 0, count: size * size * 4)
        for row in 0..<size {
            for column in 0..<size {
                var red = 0.0, green = 0.0, blue = 0.0, covered = 0.0
                for sy in 0..<samples {
                    for sx in 0..<samples {
                        let x = (Double(column) + (Double(sx) + 0.5) / Double(samples)) * scale
                        let y = (Double(row) + (Double(sy) + 0.5) / Double(samples)) * scale
                        guard let shape = shapes.last(where: { $0.contains(x, y) }) else { continue }
                        red += Double(shape.colour.red)
                        green += Double(shape.colour.green)
                        blue += Double(shape.colour.blue)
                        covered += 1
                    }
                }
                let offset = (row * size + column) * 4
                guard covered > 0 else { continue }
                pixels[offset] = UInt8((red / covered).rounded())
                pixels[offset + 1] = UInt8((green / covered).rounded())
                pixels[offset + 2] = UInt8((blue / covered).rounded())
                pixels[offset + 3] = UInt8((covered / Double(samples * samples) * 255).rounded())
            }
        }
        return PNGImage(width: size, height: size, pixels: pixels).data
    }

    private static func number(_ value: Double) -> String { MetricsChartDrawing.number(value) }
}

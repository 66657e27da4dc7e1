import Foundation

/// The Gaussian mechanism on a whole vector, for central differential privacy on model
/// updates (DP-FedAvg, McMahan et al. 2018): the vector is scaled down to L2 norm at most
/// `maxNorm`, then every element gets Gaussian noise of standard deviation `deviation`,
/// drawn from the kernel's CSPRNG (see `SecureRandom`).
public enum GaussianMechanism {
    /// Clips `vector` to norm `maxNorm` and adds N(0, deviation²) to each element; returns the
    /// norm it had before clipping.
    @discardableResult
    public static func clipAndPerturb(_ vector: inout [Float], maxNorm: Double, deviation: Double) -> Double {
        perturb(&vector, maxNorm: maxNorm, deviation: deviation, random: SecureRandom())
    }

    /// `clipAndPerturb` with the noise from `random` (tests seed it).
    static func perturb(_ vector: inout [Float], maxNorm: Double, deviation: Double, random: SecureRandom) -> Double {
        let norm = vector.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let scale = norm > maxNorm ? maxNorm / norm : 1
        for i in vector.indices {
            vector[i] = Float(Double(vector[i]) * scale + deviation * random.nextNormal())
        }
        return norm
    }
}

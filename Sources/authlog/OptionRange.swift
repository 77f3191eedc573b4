import ArgumentParser

/// The one range check of every numeric option: an absurd value is a usage error (exit 2)
/// naming the option and its range, never an allocation of hundreds of gigabytes, an
/// overflow trap or a spinning core later on.
func requireOption<Value: Comparable>(_ value: Value, in range: ClosedRange<Value>, _ name: String) throws {
    guard range.contains(value) else {
        throw ValidationError("\(name) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
    }
}

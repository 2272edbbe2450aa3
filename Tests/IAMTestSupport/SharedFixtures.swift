public import Foundation

/// The reference material beside the repository root (`../shared`), read-only.
public enum SharedFixtures {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared")

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

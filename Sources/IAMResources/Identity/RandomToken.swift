/// Random secret IDs and keys: the 62-character alphabet of marmotedu/iam's idutil, from the system's
/// cryptographic generator, without its modulo bias.
public enum RandomToken {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890".utf8)

    /// A 36-character secret ID.
    public static func secretID() -> String { make(length: 36) }

    /// A 32-character secret key.
    public static func secretKey() -> String { make(length: 32) }

    /// `length` random characters of the alphabet.
    public static func make(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(decoding: bytes, as: UTF8.self)
    }
}
